import * as vscode from 'vscode';
import type { HealthState } from '../core/health/health';
import { formatRtt } from '../core/health/present';
import { CommandIds } from './commandIds';

/** One row of the "SSH Sessions" view: a terminal's ssh session and its host's health. */
export interface SessionRow {
  readonly id: string;
  /** The alias as typed. */
  readonly label: string;
  readonly terminalName: string;
  /** The command line, shortened by the caller if needed. */
  readonly commandLine: string;
  readonly state: HealthState | 'exited' | 'not-probed';
  readonly rttMs: number | undefined;
  /** Why the state is what it is (reason, exit, "not probed: mosh"). */
  readonly detail: string;
  /** The heartbeat's host key, for "Check Host Again". */
  readonly hostKey: string | undefined;
}

export interface SessionRows {
  rows(): readonly SessionRow[];
  readonly onDidChange: vscode.Event<void>;
}

const icons: Record<SessionRow['state'], vscode.ThemeIcon> = {
  up: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  degraded: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  down: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  unknown: new vscode.ThemeIcon('loading~spin'),
  'untrusted-host-key': new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.errorForeground')),
  exited: new vscode.ThemeIcon('circle-slash'),
  'not-probed': new vscode.ThemeIcon('circle-outline'),
};

/** The "SSH Sessions" view: every SSH session in a terminal with its state and round trip. */
export class SessionsView implements vscode.TreeDataProvider<SessionRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly source: SessionRows) {
    source.onDidChange(() => this.changed.fire(undefined), this, this.disposables);
  }

  getChildren(element?: SessionRow): SessionRow[] {
    return element === undefined ? [...this.source.rows()] : [];
  }

  getTreeItem(row: SessionRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    const state = row.state === 'untrusted-host-key' ? 'untrusted host key' : row.state === 'not-probed' ? 'not probed' : row.state;
    item.description = row.state === 'up' && row.rttMs !== undefined ? `${formatRtt(row.rttMs)} · ${row.terminalName}` : `${state} · ${row.terminalName}`;
    item.iconPath = icons[row.state];
    // Plain text: the command line and the reason may hold anything a user or a server wrote.
    item.tooltip = `${row.commandLine}\n${state}${row.detail === '' ? '' : `: ${row.detail}`}\nterminal: ${row.terminalName}`;
    item.contextValue = row.hostKey === undefined ? 'session' : 'session probed';
    item.command = { command: CommandIds.revealSessionTerminal, title: 'Show Terminal', arguments: [row.id] };
    item.accessibilityInformation = { label: `${row.label}, ${state}${row.rttMs !== undefined && row.state === 'up' ? `, ${Math.round(row.rttMs)} milliseconds` : ''}, in terminal ${row.terminalName}` };
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
