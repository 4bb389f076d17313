/**
 * Recovery scenario: a dead link comes back; how long until the user's remote
 * tmux session is attached again and accepting input, for our reattaching
 * wrapper and its peers, all on the same fault.
 *
 * The namespace topology of the faults tier: sshd in the server namespace,
 * three clients in the client namespace, each in a terminal of its own (a
 * pane of a private local tmux server), each keeping its own remote tmux
 * session attached:
 * - ours: `ssh-lifeline ssh --tmux bench-lifeline -F CFG testhost` (the built
 *   dist/cli.js, its default settings);
 * - autossh: `autossh -M 0 -o ServerAliveInterval=15 -o ServerAliveCountMax=3
 *   -F CFG -t testhost 'tmux new -A -s bench-autossh'` with AUTOSSH_GATETIME=0,
 *   what people set up by hand. The remote command is one quoted word:
 *   autossh parses its arguments with GNU getopt, which moves options found
 *   after the host to the front, so an unquoted `tmux new -A -s NAME` hands
 *   `-A -s` to ssh ("subsystem request failed on channel 0");
 * - mosh: `mosh --ssh="ssh -F CFG" testhost -- tmux new -A -s bench-mosh`,
 *   for reference: it never detaches.
 * Each session has a name of its own: our `attach-session -d` would otherwise
 * detach the peers' clients. The remote tmux server lives in a private
 * TMUX_TMPDIR and the remote shells get a HOME of their own (sshd's SetEnv):
 * never the machine's tmux, never its user's startup files.
 *
 * Each run: all three attached and idle; the link black-holed long enough
 * for ServerAlive 15×3 to have ended autossh's ssh (45–60 s); healed; then,
 * per tool, a marker command typed and the time from the heal to its output
 * on that terminal's screen. Figures and ratios only; a run is a problem only
 * when the measurement is not what it claims (a new session appeared, a
 * session lost or doubled its client, the output did not come from the
 * tool's own session).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CONNECT_TIMEOUT_SECONDS } from '../../src/cli/sshCommand';
import { RetryPolicy } from '../../src/core/reattach/policy';
import { DEFAULT_KEEPALIVE } from '../../src/core/reattach/relaunch';
import { createTopology, type Topology } from '../../test/fixtures/netns';
import { startSshd, type SshdFixture } from '../../test/fixtures/sshd';
import { markdownTable } from '../lib/markdown';
import type { BenchOptions, Scenario, ScenarioResult, ToolTimes } from '../lib/scenario';
import { formatRatio, sig3, summarize, type Summary } from '../lib/stats';
import { Terminal } from '../lib/terminal';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- plan

export interface RecoveryPlan {
  readonly runs: number;
  /** How long the link stays black-holed. */
  readonly blackholeSeconds: number;
  /** After the heal, a tool gets this long to echo the marker. */
  readonly capSeconds: number;
  /**
   * Idle time, all attached, before each fault: this plus 3 s × (run − 1) mod 15 s, so that the faults land at
   * different points of the keepalive cycles (15 s for ServerAlive 15×3, 10 s for ours, tmux's 15 s status
   * redraw) and so of the reconnect cycles after them.
   */
  readonly idleSeconds: number;
}

/**
 * 70 s: ServerAlive 15×3 ends autossh's ssh 45–60 s into the black hole, our
 * wrapper's (10×3) 30–40 s in; the rest leaves each a few reconnect attempts
 * into the dead link, as after a real outage.
 */
const fullPlan: RecoveryPlan = { runs: 5, blackholeSeconds: 70, capSeconds: 60, idleSeconds: 5 };
/** 45 s: our wrapper has noticed; autossh's ssh (45–60 s) most likely not yet. */
const quickPlan: RecoveryPlan = { runs: 1, blackholeSeconds: 45, capSeconds: 45, idleSeconds: 3 };

/** Screen and client-list polling. */
const POLL_MS = 50;
/** No output this long after typing: type the marker again. */
const RETYPE_MS = 5000;
/** After a run, how long each session may take to be down to its one client. */
const SETTLE_MS = 15_000;

// ---------------------------------------------------------------- data

export type RecoveryTool = 'lifeline' | 'autossh' | 'mosh';

/** One ssh process of a tool (ours: each attempt; autossh: each ssh it ran), seen by polling /proc. */
export interface SshProcessSeen {
  readonly pid: number;
  /** First seen, seconds relative to the heal (negative: before it). */
  readonly firstSeenSeconds: number;
  /** Last seen alive; null when still running at the end of the run. */
  readonly goneSeconds: number | null;
  /** The tool's ssh when the fault began (the session's own connection). */
  readonly beforeFault: boolean;
}

/** A connect in progress at the heal, from `ss -tnpo state syn-sent` in the client namespace. */
export interface SynSentAtHeal {
  readonly pid: number;
  readonly tool: RecoveryTool | null;
  /** SYN retransmissions already sent. */
  readonly retransmits: number;
  /** When the kernel would send the next SYN, seconds after the heal. */
  readonly nextSynSeconds: number;
}

/** The client namespace's SYN retransmission settings, and the SYN times they give a connect into a dead link. */
export interface SynSchedule {
  /** net.ipv4.tcp_syn_linear_timeouts; null where the kernel has none (before Linux 6.5). */
  readonly linearTimeouts: number | null;
  readonly synRetries: number;
  /** Seconds after the first SYN. */
  readonly synTimesSeconds: readonly number[];
}

export interface ToolRun {
  readonly tool: RecoveryTool;
  /**
   * What happened to the tool's ssh: `ended-before-heal` (it noticed the dead
   * link and reconnected), `ended-after-heal` (noticed only after the heal),
   * `survived` (the same connection throughout), `no-ssh` (mosh).
   */
  readonly connection: 'ended-before-heal' | 'ended-after-heal' | 'survived' | 'no-ssh';
  /** Heal → a new tmux client of its session (server side); null when none came. */
  readonly attachSeconds: number | null;
  /** Heal → the marker typed the last time. */
  readonly typedSeconds: number | null;
  /** Heal → the marker's output on the tool's screen; null over the cap. */
  readonly inputSeconds: number | null;
  /** How often the marker was typed (again after RETYPE_MS without output, or once a new client attached). */
  readonly typings: number;
  /** Clients of its session once the run settled. */
  readonly clientsAfter: number;
  /** Of those, clients attached before the fault (a ghost of the dead connection, or the same client). */
  readonly oldClientsAfter: number;
  /**
   * Heal → its session down to one client, the tool's own (for a tool that reconnected: the new client, the dead
   * connection's gone); null when not within SETTLE_MS after the echo.
   */
  readonly settledSeconds: number | null;
  /** The output is also in the remote pane of its own session (it came from inside that tmux). */
  readonly outputInSession: boolean;
  readonly sshProcesses: readonly SshProcessSeen[];
}

/** Where our wrapper's reconnect cycle was when the link came back, from its ssh processes. */
export interface LifelineAtHeal {
  /**
   * `connecting`: an attempt was under way and a SYN of it got through; `connect-timed-out`: an attempt was
   * under way but ended by its ConnectTimeout before its next SYN, so a later one connected; `pausing`: between
   * attempts; `unknown`: no attempt seen.
   */
  readonly phase: 'connecting' | 'connect-timed-out' | 'pausing' | 'unknown';
  /** How long the attempt had been connecting (connecting phases), or since the last attempt ended (pausing). */
  readonly sinceSeconds: number | null;
  /** When the attempt that attached started, relative to the heal. */
  readonly attachedAttemptStartSeconds: number | null;
}

export interface RecoveryRun {
  readonly run: number;
  readonly loadAverage1m: number;
  /** All attached and idle this long before the fault. */
  readonly idleSeconds: number;
  readonly blackholeSeconds: number;
  readonly tools: readonly ToolRun[];
  readonly lifelineAtHeal: LifelineAtHeal;
  readonly synSentAtHeal: readonly SynSentAtHeal[];
  /** What our wrapper wrote to its terminal during the run (its "connection lost … reconnecting in …" lines). */
  readonly lifelineSaid: readonly string[];
  /** The lines `ss -tnpo state syn-sent` printed (header left out). */
  readonly ssAtHeal: readonly string[];
  /** When that `ss` had answered, seconds after the heal. */
  readonly ssAfterSeconds: number;
  /** Every session has the same id and creation time as before the first run, and no other exists. */
  readonly sameSessions: boolean;
}

/** What `data` holds (bench/results/<date>-recovery.json). */
export interface RecoveryData {
  readonly plan: RecoveryPlan;
  /** Heal → input echoed, seconds, in the order lifeline, autossh, mosh. */
  readonly tools: readonly ToolTimes[];
  /** Heal → a new tmux client attached (server side), for the two that reconnect; runs in which the tool's ssh survived the fault left out. */
  readonly attach: readonly ToolTimes[];
  readonly commands: Readonly<Record<RecoveryTool, string>>;
  /** Our wrapper's settings in this run: what it adds to the fixture config, and its reconnect delays. */
  readonly lifelinePolicy: {
    readonly serverAliveInterval: number;
    readonly serverAliveCountMax: number;
    readonly connectTimeoutSeconds: number;
    /** Waits between attempts that did not reach sshd, ms, from the first retry on. */
    readonly unreachableDelaysMs: readonly number[];
  };
  /** `ssh -F CFG testhost true` from the client namespace, 3 times before the runs: the floor of any reconnect once the link answers. */
  readonly loginSeconds: Summary;
  readonly synSchedule: SynSchedule;
  readonly runs: readonly RecoveryRun[];
  /** The lifeline target: median heal → input echoed ≤ 2 s. */
  readonly target: { readonly seconds: 2; readonly medianSeconds: number | null; readonly met: boolean | null };
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------- processes

function procStat(pid: number): Promise<{ comm: string; state: string } | undefined> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then(
    (text) => {
      const close = text.lastIndexOf(')');
      return { comm: text.slice(text.indexOf('(') + 1, close), state: text.slice(close + 2, close + 3) };
    },
    () => undefined,
  );
}

/** Alive and not a zombie. */
async function isLive(pid: number): Promise<boolean> {
  const s = await procStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const out: number[] = [];
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    out.push(...text.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number));
  }
  return out;
}

/** Live `ssh` processes below `root` (the terminal's shell). */
async function sshBelow(root: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) {
      continue;
    }
    seen.add(pid);
    for (const child of await childrenOf(pid)) {
      const s = await procStat(child);
      if (s === undefined || s.state === 'Z') {
        continue;
      }
      if (s.comm === 'ssh') {
        found.push(child);
      } else {
        queue.push(child);
      }
    }
  }
  return found;
}

/** Polls the ssh processes below a terminal's shell: when each appeared and went. */
class SshWatch {
  private readonly seen = new Map<number, { first: number; last: number; gone: boolean }>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly root: number) {
    this.loop = this.poll();
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const pids = await sshBelow(this.root);
      const at = performance.now();
      for (const pid of pids) {
        const e = this.seen.get(pid);
        if (e === undefined) {
          this.seen.set(pid, { first: at, last: at, gone: false });
        } else {
          e.last = at;
        }
      }
      for (const [pid, e] of this.seen) {
        if (!e.gone && !pids.includes(pid)) {
          e.gone = true;
        }
      }
      await sleep(POLL_MS);
    }
  }

  async stop(originMs: number): Promise<Omit<SshProcessSeen, 'beforeFault'>[]> {
    this.running = false;
    await this.loop;
    const rel = (ms: number): number => Math.round(ms - originMs) / 1000;
    return [...this.seen].map(([pid, e]) => ({ pid, firstSeenSeconds: rel(e.first), goneSeconds: e.gone ? rel(e.last) : null }));
  }
}

/**
 * `ss` prints a timer as minutes, seconds and milliseconds run together (iproute2 print_ms_timer): `716ms`,
 * `3.336ms` (3 s 336 ms: the dot stands for "sec"), `12sec`, `1min2sec`.
 */
export function ssSeconds(text: string): number {
  const m = /^(?:(\d+)min)?(?:(\d+)(?:sec|\.))?(?:(\d+)ms)?$/.exec(text);
  if (m === null || text === '') {
    return Number.NaN;
  }
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 1000;
}

/**
 * When a connect into a dead link sends its SYNs, seconds after the first, on Linux: retransmissions 1 s
 * apart for the first `linearTimeouts` + 1 (net.ipv4.tcp_syn_linear_timeouts, Linux 6.5+; 0 before), then
 * doubling, until the time doubling alone would take for `retries` retransmissions (net.ipv4.tcp_syn_retries:
 * 6 → 127 s) is up. Matches the SYN timers and retransmission counts `ss` shows in this scenario's runs.
 */
export function synTimes(linearTimeouts: number, retries: number): number[] {
  const giveUpAt = 2 ** (retries + 1) - 1;
  const out = [0];
  let rto = 1;
  for (let k = 1; ; k += 1) {
    const next = (out[k - 1] as number) + rto;
    if (next >= giveUpAt) {
      return out;
    }
    out.push(next);
    if (k > linearTimeouts) {
      rto *= 2;
    }
  }
}

// ---------------------------------------------------------------- the scenario

interface ToolSpec {
  readonly key: RecoveryTool;
  readonly label: string;
  readonly session: string;
  readonly argv: readonly string[];
  /** Exactly what ran, for the report. */
  readonly shown: string;
  readonly env: Readonly<Record<string, string>>;
  readonly note?: string;
}

interface Live {
  readonly spec: ToolSpec;
  readonly terminal: Terminal;
  readonly shellPid: number;
}

function requireProgram(program: string, args: readonly string[], pkg: string): Promise<void> {
  return execFileAsync(program, [...args]).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        throw new Error(`${program} not found: install the Debian package '${pkg}' (apt-get install -y ${pkg}), or run npm run bench, which installs it`);
      }
    },
  );
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>, everyMs = POLL_MS): Promise<T> {
  const deadline = performance.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    }
    await sleep(everyMs);
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A command whose output differs from what is typed (mosh may echo typed keys locally, before the server has them). */
function marker(tag: string): { typed: string; output: RegExp } {
  const id = `RCV-${tag}-${randomBytes(3).toString('hex')}`;
  return { typed: `echo ${id}-$((40+2))`, output: new RegExp(`^${escapeRe(id)}-42\\s*$`, 'm') };
}

async function run(options: BenchOptions): Promise<ScenarioResult> {
  const plan = options.quick ? quickPlan : fullPlan;
  const { root, tmpDir, log } = options;
  const problems: string[] = [];
  const notes: string[] = [];
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error('dist/cli.js is missing: run npm run build first');
  }
  await requireProgram('tmux', ['-V'], 'tmux');
  await requireProgram('autossh', ['-V'], 'autossh');
  await requireProgram('mosh', ['--version'], 'mosh');

  const remoteTmux = join(tmpDir, 'remote-tmux');
  const home = join(tmpDir, 'home');
  const remoteHome = join(tmpDir, 'remote-home');
  await mkdir(remoteTmux, { mode: 0o700 });
  await mkdir(home, { mode: 0o700 });
  await mkdir(remoteHome, { mode: 0o700 });
  const path = process.env['PATH'] ?? '/usr/bin:/bin';
  const baseEnv = { PATH: path, HOME: home, LANG: 'C.UTF-8', TERM: 'xterm-256color' };
  /** The remote tmux server, as the remote sessions see it. */
  const rtmux = async (...args: string[]): Promise<string> => (await execFileAsync('tmux', args, { env: { PATH: path, TMUX_TMPDIR: remoteTmux } })).stdout;
  const clients = async (): Promise<Map<string, number[]>> => {
    const out = await rtmux('list-clients', '-F', '#{client_pid} #{session_name}').catch(() => '');
    const map = new Map<string, number[]>();
    for (const line of out.split('\n')) {
      const m = /^(\d+) (.+)$/.exec(line);
      if (m !== null) {
        map.set(m[2] as string, [...(map.get(m[2] as string) ?? []), Number(m[1])]);
      }
    }
    return map;
  };
  const sessionIds = async (): Promise<string> =>
    (await rtmux('list-sessions', '-F', '#{session_id} #{session_created} #{session_name}').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '')
      .sort()
      .join('; ');

  let topo: Topology | undefined;
  let sshd: SshdFixture | undefined;
  const live: Live[] = [];
  const runs: RecoveryRun[] = [];
  let commands: Record<RecoveryTool, string> | undefined;
  const loginSeconds: number[] = [];
  let synSchedule: SynSchedule | undefined;
  try {
    topo = await createTopology();
    // The remote sessions get a tmux socket folder and a HOME of their own (sshd applies SetEnv after setting HOME):
    // their tmux is never the machine's, and their shells read no startup files of the machine's user (a .bashrc
    // that runs a version manager would add its time to every login, and would be killed mid-write at the end) and
    // write no history there.
    const setEnv = `TMUX_TMPDIR=${remoteTmux} HOME=${remoteHome} HISTFILE=${join(remoteHome, '.bash_history')}`;
    sshd = await startSshd({ address: topo.serverAddress, wrap: topo.wrapServer, clientWrap: topo.wrapClient, sshdOptions: { SetEnv: setEnv } });
    // SetEnv (sshd_config, OpenSSH 8.7+) must reach the sessions.
    const seen = (await sshd.exec('echo "$TMUX_TMPDIR $HOME"')).trim();
    if (seen !== `${remoteTmux} ${remoteHome}`) {
      throw new Error(`sshd's SetEnv did not reach the session (TMUX_TMPDIR and HOME: ${JSON.stringify(seen)}): the remote tmux would not be a private one`);
    }
    // The fixture's client config is a test's: `BatchMode yes`, with which Debian's ssh defaults
    // ServerAliveInterval to 300 (our wrapper keeps an interval it finds, adding keepalives only when it is 0), and
    // `LogLevel ERROR`, which hides ssh's "Timeout, server … not responding." (logged at INFO), so a keepalive
    // timeout could not be told from any other exit 255. A person's config has neither.
    const cfg = join(tmpDir, 'ssh_config');
    const fixtureConfig = await readFile(sshd.configPath, 'utf8');
    await writeFile(cfg, fixtureConfig.replace(/^\s*(BatchMode|LogLevel)\s.*\n/gim, ''), { mode: 0o600 });
    if (/batchmode|loglevel/i.test(await readFile(cfg, 'utf8'))) {
      throw new Error(`could not take BatchMode and LogLevel out of the fixture's client config:\n${fixtureConfig}`);
    }
    const host = sshd.host;
    const autosshLog = join(tmpDir, 'autossh.log');
    const lifelineScreenLog = join(tmpDir, 'lifeline-screen.log');
    let screenLogOffset = 0;
    /** Our wrapper's lines written to its terminal since the last call. */
    const lifelineLines = async (): Promise<string[]> => {
      const text = await readFile(lifelineScreenLog, 'latin1').catch(() => '');
      const fresh = text.slice(screenLogOffset);
      screenLogOffset = text.length;
      const escape = String.fromCharCode(27);
      return fresh
        .split(/[\r\n]+/)
        .map((line) => line.slice(Math.max(0, line.indexOf('ssh-lifeline: '))))
        .filter((line) => line.startsWith('ssh-lifeline: '))
        .map((line) => (line.includes(escape) ? line.slice(0, line.indexOf(escape)) : line).trim());
    };
    const specs: ToolSpec[] = [
      {
        key: 'lifeline',
        label: 'ssh-lifeline ssh --tmux',
        session: 'bench-lifeline',
        argv: [process.execPath, cli, 'ssh', '--tmux', 'bench-lifeline', '-F', cfg, host],
        shown: `ssh-lifeline ssh --tmux bench-lifeline -F CFG ${host}`,
        env: baseEnv,
      },
      {
        key: 'autossh',
        label: 'autossh -M 0 (ServerAlive 15×3) + tmux new -A',
        session: 'bench-autossh',
        argv: ['autossh', '-M', '0', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3', '-F', cfg, '-t', host, 'tmux new -A -s bench-autossh'],
        shown: `AUTOSSH_GATETIME=0 autossh -M 0 -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -F CFG -t ${host} 'tmux new -A -s bench-autossh'`,
        // AUTOSSH_LOGFILE only says where autossh's own messages go (syslog otherwise); AUTOSSH_POLL keeps its default (600 s, unused with -M 0).
        env: { ...baseEnv, AUTOSSH_GATETIME: '0', AUTOSSH_LOGFILE: autosshLog },
      },
      {
        key: 'mosh',
        label: 'mosh + tmux new -A',
        session: 'bench-mosh',
        argv: ['mosh', `--ssh=ssh -F ${cfg}`, host, '--', 'tmux', 'new', '-A', '-s', 'bench-mosh'],
        shown: `mosh --ssh="ssh -F CFG" ${host} -- tmux new -A -s bench-mosh`,
        env: baseEnv,
        note: 'never detaches: time until input echoes',
      },
    ];
    commands = Object.fromEntries(specs.map((s) => [s.key, s.shown])) as Record<RecoveryTool, string>;

    const sysctl = async (key: string): Promise<number | undefined> => {
      const out = await (topo as Topology).execIn('client', ['sysctl', '-n', key]).catch(() => undefined);
      const v = Number(out?.stdout.trim());
      return out === undefined || !Number.isFinite(v) ? undefined : v;
    };
    const linearTimeouts = await sysctl('net.ipv4.tcp_syn_linear_timeouts');
    const synRetries = (await sysctl('net.ipv4.tcp_syn_retries')) ?? 6;
    synSchedule = { linearTimeouts: linearTimeouts ?? null, synRetries, synTimesSeconds: synTimes(linearTimeouts ?? 0, synRetries) };

    // For scale: a whole fresh login (TCP, SSH handshake, key authentication, a remote command) on this link.
    for (let i = 0; i < 3; i += 1) {
      const t0 = performance.now();
      await execFileAsync(topo.wrapClient[0] as string, [...topo.wrapClient.slice(1), 'ssh', '-F', cfg, host, 'true'], { env: baseEnv, timeout: 15_000 });
      loginSeconds.push(Math.round(performance.now() - t0) / 1000);
    }

    // ------------------------------------------------ all three attached and idle
    log(`recovery: starting ours, autossh and mosh in the client namespace (sshd in ${topo.serverNs})`);
    for (const spec of specs) {
      const terminal = await Terminal.open(`recovery-${spec.key}`, [...topo.wrapClient, ...spec.argv], { dir: tmpDir, env: spec.env });
      live.push({ spec, terminal, shellPid: await terminal.shellPid() });
      if (spec.key === 'lifeline') {
        // A copy of everything our terminal shows, for our wrapper's own lines (the remote tmux redraws over them).
        await terminal.tmux('pipe-pane', '-o', '-t', 'term', `cat >> '${lifelineScreenLog}'`);
      }
    }
    for (const l of live) {
      await until(`${l.spec.key}: session ${l.spec.session} attached`, 30_000, async () => ((await clients()).get(l.spec.session)?.length === 1 ? true : undefined)).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; its terminal shows:\n${await l.terminal.capture()}`, { cause: err });
      });
      // The shell's prompt first: keys typed before bash has set up its terminal can be lost.
      await until(`${l.spec.key}: the remote prompt`, 15_000, async () => ((await rtmux('capture-pane', '-p', '-t', `=${l.spec.session}:`)).trim() !== '' ? true : undefined));
    }
    // One marker each before any fault: proves the echo is seen where it is looked for.
    for (const l of live) {
      const m = marker(`warm-${l.spec.key}`);
      await l.terminal.sendKeys('-l', m.typed);
      await l.terminal.sendKeys('Enter');
      const at = await l.terminal.waitFor((s) => m.output.test(s), 15_000, POLL_MS);
      if (at === undefined) {
        throw new Error(`${l.spec.key}: the warm-up marker never showed; its terminal shows:\n${await l.terminal.capture()}`);
      }
    }
    const sessionsAtStart = await sessionIds();
    await lifelineLines();
    for (const l of live) {
      if (l.spec.key !== 'mosh' && (await sshBelow(l.shellPid)).length !== 1) {
        throw new Error(`${l.spec.key}: expected one ssh process below its terminal, found ${(await sshBelow(l.shellPid)).length}`);
      }
    }

    // ------------------------------------------------ the runs
    for (let n = 1; n <= plan.runs; n += 1) {
      const loadAverage1m = loadavg()[0] ?? Number.NaN;
      const before = await clients();
      for (const l of live) {
        const c = before.get(l.spec.session) ?? [];
        if (c.length !== 1) {
          problems.push(`run ${n}: before the fault ${l.spec.session} has ${c.length} clients, not 1`);
        }
      }
      const sshBefore = new Map<RecoveryTool, number | undefined>();
      for (const l of live) {
        sshBefore.set(l.spec.key, l.spec.key === 'mosh' ? undefined : (await sshBelow(l.shellPid))[0]);
      }
      const idleSeconds = plan.idleSeconds + ((n - 1) * 3) % 15;
      await sleep(idleSeconds * 1000);
      const watches = new Map(live.filter((l) => l.spec.key !== 'mosh').map((l) => [l.spec.key, new SshWatch(l.shellPid)]));

      log(`recovery: run ${n}/${plan.runs}: link black-holed for ${plan.blackholeSeconds} s`);
      await topo.blackhole();
      await sleep(plan.blackholeSeconds * 1000);
      await topo.heal();
      const healAt = performance.now();
      log(`recovery: run ${n}/${plan.runs}: healed; waiting for each terminal to echo its marker`);

      let ssOutput = '';
      let ssAt = Number.NaN;
      const synSent = (async (): Promise<SynSentAtHeal[]> => {
        const t = topo as Topology;
        const { stdout } = await t.execIn('client', ['ss', '-tnpo', 'state', 'syn-sent']);
        const at = performance.now();
        ssOutput = stdout;
        ssAt = at;
        const out: SynSentAtHeal[] = [];
        for (const line of stdout.split('\n')) {
          const pid = /pid=(\d+)/.exec(line);
          const timer = /timer:\(on,([^,]+),(\d+)\)/.exec(line);
          if (pid === null || timer === null) {
            continue;
          }
          const p = Number(pid[1]);
          const below = await Promise.all(live.filter((l) => l.spec.key !== 'mosh').map(async (l) => ((await sshBelow(l.shellPid)).includes(p) ? l.spec.key : undefined)));
          out.push({
            pid: p,
            tool: below.find((k) => k !== undefined) ?? null,
            retransmits: Number(timer[2]),
            nextSynSeconds: Math.round((at - healAt) / 10 + ssSeconds(timer[1] as string) * 100) / 100,
          });
        }
        return out;
      })().catch((err: unknown) => {
        notes.push(`run ${n}: ss in the client namespace failed (${String(err)}): no SYN timers at the heal`);
        return [] as SynSentAtHeal[];
      });

      const recover = async (l: Live): Promise<Omit<ToolRun, 'clientsAfter' | 'oldClientsAfter' | 'outputInSession' | 'sshProcesses'> & { output: RegExp }> => {
        const m = marker(`${n}-${l.spec.key}`);
        const oldClients = before.get(l.spec.session) ?? [];
        const ssh = sshBefore.get(l.spec.key);
        const hasSsh = l.spec.key !== 'mosh';
        const endedBeforeHeal = ssh === undefined ? hasSsh : !(await isLive(ssh));
        let endedAfterHeal = false;
        let attachAt: number | undefined;
        let typedAt: number | undefined;
        let typedOnNewClient = false;
        let typings = 0;
        let echoAt: number | undefined;
        let settledAt: number | undefined;
        /** The session's clients: notes the first new one, and when it is the only one (a ghost of the dead connection gone). */
        const checkClients = async (): Promise<void> => {
          const c = (await clients()).get(l.spec.session) ?? [];
          const at = performance.now();
          if (attachAt === undefined && c.some((pid) => !oldClients.includes(pid))) {
            attachAt = at;
          }
          if (settledAt === undefined && c.length === 1 && (attachAt !== undefined || !hasSsh || !(endedBeforeHeal || endedAfterHeal))) {
            settledAt = at;
          }
        };
        const deadline = healAt + plan.capSeconds * 1000;
        while (performance.now() < deadline) {
          if (hasSsh) {
            if (!endedBeforeHeal && !endedAfterHeal && ssh !== undefined && !(await isLive(ssh))) {
              endedAfterHeal = true;
            }
            await checkClients();
          }
          // Typing goes to an attached tmux only: keys typed while ssh reconnects would reach the remote shell before tmux does.
          const ready = !hasSsh || attachAt !== undefined || (!endedBeforeHeal && !endedAfterHeal);
          const now = performance.now();
          if (ready && (typings === 0 || (attachAt !== undefined && !typedOnNewClient) || now - (typedAt ?? now) > RETYPE_MS)) {
            await l.terminal.sendKeys('-l', m.typed);
            await l.terminal.sendKeys('Enter');
            typedAt = now;
            typedOnNewClient = attachAt !== undefined;
            typings += 1;
          }
          if (typings > 0 && m.output.test(await l.terminal.capture().catch(() => ''))) {
            echoAt = performance.now();
            break;
          }
          await sleep(POLL_MS);
        }
        const settleDeadline = performance.now() + SETTLE_MS;
        for (;;) {
          await checkClients();
          if (settledAt !== undefined || performance.now() > settleDeadline) {
            break;
          }
          await sleep(POLL_MS * 4);
        }
        const rel = (t: number | undefined): number | null => (t === undefined ? null : Math.round(t - healAt) / 1000);
        return {
          tool: l.spec.key,
          connection: !hasSsh ? 'no-ssh' : endedBeforeHeal ? 'ended-before-heal' : endedAfterHeal ? 'ended-after-heal' : 'survived',
          attachSeconds: rel(attachAt),
          typedSeconds: rel(typedAt),
          inputSeconds: rel(echoAt),
          typings,
          settledSeconds: rel(settledAt),
          output: m.output,
        };
      };

      const [syn, ...recovered] = await Promise.all([synSent, ...live.map(recover)]);

      const after = await clients();
      const processes = new Map<RecoveryTool, SshProcessSeen[]>();
      for (const [key, w] of watches) {
        processes.set(
          key,
          (await w.stop(healAt)).map((p) => ({ ...p, beforeFault: p.pid === sshBefore.get(key) })),
        );
      }
      const sameSessions = (await sessionIds()) === sessionsAtStart;
      if (!sameSessions) {
        problems.push(`run ${n}: the remote sessions changed: before the first run ${sessionsAtStart}; now ${await sessionIds()}`);
      }
      const tools: ToolRun[] = [];
      for (const [i, l] of live.entries()) {
        const r = recovered[i] as Awaited<ReturnType<typeof recover>>;
        const now = after.get(l.spec.session) ?? [];
        const old = before.get(l.spec.session) ?? [];
        const pane = await rtmux('capture-pane', '-p', '-J', '-S', '-50', '-t', `=${l.spec.session}:`).catch(() => '');
        const outputInSession = r.inputSeconds !== null && r.output.test(pane);
        tools.push({
          tool: r.tool,
          connection: r.connection,
          attachSeconds: r.attachSeconds,
          typedSeconds: r.typedSeconds,
          inputSeconds: r.inputSeconds,
          typings: r.typings,
          clientsAfter: now.length,
          oldClientsAfter: now.filter((p) => old.includes(p)).length,
          settledSeconds: r.settledSeconds,
          outputInSession,
          sshProcesses: processes.get(l.spec.key) ?? [],
        });
        if (now.length !== 1) {
          problems.push(`run ${n}: ${l.spec.session} has ${now.length} clients ${SETTLE_MS / 1000} s after its recovery, not 1 (${now.filter((p) => old.includes(p)).length} from before the fault)`);
        }
        if (r.inputSeconds !== null && !outputInSession) {
          problems.push(`run ${n}: ${l.spec.key}: the marker's output showed on its screen but is not in the remote pane of ${l.spec.session}`);
        }
        if (l.spec.key === 'lifeline' && r.connection !== 'ended-before-heal') {
          problems.push(`run ${n}: our wrapper's ssh had not ended by the heal (${r.connection}): the black hole was not long enough to measure a reconnect`);
        }
        if (!options.quick && l.spec.key === 'autossh' && r.connection !== 'ended-before-heal') {
          problems.push(`run ${n}: autossh's ssh had not ended by the heal (${r.connection}): the black hole was not long enough for ServerAlive 15×3`);
        }
        log(
          `recovery: run ${n}: ${l.spec.key}: ${r.connection}; attached ${r.attachSeconds ?? '-'} s, echoed ${r.inputSeconds ?? `> ${plan.capSeconds}`} s after the heal (typed ${r.typings}×); ${now.length} client(s)`,
        );
      }
      const lifelineSaid = await lifelineLines();
      runs.push({
        run: n,
        loadAverage1m,
        idleSeconds,
        blackholeSeconds: plan.blackholeSeconds,
        tools,
        lifelineAtHeal: lifelineAtHeal(tools.find((t) => t.tool === 'lifeline'), plan.blackholeSeconds),
        synSentAtHeal: syn,
        ssAtHeal: ssOutput.trim().split('\n').slice(1),
        ssAfterSeconds: Math.round(ssAt - healAt) / 1000,
        lifelineSaid,
        sameSessions,
      });
    }
  } finally {
    await topo?.heal().catch(() => undefined);
    // The clients first, so that none reconnects (autossh would) when the remote tmux goes.
    for (const l of live) {
      for (const pid of await childrenOf(l.shellPid)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
    await until('the clients to exit', 5000, async () => ((await Promise.all(live.map(async (l) => (await childrenOf(l.shellPid)).length))).every((n) => n === 0) ? true : undefined)).catch(
      () => log('recovery: a client was still running 5 s after SIGTERM; closing its terminal'),
    );
    for (const l of live) {
      await l.terminal.close().catch(() => undefined);
    }
    await rtmux('kill-server').catch(() => undefined);
    await topo?.destroy().catch((err: unknown) => log(`recovery: destroying the topology: ${String(err)}`));
    await sshd?.stop();
    // kill-server returns before the server has gone; the namespace's destruction above ended it for sure.
    await rtmux('list-sessions').then(
      () => log('recovery: the remote tmux server is still running after the cleanup'),
      () => undefined,
    );
  }
  return report(plan, runs, commands as Record<RecoveryTool, string>, summarize(loginSeconds), synSchedule as SynSchedule, problems, notes, options.quick);
}

// ---------------------------------------------------------------- report

const LABELS: Record<RecoveryTool, string> = {
  lifeline: 'ssh-lifeline ssh --tmux',
  autossh: 'autossh -M 0 (ServerAlive 15×3) + tmux new -A',
  mosh: 'mosh + tmux new -A',
};
const ORDER: readonly RecoveryTool[] = ['lifeline', 'autossh', 'mosh'];

function unreachableDelays(): number[] {
  const policy = new RetryPolicy(0);
  const out: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    const step = policy.next('unreachable', 0);
    if (step.kind === 'retry') {
      out.push(step.delayMs);
    }
  }
  return out;
}

const fmtS = (s: Summary | undefined): string => (s === undefined || s.runs === 0 ? 'n/a' : s.runs === 1 ? `${sig3(s.median)} s` : `${sig3(s.median)} s (${sig3(s.min)}–${sig3(s.max)})`);
/** "ssh-lifeline: connection to testhost lost (server not responding); reconnecting in 250 ms (attempt 2)…" → "server not responding → 250 ms". */
const said = (line: string): string => {
  const m = /\(([^()]*)\); reconnecting in ([^(]+?) \(attempt \d+\)/.exec(line);
  return m === null ? line.replace(/^ssh-lifeline: /, '') : `${m[1]} → ${m[2]}`;
};
const sec = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v.toFixed(2)} s`);

/** Where our wrapper's reconnect cycle was at the heal, from its ssh processes (the session's own excluded). */
function lifelineAtHeal(t: ToolRun | undefined, blackholeSeconds: number): LifelineAtHeal {
  const unknown: LifelineAtHeal = { phase: 'unknown', sinceSeconds: null, attachedAttemptStartSeconds: null };
  if (t === undefined) {
    return unknown;
  }
  const attempts = t.sshProcesses.filter((p) => !p.beforeFault && p.firstSeenSeconds > -blackholeSeconds);
  const attachedAt = t.attachSeconds;
  const attached = attempts.find((p) => attachedAt !== null && p.firstSeenSeconds <= attachedAt && (p.goneSeconds === null || p.goneSeconds >= attachedAt));
  const attachedAttemptStartSeconds = attached?.firstSeenSeconds ?? null;
  const running = attempts.find((p) => p.firstSeenSeconds <= 0 && (p.goneSeconds === null || p.goneSeconds >= 0));
  if (running !== undefined) {
    return { phase: running === attached ? 'connecting' : 'connect-timed-out', sinceSeconds: -running.firstSeenSeconds, attachedAttemptStartSeconds };
  }
  const lastEnded = attempts.filter((p) => p.goneSeconds !== null && p.goneSeconds < 0).sort((a, b) => (b.goneSeconds as number) - (a.goneSeconds as number))[0];
  return lastEnded === undefined ? unknown : { phase: 'pausing', sinceSeconds: -(lastEnded.goneSeconds as number), attachedAttemptStartSeconds };
}

/**
 * The next SYN of a connect that had been under way `since` seconds at the heal, from `ss`. When `ss` did not
 * see the socket it was already connected: a SYN sent around the heal (the rules go a little before heal()
 * returns) was answered before `ss` looked, so the wait was about 0.
 */
function nextSyn(r: RecoveryRun, tool: RecoveryTool, schedule: SynSchedule): { readonly pid: number; readonly since: number; readonly retransmits: number | null; readonly seconds: number; readonly estimated: boolean } | undefined {
  const t = r.tools.find((x) => x.tool === tool);
  const running = t?.sshProcesses.find((p) => !p.beforeFault && p.firstSeenSeconds <= 0 && (p.goneSeconds === null || p.goneSeconds >= 0));
  if (running === undefined) {
    return undefined;
  }
  const since = -running.firstSeenSeconds;
  const seen = r.synSentAtHeal.find((x) => x.pid === running.pid);
  if (seen !== undefined) {
    return { pid: running.pid, since, retransmits: seen.retransmits, seconds: seen.nextSynSeconds, estimated: false };
  }
  return t?.connection === 'ended-before-heal' && schedule.synTimesSeconds.length > 0 ? { pid: running.pid, since, retransmits: null, seconds: 0, estimated: true } : undefined;
}

function synText(n: ReturnType<typeof nextSyn>): string {
  if (n === undefined) {
    return '';
  }
  return n.estimated ? ', a SYN sent around the heal (answered before ss looked)' : `, ${n.retransmits} SYN retransmission(s) sent, next due at +${n.seconds.toFixed(2)} s`;
}

function describeAtHeal(r: RecoveryRun, schedule: SynSchedule): string {
  const a = r.lifelineAtHeal;
  switch (a.phase) {
    case 'connecting':
      return `connecting for ${(a.sinceSeconds as number).toFixed(2)} s${synText(nextSyn(r, 'lifeline', schedule))}: that SYN got through`;
    case 'connect-timed-out':
      return `connecting for ${(a.sinceSeconds as number).toFixed(2)} s${synText(nextSyn(r, 'lifeline', schedule))}: ConnectTimeout ended it first`;
    case 'pausing':
      return `pausing: the last attempt ended ${(a.sinceSeconds as number).toFixed(2)} s before`;
    default:
      return 'no attempt seen';
  }
}

function report(
  plan: RecoveryPlan,
  runs: readonly RecoveryRun[],
  commands: Record<RecoveryTool, string>,
  login: Summary,
  schedule: SynSchedule,
  problems: string[],
  notes: string[],
  quick: boolean,
): ScenarioResult {
  const toolTimes = (pick: (t: ToolRun) => number | null, keys: readonly RecoveryTool[], counts: (t: ToolRun) => boolean = () => true): ToolTimes[] =>
    keys.map((key) => {
      const per = runs.map((r) => r.tools.find((t) => t.tool === key)).filter((t): t is ToolRun => t !== undefined && counts(t));
      const samples = per.map(pick).filter((v): v is number => v !== null);
      return {
        tool: key,
        label: LABELS[key],
        samples,
        overCap: per.length - samples.length,
        capSeconds: plan.capSeconds,
        ...(key === 'mosh' ? { note: 'never detaches: time until input echoes' } : {}),
      };
    });
  const tools = toolTimes((t) => t.inputSeconds, ORDER);
  // Only the runs in which the tool's ssh ended: a connection that survived the fault never detached.
  const attach = toolTimes((t) => t.attachSeconds, ['lifeline', 'autossh'], (t) => t.connection === 'ended-before-heal' || t.connection === 'ended-after-heal');
  const medianOf = (list: readonly ToolTimes[], key: RecoveryTool): number | undefined => {
    const s = list.find((t) => t.tool === key)?.samples ?? [];
    return s.length === 0 ? undefined : summarize(s).median;
  };
  const ours = medianOf(tools, 'lifeline');
  const target = { seconds: 2 as const, medianSeconds: ours ?? null, met: ours === undefined ? null : ours <= 2 };
  const delays = unreachableDelays();
  const policy = {
    serverAliveInterval: DEFAULT_KEEPALIVE.intervalSeconds,
    serverAliveCountMax: DEFAULT_KEEPALIVE.countMax,
    connectTimeoutSeconds: DEFAULT_CONNECT_TIMEOUT_SECONDS,
    unreachableDelaysMs: delays,
  };

  const cell = (list: readonly ToolTimes[], key: RecoveryTool): string => {
    const t = list.find((x) => x.tool === key);
    if (t === undefined) {
      return 'n/a (never detaches)';
    }
    if (t.samples.length === 0 && t.overCap === 0) {
      return 'n/a (its connection survived)';
    }
    const main = fmtS(t.samples.length === 0 ? undefined : summarize(t.samples));
    return t.overCap > 0 ? `${main}; ${t.overCap} run(s) > ${t.capSeconds} s` : main;
  };
  const main = markdownTable(
    ['tool', 'runs', 'heal → tmux attached', 'heal → input echoed', 'peer / ours (echoed)', 'what it ran'],
    ORDER.map((key) => [
      LABELS[key],
      String(runs.length),
      cell(attach, key),
      cell(tools, key),
      key === 'lifeline' ? '1×' : formatRatio(medianOf(tools, key), ours),
      `\`${commands[key]}\``,
    ]),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );

  /** Ours, per run: the wait for the attempt or SYN that got through, then connect + login + attach, then the output. */
  const split = runs.map((r) => {
    const t = r.tools.find((x) => x.tool === 'lifeline');
    const a = r.lifelineAtHeal;
    const syn = nextSyn(r, 'lifeline', schedule);
    const wait = a.phase === 'connecting' ? (syn === undefined ? null : Math.max(0, syn.seconds)) : a.phase === 'unknown' ? null : Math.max(0, a.attachedAttemptStartSeconds ?? Number.NaN);
    const attachSeconds = t?.attachSeconds ?? null;
    const inputSeconds = t?.inputSeconds ?? null;
    return {
      run: r,
      wait: wait !== null && Number.isFinite(wait) ? wait : null,
      estimated: a.phase === 'connecting' && syn?.estimated === true,
      connect: wait !== null && Number.isFinite(wait) && attachSeconds !== null ? attachSeconds - wait : null,
      output: attachSeconds !== null && inputSeconds !== null ? inputSeconds - attachSeconds : null,
      attachSeconds,
      inputSeconds,
    };
  });
  const oursPerRun = markdownTable(
    ['run', 'idle before', 'during the outage: cause → wait', 'at the heal', 'waited for the SYN or attempt that got through', 'then connected, logged in, attached', 'then output', 'echoed', 'load'],
    split.map((x) => [
      String(x.run.run),
      `${x.run.idleSeconds} s`,
      x.run.lifelineSaid.map(said).join('; ') || '–',
      describeAtHeal(x.run, schedule),
      `${x.estimated ? '≈ ' : ''}${sec(x.wait)}`,
      `${x.estimated ? '≈ ' : ''}${sec(x.connect)}`,
      sec(x.output),
      sec(x.inputSeconds),
      x.run.loadAverage1m.toFixed(2),
    ]),
    ['right', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
  const peersPerRun = markdownTable(
    ['run', 'autossh at the heal', 'autossh attached', 'autossh echoed', 'mosh echoed'],
    runs.map((r) => {
      const a = r.tools.find((t) => t.tool === 'autossh');
      const aSyn = nextSyn(r, 'autossh', schedule);
      const aState =
        a === undefined
          ? 'n/a'
          : a.connection === 'ended-before-heal'
            ? aSyn === undefined
              ? 'its new ssh connecting'
              : `its new ssh connecting for ${aSyn.since.toFixed(2)} s${synText(aSyn)}`
            : a.connection === 'ended-after-heal'
              ? 'same ssh; ServerAlive ended it after the heal'
              : 'same connection throughout';
      return [String(r.run), aState, sec(a?.attachSeconds), sec(a?.inputSeconds), sec(r.tools.find((t) => t.tool === 'mosh')?.inputSeconds)];
    }),
    ['right', 'left', 'right', 'right', 'right'],
  );
  const range = (values: readonly (number | null)[]): string => {
    const v = values.filter((x): x is number => x !== null);
    return v.length === 0 ? 'n/a' : v.length === 1 ? `${sig3(v[0] as number)} s` : `${sig3(Math.min(...v))}–${sig3(Math.max(...v))} s`;
  };
  const caught = split.filter((x) => x.run.lifelineAtHeal.phase === 'connecting');
  const missed = split.filter((x) => x.run.lifelineAtHeal.phase === 'pausing' || x.run.lifelineAtHeal.phase === 'connect-timed-out');
  const synsInAttempt = schedule.synTimesSeconds.filter((t) => t < policy.connectTimeoutSeconds);
  const pause = (delays[delays.length - 1] ?? 0) / 1000;
  const whereTime =
    split.length === 0
      ? ''
      : `**Where our time went.** ` +
        (caught.length === 0
          ? ''
          : `In ${caught.length} of ${split.length} run${split.length === 1 ? '' : 's'} the link came back while an attempt was connecting and its next SYN got through: ${range(caught.map((x) => x.wait))} of waiting for that SYN, echoed in ${range(caught.map((x) => x.inputSeconds))}. `) +
        (missed.length === 0
          ? ''
          : `In ${missed.length} of ${split.length} it came back between attempts or in an attempt's last second (its next SYN due after ConnectTimeout): ${range(missed.map((x) => x.wait))} of waiting for the next attempt, echoed in ${range(missed.map((x) => x.inputSeconds))}. `) +
        `After the wait, connecting, logging in and \`tmux attach\` took ${range(split.map((x) => x.connect))} (a fresh login alone: ${fmtS(login)}), and the typed command's output came ${range(split.map((x) => x.output))} after the attach. ` +
        (target.met === false ? `So what puts ours over 2 s is the wait for the next attempt: the ${pause} s pause between attempts, and an attempt that ConnectTimeout (${policy.connectTimeoutSeconds} s) ends just before its next SYN.` : '');

  const ghosts = runs.flatMap((r) => r.tools.filter((t) => t.oldClientsAfter > 0 && t.connection !== 'survived' && t.connection !== 'no-ssh').map((t) => `run ${r.run} ${t.tool}`));
  /** How long the dead connection's client stayed beside the new one in autossh's session. */
  const ghostLinger = runs
    .map((r) => r.tools.find((t) => t.tool === 'autossh'))
    .filter((t): t is ToolRun => t !== undefined && t.connection !== 'survived' && t.attachSeconds !== null && t.settledSeconds !== null)
    .map((t) => Math.max(0, (t.settledSeconds as number) - (t.attachSeconds as number)));
  const verdict =
    target.met === null
      ? '**Target (ours ≤ 2 s from the heal to input echoed): not decided: no run of ours echoed within the cap.**'
      : `**Target (ours ≤ 2 s from the heal to input echoed): ${target.met ? 'met' : `not met, by ${sig3((ours as number) - 2)} s`}.** Median ${sig3(ours as number)} s over ${tools[0]?.samples.length} run(s).`;
  const autosshState = runs[0]?.tools.find((t) => t.tool === 'autossh')?.connection;
  const autosshWhat =
    autosshState === 'ended-before-heal'
      ? 'had too, this time'
      : autosshState === 'ended-after-heal'
        ? 'had not: ServerAlive ended it only after the heal, and autossh then reconnected to a live link'
        : "had not: it kept the same connection, which TCP resumed at its next retransmission after the heal; its figure is that wait, not a reconnect";
  const quickNote = quick
    ? `\n\n*Quick run: one ${plan.blackholeSeconds} s black hole. Our wrapper (ServerAlive ${policy.serverAliveInterval}×${policy.serverAliveCountMax}) has noticed the dead link by then; autossh's ssh (15×3: 45–60 s) ${autosshWhat}. The full run black-holes for ${fullPlan.blackholeSeconds} s, which every ssh notices.*`
    : '';

  const markdown = [
    verdict,
    '',
    `Each run: the three sessions attached and idle, the link black-holed for ${plan.blackholeSeconds} s (every packet dropped both ways, in the server namespace${quick ? '' : '; long enough for every ssh here to notice: ServerAlive 15×3 ends autossh\'s 45–60 s in, ours 30–40 s; mosh never notices'}), then healed. ` +
      'All three use one client config, CFG: the test sshd\'s host, port, key and known_hosts, and nothing else (no ServerAliveInterval, no ConnectTimeout, no BatchMode, LogLevel at its default). ' +
      `Times are from the moment the rules were removed. "Input echoed" is what accepting input means to a user: a command typed into the terminal (\`echo <marker>-$((40+2))\`, Enter) runs in the remote shell inside tmux and its output (\`<marker>-42\`, which no local echo can produce) shows on that terminal's screen, polled every ${POLL_MS} ms. ` +
      `Ours and autossh are typed into once a new tmux client of their session is attached (polled on the server; keys typed while ssh reconnects would reach the remote shell before tmux does); mosh, which never detaches, is typed into at the heal. ` +
      `No output ${RETYPE_MS / 1000} s after typing: typed again. Cap ${plan.capSeconds} s after the heal. Median (min–max) of ${runs.length} run(s); ratio = peer median / our median (above 1× ours is faster).` +
      quickNote,
    '',
    main,
    '',
    `**What our wrapper waits on.** With no ServerAliveInterval in the config it adds \`-o ServerAliveInterval=${policy.serverAliveInterval} -o ServerAliveCountMax=${policy.serverAliveCountMax}\` (a dead link noticed ${policy.serverAliveInterval * policy.serverAliveCountMax}–${policy.serverAliveInterval * (policy.serverAliveCountMax + 1)} s in) and \`-o ConnectTimeout=${policy.connectTimeoutSeconds}\`. ` +
      `After a drop it waits ${delays.map((d) => `${d / 1000}`).join(', ')} … s before each attempt while nothing reaches sshd (src/core/reattach/policy.ts; longer, from 1 s, after a failure it cannot classify or once sshd answers). ` +
      `So in a long outage it cycles: an attempt of up to ${policy.connectTimeoutSeconds} s, whose SYNs this kernel sends ${synsInAttempt.join(', ')} s after the first (net.ipv4.tcp_syn_linear_timeouts ${schedule.linearTimeouts ?? 'absent'}, tcp_syn_retries ${schedule.synRetries}; the next one, due at ${schedule.synTimesSeconds[synsInAttempt.length] ?? '?'} s, comes too late), then a ${pause} s pause. ` +
      'When the link returns, it is either inside an attempt (connected by the next SYN retransmission, or, past the last one, left to time out and wait the pause) or inside the pause; then come the TCP and SSH handshakes, authentication and `tmux attach`. ' +
      `For scale, a whole fresh login (\`ssh -F CFG testhost true\` from the client namespace) takes ${fmtS(login)} here.`,
    '',
    ...(whereTime === '' ? [] : [whereTime, '']),
    '**Ours, per run** (seconds after the heal; SYN timers from `ss -tnpo state syn-sent` in the client namespace just after the heal; "idle before": all attached this long before the fault, varied so that faults land at different points of the keepalive cycles)',
    '',
    oursPerRun,
    '',
    '**Peers, per run**',
    '',
    peersPerRun,
    '',
    `**autossh** ran as \`${commands.autossh}\` (AUTOSSH_POLL at its default, AUTOSSH_LOGFILE set to a file of the run so that its messages go there and not to syslog; with \`-M 0\` only ssh's ServerAlive notices a dead link). The remote command is quoted as one word: autossh parses its arguments with GNU getopt, which moves the \`-A -s\` of an unquoted \`tmux new -A -s NAME\` in front of the host, so ssh asks for a subsystem and fails ("subsystem request failed on channel 0"), over and over. When ServerAlive ends its ssh, autossh starts a new one at once; that ssh has no ConnectTimeout (nor has the config), so its connect into the dead link waits on the kernel's SYN retransmissions (${schedule.synTimesSeconds.slice(1).join(', ')} s after its start, then it fails and autossh starts another) and recovers at the first one after the heal.` +
      (ghostLinger.length > 0
        ? ` \`tmux new -A\` does not detach other clients, and sshd still holds the dead connection's: its session had that client beside the new one for ${fmtS(summarize(ghostLinger))} after the new one attached (until the old connection's next retransmission met a reset).`
        : '') +
      ' mosh keeps its one client throughout; its figure is its resumed UDP exchange delivering the typed keys.',
    '',
    `**Checks:** the same ${ORDER.length} sessions (id, creation time) before the first run and after each; one client per session once settled (${ghosts.length === 0 ? 'no client from before the fault remained' : `a client from before the fault remained in ${ghosts.join(', ')}`}); each marker's output is in the remote pane of its own session. ` +
      'Each session has a name of its own (bench-lifeline, bench-autossh, bench-mosh): our `attach-session -d` detaches other clients of the session it attaches. ' +
      "The remote sessions get a TMUX_TMPDIR and a HOME of their own (sshd's SetEnv): a private tmux server, killed at the end, and a plain bash that reads no startup files.",
    ...(notes.length > 0 ? ['', '**Notes:**', '', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');

  const data: RecoveryData = { plan, tools, attach, commands, lifelinePolicy: policy, loginSeconds: login, synSchedule: schedule, runs, target, notes };
  return { markdown, data, problems };
}

export const recoveryScenario: Scenario = {
  name: 'recovery',
  description: 'link restored → remote tmux attached and accepting input: ours (ssh-lifeline ssh --tmux) vs autossh + tmux new -A vs mosh',
  run,
};
