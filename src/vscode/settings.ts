import * as vscode from 'vscode';
import { checkHeartbeatSettings, defaultHeartbeatSettings, type HeartbeatSettings } from '../core/health/health';
import { isFindingCode, type FindingCode, type SeverityOverride } from '../core/sshConfig/findings';
import { matchPattern } from '../core/sshConfig/model';

/** `sshLifeline.lint.*` for one document, validated. */
export interface LintSettings {
  readonly enabled: boolean;
  readonly rules: Readonly<Partial<Record<FindingCode, SeverityOverride>>>;
  /** A release such as "9.2", or undefined to detect with `ssh -V`. */
  readonly opensshVersion: string | undefined;
}

/**
 * The window-scoped switches for the checks that run OpenSSH on a file (only
 * ever in a trusted workspace; see src/core/sshConfig/effective.ts).
 */
export interface ProgramCheckSettings {
  /** `sshLifeline.lint.effectiveValues`: the `ssh -G` CodeLens above Host blocks. */
  readonly effectiveValues: boolean;
  /** `sshLifeline.lint.sshdValidation`: `sshd -t` diagnostics for sshd_config files. */
  readonly sshdValidation: boolean;
}

/** `sshLifeline.heartbeat.*` and `sshLifeline.sessions.*`, validated (window scope). */
export interface HeartbeatUserSettings {
  readonly enabled: boolean;
  readonly thresholds: HeartbeatSettings;
  readonly bannerFallback: boolean;
  readonly bannerSpacingMs: number;
  /** Per-host overrides, keyed by an ssh-style host pattern (`*.prod`, `db-?`). */
  readonly hosts: readonly { readonly pattern: string; readonly enabled?: boolean; readonly thresholds: HeartbeatSettings }[];
  readonly scanIntervalMs: number;
}

/** `sshLifeline.reattach.*` (window scope). */
export interface ReattachSettings {
  /** `auto`: reconnect and reattach by itself; `ask`: offer it in a notification; `off`: only on command. */
  readonly mode: 'auto' | 'ask' | 'off';
  /** How long to wait for a host to come back before giving up. */
  readonly giveUpAfterMs: number;
  /** Add ServerAliveInterval/CountMax to the relaunched ssh when the user's config has none. */
  readonly addKeepalive: boolean;
}

const section = 'sshLifeline.lint';
const overrides: ReadonlySet<string> = new Set<SeverityOverride>(['error', 'warning', 'info', 'hint', 'off']);

/**
 * Typed snapshots of the settings, read once per workspace folder and language
 * (the lint settings are language-overridable) and dropped when the
 * configuration changes.
 */
export class Settings implements vscode.Disposable {
  private readonly snapshots = new Map<string, LintSettings>();
  private programSnapshot: ProgramCheckSettings | undefined;
  private heartbeatSnapshot: HeartbeatUserSettings | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Fires after a change to `sshLifeline.*`; snapshots read afterwards are fresh. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    vscode.workspace.onDidChangeConfiguration(this.configurationChanged, this, this.disposables);
  }

  lint(document: Pick<vscode.TextDocument, 'uri' | 'languageId'>): LintSettings {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const key = `${folder?.uri.toString() ?? ''}\n${document.languageId}`;
    let snapshot = this.snapshots.get(key);
    if (snapshot === undefined) {
      snapshot = this.read(document);
      this.snapshots.set(key, snapshot);
    }
    return snapshot;
  }

  /** The switches for `ssh -G` and `sshd -t` (window scope: one snapshot). */
  programChecks(): ProgramCheckSettings {
    if (this.programSnapshot === undefined) {
      const config = vscode.workspace.getConfiguration(section);
      this.programSnapshot = { effectiveValues: config.get<unknown>('effectiveValues') !== false, sshdValidation: config.get<unknown>('sshdValidation') !== false };
    }
    return this.programSnapshot;
  }

  /** The heartbeat settings (window scope: one snapshot). */
  heartbeat(): HeartbeatUserSettings {
    if (this.heartbeatSnapshot === undefined) {
      this.heartbeatSnapshot = this.readHeartbeat();
    }
    return this.heartbeatSnapshot;
  }

  /** The reattach settings (read fresh: they are read once per reattach). */
  reattach(): ReattachSettings {
    const config = vscode.workspace.getConfiguration('sshLifeline.reattach');
    const mode = config.get<unknown>('mode');
    const minutes = config.get<unknown>('giveUpAfterMinutes');
    return {
      mode: mode === 'ask' || mode === 'off' ? mode : 'auto',
      giveUpAfterMs: (typeof minutes === 'number' && Number.isFinite(minutes) && minutes > 0 ? Math.min(minutes, 24 * 60) : 30) * 60_000,
      addKeepalive: config.get<unknown>('addKeepalive') !== false,
    };
  }

  /** Thresholds and switch for one host alias: the first matching per-host entry over the global values. */
  heartbeatFor(alias: string): { readonly enabled: boolean; readonly thresholds: HeartbeatSettings } {
    const hb = this.heartbeat();
    const entry = hb.hosts.find((h) => h.pattern.split(',').some((p) => matchPattern(alias, p.trim())));
    return { enabled: hb.enabled && entry?.enabled !== false, thresholds: entry?.thresholds ?? hb.thresholds };
  }

  private readHeartbeat(): HeartbeatUserSettings {
    const config = vscode.workspace.getConfiguration('sshLifeline');
    const seconds = (raw: unknown, fallbackMs: number): number => (typeof raw === 'number' && Number.isFinite(raw) ? raw * 1000 : fallbackMs);
    const thresholdsFrom = (raw: Record<string, unknown>, base: HeartbeatSettings, where: string): HeartbeatSettings => {
      const t: HeartbeatSettings = {
        ...base,
        intervalMs: seconds(raw['intervalSeconds'], base.intervalMs),
        degradedAfterMs: seconds(raw['degradedAfterSeconds'], base.degradedAfterMs),
        downAfterMs: seconds(raw['downAfterSeconds'], base.downAfterMs),
        slowRttMs: typeof raw['slowRoundTripMs'] === 'number' ? raw['slowRoundTripMs'] : base.slowRttMs,
      };
      const problems = checkHeartbeatSettings(t);
      if (problems.length > 0) {
        this.log.warn(`[settings] ignoring ${where}: ${problems.join('; ')}`);
        return base;
      }
      return t;
    };
    const global = thresholdsFrom(
      {
        intervalSeconds: config.get<unknown>('heartbeat.intervalSeconds'),
        degradedAfterSeconds: config.get<unknown>('heartbeat.degradedAfterSeconds'),
        downAfterSeconds: config.get<unknown>('heartbeat.downAfterSeconds'),
        slowRoundTripMs: config.get<unknown>('heartbeat.slowRoundTripMs'),
      },
      defaultHeartbeatSettings,
      'sshLifeline.heartbeat thresholds',
    );
    const hosts: { pattern: string; enabled?: boolean; thresholds: HeartbeatSettings }[] = [];
    const rawHosts = config.get<unknown>('heartbeat.hosts');
    if (typeof rawHosts === 'object' && rawHosts !== null) {
      for (const [pattern, value] of Object.entries(rawHosts)) {
        if (typeof value !== 'object' || value === null || pattern.trim() === '') {
          this.log.warn(`[settings] ignoring sshLifeline.heartbeat.hosts entry ${JSON.stringify(pattern)}: expected an object`);
          continue;
        }
        const v = value as Record<string, unknown>;
        hosts.push({
          pattern,
          ...(typeof v['enabled'] === 'boolean' ? { enabled: v['enabled'] } : {}),
          thresholds: thresholdsFrom(v, global, `sshLifeline.heartbeat.hosts[${JSON.stringify(pattern)}]`),
        });
      }
    }
    const banner = config.get<unknown>('heartbeat.bannerIntervalSeconds');
    const scan = config.get<unknown>('sessions.scanIntervalSeconds');
    return {
      enabled: config.get<unknown>('heartbeat.enabled') !== false,
      thresholds: global,
      bannerFallback: config.get<unknown>('heartbeat.bannerFallback') !== false,
      bannerSpacingMs: Math.max(30_000, seconds(banner, 30_000)),
      hosts,
      scanIntervalMs: Math.min(60_000, Math.max(500, seconds(scan, 2000))),
    };
  }

  private read(document: Pick<vscode.TextDocument, 'uri' | 'languageId'>): LintSettings {
    const config = vscode.workspace.getConfiguration(section, { uri: document.uri, languageId: document.languageId });
    const rules: Partial<Record<FindingCode, SeverityOverride>> = {};
    const raw = config.get<unknown>('rules');
    if (typeof raw === 'object' && raw !== null) {
      for (const [code, value] of Object.entries(raw)) {
        if (isFindingCode(code) && typeof value === 'string' && overrides.has(value)) {
          rules[code] = value as SeverityOverride;
        } else {
          this.log.warn(`[settings] ignoring ${section}.rules entry ${JSON.stringify(code)}: ${JSON.stringify(value)}`);
        }
      }
    }
    const version = config.get<unknown>('opensshVersion');
    let opensshVersion: string | undefined;
    if (typeof version === 'string' && version.trim() !== '') {
      if (/^\d+\.\d+/.test(version.trim())) {
        opensshVersion = version.trim();
      } else {
        this.log.warn(`[settings] ignoring ${section}.opensshVersion ${JSON.stringify(version)}: expected a release such as "9.2"`);
      }
    }
    return { enabled: config.get<unknown>('enabled') !== false, rules, opensshVersion };
  }

  private configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration('sshLifeline')) {
      this.snapshots.clear();
      this.programSnapshot = undefined;
      this.heartbeatSnapshot = undefined;
      this.changed.fire();
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
