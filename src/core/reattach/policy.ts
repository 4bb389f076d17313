/**
 * How long to wait between reconnect attempts: fast while nothing reaches
 * sshd, slower once sshd answers, and never again after an authentication or
 * host-key failure. No reconnect storms: sshd counts failed and aborted
 * connections (MaxStartups, PerSourcePenalties in OpenSSH 9.8+) and fail2ban
 * counts failed logins.
 */
import type { SshEndReason } from '../session/failure';

/**
 * What a failed attempt means for retrying:
 * - `unreachable`: nothing reached sshd (timeouts, no route, unreachable,
 *   name not resolved, broken pipe/reset while connecting, killed) — cheap to retry;
 * - `refused`: the host is up but nothing listens (sshd not started yet);
 * - `other`: sshd answered and the attempt still failed (closed before a
 *   session, `kex_exchange_identification`, penalties) — back off far;
 * - `auth`, `host-key`: retrying cannot help.
 */
export type AttemptOutcome = 'unreachable' | 'refused' | 'other' | 'auth' | 'host-key';

/** From how an ssh attempt ended (classifySshFailure's reason, exit code, or killed by a signal) to what it means for retrying. */
export function outcomeOf(reason: SshEndReason | undefined, exitCode: number | undefined): AttemptOutcome {
  switch (reason) {
    case 'permission-denied':
      return 'auth';
    case 'host-key-changed':
    case 'host-key-unknown':
      return 'host-key';
    case 'connection-refused':
      return 'refused';
    case 'timeout':
    case 'connect-timeout':
    case 'host-unreachable':
    case 'no-route':
    case 'name-not-resolved':
    case 'broken-pipe':
    case 'connection-reset':
      return 'unreachable';
    case 'closed-by-remote':
    case 'closed':
      return 'other';
    case undefined:
      // No exit code: ended by a signal (our own ConnectTimeout kill, or the link died under it).
      return exitCode === undefined ? 'unreachable' : 'other';
  }
}

export interface RetryPolicyOptions {
  /** Longest wait between `unreachable` attempts (default 2000 ms). */
  readonly fastCeilingMs?: number;
  /** Longest wait between `other` attempts (default 30 000 ms). */
  readonly slowCeilingMs?: number;
  /** Stop after this long since the first attempt started (default: never). */
  readonly giveUpAfterMs?: number;
}

/** The next step after a failed attempt. */
export type RetryStep =
  /** `attempt`: 1 for the first retry, 2 for the second, … */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'stop'; readonly reason: 'auth' | 'host-key' | 'gave-up'; readonly message: string };

const REFUSED_CEILING_MS = 5000;
/**
 * An unreachable attempt that spent at least this long (a connect timeout:
 * SYNs sent, none answered) has paced the retries by itself, so the next one
 * starts after {@link AFTER_WAITED_MS} instead of the doubling pause: a link
 * that comes back during a long outage is then found by the next SYN, not
 * after a 2 s pause. Attempts that fail at once (no route, no name) keep the
 * doubling, so an offline machine does not start ssh several times a second.
 */
const WAITED_MS = 2000;
const AFTER_WAITED_MS = 250;

/**
 * The retry schedule of one reconnect. Each kind of failure has its own
 * doubling sequence, counted over the whole reconnect (a host that alternates
 * between kinds does not restart a sequence):
 * unreachable 250, 500, 1000, then `fastCeilingMs` (but 250 after an attempt
 * that waited 2 s or more for an answer); refused 1000, 2000, 4000, 5000;
 * other 1000, 2000, 4000, … `slowCeilingMs`.
 */
export class RetryPolicy {
  private readonly counts = { unreachable: 0, refused: 0, other: 0 };
  private attempts = 0;
  private readonly fastCeilingMs: number;
  private readonly slowCeilingMs: number;
  private readonly giveUpAfterMs: number | undefined;

  constructor(
    private readonly startedAtMs: number,
    options: RetryPolicyOptions = {},
  ) {
    this.fastCeilingMs = options.fastCeilingMs ?? 2000;
    this.slowCeilingMs = options.slowCeilingMs ?? 30_000;
    this.giveUpAfterMs = options.giveUpAfterMs;
  }

  /** Called after each failed attempt; `attemptMs`: how long it ran, when known. */
  next(outcome: AttemptOutcome, nowMs: number, attemptMs?: number): RetryStep {
    if (outcome === 'auth') {
      return { kind: 'stop', reason: 'auth', message: "authentication failed: not retrying, so the server's failed-login limits and penalties are never hit" };
    }
    if (outcome === 'host-key') {
      return { kind: 'stop', reason: 'host-key', message: 'the host key is unknown or has changed: not retrying; check the key, then connect by hand' };
    }
    if (this.giveUpAfterMs !== undefined && nowMs - this.startedAtMs >= this.giveUpAfterMs) {
      return { kind: 'stop', reason: 'gave-up', message: `gave up after ${Math.round((nowMs - this.startedAtMs) / 1000)} s and ${this.attempts + 1} attempts` };
    }
    const n = this.counts[outcome]++;
    this.attempts++;
    const [first, ceiling] = outcome === 'unreachable' ? [250, this.fastCeilingMs] : outcome === 'refused' ? [1000, REFUSED_CEILING_MS] : [1000, this.slowCeilingMs];
    // 2^n grows past any ceiling long before it overflows; cap the exponent all the same.
    const doubling = Math.min(first * 2 ** Math.min(n, 30), ceiling);
    const waited = outcome === 'unreachable' && attemptMs !== undefined && attemptMs >= WAITED_MS;
    const delayMs = waited ? Math.min(doubling, AFTER_WAITED_MS) : doubling;
    return { kind: 'retry', delayMs, attempt: this.attempts };
  }
}
