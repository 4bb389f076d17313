import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { outcomeOf, RetryPolicy, type AttemptOutcome, type RetryStep } from '../../src/core/reattach/policy';

function delays(policy: RetryPolicy, outcome: AttemptOutcome, count: number, now = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const step = policy.next(outcome, now);
    assert.equal(step.kind, 'retry', JSON.stringify(step));
    out.push(step.kind === 'retry' ? step.delayMs : -1);
  }
  return out;
}

describe('reattach: attempt outcomes', () => {
  it('maps how ssh ended to what it means for retrying', () => {
    assert.equal(outcomeOf('permission-denied', 255), 'auth');
    assert.equal(outcomeOf('host-key-changed', 255), 'host-key');
    assert.equal(outcomeOf('host-key-unknown', 255), 'host-key');
    assert.equal(outcomeOf('connection-refused', 255), 'refused');
    for (const r of ['timeout', 'connect-timeout', 'host-unreachable', 'no-route', 'name-not-resolved', 'broken-pipe', 'connection-reset'] as const) {
      assert.equal(outcomeOf(r, 255), 'unreachable', r);
    }
    assert.equal(outcomeOf('closed-by-remote', 255), 'other');
    assert.equal(outcomeOf('closed', 0), 'other');
  });

  it('a kill by a signal (no exit code) counts as unreachable; an unexplained exit as other', () => {
    assert.equal(outcomeOf(undefined, undefined), 'unreachable');
    assert.equal(outcomeOf(undefined, 255), 'other');
    assert.equal(outcomeOf(undefined, 1), 'other');
  });
});

describe('reattach: retry policy', () => {
  it('retries unreachable hosts cheaply: 250, 500, 1000, then 2000 ms', () => {
    assert.deepEqual(delays(new RetryPolicy(0), 'unreachable', 7), [250, 500, 1000, 2000, 2000, 2000, 2000]);
  });

  it('after an unreachable attempt that waited 2 s or more (a connect timeout), retries after 250 ms; one that failed at once keeps doubling', () => {
    const policy = new RetryPolicy(0);
    const steps = [policy.next('unreachable', 0, 5000), policy.next('unreachable', 0, 5000), policy.next('unreachable', 0, 5000), policy.next('unreachable', 0, 5000), policy.next('unreachable', 0, 10), policy.next('unreachable', 0, 1999)];
    assert.deepEqual(
      steps.map((s) => (s.kind === 'retry' ? s.delayMs : -1)),
      [250, 250, 250, 250, 2000, 2000],
    );
    // Only unreachable attempts: a refused port or an sshd that answered keeps its own pacing.
    const refused = new RetryPolicy(0).next('refused', 0, 5000);
    assert.equal(refused.kind === 'retry' ? refused.delayMs : -1, 1000);
    const other = new RetryPolicy(0).next('other', 0, 5000);
    assert.equal(other.kind === 'retry' ? other.delayMs : -1, 1000);
  });

  it('honours a custom fast ceiling', () => {
    assert.deepEqual(delays(new RetryPolicy(0, { fastCeilingMs: 800 }), 'unreachable', 4), [250, 500, 800, 800]);
  });

  it('retries a refused port at 1000, 2000, 4000, then 5000 ms', () => {
    assert.deepEqual(delays(new RetryPolicy(0), 'refused', 6), [1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('backs off far when sshd answered: 1000 … 30 000 ms, or the slow ceiling given', () => {
    assert.deepEqual(delays(new RetryPolicy(0), 'other', 8), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    assert.deepEqual(delays(new RetryPolicy(0, { slowCeilingMs: 10_000 }), 'other', 5), [1000, 2000, 4000, 8000, 10_000]);
  });

  it('stops at once on an authentication failure, with a message that says why', () => {
    const policy = new RetryPolicy(0);
    delays(policy, 'unreachable', 3);
    assert.deepEqual(policy.next('auth', 5000), {
      kind: 'stop',
      reason: 'auth',
      message: "authentication failed: not retrying, so the server's failed-login limits and penalties are never hit",
    });
  });

  it('stops at once on a host-key problem', () => {
    const step = new RetryPolicy(0).next('host-key', 0);
    assert.ok(step.kind === 'stop' && step.reason === 'host-key' && step.message.includes('host key'), JSON.stringify(step));
  });

  it('gives up after giveUpAfterMs since the start, and never without it', () => {
    const policy = new RetryPolicy(1_000_000, { giveUpAfterMs: 60_000 });
    assert.equal(policy.next('other', 1_059_999).kind, 'retry');
    const step = policy.next('other', 1_060_000);
    assert.ok(step.kind === 'stop' && step.reason === 'gave-up', JSON.stringify(step));
    assert.equal(new RetryPolicy(0).next('other', 365 * 24 * 3_600_000).kind, 'retry');
  });

  it('counts attempts across kinds, and a kind seen again continues its own sequence', () => {
    const policy = new RetryPolicy(0);
    const steps: RetryStep[] = (['unreachable', 'unreachable', 'other', 'unreachable', 'other', 'refused'] as const).map((o) => policy.next(o, 0));
    assert.deepEqual(steps, [
      { kind: 'retry', delayMs: 250, attempt: 1 },
      { kind: 'retry', delayMs: 500, attempt: 2 },
      { kind: 'retry', delayMs: 1000, attempt: 3 },
      { kind: 'retry', delayMs: 1000, attempt: 4 },
      { kind: 'retry', delayMs: 2000, attempt: 5 },
      { kind: 'retry', delayMs: 1000, attempt: 6 },
    ]);
  });

  it('no reconnect storm: at most one attempt per 250 ms, and attempts that reach sshd slow down to the ceiling (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<AttemptOutcome>('unreachable', 'refused', 'other'), { minLength: 1, maxLength: 200 }), (outcomes) => {
        const policy = new RetryPolicy(0);
        let otherCount = 0;
        for (const o of outcomes) {
          const step = policy.next(o, 0);
          assert.equal(step.kind, 'retry');
          if (step.kind === 'retry') {
            assert.ok(step.delayMs >= 250 && step.delayMs <= 30_000, String(step.delayMs));
            if (o === 'other') {
              otherCount++;
              assert.equal(step.delayMs, Math.min(1000 * 2 ** (otherCount - 1), 30_000));
            }
          }
        }
      }),
    );
  });
});
