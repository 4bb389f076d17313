import { strict as assert } from 'node:assert';
import { fixLoop } from '../../src/core/sshConfig/fixAll';
import type { Finding } from '../../src/core/sshConfig/findings';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';

const client: LintOptions = { side: 'client', opensshVersion: '9.2' };
const server: LintOptions = { side: 'server', opensshVersion: '9.2' };

describe('cli: --fix loop', () => {
  it('fixes errors first, so a renamed keyword is not followed by a duplicate from a keepalive fix', () => {
    const text = 'Host a\n    ClientAliveInterval 30\n\nHost *\n    ConnectTimeout 10\n';
    const r = fixLoop(text, (t) => lint(t, client));
    assert.equal(r.stopped, 'done');
    assert.equal(r.text, 'Host a\n    ServerAliveInterval 30\n\nHost *\n    ConnectTimeout 10\n    ServerAliveInterval 15\n    ServerAliveCountMax 4\n');
    assert.deepEqual(r.applied.map((a) => [a.code, a.pass]), [['server-only-keyword', 1], ['keepalive-missing', 2]]);
    assert.deepEqual(lint(r.text, client).filter((f) => f.fixes.some((x) => x.preferred)), []);
  });

  it('on the server, renaming ServerAliveInterval settles clientalive-missing without a second ClientAliveInterval', () => {
    const r = fixLoop('ServerAliveInterval 60\nServerAliveCountMax 3\n', (t) => lint(t, server));
    assert.equal(r.text, 'ClientAliveInterval 60\nClientAliveCountMax 3\n');
    assert.deepEqual(r.applied.map((a) => a.code), ['client-only-keyword', 'client-only-keyword']);
  });

  it('two insertions at the same place go in separate passes: one Host * block, not two', () => {
    const r = fixLoop('Host a\n    HostName b\n', (t) => lint(t, client));
    assert.equal(r.text.match(/^Host \*$/gm)?.length, 1);
    assert.match(r.text, /Host \*\n {4}ServerAliveInterval 15\n {4}ServerAliveCountMax 4\n {4}ConnectTimeout 10\n$/);
    assert.deepEqual(r.applied.map((a) => [a.code, a.pass]), [['keepalive-missing', 1], ['connecttimeout-missing', 2]]);
  });

  it('keeps CRLF, a missing final newline and the comments', () => {
    const text = '# mine\r\nHost a # trailing\r\n    ClientAliveInterval 30';
    const r = fixLoop(text, (t) => lint(t, client));
    assert.ok(r.text.startsWith('# mine\r\nHost a # trailing\r\n    ServerAliveInterval 30'));
    assert.doesNotMatch(r.text.replace(/\r\n/g, ''), /\n/);
    assert.ok(!r.text.endsWith('\n'));
  });

  it('leaves text alone when nothing has a preferred fix', () => {
    const text = 'Host a\n    User "x\nHost *\n    ServerAliveInterval 30\n    ConnectTimeout 10\n';
    assert.deepEqual(fixLoop(text, (t) => lint(t, client)), { text, applied: [], passes: 0, stopped: 'done' });
  });

  it('reverts a pass that would add an error, and stops', () => {
    const bad: Finding = {
      code: 'unknown-keyword',
      severity: 'warning',
      message: 'x',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      fixes: [{ kind: 'edit', title: 'break it', preferred: true, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'X' }] }],
    };
    const fake = (t: string): Finding[] => (t.startsWith('X') ? [{ ...bad, severity: 'error', fixes: [] }] : [bad]);
    const r = fixLoop('a', fake);
    assert.deepEqual(r, { text: 'a', applied: [], passes: 0, stopped: 'would-add-errors' });
  });

  it('stops after the pass limit when a fix never settles', () => {
    let n = 0;
    const endless = (t: string): Finding[] => [
      {
        code: 'syntax',
        severity: 'warning',
        message: 'x',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        fixes: [{ kind: 'edit', title: `more ${n++}`, preferred: true, edits: [{ range: { start: { line: 0, character: t.length }, end: { line: 0, character: t.length } }, newText: 'a' }] }],
      },
    ];
    const r = fixLoop('', endless, 10);
    assert.equal(r.stopped, 'limit');
    assert.equal(r.text, 'a'.repeat(10));
    assert.equal(r.passes, 10);
  });
});
