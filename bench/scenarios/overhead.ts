/**
 * Overhead scenario: what running SSH Lifeline costs (issue "Performance lab",
 * item 4), measured on the real things.
 *
 * - Package: `npm run package` in a private copy of the working tree
 *   (overheadBundle.ts): the size of each minified `dist/*.js`, gzipped, the
 *   .vsix, and the biggest inputs of each bundle (esbuild's metafile).
 * - Activation: the .vsix installed into the VS Code server build, the web
 *   workbench in headless Chromium (scripts/vscodeServer.ts, as the vscode test
 *   tier runs it), a fresh server and extension host per start, the same
 *   profile each time (one untimed warm-up start first). The figure is VS
 *   Code's own: the "Developer: Show Running Extensions" editor's activation
 *   time (the extension host's codeLoadingTime + activateCallTime), read from
 *   the page; VS Code's performance marks in the extension host give the code
 *   loading part alone. Peers: the built-in extensions activated by the same
 *   event (`onStartupFinished`) in the same starts.
 * - Idle: the extension host process with our extension watching 0, 1, 10
 *   and 50 hosts (one integrated terminal each, `ssh -F cfg testN` typed into
 *   its shell, each alias to its own sshd, since the heartbeat keys hosts by
 *   user@HostName:Port), and the baseline: the same workbench without our
 *   extension, with the same terminals. CPU time from /proc/<pid>/stat
 *   (utime+stime; the helpers it spawned and reaped, cutime+cstime, apart),
 *   RSS from /proc/<pid>/status, the event loop's delay from
 *   perf_hooks.monitorEventLoopDelay inside the extension host (the
 *   bench-only extension-tests entry overheadHost.ts runs there; no product
 *   code is added). Before each window the probes are confirmed from our log
 *   and from the extension host's own TCP connections.
 * - Wire: bytes per heartbeat of `ssh-lifeline watch --json` to one host in
 *   the faults tier's namespaces (overheadWire.ts), counted by iptables.
 *
 * Figures with their targets next to them; the scenario fails only when a
 * measurement is not what it claims (a part could not run, a probe was not
 * up, a peer's figure was missing).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installVscodeServer, installVsixIntoServer, vscodeVersion } from '../../scripts/vscodeServer';
import { startSshd, type SshdFixture } from '../../test/fixtures/sshd';
import { writeHarnessExtension } from '../../test/vscode/setup';
import { markdownTable } from '../lib/markdown';
import { buildPackage, type BundleInputs, type OutputFile, type PackageResult, type VsixEntry } from '../lib/overheadBundle';
import { childrenNamed, connectedPorts, processTable, sampleProcess, type ProcessWindow } from '../lib/overheadProc';
import type { HostReport, LoopDelay, PerfMark } from '../lib/overheadProtocol';
import { measureWire, type WireResult } from '../lib/overheadWire';
import {
  bundleHostEntry,
  launchChromium,
  newestFile,
  openWorkbench,
  runningExtensions,
  statusbarTexts,
  writeBenchWorkspace,
  type Chromium,
  type Workbench,
} from '../lib/overheadWorkbench';
import type { BenchOptions, Scenario, ScenarioResult } from '../lib/scenario';
import { formatRatio, sig3, summarize, type Summary } from '../lib/stats';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- plan

export interface OverheadPlan {
  /** Timed fresh starts of the workbench for activation. */
  readonly activationStarts: number;
  /** Untimed starts before them (the profile and the file cache warm up). */
  readonly warmupStarts: number;
  /** Monitored hosts in each idle window with our extension, in order (terminals are added, never closed, between windows). */
  readonly hostSteps: readonly number[];
  /** Terminals in each idle window of the baseline (no extension of ours). */
  readonly baselineSteps: readonly number[];
  /** Length of each idle window (CPU and RSS). */
  readonly soakMs: number;
  /** Pause between the probes being confirmed and the window (resolution, handshakes and the first beats are over). */
  readonly settleMs: number;
  /** Pause before the first window of a workbench (its own start-up work is over). */
  readonly firstSettleMs: number;
  /**
   * Event-loop delay window, after the CPU window at the largest step of each
   * workbench: apart, because the monitor's own 10 ms timer costs about half a
   * per cent of a core, as much as the target.
   */
  readonly loopDelayMs: number;
  /** Heartbeats counted for the bytes on the wire. */
  readonly wireBeats: number;
}

const fullPlan: OverheadPlan = {
  activationStarts: 5,
  warmupStarts: 1,
  hostSteps: [0, 1, 10, 50],
  baselineSteps: [50],
  soakMs: 60_000,
  settleMs: 5_000,
  firstSettleMs: 15_000,
  loopDelayMs: 30_000,
  wireBeats: 15,
};
const quickPlan: OverheadPlan = {
  activationStarts: 1,
  warmupStarts: 0,
  hostSteps: [0, 2],
  baselineSteps: [2],
  soakMs: 6_000,
  settleMs: 2_000,
  firstSettleMs: 3_000,
  loopDelayMs: 5_000,
  wireBeats: 4,
};

/** The issue's targets, shown beside the figures. */
export const overheadTargets = {
  activationMs: 20,
  extensionBundleBytes: 400 * 1024,
  bytesPerBeat: 200,
  idleCpuPercentAt50: 0.5,
} as const;

const OUR_ID = 'ssh-lifeline.ssh-lifeline';
/** Built-in extensions of the VS Code server activated by `onStartupFinished`, as ours is; the labels are what Running Extensions shows. */
const PEERS = [
  { id: 'vscode.merge-conflict', label: 'Merge Conflict' },
  { id: 'vscode.debug-auto-launch', label: 'Node Debug Auto-attach' },
] as const;
/** The heartbeat's default beat interval (sshLifeline.heartbeat.intervalSeconds), used to place readings between beats. */
const DEFAULT_INTERVAL_SECONDS = 2;
const LOOP_RESOLUTION_MS = 10;

// ---------------------------------------------------------------- data

export interface ActivationStart {
  /** VS Code's activation time per extension id (Running Extensions: code loading + activate call), ms; null when not shown. */
  readonly vscodeMs: Readonly<Record<string, number | null>>;
  /** From VS Code's marks `code/extHost/{will,did}LoadExtensionCode/<id>`: loading the main module, ms. */
  readonly codeLoadingMs: Readonly<Record<string, number | null>>;
  /** From `…/{will,did}ActivateExtension/<id>`: the activate call and its promise (shares the loop with extensions activated at the same moment), ms. */
  readonly activateSpanMs: Readonly<Record<string, number | null>>;
  /** What activated ours, from the extension host's log (`onStartupFinished` here). */
  readonly activationEvent: string | null;
  /** page.goto until the extension-tests entry reported, ms. */
  readonly workbenchStartMs: number;
}

export interface ActivationFigures {
  readonly what: string;
  /** `vsix`: the packaged .vsix installed into the server; `staged build`: the production build loaded as the extension under development (packaging failed). */
  readonly extension: 'vsix' | 'staged build';
  readonly warmupStarts: number;
  readonly ours: Summary;
  readonly oursCodeLoading: Summary;
  readonly peers: readonly { readonly id: string; readonly label: string; readonly ms: Summary }[];
  /** Ours / Merge Conflict, medians. */
  readonly ratioToPeer: number | null;
  readonly starts: readonly ActivationStart[];
}

export interface BundleFigures {
  readonly outputs: readonly OutputFile[];
  readonly vsix: { readonly file: string; readonly packagedWith: string; readonly bytes: number; readonly entries: readonly VsixEntry[] } | null;
  readonly vsixError: string | null;
  readonly inputs: readonly BundleInputs[];
  readonly packageMs: number;
}

export interface IdleCheck {
  /** Hosts whose probe the log shows watched (`[heartbeat] watching <alias> (`). */
  readonly watchedInLog: number;
  /** Hosts whose state went to up in the log. */
  readonly upInLog: number;
  /** Probe connections the extension host holds to the expected sshd ports (one per host). */
  readonly probeSockets: number;
  /** Terminal ssh clients connected to their sshd. */
  readonly sshConnected: number;
}

export interface IdleWindow {
  readonly workbench: 'ours' | 'baseline';
  /** Hosts watched by us (ours) or ssh terminals open (baseline). */
  readonly hosts: number;
  readonly terminals: number;
  readonly process: ProcessWindow;
  readonly rssMedianKiB: number;
  readonly rssMaxKiB: number;
  /** Measured at the largest step only, in a window of its own right after the CPU window. */
  readonly loopDelay: LoopDelay | null;
  readonly before: IdleCheck;
  readonly after: IdleCheck;
  /** State changes our log shows during the window (a probe that dropped or reconnected). */
  readonly changesDuringWindow: readonly string[];
  /** Our status bar item, when shown. */
  readonly statusbar: string | null;
}

export interface OverheadData {
  readonly plan: OverheadPlan;
  readonly targets: typeof overheadTargets;
  readonly vscodeVersion: string;
  readonly bundle: BundleFigures | null;
  readonly activation: ActivationFigures | null;
  readonly idle: readonly IdleWindow[];
  readonly wire: WireResult | null;
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------- formatting

const kib = (bytes: number): string => `${sig3(bytes / 1024)} KiB`;
const fmtMs = (s: Summary | undefined): string => (s === undefined || s.runs === 0 ? 'n/a' : s.runs === 1 ? `${sig3(s.median)} ms` : `${sig3(s.median)} ms (${sig3(s.min)}–${sig3(s.max)})`);
const pct = (n: number): string => `${n < 0.1 ? n.toFixed(3) : n.toFixed(2)} %`;
const mib = (k: number): string => `${sig3(k / 1024)} MiB`;

function median(values: readonly number[]): number {
  return summarize(values).median;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message.split('\n').slice(0, 4).join(' / ') : String(err);
}

// ---------------------------------------------------------------- activation

function markSpan(marks: readonly PerfMark[], from: string, to: string): number | null {
  const a = marks.find((m) => m.name === from)?.startTime;
  const b = marks.find((m) => m.name === to)?.startTime;
  return a === undefined || b === undefined ? null : b - a;
}

async function activationEventOf(logsDir: string): Promise<string | null> {
  const file = await newestFile(logsDir, 'remoteexthost.log');
  const text = file === undefined ? '' : await readFile(file, 'utf8');
  const m = new RegExp(`_doActivateExtension ${OUR_ID.replace('.', '\\.')}, startup: \\w+, activationEvent: '([^']+)'`).exec(text);
  return m?.[1] ?? null;
}

interface Shared {
  readonly root: string;
  readonly tmp: string;
  readonly vscodeDir: string;
  readonly chromium: Chromium;
  readonly entryPath: string;
  readonly workspaceDir: string;
  readonly harnessDir: string;
  readonly emptyExtensionsDir: string;
  /** Where ours is: installed into an extensions dir, or a folder to load as the extension under development. */
  readonly ours: { readonly kind: 'vsix'; readonly extensionsDir: string } | { readonly kind: 'staged build'; readonly path: string };
  readonly displayName: string;
  readonly log: (line: string) => void;
}

function oursLocation(s: Shared): { extensionsDir: string; developmentPath: string } {
  return s.ours.kind === 'vsix' ? { extensionsDir: s.ours.extensionsDir, developmentPath: s.harnessDir } : { extensionsDir: s.emptyExtensionsDir, developmentPath: s.ours.path };
}

async function openOurs(s: Shared, stateDir: string): Promise<Workbench> {
  return openWorkbench({
    vscodeDir: s.vscodeDir,
    chromium: s.chromium,
    stateDir,
    ...oursLocation(s),
    entryPath: s.entryPath,
    workspaceDir: s.workspaceDir,
    serverLog: path.join(s.tmp, 'server.log'),
  });
}

async function oneStart(s: Shared, stateDir: string): Promise<ActivationStart> {
  const wb = await openOurs(s, stateDir);
  try {
    const ids = [OUR_ID, ...PEERS.map((p) => p.id)];
    const report = await wb.act({ kind: 'activation', extensionIds: ids, timeoutMs: 30_000 }, 45_000);
    if (report.kind !== 'activation') {
      throw new Error(`expected an activation report, got ${report.kind}`);
    }
    if (report.active[OUR_ID] !== true) {
      throw new Error(`${OUR_ID} was not active 30 s after the workbench started`);
    }
    // An installed extension's row shows its display name; the extension under development's, its id.
    const rows = await runningExtensions(wb.page, [s.displayName, OUR_ID]);
    const shown = (label: string, id: string): number | null => rows.find((r) => r.name === label || r.name === id)?.ms ?? null;
    const labels: Record<string, string> = { [OUR_ID]: s.displayName, ...Object.fromEntries(PEERS.map((p) => [p.id, p.label])) };
    const per = (f: (id: string) => number | null): Record<string, number | null> => Object.fromEntries(ids.map((id) => [id, f(id)]));
    return {
      vscodeMs: per((id) => shown(labels[id] as string, id)),
      codeLoadingMs: per((id) => markSpan(report.marks, `code/extHost/willLoadExtensionCode/${id}`, `code/extHost/didLoadExtensionCode/${id}`)),
      activateSpanMs: per((id) => markSpan(report.marks, `code/extHost/willActivateExtension/${id}`, `code/extHost/didActivateExtension/${id}`)),
      activationEvent: await activationEventOf(wb.logsDir),
      workbenchStartMs: wb.startMs,
    };
  } finally {
    await wb.close();
  }
}

async function measureActivation(s: Shared, plan: OverheadPlan, problems: string[]): Promise<ActivationFigures> {
  const stateDir = path.join(s.tmp, 'activation-state');
  const starts: ActivationStart[] = [];
  for (let i = 0; i < plan.warmupStarts + plan.activationStarts; i += 1) {
    const warm = i < plan.warmupStarts;
    const start = await oneStart(s, stateDir);
    s.log(`activation: start ${i + 1}${warm ? ' (warm-up)' : ''}: ${s.displayName} ${start.vscodeMs[OUR_ID] ?? 'n/a'} ms, ${PEERS.map((p) => `${p.label} ${start.vscodeMs[p.id] ?? 'n/a'} ms`).join(', ')}`);
    if (!warm) {
      starts.push(start);
    }
  }
  const values = (f: (st: ActivationStart) => number | null): number[] => starts.map(f).filter((v): v is number => v !== null);
  const ours = summarize(values((st) => st.vscodeMs[OUR_ID] ?? null));
  const peers = PEERS.map((p) => ({ id: p.id, label: p.label, ms: summarize(values((st) => st.vscodeMs[p.id] ?? null)) }));
  for (const p of peers) {
    if (p.ms.runs < starts.length) {
      problems.push(`activation: ${p.label} (${p.id}) had no activation time in ${starts.length - p.ms.runs} of ${starts.length} starts`);
    }
  }
  const first = peers[0];
  return {
    what: "VS Code's own activation time (Developer: Show Running Extensions: code loading + activate call), one fresh server and extension host per start, warm profile",
    extension: s.ours.kind,
    warmupStarts: plan.warmupStarts,
    ours,
    oursCodeLoading: summarize(values((st) => st.codeLoadingMs[OUR_ID] ?? null)),
    peers,
    ratioToPeer: first === undefined || !(first.ms.median > 0) ? null : ours.median / first.ms.median,
    starts,
  };
}

// ---------------------------------------------------------------- idle

interface Fleet {
  readonly fixtures: readonly SshdFixture[];
  /** Client config with `Host test1` … `Host testN`, each to its own sshd. */
  readonly configPath: string;
  readonly remoteHome: string;
  stop(): Promise<void>;
}

/**
 * N sshd fixtures, each on its own port: the heartbeat keys a host by
 * user@HostName:Port, so N aliases of one sshd would be one probe. Their client
 * configs are joined into one with the alias renamed.
 */
async function startFleet(n: number, dir: string): Promise<Fleet> {
  const fixtures: SshdFixture[] = [];
  // Remote shells get a HOME without rc files, as in the vscode test tier: a slow ~/.bashrc is not what is measured.
  const remoteHome = await mkdtemp(path.join(tmpdir(), 'lifeline-bench-remote-home-'));
  const stop = async (): Promise<void> => {
    await Promise.all(fixtures.map((f) => f.stop().catch(() => undefined)));
    await rm(remoteHome, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < n; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, n - i) }, () => startSshd({ sshdOptions: { SetEnv: `HOME=${remoteHome}` } })),
      );
      fixtures.push(...batch);
    }
    const blocks = await Promise.all(fixtures.map(async (f, i) => (await readFile(f.configPath, 'utf8')).replace(/^Host testhost$/m, `Host test${i + 1}`)));
    const configPath = path.join(dir, 'ssh_config');
    await writeFile(configPath, blocks.join('\n'), { mode: 0o600 });
    return { fixtures, configPath, remoteHome, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const alias = (i: number): string => `test${i + 1}`;

async function ourLog(logsDir: string): Promise<string> {
  const file = await newestFile(logsDir, 'SSH Lifeline.log');
  return file === undefined ? '' : readFile(file, 'utf8');
}

async function check(wb: Workbench, fleet: Fleet, shellPids: readonly number[], hosts: number, ours: boolean): Promise<IdleCheck> {
  const indices = Array.from({ length: hosts }, (_, i) => i);
  const ports = new Set(indices.map((i) => (fleet.fixtures[i] as SshdFixture).port));
  const log = ours ? await ourLog(wb.logsDir) : '';
  const probePorts = ours ? (await connectedPorts(wb.hostPid)).filter((p) => ports.has(p)) : [];
  const table = processTable();
  let sshConnected = 0;
  for (const [i, shell] of shellPids.entries()) {
    const port = fleet.fixtures[i]?.port;
    for (const ssh of childrenNamed(table, shell, 'ssh')) {
      if ((await connectedPorts(ssh).catch((): number[] => [])).includes(port ?? -1)) {
        sshConnected += 1;
        break;
      }
    }
  }
  return {
    watchedInLog: indices.filter((i) => log.includes(`[heartbeat] watching ${alias(i)} (`)).length,
    upInLog: indices.filter((i) => new RegExp(`\\[health\\] ${alias(i)}: \\S+ → up`).test(log)).length,
    probeSockets: new Set(probePorts).size === probePorts.length ? probePorts.length : -probePorts.length,
    sshConnected,
  };
}

function ready(c: IdleCheck, hosts: number, ours: boolean): boolean {
  return c.sshConnected === hosts && (!ours || (c.watchedInLog === hosts && c.upInLog === hosts && c.probeSockets === hosts));
}

const describeCheck = (c: IdleCheck, ours: boolean): string =>
  ours ? `${c.sshConnected} terminal ssh connected, ${c.watchedInLog} watched and ${c.upInLog} up in our log, ${c.probeSockets} probe connections` : `${c.sshConnected} terminal ssh connected`;

async function idleRun(s: Shared, which: 'ours' | 'baseline', steps: readonly number[], fleet: Fleet, plan: OverheadPlan, problems: string[]): Promise<IdleWindow[]> {
  const ours = which === 'ours';
  const stateDir = path.join(s.tmp, `idle-${which}-state`);
  const wb = ours
    ? await openOurs(s, stateDir)
    : await openWorkbench({
        vscodeDir: s.vscodeDir,
        chromium: s.chromium,
        stateDir,
        extensionsDir: s.emptyExtensionsDir,
        developmentPath: s.harnessDir,
        entryPath: s.entryPath,
        workspaceDir: s.workspaceDir,
        serverLog: path.join(s.tmp, 'server.log'),
      });
  const windows: IdleWindow[] = [];
  const shellPids: number[] = [];
  try {
    if (ours) {
      const report = await wb.act({ kind: 'activation', extensionIds: [OUR_ID], timeoutMs: 30_000 }, 45_000);
      if (report.kind !== 'activation' || report.active[OUR_ID] !== true) {
        throw new Error(`${OUR_ID} did not activate`);
      }
    }
    for (const hosts of steps) {
      if (hosts > shellPids.length) {
        const terminals = Array.from({ length: hosts - shellPids.length }, (_, k) => {
          const i = shellPids.length + k;
          return { name: `ssh ${alias(i)}`, command: `ssh -F '${fleet.configPath}' ${alias(i)}` };
        });
        const opened: HostReport = await wb.act({ kind: 'open', terminals }, 60_000 + terminals.length * 2_000);
        if (opened.kind !== 'opened') {
          throw new Error(`expected the terminals' shell pids, got ${opened.kind}`);
        }
        shellPids.push(...opened.shellPids);
      }
      const deadline = performance.now() + 45_000 + hosts * 1_000;
      let before = await check(wb, fleet, shellPids, hosts, ours);
      while (!ready(before, hosts, ours)) {
        if (performance.now() > deadline) {
          throw new Error(`${which}, ${hosts} hosts: not ready: ${describeCheck(before, ours)}`);
        }
        await sleep(500);
        before = await check(wb, fleet, shellPids, hosts, ours);
      }
      const settle = windows.length === 0 ? plan.firstSettleMs : plan.settleMs;
      s.log(`idle ${which}: ${describeCheck(before, ours)}; settling ${settle / 1000} s, then ${plan.soakMs / 1000} s window`);
      await sleep(settle);
      const logBefore = ours ? (await ourLog(wb.logsDir)).length : 0;
      const window = await sampleProcess(wb.hostPid, plan.soakMs);
      let loopDelay: LoopDelay | null = null;
      if (hosts === Math.max(...steps)) {
        const measured = await wb.act({ kind: 'measure', ms: plan.loopDelayMs, resolutionMs: LOOP_RESOLUTION_MS }, plan.loopDelayMs + 30_000);
        if (measured.kind !== 'measured') {
          throw new Error(`expected the event loop's delay, got ${measured.kind}`);
        }
        loopDelay = measured.delay;
      }
      const after = await check(wb, fleet, shellPids, hosts, ours);
      const changes = ours
        ? (await ourLog(wb.logsDir))
            .slice(logBefore)
            .split('\n')
            .filter((l) => /\[health\] .* → /.test(l))
            .map((l) => l.replace(/^\S+ \S+ \[\w+\] /, ''))
        : [];
      if (!ready(after, hosts, ours)) {
        problems.push(`idle ${which}, ${hosts} hosts: after the window only ${describeCheck(after, ours)}`);
      }
      const texts = ours ? await statusbarTexts(wb.page).catch(() => []) : [];
      const statusbar = texts.find((t) => /\btest\d+\b|\bhosts?\b/.test(t)) ?? null;
      const entry: IdleWindow = {
        workbench: which,
        hosts,
        terminals: shellPids.length,
        process: window,
        rssMedianKiB: median(window.rssKiB),
        rssMaxKiB: Math.max(...window.rssKiB),
        loopDelay,
        before,
        after,
        changesDuringWindow: changes,
        statusbar,
      };
      s.log(
        `idle ${which}, ${hosts} hosts: CPU ${pct(window.selfPercent)} (+ ${pct(window.childPercent)} in helpers), RSS ${mib(entry.rssMedianKiB)}${loopDelay === null ? '' : `, loop delay p99 ${sig3(loopDelay.p99Ms)} ms`}${statusbar === null ? '' : `, status bar "${statusbar}"`}`,
      );
      windows.push(entry);
    }
  } finally {
    await wb.close();
  }
  return windows;
}

// ---------------------------------------------------------------- report

function idleOf(data: OverheadData, which: 'ours' | 'baseline', hosts: number): IdleWindow | undefined {
  return data.idle.find((w) => w.workbench === which && w.hosts === hosts);
}

const windowLabel = (win: IdleWindow): string =>
  win.workbench === 'ours' ? `${win.hosts} host${win.hosts === 1 ? '' : 's'} watched` : `baseline (no extension of ours), ${win.hosts} ssh terminal${win.hosts === 1 ? '' : 's'}`;

function report(data: OverheadData, quick: boolean): string {
  const t = data.targets;
  const rows: string[][] = [];
  const a = data.activation;
  if (a !== null) {
    rows.push([`Activation, VS Code's own figure (${a.ours.runs} fresh start${a.ours.runs === 1 ? '' : 's'})`, fmtMs(a.ours), `≤ ${t.activationMs} ms`]);
    rows.push(['… of which loading the code (VS Code marks)', fmtMs(a.oursCodeLoading), '']);
    for (const p of a.peers) {
      rows.push([`Peer: ${p.label} (built-in, onStartupFinished), same starts`, fmtMs(p.ms), '']);
    }
    const first = a.peers[0];
    if (first !== undefined) {
      rows.push([`Ours / ${first.label}`, formatRatio(a.ours.median, first.ms.median), '']);
    }
  }
  const b = data.bundle;
  if (b !== null) {
    for (const o of b.outputs) {
      rows.push([`${o.file}, minified (gzip)`, `${kib(o.bytes)} (${kib(o.gzipBytes)})`, o.file === 'dist/extension.js' ? `≤ ${kib(t.extensionBundleBytes)}` : '']);
    }
    rows.push([
      b.vsix?.packagedWith === 'npm run package' ? '.vsix' : `.vsix${b.vsix === null ? '' : ` (${b.vsix.packagedWith}: npm run package failed)`}`,
      b.vsix === null ? 'n/a (not packaged)' : kib(b.vsix.bytes),
      '',
    ]);
  }
  const w = data.wire;
  if (w !== null) {
    const pb = w.perBeat;
    rows.push([
      `Bytes on the wire per beat, one host (IP, ${w.beats} beats)`,
      `${sig3(pb.sentBytes + pb.receivedBytes)} B: sent ${sig3(pb.sentBytes)} B in ${sig3(pb.sentPackets)} packets, received ${sig3(pb.receivedBytes)} B in ${sig3(pb.receivedPackets)}`,
      `≤ ${t.bytesPerBeat} B`,
    ]);
    rows.push([
      '… of which SSH payload (ss bytes_sent / bytes_received)',
      pb.payloadSent === undefined || pb.payloadReceived === undefined ? 'n/a' : `${sig3(pb.payloadSent + pb.payloadReceived)} B: sent ${sig3(pb.payloadSent)} B, received ${sig3(pb.payloadReceived)} B`,
      '',
    ]);
  }
  const oursMax = Math.max(0, ...data.idle.filter((x) => x.workbench === 'ours').map((x) => x.hosts));
  for (const win of data.idle) {
    rows.push([
      `Idle CPU of the extension host, ${windowLabel(win)}`,
      `${pct(win.process.selfPercent)} of a core (+ ${pct(win.process.childPercent)} in helpers it ran)`,
      win.workbench === 'ours' && win.hosts === 50 ? `≤ ${t.idleCpuPercentAt50} %` : '',
    ]);
  }
  for (const win of data.idle.filter((x) => x.workbench === 'ours')) {
    const base = idleOf(data, 'baseline', win.hosts);
    if (base !== undefined) {
      const self = win.process.selfPercent - base.process.selfPercent;
      const withHelpers = self + win.process.childPercent - base.process.childPercent;
      rows.push([`… ours minus the baseline, ${win.hosts} hosts`, `${pct(self)} of a core (${pct(withHelpers)} with helpers)`, win.hosts === 50 ? `≤ ${t.idleCpuPercentAt50} %` : '']);
    }
  }
  for (const win of data.idle) {
    rows.push([`RSS of the extension host, ${windowLabel(win)}`, `${mib(win.rssMedianKiB)} (max ${mib(win.rssMaxKiB)})`, '']);
  }
  for (const win of data.idle) {
    if (win.loopDelay !== null) {
      rows.push([`Event-loop delay p99 of the extension host, ${windowLabel(win)}`, `${sig3(win.loopDelay.p99Ms)} ms (p50 ${sig3(win.loopDelay.p50Ms)}, max ${sig3(win.loopDelay.maxMs)})`, '']);
    }
  }
  const parts = [markdownTable(['figure', 'value', 'target'], rows, ['left', 'right', 'right'])];

  if (data.idle.length > 0) {
    parts.push(
      '',
      `Idle windows: ${sig3(data.plan.soakMs / 1000)} s each for CPU and RSS, after ${sig3(data.plan.settleMs / 1000)} s of settling (${sig3(data.plan.firstSettleMs / 1000)} s for a workbench's first); the event loop's delay in a window of its own (${sig3(data.plan.loopDelayMs / 1000)} s) after the CPU window at ${oursMax} hosts. CPU from /proc/<pid>/stat at ${data.idle[0]?.process.ticksPerSecond ?? 100} ticks/s:`,
      '',
      markdownTable(
        ['workbench', 'hosts', 'CPU ticks (self + helpers)', 'CPU % of a core', 'RSS median / max / peak', 'loop delay p50 / p99 / max', 'confirmed before → after', 'state changes in window'],
        data.idle.map((win) => [
          win.workbench,
          String(win.hosts),
          `${win.process.selfTicks} + ${win.process.childTicks}`,
          `${pct(win.process.selfPercent)} + ${pct(win.process.childPercent)}`,
          `${mib(win.rssMedianKiB)} / ${mib(win.rssMaxKiB)} / ${mib(win.process.hwmKiB)}`,
          win.loopDelay === null ? '' : `${sig3(win.loopDelay.p50Ms)} / ${sig3(win.loopDelay.p99Ms)} / ${sig3(win.loopDelay.maxMs)} ms`,
          win.workbench === 'ours' ? `${win.before.probeSockets} → ${win.after.probeSockets} probes up` : `${win.before.sshConnected} → ${win.after.sshConnected} ssh`,
          win.changesDuringWindow.length === 0 ? 'none' : win.changesDuringWindow.join('; '),
        ]),
        ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      ),
    );
  }
  if (a !== null) {
    parts.push(
      '',
      `Activation per start (${a.extension === 'vsix' ? 'the packaged .vsix installed into the server' : 'the production build loaded as the extension under development: packaging failed'}; ${a.warmupStarts} untimed warm-up start${a.warmupStarts === 1 ? '' : 's'} before). "Activate span" is the marks around the activate call and its promise, which waits behind the other extensions activated at the same moment:`,
      '',
      markdownTable(
        ['start', 'ours', 'ours: code loading', 'ours: activate span', ...a.peers.map((p) => p.label), 'activated by', 'workbench up'],
        a.starts.map((st, i) => [
          String(i + 1),
          `${st.vscodeMs[OUR_ID] ?? 'n/a'} ms`,
          `${st.codeLoadingMs[OUR_ID] ?? 'n/a'} ms`,
          `${st.activateSpanMs[OUR_ID] ?? 'n/a'} ms`,
          ...a.peers.map((p) => `${st.vscodeMs[p.id] ?? 'n/a'} ms`),
          st.activationEvent ?? 'n/a',
          `${sig3(st.workbenchStartMs / 1000)} s`,
        ]),
        ['right', 'right', 'right', 'right', ...a.peers.map(() => 'right' as const), 'left', 'right'],
      ),
    );
  }
  if (b !== null) {
    for (const inp of b.inputs) {
      parts.push(
        '',
        `Biggest inputs of ${inp.output} (${kib(inp.outputBytes)} minified; what each contributes to it):`,
        '',
        markdownTable(
          ['package or source folder', 'bytes', 'share'],
          inp.groups.slice(0, 8).map((g) => [g.name, kib(g.bytes), `${((g.bytes / inp.outputBytes) * 100).toFixed(1)} %`]),
          ['left', 'right', 'right'],
        ),
      );
    }
    if (b.vsix !== null) {
      const shown = b.vsix.entries.slice(0, 6).map((e) => `${e.name.replace(/^extension\//, '')} ${kib(e.bytes)}`);
      parts.push('', `${b.vsix.file} holds (uncompressed): ${shown.join(', ')}${b.vsix.entries.length > 6 ? `, and ${b.vsix.entries.length - 6} smaller files` : ''}.`);
    }
  }
  if (w !== null) {
    parts.push(
      '',
      `Wire: \`ssh-lifeline watch --json\` (the packaged dist/cli.js, default ${w.intervalSeconds} s interval) to one host over the faults tier's veth link; iptables counters in the client namespace read half an interval after beat k and after beat k + ${w.beats} (${sig3(w.seconds)} s); median round trip ${sig3(w.medianRttMs)} ms; ${w.probeSockets} probe connection${w.probeSockets === 1 ? '' : 's'} at the end${w.stateChanges.length > 0 ? `; state changes meanwhile: ${w.stateChanges.join(', ')}` : ''}. IP bytes include the IP and TCP headers (52 bytes per packet with TCP timestamps), not Ethernet framing.`,
    );
  }
  parts.push(
    '',
    `Method: VS Code ${data.vscodeVersion} server build, web workbench in headless Chromium, port auto-forwarding off (its /proc polling exists only in a remote extension host). CPU is utime+stime of the extension host process itself; "helpers" are the short-lived programs it ran and waited for (cutime+cstime: \`ss\`, \`ssh -G\`). The event-loop delay is perf_hooks.monitorEventLoopDelay (resolution ${LOOP_RESOLUTION_MS} ms) run inside the extension host by the bench's extension-tests entry.${quick ? ' Quick run: one start, short windows, few hosts: a smoke test, not the figures.' : ''}`,
  );
  if (data.notes.length > 0) {
    parts.push('', '**Notes:**', '', ...data.notes.map((n) => `- ${n}`));
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------- run

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const { root, log } = options;
  const plan = options.quick ? quickPlan : fullPlan;
  const problems: string[] = [];
  const notes: string[] = [];
  const tmp = options.tmpDir;
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { displayName: string };

  let bundle: BundleFigures | null = null;
  let pkg: PackageResult | undefined;
  log('overhead: npm run package in a copy of the working tree');
  try {
    pkg = await buildPackage(root, path.join(tmp, 'bundle'));
    bundle = {
      outputs: pkg.outputs,
      vsix: pkg.vsix === undefined ? null : { file: pkg.vsix.file, packagedWith: pkg.vsix.packagedWith, bytes: pkg.vsix.bytes, entries: pkg.vsix.entries },
      vsixError: pkg.vsixError ?? null,
      inputs: pkg.inputs,
      packageMs: pkg.packageMs,
    };
    if (pkg.vsixError !== undefined) {
      problems.push(`package: ${pkg.vsixError}${pkg.vsix === undefined ? '' : ` (the .vsix measured was made by ${pkg.vsix.packagedWith} instead)`}`);
    }
    if (!pkg.outputs.some((o) => o.file === 'dist/extension.js')) {
      problems.push('package: the production build wrote no dist/extension.js');
    }
    log(`overhead: ${pkg.outputs.map((o) => `${o.file} ${kib(o.bytes)}`).join(', ')}${pkg.vsix === undefined ? '' : `; ${pkg.vsix.file} ${kib(pkg.vsix.bytes)}`}`);
  } catch (err) {
    problems.push(`package: not measured: ${describeError(err)}`);
  }

  const maxHosts = Math.max(0, ...plan.hostSteps, ...plan.baselineSteps);
  let fleet: Fleet | undefined;
  let chromium: Chromium | undefined;
  let wire: WireResult | null = null;
  let activation: ActivationFigures | null = null;
  const idle: IdleWindow[] = [];
  try {
    // The wire count needs no quiet machine (it counts bytes, not time): it runs while the sshd fleet starts.
    const cli = pkg?.outputs.some((o) => o.file === 'dist/cli.js') === true ? path.join(pkg.stageDir, 'dist', 'cli.js') : path.join(root, 'dist', 'cli.js');
    log(`overhead: bytes per beat (${plan.wireBeats} beats) while ${maxHosts} sshd start`);
    const [wireOutcome, fleetOutcome] = await Promise.allSettled([measureWire(cli, plan.wireBeats, DEFAULT_INTERVAL_SECONDS, log), startFleet(maxHosts, tmp)]);
    if (wireOutcome.status === 'fulfilled') {
      wire = wireOutcome.value;
      if (wire.probeSockets !== 1 || wire.stateChanges.length > 0) {
        problems.push(`wire: ${wire.probeSockets} probe connections at the end, state changes ${wire.stateChanges.join(', ') || 'none'}: a reconnect's handshake may be in the count`);
      }
    } else {
      problems.push(`wire: not measured: ${describeError(wireOutcome.reason)}`);
    }
    if (fleetOutcome.status === 'fulfilled') {
      fleet = fleetOutcome.value;
    } else {
      problems.push(`idle: the sshd fleet did not start: ${describeError(fleetOutcome.reason)}`);
    }

    if (pkg !== undefined) {
      const vscodeDir = await installVscodeServer({ log: (line) => log(`vscode-server: ${line}`) });
      const shared0 = {
        root,
        tmp,
        vscodeDir,
        entryPath: await bundleHostEntry(root, path.join(tmp, 'entry')),
        workspaceDir: path.join(tmp, 'workspace'),
        harnessDir: await writeHarnessExtension(path.join(tmp, 'harness')),
        emptyExtensionsDir: path.join(tmp, 'no-extensions'),
        displayName: manifest.displayName,
        log,
      };
      await writeBenchWorkspace(shared0.workspaceDir);
      await mkdir(shared0.emptyExtensionsDir, { recursive: true });
      let ours: Shared['ours'];
      if (pkg.vsix !== undefined) {
        const extensionsDir = path.join(tmp, 'extensions');
        await installVsixIntoServer(pkg.vsix.path, extensionsDir, { vscodeDir, serverDataDir: path.join(tmp, 'install-state') });
        ours = { kind: 'vsix', extensionsDir };
      } else {
        ours = { kind: 'staged build', path: pkg.stageDir };
        notes.push('Packaging failed, so the extension measured is the production build of the same copy, loaded as the extension under development instead of installed from a .vsix.');
      }
      chromium = await launchChromium();
      const shared: Shared = { ...shared0, chromium, ours };

      log(`overhead: activation, ${plan.warmupStarts} warm-up + ${plan.activationStarts} fresh starts`);
      try {
        activation = await measureActivation(shared, plan, problems);
      } catch (err) {
        problems.push(`activation: not measured: ${describeError(err)}`);
      }

      if (fleet !== undefined) {
        for (const [which, steps] of [
          ['ours', plan.hostSteps],
          ['baseline', plan.baselineSteps],
        ] as const) {
          log(`overhead: idle, ${which}: ${steps.join(', ')} hosts`);
          try {
            idle.push(...(await idleRun(shared, which, steps, fleet, plan, problems)));
          } catch (err) {
            problems.push(`idle ${which}: not measured: ${describeError(err)}`);
          }
        }
      }
    } else {
      problems.push('activation and idle: not measured: there is no build to load');
    }
  } finally {
    await chromium?.close();
    await fleet?.stop();
  }

  const data: OverheadData = { plan, targets: overheadTargets, vscodeVersion, bundle, activation, idle, wire, notes };
  return { markdown: report(data, options.quick), data, problems };
}

export const overheadScenario: Scenario = {
  name: 'overhead',
  description: 'cost of running us: activation in the real VS Code host, bundle and .vsix size, idle CPU/RSS and event-loop delay with 1–50 hosts, bytes per heartbeat',
  run,
};
