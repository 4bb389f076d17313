/**
 * What the status bar, its tooltip and the sessions view say about hosts:
 * plain strings from plain data, so the words are tested without an editor.
 * Anything that came from a config, a command line or a server is escaped
 * before it goes into Markdown.
 */
import type { DeadLink } from '../sshConfig/effective';
import { formatDuration as formatSeconds } from '../sshConfig/values';
import type { HealthSnapshot, HealthState } from './health';
import { sparkline } from './sparkline';

/** How a host is being checked. */
export type ProbeMode = 'ssh' | 'banner' | 'stopped-untrusted' | 'unsupported' | 'not-probed';

/** One host as the views show it. */
export interface HostView {
  /** Identifies the probed host (user, address, port, jump); several aliases may share one. */
  readonly key: string;
  /** The alias as typed after `ssh`. */
  readonly label: string;
  readonly snapshot: HealthSnapshot;
  readonly probe: ProbeMode;
  /** Why the host is not (or no longer) probed, or the last probe failure. */
  readonly note?: string;
  /** How long the user's own ssh takes to notice a dead link with its current keepalive settings. */
  readonly sshNotices: DeadLink | 'never' | 'tcp-only' | undefined;
  /** Terminal sessions to this host. */
  readonly sessions: number;
}

const order: Record<HealthState, number> = { up: 0, unknown: 1, degraded: 2, down: 3, 'untrusted-host-key': 4 };

/** The worst state of several: what the status bar shows when no SSH terminal is active. */
export function worstState(states: readonly HealthState[]): HealthState | undefined {
  let worst: HealthState | undefined;
  for (const s of states) {
    if (worst === undefined || order[s] > order[worst]) {
      worst = s;
    }
  }
  return worst;
}

const icons: Record<HealthState, string> = {
  up: '$(pulse)',
  degraded: '$(warning)',
  down: '$(error)',
  unknown: '$(loading~spin)',
  'untrusted-host-key': '$(shield)',
};

export function stateIcon(state: HealthState): string {
  return icons[state];
}

/** "0.42 ms", "12.3 ms", "230 ms", "1.4 s". */
export function formatRtt(ms: number): string {
  if (ms < 10) {
    return `${ms.toFixed(2)} ms`;
  }
  if (ms < 100) {
    return `${ms.toFixed(1)} ms`;
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A duration in milliseconds, in the words the config doctor uses ("4 s", "2 min 5 s", "1 h 3 min"). */
export function formatDuration(ms: number): string {
  return formatSeconds(Math.max(0, ms) / 1000);
}

function stateWord(state: HealthState): string {
  return state === 'untrusted-host-key' ? 'untrusted host key' : state;
}

/**
 * The status bar text for one host: the alias, then the round trip when up,
 * else the state (and for how long it has been down).
 */
export function hostStatusText(view: HostView, monoNow: number): string {
  const s = view.snapshot;
  const icon = stateIcon(s.state);
  if (s.state === 'up' && s.lastRttMs !== undefined) {
    return `${icon} ${view.label} ${formatRtt(s.lastRttMs)}`;
  }
  if (s.state === 'down') {
    return `${icon} ${view.label} down ${formatDuration(monoNow - s.since)}`;
  }
  if (s.state === 'degraded' && s.lastRttMs !== undefined) {
    return `${icon} ${view.label} degraded ${formatRtt(s.lastRttMs)}`;
  }
  return `${icon} ${view.label} ${stateWord(s.state)}`;
}

/** The status bar text for several hosts: "SSH 3 up · 1 down". */
export function aggregateStatusText(views: readonly HostView[]): string {
  const counts = new Map<HealthState, number>();
  for (const v of views) {
    counts.set(v.snapshot.state, (counts.get(v.snapshot.state) ?? 0) + 1);
  }
  const worst = worstState(views.map((v) => v.snapshot.state)) ?? 'unknown';
  const parts = (['up', 'degraded', 'down', 'unknown', 'untrusted-host-key'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s) ?? 0} ${stateWord(s)}`);
  return `${stateIcon(worst)} SSH ${parts.join(' · ')}`;
}

/** Words for screen readers: no icons, units spelled out. */
export function accessibilityLabel(views: readonly HostView[], monoNow: number): string {
  return views
    .map((v) => {
      const s = v.snapshot;
      const rtt = s.state === 'up' && s.lastRttMs !== undefined ? `, round trip ${Math.round(s.lastRttMs)} milliseconds` : '';
      const down = s.state === 'down' ? ` for ${formatDuration(monoNow - s.since)}` : '';
      return `SSH ${v.label} ${stateWord(s.state)}${down}${rtt}`;
    })
    .join('; ');
}

/** Escapes text for Markdown so that nothing in it is a link, a command, HTML or formatting. */
export function escapeMarkdown(text: string): string {
  // Control characters would not render and could hide text: show them as U+FFFD.
  const clean = [...text]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? '\uFFFD' : ch;
    })
    .join('');
  return clean.replace(/[\\`*_{}[\]()#+\-.!|<>&~:"']/g, (c) => `\\${c}`);
}

function sshNoticesText(n: HostView['sshNotices']): string | undefined {
  if (n === undefined) {
    return undefined;
  }
  if (n === 'never') {
    return 'never (no ServerAliveInterval and TCPKeepAlive no)';
  }
  if (n === 'tcp-only') {
    return 'after hours (no ServerAliveInterval: only TCP keepalive, first probe after 2 h idle)';
  }
  return n.upToSeconds === n.seconds
    ? `after ≈ ${formatDuration(n.seconds * 1000)}`
    : `after ≈ ${formatDuration(n.seconds * 1000)}–${formatDuration(n.upToSeconds * 1000)}`;
}

export interface TooltipCommands {
  /** Command URI to reconnect a host, if that command exists; `{label}` is filled in. */
  readonly reconnect?: (label: string) => string;
  readonly showLog: string;
  readonly openConfig: string;
}

/**
 * The tooltip: every host with state, last/median/p95 RTT, loss, last
 * contact, a sparkline of recent beats, and how long ssh itself would take to
 * notice a dead link; then command links. Markdown; host-provided text escaped.
 */
export function tooltipMarkdown(views: readonly HostView[], monoNow: number, commands: TooltipCommands): string {
  const out: string[] = [];
  if (views.length === 0) {
    out.push('No SSH session in a terminal.');
  }
  for (const v of views) {
    const s = v.snapshot;
    out.push(`**${escapeMarkdown(v.label)}** — ${stateWord(s.state)}${s.state === 'up' ? '' : ` (${escapeMarkdown(s.reason)})`}`);
    const rows: string[] = [];
    if (s.lastRttMs !== undefined) {
      rows.push(
        `round trip ${formatRtt(s.lastRttMs)} · median ${s.medianRttMs === undefined ? '–' : formatRtt(s.medianRttMs)} · p95 ${s.p95RttMs === undefined ? '–' : formatRtt(s.p95RttMs)}`,
      );
    }
    if (s.loss !== undefined) {
      rows.push(`late or lost ${(s.loss * 100).toFixed(s.loss > 0 && s.loss < 0.1 ? 1 : 0)} %`);
    }
    if (s.lastContact !== undefined) {
      rows.push(`last contact ${formatDuration(monoNow - s.lastContact)} ago`);
    }
    if (s.history.length >= 3) {
      rows.push(`\`${sparkline(s.history)}\``);
    }
    const notices = sshNoticesText(v.sshNotices);
    if (notices !== undefined) {
      rows.push(`ssh itself notices a dead link ${notices}`);
    }
    if (v.probe === 'banner') {
      rows.push('checked by connecting and reading the SSH banner (no key accepted for a keepalive connection)');
    } else if (v.probe !== 'ssh' && v.note !== undefined) {
      rows.push(escapeMarkdown(v.note));
    }
    if (v.sessions > 1) {
      rows.push(`${v.sessions} terminal sessions`);
    }
    out.push(rows.map((r) => `- ${r}`).join('\n'));
  }
  const links = [
    ...(commands.reconnect !== undefined && views.length > 0 ? [`[Reconnect](${commands.reconnect(views[0]?.label ?? '')})`] : []),
    `[Show log](${commands.showLog})`,
    `[Open ssh config](${commands.openConfig})`,
  ];
  out.push(links.join(' · '));
  return out.join('\n\n');
}
