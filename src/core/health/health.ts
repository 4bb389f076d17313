/**
 * The heartbeat's verdict for one host: from beats sent and answered, probe
 * failures and wake events to a state with hysteresis. Pure: every input
 * carries its own time (monotonic milliseconds); a driver feeds it and calls
 * {@link HostHealth.evaluate} on a timer.
 *
 * Why silence, not counted misses: a keepalive rides on TCP, so on a lossy
 * link a beat is never lost, only late (the kernel retransmits after 200 ms,
 * 400 ms, 800 ms, … on a short path). What tells a dead link from a lossy one
 * is how long nothing at all has come back. With the defaults (a beat every
 * 2 s, `down` after 5.5 s of silence) a black hole is declared within
 * 3.5–5.5 s of its start, while a false `down` on a 10 %-loss link needs the
 * same segment (or its answer) lost five times in a row (about 1 in 10^5 per
 * beat).
 *
 * On a slow, congested link (a saturated tether: round trips of seconds) the
 * gap between two answers can pass 5.5 s with the link working, so the
 * silence allowed before `down` grows with the round trips seen, as TCP's
 * retransmission timeout does: at least `downAfterMs`, and at least one
 * interval plus twice the longest recent round trip, capped at four times
 * `downAfterMs`. On a link with millisecond round trips that is
 * `downAfterMs` itself.
 */

/** What the status bar shows for a host or a session. */
export type HealthState = 'unknown' | 'up' | 'degraded' | 'down' | 'untrusted-host-key';

/** Thresholds; every time in milliseconds. */
export interface HeartbeatSettings {
  /** Time between beats. */
  readonly intervalMs: number;
  /** Silence (no answer to anything) after which the host is `degraded`. */
  readonly degradedAfterMs: number;
  /** Silence after which the host is `down`. */
  readonly downAfterMs: number;
  /** A round trip at or above this is slow: two slow beats in a row make the host `degraded`. */
  readonly slowRttMs: number;
  /** Answered, timely beats in a row needed to go back to `up` from `degraded` or `down`. */
  readonly recoverBeats: number;
  /** Beats kept for the statistics and the sparkline. */
  readonly historyBeats: number;
}

export const defaultHeartbeatSettings: HeartbeatSettings = {
  intervalMs: 2000,
  degradedAfterMs: 3500,
  downAfterMs: 5500,
  slowRttMs: 1000,
  recoverBeats: 2,
  historyBeats: 60,
};

/**
 * Checks settings from a user: each a finite number in range and the
 * thresholds in order. Returns the problems, empty when usable.
 */
export function checkHeartbeatSettings(s: HeartbeatSettings): string[] {
  const problems: string[] = [];
  const positive = (name: keyof HeartbeatSettings, min: number): void => {
    const v = s[name];
    if (!Number.isFinite(v) || v < min) {
      problems.push(`${name} must be a number ≥ ${min}`);
    }
  };
  positive('intervalMs', 100);
  positive('degradedAfterMs', 100);
  positive('downAfterMs', 100);
  positive('slowRttMs', 1);
  positive('recoverBeats', 1);
  positive('historyBeats', 1);
  if (problems.length === 0) {
    if (s.degradedAfterMs <= s.intervalMs) {
      problems.push('degradedAfterMs must be longer than intervalMs (a quiet gap between two beats is not a problem)');
    }
    if (s.downAfterMs < s.degradedAfterMs) {
      problems.push('downAfterMs must not be shorter than degradedAfterMs');
    }
  }
  return problems;
}

/** Why a probe could not run or stopped; `untrusted` keys are the only sticky ones. */
export type ProbeFailureKind =
  /** Conclusive: nothing listens, the path is gone, or the peer reset. */
  | 'unreachable'
  /** Connecting timed out (a black hole, a frozen server). */
  | 'timeout'
  /** The established probe connection closed. */
  | 'closed'
  /** The host key is unknown, changed or revoked: never connect through it. */
  | 'untrusted-host-key'
  /** No way to authenticate (the monitor falls back to the banner probe). */
  | 'auth'
  /** Anything else (a proxy failed, a protocol error). */
  | 'other';

export interface StateChange {
  readonly from: HealthState;
  readonly to: HealthState;
  /** Monotonic time of the change. */
  readonly at: number;
  /** Why, in words for the log and the tooltip. */
  readonly reason: string;
}

/** Statistics over the kept beats; times in milliseconds. */
export interface HealthSnapshot {
  readonly state: HealthState;
  readonly reason: string;
  /** Monotonic time the state was entered. */
  readonly since: number;
  readonly lastRttMs: number | undefined;
  readonly medianRttMs: number | undefined;
  readonly p95RttMs: number | undefined;
  /** Beats answered later than one interval, or never, over the finished beats kept (0…1); undefined before any. */
  readonly loss: number | undefined;
  /** Monotonic time of the last answer, if any. */
  readonly lastContact: number | undefined;
  /** Round trips of the kept beats, oldest first; null for a beat not answered within one interval. */
  readonly history: readonly (number | null)[];
  /** Beats answered since the probe started. */
  readonly answered: number;
  readonly sent: number;
}

interface Beat {
  readonly id: number;
  readonly sentAt: number;
  rttMs?: number;
  /** Sent before a sleep: its timing means nothing. */
  void?: boolean;
}

/** Quantile of sorted values, nearest rank. */
function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) {
    return undefined;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * One host's health. Inputs: {@link beatSent}, {@link beatAnswered},
 * {@link connected}, {@link failed}, {@link wake}; {@link evaluate} turns
 * silence into `degraded`/`down`. Every method that can change the state
 * returns the change, or undefined.
 */
export class HostHealth {
  private current: HealthState = 'unknown';
  private reason = 'not probed yet';
  private since: number;
  private readonly beats: Beat[] = [];
  private nextBeatId = 1;
  /** Start of the current silence: last answer, connection, or wake. */
  private quietSince: number | undefined;
  private lastContact: number | undefined;
  private goodInARow = 0;
  private slowInARow = 0;
  private answered = 0;
  private sent = 0;

  constructor(
    private readonly settings: HeartbeatSettings,
    now: number,
  ) {
    this.since = now;
  }

  get state(): HealthState {
    return this.current;
  }

  /** The round trip recorded for beat `id`; undefined while unanswered, when it spanned a sleep, or once out of the history. */
  rttOf(id: number): number | undefined {
    const beat = this.beats.find((b) => b.id === id);
    return beat === undefined || beat.void === true ? undefined : beat.rttMs;
  }

  /** A probe started trying to reach the host: a host that never answers is silent from here. */
  probeStarted(at: number): void {
    if (this.quietSince === undefined) {
      this.quietSince = at;
    }
  }

  /** The probe is connected and authenticated (or a banner came back): silence is measured from here. */
  connected(at: number): StateChange | undefined {
    this.quietSince = at;
    this.lastContact = at;
    if (this.current === 'untrusted-host-key' || this.current === 'unknown') {
      // A first contact is not yet a verdict on the link; the first answered beat is.
      return this.current === 'untrusted-host-key' ? this.set('unknown', at, 'connected') : undefined;
    }
    return undefined;
  }

  /** A beat went out; returns its id for {@link beatAnswered}. */
  beatSent(at: number): number {
    const beat: Beat = { id: this.nextBeatId++, sentAt: at };
    this.beats.push(beat);
    this.sent++;
    if (this.beats.length > this.settings.historyBeats) {
      this.beats.splice(0, this.beats.length - this.settings.historyBeats);
    }
    return beat.id;
  }

  /** The answer to beat `id` came back at `at`. */
  beatAnswered(id: number, at: number): StateChange | undefined {
    const beat = this.beats.find((b) => b.id === id);
    this.answered++;
    this.lastContact = at;
    this.quietSince = at;
    if (beat === undefined || beat.void === true) {
      // An answer is contact even when its timing means nothing (sent before a sleep).
      return undefined;
    }
    const rtt = Math.max(0, at - beat.sentAt);
    beat.rttMs = rtt;
    const timely = rtt < this.settings.intervalMs;
    const slow = rtt >= this.settings.slowRttMs;
    this.slowInARow = slow ? this.slowInARow + 1 : 0;
    this.goodInARow = timely && !slow ? this.goodInARow + 1 : 0;

    switch (this.current) {
      case 'unknown':
        return slow ? this.set('degraded', at, `slow answers (${Math.round(rtt)} ms)`) : this.set('up', at, 'answering');
      case 'up':
        return this.slowInARow >= 2 ? this.set('degraded', at, `slow answers (${Math.round(rtt)} ms)`) : undefined;
      case 'degraded':
        return this.goodInARow >= this.settings.recoverBeats ? this.set('up', at, 'answering on time again') : undefined;
      case 'down':
        // Back, but on probation until enough timely beats.
        return this.goodInARow >= this.settings.recoverBeats
          ? this.set('up', at, 'answering on time again')
          : this.set('degraded', at, 'answering again after an outage');
      case 'untrusted-host-key':
        return undefined;
    }
  }

  /** The probe failed or its connection closed. */
  failed(kind: ProbeFailureKind, message: string, at: number): StateChange | undefined {
    this.goodInARow = 0;
    switch (kind) {
      case 'untrusted-host-key':
        return this.set('untrusted-host-key', at, message);
      case 'unreachable':
        // Refused, reset or no route: the kernel has told us; no need to wait for silence.
        return this.current === 'untrusted-host-key' ? undefined : this.set('down', at, message);
      case 'auth':
      case 'other':
        // Says nothing about the link: the driver switches probes; keep the verdict.
        this.reason = this.current === 'unknown' ? message : this.reason;
        return undefined;
      case 'timeout':
      case 'closed':
        // Silence decides (the driver reconnects); a closed probe alone is no outage.
        if (this.quietSince === undefined) {
          this.quietSince = at;
        }
        return undefined;
    }
  }

  /**
   * The machine slept (or the event loop stalled) and woke at `at`: beats in
   * flight give no verdict, and silence is counted from now.
   */
  wake(at: number): StateChange | undefined {
    for (const beat of this.beats) {
      if (beat.rttMs === undefined) {
        beat.void = true;
      }
    }
    this.goodInARow = 0;
    this.slowInARow = 0;
    if (this.quietSince !== undefined) {
      this.quietSince = Math.max(this.quietSince, at);
    }
    if (this.current === 'untrusted-host-key') {
      return undefined;
    }
    return this.current === 'unknown' ? undefined : this.set('unknown', at, 'checking again after a sleep');
  }

  /** The driver calls this on a timer: silence becomes `degraded`, then `down`. */
  evaluate(at: number): StateChange | undefined {
    if (this.quietSince === undefined || this.current === 'untrusted-host-key') {
      return undefined;
    }
    const silent = at - this.quietSince;
    const downAfter = this.downAfterMs();
    if (silent >= downAfter && this.current !== 'down') {
      const slowLink = downAfter > this.settings.downAfterMs ? ` (round trips here reach ${(this.longestRecentRtt() / 1000).toFixed(1)} s)` : '';
      return this.set('down', at, `no answer for ${(silent / 1000).toFixed(1)} s${slowLink}`);
    }
    if (silent >= this.settings.degradedAfterMs && (this.current === 'up' || this.current === 'unknown')) {
      this.goodInARow = 0;
      return this.set('degraded', at, `no answer for ${(silent / 1000).toFixed(1)} s`);
    }
    return undefined;
  }

  /** When {@link evaluate} could next change the state, for a driver that sleeps until then. */
  nextDeadline(): number | undefined {
    if (this.quietSince === undefined || this.current === 'untrusted-host-key' || this.current === 'down') {
      return undefined;
    }
    return this.current === 'degraded' ? this.quietSince + this.downAfterMs() : this.quietSince + this.settings.degradedAfterMs;
  }

  /** The silence that means `down` now: see the module comment. */
  downAfterMs(): number {
    const base = this.settings.downAfterMs;
    const rtt = this.longestRecentRtt();
    return Math.min(Math.max(base, this.settings.intervalMs + 2 * rtt), 4 * base);
  }

  /** The longest round trip among the beats in the history (beats that spanned a sleep excluded); 0 with none. */
  private longestRecentRtt(): number {
    let longest = 0;
    for (const beat of this.beats) {
      if (beat.rttMs !== undefined && beat.void !== true && beat.rttMs > longest) {
        longest = beat.rttMs;
      }
    }
    return longest;
  }

  snapshot(at: number): HealthSnapshot {
    const interval = this.settings.intervalMs;
    const history: (number | null)[] = [];
    const rtts: number[] = [];
    let finished = 0;
    let late = 0;
    for (const beat of this.beats) {
      if (beat.void === true) {
        continue;
      }
      if (beat.rttMs !== undefined) {
        rtts.push(beat.rttMs);
        history.push(beat.rttMs >= interval ? null : beat.rttMs);
        finished++;
        if (beat.rttMs >= interval) {
          late++;
        }
      } else if (at - beat.sentAt >= interval) {
        history.push(null);
        finished++;
        late++;
      }
    }
    const lastAnswered = [...this.beats].reverse().find((b) => b.rttMs !== undefined && b.void !== true);
    const sorted = [...rtts].sort((a, b) => a - b);
    return {
      state: this.current,
      reason: this.reason,
      since: this.since,
      lastRttMs: lastAnswered?.rttMs,
      medianRttMs: quantile(sorted, 0.5),
      p95RttMs: quantile(sorted, 0.95),
      loss: finished === 0 ? undefined : late / finished,
      lastContact: this.lastContact,
      history,
      answered: this.answered,
      sent: this.sent,
    };
  }

  private set(to: HealthState, at: number, reason: string): StateChange | undefined {
    const from = this.current;
    this.reason = reason;
    if (from === to) {
      return undefined;
    }
    this.current = to;
    this.since = at;
    if (to !== 'up') {
      this.goodInARow = to === 'degraded' && from === 'down' ? this.goodInARow : 0;
    }
    return { from, to, at, reason };
  }
}
