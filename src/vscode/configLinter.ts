import * as os from 'node:os';
import type * as vscode from 'vscode';
import type { Finding, Fix } from '../core/sshConfig/findings';
import type { Side } from '../core/sshConfig/keywords';
import { lint, type LintOptions } from '../core/sshConfig/lint';
import type { Position, Range } from '../core/sshConfig/tokenizer';
import { readConfigFilePermissions, startsWithBom } from '../node/configFiles';
import { isUserConfigPath, localIncludeFiles } from '../node/includeFiles';
import { fixAllText, type FixAllResult } from '../core/sshConfig/fixAll';
import type { LocalOpenssh } from './localOpenssh';
import type { Settings } from './settings';

/** The languages we lint, and the side of the config each one is. */
const sides: Readonly<Record<string, Side>> = { ssh_config: 'client', sshd_config: 'server' };

export const configLanguages = Object.keys(sides);

/** Where diagnostics make sense: real files and unsaved buffers, not git's old versions or output channels. */
const lintedSchemes = new Set(['file', 'untitled']);

export const configDocumentSelector: vscode.DocumentSelector = configLanguages.flatMap((language) =>
  [...lintedSchemes].map((scheme) => ({ language, scheme })),
);

/** The side of an ssh_config / sshd_config document, or undefined for any other document. */
export function sideOf(document: Pick<vscode.TextDocument, 'languageId' | 'uri'>): Side | undefined {
  return lintedSchemes.has(document.uri.scheme) ? sides[document.languageId] : undefined;
}

/** Everything a lint of one document needs besides its text. */
export interface LintSetup {
  readonly options: LintOptions;
  /**
   * The file on disk starts with a byte order mark that the editor decoded
   * away (it shows "UTF-8 with BOM" and writes the mark back on save). The
   * text is linted with the mark, and positions are mapped back.
   */
  readonly hiddenBom: boolean;
}

const BOM = '\uFEFF';

/**
 * Builds the core's LintOptions for a document (side, settings, OpenSSH
 * version, the file's mode, access to included files) and lints its current
 * text. Reads files, runs the one `ssh -V`, and runs nothing on the document.
 */
export class ConfigLinter {
  private readonly includeFiles = localIncludeFiles();

  constructor(
    private readonly settings: Settings,
    private readonly openssh: LocalOpenssh,
    private readonly home: string = os.homedir(),
  ) {}

  /** The OpenSSH release rules and hovers assume for `document`: the setting, else the local ssh. */
  async versionFor(document: vscode.TextDocument): Promise<string | undefined> {
    return this.settings.lint(document).opensshVersion ?? (await this.openssh.version(this.settings.programPaths().ssh));
  }

  /** What linting `document` needs, or undefined when it is not linted (other language, or disabled). */
  async setup(document: vscode.TextDocument): Promise<LintSetup | undefined> {
    const side = sideOf(document);
    if (side === undefined) {
      return undefined;
    }
    const settings = this.settings.lint(document);
    if (!settings.enabled) {
      return undefined;
    }
    const file = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    const [opensshVersion, permissions, bomOnDisk] = await Promise.all([
      this.versionFor(document),
      side === 'client' && file !== undefined ? readConfigFilePermissions(file, this.home) : undefined,
      file === undefined ? false : startsWithBom(file),
    ]);
    // Include is followed by reading files only (never `Match exec`, never a program), so also in untrusted workspaces.
    const includes: LintOptions['includes'] =
      file === undefined
        ? undefined
        : { files: this.includeFiles, path: file, home: this.home, env: process.env, userFile: side === 'client' && isUserConfigPath(file, this.home) };
    return {
      options: {
        side,
        rules: settings.rules,
        ...(opensshVersion === undefined ? {} : { opensshVersion }),
        ...(permissions === undefined ? {} : { permissions }),
        ...(includes === undefined ? {} : { includes }),
      },
      hiddenBom: bomOnDisk && !document.lineAt(0).text.startsWith(BOM),
    };
  }

  /** Findings in the document's coordinates. */
  lintText(setup: LintSetup, text: string): Finding[] {
    if (!setup.hiddenBom) {
      return lint(text, setup.options);
    }
    return lint(BOM + text, setup.options).map(withoutBom);
  }

  /** Every preferred fix applied until stable; a hidden byte order mark stays for the encoding to deal with. */
  fixAll(setup: LintSetup, text: string): FixAllResult {
    if (!setup.hiddenBom) {
      return fixAllText(text, setup.options);
    }
    const fixed = fixAllText(BOM + text, setup.options);
    return { ...fixed, text: fixed.text.startsWith(BOM) ? fixed.text.slice(1) : fixed.text };
  }

  /** Findings for the document's text as it is when the setup is ready; undefined when not linted. */
  async lint(document: vscode.TextDocument): Promise<{ readonly version: number; readonly findings: Finding[]; readonly setup: LintSetup } | undefined> {
    const setup = await this.setup(document);
    if (setup === undefined || document.isClosed) {
      return undefined;
    }
    return { version: document.version, findings: this.lintText(setup, document.getText()), setup };
  }
}

/** Maps a finding on BOM + text back onto text: line 0 is one character shorter; edits of the mark itself go. */
function withoutBom(finding: Finding): Finding {
  const position = (p: Position): Position => (p.line === 0 ? { line: 0, character: Math.max(0, p.character - 1) } : p);
  const range = (r: Range): Range => ({ start: position(r.start), end: position(r.end) });
  const fixes = finding.fixes.flatMap((fix): Fix[] => {
    if (fix.kind !== 'edit') {
      return [fix];
    }
    const edits = fix.edits.map((e) => ({ range: range(e.range), newText: e.newText }));
    const real = edits.filter((e) => e.newText !== '' || e.range.start.line !== e.range.end.line || e.range.start.character !== e.range.end.character);
    return real.length === 0 ? [] : [{ ...fix, edits: real }];
  });
  return { ...finding, range: range(finding.range), fixes };
}
