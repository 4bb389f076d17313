import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseSshG } from '../../src/core/sshConfig/effective';
import { probeTargetFromEffective, type ProbeTarget } from '../../src/core/probe/target';
import { defaultHeartbeatSettings } from '../../src/core/health/health';
import { hostKeyFor, registrationFor } from '../../src/node/heartbeat/probes';
import { connectSshProbe, type SshProbeConnection } from '../../src/node/probe/sshProbe';
import { defaultSpawnProxy, type SpawnProxy } from '../../src/node/probe/proxyStream';
import { median } from '../../bench/lib/stats';
import { rejection } from '../fixtures/probeErrors';
import { startSshd, type SshdFixture } from '../fixtures/sshd';
import { alive } from '../fixtures/processes';

const execFileAsync = promisify(execFile);

/** `ssh -G -F config testhost`, mapped as the product maps it; no agent, so only the fixture's key is offered. */
async function targetFromSshG(configPath: string): Promise<ProbeTarget> {
  const { stdout } = await execFileAsync('ssh', ['-G', '-F', configPath, '--', 'testhost']);
  return { ...probeTargetFromEffective(parseSshG(stdout), 'testhost', { home: process.env['HOME'] ?? '/', configFile: configPath }), identityAgent: 'none' };
}

/** pid → [ppid, args] for every process. */
async function processTable(): Promise<Map<number, { ppid: number; args: string }>> {
  const { stdout } = await execFileAsync('ps', ['-e', '-ww', '-o', 'pid=,ppid=,args=']);
  const table = new Map<number, { ppid: number; args: string }>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line);
    if (m !== null) {
      table.set(Number(m[1]), { ppid: Number(m[2]), args: m[3] as string });
    }
  }
  return table;
}

async function bytesFrom(path: string, offset: number): Promise<string> {
  return (await readFile(path)).subarray(offset).toString('utf8');
}

/**
 * The hosts here are reached the way a ProxyCommand user reaches them: the
 * client config of each target sshd says
 * `ProxyCommand sh -c 'echo $PPID >> MARKER; exec /usr/bin/ssh -F JUMP -W %h:%p testhost'`
 * (netcat is not installed on this machine, so a second sshd is the way in).
 * The marker records which process ran the ProxyCommand: its parent's pid.
 */
describe('ssh2 heartbeat probe through a ProxyCommand (real sshds on 127.0.0.1)', function () {
  this.timeout(60_000);
  let jump: SshdFixture;
  let target: SshdFixture;
  let noForwarding: SshdFixture;
  let work: string;
  let marker: string;
  const open: SshProbeConnection[] = [];
  const logLines: string[] = [];
  const log = (line: string): void => {
    logLines.push(line);
  };
  let spawned: { command: string; args: string[]; pid: number | undefined }[] = [];
  const spawnProxy: SpawnProxy = (command, args) => {
    const child = defaultSpawnProxy(command, args);
    spawned.push({ command, args: [...args], pid: child.pid });
    return child;
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'lifeline-proxycommand-'));
    marker = join(work, 'proxycommand-ran');
    jump = await startSshd();
    const proxyCommand = `sh -c 'echo $PPID >> ${marker}; exec /usr/bin/ssh -F ${jump.configPath} -W %h:%p testhost'`;
    target = await startSshd({ clientOptions: { ProxyCommand: proxyCommand } });
    noForwarding = await startSshd({ sshdOptions: { AllowTcpForwarding: 'no' }, clientOptions: { ProxyCommand: proxyCommand } });
    // The route works for the user's own ssh: the premise of every test below.
    assert.equal((await target.exec('echo through-the-proxy')).trim(), 'through-the-proxy');
  });

  beforeEach(async () => {
    spawned = [];
    logLines.length = 0;
    await rm(marker, { force: true });
  });

  afterEach(async () => {
    for (const c of open.splice(0)) {
      c.close();
    }
    // No carrier ssh outlives its probe connection (bounded wait: close() ends it with SIGTERM).
    const deadline = Date.now() + 10_000;
    for (const { pid } of spawned) {
      while (pid !== undefined && alive(pid)) {
        assert.ok(Date.now() < deadline, `the carrier ssh ${pid} is still running 10 s after its connection closed`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  after(async () => {
    await Promise.all([target?.stop(), noForwarding?.stop(), jump?.stop()]);
    if (work !== undefined) {
      await rm(work, { recursive: true, force: true });
    }
  });

  async function connect(t: ProbeTarget): Promise<SshProbeConnection> {
    const c = await connectSshProbe(t, { log, spawnProxy });
    open.push(c);
    return c;
  }

  it('connects through the ProxyCommand, which the spawned ssh ran, and answers keepalives with round trips', async () => {
    const t = await targetFromSshG(target.configPath);
    assert.match(t.proxyCommand ?? '', /^sh -c /);
    const jumpOffset = (await stat(jump.logPath)).size;
    const targetOffset = (await stat(target.logPath)).size;
    const c = await connect(t);
    const rtts: number[] = [];
    for (let i = 0; i < 20; i++) {
      rtts.push((await c.ping()).rttMs);
    }
    console.log(`      through the ProxyCommand: connect ${c.connectMs.toFixed(1)} ms, 20 beats: median RTT ${median(rtts).toFixed(3)} ms (min ${Math.min(...rtts).toFixed(3)}, max ${Math.max(...rtts).toFixed(3)})`);
    assert.ok(rtts.every((r) => Number.isFinite(r) && r >= 0));

    // The key ssh2 saw is the target's own, trusted under [127.0.0.1]:port as ssh trusts it.
    const { stdout: fp } = await execFileAsync('ssh-keygen', ['-l', '-f', `${target.hostKeyPath}.pub`]);
    assert.equal(c.hostKey.sha256, fp.split(/\s+/)[1]);

    // One process spawned: ssh for the alias and config, asking for a forward to the sshd's loopback port.
    assert.equal(spawned.length, 1);
    const carrier = spawned[0] as { command: string; args: string[]; pid: number | undefined };
    assert.equal(carrier.command, 'ssh');
    assert.deepEqual(carrier.args, [
      '-F',
      target.configPath,
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
      target.user,
      '-p',
      String(target.port),
      '-W',
      `127.0.0.1:${target.port}`,
      '--',
      'testhost',
    ]);

    // The ProxyCommand ran once, with that ssh as its parent.
    assert.deepEqual((await readFile(marker, 'utf8')).trim().split('\n'), [String(carrier.pid)]);
    // It went through the jump sshd to the target …
    assert.match(await bytesFrom(jump.logPath, jumpOffset), new RegExp(`direct[-_]tcpip.*127\\.0\\.0\\.1 port ${target.port}`));
    // … and the target's sshd opened the stdio forward to its own loopback port, and answered the beats.
    const targetLog = await bytesFrom(target.logPath, targetOffset);
    assert.match(targetLog, new RegExp(`direct[-_]tcpip.*127\\.0\\.0\\.1 port ${target.port}`));
    assert.ok(
      [...targetLog.matchAll(/server_input_global_request: rtype keepalive@openssh\.com want_reply 1/g)].length >= 20,
      'the target sshd did not log the 20 keepalive requests',
    );
  });

  it('[F15] runs only ssh itself: no shell with the ProxyCommand below this process, and never the target\'s proxyCommand text', async () => {
    const t = await targetFromSshG(target.configPath);
    const decoy = join(work, 'decoy-ran');
    // The text in the target is only a flag: what runs is what ssh reads in the config.
    const c = await connect({ ...t, proxyCommand: `touch ${decoy}` });
    await c.ping();
    const table = await processTable();
    const fixtures = new Set([jump.pid, target.pid, noForwarding.pid]);
    // Children of this process other than the fixtures' sshds, ps itself, and the esbuild service tsx starts to compile TypeScript.
    const ours = [...table].filter(([pid, p]) => p.ppid === process.pid && !fixtures.has(pid) && !/^ps\b/.test(p.args) && !/\/@esbuild\/[^ ]*\/esbuild --service/.test(p.args));
    const carrierPid = spawned[0]?.pid;
    assert.deepEqual(
      ours.map(([pid]) => pid),
      [carrierPid],
      `children of this process: ${ours.map(([pid, p]) => `${pid} ${p.args}`).join('; ')}`,
    );
    assert.match(table.get(carrierPid as number)?.args ?? '', /^ssh -F \S+ -o BatchMode=yes .* -W 127\.0\.0\.1:\d+ -- testhost$/);
    // The ProxyCommand's process (the jump ssh it exec'd into) is the carrier's child, not ours.
    const proxyChildren = [...table].filter(([, p]) => p.ppid === carrierPid).map(([, p]) => p.args);
    assert.ok(
      proxyChildren.some((a) => a.startsWith(`/usr/bin/ssh -F ${jump.configPath} -W 127.0.0.1:${target.port} testhost`)),
      proxyChildren.join('; '),
    );
    assert.ok(!proxyChildren.concat(ours.map(([, p]) => p.args)).some((a) => a.includes(decoy)));
    await assert.rejects(stat(decoy));
  });

  it('checks the key itself under the host\'s known_hosts names, HostKeyAlias included', async () => {
    const hostPub = (await readFile(`${target.hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    const otherKey = join(work, 'other_host');
    await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', otherKey]);
    const otherPub = (await readFile(`${otherKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');

    // ssh (the carrier) trusts the host through the config's known_hosts; ssh2 is given another key for [127.0.0.1]:port.
    const t = await targetFromSshG(target.configPath);
    const wrong = join(work, 'kh-wrong');
    await writeFile(wrong, `[127.0.0.1]:${target.port} ${otherPub}\n`);
    const err = await rejection(connectSshProbe({ ...t, userKnownHostsFiles: [wrong] }, { log, spawnProxy }));
    assert.equal(err.reason, 'host-key-changed', err.message);
    assert.ok(err.message.includes(`[127.0.0.1]:${target.port}`), err.message);

    // With HostKeyAlias, both ssh and ssh2 look the key up under the alias only.
    const aliasKnownHosts = join(work, 'kh-alias');
    await writeFile(aliasKnownHosts, `proxied-alias ${hostPub}\n`);
    const config = (await readFile(target.configPath, 'utf8')).replace(/UserKnownHostsFile \S+/, `UserKnownHostsFile ${aliasKnownHosts}`).replace('Host testhost\n', 'Host testhost\n  HostKeyAlias proxied-alias\n');
    const aliasConfig = join(work, 'ssh_config_alias');
    await writeFile(aliasConfig, config, { mode: 0o600 });
    const aliased = await targetFromSshG(aliasConfig);
    assert.equal(aliased.hostKeyAlias, 'proxied-alias');
    const c = await connect(aliased);
    assert.ok((await c.ping()).rttMs >= 0);
  });

  it('fails with reason proxy and ssh\'s own line when the host\'s sshd refuses TCP forwarding', async () => {
    const t = await targetFromSshG(noForwarding.configPath);
    const err = await rejection(connectSshProbe(t, { log, spawnProxy }));
    assert.equal(err.reason, 'proxy', err.message);
    assert.match(err.message, /channel 0: open failed: administratively prohibited/);
    assert.match(err.message, /AllowTcpForwarding/);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1 port ${noForwarding.port}`));
    console.log(`      refused forward: ${err.message}`);
    // The ProxyCommand did run (ssh logged in, then the forward was refused), once, from the spawned ssh.
    assert.deepEqual((await readFile(marker, 'utf8')).trim().split('\n'), [String(spawned[0]?.pid)]);
  });

  it('is registered for the heartbeat as a probed host, without the banner fallback, keyed by its alias', async () => {
    const { stdout } = await execFileAsync('ssh', ['-G', '-F', target.configPath, '--', 'testhost']);
    const registration = registrationFor(parseSshG(stdout), 'testhost', { settings: defaultHeartbeatSettings, env: {}, home: '/nonexistent', configFile: target.configPath, log });
    assert.equal(registration.kind, 'probe');
    if (registration.kind !== 'probe') {
      return;
    }
    // The banner would be the sshd the ProxyCommand's first hop talks to, not necessarily the target's.
    assert.equal(registration.registration.banner, undefined);
    assert.equal(hostKeyFor(registration.target), `${target.user}@127.0.0.1:${target.port} via ProxyCommand of testhost`);
    const c = await registration.registration.connect(new AbortController().signal);
    await c.ping();
    c.close();
    assert.equal((await readFile(marker, 'utf8')).trim().split('\n').length, 1);
  });

  it('[F14] reports an alias ssh would refuse on its command line without starting anything', async () => {
    const t = await targetFromSshG(target.configPath);
    const err = await rejection(connectSshProbe({ ...t, alias: '-oProxyCommand=touch x' }, { log, spawnProxy }));
    assert.equal(err.reason, 'proxy', err.message);
    assert.equal(spawned.length, 0);
    await assert.rejects(stat(marker));
  });
});
