import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findingCodes } from '../../../src/core/sshConfig/findings';
import { detectOpensshVersion } from '../../../src/node/opensshVersion';
import { clientFixture, doctorPaths, looseMode, serverFixture } from './doctorFixtures';
import { capture, eventually, readTestConfig, workspaceRoot } from './harness';

const extensionId = 'ssh-lifeline.ssh-lifeline';
const source = 'SSH Lifeline';
const { Error: E, Warning: W, Information: I, Hint: H } = vscode.DiagnosticSeverity;

/** What a test expects of one diagnostic: code, range as `line:char-line:char`, severity. */
type Expected = readonly [code: string, range: string, severity: vscode.DiagnosticSeverity];

function uriOf(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relativePath));
}

async function open(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uriOf(relativePath));
  return vscode.window.showTextDocument(document, { preview: false });
}

function rangeText(range: vscode.Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

function summary(diagnostics: readonly vscode.Diagnostic[]): Expected[] {
  return diagnostics
    .map((d): Expected => [codeOf(d), rangeText(d.range), d.severity])
    .sort((a, b) => a[1].localeCompare(b[1], 'en', { numeric: true }) || a[0].localeCompare(b[0]));
}

function sorted(expected: readonly Expected[]): Expected[] {
  return [...expected].sort((a, b) => a[1].localeCompare(b[1], 'en', { numeric: true }) || a[0].localeCompare(b[0]));
}

/** Waits until our diagnostics for `uri` are exactly `expected` (order aside), and returns them. */
async function expectDiagnostics(uri: vscode.Uri, expected: readonly Expected[], timeoutMs = 10_000): Promise<vscode.Diagnostic[]> {
  const want = JSON.stringify(sorted(expected));
  try {
    return await eventually(`diagnostics ${want}`, () => (JSON.stringify(summary(ours(uri))) === want ? ours(uri) : undefined), timeoutMs);
  } catch {
    // Fail with the difference, not just a timeout.
    assert.deepEqual(summary(ours(uri)), sorted(expected));
    throw new Error('unreachable');
  }
}

/** Drops unsaved edits so the next test and the other suites see the file as it is on disk. */
async function revert(document: vscode.TextDocument): Promise<void> {
  if (document.isDirty) {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
}

async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: vscode.CodeActionKind): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind?.value);
  return all.filter((a): a is vscode.CodeAction => typeof (a as { command?: unknown }).command !== 'string');
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The diagnostics of {@link clientFixture} for OpenSSH before 10.1 (IPQoS ToS names still honoured: information). */
function clientExpected(ipqos: vscode.DiagnosticSeverity): Expected[] {
  return [
    ['connecttimeout-missing', '1:0-1:6', H],
    ['server-only-keyword', '3:4-3:23', E],
    ['ipqos-deprecated', '4:10-4:20', ipqos],
    ['shadowed-setting', '8:4-8:26', W],
    ['duplicate-keyword', '10:4-10:13', W],
    ['unknown-keyword', '11:4-11:14', E],
  ];
}

const serverExpected: Expected[] = [
  ['clientalive-missing', '1:0-1:9', I],
  ['client-only-keyword', '2:0-2:19', E],
  ['clientalive-countmax-zero', '3:0-3:21', W],
  ['not-allowed-in-match', '5:4-5:8', E],
];

export function configDoctorSuite(): void {
  suite('Config doctor', () => {
    let localVersion: string | undefined;
    /** The severity of ipqos-deprecated for the local ssh: the rule is version-aware. */
    let localIpqos: vscode.DiagnosticSeverity = I;

    suiteSetup(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const detected = await detectOpensshVersion({ cwd: workspaceRoot() });
      localVersion = detected.kind === 'found' ? detected.version : undefined;
      const [major = 0, minor = 0] = (localVersion ?? '999.0').split('.').map(Number);
      localIpqos = major > 10 || (major === 10 && minor >= 1) ? W : I;
    });

    suiteTeardown(async () => {
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('opensshVersion', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
      for (const document of vscode.workspace.textDocuments) await revert(document);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.action.closePanel');
    });

    test('every finding code has a rule page in the installed extension and a severity setting', async () => {
      const extension = vscode.extensions.getExtension(extensionId);
      assert.ok(extension);
      const missing = findingCodes.filter((code) => !existsSync(path.join(extension.extensionPath, 'docs', 'rules', `${code}.md`)));
      assert.deepEqual(missing, [], 'docs/rules pages missing from the extension');
      const manifest = extension.packageJSON as { contributes: { configuration: { properties: Record<string, { properties?: Record<string, unknown> }> } } };
      const ruleSettings = Object.keys(manifest.contributes.configuration.properties['sshLifeline.lint.rules']?.properties ?? {});
      assert.deepEqual([...ruleSettings].sort(), [...findingCodes].sort());
    });

    test('an ssh_config gets diagnostics with codes, ranges, severities and rule links', async () => {
      const { document } = await open(doctorPaths.diagnostics);
      assert.equal(document.languageId, 'ssh_config');
      const diagnostics = await expectDiagnostics(document.uri, clientExpected(localIpqos));
      for (const d of diagnostics) {
        assert.equal(d.source, source);
        assert.ok(d.message.length > 20, `a message that says what happens: ${d.message}`);
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(code.target.scheme, 'command');
        assert.equal(code.target.path, 'sshLifeline.showRuleDoc');
        assert.deepEqual(JSON.parse(code.target.query), [code.value]);
      }
      const unknown = diagnostics.find((d) => codeOf(d) === 'unknown-keyword');
      assert.match(unknown?.message ?? '', /Did you mean Compression\?/);
      assert.deepEqual(diagnostics.find((d) => codeOf(d) === 'duplicate-keyword')?.tags, [vscode.DiagnosticTag.Unnecessary]);
    });

    test('the rule link opens the rule page in the Markdown preview', async () => {
      const [diagnostic] = await expectDiagnostics(uriOf(doctorPaths.diagnostics), clientExpected(localIpqos));
      const target = (diagnostic?.code as { target: vscode.Uri }).target;
      const args = JSON.parse(target.query) as unknown[];
      await vscode.commands.executeCommand(target.path, ...args);
      const label = `${String(args[0])}.md`;
      const tab = await eventually(`a tab showing ${label}`, () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes(label)),
      );
      assert.ok(tab.input instanceof vscode.TabInputWebview || tab.input instanceof vscode.TabInputText, `tab input: ${String(tab.input)}`);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('an sshd_config gets the server rules', async () => {
      const { document } = await open(doctorPaths.server);
      assert.equal(document.languageId, 'sshd_config');
      await expectDiagnostics(document.uri, serverExpected);
    });

    test('an unsaved sshd_config buffer is checked too', async () => {
      const document = await vscode.workspace.openTextDocument({ language: 'sshd_config', content: serverFixture });
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.uri.scheme, 'untitled');
      await expectDiagnostics(document.uri, serverExpected);
      await vscode.commands.executeCommand('sshLifeline.fixAllProblems');
      assert.equal(document.getText(), serverFixture.replace('ServerAliveInterval 30\nClientAliveCountMax 0', 'ClientAliveInterval 30\nClientAliveCountMax 3'));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('screenshots: the Problems panel, and the quick-fix menu on a diagnostic', async () => {
      const config = await readTestConfig();
      const editor = await open(doctorPaths.quickFix);
      await expectDiagnostics(editor.document.uri, clientExpected(localIpqos));
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await sleep(500);
      const problems = await capture({ name: `${config.pass}-problems`, activeTab: 'ssh_config' });
      if (problems !== undefined) assert.equal(problems.activeTab, 'ssh_config');

      await vscode.window.showTextDocument(editor.document, { preview: false });
      const position = new vscode.Position(11, 6);
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position));
      await vscode.commands.executeCommand('editor.action.quickFix');
      await sleep(1_500);
      const menu = await capture({ name: `${config.pass}-quickfix-menu`, activeTab: 'ssh_config' });
      if (menu !== undefined) assert.equal(menu.activeTab, 'ssh_config');
      await vscode.commands.executeCommand('hideCodeActionWidget');

      editor.selection = new vscode.Selection(new vscode.Position(2, 8), new vscode.Position(2, 8));
      await vscode.commands.executeCommand('editor.action.showHover');
      await sleep(1_000);
      await capture({ name: `${config.pass}-hover`, activeTab: 'ssh_config' });
      await vscode.commands.executeCommand('editor.action.hideHover');
    });

    test('the preferred quick-fix for a typo renames the keyword, and nothing else', async () => {
      const { document } = await open(doctorPaths.quickFix);
      const [diagnostic] = (await expectDiagnostics(document.uri, clientExpected(localIpqos))).filter((d) => codeOf(d) === 'unknown-keyword');
      assert.ok(diagnostic);
      const actions = await codeActions(document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix);
      const preferred = actions.filter((a) => a.isPreferred === true);
      assert.equal(preferred.length, 1, `actions: ${actions.map((a) => a.title).join(' | ')}`);
      const [fix] = preferred as [vscode.CodeAction];
      assert.equal(fix.title, 'Change to Compression');
      assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      // (vscode.executeCodeActionProvider hands back title, kind, edit, command and isPreferred, not the attached diagnostics.)
      assert.ok(fix.edit !== undefined && (await vscode.workspace.applyEdit(fix.edit)));
      assert.equal(document.getText(), clientFixture.replace('    Compresion yes', '    Compression yes'));
      await expectDiagnostics(
        document.uri,
        clientExpected(localIpqos).filter(([code]) => code !== 'unknown-keyword'),
      );
      await revert(document);
    });

    test('a quick-fix for a server keyword in ssh_config names the client equivalent', async () => {
      const { document } = await open(doctorPaths.quickFix);
      const diagnostics = await expectDiagnostics(document.uri, clientExpected(localIpqos));
      const wrongSide = diagnostics.find((d) => codeOf(d) === 'server-only-keyword');
      assert.ok(wrongSide);
      const actions = await codeActions(document.uri, wrongSide.range, vscode.CodeActionKind.QuickFix);
      const preferred = actions.filter((a) => a.isPreferred === true);
      assert.deepEqual(preferred.map((a) => a.title), ['Change to ServerAliveInterval']);
      const [fix] = preferred;
      assert.ok(fix?.edit !== undefined && (await vscode.workspace.applyEdit(fix.edit)));
      assert.equal(document.getText(), clientFixture.replace('    ClientAliveInterval 60', '    ServerAliveInterval 60'));
      await revert(document);
    });

    test('[F20] Fix All applies every preferred fix until the file is stable', async () => {
      const { document } = await open(doctorPaths.fixAll);
      await expectDiagnostics(document.uri, clientExpected(localIpqos));
      const source = await codeActions(document.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll);
      assert.ok(
        source.some((a) => a.kind?.value === 'source.fixAll.sshLifeline'),
        `source actions: ${source.map((a) => `${a.title} (${a.kind?.value ?? '?'})`).join(' | ')}`,
      );
      const applied = await vscode.commands.executeCommand<number>('sshLifeline.fixAllProblems');
      assert.equal(applied, 6);
      assert.equal(
        document.getText(),
        [
          '# Config doctor fixture: known mistakes on known lines.',
          'Host *',
          '    ServerAliveInterval 30',
          // ClientAliveInterval became ServerAliveInterval, then the second pass removed it as a duplicate.
          '    IPQoS none',
          '',
          'Host prod',
          '    HostName prod.example.org',
          '    ServerAliveInterval 15',
          '    Port 22',
          '    Compression yes',
          '',
          'Host *',
          '    ConnectTimeout 10',
          '',
        ].join('\n'),
      );
      // What is left has no automatic fix: a shadowed setting needs a human to choose.
      await expectDiagnostics(document.uri, [['shadowed-setting', '7:4-7:26', W]]);
      await revert(document);
    });

    test('Fix All in an sshd_config', async () => {
      const { document } = await open(doctorPaths.serverFixAll);
      await expectDiagnostics(document.uri, serverExpected);
      await vscode.commands.executeCommand('sshLifeline.fixAllProblems', document.uri);
      assert.equal(document.getText(), serverFixture.replace('ServerAliveInterval 30\nClientAliveCountMax 0', 'ClientAliveInterval 30\nClientAliveCountMax 3'));
      await expectDiagnostics(document.uri, [['not-allowed-in-match', '5:4-5:8', E]]);
      await revert(document);
    });

    test('settings: a rule set to off disappears, severities and the OpenSSH version apply, lint can be disabled', async () => {
      const { document } = await open(doctorPaths.settings);
      const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('sshLifeline.lint');
      await expectDiagnostics(document.uri, clientExpected(localIpqos));

      await config().update('rules', { 'unknown-keyword': 'off', 'duplicate-keyword': 'error' }, vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(
        document.uri,
        clientExpected(localIpqos)
          .filter(([code]) => code !== 'unknown-keyword')
          .map(([code, range, severity]): Expected => [code, range, code === 'duplicate-keyword' ? E : severity]),
      );
      await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, clientExpected(localIpqos));

      // OpenSSH 10.1 ignores IPQoS ToS names: the same line becomes a warning; 9.0 still honours them.
      await config().update('opensshVersion', '10.1', vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, clientExpected(W));
      await config().update('opensshVersion', '9.0', vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, clientExpected(I));
      await config().update('opensshVersion', undefined, vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, clientExpected(localIpqos));

      await config().update('enabled', false, vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, []);
      await config().update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
      await expectDiagnostics(document.uri, clientExpected(localIpqos));
    });

    test('diagnostics follow typing (debounced) and go away when the document stops being ssh_config', async () => {
      const editor = await open(doctorPaths.settings);
      const { document } = editor;
      await expectDiagnostics(document.uri, clientExpected(localIpqos));
      const started = Date.now();
      await editor.edit((b) => b.replace(new vscode.Range(11, 4, 11, 14), 'Compression'));
      await expectDiagnostics(
        document.uri,
        clientExpected(localIpqos).filter(([code]) => code !== 'unknown-keyword'),
      );
      assert.ok(Date.now() - started >= 250, 'diagnostics waited for the typing pause');
      await revert(document);
      await expectDiagnostics(document.uri, clientExpected(localIpqos));
      // A language change closes the ssh_config document and opens a plaintext one; closing an
      // editor does not close its document right away (documents outlive editors), this does.
      const plain = await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
      await expectDiagnostics(plain.uri, []);
      const again = await vscode.languages.setTextDocumentLanguage(plain, 'ssh_config');
      await expectDiagnostics(again.uri, clientExpected(localIpqos));
    });

    test('hover shows the keyword’s catalogue entry for the OpenSSH version in use', async () => {
      const { document } = await open(doctorPaths.diagnostics);
      const text = await hoverText(document.uri, new vscode.Position(2, 8));
      assert.match(text, /\*\*ServerAliveInterval\*\* \(ssh_config\)/);
      assert.match(text, /Seconds of silence from the server/);
      assert.match(text, new RegExp(`Default: \`0\`${localVersion === undefined ? '' : ` \\(OpenSSH ${localVersion.replace('.', '\\.')}\\)`}`));
      assert.match(text, /The first value ssh finds is the one it uses\./);
      const server = await open(doctorPaths.server);
      const serverText = await hoverText(server.document.uri, new vscode.Position(3, 3));
      assert.match(serverText, /\*\*ClientAliveCountMax\*\* \(sshd_config\)/);
      assert.match(serverText, /Allowed inside `Match` blocks\./);
      assert.equal(await hoverText(document.uri, new vscode.Position(0, 5)), '', 'no hover on a comment');
    });

    test('a group-writable file that ssh never reads gets no bad-permissions', async () => {
      // ssh checks the mode of ~/.ssh/config and of the files it (or the system
      // config) includes; a loose file in a workspace folder is none of those.
      // The chmod fix itself is covered by the CLI's integration tests.
      const uri = uriOf(doctorPaths.looseMode);
      assert.equal((await stat(uri.fsPath)).mode & 0o777, looseMode);
      const { document } = await open(doctorPaths.looseMode);
      assert.equal(document.languageId, 'ssh_config');
      // The IPQoS line proves the file was linted; bad-permissions must not be among the findings.
      await expectDiagnostics(uri, [['ipqos-deprecated', '4:10-4:20', localIpqos]]);
    });

    test('[F17] a byte order mark that the editor hides is still reported, with the encoding as the fix', async () => {
      const { document } = await open(doctorPaths.bom);
      // VS Code decodes the mark away and shows "UTF-8 with BOM"; saving writes it back.
      assert.equal(document.getText().charCodeAt(0), 'H'.charCodeAt(0), 'the editor text starts after the mark');
      const [diagnostic] = await expectDiagnostics(document.uri, [['bom', '0:0-0:4', E]]);
      assert.ok(diagnostic);
      const actions = await codeActions(document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix);
      assert.deepEqual(
        actions.filter((a) => a.isPreferred === true).map((a) => a.command?.command),
        ['workbench.action.editor.changeEncoding'],
      );
      assert.equal(await vscode.commands.executeCommand<number>('sshLifeline.fixAllProblems'), 0, 'Fix All cannot remove a mark that is not in the text');
      assert.equal(document.isDirty, false);
    });

    test('[F18] Include: a missing file and a loop are reported on the Include arguments', async () => {
      const { document } = await open(doctorPaths.include);
      const self = uriOf(doctorPaths.include).fsPath;
      await expectDiagnostics(document.uri, [
        ['include-missing', '0:8-0:40', I],
        ['include-cycle', `1:8-1:${8 + self.length}`, E],
      ]);
    });
  });
}
