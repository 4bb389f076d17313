/**
 * Bytes on the wire per heartbeat: `ssh-lifeline watch --json` of one host,
 * run in the client namespace of the faults tier's topology with sshd in the
 * server namespace, and two counting rules (no target: they only count) in the
 * client namespace's OUTPUT and INPUT chains for the probe's TCP port. The
 * counters are read half a beat interval after beat k and after beat k + M, so
 * every one of the M exchanges (request, reply, their ACKs) lies between the
 * two readings; `ss -ti` on the probe's socket gives the TCP payload (the SSH
 * packets alone) over the same span.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createTopology, type Topology } from '../../test/fixtures/netns';
import { startSshd, type SshdFixture } from '../../test/fixtures/sshd';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WireCounters {
  /** IP packets and bytes (IP and TCP headers included: what iptables counts) from the client to sshd. */
  readonly sentPackets: number;
  readonly sentBytes: number;
  readonly receivedPackets: number;
  readonly receivedBytes: number;
  /** TCP payload (SSH packets) per `ss -ti` bytes_sent / bytes_received; undefined when ss does not print them. */
  readonly payloadSent?: number;
  readonly payloadReceived?: number;
}

export interface WireResult {
  /** Beats between the two readings. */
  readonly beats: number;
  /** Seconds between the two readings. */
  readonly seconds: number;
  /** Counter differences over those beats. */
  readonly total: WireCounters;
  /** The same, divided by the number of beats. */
  readonly perBeat: WireCounters;
  /** Beat interval the CLI ran with (its default). */
  readonly intervalSeconds: number;
  /** Median round trip of the beats counted, ms. */
  readonly medianRttMs: number;
  /** Probe connections of the watch process at the end (1 when no reconnect happened). */
  readonly probeSockets: number;
  /** State changes other than the first `up` during the span (a reconnect would add handshake bytes). */
  readonly stateChanges: readonly string[];
  readonly iptables: string;
}

interface Beat {
  readonly at: number;
  readonly rttMs: number;
}

class JsonWatch {
  readonly beats: Beat[] = [];
  readonly states: string[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private exited = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event: { event?: string; rttMs?: number | null; state?: string; reason?: string };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return;
      }
      if (event.event === 'beat' && typeof event.rttMs === 'number') {
        this.beats.push({ at: performance.now(), rttMs: event.rttMs });
      } else if (event.event === 'state') {
        this.states.push(`${event.state ?? '?'} (${event.reason ?? ''})`);
      }
      this.waiters.forEach((w) => w());
    });
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.once('exit', () => {
      this.exited = true;
      this.waiters.forEach((w) => w());
    });
  }

  /** Resolves when `count` beats have arrived. */
  async beatCount(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.beats.length < count) {
      if (this.exited) {
        throw new Error(`ssh-lifeline watch exited: ${this.stderr.trim()}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`ssh-lifeline watch printed ${this.beats.length} beats, not ${count}, within ${timeoutMs / 1000} s: ${this.stderr.trim()}`);
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
  }
}

const TX = 'lfl-bench-tx';
const RX = 'lfl-bench-rx';

async function counters(topo: Topology, address: string, port: number): Promise<WireCounters & { readonly sockets: number; readonly listing: string }> {
  const list = async (chain: string, comment: string): Promise<{ packets: number; bytes: number; listing: string }> => {
    const { stdout } = await topo.execIn('client', [topo.iptables.command, '-w', '5', '-L', chain, '-n', '-v', '-x']);
    const line = stdout.split('\n').find((l) => l.includes(`/* ${comment} */`));
    const m = line === undefined ? null : /^\s*(\d+)\s+(\d+)/.exec(line);
    if (m === null) {
      throw new Error(`no counting rule ${comment} in the client namespace's ${chain} chain:\n${stdout}`);
    }
    return { packets: Number(m[1]), bytes: Number(m[2]), listing: line ?? '' };
  };
  const [tx, rx, ss] = await Promise.all([
    list('OUTPUT', TX),
    list('INPUT', RX),
    topo.execIn('client', ['ss', '-tinH', 'dst', address, 'dport', '=', `:${port}`]),
  ]);
  // One socket: "ESTAB 0 0 10.201.x.2:p 10.201.x.1:q" and an indented line of counters.
  const sockets = ss.stdout.split('\n').filter((l) => /^ESTAB/.test(l)).length;
  const sent = /\bbytes_sent:(\d+)/.exec(ss.stdout)?.[1];
  const received = /\bbytes_received:(\d+)/.exec(ss.stdout)?.[1];
  return {
    sentPackets: tx.packets,
    sentBytes: tx.bytes,
    receivedPackets: rx.packets,
    receivedBytes: rx.bytes,
    ...(sent === undefined || sockets !== 1 ? {} : { payloadSent: Number(sent) }),
    ...(received === undefined || sockets !== 1 ? {} : { payloadReceived: Number(received) }),
    sockets,
    listing: `${tx.listing.trim()}\n${rx.listing.trim()}`,
  };
}

function difference(a: WireCounters, b: WireCounters, divisor: number): WireCounters {
  const d = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined ? undefined : (y - x) / divisor);
  const payloadSent = d(a.payloadSent, b.payloadSent);
  const payloadReceived = d(a.payloadReceived, b.payloadReceived);
  return {
    sentPackets: (b.sentPackets - a.sentPackets) / divisor,
    sentBytes: (b.sentBytes - a.sentBytes) / divisor,
    receivedPackets: (b.receivedPackets - a.receivedPackets) / divisor,
    receivedBytes: (b.receivedBytes - a.receivedBytes) / divisor,
    ...(payloadSent === undefined ? {} : { payloadSent }),
    ...(payloadReceived === undefined ? {} : { payloadReceived }),
  };
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Counts the bytes of `beats` heartbeats of `node cli watch --json` (default
 * settings) to one host. `intervalSeconds` is the CLI's default beat interval,
 * used only to place the readings between beats.
 */
export async function measureWire(cli: string, beats: number, intervalSeconds: number, log: (line: string) => void): Promise<WireResult> {
  let topo: Topology | undefined;
  let sshd: SshdFixture | undefined;
  let watch: JsonWatch | undefined;
  try {
    topo = await createTopology();
    sshd = await startSshd({ address: topo.serverAddress, wrap: topo.wrapServer, clientWrap: topo.wrapClient });
    const port = String(sshd.port);
    const ipt = [topo.iptables.command, '-w', '5'];
    await topo.execIn('client', [...ipt, '-I', 'OUTPUT', '-p', 'tcp', '-d', topo.serverAddress, '--dport', port, '-m', 'comment', '--comment', TX]);
    await topo.execIn('client', [...ipt, '-I', 'INPUT', '-p', 'tcp', '-s', topo.serverAddress, '--sport', port, '-m', 'comment', '--comment', RX]);
    const [cmd, ...args] = [...topo.wrapClient, process.execPath, cli, 'watch', '--json', '-F', sshd.configPath, sshd.host];
    watch = new JsonWatch(spawn(cmd as string, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    // The handshake and the first beats settle (the connection's first exchanges are not beats).
    const first = 3;
    const halfBeat = (intervalSeconds * 1000) / 2;
    await watch.beatCount(first, 30_000);
    await sleep(halfBeat);
    const t0 = performance.now();
    const before = await counters(topo, topo.serverAddress, sshd.port);
    const statesBefore = watch.states.length;
    const beatsBefore = watch.beats.length;
    log(`wire: counting ${beats} beats`);
    await watch.beatCount(beatsBefore + beats, (beats + 5) * intervalSeconds * 1000 + 10_000);
    await sleep(halfBeat);
    const after = await counters(topo, topo.serverAddress, sshd.port);
    const t1 = performance.now();
    const seconds = (t1 - t0) / 1000;
    // Beats whose answer arrived between the two readings (a reading sits half an interval away from any beat).
    const between = watch.beats.filter((b) => b.at > t0 && b.at < t1);
    const counted = between.length;
    return {
      beats: counted,
      seconds,
      total: difference(before, after, 1),
      perBeat: difference(before, after, counted),
      intervalSeconds,
      medianRttMs: medianOf(between.map((b) => b.rttMs)),
      probeSockets: after.sockets,
      stateChanges: watch.states.slice(statesBefore),
      iptables: after.listing,
    };
  } finally {
    await watch?.stop();
    try {
      await topo?.destroy();
    } finally {
      await sshd?.stop();
    }
  }
}
