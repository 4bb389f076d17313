import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatRtt } from '../core/health/present';
import type { Heartbeat } from '../node/heartbeat/heartbeat';
import { CommandIds } from './commandIds';
import type { SessionHealth } from './sessionHealth';

export interface SessionCommandsOptions {
  readonly health: SessionHealth;
  readonly heartbeat: Heartbeat;
  /** The terminal a session runs in. */
  readonly terminalOf: (sessionId: string) => vscode.Terminal | undefined;
  readonly home: string;
  readonly log: vscode.LogOutputChannel;
  /** `sshLifeline.ssh.configFile`; undefined: `~/.ssh/config`. */
  readonly sshConfigFile?: () => string | undefined;
}

interface Pick extends vscode.QuickPickItem {
  readonly run: () => unknown;
}

/** The heartbeat's commands: the status bar's quick pick, the sessions view's actions, and the test-only wake. */
export function registerSessionCommands(o: SessionCommandsOptions): vscode.Disposable[] {
  const reveal = (sessionId: unknown): void => {
    const terminal = typeof sessionId === 'string' ? o.terminalOf(sessionId) : undefined;
    if (terminal === undefined) {
      void vscode.window.showInformationMessage('That SSH session’s terminal is closed.');
      return;
    }
    terminal.show(false);
  };
  const openConfig = async (): Promise<void> => {
    const file = vscode.Uri.file(o.sshConfigFile?.() ?? path.join(o.home, '.ssh', 'config'));
    try {
      await vscode.window.showTextDocument(file);
    } catch {
      void vscode.window.showInformationMessage(`${file.fsPath} does not exist yet.`);
    }
  };
  const showSessions = async (): Promise<void> => {
    const items: (Pick | vscode.QuickPickItem)[] = [];
    const rows = o.health.rows();
    if (rows.length > 0) {
      items.push({ label: 'Sessions', kind: vscode.QuickPickItemKind.Separator });
    }
    for (const row of rows) {
      const state = row.state === 'untrusted-host-key' ? 'untrusted host key' : row.state === 'not-probed' ? 'not probed' : row.state;
      items.push({
        label: row.label,
        description: `${row.state === 'up' && row.rttMs !== undefined ? formatRtt(row.rttMs) : state} · ${row.terminalName}`,
        detail: row.detail === '' ? undefined : row.detail,
        run: () => reveal(row.id),
      } as Pick);
    }
    items.push(
      { label: 'Actions', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(refresh) Check All Hosts Again', run: () => o.heartbeat.keys().forEach((k) => o.health.retry(k)) } as Pick,
      { label: '$(output) Show Log', run: () => o.log.show(true) } as Pick,
      { label: '$(gear) Open SSH Config', run: openConfig } as Pick,
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'SSH Sessions', placeHolder: rows.length === 0 ? 'No SSH session in a terminal' : 'Show a session’s terminal, or pick an action' });
    if (picked !== undefined && 'run' in picked) {
      await picked.run();
    }
  };
  return [
    vscode.commands.registerCommand(CommandIds.showSessions, showSessions),
    vscode.commands.registerCommand(CommandIds.openSshConfig, openConfig),
    vscode.commands.registerCommand(CommandIds.revealSessionTerminal, (arg: unknown) => reveal(typeof arg === 'object' && arg !== null && 'id' in arg ? (arg as { id: unknown }).id : arg)),
    vscode.commands.registerCommand(CommandIds.retryHost, (arg: unknown) => {
      const key = typeof arg === 'object' && arg !== null && 'hostKey' in arg ? (arg as { hostKey: unknown }).hostKey : arg;
      if (typeof key === 'string') {
        o.health.retry(key);
      }
    }),
    vscode.commands.registerCommand(CommandIds.simulateWake, (seconds: unknown) => {
      const s = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : 60;
      o.log.info(`[wake] simulated wake after ${s} s (test command)`);
      o.heartbeat.simulateWake(s * 1000);
    }),
  ];
}
