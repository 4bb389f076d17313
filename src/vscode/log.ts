import * as vscode from 'vscode';

/** The extension's one log; lines are tagged by component, e.g. `[probe]`. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('SSH Lifeline', { log: true });
}
