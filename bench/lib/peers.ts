/**
 * Our CLI and its peers (OpenSSH's client, autossh, mosh) started side by side
 * on the faults topology: sshd in the server namespace, every tool in the
 * client namespace, so one fault on the veth hits all of them at once.
 *
 * Used by the detection, false-alarms and recovery scenarios. The exported
 * signatures are stable: scenarios written against them keep working; new
 * helpers may be added, existing ones are not changed.
 *
 * Times are `performance.now()` readings taken when this process saw the
 * event (a line read from a pipe, a screen captured), so they are comparable
 * with each other and with the moment a fault was switched on.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTopology, type Topology } from '../../test/fixtures/netns';
import { startSshd, type SshdFixture, type SshdOptions } from '../../test/fixtures/sshd';
import { Terminal } from './terminal';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the site

/** A topology with sshd in its server namespace, and everything started on it. */
export interface PeerSite {
  readonly label: string;
  readonly topo: Topology;
  readonly sshd: SshdFixture;
  /** Folder for this site's logs and terminal files. */
  readonly dir: string;
  /**
   * The whole environment every peer gets: PATH, HOME, USER, LOGNAME,
   * LANG=C.UTF-8 (mosh refuses to start without a UTF-8 locale) and TERM=dumb
   * (for processes without a terminal; a {@link Terminal} sets its own TERM).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Stops what was started on this site (processes, terminals), heals the link, deletes the namespaces and stops sshd. Safe to call twice. */
  close(): Promise<void>;
}

interface SiteInternals {
  readonly processes: Set<ClientProcess>;
  readonly terminals: Set<Terminal>;
}
const internals = new WeakMap<PeerSite, SiteInternals>();

export interface SiteOptions {
  /** Extra sshd_config lines. */
  readonly sshdOptions?: SshdOptions['sshdOptions'];
}

const SETUP_ATTEMPTS = 3;

/**
 * sshd normally answers within a second; once, with other work on both
 * cores, a fresh one did not answer its first 10 s. That is a set-up hiccup,
 * not a measurement: try a fresh topology and sshd again before giving up.
 */
async function topologyWithSshd(options: SiteOptions): Promise<{ topo: Topology; sshd: SshdFixture }> {
  for (let i = 1; ; i += 1) {
    const topo = await createTopology();
    try {
      const sshd = await startSshd({
        address: topo.serverAddress,
        wrap: topo.wrapServer,
        clientWrap: topo.wrapClient,
        ...(options.sshdOptions === undefined ? {} : { sshdOptions: options.sshdOptions }),
      });
      return { topo, sshd };
    } catch (err) {
      // Also ends an sshd the fixture left running when it gave up waiting.
      await topo.destroy();
      if (i >= SETUP_ATTEMPTS) {
        throw err;
      }
    }
  }
}

/** A fresh topology and sshd. `dir` is created; `label` names the site in logs and terminal sockets ([a-z0-9-]). */
export async function openSite(label: string, dir: string, options: SiteOptions = {}): Promise<PeerSite> {
  mkdirSync(dir, { recursive: true });
  const { topo, sshd } = await topologyWithSshd(options);
  const user = userInfo().username;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: homedir(),
    USER: user,
    LOGNAME: user,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
  };
  const own: SiteInternals = { processes: new Set(), terminals: new Set() };
  let closed: Promise<void> | undefined;
  const site: PeerSite = {
    label,
    topo,
    sshd,
    dir,
    env,
    close() {
      closed ??= (async () => {
        const errors: unknown[] = [];
        const attempt = async (f: () => Promise<unknown>): Promise<void> => {
          try {
            await f();
          } catch (err) {
            errors.push(err);
          }
        };
        await attempt(() => topo.heal());
        await attempt(() => Promise.all([...own.processes].map((p) => p.stop())));
        await attempt(() => Promise.all([...own.terminals].map((t) => t.close())));
        await attempt(() => topo.destroy());
        await attempt(() => sshd.stop());
        if (errors.length > 0) {
          throw errors[0];
        }
      })();
      return closed;
    },
  };
  internals.set(site, own);
  return site;
}

/** Processes (pid and command name) running in the site's server namespace, e.g. to find mosh-server. */
export async function serverProcesses(site: PeerSite): Promise<{ readonly pid: number; readonly comm: string }[]> {
  const { stdout } = await execFileAsync('ip', ['netns', 'pids', site.topo.serverNs]);
  const out: { pid: number; comm: string }[] = [];
  for (const word of stdout.split(/\s+/)) {
    if (!/^\d+$/.test(word)) {
      continue;
    }
    try {
      out.push({ pid: Number(word), comm: readFileSync(`/proc/${word}/comm`, 'utf8').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

// ---------------------------------------------------------------- processes in the client namespace

/** One line a process printed, with when it was read. Carriage returns are removed. */
export interface OutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly at: number;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the exit was seen. */
  readonly at: number;
}

/**
 * A command running in the client namespace with its stdin kept open (an idle
 * session never sees end of input) and its output read line by line.
 */
export class ClientProcess {
  readonly lines: OutputLine[] = [];
  /** Resolves when the process has exited and its output is drained. */
  readonly exited: Promise<ProcessExit>;
  private exitValue: ProcessExit | undefined;
  private waiters: { readonly test: (l: OutputLine) => boolean; readonly resolve: (l: OutputLine) => void }[] = [];
  private readonly child: ChildProcess;

  constructor(
    readonly label: string,
    argv: readonly string[],
    env: Readonly<Record<string, string>>,
  ) {
    const [cmd, ...args] = argv;
    this.child = spawn(cmd as string, args, { env: { ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin?.on('error', () => undefined);
    for (const stream of ['stdout', 'stderr'] as const) {
      let buf = '';
      this.child[stream]?.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.push({ stream, text: buf.slice(0, nl).replace(/\r/g, ''), at: performance.now() });
          buf = buf.slice(nl + 1);
        }
      });
      this.child[stream]?.on('end', () => {
        if (buf !== '') {
          this.push({ stream, text: buf.replace(/\r/g, ''), at: performance.now() });
          buf = '';
        }
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.push({ stream: 'stderr', text: `cannot start ${String(cmd)}: ${err.message}`, at: performance.now() });
        this.exitValue ??= { code: null, signal: null, at: performance.now() };
        resolve(this.exitValue);
      });
      this.child.once('exit', (code, signal) => {
        // Taken at exit, before the pipes drain: the moment the process ended.
        this.exitValue ??= { code, signal, at: performance.now() };
      });
      this.child.once('close', () => {
        this.exitValue ??= { code: this.child.exitCode, signal: this.child.signalCode, at: performance.now() };
        resolve(this.exitValue);
      });
    });
  }

  /** The process's pid (`ip netns exec` execs the command, so this is the command itself). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Undefined while it runs. */
  get exit(): ProcessExit | undefined {
    return this.exitValue;
  }

  /** Everything printed on one stream (or both), one line each. */
  output(stream?: 'stdout' | 'stderr'): string {
    return this.lines
      .filter((l) => stream === undefined || l.stream === stream)
      .map((l) => l.text)
      .join('\n');
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  /**
   * The first line from index `from` on (default: only lines printed from now
   * on) that passes `test`, or undefined after `timeoutMs` or when the process
   * ends without printing one.
   */
  waitForLine(test: RegExp | ((line: OutputLine) => boolean), timeoutMs: number, from = this.lines.length): Promise<OutputLine | undefined> {
    const pass = typeof test === 'function' ? test : (l: OutputLine): boolean => test.test(l.text);
    const earlier = this.lines.slice(from).find(pass);
    if (earlier !== undefined) {
      return Promise.resolve(earlier);
    }
    return new Promise((resolve) => {
      const waiter = {
        test: pass,
        resolve: (l: OutputLine | undefined): void => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(l);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.waiters.push(waiter);
      void this.exited.then(() => waiter.resolve(undefined));
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit (at once if it already ended). */
  async stop(graceMs = 3000): Promise<ProcessExit> {
    if (this.exitValue === undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  private push(line: OutputLine): void {
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (w.test(line)) {
        w.resolve(line);
      }
    }
  }
}

/** Starts `argv` in the site's client namespace (stopped by `site.close()`). `env` is added to the site's environment. */
export function startClient(site: PeerSite, label: string, argv: readonly string[], env: Readonly<Record<string, string>> = {}): ClientProcess {
  const p = new ClientProcess(label, [...site.topo.wrapClient, ...argv], { ...site.env, ...env });
  internals.get(site)?.processes.add(p);
  return p;
}

// ---------------------------------------------------------------- OpenSSH

/**
 * `-o` options as given on the command line, e.g. `{ ServerAliveInterval: '15' }`.
 * The command line wins over the fixture's config file (OpenSSH keeps the first value it obtains).
 */
export type SshOptions = Readonly<Record<string, string>>;

/** OpenSSH's keepalive of 15 s × 3 (detection ≈ 45–60 s): the "ServerAlive" peer. */
export const SERVER_ALIVE_15X3: SshOptions = { ServerAliveInterval: '15', ServerAliveCountMax: '3' };

/**
 * No keepalive at all. Spelled out because the fixture's config has
 * `BatchMode yes`, with which Debian's ssh turns on ServerAliveInterval 300.
 */
export const NO_KEEPALIVE: SshOptions = { ServerAliveInterval: '0' };

/** `-F <fixture config> -o K=V … testhost …rest`. */
export function sshArgs(site: PeerSite, options: SshOptions, ...rest: string[]): string[] {
  return ['-F', site.sshd.configPath, ...Object.entries(options).flatMap(([k, v]) => ['-o', `${k}=${v}`]), site.sshd.host, ...rest];
}

/** What `ssh -G` makes of the fixture's host with these options: keyword (lower case) → value. */
export async function effectiveSshOptions(site: PeerSite, options: SshOptions): Promise<Record<string, string>> {
  const { stdout } = await execFileAsync('ssh', ['-G', ...sshArgs(site, options)], { env: { ...site.env } });
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (m !== null && out[m[1] as string] === undefined) {
      out[m[1] as string] = m[2] as string;
    }
  }
  return out;
}

/**
 * What a session prints when a line typed into it has run: the typed line
 * itself (echoed by the remote terminal) does not match, only its output.
 */
export function markerCommand(tag: string): { readonly command: string; readonly output: RegExp } {
  if (!/^[A-Za-z0-9-]+$/.test(tag)) {
    throw new RangeError(`marker tag must be [A-Za-z0-9-]: ${tag}`);
  }
  return { command: `printf '%s-%s\\n' lifeline ${tag}`, output: new RegExp(`^lifeline-${tag}\\s*$`, 'm') };
}

/**
 * An interactive ssh session (`ssh -tt`: a remote shell on a terminal, as a
 * person has) with these options and LogLevel=INFO (so "Timeout, server …
 * not responding." is printed; the fixture's config says ERROR), in the
 * client namespace. Resolves once a command typed into it has answered, so
 * the session is up and from then on idle; rejects when it does not answer
 * within `readyMs` (the process is stopped).
 */
export async function startSshSession(site: PeerSite, label: string, options: SshOptions, readyMs = 15_000): Promise<ClientProcess> {
  const p = startClient(site, label, ['ssh', '-tt', ...sshArgs(site, { LogLevel: 'INFO', ...options })]);
  await waitReady(p, label, readyMs);
  return p;
}

async function waitReady(p: ClientProcess, label: string, readyMs: number): Promise<void> {
  const marker = markerCommand('ready');
  p.write(`${marker.command}\n`);
  const line = await p.waitForLine((l) => l.stream === 'stdout' && marker.output.test(l.text), readyMs, 0);
  if (line === undefined) {
    await p.stop();
    throw new Error(`${label}: the session did not answer within ${readyMs} ms (exit ${JSON.stringify(p.exit)}): ${p.output().slice(-600)}`);
  }
}

/** "Timeout, server 10.201.3.1 not responding." — what ssh prints when ServerAlive gives up. */
export const SERVER_ALIVE_TIMEOUT = /Timeout, server \S+ not responding/;

// ---------------------------------------------------------------- autossh

export interface AutosshSession {
  /** autossh itself; the ssh it runs writes to the same pipes. */
  readonly process: ClientProcess;
  /** autossh's own log (AUTOSSH_LOGFILE, AUTOSSH_DEBUG=1). */
  readonly logPath: string;
  readLog(): Promise<string>;
  /**
   * Polls the log every `everyMs` for a line passing `test` (after the
   * `fromLength` characters already read); resolves with performance.now()
   * at the read that found it, or undefined after `timeoutMs`.
   */
  waitForLog(test: RegExp, timeoutMs: number, fromLength?: number, everyMs?: number): Promise<{ readonly at: number; readonly line: string } | undefined>;
  /** Pids of autossh's children now (its ssh). */
  childPids(): number[];
}

/**
 * `autossh -M 0` (no monitor port: it relies on ssh's own ServerAlive, and
 * restarts ssh when it exits) running `ssh -tt` with these options, with
 * AUTOSSH_GATETIME=0 so that an ssh failing soon after the start is still
 * restarted. Resolves once the session answered a typed command.
 */
export async function startAutossh(site: PeerSite, label: string, options: SshOptions, readyMs = 15_000): Promise<AutosshSession> {
  const logPath = join(site.dir, `${label}-autossh.log`);
  const p = startClient(site, label, ['autossh', '-M', '0', '-tt', ...sshArgs(site, { LogLevel: 'INFO', ...options })], {
    AUTOSSH_GATETIME: '0',
    AUTOSSH_LOGFILE: logPath,
    AUTOSSH_DEBUG: '1',
  });
  await waitReady(p, label, readyMs);
  const readLog = (): Promise<string> => readFile(logPath, 'utf8').catch(() => '');
  return {
    process: p,
    logPath,
    readLog,
    async waitForLog(test, timeoutMs, fromLength = 0, everyMs = 100) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const text = (await readLog()).slice(fromLength);
        const at = performance.now();
        const line = text.split('\n').find((l) => test.test(l));
        if (line !== undefined) {
          return { at, line };
        }
        if (at > deadline) {
          return undefined;
        }
        await sleep(everyMs);
      }
    },
    childPids() {
      try {
        return readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8')
          .split(/\s+/)
          .filter((s) => s !== '')
          .map(Number);
      } catch {
        return [];
      }
    },
  };
}

// ---------------------------------------------------------------- ssh-lifeline watch

/** One line of `ssh-lifeline watch --json`, with when it was read. */
export interface WatchEvent {
  readonly time: string;
  readonly host: string;
  readonly state: string;
  readonly rttMs: number | null;
  readonly event: 'beat' | 'state';
  /** State changes: why, in words. */
  readonly reason?: string;
  /** Beats: late or lost beats among the recent ones, in percent. */
  readonly lossPercent?: number | null;
  /** performance.now() when the line was read. */
  readonly at: number;
}

export interface LifelineWatch {
  readonly process: ClientProcess;
  /** Every event so far, in order. */
  readonly events: readonly WatchEvent[];
  /** Lines on stdout that were not JSON events (there should be none). */
  readonly garbage: readonly string[];
  /** The first state change to `state` at index `from` or later (default: from now on), or undefined after `timeoutMs`. */
  waitState(state: string, timeoutMs: number, from?: number): Promise<WatchEvent | undefined>;
}

/**
 * `node <cli> watch --json -F <config> testhost` with the default settings,
 * in the client namespace. Resolves once the host is `up`; rejects (the
 * process stopped) when it is not within `upWithinMs`.
 */
export async function startWatch(site: PeerSite, cliPath: string, label = 'watch', upWithinMs = 20_000): Promise<LifelineWatch> {
  const p = startClient(site, label, [process.execPath, cliPath, 'watch', '--json', '-F', site.sshd.configPath, site.sshd.host]);
  const events: WatchEvent[] = [];
  const garbage: string[] = [];
  const lineIndex: number[] = [];
  const parse = (l: OutputLine): WatchEvent | undefined => {
    try {
      const e = JSON.parse(l.text) as Omit<WatchEvent, 'at'>;
      return typeof e === 'object' && e !== null && typeof e.event === 'string' ? { ...e, at: l.at } : undefined;
    } catch {
      return undefined;
    }
  };
  // Parse every stdout line as it arrives, so `events` is current.
  let seen = 0;
  const sync = (): void => {
    for (; seen < p.lines.length; seen += 1) {
      const l = p.lines[seen] as OutputLine;
      if (l.stream !== 'stdout' || l.text.trim() === '') {
        continue;
      }
      const e = parse(l);
      if (e === undefined) {
        garbage.push(l.text);
      } else {
        events.push(e);
        lineIndex.push(seen);
      }
    }
  };
  const watch: LifelineWatch = {
    process: p,
    get events() {
      sync();
      return events;
    },
    garbage,
    async waitState(state, timeoutMs, from) {
      sync();
      const start = from ?? events.length;
      const already = events.slice(start).find((e) => e.event === 'state' && e.state === state);
      if (already !== undefined) {
        return already;
      }
      const fromLine = start < lineIndex.length ? (lineIndex[start] as number) : p.lines.length;
      const line = await p.waitForLine(
        (l) => {
          if (l.stream !== 'stdout') {
            return false;
          }
          const e = parse(l);
          return e !== undefined && e.event === 'state' && e.state === state;
        },
        timeoutMs,
        fromLine,
      );
      sync();
      return line === undefined ? undefined : events.find((e) => e.at === line.at && e.event === 'state' && e.state === state);
    },
  };
  const up = await watch.waitState('up', upWithinMs, 0);
  if (up === undefined) {
    await p.stop();
    throw new Error(`${label}: ssh-lifeline watch did not report up within ${upWithinMs} ms: ${p.output().slice(-600)}`);
  }
  return watch;
}

// ---------------------------------------------------------------- mosh

/** mosh's notice on the top line when nothing came from the server for a while: "mosh: Last contact 7 seconds ago. [To quit: Ctrl-^ .]". */
export const MOSH_NOTICE = /mosh: Last contact/;

export function moshNoticeShown(screen: string): boolean {
  return MOSH_NOTICE.test(screen);
}

/** The seconds in the notice ("Last contact 7 seconds ago", "Last contact 2:05 ago" is 125), or undefined when it is not shown. */
export function moshLastContactSeconds(screen: string): number | undefined {
  const m = /Last contact ([\d:.]+) (?:seconds? |minutes? |hours? )?ago/.exec(screen);
  if (m === null) {
    return undefined;
  }
  const parts = (m[1] as string).split(':').map(Number);
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}

/**
 * Types a marker command into a terminal and waits for its output on the
 * screen; resolves with performance.now() at the capture that showed it, or
 * undefined after `timeoutMs`. The screen is cleared first (`clear`), so an
 * earlier marker's output does not count.
 */
export async function typeMarker(term: Terminal, tag: string, timeoutMs: number): Promise<number | undefined> {
  const marker = markerCommand(tag);
  await term.sendKeys('-l', `clear; ${marker.command}`);
  await term.sendKeys('Enter');
  return term.waitFor((s) => marker.output.test(s), timeoutMs);
}

/**
 * mosh in a terminal of its own, in the client namespace, reaching the
 * site's sshd through `--ssh="ssh -F <fixture config>"` (mosh-server then
 * runs in the server namespace, started through sshd). Resolves once a
 * typed command answered; rejects (the terminal closed) when it does not
 * within `readyMs`. Closed by `site.close()` or `term.close()`; mosh-server
 * stays behind until the namespace is deleted (it waits for its client).
 */
export async function openMosh(site: PeerSite, label: string, readyMs = 20_000): Promise<Terminal> {
  const term = await Terminal.open(label, [...site.topo.wrapClient, 'mosh', `--ssh=ssh -F ${site.sshd.configPath}`, site.sshd.host], {
    dir: site.dir,
    env: site.env,
    cwd: site.dir,
  });
  internals.get(site)?.terminals.add(term);
  // mosh prints nothing to wait for before the remote shell's prompt, whose
  // text depends on the server: wait for the connection, then type a marker.
  const deadline = performance.now() + readyMs;
  let ready: number | undefined;
  while (ready === undefined && performance.now() < deadline && (await term.exitStatus()) === undefined) {
    ready = await typeMarker(term, 'ready', Math.min(3000, Math.max(0, deadline - performance.now())));
  }
  if (ready === undefined) {
    const screen = await term.capture(50).catch(() => '');
    const status = await term.exitStatus();
    await term.close();
    throw new Error(`${label}: mosh did not answer within ${readyMs} ms (exit status ${String(status)}): ${screen.trim().slice(-600)}`);
  }
  return term;
}
