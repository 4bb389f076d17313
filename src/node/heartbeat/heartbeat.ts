import type { HeartbeatSettings } from '../../core/health/health';
import { WakeDetector, type Clock, type WakeEvent } from '../../core/wake/wakeDetector';
import { HostMonitor, type BannerProber, type BeatEvent, type Connector, type StateEvent } from './hostMonitor';

/** The clocks of this process: wall time and the monotonic clock libuv uses. */
export const systemClock: Clock = {
  wallNow: () => Date.now(),
  monotonicNow: () => performance.now(),
};

export interface HeartbeatOptions {
  readonly clock?: Clock;
  readonly log: (line: string) => void;
  /** How often silence is evaluated and the clocks compared (default 250 ms). */
  readonly tickMs?: number;
  /** A clock gap beyond this counts as a sleep (default 4 s). */
  readonly wakeThresholdMs?: number;
}

export interface HostRegistration {
  readonly label: string;
  readonly connect: Connector;
  readonly banner?: BannerProber;
  readonly bannerSpacingMs: number;
  readonly settings: HeartbeatSettings;
}

interface Entry {
  readonly monitor: HostMonitor;
  users: number;
  readonly unsubscribe: (() => void)[];
}

/**
 * All heartbeats of this process: one {@link HostMonitor} per host key,
 * shared by every session to that host (reference-counted), one timer that
 * evaluates silence for all of them, and the wake detector. No timer runs
 * while no host is watched.
 */
export class Heartbeat {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private wakeDetector: WakeDetector | undefined;
  private readonly beatListeners = new Set<(key: string, e: BeatEvent) => void>();
  private readonly stateListeners = new Set<(key: string, e: StateEvent) => void>();
  private readonly wakeListeners = new Set<(e: WakeEvent) => void>();

  constructor(private readonly options: HeartbeatOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Starts watching `key` (or adds a user to it); the returned function releases it. */
  acquire(key: string, registration: HostRegistration): { readonly monitor: HostMonitor; release(): void } {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const monitor = new HostMonitor({ ...registration, clock: this.clock, log: this.options.log });
      entry = {
        monitor,
        users: 0,
        unsubscribe: [
          monitor.onBeat((e) => this.beatListeners.forEach((l) => l(key, e))),
          monitor.onStateChange((e) => this.stateListeners.forEach((l) => l(key, e))),
        ],
      };
      this.entries.set(key, entry);
      monitor.start();
      this.options.log(`[heartbeat] watching ${registration.label} (${key})`);
      this.ensureTicker();
    }
    entry.users++;
    const owned = entry;
    let released = false;
    return {
      monitor: owned.monitor,
      release: () => {
        if (released) {
          return;
        }
        released = true;
        owned.users--;
        if (owned.users === 0 && this.entries.get(key) === owned) {
          this.entries.delete(key);
          owned.monitor.stop();
          owned.unsubscribe.forEach((u) => u());
          this.options.log(`[heartbeat] stopped watching ${owned.monitor.label} (${key})`);
          if (this.entries.size === 0) {
            this.stopTicker();
          }
        }
      },
    };
  }

  monitor(key: string): HostMonitor | undefined {
    return this.entries.get(key)?.monitor;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  onBeat(listener: (key: string, e: BeatEvent) => void): () => void {
    this.beatListeners.add(listener);
    return () => this.beatListeners.delete(listener);
  }

  onStateChange(listener: (key: string, e: StateEvent) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onWake(listener: (e: WakeEvent) => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }

  /** Treats the next moment as a wake after `gapMs` of sleep (tests and the hidden simulate-wake command). */
  simulateWake(gapMs: number): void {
    this.handleWake({ kind: 'suspend', gapMs, at: this.clock.wallNow() });
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      entry.monitor.stop();
      entry.unsubscribe.forEach((u) => u());
    }
    this.entries.clear();
    this.stopTicker();
    this.beatListeners.clear();
    this.stateListeners.clear();
    this.wakeListeners.clear();
  }

  private ensureTicker(): void {
    if (this.ticker !== undefined) {
      return;
    }
    const tickMs = this.options.tickMs ?? 250;
    this.wakeDetector = new WakeDetector(this.clock, { intervalMs: tickMs, thresholdMs: this.options.wakeThresholdMs ?? 4000 });
    this.ticker = setInterval(() => this.tick(), tickMs);
  }

  private stopTicker(): void {
    if (this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      this.wakeDetector = undefined;
    }
  }

  private tick(): void {
    const wake = this.wakeDetector?.tick();
    if (wake !== undefined) {
      this.handleWake(wake);
    }
    for (const entry of this.entries.values()) {
      entry.monitor.evaluate();
    }
  }

  private handleWake(event: WakeEvent): void {
    this.options.log(`[wake] ${event.kind === 'suspend' ? 'woke from a sleep' : 'the event loop stalled'} of ${(event.gapMs / 1000).toFixed(1)} s: checking every host again`);
    for (const entry of this.entries.values()) {
      entry.monitor.wake();
    }
    this.wakeListeners.forEach((l) => l(event));
  }
}
