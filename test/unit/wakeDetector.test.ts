import { strict as assert } from 'node:assert';
import * as FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;
import { WakeDetector, type Clock, type WakeEvent } from '../../src/core/wake/wakeDetector';
import { decideReattach } from '../../src/core/reattach/decide';

const HOUR = 3_600_000;

describe('wake detector', () => {
  let fake: InstalledClock;
  let clock: Clock;
  let events: WakeEvent[];
  let detector: WakeDetector;

  beforeEach(() => {
    fake = FakeTimers.install({ now: Date.UTC(2026, 10, 21, 9, 0, 0), toFake: ['Date', 'performance', 'setInterval', 'clearInterval'] });
    clock = { wallNow: () => Date.now(), monotonicNow: () => performance.now() };
    events = [];
    detector = new WakeDetector(clock, { intervalMs: 5000, thresholdMs: 15_000 });
    setInterval(() => {
      const event = detector.tick();
      if (event !== undefined) {
        events.push(event);
      }
    }, 5000);
  });

  afterEach(() => fake.uninstall());

  it('reports nothing while ticks arrive on time', () => {
    fake.tick(10 * 60_000);
    assert.deepEqual(events, []);
  });

  it('[F11] reports a Linux suspend once: wall clock jumps, monotonic clock does not', () => {
    fake.tick(5000);
    // setSystemTime moves Date.now() without running timers or moving
    // performance.now(): what a suspended Linux machine looks like on wake.
    fake.setSystemTime(Date.now() + 2 * HOUR);
    fake.tick(5000);
    fake.tick(60_000);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.kind, 'suspend');
    assert.ok(Math.abs((events[0]?.gapMs ?? 0) - 2 * HOUR) < 10_000, `gap ${events[0]?.gapMs}`);
  });

  it('reports a gap on both clocks (macOS sleep or a blocked event loop) as a stall', () => {
    fake.tick(5000);
    // Neither clock is faked forward separately: a timer that fires late moves both.
    const d = new WakeDetector(clock, { intervalMs: 5000, thresholdMs: 15_000 });
    fake.tick(5000 + 40_000);
    const event = d.tick();
    assert.equal(event?.kind, 'stall');
    assert.equal(event?.gapMs, 40_000);
  });

  it('ignores gaps under the threshold and backward wall-clock steps', () => {
    fake.tick(5000);
    fake.setSystemTime(Date.now() + 10_000);
    fake.tick(5000);
    fake.setSystemTime(Date.now() - HOUR);
    fake.tick(60_000);
    assert.deepEqual(events, []);
  });
});

/**
 * A clock moved by hand, so the two clocks can jump separately without any
 * timer firing in between: what a suspended machine looks like on wake.
 */
class ManualClock implements Clock {
  constructor(
    private wall = Date.UTC(2026, 10, 21, 9, 0, 0),
    private mono = 123_456,
  ) {}
  wallNow(): number {
    return this.wall;
  }
  monotonicNow(): number {
    return this.mono;
  }
  /** Both clocks advance (time passing with the machine awake, or a macOS sleep). */
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
  /** Only the wall clock advances (a Linux suspend: CLOCK_MONOTONIC stops). */
  advanceWallOnly(ms: number): void {
    this.wall += ms;
  }
}

describe('wake detector: sleep on each platform, and a busy event loop', () => {
  const INTERVAL = 5000;

  /** Runs `count` on-time ticks and returns every event seen. */
  function onTime(clock: ManualClock, detector: WakeDetector, count: number): WakeEvent[] {
    const seen: WakeEvent[] = [];
    for (let i = 0; i < count; i++) {
      clock.advance(INTERVAL);
      const e = detector.tick();
      if (e !== undefined) {
        seen.push(e);
      }
    }
    return seen;
  }

  it('[F11] macOS-like: both clocks jump by 2 h during sleep → one stall of about 2 h', () => {
    const clock = new ManualClock();
    const detector = new WakeDetector(clock, { intervalMs: INTERVAL, thresholdMs: 15_000 });
    assert.deepEqual(onTime(clock, detector, 3), []);
    // The timer that was due fires once, 2 h late, on both clocks.
    clock.advance(INTERVAL + 2 * HOUR);
    const event = detector.tick();
    assert.equal(event?.kind, 'stall');
    assert.equal(event?.gapMs, 2 * HOUR);
    assert.equal(event?.at, clock.wallNow());
    assert.deepEqual(onTime(clock, detector, 10), []);
  });

  it('[F11] Linux-like: the wall clock jumps by 2 h, the monotonic clock does not → one suspend of about 2 h', () => {
    const clock = new ManualClock();
    const detector = new WakeDetector(clock, { intervalMs: INTERVAL, thresholdMs: 15_000 });
    assert.deepEqual(onTime(clock, detector, 3), []);
    clock.advanceWallOnly(2 * HOUR);
    clock.advance(INTERVAL);
    const event = detector.tick();
    assert.equal(event?.kind, 'suspend');
    assert.ok(Math.abs((event?.gapMs ?? 0) - 2 * HOUR) <= INTERVAL, `gap ${event?.gapMs}`);
    assert.deepEqual(onTime(clock, detector, 10), []);
  });

  it('a busy event loop (one tick 6 s late on both clocks) is a stall, and a wake alone only verifies a live session', () => {
    const clock = new ManualClock();
    const detector = new WakeDetector(clock, { intervalMs: INTERVAL, thresholdMs: 4000 });
    assert.deepEqual(onTime(clock, detector, 2), []);
    clock.advance(INTERVAL + 6000);
    const event = detector.tick();
    assert.deepEqual(event, { kind: 'stall', gapMs: 6000, at: clock.wallNow() });
    const decision = decideReattach('wake', { alive: true, health: 'not-probed', socket: 'unknown', exitCode: undefined, endReason: undefined, reattachable: true }, 'auto');
    assert.equal(decision.action, 'verify');
    assert.ok(!('kill' in decision), JSON.stringify(decision));
  });

  it('[F11] a wake is reported once: the ticks after it, on time, report nothing', () => {
    const clock = new ManualClock();
    const detector = new WakeDetector(clock, { intervalMs: INTERVAL, thresholdMs: 15_000 });
    clock.advanceWallOnly(HOUR);
    clock.advance(INTERVAL);
    assert.equal(detector.tick()?.kind, 'suspend');
    assert.deepEqual(onTime(clock, detector, 100), []);
  });
});
