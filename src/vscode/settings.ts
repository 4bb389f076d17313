import * as vscode from 'vscode';
import { isFindingCode, type FindingCode, type SeverityOverride } from '../core/sshConfig/findings';

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
      this.changed.fire();
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
