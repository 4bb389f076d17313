import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { checkHeartbeatSettings, defaultHeartbeatSettings, type HeartbeatSettings } from '../core/health/health';
import { isFindingCode, type FindingCode, type SeverityOverride } from '../core/sshConfig/findings';
import { matchPattern } from '../core/sshConfig/model';
import { checkPathSetting, isInside, parseJsonc, pathSettingKeys, settingInJson, type PathSettingKey } from '../core/trust/pathSettings';
import type { WorkspaceTrust } from './effectiveLens';

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

/**
 * `sshLifeline.ssh.path`, `sshLifeline.sshd.path` and `sshLifeline.ssh.configFile`
 * (machine-overridable), validated; undefined means the built-in default. In a
 * workspace that is not trusted only the user's own values count.
 */
export interface ProgramPaths {
  /** The ssh SSH Lifeline runs itself; undefined: `ssh` on PATH. */
  readonly ssh: string | undefined;
  /** The sshd for `sshd -t`; undefined: /usr/sbin/sshd, else PATH. */
  readonly sshd: string | undefined;
  /** The ssh config file for Open SSH Config, the host picker and `-F`; undefined: ssh's own default (`~/.ssh/config`, no `-F`). */
  readonly sshConfigFile: string | undefined;
}

const section = 'sshLifeline.lint';
/** Settings files larger than this are not read for the log (VS Code's own limit is far above any real one). */
const maxSettingsFileBytes = 1024 * 1024;
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
  private pathsSnapshot: ProgramPaths | undefined;
  /** Warnings already logged: each ignored value is reported once. */
  private readonly warned = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Fires after a change to `sshLifeline.*`; snapshots read afterwards are fresh. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly trust: WorkspaceTrust = vscode.workspace,
  ) {
    vscode.workspace.onDidChangeConfiguration(this.configurationChanged, this, this.disposables);
    // Workspace values of the program and config-file settings count from now on: everyone reads afresh.
    trust.onDidGrantWorkspaceTrust(this.dropSnapshots, this, this.disposables);
    this.reportStrippedWorkspaceValues();
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

  /** The program and config-file paths (one snapshot; read afresh after a change or a trust grant). */
  programPaths(): ProgramPaths {
    this.pathsSnapshot ??= this.readPaths();
    return this.pathsSnapshot;
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

  /**
   * Belt and braces on top of VS Code's `restrictedConfigurations`: in a
   * workspace that is not trusted, workspace and workspace-folder values are
   * ignored here too, as is a user value pointing into a workspace folder
   * (its content is the workspace's).
   */
  private readPaths(): ProgramPaths {
    const config = vscode.workspace.getConfiguration('sshLifeline');
    const trusted = this.trust.isTrusted;
    const home = homedir();
    const value = (key: PathSettingKey): string | undefined => {
      const name = `sshLifeline.${key}`;
      let raw: unknown;
      if (trusted) {
        raw = config.get<unknown>(key);
      } else {
        const seen = config.inspect<unknown>(key);
        for (const [where, v] of [
          ['workspace', seen?.workspaceValue],
          ['workspace folder', seen?.workspaceFolderValue],
        ] as const) {
          if (v !== undefined) {
            this.warnOnce(`[settings] ignoring the ${where} value of ${name} (${describeValue(v)}): the workspace is not trusted`);
          }
        }
        raw = seen?.globalValue;
      }
      const checked = checkPathSetting(key, raw, home);
      if (checked.kind === 'default') {
        return undefined;
      }
      if (checked.kind === 'invalid') {
        this.warnOnce(`[settings] ignoring ${name} (${describeValue(raw)}): ${checked.problem}; using the default`);
        return undefined;
      }
      if (!trusted) {
        const folder = this.workspaceFolderHolding(checked.value);
        if (folder !== undefined) {
          this.warnOnce(`[settings] ignoring ${name} (${describeValue(raw)}): it lies in the workspace folder ${folder}, and the workspace is not trusted`);
          return undefined;
        }
      }
      if (key !== 'ssh.configFile' && !isExecutable(checked.value)) {
        this.warnOnce(`[settings] ${name} (${describeValue(raw)}) is not an executable file: running it will fail`);
      }
      return checked.value;
    };
    return { ssh: value('ssh.path'), sshd: value('sshd.path'), sshConfigFile: value('ssh.configFile') };
  }

  /** The workspace folder `file` lies in, by its name or after symbolic links; undefined when none. */
  private workspaceFolderHolding(file: string): string | undefined {
    const real = realpathOrUndefined(file);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') {
        continue;
      }
      const dirs = [folder.uri.fsPath, realpathOrUndefined(folder.uri.fsPath)];
      if (dirs.some((d) => d !== undefined && [file, real].some((f) => f !== undefined && isInside(d, f)))) {
        return folder.uri.fsPath;
      }
    }
    return undefined;
  }

  /**
   * VS Code leaves restricted settings out of an untrusted workspace's
   * configuration altogether, so `inspect()` does not show them: the log
   * names them from the settings files themselves (read only, never run).
   */
  private reportStrippedWorkspaceValues(): void {
    if (this.trust.isTrusted) {
      return;
    }
    const files = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json').fsPath);
    const workspaceFile = vscode.workspace.workspaceFile;
    if (workspaceFile?.scheme === 'file') {
      files.push(workspaceFile.fsPath);
    }
    for (const file of files) {
      let tree: unknown;
      try {
        if (statSync(file).size > maxSettingsFileBytes) {
          continue;
        }
        tree = parseJsonc(readFileSync(file, 'utf8'));
      } catch {
        continue; // no settings file
      }
      // A .code-workspace file keeps its settings under "settings".
      const settings = file === workspaceFile?.fsPath ? settingInJson(tree, 'settings') : tree;
      for (const key of pathSettingKeys) {
        const v = settingInJson(settings, `sshLifeline.${key}`);
        if (v !== undefined) {
          this.warnOnce(`[settings] ignoring sshLifeline.${key} (${describeValue(v)}) from ${file}: the workspace is not trusted`);
        }
      }
    }
  }

  private warnOnce(line: string): void {
    if (!this.warned.has(line)) {
      this.warned.add(line);
      this.log.warn(line);
    }
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
      this.reportStrippedWorkspaceValues();
      this.dropSnapshots();
    }
  }

  private dropSnapshots(): void {
    this.snapshots.clear();
    this.programSnapshot = undefined;
    this.heartbeatSnapshot = undefined;
    this.pathsSnapshot = undefined;
    this.changed.fire();
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** A setting's value for the log: quoted, control characters escaped, long ones cut. */
function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function realpathOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
