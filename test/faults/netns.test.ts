import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupStale, createTopology, NETNS_PREFIX, type Topology } from '../fixtures/netns';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** performance.now() at exit. */
  readonly at: number;
}

interface Running {
  readonly child: ChildProcess;
  /** Resolves once stdout contains `ready`. */
  readonly ready: Promise<void>;
  readonly exit: Promise<Exit>;
}

/** Every process this suite spawns, so `afterEach`/`after` can kill what is left. */
const children = new Set<ChildProcess>();

function start(argv: readonly string[]): Running {
  const [cmd, ...args] = argv;
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('ready')) {
      markReady();
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr, at: performance.now() });
    });
  });
  return { child, ready, exit };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs to completion (killed after `limitMs`) and returns the exit plus the elapsed time. */
async function runFor(argv: readonly string[], limitMs: number): Promise<Exit & { readonly elapsedMs: number }> {
  const t0 = performance.now();
  const r = start(argv);
  const exit = await within(r.exit, limitMs, argv.join(' ')).catch(async (err: unknown) => {
    await killChildren();
    throw err;
  });
  return { ...exit, elapsedMs: exit.at - t0 };
}

async function killChildren(): Promise<void> {
  const left = [...children];
  for (const c of left) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
  await Promise.all(left.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('close', () => resolve())))));
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

function live(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Live ssh/sshd processes whose parent is this process. */
function ourSshChildren(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && (comm === 'ssh' || comm === 'sshd') && state !== 'Z') {
        found.push(`${entry} ${comm}`);
      }
    } catch {
      // raced with an exit
    }
  }
  return found;
}

async function netnsNames(): Promise<string[]> {
  const { stdout } = await execFileAsync('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '');
}

describe('faults: two namespaces, a real sshd and a real OpenSSH client', function () {
  let topo: Topology | undefined;
  let sshd: SshdFixture | undefined;

  const env = (): { topo: Topology; sshd: SshdFixture } => {
    assert.ok(topo && sshd, 'topology not set up');
    return { topo, sshd };
  };
  /** `ip netns exec <client> ssh -o LogLevel=INFO <opts> -F cfg testhost -- command`. */
  const ssh = (opts: readonly string[], command: string): string[] => {
    const { topo: t, sshd: s } = env();
    // LogLevel INFO: "Timeout, server … not responding." is logged at INFO; the fixture config says ERROR.
    return [...t.wrapClient, 'ssh', '-o', 'LogLevel=INFO', ...opts, ...s.sshArgs('--', command)];
  };

  before(async function () {
    this.timeout(30_000);
    topo = await createTopology();
    console.log(`      topology ${topo.id}: ${topo.clientAddress} -> ${topo.serverAddress}, ${topo.iptables.version} via '${topo.iptables.command}'`);
    sshd = await startSshd({ address: topo.serverAddress, wrap: topo.wrapServer, clientWrap: topo.wrapClient });
  });

  afterEach(async () => {
    await killChildren();
    await topo?.heal();
  });

  after(async () => {
    await killChildren();
    // destroy() first: it kills the sshd session processes leaves-first while
    // the listener can still reap them (sshd's SIGTERM would orphan them).
    try {
      await topo?.destroy();
    } finally {
      await sshd?.stop();
    }
  });

  it('reaches sshd in the server namespace only from the client namespace', async () => {
    const { topo: t, sshd: s } = env();
    const conn = (await s.exec('echo $SSH_CONNECTION')).trim().split(' ');
    assert.equal(conn[0], t.clientAddress);
    assert.equal(conn[2], t.serverAddress);
    // The address does not exist in the host namespace.
    const { stdout } = await execFileAsync('ip', ['-o', 'addr', 'show']);
    assert.ok(!stdout.includes(` ${t.serverAddress}/`), stdout);
  });

  it('black hole: an idle ServerAlive session ends with 255 and "Timeout, server … not responding" in 2–10 s', async () => {
    const { topo: t } = env();
    const session = start(ssh(['-o', 'ServerAliveInterval=1', '-o', 'ServerAliveCountMax=3'], 'echo ready; exec sleep 600'));
    await within(session.ready, 15_000, 'session ready');
    // Let a few keepalives round-trip so the session is truly idle and healthy.
    await new Promise((r) => setTimeout(r, 1500));
    await t.blackhole();
    const t0 = performance.now();
    const exit = await within(session.exit, 20_000, 'ssh exit after black hole');
    const elapsed = exit.at - t0;
    console.log(`      detected after ${seconds(elapsed)}s: ${exit.stderr.trim()}`);
    assert.equal(exit.code, 255, exit.stderr);
    assert.match(exit.stderr, /Timeout, server .* not responding/);
    assert.ok(elapsed >= 2000 && elapsed <= 10_000, `elapsed ${elapsed} ms`);
  });

  it('reset: a new connection fails fast with "Connection refused", not a timeout', async () => {
    const { topo: t } = env();
    await t.reset();
    const r = await runFor(ssh(['-o', 'ConnectTimeout=5'], 'true'), 15_000);
    console.log(`      refused after ${seconds(r.elapsedMs)}s: ${r.stderr.trim()}`);
    assert.equal(r.code, 255, r.stderr);
    assert.match(r.stderr, /Connection refused|Connection reset/);
    assert.doesNotMatch(r.stderr, /timed out/i);
    assert.ok(r.elapsedMs < 2000, `elapsed ${r.elapsedMs} ms`);
  });

  it('reset: an established session ends with a reset, distinct from a timeout', async () => {
    const { topo: t } = env();
    const session = start(ssh(['-o', 'ServerAliveInterval=1', '-o', 'ServerAliveCountMax=3'], 'echo ready; exec sleep 600'));
    await within(session.ready, 15_000, 'session ready');
    await new Promise((r) => setTimeout(r, 1500));
    await t.reset();
    const t0 = performance.now();
    const exit = await within(session.exit, 20_000, 'ssh exit after reset');
    const elapsed = exit.at - t0;
    console.log(`      reset seen after ${seconds(elapsed)}s: ${exit.stderr.trim()}`);
    assert.equal(exit.code, 255, exit.stderr);
    assert.match(exit.stderr, /Connection reset|Broken pipe/);
    assert.doesNotMatch(exit.stderr, /Timeout, server/);
    assert.ok(elapsed < 2500, `elapsed ${elapsed} ms`);
  });

  it('black hole before connecting: ConnectTimeout=2 fails in about 2 s with a timeout', async () => {
    const { topo: t } = env();
    await t.blackhole();
    const r = await runFor(ssh(['-o', 'ConnectTimeout=2'], 'true'), 15_000);
    console.log(`      connect gave up after ${seconds(r.elapsedMs)}s: ${r.stderr.trim()}`);
    assert.equal(r.code, 255, r.stderr);
    assert.match(r.stderr, /timed out/i);
    assert.ok(r.elapsedMs >= 1800 && r.elapsedMs < 4500, `elapsed ${r.elapsedMs} ms`);
  });

  it('link down: no connection within ConnectTimeout; link up: the same sshd answers', async () => {
    const { topo: t, sshd: s } = env();
    await t.linkDown();
    const r = await runFor(ssh(['-o', 'ConnectTimeout=2'], 'true'), 15_000);
    console.log(`      link down: failed after ${seconds(r.elapsedMs)}s: ${r.stderr.trim()}`);
    assert.equal(r.code, 255, r.stderr);
    assert.match(r.stderr, /timed out|No route to host|Network is unreachable/i);
    await t.linkUp();
    assert.equal(await s.exec('echo back'), 'back\n');
  });

  it('heal: after a black hole a new ssh works again with the same sshd', async () => {
    const { topo: t, sshd: s } = env();
    await t.blackhole();
    await assert.rejects(s.exec('true', 3000));
    await t.heal();
    assert.equal(await s.exec('echo healed', 10_000), 'healed\n');
    assert.ok(live(s.pid), 'the same sshd listener still runs');
  });

  it('loss 10 %: drops packets, yet a 4 MB transfer still completes', async () => {
    const { topo: t } = env();
    await t.loss(0.1);
    const t0 = performance.now();
    const r = await runFor(ssh([], 'head -c 4000000 /dev/zero'), 60_000);
    console.log(`      4 MB under 10 % loss in ${seconds(performance.now() - t0)}s`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 4_000_000);
    // Both directions' rules: the veth carries segmentation-offloaded 64 kB packets, so a few
    // hundred kB is only a handful of packets each way, and 10 % of a handful is often none.
    let dropped = 0;
    const listings: string[] = [];
    for (const chain of ['LFL-IN', 'LFL-OUT']) {
      const { stdout } = await t.execIn('server', [t.iptables.command, '-w', '5', '-L', chain, '-v', '-n', '-x']);
      listings.push(stdout);
      dropped += Number(/^\s*(\d+)\s+\d+\s+DROP/m.exec(stdout)?.[1] ?? 'NaN');
    }
    assert.ok(dropped > 0, listings.join('\n'));
  });

  it('rate: tbf at 800 kbit/s slows a 200 kB transfer to about 2 s', async () => {
    const { topo: t, sshd: s } = env();
    let t0 = performance.now();
    await s.exec('head -c 200000 /dev/zero');
    const free = performance.now() - t0;
    await t.rate({ kbit: 800 });
    t0 = performance.now();
    await s.exec('head -c 200000 /dev/zero', 30_000);
    const limited = performance.now() - t0;
    console.log(`      200 kB: ${seconds(free)}s free, ${seconds(limited)}s at 800 kbit/s`);
    assert.ok(limited >= 1500 && limited > free + 1000, `free ${free} ms, limited ${limited} ms`);
  });
});

describe('faults: topology cleanup', function () {
  afterEach(killChildren);

  it('destroy() kills what runs inside (stopped processes too), deletes both namespaces and is idempotent', async function () {
    this.timeout(30_000);
    const t = await createTopology();
    let s: SshdFixture | undefined;
    try {
      s = await startSshd({ address: t.serverAddress, wrap: t.wrapServer, clientWrap: t.wrapClient });
      const session = start([...t.wrapClient, 'ssh', ...s.sshArgs('--', 'echo ready; exec sleep 600')]);
      await within(session.ready, 15_000, 'session ready');
      const inside = await t.pids();
      // sshd listener, its session process(es), the remote sleep, the ssh client.
      assert.ok(inside.length >= 4, `pids inside: ${inside.join(' ')}`);
      assert.ok(inside.includes(s.pid) && session.child.pid !== undefined && inside.includes(session.child.pid));
      // A frozen process must not survive cleanup.
      session.child.kill('SIGSTOP');
      await t.destroy();
      await t.destroy();
      await s.stop();
      const names = await netnsNames();
      assert.ok(!names.includes(t.serverNs) && !names.includes(t.clientNs), names.join(' '));
      // Killed, or (woken by SIGCONT just before SIGKILL) exited on its own: either way gone.
      const exit = await within(session.exit, 5000, 'client exit');
      assert.ok(exit.signal === 'SIGKILL' || exit.code === 255, JSON.stringify(exit));
      assert.deepEqual(inside.filter(live), [], 'alive after destroy()');
      // Not even zombies: everything was reaped (PID 1 here does not reap orphans).
      assert.deepEqual(inside.filter((p) => existsSync(`/proc/${p}`)), [], 'left in the process table');
      assert.deepEqual(ourSshChildren(), []);
    } finally {
      await t.destroy();
      await s?.stop();
    }
  });

  it('cleanupStale() deletes a namespace left behind by a dead run, with its processes', async () => {
    const dead = start(['true']);
    await dead.exit;
    const deadPid = dead.child.pid ?? 0;
    assert.ok(deadPid > 0 && !live(deadPid));
    const name = `${NETNS_PREFIX}${deadPid}-0-srv`;
    await execFileAsync('ip', ['netns', 'add', name]);
    try {
      const leftover = start(['ip', 'netns', 'exec', name, 'sh', '-c', 'echo ready; exec sleep 600']);
      await within(leftover.ready, 5000, 'leftover ready');
      const removed = await cleanupStale();
      assert.ok(removed.includes(name), removed.join(' '));
      assert.ok(!(await netnsNames()).includes(name));
      assert.equal((await within(leftover.exit, 5000, 'leftover exit')).signal, 'SIGKILL');
    } finally {
      await execFileAsync('ip', ['netns', 'del', name]).catch(() => undefined);
    }
  });

  it('without root, createTopology() fails with a message that says root is needed', async () => {
    const script = "require('./test/fixtures/netns').createTopology().then(() => process.exit(3), (e) => { process.stdout.write(e.message); })";
    const { stdout } = await execFileAsync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, '-r', 'tsx/cjs', '-e', script],
      { cwd: join(__dirname, '..', '..'), env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/tmp' }, timeout: 20_000 },
    );
    assert.match(stdout, /need root/);
    assert.match(stdout, /sudo npm run test:faults/);
  });
});
