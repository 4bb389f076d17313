import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { chooseLostSession, parseScreenSessions, parseTmuxSessions, type RemoteSession } from '../../src/core/reattach/remoteSessions';

// Captured from tmux 3.3a (Debian 12) with `list-sessions -F TMUX_LIST_FORMAT`
// on a private -L server: 'a b' attached by a client, 'main' and 'old'
// attached earlier and detached since.
const TMUX_ONE_ATTACHED = '1 1795252409 1795252409 1795252404 a b\n0 1795252407 1795252407 1795252404 main\n0 1795252405 1795252405 1795252404 old\n';

// Same, after the client of 'main' went away last; 'never' was never attached
// (its session_last_attached is empty: two spaces in a row). Read with -u.
const TMUX_MAIN_LOST = '0 1795252413 1795252413 1795252413 a b\n0 1795252415 1795252415 1795252413 main\n0  1795252413 1795252413 never\n';

// tmux 3.3a under LC_ALL=C without -u: non-ASCII printed as _, a tab in a name as \t.
const TMUX_C_LOCALE = '0  1795252401 1795252401 h_llo\n0  1795252401 1795252401 main\n0  1795252286 1795252286 t\\tab\n0  1795252401 1795252401 x$(touch M);y\n';

// GNU screen 4.09.00 (Debian 12) `screen -ls`: header and trailer end in CR LF, session lines in LF.
const SCREEN_TWO_DETACHED =
  'There are screens on:\r\n' +
  '\t24026.lifeline-unit-23550.x\t(11/21/26 09:11:10)\t(Detached)\n' +
  '\t24023.lifeline-unit-23550\t(11/21/26 09:11:10)\t(Detached)\n' +
  '2 Sockets in /run/screen/S-root.\r\n';
const SCREEN_ATTACHED_AND_DEAD =
  'There are screens on:\r\n' +
  '\t24081.lifeline-unit-23550\t(11/21/26 09:11:15)\t(Attached)\n' +
  '\t24084.lifeline-unit-23550-dead\t(11/21/26 09:11:15)\t(Dead ???)\n' +
  "Remove dead screens with 'screen -wipe'.\r\n" +
  '2 Sockets in /run/screen/S-root.\r\n';
const SCREEN_MULTI_DETACHED = 'There is a screen on:\r\n\t24124.lifeline-unit-23550\t(11/21/26 09:11:20)\t(Multi, detached)\n1 Socket in /run/screen/S-root.\r\n';
const SCREEN_MULTI_ATTACHED = 'There is a screen on:\r\n\t24124.lifeline-unit-23550\t(11/21/26 09:11:20)\t(Multi, attached)\n1 Socket in /run/screen/S-root.\r\n';
const SCREEN_NONE = 'No Sockets found in /run/screen/S-root.\n\r\n';

function session(name: string, attached: number, lastAttached?: number): RemoteSession {
  return { name, attached, lastAttached, activity: undefined, created: undefined };
}

describe('reattach: tmux session list', () => {
  it('reads tmux 3.3a list-sessions output, names with spaces included', () => {
    assert.deepEqual(parseTmuxSessions(TMUX_ONE_ATTACHED), [
      { name: 'a b', attached: 1, lastAttached: 1795252409, activity: 1795252409, created: 1795252404 },
      { name: 'main', attached: 0, lastAttached: 1795252407, activity: 1795252407, created: 1795252404 },
      { name: 'old', attached: 0, lastAttached: 1795252405, activity: 1795252405, created: 1795252404 },
    ]);
  });

  it('reads an empty session_last_attached as unknown', () => {
    const sessions = parseTmuxSessions(TMUX_MAIN_LOST);
    assert.deepEqual(sessions[2], { name: 'never', attached: 0, lastAttached: undefined, activity: 1795252413, created: 1795252413 });
  });

  it('keeps names exactly as printed, hostile ones included (validation is the caller’s job)', () => {
    assert.deepEqual(
      parseTmuxSessions(TMUX_C_LOCALE).map((s) => s.name),
      ['h_llo', 'main', 't\\tab', 'x$(touch M);y'],
    );
  });

  it('tolerates CR LF and ignores malformed lines', () => {
    const text = 'no server running on /tmp/tmux-0/x\r\n1 2 3 4 ok\r\n\r\nx 1 2 3 bad\n1 2 3 4\n1 2 3 4 \n12 a 3 4 bad\n0 5 6 7 two  spaces \r\n';
    assert.deepEqual(parseTmuxSessions(text), [
      { name: 'ok', attached: 1, lastAttached: 2, activity: 3, created: 4 },
      { name: 'two  spaces ', attached: 0, lastAttached: 5, activity: 6, created: 7 },
    ]);
  });

  it('never throws and returns only well-formed sessions (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        for (const s of parseTmuxSessions(text)) {
          assert.ok(s.name !== '' && !s.name.includes('\n') && Number.isInteger(s.attached));
        }
      }),
    );
  });
});

describe('reattach: screen session list', () => {
  it('reads screen 4.09 -ls output; the name is everything after the pid’s dot', () => {
    assert.deepEqual(parseScreenSessions(SCREEN_TWO_DETACHED), [
      session('lifeline-unit-23550.x', 0),
      session('lifeline-unit-23550', 0),
    ]);
  });

  it('counts Attached as one client and skips dead sessions', () => {
    assert.deepEqual(parseScreenSessions(SCREEN_ATTACHED_AND_DEAD), [session('lifeline-unit-23550', 1)]);
  });

  it('reads multiuser sessions', () => {
    assert.deepEqual(parseScreenSessions(SCREEN_MULTI_DETACHED), [session('lifeline-unit-23550', 0)]);
    assert.deepEqual(parseScreenSessions(SCREEN_MULTI_ATTACHED), [session('lifeline-unit-23550', 1)]);
  });

  it('reads other builds’ date format, no date at all, CR LF, and no sessions', () => {
    assert.deepEqual(parseScreenSessions('There is a screen on:\n\t12345.main\t(11/21/2026 09:00:00 AM)\t(Detached)\r\n1 Socket in /run/screen/S-me.\n'), [session('main', 0)]);
    assert.deepEqual(parseScreenSessions('\t12345.pts-0.host\t(Attached)\n'), [session('pts-0.host', 1)]);
    assert.deepEqual(parseScreenSessions('\t999.gone\t(Remote or dead)\n'), []);
    assert.deepEqual(parseScreenSessions(SCREEN_NONE), []);
  });
});

describe('reattach: which session lost its client', () => {
  it('none when there are no sessions, the one when there is one', () => {
    assert.deepEqual(chooseLostSession([]), { kind: 'none' });
    const only = session('main', 1, 5);
    assert.deepEqual(chooseLostSession([only]), { kind: 'one', session: only });
  });

  it('picks the detached session attached most recently', () => {
    const choice = chooseLostSession(parseTmuxSessions(TMUX_MAIN_LOST));
    assert.equal(choice.kind, 'one');
    assert.equal(choice.kind === 'one' && choice.session.name, 'main');
  });

  it('is ambiguous when the newest session still has a client (detached first, then newest)', () => {
    const choice = chooseLostSession(parseTmuxSessions(TMUX_ONE_ATTACHED));
    assert.equal(choice.kind, 'ambiguous');
    assert.deepEqual(choice.kind === 'ambiguous' && choice.candidates.map((s) => s.name), ['main', 'old', 'a b']);
  });

  it('is ambiguous on a tie and when nothing says when sessions were attached (screen)', () => {
    const tie = chooseLostSession([session('a', 0, 10), session('b', 0, 10)]);
    assert.equal(tie.kind, 'ambiguous');
    const screen = chooseLostSession(parseScreenSessions(SCREEN_TWO_DETACHED));
    assert.equal(screen.kind, 'ambiguous');
    assert.deepEqual(screen.kind === 'ambiguous' && screen.candidates.map((s) => s.name), ['lifeline-unit-23550.x', 'lifeline-unit-23550']);
  });

  it('a never-attached session does not hide the lost one, and unknown times sort last', () => {
    const choice = chooseLostSession([session('never', 0), session('lost', 0, 100), session('other', 1, 50)]);
    assert.deepEqual(choice, { kind: 'one', session: session('lost', 0, 100) });
    const amb = chooseLostSession([session('u', 0), session('n', 0, 7), session('att', 1, 9)]);
    assert.deepEqual(amb.kind === 'ambiguous' && amb.candidates.map((s) => s.name), ['n', 'u', 'att']);
  });

  it('a chosen session is detached and strictly newest; candidates are a permutation of the input (property)', () => {
    const arb = fc.array(
      fc.record({ name: fc.string(), attached: fc.nat(3), lastAttached: fc.option(fc.nat(20), { nil: undefined }) }).map((r) => session(r.name, r.attached, r.lastAttached)),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(arb, (sessions) => {
        const c = chooseLostSession(sessions);
        if (c.kind === 'none') {
          assert.equal(sessions.length, 0);
        } else if (c.kind === 'one') {
          assert.ok(sessions.includes(c.session));
          if (sessions.length > 1) {
            assert.equal(c.session.attached, 0);
            for (const o of sessions) {
              assert.ok(o === c.session || (o.lastAttached ?? -1) < (c.session.lastAttached as number));
            }
          }
        } else {
          assert.equal(c.candidates.length, sessions.length);
          assert.ok(sessions.every((s) => c.candidates.includes(s)));
          const firstAttached = c.candidates.findIndex((s) => s.attached > 0);
          assert.ok(firstAttached === -1 || c.candidates.slice(firstAttached).every((s) => s.attached > 0));
        }
      }),
    );
  });
});
