import * as vscode from 'vscode';

/**
 * The boundary for a failure the user should hear about: the stack goes to the
 * log, the user gets one message with a way to the log.
 */
export function reportError(log: vscode.LogOutputChannel, tag: string, what: string, err: unknown): void {
  log.error(`[${tag}] ${what}`, err);
  const detail = err instanceof Error ? err.message : String(err);
  void vscode.window.showErrorMessage(`SSH Lifeline: ${what}: ${detail}`, 'Show Log').then((pick) => {
    if (pick !== undefined) {
      log.show();
    }
  });
}
