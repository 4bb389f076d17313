import { strict as assert } from 'node:assert';
import * as FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;
import { WakeDetector, type Clock, type WakeEvent } from '../../src/core/wake/wakeDetector';

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

  it('reports a Linux suspend once: wall clock jumps, monotonic clock does not', () => {
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
