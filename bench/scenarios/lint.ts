/**
 * Lint scenario: how long checking an ssh_config of 100 … 50,000 Host blocks
 * takes with our linter, side by side with OpenSSH parsing the same file
 * (`ssh -G -F FILE <host in the middle>`), all measured in one run.
 *
 * - ours in-process: `lint()` on the text in memory, after a few warm-up calls (in a
 *   child process so a runaway linter can be stopped; its start is not timed);
 * - ours CLI: the whole `node dist/cli.js lint --format json FILE` process
 *   (it runs `ssh -V` itself to learn the OpenSSH release), and the same with
 *   `--openssh-version` given, which skips that;
 * - OpenSSH: the whole `ssh -G -F FILE HOST` process;
 * - floors: `node -e 0` and `ssh -V`, what starting each side costs;
 * - peak RSS (GNU time `%M`) of the CLI and of `ssh -G`.
 *
 * Figures and ratios only; the scenario fails only when a measurement is not
 * what it claims (ssh -G did not print the probed host's settings, the CLI
 * exited with status 2, the linter reported nothing or crashed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateClientConfig, type GeneratedConfig, type ProbeHost } from '../lib/configGenerator';
import { opensshRelease } from '../lib/machine';
import { markdownTable } from '../lib/markdown';
import { peakRss, peakRssUnavailable, timeProcess, type ProcessRun } from '../lib/proc';
import type { BenchOptions, Scenario, ScenarioResult } from '../lib/scenario';
import { formatMs, formatRatio, sig3, summarize, type Summary } from '../lib/stats';

/** What lintWorker.ts prints. */
export interface InProcessReport {
  /** The first call, in a fresh process: the linter cold, its functions not yet optimized. */
  readonly warmupMs: number;
  /** Untimed calls before the timed ones (the first included). */
  readonly warmupCalls: number;
  /** Empty when the warm-up alone took longer than the cap. */
  readonly samples: readonly number[];
  readonly findings: number;
  readonly byCode: Readonly<Record<string, number>>;
  /** A timed call returned a different number of findings than the warm-up. */
  readonly unstable: boolean;
  readonly heapUsedMiB: number;
}

interface SizePlan {
  readonly hosts: number;
  /** Timed runs per tool (after the warm-up). More for small files, whose runs are short and noisier. */
  readonly runs: number;
}

interface Plan {
  readonly sizes: readonly SizePlan[];
  readonly rssRuns: number;
  /** A single run longer than this stops that tool for this and larger sizes. */
  readonly capMs: number;
}

const fullPlan: Plan = {
  sizes: [
    { hosts: 100, runs: 21 },
    { hosts: 1_000, runs: 15 },
    { hosts: 10_000, runs: 9 },
    { hosts: 50_000, runs: 7 },
  ],
  rssRuns: 3,
  capMs: 60_000,
};
const quickPlan: Plan = {
  sizes: [
    { hosts: 100, runs: 5 },
    { hosts: 1_000, runs: 3 },
  ],
  rssRuns: 1,
  capMs: 20_000,
};

/** Whole processes, timed round-robin per size; the last two are the start floors of each side. */
const processKeys = ['cli', 'cliPinned', 'sshG', 'nodeStart', 'sshStart'] as const;
type ProcessKey = (typeof processKeys)[number];

interface ToolRun {
  /** Undefined when not measured; `skipped` then says why. */
  readonly time?: Summary;
  readonly rssKiB?: Summary;
  readonly skipped?: string;
}

interface SizeResult {
  readonly hostBlocks: number;
  readonly runs: number;
  /** 1-minute load average when this size started: other work on the machine skews its figures. */
  readonly loadAverage1m: number;
  readonly lines: number;
  readonly bytes: number;
  readonly planted: GeneratedConfig['planted'];
  readonly probe: ProbeHost;
  readonly inProcess: ToolRun & { readonly warmupMs?: number; readonly warmupCalls?: number; readonly findings?: number; readonly byCode?: Readonly<Record<string, number>>; readonly heapUsedMiB?: number };
  readonly cli: ToolRun & { readonly exitStatus?: number | null; readonly findings?: number; readonly stdoutBytes?: number };
  readonly cliPinned: ToolRun;
  readonly sshG: ToolRun & { readonly exitStatus?: number | null; readonly printed?: Readonly<Record<string, string | undefined>> };
  readonly nodeStart: ToolRun;
  readonly sshStart: ToolRun;
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtKiB = (kib: number): string => (kib >= 10 * 1024 ? `${sig3(kib / 1024)} MiB` : `${fmtInt(Math.round(kib))} KiB`);
const fmtRss = (s: Summary | undefined): string => (s === undefined ? 'n/a' : s.runs > 1 ? `${fmtKiB(s.median)} (${fmtKiB(s.min)}–${fmtKiB(s.max)})` : fmtKiB(s.median));
const cell = (t: ToolRun): string => (t.time !== undefined ? formatMs(t.time) : (t.skipped ?? 'n/a'));

// ---------------------------------------------------------------- the CLI under test

interface CliState {
  readonly path: string;
  readonly available: boolean;
  readonly reason?: string;
  readonly builtAt?: string;
  /** Sources changed after dist/cli.js was built: the CLI may not match src/. */
  readonly newerSources: readonly string[];
}

function newestSources(root: string, since: number): string[] {
  const dir = join(root, 'src');
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return entries.filter((rel) => rel.endsWith('.ts') && statSync(join(dir, rel)).mtimeMs > since).map((rel) => `src/${rel}`);
}

function cliState(root: string): CliState {
  const path = join(root, 'dist', 'cli.js');
  if (!existsSync(path)) {
    return { path, available: false, reason: 'n/a (no dist/cli.js: run npm run build)', newerSources: [] };
  }
  const built = statSync(path).mtimeMs;
  const newerSources = newestSources(root, built);
  const help = spawnSync(process.execPath, [path, 'lint', '--help'], { cwd: root, encoding: 'utf8' });
  const available = help.status === 0 && /Usage: ssh-lifeline lint/.test(help.stdout);
  return {
    path,
    available,
    ...(available ? {} : { reason: 'n/a (no lint command in this build)' }),
    builtAt: new Date(built).toISOString(),
    newerSources,
  };
}

// ---------------------------------------------------------------- checks

/** `ssh -G` prints "keyword value" lines; the first of each keyword is the effective one. */
function sshGValues(stdout: string, keys: readonly string[]): Record<string, string | undefined> {
  const wanted = new Set(keys);
  const seen: Record<string, string | undefined> = {};
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    if (wanted.has(key) && !(key in seen)) {
      seen[key] = line.slice(space + 1).trim();
    }
  }
  return seen;
}

function checkSshG(run: ProcessRun, probe: ProbeHost): { printed: Record<string, string | undefined>; problems: string[] } {
  const keys = Object.keys(probe.expect);
  const printed = sshGValues(run.stdout, keys);
  const problems: string[] = [];
  if (run.status !== 0) {
    problems.push(`ssh -G exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  for (const [key, want] of Object.entries(probe.expect)) {
    if (printed[key] !== want) {
      problems.push(`ssh -G ${probe.alias}: ${key} is ${printed[key] ?? '(not printed)'}, expected ${want}`);
    }
  }
  return { printed, problems };
}

/** Findings in `lint --format json` output: an array of { file, findings: [...] }. */
function cliFindings(stdout: string): { count: number; byCode: Record<string, number> } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    return `CLI output is not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!Array.isArray(parsed) || parsed.length !== 1) {
    return 'CLI output is not an array with one file report';
  }
  const findings: unknown = (parsed[0] as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) {
    return 'CLI output has no findings array';
  }
  const byCode: Record<string, number> = {};
  for (const f of findings as { code?: unknown }[]) {
    const code = String(f.code);
    byCode[code] = (byCode[code] ?? 0) + 1;
  }
  return { count: findings.length, byCode };
}

const describeCodes = (byCode: Readonly<Record<string, number>>): string =>
  Object.entries(byCode)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => `${code} ${fmtInt(n)}`)
    .join(', ');

// ---------------------------------------------------------------- measuring

function runInProcess(root: string, file: string, runs: number, capMs: number, version: string): InProcessReport | string {
  const worker = join(root, 'bench', 'scenarios', 'lintWorker.ts');
  // Warm-up and timed runs may each take up to the cap before the worker gives up.
  const r = timeProcess(process.execPath, ['--import', 'tsx', worker, file, String(runs), version, String(capMs)], {
    cwd: root,
    timeoutMs: capMs * (runs + 1) + 30_000,
  });
  if (r.signal !== null) {
    return `> ${sig3(capMs / 1000)} s (stopped)`;
  }
  if (r.status !== 0) {
    return `lint worker failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(0, 3).join(' / ')}`;
  }
  return JSON.parse(r.stdout) as InProcessReport;
}

/** Runs `measure` for every tool still in the race, round-robin, so drift and load hit all of them alike. */
function interleaved(keys: readonly ProcessKey[], runs: number, measure: (key: ProcessKey) => number | undefined): Map<ProcessKey, number[]> {
  const samples = new Map<ProcessKey, number[]>(keys.map((k) => [k, []]));
  const out = new Set<ProcessKey>();
  for (let i = 0; i < runs; i += 1) {
    for (const key of keys) {
      if (out.has(key)) {
        continue;
      }
      const ms = measure(key);
      if (ms === undefined) {
        out.add(key);
        samples.set(key, []);
      } else {
        samples.get(key)?.push(ms);
      }
    }
  }
  return samples;
}

// ---------------------------------------------------------------- report

const timeOf = (t: ToolRun): number | undefined => t.time?.median;

function growthRows(sizes: readonly SizeResult[], pick: (s: SizeResult) => ToolRun): string[] {
  return sizes.slice(1).map((s, i) => {
    const prev = sizes[i] as SizeResult;
    const a = timeOf(pick(prev));
    const b = timeOf(pick(s));
    return a === undefined || b === undefined ? 'n/a' : `${sig3(((b - a) / (s.hostBlocks - prev.hostBlocks)) * 1000)} ms`;
  });
}

/** (ssh -G − ssh -V) / (ours CLI − node -e 0): the ratio with each side's process start taken out. */
function netRatio(s: SizeResult): number | undefined {
  const [g, sv, c, n] = [timeOf(s.sshG), timeOf(s.sshStart), timeOf(s.cli), timeOf(s.nodeStart)];
  if (g === undefined || sv === undefined || c === undefined || n === undefined || !(c - n > 0) || !(g - sv > 0)) {
    return undefined;
  }
  return (g - sv) / (c - n);
}

/** The size the issue's target is stated for: our full lint faster than OpenSSH's own parse of the same file. */
const TARGET_HOSTS = 10_000;

interface Target {
  readonly hostBlocks: number;
  /** Median of our in-process lint. */
  readonly inProcessMs: number | null;
  /** Median of the whole `ssh -G -F` process. */
  readonly sshGMs: number | null;
  /** The same minus the median `ssh -V` (OpenSSH's start), for the stricter comparison. */
  readonly sshGNetOfStartMs: number | null;
  /** ssh -G time / ours: above 1 ours is faster. */
  readonly ratio: number | null;
  readonly ratioNetOfStart: number | null;
  readonly met: boolean | null;
  readonly verdict: string;
}

function target(sizes: readonly SizeResult[]): Target {
  const s = sizes.find((x) => x.hostBlocks === TARGET_HOSTS);
  const ours = s === undefined ? undefined : timeOf(s.inProcess);
  const ssh = s === undefined ? undefined : timeOf(s.sshG);
  const start = s === undefined ? undefined : timeOf(s.sshStart);
  const net = ssh !== undefined && start !== undefined && ssh - start > 0 ? ssh - start : undefined;
  const base = { hostBlocks: TARGET_HOSTS, inProcessMs: ours ?? null, sshGMs: ssh ?? null, sshGNetOfStartMs: net ?? null };
  if (s === undefined || ours === undefined || ssh === undefined) {
    const why = s === undefined ? `${fmtInt(TARGET_HOSTS)} hosts are not in this run` : 'a side was not measured';
    return { ...base, ratio: null, ratioNetOfStart: null, met: null, verdict: `**Target at ${fmtInt(TARGET_HOSTS)} hosts (our full lint faster than \`ssh -G -F\` on the same file): not decided: ${why}.**` };
  }
  const ratio = ssh / ours;
  const met = ratio > 1;
  const stricter =
    net === undefined
      ? ''
      : ` Against OpenSSH's parse alone (\`ssh -G\` − \`ssh -V\`, ${sig3(net)} ms) ours is ${net / ours > 1 ? `${sig3(net / ours)}× faster` : `${sig3(ours / net)}× slower`}.`;
  return {
    ...base,
    ratio,
    ratioNetOfStart: net === undefined ? null : net / ours,
    met,
    verdict:
      `**Target at ${fmtInt(TARGET_HOSTS)} hosts: ${met ? 'met' : 'not met'}.** Our full lint in process (every rule, as the CLI runs it) ${sig3(ours)} ms, ` +
      `\`ssh -G -F\` on the same file ${sig3(ssh)} ms (whole process, medians of ${s.runs} runs): ours ${met ? `${sig3(ratio)}× faster` : `${sig3(1 / ratio)}× slower`}.${stricter} ` +
      `Load average ${s.loadAverage1m.toFixed(2)} on ${cpus().length} cores when this size started.`,
  };
}

function report(plan: Plan, sizes: readonly SizeResult[], floors: Record<'node' | 'ssh', ToolRun>, rssNote: string | undefined, version: string): string {
  const main = markdownTable(
    ['hosts', 'runs', 'ours in-process', 'ours in-process, first call', 'ours CLI', 'ours CLI, --openssh-version', 'ssh -G -F', 'ssh -G / ours in-process', 'ssh -G / ours CLI', 'same, net of process start', 'load (1 min)'],
    sizes.map((s) => {
      const net = netRatio(s);
      return [
        fmtInt(s.hostBlocks),
        String(s.runs),
        cell(s.inProcess),
        s.inProcess.warmupMs === undefined ? 'n/a' : `${sig3(s.inProcess.warmupMs)} ms`,
        cell(s.cli),
        cell(s.cliPinned),
        cell(s.sshG),
        formatRatio(timeOf(s.sshG), timeOf(s.inProcess)),
        formatRatio(timeOf(s.sshG), timeOf(s.cli)),
        net !== undefined ? formatRatio(net, 1) : s.sshG.time !== undefined && s.cli.time !== undefined ? 'n/a (a side ≈ its start)' : 'n/a',
        s.loadAverage1m.toFixed(2),
      ];
    }),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const transitions = sizes.slice(1).map((s, i) => `${fmtInt((sizes[i] as SizeResult).hostBlocks)} → ${fmtInt(s.hostBlocks)}`);
  const inProc = growthRows(sizes, (s) => s.inProcess);
  const cliG = growthRows(sizes, (s) => s.cli);
  const sshG = growthRows(sizes, (s) => s.sshG);
  const growth = markdownTable(
    ['hosts', 'ours in-process', 'ours CLI', 'ssh -G -F'],
    transitions.map((t, i) => [t, inProc[i] ?? 'n/a', cliG[i] ?? 'n/a', sshG[i] ?? 'n/a']),
    ['left', 'right', 'right', 'right'],
  );
  const perThousand = markdownTable(
    ['hosts', 'ours in-process', 'ours CLI', 'ssh -G -F'],
    sizes.map((s) => {
      const per = (t: ToolRun): string => (t.time === undefined ? 'n/a' : `${sig3((t.time.median / s.hostBlocks) * 1000)} ms`);
      return [fmtInt(s.hostBlocks), per(s.inProcess), per(s.cli), per(s.sshG)];
    }),
    ['right', 'right', 'right', 'right'],
  );
  const memory =
    rssNote !== undefined
      ? `Peak RSS not measured: ${rssNote}.`
      : markdownTable(
          ['hosts', 'ours CLI', 'ssh -G -F', 'ours CLI / ssh -G'],
          [
            ['process start only', `${fmtRss(floors.node.rssKiB)} (node -e 0)`, `${fmtRss(floors.ssh.rssKiB)} (ssh -V)`, formatRatio(floors.node.rssKiB?.median, floors.ssh.rssKiB?.median)],
            ...sizes.map((s) => [fmtInt(s.hostBlocks), s.cli.rssKiB === undefined ? (s.cli.skipped ?? 'n/a') : fmtRss(s.cli.rssKiB), fmtRss(s.sshG.rssKiB), formatRatio(s.cli.rssKiB?.median, s.sshG.rssKiB?.median)]),
          ],
          ['left', 'right', 'right', 'right'],
        );
  const checks = markdownTable(
    ['hosts', 'lines', 'size', 'findings, ours in-process', 'ours CLI (JSON)', 'ssh -G -F FILE <middle host>'],
    sizes.map((s) => [
      fmtInt(s.hostBlocks),
      fmtInt(s.lines),
      fmtKiB(s.bytes / 1024),
      s.inProcess.findings === undefined ? (s.inProcess.skipped ?? 'n/a') : `${fmtInt(s.inProcess.findings)} (${describeCodes(s.inProcess.byCode ?? {})})`,
      s.cli.findings === undefined ? (s.cli.skipped ?? 'n/a') : `${fmtInt(s.cli.findings)} findings, exit ${s.cli.exitStatus}, ${fmtKiB((s.cli.stdoutBytes ?? 0) / 1024)} of JSON`,
      s.sshG.exitStatus === undefined
        ? (s.sshG.skipped ?? 'n/a')
        : `exit ${s.sshG.exitStatus}; ${s.probe.alias}: ${Object.keys(s.probe.expect)
            .map((k) => `${k} ${s.sshG.printed?.[k] ?? '-'}`)
            .join(', ')}`,
    ]),
    ['right', 'right', 'right', 'left', 'left', 'left'],
  );
  return [
    target(sizes).verdict,
    '',
    'Median (min–max) of the runs shown. Our in-process lint runs in its own process and is timed after untimed calls (at least 5, for at least 1.5 s), once V8 has compiled it (as in ' +
      'an editor that lints on every change); its first, cold call is shown apart. Whole processes are timed after one warm-up run, from spawn to exit with their output read, round-robin with the ' +
      'other tools and the start floors so that load hits all alike. Ratios are ssh -G time / ours: above 1× ours took less time, below 1× longer. ' +
      `"net of process start" is (ssh -G − ssh -V) / (ours CLI − node -e 0). The linter assumes OpenSSH ${version} (the local ssh).`,
    '',
    main,
    '',
    `Process start alone (all sizes' runs together): \`node -e 0\` ${cell(floors.node)}, \`ssh -V\` ${cell(floors.ssh)}. ` +
      '"ours CLI" runs `ssh -V` once inside to learn the OpenSSH release; "--openssh-version" is the same command told the release.',
    '',
    '**Growth:** extra time per 1,000 more hosts (difference of medians between sizes)',
    '',
    growth,
    '',
    '**Time per 1,000 hosts** (median / hosts, process start included)',
    '',
    perThousand,
    '',
    `**Peak RSS** (GNU time %M, median of ${plan.rssRuns} run${plan.rssRuns === 1 ? '' : 's'})`,
    '',
    memory,
    '',
    "**Checks:** what each tool made of the file (in-process and CLI findings must agree; ssh -G must print the probed host's settings, `connecttimeout` coming from the trailing `Host *`)",
    '',
    checks,
  ].join('\n');
}

// ---------------------------------------------------------------- scenario

interface Verdict {
  /** Time it. */
  readonly ok: boolean;
  /** Shown instead of a time when not ok. */
  readonly skipped?: string;
  /** A measurement that is not what it claims: the run fails. */
  readonly problem?: string;
  /** Worth knowing, not a failure. */
  readonly note?: string;
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const plan = options.quick ? quickPlan : fullPlan;
  const { root, tmpDir, log } = options;
  const problems: string[] = [];
  const notes: string[] = [];

  const sshV = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  const version = opensshRelease(`${sshV.stdout}${sshV.stderr}`);
  if (version === undefined) {
    throw new Error(`ssh -V did not print an OpenSSH version (install openssh-client): ${sshV.stderr || sshV.error?.message}`);
  }
  const cli = cliState(root);
  if (!cli.available) {
    notes.push(`ours CLI: ${cli.reason}`);
  } else if (cli.newerSources.length > 0) {
    const list = `${cli.newerSources.slice(0, 5).join(', ')}${cli.newerSources.length > 5 ? ', …' : ''}`;
    notes.push(`dist/cli.js (built ${cli.builtAt}) is older than ${cli.newerSources.length} source file(s) (${list}): the CLI columns measure that older build, the in-process column the sources; run \`npm run build\` first`);
  }
  const rssNote = peakRssUnavailable();
  if (rssNote !== undefined) {
    notes.push(rssNote);
  }
  const rssOf = (command: string, args: readonly string[]): Summary | undefined =>
    rssNote !== undefined ? undefined : summarize(Array.from({ length: plan.rssRuns }, () => peakRss(command, args, tmpDir, root).kib));

  const stopped = new Map<ProcessKey | 'inProcess', string>();
  if (!cli.available) {
    stopped.set('cli', cli.reason as string);
    stopped.set('cliPinned', cli.reason as string);
  }
  const sizes: SizeResult[] = [];
  for (const { hosts, runs } of plan.sizes) {
    const loadAverage1m = loadavg()[0] ?? Number.NaN;
    const config = generateClientConfig(hosts);
    const file = join(tmpDir, `config-${hosts}`);
    writeFileSync(file, config.text, { mode: 0o600 });
    log(`${fmtInt(hosts)} hosts (${fmtInt(config.lines)} lines, ${fmtKiB(config.bytes / 1024)}): in-process lint × ${runs}`);

    // ours, in process
    let inProcess: SizeResult['inProcess'] = { skipped: stopped.get('inProcess') ?? 'n/a' };
    if (!stopped.has('inProcess')) {
      const r = runInProcess(root, file, runs, plan.capMs, version);
      if (typeof r === 'string') {
        stopped.set('inProcess', r.startsWith('>') ? r : 'n/a (worker failed)');
        inProcess = { skipped: r };
        if (!r.startsWith('>')) {
          problems.push(`${hosts} hosts: ${r}`);
        }
      } else {
        if (r.samples.length === 0) {
          stopped.set('inProcess', `> ${sig3(plan.capMs / 1000)} s (skipped)`);
        }
        inProcess = {
          ...(r.samples.length > 0 ? { time: summarize(r.samples) } : { skipped: `${sig3(r.warmupMs)} ms (warm-up only; over the cap)` }),
          warmupMs: r.warmupMs,
          warmupCalls: r.warmupCalls,
          findings: r.findings,
          byCode: r.byCode,
          heapUsedMiB: r.heapUsedMiB,
        };
        if (r.findings === 0) {
          problems.push(`${hosts} hosts: our lint reported no findings, but ${describeCodes(config.planted)} were planted`);
        }
        if (r.unstable) {
          problems.push(`${hosts} hosts: our lint returned a different number of findings on a repeated call`);
        }
        const expected: Record<string, number> = {
          'ipqos-deprecated': config.planted.ipqosLowdelay,
          'duplicate-keyword': config.planted.duplicateUser,
          'keepalive-budget': config.planted.shortKeepalive,
        };
        const got = describeCodes(r.byCode);
        const want = describeCodes(Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)));
        if (got !== want) {
          notes.push(`${hosts} hosts: our lint found ${got || 'nothing'}; planted: ${want}`);
        }
      }
    }

    // whole processes: a warm-up run that is also checked, then timed runs round-robin
    const commandOf = (key: ProcessKey): readonly [string, readonly string[]] => {
      switch (key) {
        case 'cli':
          return [process.execPath, [cli.path, 'lint', '--format', 'json', file]];
        case 'cliPinned':
          return [process.execPath, [cli.path, 'lint', '--format', 'json', '--openssh-version', version, file]];
        case 'sshG':
          return ['ssh', ['-G', '-F', file, config.probe.alias]];
        case 'nodeStart':
          return [process.execPath, ['-e', '0']];
        default:
          return ['ssh', ['-V']];
      }
    };
    const measureOnce = (key: ProcessKey): ProcessRun => {
      const [command, args] = commandOf(key);
      return timeProcess(command, args, { cwd: root, timeoutMs: plan.capMs });
    };
    const overCap = (key: ProcessKey, r: ProcessRun): boolean => {
      if (r.signal !== null || r.ms > plan.capMs) {
        stopped.set(key, `> ${sig3(plan.capMs / 1000)} s (stopped)`);
        return true;
      }
      return false;
    };

    let cliInfo: Pick<SizeResult['cli'], 'exitStatus' | 'findings' | 'stdoutBytes'> = {};
    let sshInfo: Pick<SizeResult['sshG'], 'exitStatus' | 'printed'> = {};
    const judge = (key: ProcessKey, r: ProcessRun): Verdict => {
      const stderr = r.stderr.trim().split('\n').slice(0, 3).join(' / ');
      switch (key) {
        case 'cli':
        case 'cliPinned': {
          if (key === 'cli') {
            cliInfo = { exitStatus: r.status, stdoutBytes: Buffer.byteLength(r.stdout) };
          }
          if (r.status === 2 && !/internal error/.test(r.stderr)) {
            // Usage or I/O: the CLI refused this file (e.g. over its size limit); a fact about the CLI, not a broken measurement.
            return { ok: false, skipped: 'refused (exit 2)', ...(key === 'cli' ? { note: `${hosts} hosts: ours CLI refused the file (exit 2): ${stderr}` } : {}) };
          }
          const parsed = r.status === 0 || r.status === 1 ? cliFindings(r.stdout) : `CLI exited with ${r.status}: ${stderr}`;
          if (typeof parsed === 'string') {
            return { ok: false, skipped: 'n/a (failed)', problem: `${hosts} hosts: ${key}: ${parsed}` };
          }
          if (key === 'cli') {
            cliInfo = { ...cliInfo, findings: parsed.count };
            if (inProcess.findings !== undefined && parsed.count !== inProcess.findings) {
              const why = cli.newerSources.length > 0 ? ' (dist/cli.js is older than src/)' : '';
              return { ok: true, note: `${hosts} hosts: the CLI found ${describeCodes(parsed.byCode)}, lint() in process ${describeCodes(inProcess.byCode ?? {})}${why}` };
            }
          }
          return { ok: true };
        }
        case 'sshG': {
          const checked = checkSshG(r, config.probe);
          sshInfo = { exitStatus: r.status, printed: checked.printed };
          return checked.problems.length === 0 ? { ok: true } : { ok: false, skipped: 'n/a (failed)', problem: checked.problems.map((p) => `${hosts} hosts: ${p}`).join('; ') };
        }
        default:
          return r.status === 0 ? { ok: true } : { ok: false, skipped: 'n/a (failed)', problem: `${hosts} hosts: ${commandOf(key).flat().join(' ')} exited with ${r.status}: ${stderr}` };
      }
    };

    const keys = processKeys.filter((k) => !stopped.has(k));
    log(`${fmtInt(hosts)} hosts: ${keys.join(', ')} × ${runs}`);
    const warm = new Map<ProcessKey, ProcessRun>();
    const skippedHere = new Map<ProcessKey, string>();
    for (const key of keys) {
      const r = measureOnce(key);
      if (overCap(key, r)) {
        continue;
      }
      const verdict = judge(key, r);
      if (verdict.problem !== undefined) {
        problems.push(verdict.problem);
      }
      if (verdict.note !== undefined) {
        notes.push(verdict.note);
      }
      if (verdict.ok) {
        warm.set(key, r);
      } else {
        skippedHere.set(key, verdict.skipped ?? 'n/a');
      }
    }

    const samples = interleaved([...warm.keys()], runs, (key) => {
      const r = measureOnce(key);
      if (overCap(key, r)) {
        return undefined;
      }
      if (r.status !== warm.get(key)?.status) {
        problems.push(`${hosts} hosts: ${key} exited with ${r.status ?? r.signal} in a timed run, ${warm.get(key)?.status} in the warm-up`);
      }
      return r.ms;
    });

    if (rssNote === undefined) {
      log(`${fmtInt(hosts)} hosts: peak RSS × ${plan.rssRuns}`);
    }
    const toolRun = (key: ProcessKey, withRss: boolean): ToolRun => {
      const s = samples.get(key) ?? [];
      if (s.length === 0) {
        return { skipped: skippedHere.get(key) ?? stopped.get(key) ?? 'n/a' };
      }
      const [command, args] = commandOf(key);
      return { time: summarize(s), ...optional('rssKiB', withRss ? rssOf(command, args) : undefined) };
    };
    sizes.push({
      hostBlocks: hosts,
      runs,
      loadAverage1m,
      lines: config.lines,
      bytes: config.bytes,
      planted: config.planted,
      probe: config.probe,
      inProcess,
      cli: { ...toolRun('cli', true), ...cliInfo },
      cliPinned: toolRun('cliPinned', false),
      sshG: { ...toolRun('sshG', true), ...sshInfo },
      nodeStart: toolRun('nodeStart', false),
      sshStart: toolRun('sshStart', false),
    });
  }

  const allSamples = (pick: (s: SizeResult) => ToolRun): number[] => sizes.flatMap((s) => [...(pick(s).time?.samples ?? [])]);
  const floors = {
    node: { time: summarize(allSamples((s) => s.nodeStart)), ...optional('rssKiB', rssOf(process.execPath, ['-e', '0'])) },
    ssh: { time: summarize(allSamples((s) => s.sshStart)), ...optional('rssKiB', rssOf('ssh', ['-V'])) },
  };

  const markdown = [report(plan, sizes, floors, rssNote, version), ...(notes.length > 0 ? ['', '**Notes:**', '', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
  return {
    markdown,
    problems,
    data: {
      plan,
      opensshVersionAssumed: version,
      cli: { ...cli, path: 'dist/cli.js' },
      commands: {
        inProcess:
          'lint(text, { side: "client", opensshVersion, permissions, includes }) in bench/scenarios/lintWorker.ts, the options the CLI passes (own process; its start is not timed)',
        cli: 'node dist/cli.js lint --format json FILE',
        cliPinned: `node dist/cli.js lint --format json --openssh-version ${version} FILE`,
        sshG: 'ssh -G -F FILE <middle host>',
        nodeStart: 'node -e 0',
        sshStart: 'ssh -V',
        rss: rssNote === undefined ? '/usr/bin/time -f %M (KiB)' : rssNote,
      },
      floors,
      target: target(sizes),
      sizes,
      medianMsPerThousandHosts: sizes.map((s) => ({
        hostBlocks: s.hostBlocks,
        inProcess: perThousandHosts(s.inProcess, s.hostBlocks),
        cli: perThousandHosts(s.cli, s.hostBlocks),
        sshG: perThousandHosts(s.sshG, s.hostBlocks),
      })),
      ratios: sizes.map((s) => ({
        hostBlocks: s.hostBlocks,
        sshGOverInProcess: ratio(s.sshG.time, s.inProcess.time),
        sshGOverCli: ratio(s.sshG.time, s.cli.time),
        sshGOverCliNetOfStart: netRatio(s) ?? null,
        cliRssOverSshGRss: ratio(s.cli.rssKiB, s.sshG.rssKiB),
      })),
      notes,
    },
  };
}

function perThousandHosts(t: ToolRun, hosts: number): number | null {
  return t.time === undefined ? null : (t.time.median / hosts) * 1000;
}

function ratio(a: Summary | undefined, b: Summary | undefined): number | null {
  return a === undefined || b === undefined || !(b.median > 0) ? null : a.median / b.median;
}

/** `{ [key]: value }` when defined, else `{}` (exactOptionalPropertyTypes forbids explicit undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export const lintScenario: Scenario = {
  name: 'lint',
  description: 'ssh_config of 100 … 50,000 Host blocks: our lint (in process and CLI) vs ssh -G -F, time and peak RSS',
  run,
};
