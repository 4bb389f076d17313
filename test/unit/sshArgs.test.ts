import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { flagCount, isValidCommandLineHost, lastOption, parseDestination, parseSshArgs } from '../../src/core/sshArgs/parse';
import { detectMultiplexer, shellWords, sshLikeKind } from '../../src/core/sshArgs/remoteCommand';

describe('ssh command line', () => {
  it('reads bundled flags, attached and separate arguments', () => {
    const inv = parseSshArgs(['-tt', '-p22', '-o', 'ServerAliveInterval=15', '-oUser=bob', '-vJ', 'jump', 'me@host']);
    assert.equal(flagCount(inv, 't'), 2);
    assert.equal(lastOption(inv, 'p'), '22');
    assert.equal(lastOption(inv, 'J'), 'jump');
    assert.deepEqual(inv.configOptions, [{ key: 'serveraliveinterval', value: '15' }, { key: 'user', value: 'bob' }]);
    assert.deepEqual(inv.destination, { host: 'host', user: 'me', uri: false, raw: 'me@host' });
    assert.deepEqual(inv.errors, []);
  });

  it('accepts options after the destination, then the remote command', () => {
    const inv = parseSshArgs(['host', '-p', '2222', 'tmux', 'attach', '-t', 'main']);
    assert.equal(lastOption(inv, 'p'), '2222');
    assert.deepEqual(inv.command, ['tmux', 'attach', '-t', 'main']);
  });

  it('keeps words that look like options inside the remote command', () => {
    const inv = parseSshArgs(['host', 'ls', '-la', '-p']);
    assert.deepEqual(inv.command, ['ls', '-la', '-p']);
    assert.deepEqual(parseSshArgs(['--', 'host', '-v']).command, ['-v']);
  });

  it('-o accepts "Key Value" as well as "Key=Value"', () => {
    assert.deepEqual(parseSshArgs(['-o', 'ServerAliveCountMax 4', 'h']).configOptions, [{ key: 'serveralivecountmax', value: '4' }]);
  });

  it('reports unknown options and a missing argument', () => {
    assert.deepEqual(parseSshArgs(['-Z', 'h']).errors, ['unknown option -- Z']);
    assert.deepEqual(parseSshArgs(['h', '-p']).errors, ['option requires an argument -- p']);
  });

  it('parses ssh:// destinations with user, port and IPv6', () => {
    assert.deepEqual(parseDestination('ssh://bob@example.com:2222'), { host: 'example.com', user: 'bob', port: 2222, uri: true, raw: 'ssh://bob@example.com:2222' });
    assert.deepEqual(parseDestination('ssh://[::1]:22/'), { host: '::1', port: 22, uri: true, raw: 'ssh://[::1]:22/' });
    assert.equal(parseDestination('ssh://host:99999'), undefined);
    assert.equal(parseDestination('ssh://a/b'), undefined);
    assert.deepEqual(parseDestination('a@b@c'), { host: 'c', user: 'a@b', uri: false, raw: 'a@b@c' });
  });

  it('[F14] validates command-line host names like OpenSSH', () => {
    for (const good of ['prod', 'a.b-c_d', '10.0.0.1', '::1', 'a*b']) {
      assert.ok(isValidCommandLineHost(good), good);
    }
    for (const bad of ['-oProxyCommand=x', 'a;b', '$(id)', 'a b', 'a,b', 'a`b', 'a\nb', '']) {
      assert.ok(!isValidCommandLineHost(bad), bad);
    }
  });

  it('never throws on arbitrary argv (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('-', '--', '-p', '-tt', '-o', 'host', 'ssh://', '@', 'x'), fc.string({ maxLength: 6 })), { maxLength: 10 }), (argv) => {
        const inv = parseSshArgs(argv);
        assert.ok(inv.command.length <= argv.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('remote command', () => {
  it('splits shell words and refuses what it does not model', () => {
    assert.deepEqual(shellWords(`tmux attach -t 'my session' "x\\"y" a\\ b`), ['tmux', 'attach', '-t', 'my session', 'x"y', 'a b']);
    assert.equal(shellWords('tmux a; rm -rf x'), undefined);
    assert.equal(shellWords('tmux a -t $(id)'), undefined);
    assert.equal(shellWords("tmux a -t 'open"), undefined);
  });

  it('recognises tmux attach/new with names, prefixes and sockets', () => {
    assert.deepEqual(detectMultiplexer(['tmux', 'attach', '-t', 'main']), { kind: 'tmux', session: 'main', createsIfMissing: false });
    assert.deepEqual(detectMultiplexer(['tmux', 'a']), { kind: 'tmux', createsIfMissing: false });
    assert.deepEqual(detectMultiplexer(['tmux new-session -A -s work']), { kind: 'tmux', session: 'work', createsIfMissing: true });
    assert.deepEqual(detectMultiplexer(['exec', '/usr/bin/tmux', '-L', 'x', 'new', '-s', 'w']), { kind: 'tmux', socket: { flag: '-L', value: 'x' }, session: 'w', createsIfMissing: true });
    assert.deepEqual(detectMultiplexer(['tmux']), { kind: 'tmux', createsIfMissing: true });
    assert.equal(detectMultiplexer(['tmux', 'list-sessions']), undefined);
    assert.equal(detectMultiplexer(['vim']), undefined);
  });

  it('recognises screen -dr / -DR / -S', () => {
    assert.deepEqual(detectMultiplexer(['screen', '-dr', 'build']), { kind: 'screen', session: 'build', createsIfMissing: false });
    assert.deepEqual(detectMultiplexer(['screen', '-DR', 'build']), { kind: 'screen', session: 'build', createsIfMissing: true });
    assert.deepEqual(detectMultiplexer(['screen', '-S', 'x']), { kind: 'screen', session: 'x', createsIfMissing: true });
  });

  it('labels ssh-like programs', () => {
    assert.equal(sshLikeKind('/usr/bin/ssh'), 'ssh');
    assert.equal(sshLikeKind('mosh-client'), 'mosh');
    assert.equal(sshLikeKind('autossh'), 'autossh');
    assert.equal(sshLikeKind('sshd'), undefined);
  });
});
