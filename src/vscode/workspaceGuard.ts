import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInside } from '../core/trust/pathSettings';

/** VS Code's own command behind the notification's button. */
const manageTrustCommand = 'workbench.trust.manage';
const manageTrust = 'Manage Workspace Trust';

/**
 * Whether `file` lies in one of the workspace folders, by its name or after
 * symbolic links (a link from elsewhere into the workspace, or the other way
 * round, is judged by where the content is). A workspace that is not trusted
 * must not have SSH Lifeline run programs on such files.
 */
export async function inWorkspace(file: string, folders: readonly vscode.WorkspaceFolder[] = vscode.workspace.workspaceFolders ?? []): Promise<boolean> {
  const dirs = folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  if (dirs.length === 0) {
    return false;
  }
  const real = async (p: string): Promise<string | undefined> => realpath(p).catch(() => undefined);
  const candidates = [path.resolve(file), await real(file)].filter((f): f is string => f !== undefined);
  const roots = [...dirs, ...(await Promise.all(dirs.map(real))).filter((d): d is string => d !== undefined)];
  return candidates.some((f) => roots.some((d) => isInside(d, f)));
}

/**
 * Says that something was refused because the workspace is not trusted: in
 * the log, and in a notification whose button opens VS Code's Workspace Trust
 * editor.
 */
export function refuseUntrusted(log: vscode.LogOutputChannel, message: string): void {
  log.warn(`[trust] ${message}`);
  void vscode.window.showWarningMessage(message, manageTrust).then((pick) => {
    if (pick === manageTrust) {
      void vscode.commands.executeCommand(manageTrustCommand);
    }
  });
}
