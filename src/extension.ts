import * as vscode from 'vscode';
import { CommandIds } from './vscode/commandIds';
import { createLog } from './vscode/log';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  try {
    context.subscriptions.push(
      vscode.commands.registerCommand(CommandIds.showLog, () => log.show(true)),
    );
    log.info(`[activate] SSH Lifeline ${String(context.extension.packageJSON.version)} (${context.extensionMode === vscode.ExtensionMode.Production ? 'production' : 'development'})`);
  } catch (err) {
    log.error('[activate] failed', err);
    void vscode.window.showErrorMessage(`SSH Lifeline failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((pick) => {
      if (pick !== undefined) {
        log.show();
      }
    });
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
