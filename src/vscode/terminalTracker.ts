import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { ProcessInfo } from '../core/process/processTree';
import { classifySshFailure } from '../core/session/failure';
import { sessionsUnder, typedSshCommand, type CommandLineConfidence } from '../core/session/sessions';
import { OutputTail, SessionBook, type FailureClassifier, type TerminalRef, type TrackedSession } from '../core/session/tracked';
import { processTableSource, readProcessTable } from '../node/processTable';
import { readProcessCwd, TargetResolver, type TargetResolution } from '../node/resolveTarget';
import { sshArgsForLog } from '../core/sshArgs/forLog';

export type { TrackedSession } from '../core/session/tracked';

export interface TerminalTrackerOptions {
  readonly log: vscode.LogOutputChannel;
  /** `vscode.workspace`: in an untrusted workspace targets come from our own evaluation only (nothing is spawned). */
  readonly trust: { readonly isTrusted: boolean; readonly onDidGrantWorkspaceTrust: vscode.Event<void> };
  /** The extension's folder: the working directory for `ssh -G`. */
  readonly cwd: string;
  /** `sshLifeline.ssh.path` (read at each resolution); undefined: `ssh` on PATH. */
  readonly sshProgram?: () => string | undefined;
  /** `sshLifeline.sessions.scanIntervalSeconds`: the rescan period while any terminal is open. */
  readonly scanIntervalSeconds: number;
  /** Reads ssh's failure line from an execution's output tail (exit code ≠ 0); default classifySshFailure. */
  readonly classifyFailure?: FailureClassifier;
  /** How long exited sessions stay listed; default 10 min. */
  readonly keepExitedMs?: number;
  /** Tests: the platform and the process table reader. */
  readonly platform?: NodeJS.Platform;
  /** The process table; `argvUnder`: the terminals' shell pids, whose subtrees alone need argument vectors. */
  readonly readProcesses?: (argvUnder: readonly number[]) => Promise<ProcessInfo[]>;
  readonly resolver?: TargetResolver;
}

const confidences: Readonly<Record<number, CommandLineConfidence>> = { 0: 'low', 1: 'medium', 2: 'high' };
/** After a command starts, look again soon: a failing ssh lives for milliseconds. */
const followUpScansMs = [150, 600, 1500];
/** How long to wait, at an execution's end, for its output to finish streaming. */
const outputDrainMs = 1000;

/**
 * Which SSH sessions run in which integrated terminal, with their parsed
 * command line, resolved target and fate.
 *
 * Two sources: the process table (Linux `/proc`, macOS and FreeBSD `ps`:
 * every descendant of each terminal's shell, one walk per scan for all
 * terminals), rescanned on terminal events and on a timer that runs only
 * while a terminal is open; and shell integration, for the command line, the
 * exit code (255: ssh's own failure) and the last few KiB of output, from
 * which ssh's failure line is classified. Where there is no process table
 * (Windows), shell integration alone sees typed ssh commands.
 */
export class TerminalTracker implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a session starts, ends, or its target resolves. */
  readonly onDidChange: vscode.Event<void> = this.changed.event;

  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly book: SessionBook;
  private readonly resolver: TargetResolver;
  private readonly processScanning: boolean;
  private readonly readProcesses: (argvUnder: readonly number[]) => Promise<ProcessInfo[]>;
  private readonly keys = new WeakMap<vscode.Terminal, number>();
  private readonly open = new Map<number, { terminal: vscode.Terminal; shellPid: number | undefined }>();
  private readonly executionKeys = new WeakMap<vscode.TerminalShellExecution, number>();
  /** Shell-integration executions started and not yet ended, per terminal key. */
  private readonly runningExecutions = new Map<number, number>();
  private readonly outputs = new Map<number, { tail: OutputTail; done: Promise<void>; terminal: number }>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly abort = new AbortController();
  private nextKey = 1;
  private interval: ReturnType<typeof setInterval> | undefined;
  private intervalMs: number;
  private scanning: Promise<void> | undefined;
  private scanAgain = false;
  private disposed = false;

  constructor(private readonly options: TerminalTrackerOptions) {
    const platform = options.platform ?? process.platform;
    this.processScanning = processTableSource(platform) !== undefined;
    this.readProcesses = options.readProcesses ?? ((argvUnder) => readProcessTable(platform, { argvUnder }));
    // `closed` is an ordinary logout (after `ssh h; echo`, whose exit code is not ssh's), not a failure.
    const classify = options.classifyFailure ?? ((text: string) => {
      const end = classifySshFailure(text);
      return end?.reason === 'closed' ? undefined : end;
    });
    this.book = new SessionBook(this.processScanning, classify);
    this.resolver = options.resolver ?? new TargetResolver();
    this.intervalMs = clampInterval(options.scanIntervalSeconds);
    if (!this.processScanning) {
      options.log.info(`[sessions] process scanning is not supported on ${platform} (Linux /proc, macOS and FreeBSD ps): ssh sessions are seen through shell integration only`);
    }
    const w = vscode.window;
    w.onDidOpenTerminal(this.terminalOpened, this, this.disposables);
    w.onDidCloseTerminal(this.terminalClosed, this, this.disposables);
    w.onDidChangeActiveTerminal(() => this.requestScan(), this, this.disposables);
    w.onDidStartTerminalShellExecution(this.executionStarted, this, this.disposables);
    w.onDidEndTerminalShellExecution(this.executionEnded, this, this.disposables);
    options.trust.onDidGrantWorkspaceTrust(this.trustGranted, this, this.disposables);
    for (const t of w.terminals) {
      this.terminalOpened(t);
    }
  }

  /** Every tracked session, running and recently exited, oldest first. */
  sessions(): readonly TrackedSession[] {
    return this.book.all();
  }

  sessionsOf(terminal: vscode.Terminal): readonly TrackedSession[] {
    const key = this.keys.get(terminal);
    return key === undefined ? [] : this.book.ofTerminal(key);
  }

  /** The active terminal's running session (the newest, if several), if any. */
  activeSession(): TrackedSession | undefined {
    const terminal = vscode.window.activeTerminal;
    return terminal === undefined
      ? undefined
      : this.sessionsOf(terminal)
          .filter((s) => s.state === 'running')
          .pop();
  }

  /** The open terminal a session runs (or ran) in. */
  terminalOf(sessionId: string): vscode.Terminal | undefined {
    for (const [key, entry] of this.open) {
      if (this.book.ofTerminal(key).some((s) => s.id === sessionId)) {
        return entry.terminal;
      }
    }
    return undefined;
  }

  /**
   * Whether `terminal` sits at an idle local prompt, so a command may be run
   * in it: shell integration is active, every execution it started has
   * ended, and (from a fresh read of the process table) the shell has no
   * child process — no ssh, editor, pager or `Password:` prompt in the
   * foreground. Without a process table the answer is always no.
   */
  async idlePrompt(terminal: vscode.Terminal): Promise<boolean> {
    const key = this.keys.get(terminal);
    const entry = key === undefined ? undefined : this.open.get(key);
    if (key === undefined || entry?.shellPid === undefined || terminal.shellIntegration === undefined || terminal.exitStatus !== undefined) {
      return false;
    }
    if ((this.runningExecutions.get(key) ?? 0) > 0 || !this.processScanning) {
      return false;
    }
    const table = await this.readProcesses([entry.shellPid]);
    return !table.some((p) => p.ppid === entry.shellPid);
  }

  /** A new period for the rescan timer (the setting changed). */
  setScanIntervalSeconds(seconds: number): void {
    this.intervalMs = clampInterval(seconds);
    if (this.interval !== undefined) {
      this.stopTimer();
      this.startTimer();
    }
  }

  /** Scans now (coalesced with a scan under way); resolves when the process table has been read. */
  rescan(): Promise<void> {
    if (!this.processScanning || this.disposed) {
      return Promise.resolve();
    }
    if (this.scanning !== undefined) {
      this.scanAgain = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      try {
        do {
          this.scanAgain = false;
          await this.scanOnce();
        } while (this.scanAgain && !this.disposed);
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  private requestScan(): void {
    this.rescan().catch((err: unknown) => this.options.log.warn(`[sessions] scan failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  private async scanOnce(): Promise<void> {
    for (const [key, entry] of this.open) {
      if (entry.shellPid === undefined) {
        entry.shellPid = await withTimeout(entry.terminal.processId, 2_000);
        if (!this.open.has(key)) {
          continue;
        }
      }
    }
    const shells = [...this.open.values()].flatMap((e) => (e.shellPid === undefined ? [] : [e.shellPid]));
    const table = await this.readProcesses(shells);
    if (this.disposed) {
      return;
    }
    const now = Date.now();
    let changed = false;
    for (const [key, entry] of this.open) {
      if (entry.shellPid === undefined) {
        continue;
      }
      const ref = this.ref(key, entry);
      const before = new Map(this.book.ofTerminal(key).map((s) => [s.id, s.state]));
      const result = this.book.scan(ref, sessionsUnder(table, entry.shellPid), now);
      changed ||= result.changed;
      for (const s of result.started) {
        this.options.log.info(`[sessions] started ${s.id} in "${s.terminalName}": ${s.argv[0] ?? ''} ${sshArgsForLog(s.argv.slice(1))}${s.probe ? '' : ` (${s.kind}, not probed)`}`);
        this.resolve(s);
      }
      for (const s of this.book.ofTerminal(key)) {
        if (before.get(s.id) === 'running' && s.state === 'exited') {
          this.options.log.info(`[sessions] ended ${s.id} in "${s.terminalName}" (${s.alias})`);
        }
      }
    }
    changed = this.book.prune(now - (this.options.keepExitedMs ?? 10 * 60_000), new Set(this.open.keys())) || changed;
    if (changed) {
      this.changed.fire();
    }
  }

  private ref(key: number, entry: { terminal: vscode.Terminal; shellPid: number | undefined }): TerminalRef {
    return { key, name: entry.terminal.name, shellPid: entry.shellPid };
  }

  private keyOf(terminal: vscode.Terminal): number {
    let key = this.keys.get(terminal);
    if (key === undefined) {
      key = this.nextKey++;
      this.keys.set(terminal, key);
    }
    return key;
  }

  private terminalOpened(terminal: vscode.Terminal): void {
    const key = this.keyOf(terminal);
    if (this.open.has(key)) {
      return;
    }
    this.open.set(key, { terminal, shellPid: undefined });
    if (this.interval === undefined) {
      this.startTimer();
    }
    this.requestScan();
  }

  private terminalClosed(terminal: vscode.Terminal): void {
    const key = this.keys.get(terminal);
    if (key === undefined || !this.open.has(key)) {
      return;
    }
    this.open.delete(key);
    this.runningExecutions.delete(key);
    this.book.terminalClosed(key, Date.now());
    for (const [execution, output] of this.outputs) {
      if (output.terminal === key) {
        this.outputs.delete(execution);
      }
    }
    if (this.open.size === 0) {
      this.stopTimer();
    }
    this.changed.fire();
    this.requestScan();
  }

  private startTimer(): void {
    if (this.processScanning && this.interval === undefined && !this.disposed) {
      this.interval = setInterval(() => this.requestScan(), this.intervalMs);
    }
  }

  private stopTimer(): void {
    if (this.interval !== undefined) {
      clearInterval(this.interval);
      this.interval = undefined;
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private executionStarted(event: vscode.TerminalShellExecutionStartEvent): void {
    const key = this.nextKey++;
    this.executionKeys.set(event.execution, key);
    const terminalKey = this.keyOf(event.terminal);
    this.runningExecutions.set(terminalKey, (this.runningExecutions.get(terminalKey) ?? 0) + 1);
    if (!this.open.has(terminalKey)) {
      this.terminalOpened(event.terminal);
    }
    const entry = this.open.get(terminalKey) as { terminal: vscode.Terminal; shellPid: number | undefined };
    const commandLine = event.execution.commandLine;
    const typed = typedSshCommand(commandLine.value);
    if (typed !== undefined) {
      // Read as it streams: execution.read() only yields what is written after the first call.
      const tail = new OutputTail();
      const stream = event.execution.read();
      const done = (async () => {
        for await (const chunk of stream) {
          tail.append(chunk);
          if (this.disposed) {
            break;
          }
        }
      })().catch(() => undefined);
      this.outputs.set(key, { tail, done, terminal: terminalKey });
      this.options.log.info(`[sessions] ssh command in "${event.terminal.name}" (${confidences[commandLine.confidence] ?? 'low'} confidence): ${typed.program.kind} ${sshArgsForLog(typed.sshArgs)}`);
    }
    const created = this.book.executionStarted(this.ref(terminalKey, entry), key, typed, { value: commandLine.value, confidence: confidences[commandLine.confidence] ?? 'low' }, Date.now());
    if (created !== undefined) {
      this.resolve(created, event.execution.cwd?.fsPath);
      this.changed.fire();
    }
    if (typed !== undefined) {
      this.requestScan();
      for (const ms of followUpScansMs) {
        this.later(ms, () => this.requestScan());
      }
    }
  }

  private async executionEnded(event: vscode.TerminalShellExecutionEndEvent): Promise<void> {
    const key = this.executionKeys.get(event.execution);
    const terminalKey = this.keys.get(event.terminal);
    if (key === undefined || terminalKey === undefined) {
      return;
    }
    this.executionKeys.delete(event.execution);
    const running = (this.runningExecutions.get(terminalKey) ?? 1) - 1;
    if (running > 0) {
      this.runningExecutions.set(terminalKey, running);
    } else {
      this.runningExecutions.delete(terminalKey);
    }
    const output = this.outputs.get(key);
    this.outputs.delete(key);
    if (output !== undefined) {
      await Promise.race([output.done, new Promise<void>((resolve) => this.later(outputDrainMs, resolve))]);
    }
    if (this.disposed) {
      return;
    }
    const entry = this.open.get(terminalKey) ?? { terminal: event.terminal, shellPid: undefined };
    const { ended, created } = this.book.executionEnded(this.ref(terminalKey, entry), key, event.exitCode, output?.tail.text() ?? '', Date.now());
    for (const s of created) {
      this.resolve(s, event.execution.cwd?.fsPath);
    }
    for (const s of ended) {
      const fate = s.failure !== undefined ? `${s.failure.reason}: ${s.failure.line}` : s.exitCode === 255 ? 'ssh failed (exit 255)' : `exit ${s.exitCode ?? 'unknown'}`;
      this.options.log.info(`[sessions] exited ${s.id} in "${s.terminalName}" (${s.alias}): ${fate}`);
    }
    if (ended.length > 0) {
      this.changed.fire();
    }
  }

  private trustGranted(): void {
    // Resolved by our own evaluation so far; ssh -G may run now.
    for (const s of this.book.all()) {
      if (s.state === 'running') {
        this.resolve(s);
      }
    }
  }

  private resolve(session: TrackedSession, cwdHint?: string): void {
    const trusted = this.options.trust.isTrusted;
    void (async () => {
      const processCwd = session.pid !== undefined ? ((await readProcessCwd(session.pid)) ?? cwdHint) : cwdHint;
      const program = this.options.sshProgram?.();
      const result: TargetResolution = await this.resolver.resolve(session.sshArgs, {
        trusted,
        cwd: this.options.cwd,
        ...(program === undefined ? {} : { program }),
        env: process.env,
        home: userInfo().homedir,
        signal: this.abort.signal,
        ...(processCwd === undefined ? {} : { processCwd }),
      });
      if (this.disposed) {
        return;
      }
      const updated = this.book.setResolution(session.id, result);
      if ('error' in result) {
        if (result.error.reason !== 'cancelled') {
          this.options.log.warn(`[sessions] ${session.id} (${session.alias}): no target: ${result.error.reason}: ${result.error.message}`);
        }
      } else {
        const t = updated?.target;
        const via = t?.proxyJump !== undefined ? ` via ${t.proxyJump}` : t?.proxyCommand !== undefined ? ' via ProxyCommand' : '';
        const notes = [result.fallback, ...result.unevaluated].filter((n): n is string => n !== undefined);
        this.options.log.info(
          `[sessions] ${session.id} (${session.alias}) → ${t?.user ?? '?'}@${t?.hostName ?? '?'}:${t?.port ?? '?'}${via} (${result.source})${notes.length === 0 ? '' : `; ${notes.join('; ')}`}`,
        );
      }
      if (updated !== undefined) {
        this.changed.fire();
      }
    })().catch((err: unknown) => this.options.log.error(`[sessions] resolving ${session.id} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.stopTimer();
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.clear();
    this.outputs.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

function clampInterval(seconds: number): number {
  const s = Number.isFinite(seconds) ? seconds : 2;
  return Math.round(Math.min(60, Math.max(0.5, s)) * 1000);
}

function withTimeout<T>(value: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    value.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
