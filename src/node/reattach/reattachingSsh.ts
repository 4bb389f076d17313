/**
 * The reattaching ssh: runs ssh with a remote command that attaches a
 * tmux/screen session, and when the connection drops, connects again and
 * reattaches, until the remote session ends normally or reconnecting is
 * pointless (authentication, host key) or has gone on too long.
 */
import { outcomeOf, RetryPolicy } from '../../core/reattach/policy';
import { classifySshFailure, type SshEnd, type SshEndReason } from '../../core/session/failure';
import { socketVerdict } from '../../core/socket/verdict';
import type { WakeEvent } from '../../core/wake/wakeDetector';
import { findSshSocket, readSocketStats } from '../socketProbe';
import { startSshAttempt, type AttemptEnd, type SshAttempt } from './sshAttempt';
import { restoreTerminalMode, saveTerminalMode } from './terminalMode';
import { watchForWake } from './wakeWatch';

/** The signals the wrapper reacts to. */
export type WrapperSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGUSR2';

/** Subscribes to signals of our own process; the returned function unsubscribes. */
export interface SignalSource {
  on(signal: WrapperSignal, listener: () => void): () => void;
}

/** The process's real signals. */
export const processSignals: SignalSource = {
  on(signal, listener) {
    process.on(signal, listener);
    return () => {
      process.off(signal, listener);
    };
  },
};

export interface ReattachingSshOptions {
  /** The full ssh argument vector of every attempt (relaunchArgs with the attach command). */
  readonly args: readonly string[];
  /** The destination as the user typed it, for messages. */
  readonly host: string;
  /** `tmux` or `screen`, for messages. */
  readonly multiplexer: string;
  /** ssh's escape character (for messages); undefined when none. */
  readonly escapeChar: string | undefined;
  /** Where ssh runs: the user's own folder, so relative paths in their options mean what they typed. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Our messages, whole lines without the line end. */
  readonly say: (line: string) => void;
  /** ssh's stderr, passed through as it comes. */
  readonly passStderr: (chunk: Buffer) => void;
  readonly signals: SignalSource;
  /** The ssh program (tests); `ssh` on PATH by default. */
  readonly program?: string;
  /** RetryPolicy options (tests); its defaults otherwise. */
  readonly retry?: { readonly fastCeilingMs?: number; readonly slowCeilingMs?: number; readonly giveUpAfterMs?: number };
}

/** After a wake, ssh's socket is checked this often, for this long. */
const VERIFY_EVERY_MS = 1000;
const VERIFY_FOR_MS = 15_000;
/** A run that lasted this long reached the server even when its socket could not be seen (ProxyCommand). */
const SURELY_CONNECTED_MS = 10_000;
/** An established socket seen this long after the start means the run reached the server. */
const ESTABLISHED_FOR_MS = 3000;
/** Time for a signal that came with ssh's end (Ctrl-C, hangup) to reach us before deciding. */
const SIGNAL_SETTLE_MS = 50;
/** SIGTERM first, SIGKILL after this. */
const END_GRACE_MS = 2000;

const EXIT_CODE: Record<Exclude<WrapperSignal, 'SIGUSR2'>, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Reasons for which ssh never reached a session: "cannot reach" rather than "lost". */
const BEFORE_SESSION: ReadonlySet<SshEndReason> = new Set(['connection-refused', 'no-route', 'host-unreachable', 'connect-timeout', 'name-not-resolved']);

const CAUSE: Readonly<Record<SshEndReason, string>> = {
  'broken-pipe': 'broken pipe',
  timeout: 'server not responding',
  'closed-by-remote': 'closed by the server',
  'connection-reset': 'connection reset',
  'connection-refused': 'connection refused',
  'no-route': 'no route to host',
  'host-unreachable': 'host unreachable',
  'connect-timeout': 'connect timed out',
  'name-not-resolved': 'host name not resolved',
  'host-key-changed': 'host key changed',
  'host-key-unknown': 'host key not known',
  'permission-denied': 'permission denied',
  closed: 'closed',
};

function duration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const s = ms / 1000;
  return s < 10 ? `${Number(s.toFixed(1))} s` : `${Math.round(s)} s`;
}

/** `~`, or `^]` for a control character. */
function visibleEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 ? `^${String.fromCharCode(code + 0x40)}` : code === 0x7f ? '^?' : c;
}

/** `Killed by signal N.`: ssh caught a signal during the session and quit. */
function caughtSignal(stderrTail: string): number | undefined {
  const m = /Killed by signal (\d+)\.\s*$/.exec(stderrTail);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Runs the reattaching ssh to its end and resolves to the exit code: 0 when
 * the remote session ended normally (detached, or its last shell exited), the
 * remote command's own status for any other status but 255, 255 when
 * reconnecting stopped (authentication or host key refused, gave up),
 * 128 + the signal when SIGINT, SIGTERM or SIGHUP ended the wrapper.
 */
export async function runReattachingSsh(o: ReattachingSshOptions): Promise<number> {
  let policy = new RetryPolicy(Date.now(), o.retry);
  let current: SshAttempt | undefined;
  /** Why we ended the current ssh ourselves, for the message after it. */
  let endedBecause: string | undefined;
  let stopCode: number | undefined;
  let cutWait: (() => void) | undefined;
  let verifyUntil = 0;
  let verifyTimer: NodeJS.Timeout | undefined;
  let verifying = false;

  const verify = async (): Promise<void> => {
    const attempt = current;
    if (verifying || attempt?.pid === undefined || !attempt.running()) {
      return;
    }
    verifying = true;
    try {
      const stats = await readSocketStats(attempt.pid).catch(() => undefined);
      // A socket that is not ESTABLISHED yet (connecting) gives no stats: nothing to judge.
      const verdict = stats === undefined ? undefined : socketVerdict(stats.numbers);
      if (verdict?.verdict === 'stalled' && attempt === current && attempt.running()) {
        endedBecause = `no answer after the wake: ${verdict.detail}`;
        attempt.end(END_GRACE_MS);
      }
    } finally {
      verifying = false;
    }
  };

  const onWake = (_event?: WakeEvent): void => {
    if (cutWait !== undefined) {
      // Between attempts: the network may be back, try now instead of after the delay.
      cutWait();
      return;
    }
    // A wake alone never ends ssh (a busy event loop looks the same):
    // its socket is checked, now and for a while, and ssh is ended only
    // when the kernel says the connection is stalled.
    verifyUntil = Date.now() + VERIFY_FOR_MS;
    void verify();
    if (verifyTimer === undefined) {
      verifyTimer = setInterval(() => {
        if (Date.now() > verifyUntil) {
          clearInterval(verifyTimer);
          verifyTimer = undefined;
          return;
        }
        void verify();
      }, VERIFY_EVERY_MS);
      verifyTimer.unref();
    }
  };

  const onStopSignal = (signal: Exclude<WrapperSignal, 'SIGUSR2'>): void => {
    stopCode ??= EXIT_CODE[signal];
    if (current?.running() === true) {
      // Passed on as is: ssh catches SIGINT, SIGTERM and SIGHUP, restores
      // the terminal and exits; SIGKILL only if it does not.
      current.end(END_GRACE_MS, signal);
    }
    cutWait?.();
  };

  const unsubscribe = [
    o.signals.on('SIGINT', () => onStopSignal('SIGINT')),
    o.signals.on('SIGTERM', () => onStopSignal('SIGTERM')),
    o.signals.on('SIGHUP', () => onStopSignal('SIGHUP')),
    // Hidden and for tests only (not in --help): SIGUSR2 acts as if the
    // machine had just woken up, since a real suspend cannot be caused from
    // a test.
    o.signals.on('SIGUSR2', () => onWake()),
  ];
  const stopWatching = watchForWake({ onWake });

  try {
    const terminalMode = await saveTerminalMode();
    for (;;) {
      if (stopCode !== undefined) {
        return stopCode;
      }
      endedBecause = undefined;
      const attempt = startSshAttempt(o.args, { cwd: o.cwd, env: o.env, onStderr: o.passStderr, ...(o.program === undefined ? {} : { program: o.program }) });
      current = attempt;
      const connected = watchConnected(attempt);
      const end = await attempt.done;
      connected.stop();
      current = undefined;
      await restoreTerminalMode(terminalMode);
      if (end.kind === 'exited' && (end.signal !== undefined || end.exitCode === 255)) {
        await new Promise((r) => setTimeout(r, SIGNAL_SETTLE_MS));
      }
      if (stopCode !== undefined) {
        return stopCode;
      }
      const decided = decide(end, o);
      if (decided.kind === 'exit') {
        if (decided.message !== undefined) {
          o.say(decided.message);
        }
        return decided.code;
      }
      if (connected.seen() || (end.kind === 'exited' && end.durationMs >= SURELY_CONNECTED_MS)) {
        // That run reached the server: this failure starts a new outage.
        policy = new RetryPolicy(attempt.startedAtMs + (end.kind === 'exited' ? end.durationMs : 0), o.retry);
      }
      // A stalled ssh we ended ourselves never got an answer: as unreachable as a connect timeout.
      const outcome = endedBecause !== undefined ? 'unreachable' : outcomeOf(decided.ssh?.reason, decided.exitCode);
      const next = policy.next(outcome, Date.now(), end.kind === 'exited' ? end.durationMs : undefined);
      if (next.kind === 'stop') {
        o.say(`ssh-lifeline: ${next.message}`);
        return 255;
      }
      const cause = endedBecause ?? decided.cause;
      const lead = decided.ssh !== undefined && BEFORE_SESSION.has(decided.ssh.reason) ? `cannot reach ${o.host}` : `connection to ${o.host} lost`;
      o.say(`ssh-lifeline: ${lead} (${cause}); reconnecting in ${duration(next.delayMs)} (attempt ${next.attempt + 1})…`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, next.delayMs);
        function done(): void {
          clearTimeout(timer);
          cutWait = undefined;
          resolve();
        }
        cutWait = done;
      });
    }
  } finally {
    cutWait?.();
    stopWatching();
    if (verifyTimer !== undefined) {
      clearInterval(verifyTimer);
    }
    unsubscribe.forEach((u) => u());
  }
}

type Decision =
  | { readonly kind: 'exit'; readonly code: number; readonly message?: string }
  | { readonly kind: 'retry'; readonly ssh: SshEnd | undefined; readonly exitCode: number | undefined; readonly cause: string };

/** What one ended ssh means: leave with a code, or reconnect. */
function decide(end: AttemptEnd, o: ReattachingSshOptions): Decision {
  if (end.kind === 'spawn-failed') {
    return end.reason === 'missing'
      ? { kind: 'exit', code: 127, message: 'ssh-lifeline: ssh was not found: install the OpenSSH client (Debian: openssh-client)' }
      : { kind: 'exit', code: 255, message: `ssh-lifeline: cannot start ssh: ${end.message}` };
  }
  if (end.exitCode === 0) {
    return { kind: 'exit', code: 0 };
  }
  const ssh = classifySshFailure(end.stderrTail);
  // `Connection to HOST closed.` is ssh's own ending of a session it ended
  // itself: after the escape sequence `~.` (which leaves no other trace), or
  // when the remote command's own status was 255. Neither is a drop. ssh
  // prints the line only at LogLevel INFO or above; below that, `~.` cannot
  // be told from a drop and is reconnected.
  if (end.exitCode === 255 && ssh?.reason === 'closed') {
    const escape = o.escapeChar === undefined ? '' : `the ${visibleEscape(o.escapeChar)}. escape, or `;
    return { kind: 'exit', code: 255, message: `ssh-lifeline: ssh closed the connection itself (${escape}the remote command's status 255): not reconnecting` };
  }
  // A hangup or Ctrl-C from the terminal reaches us as well as ssh, and we
  // stop on it before getting here; a signal sent to ssh alone asks for a
  // new connection (as a killed or stalled ssh does).
  const caught = caughtSignal(end.stderrTail);
  const transport = end.signal !== undefined || end.exitCode === 255 || (ssh !== undefined && ssh.reason !== 'closed');
  if (!transport) {
    const code = end.exitCode ?? 255;
    const message =
      code === 127 ? `ssh-lifeline: the remote shell on ${o.host} could not run ${o.multiplexer} (exit 127): is ${o.multiplexer} installed there?` : undefined;
    return message === undefined ? { kind: 'exit', code } : { kind: 'exit', code, message };
  }
  const cause =
    ssh !== undefined ? CAUSE[ssh.reason] : end.signal !== undefined ? `ssh ended by ${end.signal}` : caught !== undefined ? `ssh ended by signal ${caught}` : 'ssh exited with 255';
  return { kind: 'retry', ssh, exitCode: end.exitCode, cause };
}

/**
 * Watches whether this ssh held an established TCP connection for a while
 * (then it reached the server, and its end is a drop rather than a failed
 * attempt). "For a while", because a server that accepts and at once closes
 * (MaxStartups, an overloaded host) must keep counting as failed attempts,
 * with growing delays, not start a new outage each time. Linux only;
 * elsewhere, and over a ProxyCommand, {@link SURELY_CONNECTED_MS} decides.
 */
function watchConnected(attempt: SshAttempt): { seen(): boolean; stop(): void } {
  let seen = false;
  let checking = false;
  const timer = setInterval(() => {
    if (seen || checking || attempt.pid === undefined || !attempt.running() || Date.now() - attempt.startedAtMs < ESTABLISHED_FOR_MS) {
      return;
    }
    checking = true;
    findSshSocket(attempt.pid)
      .then((sockets) => {
        if (sockets !== undefined && sockets.length > 0) {
          seen = true;
          clearInterval(timer);
        }
      })
      .catch(() => clearInterval(timer))
      .finally(() => {
        checking = false;
      });
  }, 500);
  timer.unref();
  return {
    seen: () => seen,
    stop: () => clearInterval(timer),
  };
}
