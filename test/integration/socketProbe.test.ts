import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { socketVerdict } from '../../src/core/socket/verdict';
import { findSshSocket, readSocketStats } from '../../src/node/socketProbe';
import { freePort, startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

interface Terminal {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  output(): string;
  /** Resolves with the first match of `re` in the output. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  exited: Promise<void>;
}

/** An interactive ssh with a remote pty (`-tt`), fed through a pipe like a terminal would type. */
function terminalSsh(args: readonly string[]): Terminal {
  const child = spawn('ssh', ['-tt', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  return {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    async waitFor(re, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m !== null) {
          return m;
        }
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no ${String(re)} in ssh output: ${out}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

async function requireSs(): Promise<void> {
  try {
    await execFileAsync('ss', ['-V']);
  } catch {
    throw new Error("ss not found: install the Debian package 'iproute2' (apt-get install -y iproute2)");
  }
}

describe('socket probe: the socket of a real interactive ssh', function () {
  let sshd: SshdFixture | undefined;
  const terminals: Terminal[] = [];

  before(async () => {
    await requireSs();
    sshd = await startSshd();
  });
  afterEach(async () => {
    for (const t of terminals.splice(0)) {
      t.child.kill('SIGKILL');
      await t.exited;
    }
  });
  after(async () => {
    await sshd?.stop();
  });

  /** Starts the ssh, and returns what the remote shell says the connection is. */
  async function connected(extra: readonly string[] = []): Promise<{ t: Terminal; clientPort: number; serverPort: number }> {
    assert.ok(sshd);
    const t = terminalSsh([...extra, ...sshd.sshArgs()]);
    terminals.push(t);
    // The marker is split so the echoed command line does not match.
    t.child.stdin.write('echo "co""nn=$SSH_CONNECTION"\n');
    const m = await t.waitFor(/conn=(\S+) (\d+) (\S+) (\d+)/);
    return { t, clientPort: Number(m[2]), serverPort: Number(m[4]) };
  }

  it('finds exactly the one socket of the session, with the ports sshd saw', async () => {
    assert.ok(sshd);
    const { t, clientPort, serverPort } = await connected();
    assert.equal(serverPort, sshd.port);
    const sockets = await findSshSocket(t.pid);
    assert.ok(sockets, 'the process exists');
    assert.equal(sockets.length, 1, JSON.stringify(sockets));
    const [s] = sockets;
    assert.equal(s?.entry.state, 'ESTABLISHED');
    assert.deepEqual(s?.entry.remote, { address: '127.0.0.1', port: sshd.port });
    assert.deepEqual(s?.entry.local, { address: '127.0.0.1', port: clientPort });
    assert.ok((s?.fd ?? -1) >= 3, 'a descriptor after stdin/stdout/stderr');
  });

  it('reads its statistics with ss: rtt, bytes both ways, a healthy verdict', async () => {
    const { t } = await connected();
    const stats = await readSocketStats(t.pid);
    assert.ok(stats?.ss, 'ss ran in our network namespace');
    assert.equal(stats.ss.inode, stats.socket.inode);
    assert.ok((stats.ss.info?.rttMs ?? 0) > 0, JSON.stringify(stats.ss));
    assert.ok(stats.numbers.rttMs !== undefined && stats.numbers.rttMs > 0);
    assert.ok((stats.ss.info?.bytesSent ?? 0) > 0 && (stats.ss.info?.bytesReceived ?? 0) > 0);
    const v = socketVerdict(stats.numbers);
    assert.equal(v.verdict, 'healthy', v.detail);
    console.log(`      ${v.verdict}: ${v.detail}`);
  });

  it('without ss, still reads the /proc numbers', async () => {
    const { t } = await connected();
    const stats = await readSocketStats(t.pid, { ss: false });
    assert.ok(stats);
    assert.equal(stats.ss, undefined);
    assert.equal(stats.numbers.state, 'ESTABLISHED');
    assert.equal(stats.numbers.rttMs, undefined);
    assert.equal(stats.numbers.unackedBytes, 0);
  });

  it('a missing ss binary is not an error: /proc data only', async () => {
    const { t } = await connected();
    const stats = await readSocketStats(t.pid, { ss: ['/nonexistent/ss'] });
    assert.ok(stats);
    assert.equal(stats.ss, undefined);
    assert.equal(stats.numbers.state, 'ESTABLISHED');
  });

  it('puts the connection to the server first when forwarded connections come later', async () => {
    assert.ok(sshd);
    const forwardPort = await freePort();
    const { t } = await connected(['-L', `127.0.0.1:${forwardPort}:127.0.0.1:${sshd.port}`]);
    const client: Socket = createConnection({ host: '127.0.0.1', port: forwardPort });
    client.on('error', () => undefined);
    try {
      await new Promise<void>((resolve) => client.once('data', () => resolve()));
      const sockets = await findSshSocket(t.pid);
      assert.ok(sockets);
      assert.equal(sockets.length, 2, JSON.stringify(sockets.map((s) => s.entry)));
      assert.equal(sockets[0]?.entry.remote.port, sshd.port, 'the first is the server connection');
      assert.equal(sockets[1]?.entry.local.port, forwardPort, 'then the accepted forwarded connection');
      const stats = await readSocketStats(t.pid);
      assert.equal(stats?.socket.inode, sockets[0]?.inode);
    } finally {
      client.destroy();
    }
  });

  it('answers undefined for a process that is gone, and no sockets for one without any', async () => {
    const { t } = await connected();
    const pid = t.pid;
    t.child.stdin.write('exit\n');
    await t.exited;
    assert.equal(await findSshSocket(pid), undefined);
    assert.equal(await readSocketStats(pid), undefined);
    const sleeper = spawn('sleep', ['30']);
    try {
      assert.deepEqual(await findSshSocket(sleeper.pid ?? -1), []);
      assert.equal(await readSocketStats(sleeper.pid ?? -1), undefined);
    } finally {
      sleeper.kill('SIGKILL');
    }
    assert.equal(await findSshSocket(-1), undefined);
  });
});
