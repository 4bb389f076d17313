import * as vscode from 'vscode';
import { placeSshdMessages, sshdValidationGate } from '../core/sshConfig/effective';
import { untrustedRefusal } from '../core/trust/pathSettings';
import type { SshdCheck, SshdCheckOptions } from '../node/sshdValidate';
import { toRange, toSeverity } from './convert';
import type { WorkspaceTrust } from './effectiveLens';
import type { Settings } from './settings';
import { refuseUntrusted } from './workspaceGuard';

/** The `source` of what the real sshd says, apart from our own rules' "SSH Lifeline". */
export const sshdDiagnosticSource = 'sshd -t';
/** One code for all of them; it links to the sshd_config manual. */
export const sshdDiagnosticCode = 'sshd-t';
const manualPage = vscode.Uri.parse('https://man.openbsd.org/sshd_config');

/** Saves and opens closer together than this check once. */
const settleMs = 400;

export interface SshdValidationDeps {
  readonly trust: WorkspaceTrust;
  readonly settings: Pick<Settings, 'programChecks' | 'lint' | 'onDidChange' | 'programPaths'>;
  readonly log: vscode.LogOutputChannel;
  /** SshdValidator in the extension; tests pass their own. */
  readonly checker: { check(text: string, options?: SshdCheckOptions): Promise<SshdCheck> };
  /** Says that the workspace's lack of trust stopped a check (once per window); default: a notification with a Manage Workspace Trust button. */
  readonly refuse?: (message: string) => void;
}

/**
 * Diagnostics from the real `sshd -t` for sshd_config files, on open and on
 * save (debounced; not while typing: a run costs a process and a temp file),
 * only when {@link sshdValidationGate} allows it: a trusted workspace, the
 * setting on, a file. The text checked is the document's; the diagnostics stay
 * until the next save, so after edits they may point a line or two off.
 */
export class SshdValidation implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(sshdDiagnosticSource);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly generations = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private unavailableLogged = false;
  /** Documents whose check the lack of trust stopped, logged once each; the first one is also told in a notification. */
  private readonly untrustedSeen = new Set<string>();

  constructor(private readonly deps: SshdValidationDeps) {
    vscode.workspace.onDidOpenTextDocument(this.schedule, this, this.disposables);
    vscode.workspace.onDidSaveTextDocument(this.schedule, this, this.disposables);
    vscode.workspace.onDidCloseTextDocument(this.closed, this, this.disposables);
    deps.trust.onDidGrantWorkspaceTrust(this.checkAll, this, this.disposables);
    deps.settings.onDidChange(this.checkAll, this, this.disposables);
    this.checkAll();
  }

  /** Checks every open sshd_config again (trust granted, settings changed). */
  checkAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.schedule(document);
    }
  }

  private allowed(document: vscode.TextDocument): boolean {
    return this.refusal(document, this.deps.trust.isTrusted) === undefined;
  }

  private refusal(document: vscode.TextDocument, trusted: boolean): ReturnType<typeof sshdValidationGate> {
    return sshdValidationGate({
      trusted,
      enabled: this.deps.settings.programChecks().sshdValidation && this.deps.settings.lint(document).enabled,
      scheme: document.uri.scheme,
      languageId: document.languageId,
    });
  }

  /** A check that would run but for the workspace's trust: say so (a notification for the first such file, the log for each). */
  private untrusted(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (this.untrustedSeen.has(key) || this.refusal(document, true) !== undefined) {
      return;
    }
    const message = untrustedRefusal.sshdT(vscode.workspace.asRelativePath(document.uri));
    if (this.untrustedSeen.size === 0) {
      (this.deps.refuse ?? ((m: string) => refuseUntrusted(this.deps.log, m)))(message);
    } else {
      this.deps.log.info(`[trust] ${message}`);
    }
    this.untrustedSeen.add(key);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.languageId !== 'sshd_config') {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    if (!this.allowed(document)) {
      this.timers.delete(key);
      this.collection.delete(document.uri);
      if (!this.deps.trust.isTrusted) {
        this.untrusted(document);
      }
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(document);
      }, settleMs),
    );
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    // Checked again at the last moment: nothing reaches sshd unless every condition holds now.
    if (document.isClosed || !this.allowed(document)) {
      return;
    }
    const key = document.uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    const text = document.getText();
    const sshd = this.deps.settings.programPaths().sshd;
    const result = await this.deps.checker.check(text, sshd === undefined ? {} : { sshd });
    if (this.generations.get(key) !== generation || document.isClosed) {
      return;
    }
    const where = vscode.workspace.asRelativePath(document.uri);
    switch (result.kind) {
      case 'unavailable':
        if (!this.unavailableLogged) {
          this.unavailableLogged = true;
          this.deps.log.info(`[sshd -t] not checking sshd_config files: ${result.reason}`);
        }
        return;
      case 'failed':
        this.deps.log.warn(`[sshd -t] ${where}: ${result.reason}`);
        return;
      case 'checked': {
        for (const line of result.report.ignored) {
          this.deps.log.debug(`[sshd -t] ${where}: not about the file, left out: ${line}`);
        }
        const diagnostics = placeSshdMessages(text, result.file, result.report).map((finding) => {
          const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, toSeverity(finding.severity));
          diagnostic.source = sshdDiagnosticSource;
          diagnostic.code = { value: sshdDiagnosticCode, target: manualPage };
          return diagnostic;
        });
        this.collection.set(document.uri, diagnostics);
        this.deps.log.trace(`[sshd -t] ${where}: exit ${String(result.exitCode)}, ${diagnostics.length} messages in ${result.ms} ms`);
      }
    }
  }

  private closed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.generations.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
