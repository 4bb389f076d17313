import * as vscode from 'vscode';
import type { ConfigLinter } from './configLinter';
import { sideOf } from './configLinter';
import { diagnosticSource, toDiagnostic } from './convert';

/** Typing pauses shorter than this do not lint. */
const typingDelayMs = 300;

/**
 * Publishes the config doctor's findings for every open ssh_config and
 * sshd_config document: on open, as the user types (debounced), on save (the
 * file's mode may have changed) and when settings change; cleared on close.
 */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(diagnosticSource);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bumped per request, so a slow lint never overwrites a newer one. */
  private readonly generations = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private failureShown = false;

  constructor(
    private readonly linter: ConfigLinter,
    private readonly log: vscode.LogOutputChannel,
    onSettingsChanged: vscode.Event<void>,
  ) {
    vscode.workspace.onDidOpenTextDocument(this.lintNow, this, this.disposables);
    vscode.workspace.onDidSaveTextDocument(this.lintNow, this, this.disposables);
    vscode.workspace.onDidChangeTextDocument(this.documentChanged, this, this.disposables);
    vscode.workspace.onDidCloseTextDocument(this.documentClosed, this, this.disposables);
    onSettingsChanged(this.lintAll, this, this.disposables);
    this.lintAll();
  }

  /** Lints every open document again (settings changed, a file's mode was fixed). */
  lintAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.lintNow(document);
    }
  }

  lintNow(document: vscode.TextDocument): void {
    if (sideOf(document) === undefined) {
      return;
    }
    this.cancel(document);
    void this.run(document);
  }

  private documentChanged(event: vscode.TextDocumentChangeEvent): void {
    const { document } = event;
    if (event.contentChanges.length === 0 || sideOf(document) === undefined) {
      return;
    }
    this.cancel(document);
    const key = document.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.run(document);
      }, typingDelayMs),
    );
  }

  private documentClosed(document: vscode.TextDocument): void {
    this.cancel(document);
    this.generations.delete(document.uri.toString());
    this.collection.delete(document.uri);
  }

  private cancel(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const timer = this.timers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    try {
      const started = Date.now();
      const result = await this.linter.lint(document);
      if (this.generations.get(key) !== generation || document.isClosed) {
        return;
      }
      if (result === undefined) {
        this.collection.delete(document.uri);
        return;
      }
      this.collection.set(document.uri, result.findings.map(toDiagnostic));
      this.log.trace(`[lint] ${vscode.workspace.asRelativePath(document.uri)} v${result.version}: ${result.findings.length} findings in ${Date.now() - started} ms`);
    } catch (err) {
      // The core promises never to throw; if it does, say so once, not on every keystroke.
      this.log.error(`[lint] linting ${document.uri.toString(true)} failed`, err);
      if (!this.failureShown) {
        this.failureShown = true;
        void vscode.window.showErrorMessage('SSH Lifeline could not check this config file. The log has the details.', 'Show Log').then((pick) => {
          if (pick !== undefined) {
            this.log.show();
          }
        });
      }
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
