/**
 * Inputs the fuzz properties found, shrunk, kept so that they run on every
 * `npm run test:fuzz` whatever the seed. Each case names the property that
 * found it and what went wrong.
 */
import { strict as assert } from 'node:assert';
import { fixAllText } from '../../src/core/sshConfig/fixAll';
import { parseScreenSessions, parseTmuxSessions } from '../../src/core/reattach/remoteSessions';
import { parseSs, parseSsDuration } from '../../src/core/socket/ss';
import { parseDestination, parseSshArgs, parseUserHostPort } from '../../src/core/sshArgs/parse';
import { lint } from '../../src/core/sshConfig/lint';
import { applyEdits } from '../../src/core/sshConfig/textEdits';

describe('fuzz regressions: ssh_config', () => {
  it('[F19] a 1 MB unknown keyword is reported at once, without a "did you mean" (it used to cost its length times every keyword)', () => {
    const junk = 'x'.repeat(1_000_000);
    const findings = lint(`${junk} y\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n`, { side: 'client' });
    assert.deepEqual(findings.map((f) => f.code), ['unknown-keyword']);
    assert.deepEqual(findings[0]?.fixes, []);
    // A near miss still gets its suggestion.
    assert.match(lint('ServerAliveIntervall 15\n', { side: 'client' })[0]?.message ?? '', /Did you mean ServerAliveInterval\?/);
  });

  it('[F17,F20] removing the last line of a file without a final newline leaves it without one', () => {
    // Found by "fix all … keeps comments and line endings": the duplicate's removal left the line ending before it.
    const server = fixAllText('HostbasedAcceptedKeyTypes yes\n\tHostbasedAcceptedAlgorithms yes ', { side: 'server' });
    assert.equal(server.text, 'HostbasedAcceptedAlgorithms yes\nClientAliveInterval 60\nClientAliveCountMax 3');
    const text = 'Host a\n  User a\n  User b';
    const duplicate = lint(text, { side: 'client' }).find((f) => f.code === 'duplicate-keyword');
    const fix = duplicate?.fixes[0];
    assert.ok(fix?.kind === 'edit');
    assert.equal(applyEdits(text, fix.edits), 'Host a\n  User a');
    // With a final newline the line goes with its own line ending, as before.
    const withNewline = `${text}\n`;
    const again = lint(withNewline, { side: 'client' }).find((f) => f.code === 'duplicate-keyword')?.fixes[0];
    assert.ok(again?.kind === 'edit');
    assert.equal(applyEdits(withNewline, again.edits), 'Host a\n  User a\n');
  });

  it('[F17,F20] fix all keeps CRLF after a pass has removed the only line break left', () => {
    // Found by "fix all … keeps comments and line endings" (server): the duplicate's removal took the file's only
    // CRLF, and the next pass wrote ClientAliveInterval with LF.
    const r = fixAllText(' \tPROTOCOL=$\f\r\nProtocol 2', { side: 'server' });
    assert.equal(r.text, ' \tPROTOCOL=$\f\r\nClientAliveInterval 60\r\nClientAliveCountMax 3');
  });
});

describe('fuzz regressions: ssh argv', () => {
  it('[F14] an ssh:// user with a malformed %-escape is an invalid destination, not a thrown URIError', () => {
    // Found by "never throws …": decodeURIComponent threw on `%` without two hex digits (ssh's urldecode refuses it).
    assert.deepEqual(parseSshArgs(['ssh://%@h']).errors, ['invalid destination: ssh://%@h']);
    assert.equal(parseDestination('ssh://%E0%A4%A@h'), undefined);
    assert.equal(parseDestination('ssh://%ff@h'), undefined);
    assert.equal(parseUserHostPort('ssh://%zz@jump'), undefined);
    assert.deepEqual(parseDestination('ssh://%41lice@h'), { host: 'h', user: 'Alice', uri: true, raw: 'ssh://%41lice@h' });
    assert.deepEqual(parseUserHostPort('ssh://%41lice@jump:2222'), { host: 'jump', user: 'Alice', port: 2222 });
  });
});

describe('fuzz regressions: socket tables', () => {
  it('an ss timer with endless digits is not understood, rather than Infinity', () => {
    // Found by "every number it returns is finite": timer:(persist,999…016ms,1) gave expiresMs Infinity (and a count of
    // endless digits a count of Infinity, which the socket verdict would read as endless retransmissions).
    const nines = '9'.repeat(400);
    const line = (timer: string): string => `ESTAB 0 3723910 127.0.0.1:39422 127.0.0.1:45303 timer:${timer} ino:751537 sk:100c <->`;
    assert.deepEqual(parseSs(line(`(persist,${nines}016ms,1)`))[0]?.timer, { kind: 'zero-window-probe', count: 1 });
    assert.equal(parseSs(line(`(on,200ms,${nines})`))[0]?.timer, undefined);
    assert.equal(parseSsDuration(`${nines}min`), undefined);
    assert.deepEqual(parseSs(line('(on,4.848ms,3)'))[0]?.timer, { kind: 'retransmit', expiresMs: 4848, count: 3 });
  });
});

describe('fuzz regressions: tmux and screen session lists', () => {
  it('[F13] a tmux list line with endless digits is not a session (it was one with attached: Infinity)', () => {
    // Found by "never invents a session … safe whole numbers".
    const nines = '9'.repeat(400);
    assert.deepEqual(parseTmuxSessions(`${nines} 1 2 3 x\n1 ${nines} 2 3 y\n0 5 6 7 ok\n`), [{ name: 'ok', attached: 0, lastAttached: 5, activity: 6, created: 7 }]);
  });

  it('[F13] a screen session whose name holds U+2028, U+2029 or a lone CR is listed', () => {
    // Found by "screen -ls output reads back": `.` in the line pattern does not match those, so the session was missing.
    const text = 'There are screens on:\r\n\t1.!\u2028!\t(Attached)\n\t2.a\u2029b\t(11/21/26 09:11:10)\t(Detached)\n\t3.c\rd\t(Detached)\n3 Sockets in /run/screen/S-me.\r\n';
    assert.deepEqual(
      parseScreenSessions(text).map((s) => [s.name, s.attached]),
      [['!\u2028!', 1], ['a\u2029b', 0], ['c\rd', 0]],
    );
  });
});
