import * as vscode from 'vscode';
import type { Finding, FindingCode, Severity, TextEdit } from '../core/sshConfig/findings';
import type { Range } from '../core/sshConfig/tokenizer';
import { CommandIds } from './commandIds';

/** The `source` of every diagnostic we publish; also how quick-fixes recognise ours. */
export const diagnosticSource = 'SSH Lifeline';

/** Core positions are zero-based lines and UTF-16 columns, exactly VS Code's. */
export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const severities: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toSeverity(severity: Severity): vscode.DiagnosticSeverity {
  return severities[severity];
}

/**
 * The code link of a diagnostic: a command URI for our own command that opens
 * the bundled `docs/rules/<code>.md` in the Markdown preview. A `file:` URI of
 * the page would open raw Markdown, and in a remote window would name a file on
 * the wrong machine; there is no public web page to link to. The workbench
 * opens code links with commands allowed (hover and Problems panel alike).
 */
export function ruleDocTarget(code: FindingCode): vscode.Uri {
  return vscode.Uri.from({ scheme: 'command', path: CommandIds.showRuleDoc, query: JSON.stringify([code]) });
}

/** Diagnostic tags that make the editor show what a line is: ignored (faded) or obsolete (struck through). */
const tags: Partial<Record<FindingCode, vscode.DiagnosticTag>> = {
  'duplicate-keyword': vscode.DiagnosticTag.Unnecessary,
  'shadowed-setting': vscode.DiagnosticTag.Unnecessary,
  'deprecated-keyword': vscode.DiagnosticTag.Deprecated,
};

export function toDiagnostic(finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, toSeverity(finding.severity));
  diagnostic.source = diagnosticSource;
  diagnostic.code = { value: finding.code, target: ruleDocTarget(finding.code) };
  const tag = tags[finding.code];
  if (tag !== undefined) {
    diagnostic.tags = [tag];
  }
  return diagnostic;
}

/** The finding code of one of our diagnostics, else undefined. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  if (diagnostic.source !== diagnosticSource) {
    return undefined;
  }
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(uri, toRange(e.range), e.newText);
  }
  return edit;
}
