import {
  HostHealth,
  type HealthSnapshot,
  type HeartbeatSettings,
  type ProbeFailureKind,
  type StateChange,
} from '../../core/health/health';
import type { Clock } from '../../core/wake/wakeDetector';

/** Why a probe failed, as the probes report it (`ProbeError.reason`, banner `reason`). */
export interface ProbeFailure {
  readonly reason: string;
  readonly message: string;
}

/** An authenticated probe connection that answers keepalives. */
export interface HeartbeatConnection {
  /** Resolves with the round trip of one keepalive; rejects when the connection closes first. */
  ping(): Promise<unknown>;
  /** Called once when the connection ends; with a failure unless we closed it. */
  onClose(listener: (failure?: ProbeFailure) => void): () => void;
  close(): void;
}

/** Opens a probe connection; rejects with a {@link ProbeFailure}-shaped error. */
export type Connector = (signal: AbortSignal) => Promise<HeartbeatConnection>;

/** One unauthenticated look at the host: TCP connect and the SSH identification line. */
export type BannerProber = (
  signal: AbortSignal,
) => Promise<{ readonly ok: true; readonly connectMs: number } | { readonly ok: false; readonly reason: string; readonly message: string }>;

export interface HostMonitorOptions {
  /** Alias or label, for logs and events. */
  readonly label: string;
  readonly connect: Connector;
  /** Fallback when authentication is impossible; without it such a host stays `unknown`. */
  readonly banner?: BannerProber;
  /** Spacing of banner probes (sshd's PerSourcePenalties punish frequent unauthenticated connections). */
  readonly bannerSpacingMs: number;
  readonly settings: HeartbeatSettings;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface BeatEvent {
  readonly label: string;
  /** Wall-clock time of the answer. */
  readonly time: number;
  readonly rttMs: number;
}

export interface StateEvent extends StateChange {
  readonly label: string;
  /** Wall-clock time of the change. */
  readonly time: number;
}

/** Maps a probe's failure reason to what it means for the verdict. */
export function failureKind(reason: string): ProbeFailureKind {
  switch (reason) {
    case 'refused':
    case 'reset':
    case 'unreachable':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
    case 'closed':
      return 'closed';
    case 'host-key-unknown':
    case 'host-key-changed':
    case 'host-key-revoked':
      return 'untrusted-host-key';
    case 'auth':
      return 'auth';
    default:
      return 'other';
  }
}

const reconnectBackoffMs = [0, 1000, 2000, 4000, 5000] as const;

/**
 * Keeps one probe running against one host and feeds its health state
 * machine: connect, a keepalive every interval, a fresh connection when the
 * old one goes silent past `down` (a stuck TCP connection can take minutes to
 * recover after the link does), back-off between attempts, the banner probe
 * when no key is accepted, and nothing at all after an untrusted host key
 * until {@link retry}.
 */
export class HostMonitor {
  private readonly health: HostHealth;
  private connection: HeartbeatConnection | undefined;
  private connecting: AbortController | undefined;
  private beatTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  /** Proxy failures in a row: each retry re-runs the user's ProxyCommand or jump, so these back off much further. */
  private proxyFailures = 0;
  private mode: 'ssh' | 'banner' | 'stopped-untrusted' | 'unsupported' = 'ssh';
  private stopped = true;
  private failure: ProbeFailure | undefined;
  private readonly beatListeners = new Set<(e: BeatEvent) => void>();
  private readonly stateListeners = new Set<(e: StateEvent) => void>();
  private readonly contactListeners = new Set<() => void>();
  /** Monotonic time until which someone waits for this host (a reattach): attempts restart quickly instead of backing off. */
  private hurryUntil = Number.NEGATIVE_INFINITY;
  /** How long the last successful connect took, to bound a hurried attempt. */
  private lastConnectMs = 0;

  constructor(private readonly options: HostMonitorOptions) {
    this.health = new HostHealth(options.settings, options.clock.monotonicNow());
  }

  get label(): string {
    return this.options.label;
  }

  /** Which probe runs: the keepalive connection, the banner fallback, or none (with why). */
  get probeMode(): 'ssh' | 'banner' | 'stopped-untrusted' | 'unsupported' {
    return this.mode;
  }

  /** The last probe failure, for the tooltip and the log. */
  get lastFailure(): ProbeFailure | undefined {
    return this.failure;
  }

  onBeat(listener: (e: BeatEvent) => void): () => void {
    this.beatListeners.add(listener);
    return () => this.beatListeners.delete(listener);
  }

  onStateChange(listener: (e: StateEvent) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Fires on every fresh sign of life: a probe connection established, a
   * keepalive answered, a banner read. A reattach waits for one.
   */
  onContact(listener: () => void): () => void {
    this.contactListeners.add(listener);
    return () => this.contactListeners.delete(listener);
  }

  /**
   * Someone is waiting for this host to come back (a reattach): for the next
   * `forMs`, attempts restart every ~1.5 s (or 4 × the last connect time)
   * instead of backing off to 5 s, and an attempt stuck in the kernel's SYN
   * retransmissions (1 s, 3 s, 7 s…) is abandoned for a fresh one, so a
   * restored link is noticed within about a second. Nothing reaches sshd
   * while the link is dead, so this costs the server nothing.
   */
  hurry(forMs: number): void {
    this.hurryUntil = Math.max(this.hurryUntil, this.options.clock.monotonicNow() + forMs);
    if (this.stopped || this.mode !== 'ssh' || this.connection !== undefined || this.connecting !== undefined) {
      return;
    }
    this.clearTimers();
    this.attempts = 0;
    this.scheduleConnect(0);
  }

  /** Stops hurrying (the reattach is over). */
  relax(): void {
    this.hurryUntil = Number.NEGATIVE_INFINITY;
  }

  private hurried(): boolean {
    return this.options.clock.monotonicNow() < this.hurryUntil;
  }

  snapshot(): HealthSnapshot {
    return this.health.snapshot(this.options.clock.monotonicNow());
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.health.probeStarted(this.options.clock.monotonicNow());
    this.scheduleConnect(0);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.connecting?.abort();
    this.connecting = undefined;
    this.dropConnection();
  }

  /** Tries again now: after an untrusted host key was fixed, or when the user asks. */
  retry(): void {
    if (this.stopped) {
      return;
    }
    if (this.mode === 'stopped-untrusted' || this.mode === 'unsupported') {
      this.mode = 'ssh';
    }
    this.attempts = 0;
    if (this.connection === undefined && this.connecting === undefined) {
      this.clearTimers();
      this.scheduleConnect(0);
    }
  }

  /** The machine slept: no verdict from beats in flight; beat at once to learn the truth. */
  wake(): void {
    this.apply(this.health.wake(this.options.clock.monotonicNow()));
    if (this.connection !== undefined) {
      this.beat();
    } else if (this.mode === 'ssh' && this.connecting === undefined) {
      this.clearTimers();
      this.attempts = 0;
      this.scheduleConnect(0);
    }
  }

  /** Called by the driver's tick: silence becomes degraded, then down; down drops a stuck connection. */
  evaluate(): void {
    if (this.stopped || this.mode === 'banner') {
      return;
    }
    const change = this.health.evaluate(this.options.clock.monotonicNow());
    this.apply(change);
    if (change?.to === 'down' && this.connection !== undefined) {
      this.options.log(`[probe] ${this.label}: dropping the silent probe connection and reconnecting`);
      this.dropConnection();
      this.scheduleConnect(0);
    }
  }

  private clearTimers(): void {
    if (this.beatTimer !== undefined) {
      clearInterval(this.beatTimer);
      this.beatTimer = undefined;
    }
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  private dropConnection(): void {
    if (this.beatTimer !== undefined) {
      clearInterval(this.beatTimer);
      this.beatTimer = undefined;
    }
    const c = this.connection;
    this.connection = undefined;
    c?.close();
  }

  private scheduleConnect(delayMs: number): void {
    if (this.stopped || this.retryTimer !== undefined) {
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.mode === 'banner') {
        void this.bannerOnce();
      } else if (this.mode === 'ssh') {
        void this.connectOnce();
      }
    }, delayMs);
  }

  private nextBackoff(): number {
    if (this.hurried()) {
      this.attempts++;
      return 250;
    }
    const delay = reconnectBackoffMs[Math.min(this.attempts, reconnectBackoffMs.length - 1)] as number;
    this.attempts++;
    return delay;
  }

  private async connectOnce(): Promise<void> {
    const controller = new AbortController();
    this.connecting = controller;
    const started = this.options.clock.monotonicNow();
    const abandon = this.hurried()
      ? setTimeout(() => controller.abort(new Error('abandoned for a fresh attempt')), Math.max(1500, 4 * this.lastConnectMs))
      : undefined;
    let connection: HeartbeatConnection;
    try {
      connection = await this.options.connect(controller.signal);
    } catch (err) {
      clearTimeout(abandon);
      this.connecting = undefined;
      if (this.stopped) {
        return;
      }
      if (controller.signal.aborted) {
        // Abandoned by a hurry (see hurry()): not a verdict on the host, just a fresh attempt.
        this.scheduleConnect(0);
        return;
      }
      const failure = asFailure(err);
      this.failure = failure;
      const kind = failureKind(failure.reason);
      this.options.log(`[probe] ${this.label}: ${failure.reason}: ${failure.message}`);
      this.apply(this.health.failed(kind, failure.message, this.options.clock.monotonicNow()));
      if (kind === 'untrusted-host-key') {
        this.mode = 'stopped-untrusted';
        return;
      }
      if (kind === 'auth') {
        if (this.options.banner !== undefined) {
          this.mode = 'banner';
          this.options.log(`[probe] ${this.label}: no key is accepted; checking only that sshd answers, every ${Math.round(this.options.bannerSpacingMs / 1000)} s`);
          this.scheduleConnect(0);
        } else {
          this.mode = 'unsupported';
        }
        return;
      }
      if (failure.reason === 'unsupported') {
        this.mode = 'unsupported';
        return;
      }
      if (failure.reason === 'proxy') {
        // A refused forward or a failing jump rarely heals in seconds: 15 s, 30 s, then every 60 s.
        this.scheduleConnect(Math.min(60_000, 15_000 * 2 ** Math.min(this.proxyFailures++, 2)));
        return;
      }
      this.scheduleConnect(this.nextBackoff());
      return;
    }
    clearTimeout(abandon);
    this.connecting = undefined;
    if (this.stopped) {
      connection.close();
      return;
    }
    this.lastConnectMs = this.options.clock.monotonicNow() - started;
    this.attempts = 1;
    this.proxyFailures = 0;
    this.failure = undefined;
    this.connection = connection;
    this.apply(this.health.connected(this.options.clock.monotonicNow()));
    this.emitContact();
    connection.onClose((failure) => {
      if (this.connection !== connection) {
        return;
      }
      this.connection = undefined;
      if (this.beatTimer !== undefined) {
        clearInterval(this.beatTimer);
        this.beatTimer = undefined;
      }
      if (this.stopped) {
        return;
      }
      const f = failure ?? { reason: 'closed', message: 'the probe connection closed' };
      this.failure = f;
      this.options.log(`[probe] ${this.label}: connection ended: ${f.message}`);
      this.apply(this.health.failed(failureKind(f.reason), f.message, this.options.clock.monotonicNow()));
      this.scheduleConnect(this.nextBackoff());
    });
    this.beat();
    this.beatTimer = setInterval(() => this.beat(), this.options.settings.intervalMs);
  }

  private beat(): void {
    const connection = this.connection;
    if (connection === undefined) {
      return;
    }
    const id = this.health.beatSent(this.options.clock.monotonicNow());
    connection.ping().then(
      () => {
        this.apply(this.health.beatAnswered(id, this.options.clock.monotonicNow()));
        // A beat sent before a sleep has no round trip worth showing.
        const rtt = this.health.rttOf(id);
        if (rtt !== undefined && this.connection === connection) {
          this.emitBeat(rtt);
        }
      },
      () => {
        // The connection closed; onClose handles it.
      },
    );
  }

  private async bannerOnce(): Promise<void> {
    const banner = this.options.banner;
    if (banner === undefined || this.stopped) {
      return;
    }
    const controller = new AbortController();
    this.connecting = controller;
    const start = this.options.clock.monotonicNow();
    const result = await banner(controller.signal).catch((err: unknown) => ({ ok: false as const, ...asFailure(err) }));
    this.connecting = undefined;
    if (this.stopped) {
      return;
    }
    const at = this.options.clock.monotonicNow();
    if (result.ok) {
      this.failure = undefined;
      this.apply(this.health.connected(start));
      const id = this.health.beatSent(start);
      this.apply(this.health.beatAnswered(id, at));
      this.emitBeat(at - start);
    } else {
      this.failure = { reason: result.reason, message: result.message };
      const kind = failureKind(result.reason);
      // A banner that does not come is as good as a refusal here: probes are too sparse to wait for silence.
      this.apply(this.health.failed(kind === 'untrusted-host-key' || kind === 'auth' ? 'other' : 'unreachable', result.message, at));
    }
    this.scheduleConnect(this.options.bannerSpacingMs);
  }

  private emitBeat(rttMs: number): void {
    const event: BeatEvent = { label: this.label, time: this.options.clock.wallNow(), rttMs };
    for (const l of this.beatListeners) {
      l(event);
    }
    this.emitContact();
  }

  private emitContact(): void {
    for (const l of [...this.contactListeners]) {
      l();
    }
  }

  private apply(change: StateChange | undefined): void {
    if (change === undefined) {
      return;
    }
    this.options.log(`[health] ${this.label}: ${change.from} → ${change.to} (${change.reason})`);
    const event: StateEvent = { ...change, label: this.label, time: this.options.clock.wallNow() };
    for (const l of this.stateListeners) {
      l(event);
    }
  }
}

function asFailure(err: unknown): ProbeFailure {
  if (typeof err === 'object' && err !== null) {
    const reason = (err as { reason?: unknown }).reason;
    const message = (err as { message?: unknown }).message;
    return { reason: typeof reason === 'string' ? reason : 'other', message: typeof message === 'string' ? message : String(err) };
  }
  return { reason: 'other', message: String(err) };
}
