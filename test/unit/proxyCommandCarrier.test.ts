import { strict as assert } from 'node:assert';
import { carrierFailureLine, isForwardRefusal, PROXY_COMMAND_FORWARD_HOST, proxyCommandCarrier } from '../../src/core/probe/proxyCommand';

describe('ProxyCommand carrier command', () => {
  it('asks ssh for the same alias and config, a connection of its own, and a stdio forward to the host\'s own sshd on loopback', () => {
    assert.deepEqual(proxyCommandCarrier({ alias: 'legacy', user: 'deploy', port: 2222, configFile: '/cfg/ssh_config' }), {
      ok: true,
      args: [
        '-F',
        '/cfg/ssh_config',
        '-o',
        'BatchMode=yes',
        '-o',
        'ClearAllForwardings=yes',
        '-o',
        'ControlMaster=no',
        '-o',
        'ControlPath=none',
        '-o',
        'PermitLocalCommand=no',
        '-o',
        'LogLevel=INFO',
        '-l',
        'deploy',
        '-p',
        '2222',
        '-W',
        '127.0.0.1:2222',
        '--',
        'legacy',
      ],
    });
    assert.equal(PROXY_COMMAND_FORWARD_HOST, '127.0.0.1');
  });

  it('leaves out -F when the options came from the default files', () => {
    const cmd = proxyCommandCarrier({ alias: 'db', user: 'me', port: 22 });
    assert.ok(cmd.ok);
    assert.equal(cmd.args.includes('-F'), false);
    assert.deepEqual(cmd.args.slice(-4), ['-W', '127.0.0.1:22', '--', 'db']);
  });

  it('never carries the ProxyCommand itself: the argv names no command and no shell', () => {
    const cmd = proxyCommandCarrier({ alias: 'db', user: 'me', port: 22, configFile: '/cfg' });
    assert.ok(cmd.ok);
    assert.ok(!cmd.args.some((a) => /ProxyCommand|ProxyJump|^LocalCommand|\bsh\b|^-c$|%[hpnr]/i.test(a)), cmd.args.join(' '));
  });

  it('refuses aliases and user names that ssh would refuse on its command line, or that would read as options', () => {
    for (const alias of ['-oProxyCommand=touch x', 'a;b', '$(id)', 'a b', 'a`b', '']) {
      const cmd = proxyCommandCarrier({ alias, user: 'me', port: 22 });
      assert.equal(cmd.ok, false, alias);
      assert.match((cmd as { message: string }).message, /not one ssh accepts on its command line/);
    }
    for (const user of ['-oFoo', 'me;id', '']) {
      assert.equal(proxyCommandCarrier({ alias: 'db', user, port: 22 }).ok, false, user);
    }
  });

  it('refuses a port that is not a TCP port', () => {
    for (const port of [0, 65536, 22.5, Number.NaN]) {
      assert.equal(proxyCommandCarrier({ alias: 'db', user: 'me', port }).ok, false, String(port));
    }
  });
});

describe('why a carrier ssh failed, from its stderr', () => {
  // OpenSSH 9.2 with -o LogLevel=INFO and -W, to an sshd with AllowTcpForwarding no (captured here).
  const refused = ['channel 0: open failed: administratively prohibited: open failed', 'stdio forwarding failed'];

  it('prefers the channel open failure over the generic line after it', () => {
    assert.equal(carrierFailureLine(refused), 'channel 0: open failed: administratively prohibited: open failed');
    assert.equal(
      carrierFailureLine(['Authenticated to 127.0.0.1 (via proxy) using "publickey".', 'channel 0: open failed: connect failed: Connection refused', 'stdio forwarding failed']),
      'channel 0: open failed: connect failed: Connection refused',
    );
  });

  it('falls back to the last line, or nothing', () => {
    assert.equal(carrierFailureLine(['kex_exchange_identification: Connection closed by remote host', 'Connection closed by UNKNOWN port 65535']), 'Connection closed by UNKNOWN port 65535');
    assert.equal(carrierFailureLine([]), undefined);
  });

  it('tells a refused forward from other failures', () => {
    assert.equal(isForwardRefusal(refused[0] as string), true);
    assert.equal(isForwardRefusal('stdio forwarding failed'), true);
    assert.equal(isForwardRefusal('me@127.0.0.1: Permission denied (publickey).'), false);
  });
});
