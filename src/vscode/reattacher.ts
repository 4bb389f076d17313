import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatDuration } from '../core/health/present';
import { attachCommand, attachTargetOf, parseAttachCommand, type AttachTarget } from '../core/reattach/commands';
import { decideReattach, type ReattachDecision, type ReattachTrigger, type SessionFacts } from '../core/reattach/decide';
import { sessionFromTarget, shellWord } from '../core/reattach/names';
import { DEFAULT_KEEPALIVE, relaunchArgs, wantsKeepalive } from '../core/reattach/relaunch';
import { chooseLostSession, type RemoteSession } from '../core/reattach/remoteSessions';
import { lastOption, parseSshArgs } from '../core/sshArgs/parse';
import type { TrackedSession } from '../core/session/tracked';
import type { Multiplexer } from '../core/sshArgs/remoteCommand';
import { untrustedRefusal } from '../core/trust/pathSettings';
import { endProcess, pidOfSessionId } from '../node/endProcess';
import type { Heartbeat } from '../node/heartbeat/heartbeat';
import type { HostMonitor } from '../node/heartbeat/hostMonitor';
import { findProgram } from '../node/findProgram';
import { listRemoteSessions } from '../node/remoteSessionList';
import { readProcessCwd } from '../node/resolveTarget';
import type { SessionHealth } from './sessionHealth';
import type { Settings } from './settings';
import type { TerminalTracker } from './terminalTracker';
import { inWorkspace, refuseUntrusted } from './workspaceGuard';
import { sshArgsForLog } from '../core/sshArgs/forLog';

export interface ReattacherOptions {
  readonly tracker: TerminalTracker;
  readonly health: SessionHealth;
  readonly heartbeat: Heartbeat;
  readonly settings: Settings;
  readonly log: vscode.LogOutputChannel;
}

/** Where a reattach ran, and what it attached. */
export interface ReattachOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly terminal?: vscode.Terminal;
}

/** Shells whose quoting is POSIX single quotes: only these get a command typed at their idle prompt. */
const posixShells = new Set(['bash', 'zsh', 'sh', 'dash', 'ksh', 'mksh', 'yash']);

/** How long to wait for shell integration's exit code after the process scan saw an ssh end. */
const exitCodeWaitMs = 1500;

/**
 * Reconnects dead SSH sessions and reattaches their tmux/screen session.
 *
 * Triggers: a wake from sleep (the heartbeat's wake detector), a host coming
 * back (`down` → `up`), an ssh ending with a connection failure, and the user
 * (Reconnect SSH). Each session is judged by the core's decision table
 * (decide.ts): a live session whose connection is healthy is left alone;
 * a stalled one is ended; a dead one waits for its host to answer (the
 * heartbeat's probe, hurried) and is relaunched with the same ssh arguments
 * and a remote command that attaches the same session. It runs in the old
 * terminal only when that terminal sits at an idle POSIX prompt (shell
 * integration, no child process); otherwise in a new terminal whose process
 * is ssh itself. One job per session at a time: no reconnect storms.
 */
export class Reattacher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Sessions seen running, to notice the moment one ends. */
  private readonly running = new Set<string>();
  /** Sessions already dealt with (reattached, refused, offered, ended by the user): never again on their own. */
  private readonly handled = new Set<string>();
  /** Jobs under way, by session id and by what they attach (host + session name). */
  private readonly jobs = new Map<string, Promise<ReattachOutcome>>();
  private readonly targets = new Set<string>();
  private lastWake: { readonly gapMs: number; readonly at: number } | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private sshPath: Promise<string> | undefined;
  private disposed = false;

  constructor(private readonly o: ReattacherOptions) {
    o.tracker.onDidChange(this.sessionsChanged, this, this.disposables);
    this.disposables.push(
      { dispose: o.heartbeat.onWake((e) => this.woke(e.gapMs)) },
      {
        dispose: o.heartbeat.onStateChange((_key, e) => {
          if (e.from === 'down' && (e.to === 'up' || e.to === 'degraded')) {
            this.evaluateAll('host-up');
          }
        }),
      },
    );
    for (const s of o.tracker.sessions()) {
      if (s.state === 'running') {
        this.running.add(s.id);
      }
    }
  }

  /** The user asked (Reconnect SSH): judge `session` with trigger `user`, confirming when it looks healthy. */
  async reconnect(session: TrackedSession): Promise<ReattachOutcome | undefined> {
    const untrusted = await this.untrustedRefusal(session);
    if (untrusted !== undefined) {
      this.o.log.info(`[reattach] ${describe(session)}: asked by the user: refused (the workspace is not trusted)`);
      refuseUntrusted(this.o.log, untrusted);
      return undefined;
    }
    const decision = decideReattach('user', this.factsOf(session), this.o.settings.reattach().mode);
    this.o.log.info(`[reattach] ${describe(session)}: asked by the user: ${decision.action} (${decision.why})`);
    if (decision.action === 'refuse') {
      void vscode.window.showErrorMessage(`SSH Lifeline: not reconnecting ${session.alias}: ${decision.why}`);
      return undefined;
    }
    let kill = decision.action === 'reconnect' || decision.action === 'offer' ? decision.kill : false;
    if (decision.action === 'offer' || decision.action === 'leave' || decision.action === 'verify') {
      const pick = await vscode.window.showWarningMessage(
        `The SSH session to ${session.alias} in "${session.terminalName}" ${session.state === 'running' ? 'looks healthy' : 'has ended'} (${decision.why}). Reconnect anyway?`,
        { modal: true },
        'Reconnect',
      );
      if (pick === undefined) {
        return undefined;
      }
      kill = session.state === 'running';
    }
    return this.start(session, { trigger: 'user', kill });
  }

  /** Ends a session's local ssh (Kill Stale SSH Session); the remote tmux/screen session keeps running. */
  async kill(session: TrackedSession): Promise<string> {
    this.handled.add(session.id);
    return (await this.endSsh(session, 'ended by the user')) ?? `no process is known for ${session.alias}`;
  }

  /** Ends a session's ssh (the one holding the socket); its start time, when the session id carries it, guards against a reused pid. */
  private async endSsh(s: TrackedSession, why: string): Promise<string | undefined> {
    const pid = s.sshPid ?? s.pid;
    if (pid === undefined) {
      return undefined;
    }
    const seen = pidOfSessionId(s.id);
    const result = await endProcess(pid, seen?.pid === pid && seen.startTime !== undefined ? { startTime: seen.startTime } : {});
    this.o.log.info(`[reattach] ${describe(s)}: ${why} (pid ${pid}): ${result}`);
    return result;
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) {
      clearTimeout(t);
    }
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private woke(gapMs: number): void {
    this.lastWake = { gapMs, at: Date.now() };
    this.evaluateAll('wake');
  }

  private evaluateAll(trigger: ReattachTrigger): void {
    const recent = Date.now() - 10 * 60_000;
    for (const s of this.o.tracker.sessions()) {
      if (s.state === 'running' || (s.endedAt ?? 0) >= recent) {
        this.consider(s, trigger);
      }
    }
  }

  private sessionsChanged(): void {
    const sessions = this.o.tracker.sessions();
    const now = new Set<string>();
    for (const s of sessions) {
      if (s.state === 'running') {
        now.add(s.id);
        this.running.add(s.id);
      } else if (this.running.has(s.id)) {
        this.running.delete(s.id);
        this.ended(s);
      }
    }
    for (const id of [...this.running]) {
      if (!now.has(id)) {
        this.running.delete(id);
      }
    }
    // A session the tracker dropped (its terminal closed, or it ended long ago) never comes back under the same id.
    const listed = new Set(sessions.map((s) => s.id));
    for (const id of [...this.handled]) {
      if (!listed.has(id) && !this.jobs.has(id)) {
        this.handled.delete(id);
      }
    }
  }

  /** An ssh ended: wait briefly for shell integration's exit code (the process scan often sees the end first), then judge it. */
  private ended(s: TrackedSession): void {
    const terminal = this.o.tracker.terminalOf(s.id);
    if (s.exitCode !== undefined || terminal?.shellIntegration === undefined) {
      this.consider(s, 'ssh-exit');
      return;
    }
    this.later(exitCodeWaitMs, () => {
      const latest = this.o.tracker.sessions().find((x) => x.id === s.id) ?? s;
      this.consider(latest, 'ssh-exit');
    });
  }

  private consider(s: TrackedSession, trigger: ReattachTrigger): void {
    if (this.disposed || this.handled.has(s.id) || this.jobs.has(s.id) || s.kind !== 'ssh') {
      return;
    }
    if (s.state === 'exited' && this.o.tracker.terminalOf(s.id) === undefined) {
      // Its terminal was closed: the user ended it.
      this.handled.add(s.id);
      return;
    }
    const mode = this.o.settings.reattach().mode;
    const decision = decideReattach(trigger, this.factsOf(s), mode);
    if (decision.action === 'leave') {
      if (trigger !== 'host-up') {
        this.o.log.debug(`[reattach] ${describe(s)}: ${trigger}: leave (${decision.why})`);
      }
      if (s.state === 'exited') {
        this.handled.add(s.id);
      }
      return;
    }
    this.o.log.info(`[reattach] ${describe(s)}: ${trigger}: ${decision.action} (${decision.why})`);
    this.act(s, trigger, decision);
  }

  private act(s: TrackedSession, trigger: ReattachTrigger, decision: ReattachDecision): void {
    switch (decision.action) {
      case 'leave':
        return;
      case 'verify':
        // A wake is no evidence by itself: look again once the heartbeat had time to decide (down after its silence bound).
        this.later(this.o.settings.heartbeatFor(s.alias).thresholds.downAfterMs + 1000, () => {
          const latest = this.o.tracker.sessions().find((x) => x.id === s.id);
          // Dealt with meanwhile (its ssh ended and was reattached, offered or refused): once is all.
          if (latest !== undefined && !this.handled.has(latest.id)) {
            const again = decideReattach('host-up', this.factsOf(latest), this.o.settings.reattach().mode);
            if (again.action !== 'verify' && again.action !== 'leave') {
              this.o.log.info(`[reattach] ${describe(latest)}: after checking: ${again.action} (${again.why})`);
              this.act(latest, trigger, again);
            }
          }
        });
        return;
      case 'refuse':
        this.handled.add(s.id);
        void vscode.window.showErrorMessage(`SSH Lifeline: the SSH session to ${s.alias} ended and will not be reconnected: ${decision.why}`, 'Show Log').then((pick) => {
          if (pick !== undefined) {
            this.o.log.show(true);
          }
        });
        return;
      case 'offer':
        this.handled.add(s.id);
        void vscode.window
          .showInformationMessage(`The SSH session to ${s.alias}${muxLabel(s)} in "${s.terminalName}" ${s.state === 'running' ? 'is stuck' : 'dropped'} (${decision.why}).`, 'Reconnect', 'Not Now')
          .then((pick) => {
            if (pick === 'Reconnect') {
              void this.start(s, { trigger: 'user', kill: decision.kill });
            }
          });
        return;
      case 'reconnect':
        void this.start(s, { trigger, kill: decision.kill });
        return;
    }
  }

  private factsOf(s: TrackedSession): SessionFacts {
    const f = this.o.health.factsOf(s);
    return {
      alive: s.state === 'running',
      health: f.health,
      socket: f.socket,
      exitCode: s.exitCode,
      endReason: s.failure?.reason as SessionFacts['endReason'],
      reattachable: multiplexerOf(s) !== undefined,
    };
  }

  /** One job per session; a second trigger while it runs (a wake during the wait) joins it. */
  private start(s: TrackedSession, how: { readonly trigger: ReattachTrigger; readonly kill: boolean }): Promise<ReattachOutcome> {
    const existing = this.jobs.get(s.id);
    if (existing !== undefined) {
      return existing;
    }
    this.handled.add(s.id);
    const job = this.run(s, how).finally(() => this.jobs.delete(s.id));
    this.jobs.set(s.id, job);
    return job;
  }

  private async run(s: TrackedSession, how: { readonly trigger: ReattachTrigger; readonly kill: boolean }): Promise<ReattachOutcome> {
    // Every way in (a wake, a host back, an offer taken, Kill Stale's Reconnect) passes here.
    const untrusted = await this.untrustedRefusal(s);
    if (untrusted !== undefined) {
      refuseUntrusted(this.o.log, untrusted);
      return { ok: false, message: untrusted };
    }
    const startedAt = Date.now();
    const settings = this.o.settings.reattach();
    const wakeBefore = this.lastWake !== undefined && startedAt - this.lastWake.at < 60_000 ? this.lastWake : undefined;
    let target: AttachTarget | undefined;
    const mux = multiplexerOf(s);
    if (mux?.session !== undefined) {
      const checked = attachTargetOf(mux.kind, mux.kind === 'tmux' ? sessionFromTarget(mux.session) : mux.session, mux.socket);
      if (!checked.ok) {
        return this.fail(s, `not reattaching: ${checked.message}`);
      }
      target = checked.target;
    }
    const targetKey = `${s.alias}\n${target === undefined ? s.id : `${target.kind}:${target.socket?.value ?? ''}:${target.name}`}`;
    if (this.targets.has(targetKey)) {
      this.o.log.info(`[reattach] ${describe(s)}: another reattach of the same session is under way`);
      return { ok: false, message: 'already under way' };
    }
    this.targets.add(targetKey);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `SSH Lifeline: reconnecting ${s.alias}${muxLabel(s, target)}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());

          if (how.kill && s.state === 'running') {
            progress.report({ message: 'ending the stuck ssh…' });
            await this.endSsh(s, 'ended the stuck ssh');
          }

          progress.report({ message: `waiting for ${s.alias} to answer…` });
          const waited = await this.waitForHost(s, settings.giveUpAfterMs, abort.signal);
          if (waited !== 'contact') {
            return this.fail(s, waited);
          }

          const inv = parseSshArgs(s.sshArgs);
          if (target === undefined && mux !== undefined) {
            progress.report({ message: `looking for the ${mux.kind} session that lost its client…` });
            const found = await this.discover(s, abort.signal);
            if (typeof found === 'string') {
              return this.fail(s, found);
            }
            target = found;
          }
          const keepalive = settings.addKeepalive && wantsKeepalive(inv, s.target?.serverAliveInterval);
          let args: string[];
          if (target !== undefined) {
            const built = relaunchArgs(inv, { remoteCommand: attachCommand(target), ...(keepalive ? { keepalive: DEFAULT_KEEPALIVE } : {}) });
            if (!built.ok) {
              return this.fail(s, built.message);
            }
            args = built.args;
          } else {
            // A plain session (or a bare `tmux` with no session left): the same command line again.
            args = [...(keepalive ? ['-o', `ServerAliveInterval=${DEFAULT_KEEPALIVE.intervalSeconds}`, '-o', `ServerAliveCountMax=${DEFAULT_KEEPALIVE.countMax}`] : []), ...s.sshArgs];
          }

          progress.report({ message: 'starting ssh…' });
          const terminal = await this.launch(s, args, target);
          const label = `${s.alias}${target === undefined ? '' : `:${target.name}`}`;
          const came = await this.waitForSession(terminal, startedAt, 20_000);
          if (!came) {
            return this.fail(s, `ssh did not start in "${terminal.name}"`, terminal);
          }
          // A wake explains the drop when it came shortly before the job or while it waited; a user's request later is not "after a sleep".
          const lost = how.trigger === 'user' ? undefined : (wakeBefore ?? this.lastWake);
          const message =
            lost !== undefined && lost.at >= startedAt - 60_000
              ? `${target === undefined ? 'Reconnected' : 'Reattached'} ${label} after ${formatDuration(lost.gapMs)} asleep`
              : `${target === undefined ? 'Reconnected' : 'Reattached'} ${label} (the connection was lost ${formatDuration(Date.now() - (s.endedAt ?? startedAt))} ago)`;
          this.o.log.info(`[reattach] ${describe(s)}: ${message} in "${terminal.name}"`);
          return { ok: true, message, terminal };
        },
      );
      if (outcome.ok) {
        // After the progress notification has gone, so this one is not hidden behind it.
        void vscode.window.showInformationMessage(outcome.message);
      }
      return outcome;
    } finally {
      this.targets.delete(targetKey);
    }
  }

  /** Waits until the host answers a probe afresh; a string says why it stopped waiting. */
  private async waitForHost(s: TrackedSession, giveUpAfterMs: number, signal: AbortSignal): Promise<'contact' | string> {
    const hold = this.o.health.holdHost(s);
    if ('why' in hold) {
      this.o.log.info(`[reattach] ${describe(s)}: not waiting for the host (${hold.why}); starting ssh now`);
      return 'contact';
    }
    const monitor: HostMonitor = hold.monitor;
    try {
      return await new Promise<'contact' | string>((resolve) => {
        const cleanup: (() => void)[] = [];
        const done = (value: 'contact' | string): void => {
          cleanup.forEach((c) => c());
          resolve(value);
        };
        cleanup.push(monitor.onContact(() => done('contact')));
        const check = (): void => {
          if (monitor.probeMode === 'stopped-untrusted') {
            done(`the host key of ${s.alias} is not trusted: ${monitor.lastFailure?.message ?? 'see the log'}`);
          }
        };
        cleanup.push(monitor.onStateChange(check));
        const timer = setTimeout(() => done(`${s.alias} did not answer for ${formatDuration(giveUpAfterMs)}: giving up`), giveUpAfterMs);
        cleanup.push(() => clearTimeout(timer));
        const onAbort = (): void => done('cancelled');
        signal.addEventListener('abort', onAbort, { once: true });
        cleanup.push(() => signal.removeEventListener('abort', onAbort));
        check();
        monitor.hurry(giveUpAfterMs);
      });
    } finally {
      monitor.relax();
      hold.release();
    }
  }

  /** Finds the tmux/screen session a bare `tmux`/`tmux attach` was using: the one that lost its client, or the user's pick. */
  private async discover(s: TrackedSession, signal: AbortSignal): Promise<AttachTarget | undefined | string> {
    const mux = multiplexerOf(s);
    if (mux === undefined) {
      return undefined;
    }
    const listed = await listRemoteSessions(parseSshArgs(s.sshArgs), mux.kind, mux.socket, { sshPath: await this.ssh(), signal });
    if (!listed.ok) {
      return `could not list the ${mux.kind} sessions on ${s.alias}: ${listed.message}`;
    }
    const choice = chooseLostSession(listed.sessions);
    let picked: RemoteSession | undefined;
    if (choice.kind === 'none') {
      return undefined;
    } else if (choice.kind === 'one') {
      picked = choice.session;
    } else {
      const item = await vscode.window.showQuickPick(
        choice.candidates.map((c) => ({ label: c.name, description: c.attached === 0 ? 'no client attached' : `${c.attached} client(s) attached`, session: c })),
        { title: `Which ${mux.kind} session on ${s.alias} was in "${s.terminalName}"?`, ignoreFocusOut: true },
      );
      if (item === undefined) {
        return 'no session picked';
      }
      picked = item.session;
    }
    const checked = attachTargetOf(mux.kind, picked.name, mux.socket);
    return checked.ok ? checked.target : `not reattaching: ${checked.message}`;
  }

  /** Runs ssh at the old terminal's idle POSIX prompt, or else in a new terminal whose process is ssh itself. */
  private async launch(s: TrackedSession, args: readonly string[], target: AttachTarget | undefined): Promise<vscode.Terminal> {
    const sshPath = await this.ssh();
    const old = this.o.tracker.terminalOf(s.id);
    if (old !== undefined && old.shellIntegration !== undefined && isPosixShell(old) && (await this.o.tracker.idlePrompt(old))) {
      // The plain name reads better at a prompt, unless the user chose a program of their own.
      const program = this.o.settings.programPaths().ssh === undefined && path.basename(sshPath) === 'ssh' ? 'ssh' : sshPath;
      const line = [program, ...args].map(shellWord).join(' ');
      this.o.log.info(`[reattach] ${describe(s)}: running at the idle prompt of "${old.name}": ${program} ${sshArgsForLog(args)}`);
      old.shellIntegration.executeCommand(line);
      return old;
    }
    const name = `${s.alias}${target === undefined ? '' : ` · ${target.kind} ${target.name}`}`;
    this.o.log.info(`[reattach] ${describe(s)}: new terminal "${name}": ${sshPath} ${sshArgsForLog(args)}`);
    const terminal = vscode.window.createTerminal({ name, shellPath: sshPath, shellArgs: [...args], iconPath: new vscode.ThemeIcon('plug') });
    terminal.show(false);
    return terminal;
  }

  /** Whether a new ssh shows up in `terminal` and is still running a moment later. */
  private async waitForSession(terminal: vscode.Terminal, since: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.disposed) {
      await this.o.tracker.rescan();
      const fresh = this.o.tracker.sessionsOf(terminal).find((x) => x.startedAt >= since - 1000 && x.state === 'running');
      if (fresh !== undefined) {
        return true;
      }
      if (terminal.exitStatus !== undefined) {
        return false;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  private fail(s: TrackedSession, why: string, terminal?: vscode.Terminal): ReattachOutcome {
    if (why !== 'cancelled') {
      this.o.log.warn(`[reattach] ${describe(s)}: ${why}`);
      void vscode.window.showWarningMessage(`SSH Lifeline: could not reconnect ${s.alias}: ${why}`, 'Show Log').then((pick) => {
        if (pick !== undefined) {
          this.o.log.show(true);
        }
      });
    }
    return { ok: false, message: why, ...(terminal === undefined ? {} : { terminal }) };
  }

  /**
   * Why a relaunch must not happen while the workspace is not trusted: the
   * session's `-F` file lies in the workspace (relaunching, and listing its
   * remote sessions, would run ssh on it: its `Match exec`, its ProxyCommand),
   * or is relative to a folder that can no longer be read. Undefined when it may.
   */
  private async untrustedRefusal(s: TrackedSession): Promise<string | undefined> {
    if (vscode.workspace.isTrusted) {
      return undefined;
    }
    const configFile = lastOption(parseSshArgs(s.sshArgs), 'F');
    if (configFile === undefined || configFile === 'none') {
      return undefined;
    }
    let file = configFile;
    if (!path.isAbsolute(configFile)) {
      const pid = s.state === 'running' ? (s.sshPid ?? s.pid) : undefined;
      const cwd = pid === undefined ? undefined : await readProcessCwd(pid);
      if (cwd === undefined) {
        return untrustedRefusal.reconnect(configFile, s.alias, 'unknown');
      }
      file = path.resolve(cwd, configFile);
    }
    return (await inWorkspace(file)) ? untrustedRefusal.reconnect(vscode.workspace.asRelativePath(file), s.alias, 'workspace') : undefined;
  }

  /** `sshLifeline.ssh.path`, else the ssh on PATH (resolved once): a terminal's shellPath must name the program. */
  private ssh(): Promise<string> {
    const configured = this.o.settings.programPaths().ssh;
    if (configured !== undefined) {
      return Promise.resolve(configured);
    }
    this.sshPath ??= findProgram('ssh').then((p) => p ?? 'ssh');
    return this.sshPath;
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) {
        run();
      }
    }, ms);
    this.timers.add(timer);
  }
}

/** The session's tmux/screen session: from its command line, or from the attach command of an earlier reattach (a compound command the parser refuses). */
function multiplexerOf(s: TrackedSession): Multiplexer | undefined {
  if (s.multiplexer !== undefined) {
    return s.multiplexer;
  }
  const ours = parseAttachCommand(s.remoteCommand.join(' '));
  return ours === undefined ? undefined : { kind: ours.kind, session: ours.name, createsIfMissing: true, ...(ours.socket === undefined ? {} : { socket: ours.socket }) };
}

function describe(s: TrackedSession): string {
  return `${s.alias} (${s.terminalName}, ${s.id})`;
}

function muxLabel(s: TrackedSession, target?: AttachTarget): string {
  const mux = multiplexerOf(s);
  const name = target?.name ?? mux?.session;
  const kind = target?.kind ?? mux?.kind;
  return kind === undefined ? '' : ` (${kind}${name === undefined ? '' : ` ${name}`})`;
}

function isPosixShell(terminal: vscode.Terminal): boolean {
  const opts = terminal.creationOptions as vscode.TerminalOptions;
  const shell = opts.shellPath ?? vscode.env.shell;
  return posixShells.has(path.basename(shell));
}

