import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseSshG } from '../../src/core/sshConfig/effective';
import { probeTargetFromEffective, type ProbeTarget } from '../../src/core/probe/target';
import { connectSshProbe, keepaliveInternals, ProbeError, type SshProbeConnection } from '../../src/node/probe/sshProbe';
import { startSshAgent } from '../fixtures/sshAgent';
import { median } from '../../bench/lib/stats';
import { rejection } from '../fixtures/probeErrors';
import { freePort, startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

/** The fixture's host as the product sees it: `ssh -G -F config testhost`, mapped. */
async function targetFromSshG(sshd: SshdFixture, home: string): Promise<ProbeTarget> {
  const { stdout } = await execFileAsync('ssh', ['-G', '-F', sshd.configPath, '--', 'testhost']);
  return probeTargetFromEffective(parseSshG(stdout), 'testhost', { home, configFile: sshd.configPath });
}

function plainTarget(sshd: SshdFixture, over: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    alias: 'testhost',
    hostName: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.identityPath],
    identityAgent: 'none',
    userKnownHostsFiles: [sshd.knownHostsPath],
    globalKnownHostsFiles: [],
    connectTimeoutMs: 10_000,
    ...over,
  };
}

/** sshd's log from `offset` on, once it shows that the connection has ended (bounded wait). */
async function logOfEndedConnection(sshd: SshdFixture, offset: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = (await readFile(sshd.logPath)).subarray(offset).toString('utf8');
    if (/Disconnected from|Connection closed by|Received disconnect/.test(text) || Date.now() > deadline) {
      return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function logSize(sshd: SshdFixture): Promise<number> {
  return (await stat(sshd.logPath)).size;
}

/** Every process below `pid` (sshd's per-connection processes below the listener). */
async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await execFileAsync('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

async function signalAll(pids: readonly number[], signal: NodeJS.Signals): Promise<void> {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

async function fileState(path: string): Promise<{ bytes: string; mtimeMs: number }> {
  return { bytes: (await readFile(path)).toString('base64'), mtimeMs: (await stat(path)).mtimeMs };
}

describe('ssh2 heartbeat probe (real sshd on 127.0.0.1)', function () {
  this.timeout(60_000);
  let sshd: SshdFixture;
  let work: string;
  let hostPub: string;
  let otherPub: string;
  const open: SshProbeConnection[] = [];
  const logLines: string[] = [];
  const log = (line: string): void => {
    logLines.push(line);
  };

  before(async () => {
    sshd = await startSshd();
    work = await mkdtemp(join(tmpdir(), 'lifeline-probe-'));
    hostPub = (await readFile(`${sshd.hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', join(work, 'other_host')]);
    otherPub = (await readFile(join(work, 'other_host.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  });

  afterEach(() => {
    for (const c of open.splice(0)) {
      c.close();
    }
    logLines.length = 0;
  });

  after(async () => {
    await sshd?.stop();
    if (work !== undefined) {
      await rm(work, { recursive: true, force: true });
    }
  });

  async function connect(target: ProbeTarget): Promise<SshProbeConnection> {
    const c = await connectSshProbe(target, { log });
    open.push(c);
    return c;
  }

  it('authenticates with a key file from ssh -G, answers keepalives with round trips, and costs a few dozen bytes per beat', async () => {
    const target = await targetFromSshG(sshd, process.env['HOME'] ?? '/');
    assert.deepEqual(target.identityFiles, [sshd.identityPath]);
    const before = performance.now();
    const c = await connect({ ...target, identityAgent: 'none' });
    const connectMs = performance.now() - before;
    const { stdout: fp } = await execFileAsync('ssh-keygen', ['-l', '-f', `${sshd.hostKeyPath}.pub`]);
    assert.equal(c.hostKey.type, 'ssh-ed25519');
    assert.equal(c.hostKey.sha256, fp.split(/\s+/)[1]);

    // The server's hostkeys-00 notice after login makes ssh2 send one proof
    // request; let it pass before counting.
    for (let i = 0; i < 3; i++) {
      await c.ping();
    }
    const sent0 = c.bytesSent;
    const received0 = c.bytesReceived;
    const rtts: number[] = [];
    const beats = 20;
    for (let i = 0; i < beats; i++) {
      rtts.push((await c.ping()).rttMs);
    }
    const sentPerBeat = (c.bytesSent - sent0) / beats;
    const receivedPerBeat = (c.bytesReceived - received0) / beats;
    console.log(
      `      connect ${connectMs.toFixed(1)} ms; ${beats} beats: median RTT ${median(rtts).toFixed(3)} ms (min ${Math.min(...rtts).toFixed(3)}, max ${Math.max(...rtts).toFixed(3)}); ` +
        `${sentPerBeat} bytes sent and ${receivedPerBeat} received per beat`,
    );
    assert.ok(rtts.every((r) => Number.isFinite(r) && r >= 0));
    assert.ok(sentPerBeat > 0 && sentPerBeat < 200, `sent per beat ${sentPerBeat}`);
    assert.ok(receivedPerBeat > 0 && receivedPerBeat < 200, `received per beat ${receivedPerBeat}`);
    const sshdLog = await readFile(sshd.logPath, 'utf8');
    assert.match(sshdLog, /server_input_global_request: rtype keepalive@openssh\.com want_reply 1/);
  });

  it('resolves several outstanding pings in the order they were sent', async () => {
    const c = await connect(plainTarget(sshd));
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => c.ping().then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('uses the installed ssh2 internals for want-reply keepalives, and would refuse an ssh2 without them', async () => {
    const { version } = JSON.parse(await readFile(require.resolve('ssh2/package.json'), 'utf8')) as { version: string };
    console.log(`      ssh2 ${version}`);
    assert.equal(keepaliveInternals({}), undefined);
    assert.equal(keepaliveInternals({ _callbacks: [], _protocol: {} }), undefined);
    assert.notEqual(keepaliveInternals({ _callbacks: [], _protocol: { ping: () => undefined } }), undefined);
    const c = await connect(plainTarget(sshd));
    assert.ok((await c.ping()).rttMs >= 0);
  });

  it('authenticates through a real ssh-agent when no key file is given', async () => {
    const agent = await startSshAgent();
    try {
      await agent.add(sshd.identityPath);
      const c = await connect(plainTarget(sshd, { identityFiles: [], identityAgent: agent.socketPath }));
      assert.ok((await c.ping()).rttMs >= 0);
      assert.ok(logLines.some((l) => /with the agent/.test(l)), logLines.join('\n'));
      // Nothing about the agent's keys is logged.
      assert.ok(!logLines.some((l) => /SHA256:|ssh-ed25519 AAAA/.test(l) && /agent/.test(l)), logLines.join('\n'));
    } finally {
      await agent.stop();
    }
  });

  it('offers only agent keys named by IdentityFile when IdentitiesOnly is set', async () => {
    const agent = await startSshAgent();
    try {
      await agent.add(sshd.identityPath);
      const unrelated = join(work, 'unrelated');
      await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', unrelated]);
      // The agent holds the right key, but IdentitiesOnly names another one: not offered.
      const err = await rejection(connectSshProbe(plainTarget(sshd, { identityFiles: [unrelated], identityAgent: agent.socketPath, identitiesOnly: true }), { log }));
      assert.equal(err.reason, 'auth', err.message);
      // Naming the agent's key lets it through (and the file copy is not offered a second time).
      logLines.length = 0;
      const c = await connect(plainTarget(sshd, { identityFiles: [sshd.identityPath], identityAgent: agent.socketPath, identitiesOnly: true }));
      assert.ok((await c.ping()).rttMs >= 0);
      assert.deepEqual(logLines.filter((l) => /^authenticating/.test(l)).length, 1, logLines.join('\n'));
    } finally {
      await agent.stop();
    }
  });

  it('skips a passphrase-protected key without prompting and fails with reason auth', async () => {
    const encrypted = join(work, 'encrypted');
    await execFileAsync('ssh-keygen', ['-q', '-N', 'correct horse battery', '-t', 'ed25519', '-f', encrypted]);
    // Authorised on the server: only the passphrase stands between it and a login.
    await appendFile(join(sshd.dir, 'authorized_keys'), await readFile(`${encrypted}.pub`, 'utf8'));
    const offset = await logSize(sshd);
    const before = performance.now();
    const err = await rejection(connectSshProbe(plainTarget(sshd, { identityFiles: [encrypted] }), { log, env: {} }));
    const ms = performance.now() - before;
    assert.equal(err.reason, 'auth', err.message);
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.ok(logLines.some((l) => l.includes('passphrase-protected')), logLines.join('\n'));
    const connectionLog = await logOfEndedConnection(sshd, offset);
    assert.doesNotMatch(connectionLog, /Accepted publickey/);
  });

  describe('host keys (known_hosts is never written; nothing is sent for authentication)', () => {
    const cases: { name: string; reason: string; knownHosts: () => string }[] = [
      { name: 'an empty known_hosts', reason: 'host-key-unknown', knownHosts: () => '' },
      { name: 'another ed25519 key for [127.0.0.1]:port', reason: 'host-key-changed', knownHosts: () => `[127.0.0.1]:${sshd.port} ${otherPub}\n` },
      { name: 'the key marked @revoked', reason: 'host-key-revoked', knownHosts: () => `[127.0.0.1]:${sshd.port} ${hostPub}\n@revoked * ${hostPub}\n` },
    ];
    for (const c of cases) {
      it(`[F${c.reason === 'host-key-changed' ? 7 : 8}] refuses with ${c.reason} for ${c.name}`, async () => {
        const path = join(work, `kh-${c.reason}`);
        await writeFile(path, c.knownHosts());
        const beforeFile = await fileState(path);
        const offset = await logSize(sshd);
        const err = await rejection(connectSshProbe(plainTarget(sshd, { userKnownHostsFiles: [path] }), { log }));
        assert.equal(err.reason, c.reason, err.message);
        const { stdout: fp } = await execFileAsync('ssh-keygen', ['-l', '-f', `${sshd.hostKeyPath}.pub`]);
        assert.ok(err.message.includes(fp.split(/\s+/)[1] as string), err.message);
        assert.ok(err.message.includes(`[127.0.0.1]:${sshd.port}`), err.message);
        assert.deepEqual(await fileState(path), beforeFile);
        const connectionLog = await logOfEndedConnection(sshd, offset);
        assert.match(connectionLog, /Connection from 127\.0\.0\.1/);
        assert.doesNotMatch(connectionLog, /userauth-request|Accepted|Failed publickey|Postponed/);
      });
    }

    it('[F8] trusts a known_hosts hashed by the real ssh-keygen -H', async () => {
      const path = join(work, 'kh-hashed');
      await writeFile(path, `[127.0.0.1]:${sshd.port} ${hostPub}\n`);
      await execFileAsync('ssh-keygen', ['-H', '-f', path]);
      assert.match(await readFile(path, 'utf8'), /^\|1\|[^ ]+ ssh-ed25519 /);
      const c = await connect(plainTarget(sshd, { userKnownHostsFiles: ['/nonexistent/known_hosts', path] }));
      assert.ok((await c.ping()).rttMs >= 0);
    });

    it('prefers the key type known_hosts holds: a host known only by its ECDSA key is trusted although ed25519 comes first by default', async () => {
      const keyDir = await mkdtemp(join(tmpdir(), 'lifeline-hostkey-'));
      let twoKeys: SshdFixture | undefined;
      try {
        await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ecdsa', '-f', join(keyDir, 'host_ecdsa')]);
        twoKeys = await startSshd({ sshdOptions: { HostKey: join(keyDir, 'host_ecdsa') } });
        const ecdsaPub = (await readFile(join(keyDir, 'host_ecdsa.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
        const path = join(keyDir, 'known_hosts');
        await writeFile(path, `[127.0.0.1]:${twoKeys.port} ${ecdsaPub}\n`);
        const c = await connect(plainTarget(twoKeys, { userKnownHostsFiles: [path] }));
        assert.equal(c.hostKey.type, 'ecdsa-sha2-nistp256');
        // And the same server seen with only its ed25519 key known still works, through ed25519.
        const d = await connect(plainTarget(twoKeys));
        assert.equal(d.hostKey.type, 'ssh-ed25519');
      } finally {
        for (const c of open.splice(0)) {
          c.close();
        }
        await twoKeys?.stop();
        await rm(keyDir, { recursive: true, force: true });
      }
    });
  });

  describe('failures before SSH', () => {
    it('[F6] reports a closed port as refused', async () => {
      const port = await freePort();
      const err = await rejection(connectSshProbe(plainTarget(sshd, { port }), { log }));
      assert.equal(err.reason, 'refused', err.message);
    });

    it('reports a failing jump as proxy, with ssh\'s last stderr line', async () => {
      const port = await freePort();
      const config = join(work, 'dead_jump_config');
      await writeFile(config, `Host deadjump\n  HostName 127.0.0.1\n  Port ${port}\n  BatchMode yes\n`);
      const err = await rejection(connectSshProbe(plainTarget(sshd, { proxyJump: 'deadjump', configFile: config }), { log }));
      assert.equal(err.reason, 'proxy', err.message);
      assert.match(err.message, /Connection refused/);
    });

    it('stops when aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const err = await rejection(connectSshProbe(plainTarget(sshd), { signal: controller.signal }));
      assert.equal(err.reason, 'aborted');
    });
  });

  describe('ProxyJump through a second sshd', () => {
    let jump: SshdFixture;

    before(async () => {
      jump = await startSshd();
    });

    after(async () => {
      await jump?.stop();
    });

    it('connects over ssh -W from the system ssh, and the target sees the connection come from the jump sshd', async () => {
      const jumpOffset = await logSize(jump);
      const c = await connect(plainTarget(sshd, { proxyJump: 'testhost', configFile: jump.configPath }));
      const rtts: number[] = [];
      for (let i = 0; i < 10; i++) {
        rtts.push((await c.ping()).rttMs);
      }
      console.log(`      through the jump: connect ${c.connectMs.toFixed(1)} ms, median RTT ${median(rtts).toFixed(3)} ms`);
      const jumpLog = (await readFile(jump.logPath)).subarray(jumpOffset).toString('utf8');
      assert.match(jumpLog, new RegExp(`direct[-_]tcpip.*127\\.0\\.0\\.1 port ${sshd.port}`));
      // The target's latest connection comes from a socket held by a process of the jump sshd.
      const targetLog = await readFile(sshd.logPath, 'utf8');
      const froms = [...targetLog.matchAll(/Connection from 127\.0\.0\.1 port (\d+) on/g)];
      const clientPort = (froms[froms.length - 1] as RegExpMatchArray)[1] as string;
      const { stdout: ss } = await execFileAsync('ss', ['-tnpH', 'state', 'established', `( sport = :${clientPort} )`]);
      const owner = /pid=(\d+)/.exec(ss);
      assert.ok(owner !== null, `no process holds 127.0.0.1:${clientPort}: ${ss}`);
      assert.ok((await descendants(jump.pid)).includes(Number(owner[1])), `127.0.0.1:${clientPort} belongs to pid ${owner[1]}, not to the jump sshd ${jump.pid}`);
    });
  });

  describe('a frozen or killed server', () => {
    it('[F1] leaves a ping pending while sshd is stopped, and answers it after SIGCONT', async () => {
      const c = await connect(plainTarget(sshd));
      await c.ping();
      const sessions = await descendants(sshd.pid);
      assert.ok(sessions.length > 0, 'no sshd session processes found');
      await signalAll(sessions, 'SIGSTOP');
      try {
        const pending = c.ping();
        const outcome = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('pending'), 2000))]);
        assert.equal(outcome, 'pending');
        await signalAll(sessions, 'SIGCONT');
        const answered = await Promise.race([pending, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer 10 s after SIGCONT')), 10_000))]);
        assert.ok((answered as { rttMs: number }).rttMs >= 2000);
      } finally {
        await signalAll(sessions, 'SIGCONT');
      }
    });

    it('[F2] calls onClose with a reason, and rejects a pending ping, when the session processes are killed', async () => {
      const c = await connect(plainTarget(sshd));
      await c.ping();
      const closed = new Promise<ProbeError | undefined>((resolve) => c.onClose(resolve));
      const sessions = await descendants(sshd.pid);
      await signalAll(sessions, 'SIGSTOP');
      const pending = c.ping();
      await signalAll(sessions, 'SIGKILL');
      await signalAll(sessions, 'SIGCONT');
      const error = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('onClose not called within 10 s')), 10_000))]);
      assert.ok(error instanceof ProbeError, String(error));
      assert.ok(['closed', 'reset'].includes(error.reason), error.reason);
      const pingError = await rejection(pending);
      assert.equal(pingError.reason, error.reason);
      // A late listener still hears about it.
      const late = await new Promise<ProbeError | undefined>((resolve) => c.onClose(resolve));
      assert.equal(late, error);
    });

    it('calls onClose without a reason after close()', async () => {
      const c = await connect(plainTarget(sshd));
      const closed = new Promise<ProbeError | undefined>((resolve) => c.onClose(resolve));
      c.close();
      assert.equal(await closed, undefined);
    });
  });
});
