import { strict as assert } from 'node:assert';
import { fixAllText, minimalReplacement } from '../../src/core/sshConfig/fixAll';
import { lint } from '../../src/core/sshConfig/lint';

describe('fix all', () => {
  it('fixes that insert at the same place are applied in separate passes: one Host * block', () => {
    const r = fixAllText('Host prod\n  HostName p\n', { side: 'client' });
    assert.equal(r.text, 'Host prod\n  HostName p\n\nHost *\n  ServerAliveInterval 15\n  ServerAliveCountMax 4\n  ConnectTimeout 10\n');
    assert.equal(r.applied, 2);
    assert.deepEqual(lint(r.text, { side: 'client' }), []);
  });

  it('stops when nothing preferred is left, and is idempotent', () => {
    const text = 'ServerAliveInterval 15\nClientAliveInterval 9\nUser a\nUser b\n';
    const once = fixAllText(text, { side: 'client' }).text;
    assert.equal(fixAllText(once, { side: 'client' }).text, once);
    assert.equal(fixAllText(once, { side: 'client' }).applied, 0);
  });

  it('describes the smallest replacement without splitting a CRLF', () => {
    assert.deepEqual(minimalReplacement('a\r\nb', 'a\r\nc'), { from: 3, to: 4, newText: 'c' });
    assert.deepEqual(minimalReplacement('a\nb\n', 'a\nX\nb\n'), { from: 2, to: 2, newText: 'X\n' });
  });
});
