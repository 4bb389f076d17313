/** Time source; the core never reads clocks itself. */
export interface Clock {
  /** Wall-clock milliseconds (`Date.now()`): keeps counting while the machine sleeps. */
  wallNow(): number;
  /**
   * Monotonic milliseconds (`performance.now()`): on Linux it stops while the
   * machine is suspended; on macOS it keeps running.
   */
  monotonicNow(): number;
}

/** What one tick learned about the time since the previous tick. */
export interface WakeEvent {
  /**
   * `suspend`: wall time ran ahead of monotonic time, as it does across a Linux
   * suspend (or when the wall clock is stepped forward).
   * `stall`: both clocks show the gap: a macOS sleep, or an event loop that was
   * blocked. Either way the right response is to re-verify sessions, never to
   * kill anything on this evidence alone.
   */
  readonly kind: 'suspend' | 'stall';
  /** Length of the gap beyond the expected tick interval, in milliseconds. */
  readonly gapMs: number;
  /** Wall-clock time at which the gap ended. */
  readonly at: number;
}

export interface WakeDetectorOptions {
  /** Expected time between ticks. */
  readonly intervalMs: number;
  /** A gap longer than this beyond the interval counts as a sleep. */
  readonly thresholdMs: number;
}

/**
 * Turns clock readings taken on every tick into wake events. Pure: a driver
 * calls {@link WakeDetector.tick} from a timer.
 */
export class WakeDetector {
  private lastWall: number;
  private lastMono: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: WakeDetectorOptions,
  ) {
    this.lastWall = clock.wallNow();
    this.lastMono = clock.monotonicNow();
  }

  tick(): WakeEvent | undefined {
    const wall = this.clock.wallNow();
    const mono = this.clock.monotonicNow();
    const wallElapsed = wall - this.lastWall;
    const monoElapsed = mono - this.lastMono;
    this.lastWall = wall;
    this.lastMono = mono;

    const { intervalMs, thresholdMs } = this.options;
    // A backwards wall step (NTP, manual change) is not a sleep.
    const drift = wallElapsed - monoElapsed;
    if (drift > thresholdMs) {
      return { kind: 'suspend', gapMs: Math.max(drift, wallElapsed - intervalMs), at: wall };
    }
    if (monoElapsed - intervalMs > thresholdMs && wallElapsed - intervalMs > thresholdMs) {
      return { kind: 'stall', gapMs: Math.min(wallElapsed, monoElapsed) - intervalMs, at: wall };
    }
    return undefined;
  }
}
