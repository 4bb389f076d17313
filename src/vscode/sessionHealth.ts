import * as vscode from 'vscode';
import type { HealthState } from '../core/health/health';
import type { HostView } from '../core/health/present';
import { lastOption, parseSshArgs } from '../core/sshArgs/parse';
import type { TrackedSession } from '../core/session/tracked';
import { socketVerdict } from '../core/socket/verdict';
import type { Heartbeat, HostRegistration } from '../node/heartbeat/heartbeat';
import type { HostMonitor } from '../node/heartbeat/hostMonitor';
import { hostKeyFor, registrationFor } from '../node/heartbeat/probes';
import { readSocketStats } from '../node/socketProbe';
import type { HealthModel } from './heartbeatStatus';
import type { SessionRow, SessionRows } from './sessionsView';
import type { Settings } from './settings';

/** A new round trip reaches the status bar and the view within this long (state changes within 50 ms). */
const BEAT_REFRESH_MS = 500;

/** What this needs from the terminal tracker. */
export interface SessionSource {
  sessions(): readonly TrackedSession[];
  activeSession(): TrackedSession | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export interface SessionHealthOptions {
  readonly tracker: SessionSource;
  readonly heartbeat: Heartbeat;
  readonly settings: Settings;
  readonly log: vscode.LogOutputChannel;
  /** `vscode.workspace`: jump hosts and ProxyCommand hosts are probed through the system ssh only in a trusted workspace. */
  readonly trust: { readonly isTrusted: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
}

interface Watched {
  readonly key: string;
  readonly label: string;
  readonly release: () => void;
}

/** A session's own socket, read from the kernel (Linux): stalled even when the host answers new connections. */
interface SocketState {
  readonly stalled: boolean;
  readonly detail: string;
}

/**
 * Joins the terminals' sessions to the heartbeat: one monitor per host the
 * sessions go to (released when the last session to it ends), plus each
 * session's own socket from the kernel, and turns both into what the status
 * bar and the sessions view show.
 */
export class SessionHealth implements HealthModel, SessionRows, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly watched = new Map<string, Watched>();
  /** Sessions that are not probed, and why (logged once). */
  private readonly notProbed = new Map<string, string>();
  private readonly sockets = new Map<string, SocketState>();
  private socketTimer: ReturnType<typeof setInterval> | undefined;
  private fireTimer: ReturnType<typeof setTimeout> | undefined;
  private fireDue = 0;
  /** The heartbeat settings (and the ssh that carries proxied probes) the current registrations were made with. */
  private registeredWith: string;

  constructor(private readonly options: SessionHealthOptions) {
    options.tracker.onDidChange(this.sync, this, this.disposables);
    options.settings.onDidChange(this.settingsChanged, this, this.disposables);
    const hb = options.heartbeat;
    this.disposables.push(
      { dispose: hb.onBeat(() => this.fireSoon(BEAT_REFRESH_MS)) },
      { dispose: hb.onStateChange(() => this.fireSoon()) },
    );
    this.registeredWith = registrationSettings(options.settings);
    this.sync();
  }

  monoNow(): number {
    return performance.now();
  }

  hosts(): HostView[] {
    const byKey = new Map<string, { label: string; sessions: TrackedSession[] }>();
    for (const s of this.options.tracker.sessions()) {
      const w = this.watched.get(s.id);
      if (w === undefined || s.state !== 'running') {
        continue;
      }
      const entry = byKey.get(w.key) ?? { label: w.label, sessions: [] };
      entry.sessions.push(s);
      byKey.set(w.key, entry);
    }
    const views: HostView[] = [];
    for (const [key, entry] of byKey) {
      const view = this.hostView(key, entry.label, entry.sessions);
      if (view !== undefined) {
        views.push(view);
      }
    }
    return views;
  }

  activeHost(): HostView | undefined {
    const session = this.options.tracker.activeSession();
    const w = session === undefined ? undefined : this.watched.get(session.id);
    if (session === undefined || w === undefined) {
      return undefined;
    }
    const view = this.hostView(w.key, session.alias, [session]);
    const socket = this.sockets.get(session.id);
    if (view !== undefined && socket?.stalled === true && view.snapshot.state !== 'untrusted-host-key') {
      // The host may answer new connections while this session's own connection is stuck.
      return { ...view, snapshot: { ...view.snapshot, state: 'down', reason: `this session's connection is stalled: ${socket.detail}` } };
    }
    return view;
  }

  rows(): SessionRow[] {
    const rows: SessionRow[] = [];
    for (const s of this.options.tracker.sessions()) {
      const w = this.watched.get(s.id);
      const monitor = w === undefined ? undefined : this.options.heartbeat.monitor(w.key);
      const snap = monitor?.snapshot();
      const socket = this.sockets.get(s.id);
      let state: SessionRow['state'];
      let detail: string;
      if (s.state === 'exited') {
        state = 'exited';
        detail = [s.exitCode === undefined ? 'ended' : `exit ${s.exitCode}`, s.failure?.line].filter((x) => x !== undefined).join(': ');
      } else if (snap === undefined) {
        state = 'not-probed';
        detail = this.notProbed.get(s.id) ?? (s.resolution === 'pending' ? 'resolving the target' : 'not probed');
      } else if (socket?.stalled === true && snap.state !== 'untrusted-host-key') {
        state = 'down';
        detail = `this session's connection is stalled: ${socket.detail}`;
      } else {
        state = snap.state;
        detail = snap.state === 'up' ? '' : snap.reason;
      }
      rows.push({
        id: s.id,
        label: s.alias,
        terminalName: s.terminalName,
        commandLine: s.argv.join(' '),
        state,
        rttMs: snap?.lastRttMs,
        detail,
        hostKey: w?.key,
      });
    }
    return rows;
  }

  /** Probes a host again now (after known_hosts was fixed, or on request). */
  retry(key: string): void {
    this.options.heartbeat.monitor(key)?.retry();
  }

  dispose(): void {
    clearTimeout(this.fireTimer);
    this.stopSocketTimer();
    for (const w of this.watched.values()) {
      w.release();
    }
    this.watched.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private hostView(key: string, label: string, sessions: readonly TrackedSession[]): HostView | undefined {
    const monitor = this.options.heartbeat.monitor(key);
    if (monitor === undefined) {
      return undefined;
    }
    const target = sessions.find((s) => s.target !== undefined)?.target;
    const failure = monitor.lastFailure;
    return {
      key,
      label,
      snapshot: monitor.snapshot(),
      probe: monitor.probeMode,
      ...(failure === undefined ? {} : { note: failure.message }),
      sshNotices: target === undefined ? undefined : target.deadLink ?? (target.tcpKeepAlive ? 'tcp-only' : 'never'),
      sessions: sessions.length,
    };
  }

  private settingsChanged(): void {
    // Any sshLifeline.* change fires this; only heartbeat and ssh.path changes restart the probes.
    const current = registrationSettings(this.options.settings);
    if (current === this.registeredWith) {
      return;
    }
    this.registeredWith = current;
    // Thresholds or the switch changed: start over with fresh registrations.
    for (const w of this.watched.values()) {
      w.release();
    }
    this.watched.clear();
    this.notProbed.clear();
    this.sync();
  }

  private sync(): void {
    const sessions = this.options.tracker.sessions();
    const live = new Set<string>();
    for (const s of sessions) {
      if (s.state !== 'running') {
        continue;
      }
      live.add(s.id);
      if (this.watched.has(s.id) || this.notProbed.has(s.id)) {
        continue;
      }
      const why = this.whyNotProbed(s);
      if (why !== undefined) {
        if (why !== 'pending') {
          this.notProbed.set(s.id, why);
          this.options.log.info(`[heartbeat] ${s.alias} (${s.terminalName}): not probed: ${why}`);
        }
        continue;
      }
      const made = this.registrationOf(s);
      if ('why' in made) {
        this.notProbed.set(s.id, made.why);
        this.options.log.info(`[heartbeat] ${s.alias}: ${made.why}`);
        continue;
      }
      const owned = this.options.heartbeat.acquire(made.key, made.registration);
      this.watched.set(s.id, { key: made.key, label: s.alias, release: owned.release });
    }
    for (const [id, w] of [...this.watched]) {
      if (!live.has(id)) {
        w.release();
        this.watched.delete(id);
        this.sockets.delete(id);
      }
    }
    for (const id of [...this.notProbed.keys()]) {
      if (!live.has(id)) {
        this.notProbed.delete(id);
      }
    }
    if (this.watched.size > 0) {
      this.startSocketTimer();
    } else {
      this.stopSocketTimer();
    }
    this.fireSoon();
  }

  /** How to probe a session's host: its heartbeat key and registration, or why it is not probed. */
  private registrationOf(s: TrackedSession): { readonly key: string; readonly registration: HostRegistration } | { readonly why: string } {
    const hb = this.options.settings.heartbeat();
    const perHost = this.options.settings.heartbeatFor(s.alias);
    if (!perHost.enabled) {
      return { why: 'the heartbeat is off for this host (sshLifeline.heartbeat)' };
    }
    if (s.options === undefined) {
      return { why: 'its target is not resolved' };
    }
    const configFile = configFileOf(s);
    const sshPath = this.options.settings.programPaths().ssh;
    const registration = registrationFor(s.options, s.alias, {
      ...(sshPath === undefined ? {} : { sshPath }),
      settings: perHost.thresholds,
      env: this.options.env,
      home: this.options.home,
      ...(configFile === undefined ? {} : { configFile }),
      bannerFallback: hb.bannerFallback,
      bannerSpacingMs: hb.bannerSpacingMs,
      log: (line) => this.options.log.debug(line),
    });
    if (registration.kind === 'not-probed') {
      return { why: registration.message };
    }
    const carried = registration.target.proxyCommand !== undefined ? 'a ProxyCommand' : registration.target.proxyJump !== undefined ? 'a jump host' : undefined;
    if (carried !== undefined && !this.options.trust.isTrusted) {
      return { why: `reached through ${carried}, which is probed (through the system ssh) only in a trusted workspace` };
    }
    return { key: hostKeyFor(registration.target), registration: registration.registration };
  }

  /**
   * Keeps a session's host watched even after the session ended (a reattach
   * waits for the host to answer): the monitor, and a release to call when
   * done. Undefined, with why, when the host cannot be probed.
   */
  holdHost(s: TrackedSession): { readonly monitor: HostMonitor; readonly release: () => void } | { readonly why: string } {
    const made = this.registrationOf(s);
    return 'why' in made ? made : this.options.heartbeat.acquire(made.key, made.registration);
  }

  /** What the heartbeat and the kernel say about a session, for the reattach decision. */
  factsOf(s: TrackedSession): { readonly health: HealthState; readonly socket: 'healthy' | 'stalled' | 'unknown' } {
    const w = this.watched.get(s.id);
    const snap = w === undefined ? undefined : this.options.heartbeat.monitor(w.key)?.snapshot();
    const socket = this.sockets.get(s.id);
    return {
      health: snap?.state ?? 'unknown',
      socket: socket === undefined ? 'unknown' : socket.stalled ? 'stalled' : 'healthy',
    };
  }

  /** Why a session is not probed; 'pending' while its target is being resolved. */
  private whyNotProbed(s: TrackedSession): string | undefined {
    if (!this.options.settings.heartbeat().enabled) {
      return 'the heartbeat is off (sshLifeline.heartbeat.enabled)';
    }
    if (!s.probe) {
      return s.probeRefusal?.message ?? `${s.kind} sessions are not probed`;
    }
    if (s.resolution === 'pending') {
      return 'pending';
    }
    if ('error' in s.resolution) {
      return `its target is unknown: ${s.resolution.error.message}`;
    }
    return s.options === undefined ? 'pending' : undefined;
  }

  private startSocketTimer(): void {
    if (this.socketTimer === undefined && process.platform === 'linux') {
      this.socketTimer = setInterval(() => void this.readSockets(), this.options.settings.heartbeat().thresholds.intervalMs);
    }
  }

  private stopSocketTimer(): void {
    if (this.socketTimer !== undefined) {
      clearInterval(this.socketTimer);
      this.socketTimer = undefined;
    }
  }

  private async readSockets(): Promise<void> {
    let changed = false;
    for (const s of this.options.tracker.sessions()) {
      if (s.state !== 'running' || s.sshPid === undefined || !this.watched.has(s.id)) {
        continue;
      }
      try {
        const stats = await readSocketStats(s.sshPid, { ssOnlyInFlight: true });
        const verdict = stats === undefined ? undefined : socketVerdict(stats.numbers);
        const next: SocketState = { stalled: verdict?.verdict === 'stalled', detail: verdict?.detail ?? '' };
        const prev = this.sockets.get(s.id);
        if (prev?.stalled !== next.stalled) {
          changed = true;
          if (next.stalled || prev !== undefined) {
            this.options.log.info(`[socket] ${s.alias} (${s.terminalName}): ${next.stalled ? `stalled: ${next.detail}` : 'moving again'}`);
          }
        }
        this.sockets.set(s.id, next);
      } catch (err) {
        this.options.log.debug(`[socket] ${s.alias}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (changed) {
      this.fireSoon();
    }
  }

  /**
   * Coalesces bursts into one refresh of the status bar and the sessions view:
   * within 50 ms of a state change, within 500 ms of a beat (a new round trip).
   * With many hosts, beats arrive spread over the interval; refreshing on each
   * rebuilt the whole tooltip and view many times a second.
   */
  private fireSoon(delayMs = 50): void {
    const due = performance.now() + delayMs;
    if (this.fireTimer !== undefined && this.fireDue <= due) {
      return;
    }
    clearTimeout(this.fireTimer);
    this.fireDue = due;
    this.fireTimer = setTimeout(() => {
      this.fireTimer = undefined;
      this.changed.fire();
    }, delayMs);
  }
}

/** The session's `-F` file when it is absolute (a relative one is relative to ssh's own working directory). */
function configFileOf(s: TrackedSession): string | undefined {
  const f = lastOption(parseSshArgs(s.sshArgs), 'F');
  return f !== undefined && f.startsWith('/') ? f : undefined;
}

function registrationSettings(settings: Settings): string {
  return JSON.stringify([settings.heartbeat(), settings.programPaths().ssh ?? null]);
}
