import * as vscode from 'vscode';
import type { HealthState } from '../core/health/health';
import {
  accessibilityLabel,
  aggregateStatusText,
  hostStatusText,
  tooltipMarkdown,
  type HostView,
  worstState,
} from '../core/health/present';
import { CommandIds } from './commandIds';

/** What the status bar and the sessions view read. */
export interface HealthModel {
  /** Every watched host. */
  hosts(): readonly HostView[];
  /** The host of the active terminal's SSH session, if it has one. */
  activeHost(): HostView | undefined;
  /** Monotonic now, the time base of the snapshots. */
  monoNow(): number;
  readonly onDidChange: vscode.Event<void>;
}

const background: Record<HealthState, vscode.ThemeColor | undefined> = {
  up: undefined,
  unknown: undefined,
  degraded: new vscode.ThemeColor('statusBarItem.warningBackground'),
  down: new vscode.ThemeColor('statusBarItem.errorBackground'),
  'untrusted-host-key': new vscode.ThemeColor('statusBarItem.errorBackground'),
};

function commandUri(command: string, args?: readonly unknown[]): string {
  return `command:${command}${args === undefined ? '' : `?${encodeURIComponent(JSON.stringify(args))}`}`;
}

/**
 * The status-bar heartbeat: the active terminal's host with its round trip
 * and state, or all hosts at once when the active terminal runs no ssh;
 * hidden when nothing is watched. The tooltip trusts only our own commands.
 */
export class HeartbeatStatus implements vscode.Disposable {
  static readonly id = 'sshLifeline.heartbeat';
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  /** The tooltip's Markdown as last set. */
  private tooltipText: string | undefined;

  constructor(private readonly model: HealthModel) {
    this.item = vscode.window.createStatusBarItem(HeartbeatStatus.id, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'SSH Lifeline Heartbeat';
    this.item.command = CommandIds.showSessions;
    this.disposables.push(this.item);
    model.onDidChange(this.update, this, this.disposables);
    vscode.window.onDidChangeActiveTerminal(this.update, this, this.disposables);
    this.update();
  }

  update(): void {
    const hosts = this.model.hosts();
    if (hosts.length === 0) {
      this.item.hide();
      this.setTicking(false);
      return;
    }
    const now = this.model.monoNow();
    const active = this.model.activeHost();
    const shown = active === undefined ? hosts : [active];
    const state = active?.snapshot.state ?? worstState(hosts.map((h) => h.snapshot.state)) ?? 'unknown';
    const text = active !== undefined ? hostStatusText(active, now) : hosts.length === 1 ? hostStatusText(hosts[0] as HostView, now) : aggregateStatusText(hosts);
    const label = accessibilityLabel(shown, now);
    const markdown = tooltipMarkdown(active === undefined ? hosts : [active, ...hosts.filter((h) => h.key !== active.key)], now, {
      showLog: commandUri(CommandIds.showLog),
      openConfig: commandUri(CommandIds.openSshConfig),
    });
    // Each assignment is a message to the window: send only what changed.
    if (text !== this.item.text) {
      this.item.text = text;
    }
    if (background[state] !== this.item.backgroundColor) {
      this.item.backgroundColor = background[state];
    }
    if (label !== this.item.accessibilityInformation?.label) {
      this.item.accessibilityInformation = { label, role: 'button' };
    }
    if (markdown !== this.tooltipText) {
      this.tooltipText = markdown;
      const tooltip = new vscode.MarkdownString(markdown);
      // Only our own commands run from the tooltip; host text is escaped, HTML is off.
      tooltip.isTrusted = { enabledCommands: [CommandIds.showLog, CommandIds.openSshConfig, CommandIds.retryHost] };
      tooltip.supportHtml = false;
      tooltip.supportThemeIcons = true;
      this.item.tooltip = tooltip;
    }
    this.item.show();
    // "down 12 s" and the "last contact" ages move without events while a host is not up: refresh
    // each second then. While every host is up, each beat (an event) refreshes them.
    this.setTicking(hosts.some((h) => h.snapshot.state !== 'up'));
  }

  private setTicking(on: boolean): void {
    if (on && this.refreshTimer === undefined) {
      this.refreshTimer = setInterval(() => this.update(), 1000);
    } else if (!on && this.refreshTimer !== undefined) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  dispose(): void {
    this.setTicking(false);
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
