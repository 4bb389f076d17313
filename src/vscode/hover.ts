import * as vscode from 'vscode';
import { keyword } from '../core/sshConfig/keywords';
import { tokenize } from '../core/sshConfig/tokenizer';
import type { ConfigLinter } from './configLinter';
import { sideOf } from './configLinter';
import { keywordDoc } from './keywordDoc';

/** Documentation for the keyword under the mouse, for the OpenSSH version the rules assume. */
export class KeywordHover implements vscode.HoverProvider {
  constructor(private readonly linter: ConfigLinter) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const side = sideOf(document);
    if (side === undefined) {
      return undefined;
    }
    // A line lexes on its own; tokenizing just this one keeps hovers cheap in long files.
    const line = tokenize(document.lineAt(position.line).text).lines[0];
    const token = line?.keyword;
    if (token === undefined || position.character < token.range.start.character || position.character > token.range.end.character) {
      return undefined;
    }
    const info = keyword(side, token.value);
    if (info === undefined) {
      return undefined;
    }
    const version = await this.linter.versionFor(document);
    // Catalogue text only, never HTML or command links: isTrusted stays false.
    const markdown = new vscode.MarkdownString(keywordDoc(info, version));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, new vscode.Range(position.line, token.range.start.character, position.line, token.range.end.character));
  }
}
