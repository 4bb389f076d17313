import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { attachTargetOf, persistentCommand } from '../core/reattach/commands';
import { DEFAULT_KEEPALIVE, persistentArgs, wantsKeepalive } from '../core/reattach/relaunch';
import { isValidCommandLineHost } from '../core/sshArgs/parse';
import { summarizeEffective } from '../core/sshConfig/effective';
import { buildModel } from '../core/sshConfig/model';
import { untrustedRefusal } from '../core/trust/pathSettings';
import type { TrackedSession } from '../core/session/tracked';
import { findProgram } from '../node/findProgram';
import { TargetResolver } from '../node/resolveTarget';
import { CommandIds } from './commandIds';
import type { Reattacher } from './reattacher';
import type { SessionHealth } from './sessionHealth';
import type { ProgramPaths } from './settings';
import type { TerminalTracker } from './terminalTracker';
import { inWorkspace, refuseUntrusted } from './workspaceGuard';
import { sshArgsForLog } from '../core/sshArgs/forLog';

export interface ReattachCommandsOptions {
  readonly reattacher: Reattacher;
  readonly tracker: TerminalTracker;
  readonly health: SessionHealth;
  readonly home: string;
  readonly log: vscode.LogOutputChannel;
  /** `sshLifeline.reattach.addKeepalive`. */
  readonly addKeepalive: () => boolean;
  /** `sshLifeline.ssh.path` and `sshLifeline.ssh.configFile`; both default when absent. */
  readonly programPaths?: () => Pick<ProgramPaths, 'ssh' | 'sshConfigFile'>;
}

/** Arguments "Open Persistent SSH Terminal" accepts from scripts and keybindings (each skips its question). */
interface PersistentArgs {
  readonly host?: unknown;
  readonly session?: unknown;
  /** An absolute `-F` file. */
  readonly configFile?: unknown;
}

/** Reconnect SSH, Open Persistent SSH Terminal…, Kill Stale SSH Session. */
export function registerReattachCommands(o: ReattachCommandsOptions): vscode.Disposable[] {
  const sessionLabel = (s: TrackedSession): vscode.QuickPickItem & { session: TrackedSession } => {
    const row = o.health.rows().find((r) => r.id === s.id);
    const state = s.state === 'exited' ? (s.failure?.line ?? (s.exitCode === undefined ? 'ended' : `exit ${s.exitCode}`)) : (row?.state ?? 'running');
    return {
      label: `${s.alias}${s.multiplexer === undefined ? '' : ` · ${s.multiplexer.kind}${s.multiplexer.session === undefined ? '' : ` ${s.multiplexer.session}`}`}`,
      description: `${state} · ${s.terminalName}`,
      detail: s.argv.join(' '),
      session: s,
    };
  };

  /** Argument: nothing (the active terminal), a session id or a sessions-view row (`{ id }`), or a terminal (its tab's context menu). */
  const reconnect = async (arg?: unknown): Promise<void> => {
    const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'id' in arg && typeof arg.id === 'string' ? arg.id : undefined;
    const terminal = arg !== null && typeof arg === 'object' && vscode.window.terminals.includes(arg as vscode.Terminal) ? (arg as vscode.Terminal) : vscode.window.activeTerminal;
    const ofTerminal = id !== undefined ? o.tracker.sessions().filter((s) => s.id === id) : terminal === undefined ? [] : o.tracker.sessionsOf(terminal).filter((s) => s.kind === 'ssh');
    let session = ofTerminal[ofTerminal.length - 1];
    if (session === undefined) {
      const candidates = o.tracker.sessions().filter((s) => s.kind === 'ssh');
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('No SSH session in a terminal to reconnect. Use "Open Persistent SSH Terminal…" to start one.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        [...candidates].reverse().map(sessionLabel),
        { title: 'Reconnect SSH', placeHolder: 'Which SSH session?' },
      );
      if (picked === undefined) {
        return;
      }
      session = picked.session;
    }
    await o.reattacher.reconnect(session);
  };

  const killStale = async (): Promise<void> => {
    const running = o.tracker.sessions().filter((s) => s.state === 'running' && s.kind === 'ssh');
    if (running.length === 0) {
      void vscode.window.showInformationMessage('No running SSH session in a terminal.');
      return;
    }
    const stale = new Set(o.health.rows().filter((r) => r.state === 'down' || r.state === 'degraded').map((r) => r.id));
    const items = running.map((s) => ({ ...sessionLabel(s), picked: stale.has(s.id) }));
    items.sort((a, b) => Number(b.picked) - Number(a.picked));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Kill Stale SSH Session',
      placeHolder: 'End these local ssh processes (their tmux/screen sessions on the server keep running)',
      canPickMany: true,
    });
    if (picked === undefined || picked.length === 0) {
      return;
    }
    const results = await Promise.all(picked.map(async (p) => `${p.session.alias}: ${await o.reattacher.kill(p.session)}`));
    const choice = await vscode.window.showInformationMessage(`Ended ${results.join(', ')}. Their tmux/screen sessions on the server were not touched.`, 'Reconnect');
    if (choice === 'Reconnect') {
      for (const p of picked) {
        const latest = o.tracker.sessions().find((s) => s.id === p.session.id) ?? p.session;
        void o.reattacher.reconnect(latest);
      }
    }
  };

  const openPersistent = async (arg?: PersistentArgs): Promise<vscode.Terminal | undefined> => {
    const paths = o.programPaths?.() ?? { ssh: undefined, sshConfigFile: undefined };
    // The caller's file, else the user's setting (never a workspace value in an untrusted workspace: Settings ignores those).
    const configFile = typeof arg?.configFile === 'string' && path.isAbsolute(arg.configFile) ? arg.configFile : paths.sshConfigFile;
    if (configFile !== undefined && !vscode.workspace.isTrusted && (await inWorkspace(configFile))) {
      refuseUntrusted(o.log, untrustedRefusal.persistentTerminal(vscode.workspace.asRelativePath(configFile), typeof arg?.host === 'string' ? arg.host : 'a host'));
      return undefined;
    }
    const destination = typeof arg?.host === 'string' ? arg.host : await pickHost(o.home, configFile);
    if (destination === undefined) {
      return undefined;
    }
    const at = destination.lastIndexOf('@');
    const host = destination.slice(at + 1);
    const user = at === -1 ? undefined : destination.slice(0, at);
    if (!isValidCommandLineHost(host) || user === '' || user?.startsWith('-') === true) {
      void vscode.window.showErrorMessage(`"${destination}" is not a destination ssh accepts.`);
      return undefined;
    }
    const name =
      typeof arg?.session === 'string'
        ? arg.session
        : await vscode.window.showInputBox({
            title: `Persistent SSH terminal to ${host}`,
            prompt: 'tmux session to attach (created when it does not exist)',
            value: 'main',
            validateInput: (v) => {
              const checked = attachTargetOf('tmux', v);
              return checked.ok ? undefined : checked.message;
            },
          });
    if (name === undefined) {
      return undefined;
    }
    const target = attachTargetOf('tmux', name);
    if (!target.ok) {
      void vscode.window.showErrorMessage(target.message);
      return undefined;
    }
    // Keepalives only when the user's config has none: a command-line -o would override theirs.
    const resolved = await new TargetResolver().resolve([...(configFile === undefined ? [] : ['-F', configFile]), '--', host], {
      trusted: vscode.workspace.isTrusted,
      cwd: o.home,
      env: process.env,
      home: o.home,
      ...(paths.ssh === undefined ? {} : { program: paths.ssh }),
    });
    const keepalive = o.addKeepalive() && wantsKeepalive(undefined, 'error' in resolved ? undefined : summarizeEffective(resolved.options).serverAliveInterval);
    const built = persistentArgs(host, {
      remoteCommand: persistentCommand(target.target),
      ...(keepalive ? { keepalive: DEFAULT_KEEPALIVE } : {}),
      ...(user === undefined ? {} : { extraOptions: ['-l', user] }),
      ...(configFile === undefined ? {} : { configFile }),
    });
    if (!built.ok) {
      void vscode.window.showErrorMessage(built.message);
      return undefined;
    }
    o.log.info(`[reattach] persistent terminal: ssh ${sshArgsForLog(built.args)}`);
    const shellPath = paths.ssh ?? (await findProgram('ssh')) ?? 'ssh';
    const terminal = vscode.window.createTerminal({ name: `${host} · tmux ${target.target.name}`, shellPath, shellArgs: built.args, iconPath: new vscode.ThemeIcon('plug') });
    terminal.show(false);
    return terminal;
  };

  return [
    vscode.commands.registerCommand(CommandIds.reconnect, reconnect),
    vscode.commands.registerCommand(CommandIds.killStaleSession, killStale),
    vscode.commands.registerCommand(CommandIds.openPersistentTerminal, openPersistent),
  ];
}

/** A host from the ssh config (`sshLifeline.ssh.configFile` or ~/.ssh/config: its literal Host names), or one typed in. */
async function pickHost(home: string, configFile: string | undefined): Promise<string | undefined> {
  const hosts = new Set<string>();
  const file = configFile ?? path.join(home, '.ssh', 'config');
  try {
    const text = await readFile(file, 'utf8');
    for (const block of buildModel(text, 'client').blocks) {
      if (block.kind === 'host') {
        for (const p of block.patterns) {
          if (!p.negated && !/[*?]/.test(p.pattern)) {
            hosts.add(p.pattern);
          }
        }
      }
    }
  } catch {
    // No user config: typing a host is the only way.
  }
  const other = '$(edit) Other host…';
  const picked = hosts.size === 0 ? other : await vscode.window.showQuickPick([...[...hosts].sort(), other], { title: 'Open Persistent SSH Terminal', placeHolder: `Host (from ${configFile === undefined ? '~/.ssh/config' : file})` });
  if (picked !== other) {
    return picked;
  }
  return vscode.window.showInputBox({
    title: 'Open Persistent SSH Terminal',
    prompt: 'Host, as you would give it to ssh ([user@]host)',
    validateInput: (v) => (isValidCommandLineHost(v.slice(v.lastIndexOf('@') + 1)) && !v.startsWith('-') ? undefined : 'not a host name ssh accepts'),
  });
}
