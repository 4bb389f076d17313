import * as vscode from 'vscode';
import type { Fix } from '../core/sshConfig/findings';
import { CommandIds } from './commandIds';
import type { ConfigLinter } from './configLinter';
import { codeOf, toRange, toWorkspaceEdit } from './convert';
import { minimalReplacement } from '../core/sshConfig/fixAll';

export const fixAllKind = vscode.CodeActionKind.SourceFixAll.append('sshLifeline');

/**
 * Quick-fixes for our diagnostics, and "Fix all" as a source action
 * (`source.fixAll.sshLifeline`, so `editor.codeActionsOnSave` can ask for it).
 * Both lint the document's current text: a diagnostic may be a keystroke old.
 */
export class ConfigCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, fixAllKind],
  };

  constructor(private readonly linter: ConfigLinter) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    const wantQuickFixes = context.only === undefined || context.only.intersects(vscode.CodeActionKind.QuickFix);
    const ours = context.diagnostics.filter((d) => codeOf(d) !== undefined);
    if (wantQuickFixes && ours.length > 0) {
      actions.push(...(await this.quickFixes(document, range, ours)));
    }
    if (context.only?.intersects(fixAllKind) === true) {
      const edit = await this.fixAllEdit(document);
      if (edit !== undefined) {
        const action = new vscode.CodeAction('Fix all SSH config problems that have a fix', fixAllKind);
        action.edit = edit.edit;
        actions.push(action);
      }
    }
    return actions;
  }

  private async quickFixes(document: vscode.TextDocument, range: vscode.Range, diagnostics: readonly vscode.Diagnostic[]): Promise<vscode.CodeAction[]> {
    const result = await this.linter.lint(document);
    if (result === undefined) {
      return [];
    }
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const finding of result.findings) {
      const findingRange = toRange(finding.range);
      if (findingRange.intersection(range) === undefined) {
        continue;
      }
      const matching = diagnostics.filter((d) => codeOf(d) === finding.code && d.range.intersection(findingRange) !== undefined);
      if (matching.length === 0) {
        continue;
      }
      if (finding.code === 'bom' && result.setup.hiddenBom) {
        // The editor decoded the mark away, so no text edit can remove it: saving as plain UTF-8 does.
        const action = new vscode.CodeAction('Save without the byte order mark (choose "Save with Encoding", then "UTF-8")', vscode.CodeActionKind.QuickFix);
        action.command = { command: 'workbench.action.editor.changeEncoding', title: action.title };
        action.isPreferred = true;
        action.diagnostics = matching;
        actions.push(action);
      }
      for (const fix of finding.fixes) {
        const action = this.quickFix(document, fix);
        const key = `${fix.title}\n${fix.kind === 'edit' ? JSON.stringify(fix.edits) : fix.mode}`;
        if (action === undefined || seen.has(key)) {
          continue;
        }
        seen.add(key);
        action.diagnostics = matching;
        actions.push(action);
      }
    }
    return actions;
  }

  private quickFix(document: vscode.TextDocument, fix: Fix): vscode.CodeAction | undefined {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.isPreferred = fix.preferred;
    if (fix.kind === 'edit') {
      action.edit = toWorkspaceEdit(document.uri, fix.edits);
      return action;
    }
    // chmod works on the file on disk: only for saved local files.
    if (document.uri.scheme !== 'file') {
      return undefined;
    }
    action.command = { command: CommandIds.applyFileMode, title: fix.title, arguments: [document.uri, fix.mode] };
    return action;
  }

  /** One minimal edit that applies every preferred fix (repeatedly, until stable); undefined when nothing changes. */
  async fixAllEdit(document: vscode.TextDocument): Promise<{ edit: vscode.WorkspaceEdit; applied: number } | undefined> {
    const setup = await this.linter.setup(document);
    if (setup === undefined) {
      return undefined;
    }
    const before = document.getText();
    const fixed = this.linter.fixAll(setup, before);
    if (fixed.text === before) {
      return undefined;
    }
    const change = minimalReplacement(before, fixed.text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(change.from), document.positionAt(change.to)), change.newText);
    return { edit, applied: fixed.applied };
  }
}
