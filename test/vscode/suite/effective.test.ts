import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SshGRequest, SshGResult } from '../../../src/node/sshEffective';
import type { SshdCheck } from '../../../src/node/sshdValidate';
import { EffectiveLens, effectiveScheme, type WorkspaceTrust } from '../../../src/vscode/effectiveLens';
import { Settings } from '../../../src/vscode/settings';
import { SshdValidation } from '../../../src/vscode/sshdValidation';
import { effectivePaths, ownConfigFixture, sshdBrokenFixture, sshdFixedFixture, workspaceMarker } from './effectiveFixtures';
import { capture, eventually, readTestConfig, workspaceRoot } from './harness';

const sshdSource = 'sshd -t';
const { Error: E, Warning: W } = vscode.DiagnosticSeverity;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function uriOf(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relativePath));
}

function sshdDiagnostics(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === sshdSource)
    .map((d) => {
      const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${code} ${d.message}`;
    })
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

async function expectSshd(uri: vscode.Uri, expected: readonly string[], timeoutMs = 15_000): Promise<void> {
  const want = JSON.stringify(expected);
  try {
    await eventually(`sshd -t diagnostics ${want}`, () => (JSON.stringify(sshdDiagnostics(uri)) === want ? true : undefined), timeoutMs);
  } catch {
    assert.deepEqual(sshdDiagnostics(uri), expected);
  }
}

/** Lenses with their commands resolved, as the editor would show them, sorted by line. */
async function lenses(uri: vscode.Uri): Promise<{ line: number; title: string; command: vscode.Command | undefined }[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 20);
  return all.map((l) => ({ line: l.range.start.line, title: l.command?.title ?? '', command: l.command })).sort((a, b) => a.line - b.line);
}

async function expectLensTitles(uri: vscode.Uri, expected: readonly (string | RegExp)[], timeoutMs = 15_000): Promise<Awaited<ReturnType<typeof lenses>>> {
  const matches = (got: Awaited<ReturnType<typeof lenses>>): boolean =>
    got.length === expected.length && got.every((l, i) => (typeof expected[i] === 'string' ? l.title === expected[i] : (expected[i] as RegExp).test(l.title)));
  try {
    return await eventually(`lenses ${expected.map(String).join(' | ')}`, async () => {
      const got = await lenses(uri);
      return matches(got) ? got : undefined;
    }, timeoutMs);
  } catch (err) {
    assert.deepEqual((await lenses(uri)).map((l) => l.title), expected.map(String), String(err));
    throw err;
  }
}

/** A WorkspaceTrust the test controls: starts untrusted, `grant()` trusts and fires the event like VS Code does. */
class FakeTrust implements WorkspaceTrust {
  isTrusted = false;
  private readonly granted = new vscode.EventEmitter<void>();
  readonly onDidGrantWorkspaceTrust = this.granted.event;
  grant(): void {
    this.isTrusted = true;
    this.granted.fire();
  }
  dispose(): void {
    this.granted.dispose();
  }
}

/**
 * Saves and waits until the extension host sees the document clean. In the vsix
 * pass `TextDocument.save()` was seen to resolve `false` while the save went
 * through (the tab clean, onDidSaveTextDocument fired): judge by the outcome.
 */
async function saveDocument(document: vscode.TextDocument): Promise<void> {
  await document.save();
  await eventually(`${path.basename(document.uri.fsPath)} saved`, () => (document.isDirty ? undefined : true), 5_000);
}

const token = (): vscode.CancellationToken => new vscode.CancellationTokenSource().token;

export function effectiveSuite(): void {
  suite('OpenSSH in trusted workspaces: ssh -G effective values, sshd -t', () => {
    /** A directory under the real ~/.ssh: only files there (or included from ~/.ssh/config) are the user's own. */
    let ownDir: string;
    let createdSshDir = false;
    let ownFile: string;
    let log: vscode.LogOutputChannel;
    const disposables: vscode.Disposable[] = [];

    suiteSetup(async () => {
      assert.equal(vscode.workspace.isTrusted, true, 'the runner opens the test workspace trusted');
      const sshDir = path.join(os.homedir(), '.ssh');
      if (!existsSync(sshDir)) {
        await mkdir(sshDir, { mode: 0o700 });
        createdSshDir = true;
      }
      ownDir = await mkdtemp(path.join(sshDir, 'ssh-lifeline-vscode-test-'));
      ownFile = path.join(ownDir, 'ssh_config');
      await writeFile(ownFile, ownConfigFixture, { mode: 0o600 });
      log = vscode.window.createOutputChannel('SSH Lifeline effective tests', { log: true });
      disposables.push(log);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    suiteTeardown(async () => {
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('effectiveValues', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      vscode.Disposable.from(...disposables).dispose();
      await rm(createdSshDir ? path.join(os.homedir(), '.ssh') : ownDir, { recursive: true, force: true });
    });

    test('a broken sshd_config gets what the real sshd -t says, on the right lines; fixing and saving clears it', async () => {
      const uri = uriOf(effectivePaths.sshdBroken);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.languageId, 'sshd_config');
      await expectSshd(uri, [
        `2:0-2:22 ${W} sshd-t Deprecated option UsePrivilegeSeparation`,
        `3:0-3:19 ${E} sshd-t Bad configuration option: ServerAliveInterval`,
        `4:20-4:24 ${E} sshd-t invalid time value`,
      ]);
      const link = vscode.languages.getDiagnostics(uri).find((d) => d.source === sshdSource)?.code as { target: vscode.Uri };
      assert.equal(link.target.toString(), 'https://man.openbsd.org/sshd_config');

      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), sshdFixedFixture);
      assert.ok(await vscode.workspace.applyEdit(edit));
      // Typing alone does not run sshd: the diagnostics wait for the save.
      await sleep(1_000);
      assert.equal(sshdDiagnostics(uri).length, 3);
      await saveDocument(document);
      await expectSshd(uri, []);
    });

    test('[F16] sshd -t never runs while the workspace is untrusted, and runs once trust is granted', async () => {
      const trust = new FakeTrust();
      const checked: string[] = [];
      const checker = {
        check(text: string): Promise<SshdCheck> {
          checked.push(text);
          return Promise.resolve({ kind: 'checked', exitCode: 0, file: 'copy', ms: 1, report: { messages: [{ file: undefined, line: 2, text: 'from the fake checker', severity: 'warning' }], ignored: [] } });
        },
      };
      const refusals: string[] = [];
      const settings = new Settings(log, trust);
      const validation = new SshdValidation({ trust, settings, log, checker, refuse: (message) => refusals.push(message) });
      disposables.push(trust, settings, validation);
      const uri = uriOf(effectivePaths.sshdGated);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      await sleep(1_500);
      assert.equal(checked.length, 0, 'nothing reached sshd while untrusted');
      // Said once (a notification in the extension), for the first sshd_config it meets: this one, or another
      // still open from an earlier suite (which one depends on the pass).
      assert.equal(refusals.length, 1, refusals.join(' | '));
      assert.match(refusals[0] ?? '', /^SSH Lifeline: the workspace is not trusted, so it will not run sshd -t on (\S+\/)?sshd_config\. Trust the workspace to see what sshd says about it\.$/);
      assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.message === 'from the fake checker').length, 0);

      trust.grant();
      // Granting trust checks every open sshd_config, this one included.
      await eventually('the fake checker to be asked about this file', () => (checked.includes(sshdBrokenFixture) ? true : undefined));
      await eventually('the fake diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.message === 'from the fake checker'));
      validation.dispose();
    });

    test('an unsaved sshd_config buffer is not handed to sshd', async () => {
      const document = await vscode.workspace.openTextDocument({ language: 'sshd_config', content: sshdBrokenFixture });
      await vscode.window.showTextDocument(document, { preview: false });
      await sleep(1_500);
      assert.deepEqual(sshdDiagnostics(document.uri), []);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('the user’s own ssh config gets effective values from ssh -G above each Host line', async () => {
      const uri = vscode.Uri.file(ownFile);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.languageId, 'ssh_config');
      const shown = await expectLensTitles(uri, [
        'ServerAliveInterval 15 × ServerAliveCountMax 4 → a dead link is noticed after ≈ 60 s · ConnectTimeout 10 · HostName build.example.org User alice Port 22',
        /^no keepalive: a dead link is noticed only by TCP \(hours\) · ConnectTimeout 10 · HostName x\.internal User \S+ Port 22 ProxyJump bastion\.example\.org$/,
        /^no keepalive: a dead link is noticed only by TCP \(hours\) · ConnectTimeout 10 · HostName x User \S+ Port 22$/,
      ]);
      assert.deepEqual(shown.map((l) => l.line), [0, 6, 9]);
      assert.match(shown[0]?.command?.tooltip ?? '', /ssh -G -F .*ssh_config -- build-box/);
      const seen = await capture({ name: `${(await readTestConfig()).pass}-effective-lens`, activeTab: 'ssh_config' });
      if (seen !== undefined) assert.equal(seen.activeTab, 'ssh_config');

      // Clicking opens the whole ssh -G output, read-only.
      const command = shown[0]?.command;
      assert.equal(command?.command, 'sshLifeline.showEffectiveConfig');
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      const virtual = await eventually('the ssh -G document', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === effectiveScheme)?.document);
      assert.equal(virtual.languageId, 'ssh_config');
      assert.match(virtual.getText(), /^# ssh -G -F \S*ssh_config -- build-box$/m);
      assert.match(virtual.getText(), /^serveraliveinterval 15$/m);
      assert.match(virtual.getText(), /^identityfile /m);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('unsaved changes say "save to refresh"; saving shows the new values', async () => {
      const uri = vscode.Uri.file(ownFile);
      const document = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      await expectLensTitles(uri, [/≈ 60 s/, /^no keepalive/, /^no keepalive/]);
      assert.ok(await editor.edit((b) => b.replace(new vscode.Range(3, 24, 3, 26), '20')));
      assert.equal(document.lineAt(3).text, '    ServerAliveInterval 20');
      await expectLensTitles(uri, [
        /^ServerAliveInterval 15 × ServerAliveCountMax 4 → .* · as saved: save to refresh \(ssh -G reads the file as saved\)$/,
        /as saved: save to refresh/,
        /as saved: save to refresh/,
      ]);
      await saveDocument(document);
      await expectLensTitles(uri, [/^ServerAliveInterval 20 × ServerAliveCountMax 4 → a dead link is noticed after ≈ 80 s · /, /^no keepalive/, /^no keepalive/]);
    });

    test('[F15] never for an ssh_config in the workspace that is not the user’s: its Match exec does not run, not for lenses, hover or the outline', async () => {
      const uri = uriOf(effectivePaths.workspaceSshConfig);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.languageId, 'ssh_config');
      // The user's own file does get lenses at this moment, so the provider is active.
      assert.equal((await lenses(vscode.Uri.file(ownFile))).length, 3);
      assert.deepEqual(await lenses(uri), []);
      // Not even through a hand-made address of the read-only document.
      const crafted = vscode.Uri.from({ scheme: effectiveScheme, path: '/ssh -G x', query: JSON.stringify({ file: uri.toString(), host: 'x' }) });
      const content = await vscode.workspace.openTextDocument(crafted);
      assert.match(content.getText(), /^# Effective values are shown only for your own ssh config files/);
      // Hover, diagnostics and the outline build the model of every line, Match exec included.
      for (let line = 0; line < document.lineCount; line++) {
        await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(line, 2));
      }
      await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri);
      await sleep(500);
      assert.equal(existsSync(path.join(workspaceRoot(), workspaceMarker)), false, 'the workspace file’s Match exec ran');
    });

    test('the setting turns the lenses off', async () => {
      const uri = vscode.Uri.file(ownFile);
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('effectiveValues', false, vscode.ConfigurationTarget.Workspace);
      await eventually('no lenses', async () => ((await lenses(uri)).length === 0 ? true : undefined));
      await vscode.workspace.getConfiguration('sshLifeline.lint').update('effectiveValues', undefined, vscode.ConfigurationTarget.Workspace);
      await expectLensTitles(uri, [/^ServerAliveInterval 20 × /, /^no keepalive/, /^no keepalive/]);
    });

    test('[F16] ssh -G never runs while the workspace is untrusted, and runs once trust is granted', async () => {
      const trust = new FakeTrust();
      const asked: SshGRequest[] = [];
      let ownershipChecked = 0;
      const settings = new Settings(log);
      const lens = new EffectiveLens({
        trust,
        settings,
        log,
        cwd: workspaceRoot(),
        runSshG: (request): Promise<SshGResult> => {
          asked.push(request);
          return Promise.resolve({ kind: 'ok', stdout: 'host build-box\nserveraliveinterval 5\nserveralivecountmax 2\nconnecttimeout 3\n', stderr: '', ms: 1 });
        },
        ownSshConfig: (file) => {
          ownershipChecked++;
          return Promise.resolve({ configFile: file });
        },
      });
      disposables.push(trust, settings, lens);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(ownFile));
      assert.deepEqual(await lens.provideCodeLenses(document, token()), []);
      assert.match(await lens.provideTextDocumentContent(vscode.Uri.from({ scheme: effectiveScheme, path: '/ssh -G build-box', query: JSON.stringify({ file: document.uri.toString(), host: 'build-box' }) }), token()), /^# Effective values are shown only/);
      assert.equal(ownershipChecked, 0, 'untrusted: the file is not even looked at');
      assert.equal(asked.length, 0);

      trust.grant();
      const made = await lens.provideCodeLenses(document, token());
      assert.equal(made.length, 3);
      const resolved = await lens.resolveCodeLens(made[0] as (typeof made)[number], token());
      assert.deepEqual(asked, [{ host: 'build-box', configFile: ownFile }]);
      assert.equal(resolved.command?.title, 'ServerAliveInterval 5 × ServerAliveCountMax 2 → a dead link is noticed after ≈ 10 s · ConnectTimeout 3');
      lens.dispose();
    });

    test('a file under ~/.ssh that ssh refuses shows ssh’s message in the lens', async () => {
      const bad = path.join(ownDir, 'broken', 'ssh_config');
      await mkdir(path.dirname(bad));
      await writeFile(bad, 'Host a\n    Frobnicate yes\n');
      await chmod(bad, 0o600);
      const uri = vscode.Uri.file(bad);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      await expectLensTitles(uri, [/^ssh -G refused it: .*line 2: Bad configuration option: frobnicate/]);
    });
  });
}
