/**
 * The tracked sessions of the integrated terminals: what the process scans
 * ({@link sessionsUnder}) and shell integration (command line, exit code,
 * output) say, merged into one record per session with its fate. Pure: the
 * VS Code side feeds it events and the time.
 */
import type { EffectiveOptions, EffectiveSummary } from '../sshConfig/effective';
import { summarizeEffective } from '../sshConfig/effective';
import type { Multiplexer, SshLikeKind } from '../sshArgs/remoteCommand';
import { detectMultiplexer } from '../sshArgs/remoteCommand';
import { commandLineUserAndPort } from '../sshArgs/parse';
import { probeRefusalFor, type CommandLineConfidence, type ProbeRefusal, type SshSession, type TypedCommand } from './sessions';

/** Why a target could not be resolved. */
export type ResolveErrorReason =
  /** No destination, or a host ssh itself would refuse. */
  | 'invalid-destination'
  /** A relative `-F` and no known working directory to read it from. */
  | 'relative-config'
  /** ssh ran and refused the command line or the config (its own message). */
  | 'ssh-refused'
  | 'cancelled';

/** Where a session goes: the effective options for its command line, or why they are unknown. */
export type TargetResolution =
  | {
      readonly source: 'ssh -G' | 'own';
      readonly options: EffectiveOptions;
      /** What the own evaluation could not evaluate (`Match exec …`); empty for `ssh -G`. */
      readonly unevaluated: readonly string[];
      /** Why `ssh -G` was not used in a trusted workspace (not installed, timed out), when it was not. */
      readonly fallback?: string;
    }
  | { readonly error: { readonly reason: ResolveErrorReason; readonly message: string } };

/** A failure line from ssh's output, classified (e.g. `connection-refused`, `broken-pipe`). */
export interface SshFailure {
  readonly reason: string;
  /** The line as ssh printed it. */
  readonly line: string;
}

/** Turns an ssh session's last output into a failure, when it shows one (src/core/session/failure.ts). */
export type FailureClassifier = (text: string) => SshFailure | undefined;

/** One session in one integrated terminal, as plain data. */
export interface TrackedSession {
  /** Stable for the session's life: `<pid>@<start time>` from the process table, `si:<terminal>:<n>` when only shell integration saw it. */
  readonly id: string;
  readonly terminalName: string;
  /** The terminal's shell (`Terminal.processId`). */
  readonly shellPid: number | undefined;
  /** The session's own process (ssh, autossh, mosh, et); undefined when only shell integration saw it. */
  readonly pid: number | undefined;
  /** The ssh process holding the connection's socket, for socket probes; undefined for mosh/et and when unknown. */
  readonly sshPid: number | undefined;
  /** The session process's argv (or the typed words when only shell integration saw it). */
  readonly argv: readonly string[];
  /** The ssh arguments that describe the connection (see SshSession.sshArgs). */
  readonly sshArgs: readonly string[];
  readonly kind: SshLikeKind;
  /** The destination host as typed. */
  readonly alias: string;
  /** User and port from the command line itself, if given. */
  readonly commandLineUser: string | undefined;
  readonly commandLinePort: string | undefined;
  /** `pending` until the resolution arrives. */
  readonly resolution: TargetResolution | 'pending';
  /** The resolved target in short (HostName, User, Port, ProxyJump, ProxyCommand, keepalive), once resolved. */
  readonly target: EffectiveSummary | undefined;
  /** Every effective option (ssh -G keys), once resolved. */
  readonly options: EffectiveOptions | undefined;
  readonly remoteCommand: readonly string[];
  readonly multiplexer: Multiplexer | undefined;
  /** Whether the heartbeat should probe it (false for mosh, autossh, et; see probeRefusal). */
  readonly probe: boolean;
  readonly probeRefusal: ProbeRefusal | undefined;
  readonly state: 'running' | 'exited';
  /** The exit code shell integration reported (255: ssh's own failure, e.g. the connection); undefined when unknown. */
  readonly exitCode: number | undefined;
  readonly failure: SshFailure | undefined;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  /** Which sources saw it. */
  readonly seenBy: { readonly processTable: boolean; readonly shellIntegration: boolean };
  /** The command line shell integration reported for the execution that started it. */
  readonly commandLine: { readonly value: string; readonly confidence: CommandLineConfidence } | undefined;
}

/**
 * Removes what a terminal shows but a person does not read as text: OSC
 * sequences (titles, VS Code's shell-integration marks `ESC ] 633 ; … BEL`),
 * CSI sequences (colours, cursor moves), other two-byte escapes, and control
 * characters except newline and tab; a carriage return ends a line.
 */
export function stripTerminalControls(text: string): string {
  /* eslint-disable no-control-regex -- control characters are what this removes */
  return text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-Z\\-_]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  /* eslint-enable no-control-regex */
}

/**
 * The last few KiB of a stream, for reading ssh's failure line after it exits.
 * Never more than twice the limit is held; output is not logged anywhere.
 */
export class OutputTail {
  private buffer = '';

  constructor(private readonly maxChars = 4096) {}

  append(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > 2 * this.maxChars) {
      this.buffer = this.buffer.slice(-this.maxChars);
    }
  }

  /** The tail as readable text (at most the limit, controls removed). */
  text(): string {
    return stripTerminalControls(this.buffer.slice(-this.maxChars));
  }
}

/** A terminal as the book knows it. */
export interface TerminalRef {
  /** Any id unique among open terminals. */
  readonly key: number;
  readonly name: string;
  readonly shellPid: number | undefined;
}

interface Execution {
  readonly key: number;
  readonly terminal: number;
  readonly typed: TypedCommand | undefined;
  readonly commandLine: { value: string; confidence: CommandLineConfidence };
  readonly startedAt: number;
  /** Sessions the scans found while it ran, for the same destination. */
  readonly sessions: Set<string>;
}

interface Entry {
  session: TrackedSession;
  readonly terminal: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How far before its execution's start event a scanned ssh may have started and still belong to it. */
const LINK_WINDOW_MS = 5_000;

/**
 * The merged record of every session seen in the terminals.
 *
 * Process scans are authoritative for what runs; shell integration adds the
 * command line, the exit code and the output. A session is linked to the
 * execution it ran in when the scan finds it in that terminal while the
 * execution is open and both name the same destination. An execution whose
 * ssh was never seen by a scan (it failed at once, or the platform has no
 * process scanning) becomes a session of its own.
 */
export class SessionBook {
  private readonly entries = new Map<string, Entry>();
  private readonly executions = new Map<number, Execution>();
  private siCounter = 0;

  /**
   * @param processScanning whether scans run at all: without them a typed ssh
   *   becomes a running session when its execution starts.
   * @param classify ssh failure classification of an execution's output tail.
   */
  constructor(
    private readonly processScanning: boolean,
    private readonly classify: FailureClassifier | undefined,
  ) {}

  /** All sessions, oldest first. */
  all(): TrackedSession[] {
    return [...this.entries.values()].map((e) => e.session);
  }

  ofTerminal(terminal: number): TrackedSession[] {
    return [...this.entries.values()].filter((e) => e.terminal === terminal).map((e) => e.session);
  }

  get(id: string): TrackedSession | undefined {
    return this.entries.get(id)?.session;
  }

  /**
   * A scan of one terminal's processes. Returns the sessions that started
   * (to resolve) and whether anything changed.
   */
  scan(terminal: TerminalRef, found: readonly SshSession[], now: number): { started: TrackedSession[]; changed: boolean } {
    const started: TrackedSession[] = [];
    let changed = false;
    const seen = new Set<string>();
    for (const s of found) {
      seen.add(s.id);
      const entry = this.entries.get(s.id);
      const open = this.openExecutionFor(terminal.key, s.alias);
      if (entry === undefined) {
        const session: TrackedSession = {
          id: s.id,
          terminalName: terminal.name,
          shellPid: terminal.shellPid,
          pid: s.pid,
          sshPid: s.sshPid,
          argv: s.argv,
          sshArgs: s.sshArgs,
          kind: s.kind,
          alias: s.alias,
          commandLineUser: s.user,
          commandLinePort: s.port,
          resolution: 'pending',
          target: undefined,
          options: undefined,
          remoteCommand: s.remoteCommand,
          multiplexer: s.multiplexer,
          probe: s.probe,
          probeRefusal: s.probeRefusal,
          state: 'running',
          exitCode: undefined,
          failure: undefined,
          startedAt: open?.startedAt ?? now,
          endedAt: undefined,
          seenBy: { processTable: true, shellIntegration: open !== undefined },
          commandLine: open?.commandLine,
        };
        open?.sessions.add(s.id);
        this.entries.set(s.id, { session, terminal: terminal.key });
        started.push(session);
        changed = true;
        continue;
      }
      const old = entry.session;
      // mosh becomes mosh-client, autossh restarts its ssh, a hop appears: keep the record, refresh what moved.
      if (old.state === 'running' && (old.sshPid !== s.sshPid || old.argv.join('\0') !== s.argv.join('\0') || old.terminalName !== terminal.name)) {
        entry.session = { ...old, sshPid: s.sshPid, argv: s.argv, terminalName: terminal.name };
        changed = true;
      }
    }
    for (const entry of this.entries.values()) {
      const s = entry.session;
      if (entry.terminal === terminal.key && s.state === 'running' && s.seenBy.processTable && !seen.has(s.id)) {
        entry.session = { ...s, state: 'exited', endedAt: now };
        changed = true;
      }
    }
    return { started, changed };
  }

  /** Shell integration saw a command start. Returns a session when it created one (no process scanning). */
  executionStarted(terminal: TerminalRef, key: number, typed: TypedCommand | undefined, commandLine: { value: string; confidence: CommandLineConfidence }, now: number): TrackedSession | undefined {
    const execution: Execution = { key, terminal: terminal.key, typed, commandLine, startedAt: now, sessions: new Set() };
    this.executions.set(key, execution);
    if (typed === undefined) {
      return undefined;
    }
    if (this.processScanning) {
      // A scan may have found the ssh before this event arrived: link the newest such session.
      const alias = typed.invocation.destination?.host;
      const recent = this.ofTerminal(terminal.key)
        .filter((s) => s.state === 'running' && s.seenBy.processTable && !s.seenBy.shellIntegration && s.alias === alias && s.startedAt >= now - LINK_WINDOW_MS)
        .pop();
      if (recent !== undefined) {
        execution.sessions.add(recent.id);
        const entry = this.entries.get(recent.id) as Entry;
        entry.session = { ...recent, startedAt: Math.min(recent.startedAt, now), seenBy: { processTable: true, shellIntegration: true }, commandLine };
      }
      return undefined;
    }
    const session = this.fromShellIntegration(terminal, execution, 'running', now);
    execution.sessions.add(session.id);
    return session;
  }

  /**
   * Shell integration saw a command end, with its exit code and its output's
   * tail. Returns the sessions it ended or created (to resolve, for new ones).
   */
  executionEnded(terminal: TerminalRef, key: number, exitCode: number | undefined, output: string, now: number): { ended: TrackedSession[]; created: TrackedSession[] } {
    const execution = this.executions.get(key);
    this.executions.delete(key);
    if (execution === undefined || execution.typed === undefined) {
      return { ended: [], created: [] };
    }
    // After `ssh h; echo done` the line's exit code is the last command's, not ssh's.
    const code = execution.typed.compound ? undefined : exitCode;
    const failure = code !== 0 ? this.classify?.(output) : undefined;
    const created: TrackedSession[] = [];
    if (execution.sessions.size === 0) {
      const session = this.fromShellIntegration(terminal, execution, 'exited', now);
      execution.sessions.add(session.id);
      created.push(session);
    }
    const ended: TrackedSession[] = [];
    for (const id of execution.sessions) {
      const entry = this.entries.get(id);
      if (entry === undefined) {
        continue;
      }
      const update: Partial<Mutable<TrackedSession>> = { exitCode: code, failure, seenBy: { ...entry.session.seenBy, shellIntegration: true } };
      if (entry.session.state === 'running') {
        update.state = 'exited';
        update.endedAt = now;
      }
      entry.session = { ...entry.session, ...update };
      ended.push(entry.session);
    }
    return { ended, created };
  }

  setResolution(id: string, resolution: TargetResolution): TrackedSession | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      return undefined;
    }
    const options = 'error' in resolution ? undefined : resolution.options;
    entry.session = { ...entry.session, resolution, options, target: options === undefined ? undefined : summarizeEffective(options) };
    return entry.session;
  }

  /** The terminal closed: its running sessions end (their ssh dies with the pty); {@link prune} drops the records. */
  terminalClosed(terminal: number, now: number): void {
    for (const entry of this.entries.values()) {
      if (entry.terminal === terminal && entry.session.state === 'running') {
        entry.session = { ...entry.session, state: 'exited', endedAt: now };
      }
    }
    for (const [key, e] of this.executions) {
      if (e.terminal === terminal) {
        this.executions.delete(key);
      }
    }
  }

  /** Drops exited sessions that ended before `before`, and all of closed terminals' that ended. */
  prune(before: number, openTerminals: ReadonlySet<number>): boolean {
    let changed = false;
    for (const [id, e] of this.entries) {
      const s = e.session;
      if (s.state === 'exited' && ((s.endedAt ?? 0) < before || !openTerminals.has(e.terminal))) {
        this.entries.delete(id);
        changed = true;
      }
    }
    return changed;
  }

  private openExecutionFor(terminal: number, alias: string): Execution | undefined {
    let found: Execution | undefined;
    for (const e of this.executions.values()) {
      if (e.terminal === terminal && e.typed?.invocation.destination?.host === alias) {
        found = e;
      }
    }
    return found;
  }

  private fromShellIntegration(terminal: TerminalRef, execution: Execution, state: 'running' | 'exited', now: number): TrackedSession {
    const typed = execution.typed as TypedCommand;
    const inv = typed.invocation;
    const { user, port } = commandLineUserAndPort(inv);
    const session: TrackedSession = {
      id: `si:${terminal.key}:${++this.siCounter}`,
      terminalName: terminal.name,
      shellPid: terminal.shellPid,
      pid: undefined,
      sshPid: undefined,
      argv: [typed.program.kind, ...typed.program.args],
      sshArgs: typed.sshArgs,
      kind: typed.program.kind,
      alias: inv.destination?.host ?? '',
      commandLineUser: user,
      commandLinePort: port,
      resolution: 'pending',
      target: undefined,
      options: undefined,
      remoteCommand: inv.command,
      multiplexer: detectMultiplexer(inv.command),
      probe: typed.program.kind === 'ssh',
      probeRefusal: probeRefusalFor(typed.program.kind),
      state,
      exitCode: undefined,
      failure: undefined,
      startedAt: execution.startedAt,
      endedAt: state === 'exited' ? now : undefined,
      seenBy: { processTable: false, shellIntegration: true },
      commandLine: execution.commandLine,
    };
    this.entries.set(session.id, { session, terminal: terminal.key });
    return session;
  }
}
