import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { decideReattach, type ReattachDecision, type ReattachMode, type ReattachTrigger, type SessionFacts } from '../../src/core/reattach/decide';
import type { SshEndReason } from '../../src/core/session/failure';

const ALIVE: SessionFacts = { alive: true, health: 'not-probed', socket: 'unknown', exitCode: undefined, endReason: undefined, reattachable: true };
const ENDED: SessionFacts = { ...ALIVE, alive: false };

type Expected = Pick<ReattachDecision, 'action'> & { kill?: boolean; reason?: 'auth' | 'host-key' };

/** [row name, facts, expected for wake/host-up/ssh-exit, expected for user] with mode auto and reattachable. */
const TABLE: readonly [string, SessionFacts, Expected, Expected][] = [
  ['2: permission denied', { ...ENDED, exitCode: 255, endReason: 'permission-denied' }, { action: 'refuse', reason: 'auth' }, { action: 'refuse', reason: 'auth' }],
  ['3: host key changed', { ...ENDED, exitCode: 255, endReason: 'host-key-changed' }, { action: 'refuse', reason: 'host-key' }, { action: 'refuse', reason: 'host-key' }],
  ['3: heartbeat distrusts the host key (alive)', { ...ALIVE, health: 'untrusted-host-key' }, { action: 'refuse', reason: 'host-key' }, { action: 'refuse', reason: 'host-key' }],
  ['4: host key unknown', { ...ENDED, exitCode: 255, endReason: 'host-key-unknown' }, { action: 'refuse', reason: 'host-key' }, { action: 'reconnect', kill: false }],
  ['5: alive, socket stalled', { ...ALIVE, socket: 'stalled', health: 'up' }, { action: 'reconnect', kill: true }, { action: 'reconnect', kill: true }],
  ['5: alive, host down', { ...ALIVE, health: 'down' }, { action: 'reconnect', kill: true }, { action: 'reconnect', kill: true }],
  ['6: alive, socket healthy', { ...ALIVE, socket: 'healthy' }, { action: 'leave' }, { action: 'offer', kill: true }],
  ['6: alive, host up', { ...ALIVE, health: 'up' }, { action: 'leave' }, { action: 'offer', kill: true }],
  ['6: alive, host degraded', { ...ALIVE, health: 'degraded' }, { action: 'leave' }, { action: 'offer', kill: true }],
  ['7: alive, no evidence', ALIVE, { action: 'verify' }, { action: 'offer', kill: true }],
  ['7: alive, health unknown', { ...ALIVE, health: 'unknown' }, { action: 'verify' }, { action: 'offer', kill: true }],
  ['8: exit 0', { ...ENDED, exitCode: 0 }, { action: 'leave' }, { action: 'reconnect', kill: false }],
  ['8: closed', { ...ENDED, endReason: 'closed' }, { action: 'leave' }, { action: 'reconnect', kill: false }],
  ['9: exit 255 without a reason', { ...ENDED, exitCode: 255 }, { action: 'reconnect', kill: false }, { action: 'reconnect', kill: false }],
  ...(['broken-pipe', 'timeout', 'closed-by-remote', 'connection-reset'] as const).map(
    (r): [string, SessionFacts, Expected, Expected] => [`9: ${r}`, { ...ENDED, endReason: r }, { action: 'reconnect', kill: false }, { action: 'reconnect', kill: false }],
  ),
  ...(['connection-refused', 'host-unreachable', 'no-route', 'connect-timeout', 'name-not-resolved'] as const).map(
    (r): [string, SessionFacts, Expected, Expected] => [`10: ${r}`, { ...ENDED, exitCode: 255, endReason: r }, { action: 'reconnect', kill: false }, { action: 'reconnect', kill: false }],
  ),
  ...([129, 137, 143] as const).map(
    (code): [string, SessionFacts, Expected, Expected] => [`9b: killed, exit ${code}`, { ...ENDED, exitCode: code }, { action: 'reconnect', kill: false }, { action: 'reconnect', kill: false }],
  ),
  ['11: no exit code, no reason', ENDED, { action: 'offer', kill: false }, { action: 'reconnect', kill: false }],
  ['12: exit 1', { ...ENDED, exitCode: 1 }, { action: 'leave' }, { action: 'reconnect', kill: false }],
  ['12: exit 130', { ...ENDED, exitCode: 130 }, { action: 'leave' }, { action: 'reconnect', kill: false }],
];

function pick(d: ReattachDecision): Expected {
  return { action: d.action, ...('kill' in d ? { kill: d.kill } : {}), ...('reason' in d ? { reason: d.reason } : {}) };
}

describe('reattach: decision table', () => {
  for (const [row, facts, automatic, user] of TABLE) {
    it(`row ${row}`, () => {
      for (const trigger of ['wake', 'host-up', 'ssh-exit'] as const) {
        const d = decideReattach(trigger, facts, 'auto');
        assert.deepEqual(pick(d), automatic, `${trigger}: ${JSON.stringify(d)}`);
        assert.ok(d.why.length > 0);
      }
      assert.deepEqual(pick(decideReattach('user', facts, 'auto')), user);
    });
  }

  it('row 1: mode off leaves every session unless the person asks', () => {
    for (const [, facts] of TABLE) {
      for (const trigger of ['wake', 'host-up', 'ssh-exit'] as const) {
        assert.equal(decideReattach(trigger, facts, 'off').action, 'leave');
      }
    }
    assert.deepEqual(pick(decideReattach('user', { ...ENDED, exitCode: 255 }, 'off')), { action: 'reconnect', kill: false });
  });

  it('a session with nothing to reattach is offered, not reopened unasked; the person asking still gets a reconnect', () => {
    const plain = { ...ENDED, exitCode: 255, reattachable: false };
    assert.deepEqual(pick(decideReattach('ssh-exit', plain, 'auto')), { action: 'offer', kill: false });
    assert.deepEqual(pick(decideReattach('wake', { ...ALIVE, socket: 'stalled', reattachable: false }, 'auto')), { action: 'offer', kill: true });
    assert.deepEqual(pick(decideReattach('user', plain, 'auto')), { action: 'reconnect', kill: false });
  });

  it('mode ask turns every reconnect into an offer, and leaves refusals alone', () => {
    for (const [, facts, automatic, user] of TABLE) {
      const d = decideReattach('host-up', facts, 'ask');
      assert.deepEqual(pick(d), automatic.action === 'reconnect' ? { ...automatic, action: 'offer' } : automatic);
      const u = decideReattach('user', facts, 'ask');
      assert.deepEqual(pick(u), user.action === 'reconnect' ? { ...user, action: 'offer' } : user);
    }
  });

  it('a wake with a live session and no evidence verifies, never kills', () => {
    assert.deepEqual(pick(decideReattach('wake', ALIVE, 'auto')), { action: 'verify' });
  });
});

const facts: fc.Arbitrary<SessionFacts> = fc.record({
  alive: fc.boolean(),
  health: fc.constantFrom('up', 'degraded', 'down', 'unknown', 'untrusted-host-key', 'not-probed'),
  socket: fc.constantFrom('healthy', 'stalled', 'unknown'),
  exitCode: fc.option(fc.oneof(fc.constantFrom(0, 1, 130, 255), fc.integer({ min: -5, max: 300 })), { nil: undefined }),
  endReason: fc.option(
    fc.constantFrom<SshEndReason>(
      'broken-pipe', 'timeout', 'closed-by-remote', 'connection-reset', 'connection-refused', 'host-unreachable', 'no-route',
      'connect-timeout', 'name-not-resolved', 'host-key-changed', 'host-key-unknown', 'permission-denied', 'closed',
    ),
    { nil: undefined },
  ),
  reattachable: fc.boolean(),
});
const trigger = fc.constantFrom<ReattachTrigger>('wake', 'host-up', 'ssh-exit', 'user');
const mode = fc.constantFrom<ReattachMode>('auto', 'ask', 'off');

describe('reattach: decision properties', () => {
  it('never throws and always says why', () => {
    fc.assert(fc.property(trigger, facts, mode, (t, f, m) => {
      assert.ok(decideReattach(t, f, m).why.length > 0);
    }), { numRuns: 3000 });
  });

  it('mode off never acts without the person asking', () => {
    fc.assert(fc.property(fc.constantFrom<ReattachTrigger>('wake', 'host-up', 'ssh-exit'), facts, (t, f) => {
      assert.equal(decideReattach(t, f, 'off').action, 'leave');
    }), { numRuns: 2000 });
  });

  it('a healthy live session is never killed without the person asking', () => {
    const healthy = fc.tuple(
      facts,
      fc.oneof(
        fc.record({ socket: fc.constant('healthy' as const), health: fc.constantFrom('up' as const, 'degraded' as const, 'unknown' as const, 'not-probed' as const) }),
        fc.record({ socket: fc.constant('unknown' as const), health: fc.constantFrom('up' as const, 'degraded' as const) }),
      ),
    ).map(([f, h]): SessionFacts => ({ ...f, ...h, alive: true }));
    fc.assert(fc.property(fc.constantFrom<ReattachTrigger>('wake', 'host-up', 'ssh-exit'), healthy, mode, (t, f, m) => {
      const d = decideReattach(t, f, m);
      assert.ok(!('kill' in d && d.kill), JSON.stringify(d));
    }), { numRuns: 2000 });
  });

  it('a wake never kills a live session without evidence of a stall or a down host', () => {
    fc.assert(fc.property(facts, mode, (f, m) => {
      const noEvidence: SessionFacts = { ...f, alive: true, socket: f.socket === 'stalled' ? 'unknown' : f.socket, health: f.health === 'down' ? 'unknown' : f.health };
      const d = decideReattach('wake', noEvidence, m);
      assert.ok(!('kill' in d && d.kill), JSON.stringify(d));
    }), { numRuns: 2000 });
  });

  it('auth and host-key failures are never retried unasked', () => {
    fc.assert(fc.property(fc.constantFrom<ReattachTrigger>('wake', 'host-up', 'ssh-exit'), facts, mode, (t, f, m) => {
      fc.pre(f.endReason === 'permission-denied' || f.endReason === 'host-key-changed' || f.endReason === 'host-key-unknown' || f.health === 'untrusted-host-key');
      const d = decideReattach(t, f, m);
      assert.ok(d.action === 'refuse' || (m === 'off' && d.action === 'leave'), JSON.stringify(d));
    }), { numRuns: 500 });
  });
});
