import * as path from 'node:path';
import * as vscode from 'vscode';
import { isFindingCode } from '../core/sshConfig/findings';
import { setFileMode } from '../node/configFiles';
import type { ConfigCodeActions } from './codeActions';
import { CommandIds } from './commandIds';
import { sideOf } from './configLinter';
import type { ConfigDiagnostics } from './diagnostics';
import { reportError } from './errors';

export interface ConfigCommandDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly codeActions: ConfigCodeActions;
  readonly diagnostics: ConfigDiagnostics;
}

/** The config doctor's commands: Fix All (palette and editor title), and the internal rule-doc and chmod commands. */
export function registerConfigCommands(deps: ConfigCommandDeps): vscode.Disposable[] {
  const guarded =
    <A extends unknown[], R>(what: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await run(...args);
      } catch (err) {
        reportError(deps.log, 'command', what, err);
        return undefined;
      }
    };
  return [
    vscode.commands.registerCommand(CommandIds.fixAllProblems, guarded('fixing the problems in this file failed', (uri?: unknown) => fixAll(deps, uri))),
    vscode.commands.registerCommand(CommandIds.showRuleDoc, guarded('opening the rule documentation failed', (code?: unknown) => showRuleDoc(deps, code))),
    vscode.commands.registerCommand(CommandIds.applyFileMode, guarded('changing the file permissions failed', (uri?: unknown, mode?: unknown) => applyFileMode(deps, uri, mode))),
  ];
}

/**
 * Applies every preferred fix to the document (the editor title passes its
 * resource; the palette uses the active editor). Returns how many fixes went in.
 */
async function fixAll(deps: ConfigCommandDeps, uri: unknown): Promise<number> {
  const document =
    uri instanceof vscode.Uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : vscode.window.activeTextEditor?.document;
  if (document === undefined || sideOf(document) === undefined) {
    void vscode.window.showInformationMessage('Open an ssh_config or sshd_config file to fix its problems.');
    return 0;
  }
  const fix = await deps.codeActions.fixAllEdit(document);
  if (fix === undefined) {
    void vscode.window.showInformationMessage('SSH Lifeline: nothing in this file has an automatic fix.');
    return 0;
  }
  if (!(await vscode.workspace.applyEdit(fix.edit))) {
    throw new Error('the editor refused the edit (was the file changed meanwhile?)');
  }
  deps.log.info(`[fix] ${vscode.workspace.asRelativePath(document.uri)}: applied ${fix.applied} fixes`);
  vscode.window.setStatusBarMessage(`SSH Lifeline: applied ${fix.applied} ${fix.applied === 1 ? 'fix' : 'fixes'}`, 5_000);
  return fix.applied;
}

/** Opens `docs/rules/<code>.md` from the extension folder in the Markdown preview; only known codes, so no other path can be named. */
async function showRuleDoc(deps: ConfigCommandDeps, code: unknown): Promise<boolean> {
  if (typeof code !== 'string' || !isFindingCode(code)) {
    throw new Error(`unknown rule ${JSON.stringify(code)}`);
  }
  const page = vscode.Uri.joinPath(deps.extensionUri, 'docs', 'rules', `${code}.md`);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', page);
  } catch (err) {
    // The built-in Markdown extension can be disabled: the raw page still says it all.
    deps.log.info(`[docs] no Markdown preview (${err instanceof Error ? err.message : String(err)}); opening ${code}.md as text`);
    await vscode.window.showTextDocument(page, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
  return true;
}

/**
 * The chmod quick-fix. Allowed in untrusted workspaces too: it runs no
 * program, only takes group/other permissions away from a file the user has
 * open, after the user picked the fix. Modes that would grant group or other
 * access are refused, whoever asks.
 */
async function applyFileMode(deps: ConfigCommandDeps, uri: unknown, mode: unknown): Promise<boolean> {
  if (!(uri instanceof vscode.Uri) || uri.scheme !== 'file') {
    throw new Error('only files on disk have permissions to fix');
  }
  if (typeof mode !== 'number' || !Number.isInteger(mode) || (mode & ~0o700) !== 0) {
    throw new Error(`refusing mode ${String(mode)}: only owner permissions may be set`);
  }
  const octal = (m: number): string => (m & 0o777).toString(8).padStart(3, '0');
  const after = await setFileMode(uri.fsPath, mode);
  deps.log.info(`[fix] chmod ${octal(mode)} ${uri.fsPath} → mode ${octal(after)}`);
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document !== undefined) {
    deps.diagnostics.lintNow(document);
  }
  if ((after & 0o777) !== mode) {
    void vscode.window.showWarningMessage(
      `SSH Lifeline: ${path.basename(uri.fsPath)} still has mode ${octal(after)} after chmod ${octal(mode)}; its file system may not keep Unix permissions.`,
    );
    return false;
  }
  void vscode.window.showInformationMessage(`SSH Lifeline: ${path.basename(uri.fsPath)} now has mode ${octal(after)}: group and others can no longer change it.`);
  return true;
}
