/**
 * False alarms under loss: idle sessions on a link that is bad but never
 * dead, for a long soak, counting how often each tool says it is gone.
 *
 * Two soaks run at the same time, each on its own topology with its own sshd:
 *
 * - loss: 10 % of the packets dropped at random, independently each way;
 * - rate: a slow link kept full. tbf limits the link to {@link RATE} each way
 *   and queues what exceeds the rate for at most {@link RATE_QUEUE_LIMIT_MS}. A rate
 *   limit alone adds no delay to idle sessions (their few small packets find
 *   the token bucket full and pass at once), so {@link BULK_FLOWS} bulk
 *   transfers each way (`ssh host 'cat /dev/zero'` and `ssh host 'cat >
 *   /dev/null' < /dev/zero`, what scp down and up do) keep both queues full: every packet
 *   of the idle sessions waits behind up to ≈ 1.2 s of bulk data per
 *   direction, and some are dropped when the queue overflows. The queue's
 *   length is read from tc every 2 s, so the delay it added is reported, not assumed.
 *
 * On each link, all at once:
 * - us: `ssh-lifeline watch --json` with the default settings: `down` state
 *   changes are false alarms (the link is never dead); degraded changes, the
 *   beats' round trips and the late-or-lost share they showed are reported too;
 * - `ssh -o ServerAliveInterval=15 -o ServerAliveCountMax=3`, an idle
 *   interactive session: each time it exits is a disconnect; it is started
 *   again at once;
 * - mosh in a terminal: its screen read every 250 ms, counting each time the
 *   "Last contact" notice appears and how long it stayed.
 *
 * Counts only; problems only when a measurement is not what it claims (a tool
 * did not start or quit on its own, the fault was not in effect, the bulk
 * transfers stopped).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { RateOptions } from '../../test/fixtures/netns';
import { markdownTable } from '../lib/markdown';
import {
  moshNoticeShown,
  NO_KEEPALIVE,
  openMosh,
  openSite,
  SERVER_ALIVE_15X3,
  SERVER_ALIVE_TIMEOUT,
  sshArgs,
  startClient,
  startSshSession,
  startWatch,
  type ClientProcess,
  type LifelineWatch,
  type PeerSite,
} from '../lib/peers';
import type { Terminal } from '../lib/terminal';
import type { BenchOptions, Scenario, ScenarioResult } from '../lib/scenario';
import { median, sig3 } from '../lib/stats';

/** The loss soak: each packet dropped with this probability, each way. */
export const LOSS = 0.1;

/**
 * The rate soak: 128 kbit/s each way (a poor mobile or rural link). tbf's
 * queue holds `kbit × latency + burst` bytes: 1 s of data plus a 3,000-byte
 * bucket (two full-size frames; the default 8 KiB would add half a second
 * more and let bursts through at line rate), so a packet waits up to ≈ 1.2 s
 * per direction and a round trip through both full queues takes up to
 * ≈ 2.4 s: slow, but a link a person still works over.
 */
export const RATE: RateOptions = { kbit: 128, burstBytes: 3000, latencyMs: 1000 };

/** The longest a packet can wait in one direction's full queue, ms. */
export const RATE_QUEUE_LIMIT_MS = (RATE.latencyMs ?? 500) + ((RATE.burstBytes ?? 0) * 8) / RATE.kbit;

export type SoakKind = 'loss' | 'rate';

/** A state change of ours during a soak. */
export interface SoakStateChange {
  /** Seconds since the fault was switched on. */
  readonly atSeconds: number;
  readonly state: string;
  readonly reason: string;
}

export interface LifelineSoak {
  /** `down` state changes: false alarms. */
  readonly downs: number;
  /** Changes to `degraded`. */
  readonly degraded: number;
  readonly beats: number;
  readonly rttMedianMs: number | null;
  readonly rttP95Ms: number | null;
  readonly rttMaxMs: number | null;
  /** The late-or-lost share the beats showed, in percent. */
  readonly lossShownMedianPercent: number | null;
  readonly lossShownMaxPercent: number | null;
  readonly changes: readonly SoakStateChange[];
}

export interface ServerAliveSoak {
  /** Times the session exited during the soak (each was started again). */
  readonly disconnects: number;
  /** Seconds since the fault, and what ssh said, for each. */
  readonly exits: readonly { readonly atSeconds: number; readonly message: string }[];
  /** Attempts to start it again that did not come up. */
  readonly failedRestarts: number;
}

export interface MoshSoak {
  /** Times the "Last contact" notice appeared (absent → present on the screen). */
  readonly notices: number;
  /** The longest it stayed on the screen, seconds (0 when never shown). */
  readonly longestSeconds: number;
  /** All the time it was on the screen, seconds. */
  readonly totalSeconds: number;
  /** Screens read. */
  readonly polls: number;
}

/** What the fault did to the link, measured. */
export interface LinkSoak {
  /** loss: packets dropped / packets sent on the veth, from the iptables counters. */
  readonly measuredLossPercent?: { readonly clientToServer: number; readonly serverToClient: number; readonly packets: number };
  /** rate: queueing delay from tc's backlog (bytes queued × 8 / rate), sampled every 2 s. */
  readonly queueDelayMs?: Readonly<Record<'clientToServer' | 'serverToClient', { readonly median: number; readonly p95: number; readonly samples: number }>>;
  /** rate: packets tbf dropped (queue full), each way. */
  readonly tbfDropped?: Readonly<Record<'clientToServer' | 'serverToClient', number>>;
  /** rate: the bulk transfers were running from start to end. */
  readonly bulkRunning?: boolean;
}

export interface SoakResult {
  readonly kind: SoakKind;
  /** The fault, in words. */
  readonly fault: string;
  readonly seconds: number;
  readonly loadAverage1m: number;
  /** Undefined for a tool that did not start. */
  readonly lifeline?: LifelineSoak;
  readonly serveralive?: ServerAliveSoak;
  readonly mosh?: MoshSoak;
  readonly link: LinkSoak;
}

/** `data` of a false-alarms result. */
export interface FalseAlarmsData {
  readonly soakSeconds: number;
  readonly loss: number;
  readonly rate: RateOptions;
  /** The longest a packet can wait in one direction's full queue in the rate soak, ms. */
  readonly rateQueueLimitMs: number;
  /** Bulk transfers each way that keep the rate soak's queues full. */
  readonly bulkFlowsEachWay: number;
  readonly soaks: readonly SoakResult[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

const shellQuote = (s: string): string => (/^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

async function attempt<T>(what: string, f: () => Promise<T>, problems: string[]): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    problems.push(`${what} did not start: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- the link

/** Packet counters of our iptables chains: everything on the veth, and what the statistic rule dropped. */
async function lossCounters(site: PeerSite): Promise<{ inAll: number; inDropped: number; outAll: number; outDropped: number }> {
  const list = async (chain: string): Promise<string> =>
    (await site.topo.execIn('server', [site.topo.iptables.command, '-w', '5', '-L', chain, '-v', '-n', '-x'])).stdout;
  const [input, output, lin, lout] = await Promise.all([list('INPUT'), list('OUTPUT'), list('LFL-IN'), list('LFL-OUT')]);
  const pkts = (text: string, target: string): number =>
    text
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[2] === target)
      .reduce((sum, f) => sum + Number(f[0]), 0);
  return { inAll: pkts(input, 'LFL-IN'), inDropped: pkts(lin, 'DROP'), outAll: pkts(output, 'LFL-OUT'), outDropped: pkts(lout, 'DROP') };
}

interface QueueSample {
  readonly backlogBytes: number;
  readonly dropped: number;
}

async function queueSample(site: PeerSite, side: 'server' | 'client'): Promise<QueueSample | undefined> {
  const dev = side === 'server' ? site.topo.serverIf : site.topo.clientIf;
  try {
    const { stdout } = await site.topo.execIn(side, ['tc', '-s', 'qdisc', 'show', 'dev', dev]);
    const backlog = /backlog (\d+)b/.exec(stdout);
    const dropped = /dropped (\d+)/.exec(stdout);
    return backlog === null || dropped === null ? undefined : { backlogBytes: Number(backlog[1]), dropped: Number(dropped[1]) };
  } catch {
    return undefined;
  }
}

/**
 * Bulk transfers per direction in the rate soak. With one each way the queues
 * drained for long stretches (in a 10-minute soak the median queueing delay
 * was 0.19 s of the 1.2 s possible: a single TCP flow halves its window at
 * each drop, and its acknowledgements wait in the other direction's full
 * queue); with three each way the queues held 0.9–1 s throughout 4 minutes.
 */
export const BULK_FLOWS = 3;

/** Downloads and uploads that keep the rate-limited queues full. */
function startBulk(site: PeerSite): ClientProcess[] {
  const ssh = (remote: string, redirect: string): string[] => ['sh', '-c', `exec ssh ${sshArgs(site, NO_KEEPALIVE, remote).map(shellQuote).join(' ')} ${redirect}`];
  return Array.from({ length: BULK_FLOWS }, (_, i) => [
    startClient(site, `bulk-down-${i + 1}`, ssh('cat /dev/zero', '< /dev/null > /dev/null')),
    startClient(site, `bulk-up-${i + 1}`, ssh('cat > /dev/null', '< /dev/zero > /dev/null')),
  ]).flat();
}

// ---------------------------------------------------------------- one soak

interface SoakTools {
  readonly watch: LifelineWatch | undefined;
  readonly alive: ClientProcess | undefined;
  readonly mosh: Terminal | undefined;
}

async function runSoak(kind: SoakKind, site: PeerSite, cli: string, seconds: number, log: (m: string) => void, problems: string[]): Promise<SoakResult> {
  const tag = `${kind} soak`;
  const tools: SoakTools = await Promise.all([
    attempt(`${tag}: ssh-lifeline watch`, () => startWatch(site, cli), problems),
    attempt(`${tag}: ssh ServerAlive 15×3`, () => startSshSession(site, 'serveralive', SERVER_ALIVE_15X3), problems),
    attempt(`${tag}: mosh`, () => openMosh(site, `${site.label}-mosh`), problems),
  ]).then(([watch, alive, mosh]) => ({ watch, alive, mosh }));

  let fault: string;
  let bulk: ClientProcess[] = [];
  let countersBefore: Awaited<ReturnType<typeof lossCounters>> | undefined;
  if (kind === 'loss') {
    await site.topo.loss(LOSS);
    countersBefore = await lossCounters(site);
    fault = `${LOSS * 100} % of packets dropped at random, each way`;
  } else {
    await site.topo.rate(RATE);
    bulk = startBulk(site);
    fault = `${RATE.kbit} kbit/s each way, queue ≤ ${Math.round(RATE_QUEUE_LIMIT_MS)} ms, kept full by ${BULK_FLOWS} bulk transfers each way`;
  }
  const watchFrom = tools.watch?.events.length ?? 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const since = (at: number): number => Math.round(at - t0) / 1000;
  const left = (): number => Math.max(0, end - performance.now());
  log(`false-alarms: ${tag} on (${fault}), ${seconds} s`);

  const serverAlive = async (): Promise<ServerAliveSoak | undefined> => {
    let p = tools.alive;
    if (p === undefined) {
      return undefined;
    }
    const exits: { atSeconds: number; message: string }[] = [];
    let failedRestarts = 0;
    while (performance.now() < end) {
      const exit = await Promise.race([p.exited, sleep(left()).then(() => undefined)]);
      if (exit === undefined) {
        break;
      }
      const message = `exit ${String(exit.code ?? exit.signal)}: ${p.output('stderr').trim().split('\n').pop() ?? ''}`;
      exits.push({ atSeconds: since(exit.at), message });
      if (!SERVER_ALIVE_TIMEOUT.test(p.output('stderr'))) {
        log(`false-alarms: ${tag}: ServerAlive session ended other than by its keepalive: ${message}`);
      }
      p = undefined;
      while (p === undefined && left() > 1000) {
        p = await startSshSession(site, `serveralive-${exits.length}`, SERVER_ALIVE_15X3, Math.min(60_000, left())).catch(() => undefined);
        if (p === undefined) {
          failedRestarts += 1;
          await sleep(Math.min(1000, left()));
        }
      }
      if (p === undefined) {
        break;
      }
    }
    return { disconnects: exits.length, exits, failedRestarts };
  };

  const moshWatch = async (): Promise<MoshSoak | undefined> => {
    const term = tools.mosh;
    if (term === undefined) {
      return undefined;
    }
    let notices = 0;
    let polls = 0;
    let shownSince: number | undefined;
    let longest = 0;
    let total = 0;
    while (performance.now() < end) {
      const screen = await term.capture().catch(() => undefined);
      const at = performance.now();
      if (screen !== undefined) {
        polls += 1;
        const shown = moshNoticeShown(screen);
        if (shown && shownSince === undefined) {
          notices += 1;
          shownSince = at;
        } else if (!shown && shownSince !== undefined) {
          longest = Math.max(longest, at - shownSince);
          total += at - shownSince;
          shownSince = undefined;
        }
      }
      await sleep(Math.min(250, left()));
    }
    if (shownSince !== undefined) {
      const at = performance.now();
      longest = Math.max(longest, at - shownSince);
      total += at - shownSince;
    }
    const status = await term.exitStatus();
    if (status !== undefined) {
      problems.push(`${tag}: mosh exited (status ${status}) during the soak`);
    }
    return { notices, longestSeconds: Math.round(longest) / 1000, totalSeconds: Math.round(total) / 1000, polls };
  };

  const queue = async (): Promise<Pick<LinkSoak, 'queueDelayMs' | 'tbfDropped'>> => {
    if (kind !== 'rate') {
      return {};
    }
    const delays = { clientToServer: [] as number[], serverToClient: [] as number[] };
    let first: Record<'client' | 'server', QueueSample | undefined> | undefined;
    let last: Record<'client' | 'server', QueueSample | undefined> = { client: undefined, server: undefined };
    const msPerByte = 8 / RATE.kbit;
    while (performance.now() < end) {
      await sleep(Math.min(2000, left()));
      const [client, server] = await Promise.all([queueSample(site, 'client'), queueSample(site, 'server')]);
      first ??= { client, server };
      last = { client, server };
      if (client !== undefined) {
        delays.clientToServer.push(client.backlogBytes * msPerByte);
      }
      if (server !== undefined) {
        delays.serverToClient.push(server.backlogBytes * msPerByte);
      }
    }
    const sum = (xs: number[]): { median: number; p95: number; samples: number } => ({ median: Math.round(median(xs)), p95: Math.round(quantile(xs, 0.95) ?? Number.NaN), samples: xs.length });
    return {
      queueDelayMs: { clientToServer: sum(delays.clientToServer), serverToClient: sum(delays.serverToClient) },
      tbfDropped: { clientToServer: last.client?.dropped ?? 0, serverToClient: last.server?.dropped ?? 0 },
    };
  };

  const [serveralive, mosh, queued] = await Promise.all([serverAlive(), moshWatch(), queue()]);

  const link: { -readonly [K in keyof LinkSoak]: LinkSoak[K] } = { ...queued };
  if (countersBefore !== undefined) {
    const after = await lossCounters(site);
    const pct = (dropped: number, all: number): number => (all > 0 ? Math.round((dropped / all) * 1000) / 10 : Number.NaN);
    const inAll = after.inAll - countersBefore.inAll;
    const outAll = after.outAll - countersBefore.outAll;
    link.measuredLossPercent = { clientToServer: pct(after.inDropped, inAll), serverToClient: pct(after.outDropped, outAll), packets: inAll + outAll };
    // The chains are flushed (counters zeroed) when the fault is switched on; before that nothing was dropped.
    if (!(after.inDropped > 0 && after.outDropped > 0)) {
      problems.push(`${tag}: the loss rule dropped nothing (in ${after.inDropped}, out ${after.outDropped}): the fault was not in effect`);
    }
  }
  if (kind === 'rate') {
    link.bulkRunning = bulk.every((b) => b.exit === undefined);
    if (!link.bulkRunning) {
      problems.push(`${tag}: a bulk transfer stopped during the soak: ${bulk.map((b) => `${b.label} ${JSON.stringify(b.exit ?? null)} ${b.output('stderr').slice(-200)}`).join('; ')}`);
    }
    // "Kept full" is what this soak claims: a queue that is mostly empty makes it a soak of an idle, merely slow link.
    const q = link.queueDelayMs;
    if (q !== undefined && !(Math.min(q.serverToClient.median, q.clientToServer.median) >= RATE_QUEUE_LIMIT_MS / 4)) {
      problems.push(
        `${tag}: the queues were not kept full: median queueing delay ${q.clientToServer.median} ms client → server, ${q.serverToClient.median} ms server → client, of ${Math.round(RATE_QUEUE_LIMIT_MS)} ms possible`,
      );
    }
  }

  let lifeline: LifelineSoak | undefined;
  if (tools.watch !== undefined) {
    const w = tools.watch;
    if (w.process.exit !== undefined) {
      problems.push(`${tag}: ssh-lifeline watch exited during the soak: ${JSON.stringify(w.process.exit)} ${w.process.output('stderr').slice(-300)}`);
    }
    if (w.garbage.length > 0) {
      problems.push(`${tag}: ssh-lifeline watch printed lines that are not JSON events: ${w.garbage.slice(0, 3).join(' | ')}`);
    }
    const during = w.events.slice(watchFrom).filter((e) => e.at <= end);
    const beats = during.filter((e) => e.event === 'beat');
    const rtts = beats.map((e) => e.rttMs).filter((r): r is number => typeof r === 'number');
    const shown = beats.map((e) => e.lossPercent).filter((r): r is number => typeof r === 'number');
    const changes = during.filter((e) => e.event === 'state').map((e) => ({ atSeconds: since(e.at), state: e.state, reason: e.reason ?? '' }));
    lifeline = {
      downs: changes.filter((c) => c.state === 'down').length,
      degraded: changes.filter((c) => c.state === 'degraded').length,
      beats: beats.length,
      rttMedianMs: rtts.length === 0 ? null : Math.round(median(rtts)),
      rttP95Ms: quantile(rtts, 0.95),
      rttMaxMs: rtts.length === 0 ? null : Math.max(...rtts),
      lossShownMedianPercent: shown.length === 0 ? null : median(shown),
      lossShownMaxPercent: shown.length === 0 ? null : Math.max(...shown),
      changes,
    };
    if (beats.length === 0) {
      problems.push(`${tag}: ssh-lifeline watch printed no beat during the soak`);
    }
  }

  return {
    kind,
    fault,
    seconds,
    loadAverage1m: loadavg()[0] ?? Number.NaN,
    ...(lifeline === undefined ? {} : { lifeline }),
    ...(serveralive === undefined ? {} : { serveralive }),
    ...(mosh === undefined ? {} : { mosh }),
    link,
  };
}

// ---------------------------------------------------------------- report

const n = (x: number | null | undefined, unit = ''): string => (x === null || x === undefined ? 'n/a' : `${sig3(x)}${unit}`);

function report(data: FalseAlarmsData): string {
  const soaks = data.soaks;
  const head = ['', ...soaks.map((s) => (s.kind === 'loss' ? `${data.loss * 100} % loss` : `${data.rate.kbit} kbit/s, full queue`))];
  const main = markdownTable(
    head,
    [
      ['ssh-lifeline watch: false `down`', ...soaks.map((s) => (s.lifeline === undefined ? 'did not start' : String(s.lifeline.downs)))],
      ['ssh ServerAlive 15×3: disconnects', ...soaks.map((s) => (s.serveralive === undefined ? 'did not start' : String(s.serveralive.disconnects)))],
      [
        'mosh: "Last contact" notices (longest shown)',
        ...soaks.map((s) => (s.mosh === undefined ? 'did not start' : `${s.mosh.notices}${s.mosh.notices > 0 ? ` (${sig3(s.mosh.longestSeconds)} s)` : ''}`)),
      ],
    ],
    ['left', ...soaks.map(() => 'right' as const)],
  );
  const ours = markdownTable(
    head,
    [
      ['degraded', ...soaks.map((s) => (s.lifeline === undefined ? 'n/a' : String(s.lifeline.degraded)))],
      ['beats', ...soaks.map((s) => (s.lifeline === undefined ? 'n/a' : String(s.lifeline.beats)))],
      ['beat round trip, median / p95 / max', ...soaks.map((s) => (s.lifeline === undefined ? 'n/a' : `${n(s.lifeline.rttMedianMs)} / ${n(s.lifeline.rttP95Ms)} / ${n(s.lifeline.rttMaxMs)} ms`))],
      ['late or lost shown, median / max', ...soaks.map((s) => (s.lifeline === undefined ? 'n/a' : `${n(s.lifeline.lossShownMedianPercent)} / ${n(s.lifeline.lossShownMaxPercent)} %`))],
    ],
    ['left', ...soaks.map(() => 'right' as const)],
  );
  const linkLines = soaks.map((s) => {
    const l = s.link;
    if (l.measuredLossPercent !== undefined) {
      return `- ${s.kind}: ${s.fault}; measured ${sig3(l.measuredLossPercent.clientToServer)} % client → server, ${sig3(l.measuredLossPercent.serverToClient)} % server → client of ${l.measuredLossPercent.packets} packets.`;
    }
    if (l.queueDelayMs !== undefined) {
      const q = l.queueDelayMs;
      return (
        `- ${s.kind}: ${s.fault}; queueing delay (tc backlog every 2 s) median ${q.clientToServer.median} ms, p95 ${q.clientToServer.p95} ms client → server, ` +
        `median ${q.serverToClient.median} ms, p95 ${q.serverToClient.p95} ms server → client; tbf dropped ${l.tbfDropped?.clientToServer ?? 0} and ${l.tbfDropped?.serverToClient ?? 0} packets.`
      );
    }
    return `- ${s.kind}: ${s.fault}.`;
  });
  const events = soaks.flatMap((s) => [
    ...(s.lifeline?.changes ?? []).filter((c) => c.state === 'down').map((c) => `- ${s.kind}, ${sig3(c.atSeconds)} s: ssh-lifeline down: ${c.reason}`),
    ...(s.serveralive?.exits ?? []).map((e) => `- ${s.kind}, ${sig3(e.atSeconds)} s: ServerAlive session ${e.message}`),
  ]);
  return [
    `Idle sessions on a link that is bad but never dead, ${data.soakSeconds} s per soak, the soaks at the same time on two topologies; anything that says the session is gone is a false alarm.`,
    '',
    main,
    '',
    'What ssh-lifeline showed meanwhile:',
    '',
    ours,
    '',
    'The links:',
    '',
    ...linkLines,
    ...(events.length === 0 ? [] : ['', 'Each false alarm:', '', ...events]),
  ].join('\n');
}

export const falseAlarmsScenario: Scenario = {
  name: 'false-alarms',
  description: 'False alarms under loss: 10 % loss and a full slow link, idle sessions; false downs vs ServerAlive 15×3 disconnects vs mosh notices',
  async run(options: BenchOptions): Promise<ScenarioResult> {
    const seconds = options.quick ? 60 : 600;
    const cli = join(options.root, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      throw new Error(`${cli} is missing: run npm run build first`);
    }
    const problems: string[] = [];
    const kinds: SoakKind[] = ['loss', 'rate'];
    const sites: PeerSite[] = [];
    try {
      for (const kind of kinds) {
        sites.push(await openSite(`fa-${kind}`, join(options.tmpDir, kind)));
      }
      const soaks = await Promise.all(kinds.map((kind, i) => runSoak(kind, sites[i] as PeerSite, cli, seconds, options.log, problems)));
      const data: FalseAlarmsData = { soakSeconds: seconds, loss: LOSS, rate: RATE, rateQueueLimitMs: Math.round(RATE_QUEUE_LIMIT_MS), bulkFlowsEachWay: BULK_FLOWS, soaks };
      return { markdown: report(data), data, problems };
    } finally {
      await Promise.all(sites.map((s) => s.close()));
    }
  },
};
