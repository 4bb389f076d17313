import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSshG } from '../../src/core/sshConfig/effective';
import { DEFAULT_PROBE_CONNECT_TIMEOUT_MS, expandTokens, probeTargetFromEffective } from '../../src/core/probe/target';
import { parseJumpHop, proxyJumpCommand } from '../../src/core/probe/proxyJump';

// `ssh -G -F ssh_config <host>` output of OpenSSH 9.2, captured once (as root).
const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'sshG', name), 'utf8');
const env = { home: '/root', localUser: 'root', localHostName: 'box.lan', uid: 0, authSock: '/tmp/ssh-XYZ/agent.1', configFile: '/cfg/ssh_config' };

describe('probe target from ssh -G', () => {
  it('takes host, port, user, alias, jump and timeout from the effective options', () => {
    const t = probeTargetFromEffective(parseSshG(fixture('prod.txt')), 'prod', env);
    assert.equal(t.alias, 'prod');
    assert.equal(t.hostName, 'prod.example.com');
    assert.equal(t.port, 2222);
    assert.equal(t.user, 'deploy');
    assert.equal(t.hostKeyAlias, 'prodalias');
    assert.equal(t.proxyJump, 'bastion,ops@jump2:2200');
    assert.equal(t.proxyCommand, undefined);
    assert.equal(t.connectTimeoutMs, 7000);
    assert.equal(t.identitiesOnly, true);
    assert.equal(t.configFile, '/cfg/ssh_config');
  });

  it('expands ~ and %-tokens in IdentityFile, which ssh -G prints raw, and %% to a single %', () => {
    const t = probeTargetFromEffective(parseSshG(fixture('prod.txt')), 'prod', env);
    assert.deepEqual(t.identityFiles, ['/root/.ssh/id_deploy@prod.example.com', '/root/keys/root-prod-2222-box.lan', '/root/.ssh/100%.key']);
  });

  it('keeps the known_hosts lists ssh -G printed already expanded, split at spaces', () => {
    const t = probeTargetFromEffective(parseSshG(fixture('prod.txt')), 'prod', env);
    assert.deepEqual(t.userKnownHostsFiles, ['/root/.ssh/known_hosts', '/root/.ssh/kh_prod.example.com_2222']);
    assert.deepEqual(t.globalKnownHostsFiles, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
  });

  it('uses the IdentityAgent path when set, and the environment socket for SSH_AUTH_SOCK', () => {
    assert.equal(probeTargetFromEffective(parseSshG(fixture('prod.txt')), 'prod', env).identityAgent, '/root/.ssh/agent.sock');
    const loopback = probeTargetFromEffective(parseSshG(fixture('loopback.txt')), '127.0.0.1', env);
    assert.equal(loopback.identityAgent, '/tmp/ssh-XYZ/agent.1');
    assert.equal(probeTargetFromEffective(parseSshG(fixture('loopback.txt')), '127.0.0.1', { home: '/root' }).identityAgent, undefined);
  });

  it('reads IdentityAgent none and $VAR', () => {
    const opts = (agent: string): ReturnType<typeof parseSshG> => parseSshG(`host h\nhostname h\nidentityagent ${agent}\n`);
    assert.equal(probeTargetFromEffective(opts('none'), 'h', env).identityAgent, 'none');
    assert.equal(probeTargetFromEffective(opts('$MY_AGENT'), 'h', { ...env, vars: { MY_AGENT: '/run/a.sock' } }).identityAgent, '/run/a.sock');
    assert.equal(probeTargetFromEffective(opts('$MY_AGENT'), 'h', env).identityAgent, 'none');
    assert.equal(probeTargetFromEffective(opts('$SSH_AUTH_SOCK'), 'h', env).identityAgent, env.authSock);
  });

  it('gives the default identity files, port 22, and the default timeout for ConnectTimeout none', () => {
    const t = probeTargetFromEffective(parseSshG(fixture('loopback.txt')), '127.0.0.1', env);
    assert.equal(t.port, 22);
    assert.equal(t.user, 'root');
    assert.equal(t.connectTimeoutMs, DEFAULT_PROBE_CONNECT_TIMEOUT_MS);
    assert.equal(t.identityFiles[0], '/root/.ssh/id_rsa');
    assert.equal(t.identityFiles.length, 7);
    assert.equal(t.hostKeyAlias, undefined);
    assert.equal(t.proxyJump, undefined);
    assert.equal(t.identitiesOnly, undefined);
  });

  it('marks a ProxyCommand host', () => {
    const t = probeTargetFromEffective(parseSshG(fixture('legacy.txt')), 'legacy', env);
    assert.equal(t.proxyCommand, 'nc %h %p');
    assert.equal(t.proxyJump, undefined);
  });

  it('leaves tokens it cannot know as written', () => {
    assert.equal(expandTokens('%d/%C/%j/${NOPE}/%l', { d: '/h' }), '/h/%C/%j/${NOPE}/%l');
    assert.equal(expandTokens('${HOME}/k', {}, { HOME: '/h' }), '/h/k');
  });
});

describe('ProxyJump command', () => {
  it('connects to the last hop and passes the earlier ones with -J, as ssh.c does', () => {
    const cmd = proxyJumpCommand({ hostName: '10.0.0.5', port: 2222, proxyJump: 'bastion,ops@jump2:2200', configFile: '/cfg/ssh_config' });
    assert.deepEqual(cmd, {
      ok: true,
      args: ['-F', '/cfg/ssh_config', '-o', 'BatchMode=yes', '-o', 'ClearAllForwardings=yes', '-J', 'bastion', '-l', 'ops', '-p', '2200', '-W', '[10.0.0.5]:2222', '--', 'jump2'],
    });
  });

  it('needs no -F, -J, -l or -p for a single plain hop', () => {
    assert.deepEqual(proxyJumpCommand({ hostName: 'db', port: 22, proxyJump: 'bastion' }), {
      ok: true,
      args: ['-o', 'BatchMode=yes', '-o', 'ClearAllForwardings=yes', '-W', '[db]:22', '--', 'bastion'],
    });
  });

  it('reads ssh:// hops and bracketed addresses', () => {
    assert.deepEqual(parseJumpHop('ssh://me@[::1]:2022'), { user: 'me', host: '::1', port: 2022 });
    assert.deepEqual(parseJumpHop('a@b@host'), { user: 'a@b', host: 'host' });
    assert.equal(parseJumpHop('host:99999'), undefined);
    assert.equal(parseJumpHop('@host'), undefined);
  });

  it('refuses names that ssh would refuse on its command line, or that would read as options', () => {
    for (const proxyJump of ['-oProxyCommand=x', 'a;b', 'ok,$(id)', 'me@-bad', 'host name']) {
      const cmd = proxyJumpCommand({ hostName: 'db', port: 22, proxyJump });
      assert.equal(cmd.ok, false, proxyJump);
    }
    assert.equal(proxyJumpCommand({ hostName: '-oFoo', port: 22, proxyJump: 'bastion' }).ok, false);
  });
});
