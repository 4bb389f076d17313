import { strict as assert } from 'node:assert';
import { includePattern, type IncludeContext } from '../../src/core/sshConfig/includes';
import { lint } from '../../src/core/sshConfig/lint';
import { matchPattern } from '../../src/core/sshConfig/model';

/** An in-memory file system: glob with * and ? within the whole path, sorted. */
function memory(files: Record<string, string>, path = '/home/u/.ssh/config'): IncludeContext {
  return {
    path,
    home: '/home/u',
    env: { CONF: '/srv/conf' },
    userFile: true,
    files: {
      glob: (pattern) => Object.keys(files).filter((f) => matchPattern(f, pattern)).sort(),
      read: (p) => files[p],
    },
  };
}

const TAIL = 'Host *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n';

describe('config includes', () => {
  it('[F18] resolves ~, ${ENV} and relative paths like OpenSSH', () => {
    const ctx = { home: '/home/u', env: { CONF: '/srv/conf' }, userFile: true };
    assert.equal(includePattern('~/x/*.conf', 'client', ctx), '/home/u/x/*.conf');
    assert.equal(includePattern('config.d/*', 'client', ctx), '/home/u/.ssh/config.d/*');
    assert.equal(includePattern('config.d/*', 'client', { ...ctx, userFile: false }), '/etc/ssh/config.d/*');
    assert.equal(includePattern('sshd_config.d/*.conf', 'server', ctx), '/etc/ssh/sshd_config.d/*.conf');
    assert.equal(includePattern('${CONF}/a', 'client', ctx), '/srv/conf/a');
    assert.equal(includePattern('${NOPE}/a', 'client', ctx), undefined);
  });

  it('[F18] include-missing for a plain path that does not exist, not for an empty glob', () => {
    const files = { '/home/u/.ssh/config': '' };
    const found = lint(`Include missing.conf\nInclude conf.d/*.conf\n${TAIL}`, { side: 'client', includes: memory(files) });
    assert.deepEqual(found.map((f) => [f.code, f.range.start.line]), [['include-missing', 0]]);
    assert.match(found[0]?.message ?? '', /\/home\/u\/\.ssh\/missing\.conf/);
  });

  it('[F18] include-cycle for a file that includes itself through another', () => {
    const files = {
      '/home/u/.ssh/config': 'Include a.conf\n',
      '/home/u/.ssh/a.conf': 'Include b.conf\n',
      '/home/u/.ssh/b.conf': 'Include ~/.ssh/a.conf\n',
    };
    const found = lint(`Include a.conf\n${TAIL}`, { side: 'client', includes: memory(files) }).filter((f) => f.code === 'include-cycle');
    assert.equal(found.length, 1);
    assert.match(found[0]?.message ?? '', /a\.conf → \/home\/u\/\.ssh\/b\.conf → \/home\/u\/\.ssh\/a\.conf/);
  });

  it('[F18] include-cycle for nesting deeper than 16 levels', () => {
    const files: Record<string, string> = { '/home/u/.ssh/config': '' };
    for (let i = 0; i < 20; i++) {
      files[`/home/u/.ssh/n${i}`] = `Include n${i + 1}\n`;
    }
    files['/home/u/.ssh/n20'] = 'User x\n';
    const found = lint(`Include n0\n${TAIL}`, { side: 'client', includes: memory(files) });
    assert.deepEqual(found.map((f) => f.code), ['include-cycle']);
    assert.match(found[0]?.message ?? '', /deeper than 16/);
  });

  it('a healthy include chain has no findings', () => {
    const files = { '/home/u/.ssh/config': '', '/home/u/.ssh/conf.d/a.conf': 'Host a\n  User x\n', '/home/u/.ssh/conf.d/b.conf': 'Host b\n  User y\n' };
    assert.deepEqual(lint(`Include conf.d/*.conf\n${TAIL}`, { side: 'client', includes: memory(files) }), []);
  });
});

describe('config includes in evaluation', () => {
  it('a trailing Host * with keepalives in an included file satisfies keepalive-missing', () => {
    const files = { '/home/u/.ssh/config': '', '/home/u/.ssh/conf.d/defaults.conf': 'Host *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n' };
    const text = 'Include conf.d/*.conf\nHost prod\n  HostName p\n';
    assert.deepEqual(lint(text, { side: 'client', includes: memory(files) }), []);
    assert.deepEqual(lint(text, { side: 'client' }).map((f) => f.code), ['keepalive-missing', 'connecttimeout-missing']);
    // The same Include after "Host prod" belongs to that block, as ssh reads it.
    assert.deepEqual(lint('Host prod\n  HostName p\nInclude conf.d/*.conf\n', { side: 'client', includes: memory(files) }).map((f) => f.code), ['keepalive-missing', 'connecttimeout-missing']);
  });

  it('an Include inside a Host block applies only to that block', () => {
    const files = { '/home/u/.ssh/config': '', '/home/u/.ssh/ka.conf': 'ServerAliveInterval 15\nConnectTimeout 5\n' };
    const found = lint('Host prod\n  Include ka.conf\n', { side: 'client', includes: memory(files) }).map((f) => f.code);
    assert.deepEqual(found, ['keepalive-missing', 'connecttimeout-missing']);
  });

  it("Debian's sshd_config.d drop-in with ClientAliveInterval satisfies clientalive-missing", () => {
    const ctx: IncludeContext = {
      ...memory({ '/etc/ssh/sshd_config.d/keepalive.conf': 'ClientAliveInterval 120\n' }, '/etc/ssh/sshd_config'),
      userFile: false,
    };
    assert.deepEqual(lint('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n', { side: 'server', includes: ctx }), []);
    assert.deepEqual(lint('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n', { side: 'server' }).map((f) => f.code), ['clientalive-missing']);
  });
});
