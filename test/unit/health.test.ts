import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  checkHeartbeatSettings,
  defaultHeartbeatSettings,
  HostHealth,
  type HealthState,
  type HeartbeatSettings,
} from '../../src/core/health/health';

const S = defaultHeartbeatSettings;

/** Drives a HostHealth like the monitor does: a beat every interval, evaluate every 100 ms. */
class Driver {
  now = 0;
  readonly health: HostHealth;
  readonly changes: { at: number; to: HealthState; reason: string }[] = [];
  private pending: { id: number; answerAt: number | undefined }[] = [];

  constructor(settings: HeartbeatSettings = S) {
    this.health = new HostHealth(settings, 0);
    this.health.probeStarted(0);
    this.note(this.health.connected(0));
  }

  private note(change: ReturnType<HostHealth['evaluate']>): void {
    if (change !== undefined) {
      this.changes.push({ at: change.at, to: change.to, reason: change.reason });
    }
  }

  /** Runs for `ms`; `rtt(sentAt)` gives each beat's round trip, or undefined for no answer. */
  run(ms: number, rtt: (sentAt: number) => number | undefined, settings: HeartbeatSettings = S): void {
    const end = this.now + ms;
    for (; this.now < end; this.now += 100) {
      if (this.now % settings.intervalMs === 0) {
        const r = rtt(this.now);
        this.pending.push({ id: this.health.beatSent(this.now), answerAt: r === undefined ? undefined : this.now + r });
      }
      for (const p of this.pending.filter((b) => b.answerAt !== undefined && b.answerAt <= this.now)) {
        this.note(this.health.beatAnswered(p.id, this.now));
      }
      this.pending = this.pending.filter((b) => b.answerAt === undefined || b.answerAt > this.now);
      this.note(this.health.evaluate(this.now));
    }
  }

  /** Drops every beat still in flight (a probe reconnect). */
  forget(): void {
    this.pending = [];
  }

  get state(): HealthState {
    return this.health.state;
  }
}

describe('host health state machine', () => {
  it('goes up on the first timely answer and reports RTT statistics', () => {
    const d = new Driver();
    d.run(20_000, () => 30);
    assert.equal(d.state, 'up');
    assert.deepEqual(d.changes.map((c) => c.to), ['up']);
    const snap = d.health.snapshot(d.now);
    assert.equal(snap.lastRttMs, 100, 'answers are seen on the 100 ms evaluation grid');
    assert.equal(snap.medianRttMs, 100);
    assert.equal(snap.loss, 0);
    assert.equal(snap.history.length, 10);
    assert.equal(snap.sent, 10);
  });

  it('declares a black hole down within downAfter of the last answer, passing through degraded', () => {
    const d = new Driver();
    d.run(10_000, () => 0);
    const holeAt = d.now + 700; // between two beats
    d.run(20_000, (sentAt) => (sentAt < holeAt ? 0 : undefined));
    assert.deepEqual(d.changes.map((c) => c.to), ['up', 'degraded', 'down']);
    const down = d.changes[2]!;
    const lastAnswer = Math.floor(holeAt / S.intervalMs) * S.intervalMs;
    assert.equal(down.at - lastAnswer, S.downAfterMs);
    assert.ok(down.at - holeAt <= S.downAfterMs && down.at - holeAt >= S.downAfterMs - S.intervalMs);
    assert.match(down.reason, /no answer for 5\.5 s/);
  });

  it('does not flicker: late answers on a lossy link delay beats without a down', () => {
    const d = new Driver();
    // Every beat's answer is late by a TCP retransmission or three (0.2 + 0.4 + 0.8 s).
    d.run(120_000, (sentAt) => ((sentAt / S.intervalMs) % 7 === 3 ? 1400 : (sentAt / S.intervalMs) % 5 === 1 ? 600 : 20));
    assert.ok(!d.changes.some((c) => c.to === 'down'), JSON.stringify(d.changes));
  });

  it('on a congested link with round trips of seconds, waits one interval plus twice the longest recent round trip before down', () => {
    const d = new Driver();
    // A saturated 128 kbit/s link: answers take 1.5–4 s, so two answers can be more than 5.5 s apart.
    const rtts = [1500, 4000, 1700, 2500, 4000, 1500, 3000];
    d.run(120_000, (sentAt) => rtts[(sentAt / S.intervalMs) % rtts.length]);
    assert.ok(!d.changes.some((c) => c.to === 'down'), JSON.stringify(d.changes));
    assert.equal(d.health.downAfterMs(), S.intervalMs + 2 * 4000);
    // A black hole on that link is still declared: after 10 s of silence, and the reason says why it took longer.
    const holeAt = d.now;
    d.run(30_000, () => undefined);
    const down = d.changes.find((c) => c.to === 'down' && c.at >= holeAt);
    assert.ok(down, JSON.stringify(d.changes));
    assert.ok(down.at - holeAt <= 10_000 + 4000, `down ${down.at - holeAt} ms after the hole`);
    assert.match(down.reason, /no answer for 10\.0 s \(round trips here reach 4\.0 s\)/);
  });

  it('keeps downAfter on a fast link, and never waits more than four times it', () => {
    const fast = new Driver();
    fast.run(20_000, () => 30);
    assert.equal(fast.health.downAfterMs(), S.downAfterMs);
    const crawling = new Driver();
    crawling.run(60_000, () => 19_000);
    assert.equal(crawling.health.downAfterMs(), 4 * S.downAfterMs);
  });

  it('needs recoverBeats timely answers in a row before up again after down', () => {
    const d = new Driver();
    d.run(4000, () => 0);
    d.run(10_000, () => undefined);
    assert.equal(d.state, 'down');
    d.forget();
    d.run(2000, () => 0);
    assert.equal(d.state, 'degraded', 'first answer after the outage');
    d.run(2000, () => 0);
    assert.equal(d.state, 'up');
    assert.deepEqual(d.changes.map((c) => c.to), ['up', 'degraded', 'down', 'degraded', 'up']);
  });

  it('marks two slow answers in a row degraded, and recovers', () => {
    const d = new Driver();
    d.run(4000, () => 10);
    d.run(4000, () => 1200);
    assert.equal(d.state, 'degraded');
    assert.match(d.health.snapshot(d.now).reason, /slow answers/);
    d.run(6000, () => 10);
    assert.equal(d.state, 'up');
  });

  it('counts a beat answered later than one interval as lost in the statistics', () => {
    const d = new Driver();
    d.run(20_000, (sentAt) => (sentAt === 4000 ? 2500 : 10));
    const snap = d.health.snapshot(d.now);
    assert.equal(snap.loss, 0.1);
    assert.ok(snap.history.includes(null));
  });

  it('gives no verdict from beats that spanned a sleep, and counts silence from the wake', () => {
    const d = new Driver();
    d.run(4000, () => 10);
    const id = d.health.beatSent(d.now);
    // The machine sleeps; on wake the driver reports it before anything else.
    const wakeAt = d.now + 100;
    const change = d.health.wake(wakeAt);
    assert.equal(change?.to, 'unknown');
    assert.equal(d.health.beatAnswered(id, wakeAt + 50), undefined, 'an answer to a pre-sleep beat is no verdict');
    assert.equal(d.health.evaluate(wakeAt + S.degradedAfterMs - 1), undefined);
    assert.equal(d.health.evaluate(wakeAt + 50 + S.degradedAfterMs)?.to, 'degraded');
  });

  it('makes an untrusted host key sticky until a connection succeeds', () => {
    const h = new HostHealth(S, 0);
    h.probeStarted(0);
    assert.equal(h.failed('untrusted-host-key', 'host key changed', 10)?.to, 'untrusted-host-key');
    assert.equal(h.failed('unreachable', 'refused', 20), undefined);
    assert.equal(h.evaluate(60_000), undefined);
    assert.equal(h.connected(70_000)?.to, 'unknown');
  });

  it('goes down at once when the kernel says the host is unreachable', () => {
    const h = new HostHealth(S, 0);
    h.probeStarted(0);
    assert.equal(h.failed('unreachable', 'connection refused', 5)?.to, 'down');
  });

  it('counts silence from the first attempt for a host that never answers', () => {
    const h = new HostHealth(S, 0);
    h.probeStarted(1000);
    assert.equal(h.failed('timeout', 'connect timed out', 3000), undefined);
    assert.equal(h.evaluate(1000 + S.degradedAfterMs)?.to, 'degraded');
    assert.equal(h.evaluate(1000 + S.downAfterMs)?.to, 'down');
    assert.equal(h.nextDeadline(), undefined);
  });

  it('keeps its verdict when authentication is impossible (the monitor switches probes)', () => {
    const h = new HostHealth(S, 0);
    h.probeStarted(0);
    assert.equal(h.failed('auth', 'no usable key', 100), undefined);
    assert.equal(h.state, 'unknown');
  });

  it('rejects unusable settings with reasons', () => {
    assert.deepEqual(checkHeartbeatSettings(S), []);
    assert.match(checkHeartbeatSettings({ ...S, degradedAfterMs: 1000 }).join(), /longer than intervalMs/);
    assert.match(checkHeartbeatSettings({ ...S, downAfterMs: 3000 }).join(), /downAfterMs/);
    assert.match(checkHeartbeatSettings({ ...S, intervalMs: Number.NaN }).join(), /intervalMs/);
  });

  it('never throws and keeps its history bounded, whatever the inputs', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('sent' as const) }),
            fc.record({ op: fc.constant('answer' as const), id: fc.integer({ min: 0, max: 200 }) }),
            fc.record({ op: fc.constant('fail' as const), kind: fc.constantFrom('unreachable', 'timeout', 'closed', 'untrusted-host-key', 'auth', 'other' as const) }),
            fc.record({ op: fc.constant('wake' as const) }),
            fc.record({ op: fc.constant('connected' as const) }),
          ),
          { maxLength: 300 },
        ),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 300, maxLength: 300 }),
        (ops, steps) => {
          const h = new HostHealth({ ...S, historyBeats: 10 }, 0);
          let t = 0;
          ops.forEach((o, i) => {
            t += steps[i] ?? 0;
            switch (o.op) {
              case 'sent':
                h.beatSent(t);
                break;
              case 'answer':
                h.beatAnswered(o.id, t);
                break;
              case 'fail':
                h.failed(o.kind, 'x', t);
                break;
              case 'wake':
                h.wake(t);
                break;
              case 'connected':
                h.connected(t);
                break;
            }
            h.evaluate(t);
          });
          const snap = h.snapshot(t);
          assert.ok(snap.history.length <= 10);
          assert.ok(snap.loss === undefined || (snap.loss >= 0 && snap.loss <= 1));
        },
      ),
      { numRuns: 300 },
    );
  });
});
