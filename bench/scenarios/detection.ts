/**
 * Dead-link detection: idle sessions of every tool on one link, the link
 * black-holed (every packet dropped both ways: no FIN, no RST, no ICMP), and
 * the time from the black hole until each tool notices:
 *
 * - us: `ssh-lifeline watch --json` with the default settings, until its `down` line;
 * - `ssh` with no keepalive (ServerAliveInterval=0 given explicitly: the
 *   fixture's `BatchMode yes` makes Debian's ssh default to 300), until it
 *   exits; it never does on an idle link, so it is reported as "> cap";
 * - `ssh -o ServerAliveInterval=15 -o ServerAliveCountMax=3`, until it exits
 *   with "Timeout, server … not responding.";
 * - `autossh -M 0` with the same options, until its log says the ssh it ran
 *   exited and it is restarting it (the log is read every 100 ms);
 * - mosh, until its "Last contact" notice is on the screen of its terminal
 *   (captured every 100 ms).
 *
 * All five run at the same time on the same black hole; each run is a fresh
 * topology, sshd and set of sessions. Each run waits a different idle time
 * before the black hole, so the fault lands at a different point of the
 * ServerAlive 15 s cycle (its detection ranges from 45 to 60 s with that).
 *
 * Figures and ratios only; problems only when a measurement is not what it
 * claims (a tool did not start, exited for another reason, ssh -G shows other
 * keepalive options than claimed, we never went down).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from '../lib/markdown';
import {
  effectiveSshOptions,
  moshNoticeShown,
  NO_KEEPALIVE,
  openMosh,
  openSite,
  SERVER_ALIVE_15X3,
  SERVER_ALIVE_TIMEOUT,
  startAutossh,
  startSshSession,
  startWatch,
  type PeerSite,
  type SshOptions,
} from '../lib/peers';
import type { BenchOptions, Scenario, ScenarioResult, ToolTimes } from '../lib/scenario';
import { formatRatio, median, sig3 } from '../lib/stats';

/** Stable keys, in the order of `tools` in the data. */
export const detectionTools = ['lifeline', 'ssh', 'serveralive', 'autossh', 'mosh'] as const;
export type DetectionTool = (typeof detectionTools)[number];

/** One tool in one run. */
export interface DetectionSample {
  /** Seconds from the black hole to the tool noticing; null when it did not within the cap (or did not start). */
  readonly seconds: number | null;
  /** What was seen: the down reason, the exit status and message, mosh's notice. */
  readonly note: string;
}

export interface DetectionRun {
  /** Idle time between the last session answering and the black hole. */
  readonly idleSeconds: number;
  /** How long switching the black hole on took (the time is counted from its end). */
  readonly blackholeMs: number;
  readonly loadAverage1m: number;
  readonly tools: Readonly<Record<DetectionTool, DetectionSample>>;
}

/** `data` of a detection result. */
export interface DetectionData {
  readonly capSeconds: number;
  readonly runs: number;
  /** In the order us, ssh, ServerAlive, autossh, mosh. */
  readonly tools: readonly ToolTimes[];
  readonly perRun: readonly DetectionRun[];
  /** `ssh -G` of the two ssh command lines: serveraliveinterval, serveralivecountmax, loglevel. */
  readonly sshEffective: Readonly<Record<'ssh' | 'serveralive', Readonly<Record<string, string>>>>;
}

interface Plan {
  readonly runs: number;
  readonly capSeconds: number;
}

const fullPlan: Plan = { runs: 5, capSeconds: 120 };
const quickPlan: Plan = { runs: 1, capSeconds: 70 };

const labels: Readonly<Record<DetectionTool, string>> = {
  lifeline: 'ssh-lifeline watch (defaults)',
  ssh: 'ssh (no keepalive)',
  serveralive: 'ssh -o ServerAliveInterval=15 -o ServerAliveCountMax=3',
  autossh: 'autossh -M 0 (ServerAlive 15×3)',
  mosh: 'mosh ("Last contact" notice)',
};

const notes: Partial<Record<DetectionTool, string>> = {
  ssh: "ServerAliveInterval=0 given explicitly: the benchmark's client config has BatchMode yes, with which Debian's ssh would use 300; nothing else tells ssh an idle link is dead (TCP keepalive starts after 2 h)",
  autossh: "time until autossh's log says its ssh exited (the log read every 100 ms); autossh then starts a new ssh",
  mosh: 'time until the notice is on the screen of its terminal (captured every 100 ms)',
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Idle seconds before the black hole in run i of n: spread over most of a 15 s ServerAlive period. */
function idleSeconds(i: number, n: number): number {
  return n === 1 ? 5 : Math.round((2 + (i * 12) / (n - 1)) * 10) / 10;
}

interface Started<T> {
  readonly value?: T;
  readonly error?: string;
}

async function attempt<T>(f: () => Promise<T>): Promise<Started<T>> {
  try {
    return { value: await f() };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function oneRun(site: PeerSite, cli: string, plan: Plan, idle: number, problems: string[], runLabel: string): Promise<DetectionRun> {
  const capMs = plan.capSeconds * 1000;
  const [watch, plain, alive, auto, mosh] = await Promise.all([
    attempt(() => startWatch(site, cli)),
    attempt(() => startSshSession(site, 'ssh', NO_KEEPALIVE)),
    attempt(() => startSshSession(site, 'serveralive', SERVER_ALIVE_15X3)),
    attempt(() => startAutossh(site, 'autossh', SERVER_ALIVE_15X3)),
    attempt(() => openMosh(site, `${site.label}-mosh`)),
  ]);
  const failed = (tool: DetectionTool, s: Started<unknown>): DetectionSample | undefined => {
    if (s.error === undefined) {
      return undefined;
    }
    problems.push(`${runLabel}: ${labels[tool]} did not start: ${s.error}`);
    return { seconds: null, note: `did not start: ${s.error}` };
  };
  await sleep(idle * 1000);
  const autosshLogLength = auto.value === undefined ? 0 : (await auto.value.readLog()).length;
  const before = performance.now();
  await site.topo.blackhole();
  const t0 = performance.now();
  const deadline = t0 + capMs;
  const secs = (at: number): number => Math.round(at - t0) / 1000;
  const remaining = (): number => Math.max(0, deadline - performance.now());
  const capTimer = (): Promise<undefined> => sleep(remaining()).then(() => undefined);

  const us = async (): Promise<DetectionSample> => {
    const w = watch.value;
    if (w === undefined) {
      return failed('lifeline', watch) as DetectionSample;
    }
    const down = await w.waitState('down', remaining());
    if (down === undefined) {
      problems.push(`${runLabel}: ssh-lifeline watch never reported down within ${plan.capSeconds} s of the black hole`);
      return { seconds: null, note: `no down; exit ${JSON.stringify(w.process.exit ?? null)}` };
    }
    if (/reset|refused/i.test(down.reason ?? '')) {
      problems.push(`${runLabel}: ssh-lifeline watch went down for another reason than silence: ${down.reason ?? ''}`);
    }
    return { seconds: secs(down.at), note: down.reason ?? '' };
  };

  const sshExit = async (tool: 'ssh' | 'serveralive', s: Started<Awaited<ReturnType<typeof startSshSession>>>): Promise<DetectionSample> => {
    const p = s.value;
    if (p === undefined) {
      return failed(tool, s) as DetectionSample;
    }
    const exit = await Promise.race([p.exited, capTimer()]);
    if (exit === undefined) {
      if (tool === 'serveralive') {
        problems.push(`${runLabel}: ${labels[tool]} was still running ${plan.capSeconds} s after the black hole`);
      }
      return { seconds: null, note: `still running at ${plan.capSeconds} s` };
    }
    const message = p.output('stderr').trim().split('\n').pop() ?? '';
    const note = `exit ${String(exit.code ?? exit.signal)}: ${message}`;
    if (tool === 'ssh') {
      problems.push(`${runLabel}: ssh without keepalive exited after ${sig3(secs(exit.at))} s, which an idle ssh on a black hole does not do: ${note}`);
    } else if (exit.code !== 255 || !SERVER_ALIVE_TIMEOUT.test(p.output('stderr'))) {
      problems.push(`${runLabel}: ${labels[tool]} exited for another reason than its keepalive: ${note}`);
    }
    return { seconds: secs(exit.at), note };
  };

  const autossh = async (): Promise<DetectionSample> => {
    const a = auto.value;
    if (a === undefined) {
      return failed('autossh', auto) as DetectionSample;
    }
    const logged = await a.waitForLog(/ssh exited/, remaining(), autosshLogLength);
    if (logged === undefined) {
      problems.push(`${runLabel}: autossh did not log an ssh exit within ${plan.capSeconds} s of the black hole`);
      return { seconds: null, note: `no exit logged; autossh ${a.process.exit === undefined ? 'running' : `exited ${JSON.stringify(a.process.exit)}`}` };
    }
    const line = logged.line.replace(/^.*autossh\[\d+\]: /, '');
    if (!/status 255/.test(line) || !SERVER_ALIVE_TIMEOUT.test(a.process.output('stderr'))) {
      problems.push(`${runLabel}: autossh's ssh exited for another reason than its keepalive: ${line}; ${a.process.output('stderr').slice(-300)}`);
    }
    return { seconds: secs(logged.at), note: line };
  };

  const moshNotice = async (): Promise<DetectionSample> => {
    const term = mosh.value;
    if (term === undefined) {
      return failed('mosh', mosh) as DetectionSample;
    }
    const at = await term.waitFor(moshNoticeShown, remaining(), 100);
    if (at === undefined) {
      const status = await term.exitStatus();
      if (status !== undefined) {
        problems.push(`${runLabel}: mosh exited (status ${status}) instead of showing its notice`);
      }
      return { seconds: null, note: status === undefined ? 'no notice' : `exited ${status}` };
    }
    const screen = await term.capture().catch(() => '');
    return { seconds: secs(at), note: (/mosh: Last contact[^\n]*?ago\./.exec(screen)?.[0] ?? 'notice shown').trim() };
  };

  const [lifeline, ssh, serveralive, autosshSample, moshSample] = await Promise.all([us(), sshExit('ssh', plain), sshExit('serveralive', alive), autossh(), moshNotice()]);
  return {
    idleSeconds: idle,
    blackholeMs: Math.round(t0 - before),
    loadAverage1m: loadavg()[0] ?? Number.NaN,
    tools: { lifeline, ssh, serveralive, autossh: autosshSample, mosh: moshSample },
  };
}

function checkOptions(tool: 'ssh' | 'serveralive', effective: Readonly<Record<string, string>>, expected: SshOptions, problems: string[]): void {
  for (const [k, v] of Object.entries(expected)) {
    if (effective[k.toLowerCase()] !== v) {
      problems.push(`ssh -G for ${labels[tool]}: ${k.toLowerCase()} is ${String(effective[k.toLowerCase()])}, not ${v}`);
    }
  }
}

/** Median with the over-cap runs counted as longer than every sample (Infinity when half or more are). */
function cappedMedian(t: ToolTimes): number {
  return median([...t.samples, ...Array.from({ length: t.overCap }, () => Number.POSITIVE_INFINITY)]);
}

function timeCell(t: ToolTimes): string {
  const runs = t.samples.length + t.overCap;
  if (runs === 0) {
    return 'n/a';
  }
  const m = cappedMedian(t);
  const med = Number.isFinite(m) ? `${sig3(m)} s` : `> ${t.capSeconds} s`;
  if (t.samples.length === 0) {
    return med;
  }
  const lo = `${sig3(Math.min(...t.samples))}`;
  const hi = t.overCap > 0 ? `> ${t.capSeconds}` : sig3(Math.max(...t.samples));
  return runs === 1 ? med : `${med} (${lo}–${hi})`;
}

function ratioCell(peer: ToolTimes, us: ToolTimes): string {
  const u = cappedMedian(us);
  const p = cappedMedian(peer);
  if (!Number.isFinite(u) || !(u > 0)) {
    return 'n/a';
  }
  if (!Number.isFinite(p)) {
    return `> ${sig3(peer.capSeconds / u)}×`;
  }
  return formatRatio(p, u);
}

function report(data: DetectionData): string {
  const us = data.tools[0] as ToolTimes;
  const noted = data.tools.filter((t) => t.note !== undefined);
  const summary = markdownTable(
    ['Tool', 'Black hole → noticed, median (min–max)', 'Runs', 'Over cap', 'Ratio to us'],
    data.tools.map((t) => [
      t.note === undefined ? t.label : `${t.label} [${noted.indexOf(t) + 1}]`,
      timeCell(t),
      String(t.samples.length + t.overCap),
      String(t.overCap),
      t === us ? '1×' : ratioCell(t, us),
    ]),
    ['left', 'right', 'right', 'right', 'right'],
  );
  const cell = (s: DetectionSample): string => (s.seconds === null ? `> ${data.capSeconds}` : sig3(s.seconds));
  const perRun = markdownTable(
    ['Run', 'Idle before (s)', ...detectionTools.map((k) => `${k} (s)`), 'Load'],
    data.perRun.map((r, i) => [String(i + 1), sig3(r.idleSeconds), ...detectionTools.map((k) => cell(r.tools[k])), r.loadAverage1m.toFixed(2)]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const reasons = [...new Set(data.perRun.map((r) => r.tools.lifeline.note))].filter((n) => n !== '');
  return [
    `An idle session of each tool on one link, the link black-holed (packets dropped both ways), time until each tool notices; ${data.runs} run(s), all tools at once, a fresh topology and sessions each run, cap ${data.capSeconds} s.`,
    '',
    summary,
    '',
    ...noted.map((t, i) => `[${i + 1}] ${t.note ?? ''}.`),
    '',
    perRun,
    '',
    `Our down reason: ${reasons.length === 0 ? 'n/a' : reasons.map((r) => `"${r}"`).join(', ')}.`,
  ].join('\n');
}

export const detectionScenario: Scenario = {
  name: 'detection',
  description: 'Dead-link detection: black hole → noticed, us vs ssh, ServerAlive 15×3, autossh -M 0, mosh',
  async run(options: BenchOptions): Promise<ScenarioResult> {
    const plan = options.quick ? quickPlan : fullPlan;
    const cli = join(options.root, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      throw new Error(`${cli} is missing: run npm run build first`);
    }
    const problems: string[] = [];
    const perRun: DetectionRun[] = [];
    let sshEffective: DetectionData['sshEffective'] | undefined;
    for (let i = 0; i < plan.runs; i += 1) {
      const idle = idleSeconds(i, plan.runs);
      const runLabel = `run ${i + 1}`;
      options.log(`detection ${runLabel}/${plan.runs}: starting the sessions, ${idle} s idle, then the black hole (cap ${plan.capSeconds} s)`);
      let site: PeerSite;
      try {
        site = await openSite(`det${i + 1}`, join(options.tmpDir, `run${i + 1}`));
      } catch (err) {
        problems.push(`${runLabel}: no topology with sshd to run on: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      try {
        if (sshEffective === undefined) {
          const [ssh, serveralive] = await Promise.all([effectiveSshOptions(site, { LogLevel: 'INFO', ...NO_KEEPALIVE }), effectiveSshOptions(site, { LogLevel: 'INFO', ...SERVER_ALIVE_15X3 })]);
          const pick = (o: Record<string, string>): Record<string, string> => ({
            serveraliveinterval: o['serveraliveinterval'] ?? '',
            serveralivecountmax: o['serveralivecountmax'] ?? '',
            loglevel: o['loglevel'] ?? '',
          });
          sshEffective = { ssh: pick(ssh), serveralive: pick(serveralive) };
          checkOptions('ssh', ssh, NO_KEEPALIVE, problems);
          checkOptions('serveralive', serveralive, SERVER_ALIVE_15X3, problems);
        }
        const run = await oneRun(site, cli, plan, idle, problems, runLabel);
        perRun.push(run);
        options.log(`detection ${runLabel}: ${detectionTools.map((k) => `${k} ${run.tools[k].seconds === null ? `> ${plan.capSeconds}` : run.tools[k].seconds} s`).join(', ')}`);
      } finally {
        await site.close();
      }
    }
    const tools: ToolTimes[] = detectionTools.map((k) => {
      const samples = perRun.map((r) => r.tools[k].seconds).filter((s): s is number => s !== null);
      // A tool that did not start has no time at all: it is not "over the cap".
      const overCap = perRun.filter((r) => r.tools[k].seconds === null && !r.tools[k].note.startsWith('did not start')).length;
      const note = notes[k];
      return { tool: k, label: labels[k], samples, overCap, capSeconds: plan.capSeconds, ...(note === undefined ? {} : { note }) };
    });
    const data: DetectionData = {
      capSeconds: plan.capSeconds,
      runs: plan.runs,
      tools,
      perRun,
      sshEffective: sshEffective ?? { ssh: {}, serveralive: {} },
    };
    return { markdown: report(data), data, problems };
  },
};
