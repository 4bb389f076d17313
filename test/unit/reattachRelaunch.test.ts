import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { DEFAULT_KEEPALIVE, commandLineSetsOption, persistentArgs, relaunchArgs, type RelaunchArgs } from '../../src/core/reattach/relaunch';
import { commandLineUserAndPort, flagCount, parseSshArgs } from '../../src/core/sshArgs/parse';

const ATTACH = "tmux has-session -t '=main' && tmux attach-session -d -t '=main' || tmux new-session -s 'main'";

function args(r: RelaunchArgs): string[] {
  assert.ok(r.ok, JSON.stringify(r));
  return r.args;
}

describe('reattach: relaunch arguments', () => {
  it('keeps every option as separate words, adds -t, then -- destination and the command as one word', () => {
    const inv = parseSshArgs(['-p22', '-oUser=bob', '-J', 'jump', '-vL8080:localhost:80', 'me@host', 'tmux', 'attach', '-t', 'main']);
    assert.deepEqual(args(relaunchArgs(inv, { remoteCommand: ATTACH })), [
      '-t', '-p', '22', '-o', 'User=bob', '-J', 'jump', '-v', '-L', '8080:localhost:80', '--', 'me@host', ATTACH,
    ]);
  });

  it('keeps -t and -tt as given and adds no second -t', () => {
    assert.deepEqual(args(relaunchArgs(parseSshArgs(['-tt', 'h']), { remoteCommand: 'x' })), ['-t', '-t', '--', 'h', 'x']);
    assert.deepEqual(args(relaunchArgs(parseSshArgs(['-t', 'h', 'cmd']), { remoteCommand: 'x' })), ['-t', '--', 'h', 'x']);
  });

  it('drops the flags that would break an interactive reattach', () => {
    const inv = parseSshArgs(['-f', '-N', '-n', '-T', '-W', 'h:22', '-G', '-V', '-Q', 'cipher', '-O', 'check', '-s', '-q', 'host', 'sftp']);
    assert.deepEqual(args(relaunchArgs(inv, { remoteCommand: 'x' })), ['-t', '-q', '--', 'host', 'x']);
  });

  it('drops -o keywords that turn off the terminal or clash with a command (RemoteCommand)', () => {
    const inv = parseSshArgs(['-o', 'RemoteCommand=tmux a', '-oRequestTTY=no', '-o', 'SessionType none', '-o', 'StdinNull=yes', '-o', 'ForkAfterAuthentication=yes', '-o', 'Compression=yes', 'h']);
    assert.deepEqual(args(relaunchArgs(inv, { remoteCommand: 'x' })), ['-t', '-o', 'Compression=yes', '--', 'h', 'x']);
  });

  it('puts keepalive and ConnectTimeout right after the kept options, so a command-line value the user gave still wins', () => {
    const inv = parseSshArgs(['-o', 'ServerAliveInterval=60', 'h']);
    assert.deepEqual(args(relaunchArgs(inv, { remoteCommand: 'x', keepalive: DEFAULT_KEEPALIVE, connectTimeoutSeconds: 10 })), [
      '-t', '-o', 'ServerAliveInterval=60', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3', '-o', 'ConnectTimeout=10', '--', 'h', 'x',
    ]);
  });

  it('ignores nonsensical keepalive or timeout numbers rather than writing them', () => {
    const inv = parseSshArgs(['h']);
    assert.deepEqual(args(relaunchArgs(inv, { remoteCommand: 'x', keepalive: { intervalSeconds: Number.NaN, countMax: 3 }, connectTimeoutSeconds: 0 })), ['-t', '--', 'h', 'x']);
  });

  it('passes the destination exactly as typed, ssh:// and user@ included', () => {
    assert.deepEqual(args(relaunchArgs(parseSshArgs(['ssh://me@host:2222']), { remoteCommand: 'x' })), ['-t', '--', 'ssh://me@host:2222', 'x']);
    assert.deepEqual(args(relaunchArgs(parseSshArgs(['a@b@host']), { remoteCommand: 'x' })), ['-t', '--', 'a@b@host', 'x']);
  });

  it('keeps options given after the destination, except a user or port the destination had already set', () => {
    const inv = parseSshArgs(['alice@host', '-l', 'bob', '-p', '2222', '-o', 'User=carol']);
    const out = args(relaunchArgs(inv, { remoteCommand: 'x' }));
    assert.deepEqual(out, ['-t', '-p', '2222', '--', 'alice@host', 'x']);
    assert.deepEqual(commandLineUserAndPort(parseSshArgs(out)), commandLineUserAndPort(inv));
    const uri = parseSshArgs(['ssh://h:2200', '-p', '22', '-l', 'u']);
    assert.deepEqual(args(relaunchArgs(uri, { remoteCommand: 'x' })), ['-t', '-l', 'u', '--', 'ssh://h:2200', 'x']);
  });

  it('refuses no destination and a host ssh would refuse', () => {
    const none = relaunchArgs(parseSshArgs(['-p', '22']), { remoteCommand: 'x' });
    assert.ok(!none.ok && none.reason === 'no-destination');
    for (const argv of [['--', '-oProxyCommand=touch M'], ['a;b'], ['me@$(id)'], ['h o'], ['ssh://h:99999'], ['me@']]) {
      const r = relaunchArgs(parseSshArgs(argv), { remoteCommand: 'x' });
      assert.ok(!r.ok && r.reason === 'invalid-host' && !r.message.includes('\n'), `${JSON.stringify(argv)} → ${JSON.stringify(r)}`);
    }
  });

  it('round-trips: same destination, the command as one word, no dropped option resurrected (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9=.:_@-]{1,12}$/);
    const option = fc.oneof(
      fc.constantFrom(...'46AaCfGgKkMNnqsTtVvXxYy'.split('')).map((f) => [`-${f}`]),
      fc.tuple(fc.constantFrom(...'BbcDEeFIiJLlmOoPpQRSWw'.split('')), word, fc.boolean()).map(([f, v, attached]) => (attached ? [`-${f}${v}`] : [`-${f}`, v])),
      fc.constantFrom(['-o', 'RemoteCommand=x'], ['-oRequestTTY=no'], ['-o', 'ServerAliveInterval=5']),
    );
    const destination = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/), fc.stringMatching(/^[a-z]{1,5}@[a-z][a-z0-9.]{0,8}$/), fc.constant('ssh://u@h:2222'));
    fc.assert(
      fc.property(fc.array(option, { maxLength: 6 }), destination, fc.array(option, { maxLength: 3 }), fc.array(word, { maxLength: 3 }), fc.string(), (before, dest, after, command, remote) => {
        const argv = [...before.flat(), dest, ...after.flat(), ...command];
        const original = parseSshArgs(argv);
        fc.pre(original.errors.length === 0 && original.destination?.raw === dest);
        const r = relaunchArgs(original, { remoteCommand: remote, keepalive: DEFAULT_KEEPALIVE });
        const again = parseSshArgs(args(r));
        assert.equal(again.destination?.raw, dest);
        assert.deepEqual(again.command, [remote]);
        assert.deepEqual(again.errors, []);
        for (const f of 'fNnTWGVQOs') {
          assert.equal(flagCount(again, f), 0, `-${f} in ${JSON.stringify(args(r))}`);
        }
        assert.ok(!again.configOptions.some((c) => c.key === 'remotecommand' || c.key === 'requesttty'));
        assert.ok(flagCount(again, 't') >= 1);
        assert.deepEqual(commandLineUserAndPort(again), commandLineUserAndPort(original));
        // Options ssh acts on are kept in their order.
        const kept = (inv: typeof original): string[] => inv.options.filter((o) => 'iJLRDF'.includes(o.flag)).map((o) => `${o.flag}${o.value}`);
        assert.deepEqual(kept(again), kept(original));
      }),
      { numRuns: 500 },
    );
  });
});

describe('reattach: command-line options', () => {
  it('sees -o keywords in every spelling, case-insensitively', () => {
    assert.equal(commandLineSetsOption(parseSshArgs(['-o', 'ServerAliveInterval=15', 'h']), 'serveraliveinterval'), true);
    assert.equal(commandLineSetsOption(parseSshArgs(['-oServerAliveInterval=15', 'h']), 'ServerAliveInterval'), true);
    assert.equal(commandLineSetsOption(parseSshArgs(['-o', 'serveraliveinterval 15', 'h']), 'ServerAliveInterval'), true);
    assert.equal(commandLineSetsOption(parseSshArgs(['h', '-o', 'ServerAliveInterval=15']), 'ServerAliveInterval'), true);
    assert.equal(commandLineSetsOption(parseSshArgs(['-o', 'ServerAliveCountMax=3', 'h']), 'ServerAliveInterval'), false);
    assert.equal(commandLineSetsOption(parseSshArgs(['h', 'echo', '-o', 'ServerAliveInterval=1']), 'ServerAliveInterval'), false);
  });
});

describe('reattach: persistent terminal arguments', () => {
  const cmd = "tmux new-session -A -s 'main'";

  it('builds ssh -t [-F config] [extra] [keepalive] -- host command', () => {
    assert.deepEqual(args(persistentArgs('prod', { remoteCommand: cmd })), ['-t', '--', 'prod', cmd]);
    assert.deepEqual(args(persistentArgs('me@prod', { remoteCommand: cmd, configFile: '/cfg/ssh config', keepalive: DEFAULT_KEEPALIVE, extraOptions: ['-p2222', '-N'] })), [
      '-t', '-F', '/cfg/ssh config', '-p', '2222', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3', '--', 'me@prod', cmd,
    ]);
    assert.deepEqual(args(persistentArgs('h', { remoteCommand: cmd, extraOptions: ['-tt'] })), ['-t', '-t', '--', 'h', cmd]);
  });

  it('refuses hosts ssh would take as options or that hold shell characters', () => {
    for (const host of ['-oProxyCommand=x', 'a;b', 'h o', '$(id)', 'a\nb', 'a|b']) {
      const r = persistentArgs(host, { remoteCommand: cmd });
      assert.ok(!r.ok && r.reason === 'invalid-host' && !r.message.includes('\n'), `${JSON.stringify(host)} → ${JSON.stringify(r)}`);
    }
    const empty = persistentArgs('', { remoteCommand: cmd });
    assert.ok(!empty.ok && empty.reason === 'no-destination');
  });

  it('refuses extra options holding a word ssh would read as the host', () => {
    for (const extra of [['other'], ['-p'], ['--', 'x'], ['-Z']]) {
      const r = persistentArgs('h', { remoteCommand: cmd, extraOptions: extra });
      assert.ok(!r.ok && r.reason === 'invalid-host', `${JSON.stringify(extra)} → ${JSON.stringify(r)}`);
    }
  });

  it('round-trips through the ssh grammar (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9.@-]{0,15}$/), fc.string(), (host, remote) => {
        const r = persistentArgs(host, { remoteCommand: remote, keepalive: DEFAULT_KEEPALIVE });
        const inv = parseSshArgs(args(r));
        assert.equal(inv.destination?.raw, host);
        assert.deepEqual(inv.command, [remote]);
        assert.equal(flagCount(inv, 't'), 1);
      }),
    );
  });
});
