import * as assert from 'node:assert/strict';
import { accessSync, constants, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../../../src/vscode/settings';
import { ownConfigFixture } from './effectiveFixtures';
import { capture, eventually, readTestConfig, workspaceRoot } from './harness';
import { hostileSettings, hostileSshConfigLines, trustMarkers, trustPaths } from './trustFixtures';

/** The restricted pass runs this suite alone, and the other passes never run it (index.ts selects by this title). */
export const restrictedSuiteTitle = 'Workspace Trust: a workspace that is not trusted, whose settings aim at hostile programs';

const lintSource = 'SSH Lifeline';
const sshdSource = 'sshd -t';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function at(relativePath: string): string {
  return path.join(workspaceRoot(), relativePath);
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 20);
  return all.map((l) => l.command?.title ?? '');
}

/** The newest log file called `name` under the server's logs folder (the extension's own channel, or a suite's). */
async function logFile(name: string): Promise<string | undefined> {
  const { logsDir } = await readTestConfig();
  if (logsDir === undefined || !existsSync(logsDir)) return undefined;
  let newest: { file: string; mtime: number } | undefined;
  for (const entry of await readdir(logsDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name !== `${name}.log`) continue;
    const file = path.join(entry.parentPath, entry.name);
    const mtime = (await stat(file)).mtimeMs;
    if (newest === undefined || mtime > newest.mtime) newest = { file, mtime };
  }
  return newest?.file;
}

/** Waits until the log called `name` has a line containing each of `texts`; fails naming the missing ones. */
async function expectLogLines(name: string, texts: readonly string[]): Promise<void> {
  let missing: readonly string[] = texts;
  try {
    await eventually(`log lines in "${name}"`, async () => {
      const file = await logFile(name);
      const text = file === undefined ? '' : await readFile(file, 'utf8');
      missing = texts.filter((t) => !text.includes(t));
      return missing.length === 0 ? true : undefined;
    });
  } catch (err) {
    assert.fail(`${String(err)}; missing from the "${name}" log:\n  ${missing.join('\n  ')}`);
  }
}

/** The notification a refusal shows, as a person sees it (the runner reads the toasts). */
async function expectNotification(name: string, message: string): Promise<void> {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const seen = await capture({ name: `restricted-${name}`, notificationMatch: escaped, timeoutMs: 15_000 });
  assert.ok(seen !== undefined, 'the restricted pass runs under the server runner, which reads notifications');
  assert.ok(
    seen.notificationTexts.some((t) => t.includes(message) && t.includes('Manage Workspace Trust')),
    `wanted a notification "${message}" with a Manage Workspace Trust button; on screen: ${seen.notificationTexts.join(' | ') || 'none'}`,
  );
}

function markerFiles(): string[] {
  const dir = at(trustPaths.markers);
  return Object.values(trustMarkers).filter((m) => existsSync(path.join(dir, m)));
}

/** A program in an absolute PATH entry. */
function onPath(program: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d))) {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return path.join(dir, program);
    } catch {
      // next
    }
  }
  return undefined;
}

/** Controls trust for a Settings of the suite's own: starts untrusted; `grant()` fires the event as VS Code does. */
class TestTrust {
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
 * Fault-matrix row 16 (and 15 where a config's commands could run): the
 * restricted pass opens the test workspace without trust, with
 * `.vscode/settings.json` aiming the three program and config-file settings
 * at hostile files of the workspace (trustFixtures.ts).
 */
export function restrictedSuite(): void {
  suite(restrictedSuiteTitle, () => {
    let ownDir: string | undefined;
    let createdSshDir = false;
    const opened: vscode.Terminal[] = [];
    const disposables: vscode.Disposable[] = [];

    suiteSetup(async () => {
      disposables.push(vscode.window.onDidOpenTerminal((t) => opened.push(t)));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    setup(async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    suiteTeardown(async () => {
      for (const t of opened) t.dispose();
      vscode.Disposable.from(...disposables).dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (ownDir !== undefined) await rm(createdSshDir ? path.join(os.homedir(), '.ssh') : ownDir, { recursive: true, force: true });
    });

    test('[F16] the workspace is not trusted, and its values of the program and config-file settings are not the ones used', async () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the runner opens the restricted pass without trust');
      const workspaceSettings = JSON.parse(await readFile(at('.vscode/settings.json'), 'utf8')) as Record<string, unknown>;
      const hostile = hostileSettings(workspaceRoot());
      for (const [key, value] of Object.entries(hostile)) {
        assert.equal(workspaceSettings[key], value, `the workspace sets ${key}`);
        assert.equal(existsSync(value), true, `${value} exists`);
      }
      // What VS Code hands to extensions (restrictedConfigurations), and what our own reader makes of it.
      const config = vscode.workspace.getConfiguration('sshLifeline');
      for (const key of ['ssh.path', 'sshd.path', 'ssh.configFile']) assert.equal(config.get(key), '', `sshLifeline.${key} as VS Code gives it`);
      const log = vscode.window.createOutputChannel('SSH Lifeline restricted tests', { log: true });
      const settings = new Settings(log);
      try {
        assert.deepEqual(settings.programPaths(), { ssh: undefined, sshd: undefined, sshConfigFile: undefined });
      } finally {
        settings.dispose();
        log.dispose();
      }
    });

    test('[F16] the log names each ignored workspace value and why', async () => {
      const hostile = hostileSettings(workspaceRoot());
      await expectLogLines(
        'SSH Lifeline',
        Object.entries(hostile).map(([key, value]) => `[warning] [settings] ignoring ${key} (${JSON.stringify(value)}) from ${at('.vscode/settings.json')}: the workspace is not trusted`),
      );
    });

    test('[F15,F16] lint diagnostics, hover and quick-fixes work on the workspace’s hostile ssh_config, and run none of its commands', async () => {
      const uri = vscode.Uri.file(at(trustPaths.sshConfig));
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.languageId, 'ssh_config');
      const diagnostic = await eventually('the server-only keyword diagnostic', () =>
        vscode.languages.getDiagnostics(uri).find((d) => d.source === lintSource && d.range.start.line === hostileSshConfigLines.clientAliveInterval),
      );
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.match(diagnostic.message, /^ClientAliveInterval is an sshd_config \(server\) keyword/);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      assert.ok(actions.some((a) => a.edit !== undefined), `a quick-fix with an edit (got: ${actions.map((a) => a.title).join(', ')})`);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(hostileSshConfigLines.proxyCommand, 6));
      const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(hoverText, /ProxyCommand/);
      await sleep(1_000);
      assert.deepEqual(markerFiles(), [], 'nothing ran the file’s Match exec or ProxyCommand');
    });

    test('[F16] no ssh -G effective values: not for the workspace’s file, not even for the user’s own config', async () => {
      assert.deepEqual(await lensTitles(vscode.Uri.file(at(trustPaths.sshConfig))), []);
      const sshDir = path.join(os.homedir(), '.ssh');
      if (!existsSync(sshDir)) {
        await mkdir(sshDir, { mode: 0o700 });
        createdSshDir = true;
      }
      ownDir = await mkdtemp(path.join(sshDir, 'ssh-lifeline-restricted-test-'));
      const own = path.join(ownDir, 'ssh_config');
      await writeFile(own, ownConfigFixture, { mode: 0o600 });
      const ownUri = vscode.Uri.file(own);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(ownUri), { preview: false });
      // The same file gets three lenses in a trusted workspace (effective.test.ts).
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(await lensTitles(ownUri), []);
        await sleep(500);
      }
      const crafted = vscode.Uri.from({ scheme: 'ssh-lifeline-effective', path: '/ssh -G build-box', query: JSON.stringify({ file: ownUri.toString(), host: 'build-box' }) });
      assert.match((await vscode.workspace.openTextDocument(crafted)).getText(), /^# Effective values are shown only for your own ssh config files, in a trusted workspace/);
    });

    test('[F16] Show Effective Options refuses and says that trusting the workspace allows it', async () => {
      const uri = vscode.Uri.file(at(trustPaths.sshConfig));
      const shown = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('sshLifeline.showEffectiveConfig', uri, 'build-box');
      assert.equal(shown, undefined);
      await expectNotification(
        'show-effective',
        `SSH Lifeline: the workspace is not trusted, so it will not run ssh -G on ${trustPaths.sshConfig}. Trust the workspace to see effective values.`,
      );
      assert.equal(vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'ssh-lifeline-effective'), false);
    });

    test('[F16] sshd -t does not run on the workspace’s sshd_config; our own rules still do, and the refusal is shown', async () => {
      const uri = vscode.Uri.file(at(trustPaths.sshdConfig));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      await eventually('our own diagnostic on ServerAliveInterval', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === lintSource && d.range.start.line === 2));
      await expectNotification(
        'sshd-t',
        `SSH Lifeline: the workspace is not trusted, so it will not run sshd -t on ${trustPaths.sshdConfig}. Trust the workspace to see what sshd says about it.`,
      );
      await sleep(1_500);
      assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === sshdSource), [], 'sshd -t gave no diagnostics');
    });

    test('[F16] Open Persistent SSH Terminal refuses a config file from the workspace', async () => {
      const before = opened.length;
      const terminal = await vscode.commands.executeCommand<vscode.Terminal | undefined>('sshLifeline.openPersistentTerminal', {
        host: 'build-box',
        session: 'main',
        configFile: at(trustPaths.sshConfig),
      });
      assert.equal(terminal, undefined);
      await expectNotification(
        'persistent-terminal',
        `SSH Lifeline: the workspace is not trusted, so it will not start ssh -F ${trustPaths.sshConfig} (a config file in the workspace) for a persistent terminal to build-box. Trust the workspace to use that file.`,
      );
      assert.equal(opened.length, before, 'no terminal was opened');
    });

    test('[F16] Open Persistent SSH Terminal and Open SSH Config use neither the workspace’s ssh nor its config file', async () => {
      const terminal = await vscode.commands.executeCommand<vscode.Terminal | undefined>('sshLifeline.openPersistentTerminal', { host: 'build-box', session: 'main' });
      assert.ok(terminal !== undefined, 'the terminal opens with the user’s own ssh and config');
      const options = terminal.creationOptions as vscode.TerminalOptions;
      terminal.dispose();
      assert.equal(options.shellPath, onPath('ssh'), 'the ssh on PATH, not the workspace’s');
      assert.equal((options.shellArgs as string[]).includes('-F'), false, `no -F: ${JSON.stringify(options.shellArgs)}`);

      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('sshLifeline.openSshConfig');
      await sleep(1_000);
      const userConfig = path.join(os.homedir(), '.ssh', 'config');
      const active = vscode.window.activeTextEditor?.document.uri.fsPath;
      assert.notEqual(active, at(trustPaths.sshConfig));
      if (existsSync(userConfig)) assert.equal(active, userConfig);
      else assert.equal(active, undefined);
    });

    test('[F16] Reconnect SSH refuses a session whose -F file (given relative) lies in the workspace, and leaves it running', async function () {
      this.timeout(90_000);
      const config = await readTestConfig();
      await mkdir(path.dirname(at(trustPaths.reconnectConfig)), { recursive: true });
      await copyFile(config.sshConfigPath, at(trustPaths.reconnectConfig));
      // A terminal whose own process is ssh, started in the workspace with a relative -F (as a terminal profile would):
      // SSH Lifeline finds the file through ssh's working directory. No shell in between, so nothing waits for shell integration.
      const program = onPath('ssh');
      assert.ok(program !== undefined, 'ssh is not installed (Debian: openssh-client)');
      const terminal = vscode.window.createTerminal({ name: 'restricted reconnect', shellPath: program, shellArgs: ['-F', trustPaths.reconnectConfig, config.sshHost], cwd: workspaceRoot() });
      terminal.show(false);
      const pid = await terminal.processId;
      assert.ok(pid !== undefined);
      const running = async (): Promise<boolean> => (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'ssh';
      await eventually('ssh running in the terminal', async () => ((await running()) ? true : undefined), 20_000);
      // The heartbeat shows the host once the session is tracked (probed directly: nothing is spawned for it).
      await capture({ name: 'restricted-reconnect-session', statusbarMatch: `^${config.sshHost} \\d+(\\.\\d+)? ms$`, timeoutMs: 30_000 });
      const before = opened.length;
      terminal.show(false);
      await vscode.commands.executeCommand('sshLifeline.reconnect');
      await expectNotification(
        'reconnect',
        `SSH Lifeline: the workspace is not trusted, so it will not run ssh -F ${trustPaths.reconnectConfig} (a config file in the workspace) again to reconnect ${config.sshHost}. Trust the workspace to reconnect it.`,
      );
      await sleep(1_000);
      assert.equal(await running(), true, 'the session’s ssh is still running');
      assert.equal(opened.length, before, 'no terminal was opened');
      terminal.dispose();
    });

    test('[F15,F16] no marker file: no hostile program ran, and no Match exec or ProxyCommand of the hostile config', async () => {
      // Give anything started late (a scan, a resolution, a probe) time to leave its mark.
      await sleep(2_000);
      assert.deepEqual(markerFiles(), []);
      assert.deepEqual(await readdir(at(trustPaths.markers)), []);
    });
  });
}

/**
 * The same settings in a trusted workspace (development and vsix passes): a
 * user-level value is the one that runs, so the restricted pass's checks
 * could fail if the settings were ignored everywhere. Sets and restores
 * user-level and workspace values of the three settings.
 */
export function programSettingsSuite(): void {
  suite('Program and config-file settings (sshLifeline.ssh.path, sshd.path, ssh.configFile)', () => {
    let dir: string;
    let ownDir: string;
    let createdSshDir = false;
    let log: vscode.LogOutputChannel;
    const argvOf = async (program: 'ssh' | 'sshd'): Promise<string[]> =>
      (await readFile(path.join(dir, `${program}.argv`), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('sshLifeline');
    const restore = async (): Promise<void> => {
      for (const key of ['ssh.path', 'sshd.path', 'ssh.configFile']) {
        await config().update(key, undefined, vscode.ConfigurationTarget.Global);
        await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      }
    };

    suiteSetup(async () => {
      assert.equal(vscode.workspace.isTrusted, true);
      dir = await mkdtemp(path.join((await readTestConfig()).scratchDir, 'programs-'));
      for (const [program, real] of [
        ['ssh', onPath('ssh')],
        ['sshd', existsSync('/usr/sbin/sshd') ? '/usr/sbin/sshd' : onPath('sshd')],
      ] as const) {
        assert.ok(real !== undefined, `${program} is not installed (Debian: openssh-client, openssh-server)`);
        // Records its arguments, then is the real program.
        await writeFile(path.join(dir, program), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${path.join(dir, `${program}.argv`)}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
      }
      const sshDir = path.join(os.homedir(), '.ssh');
      if (!existsSync(sshDir)) {
        await mkdir(sshDir, { mode: 0o700 });
        createdSshDir = true;
      }
      ownDir = await mkdtemp(path.join(sshDir, 'ssh-lifeline-programs-test-'));
      await writeFile(path.join(ownDir, 'ssh_config'), ownConfigFixture, { mode: 0o600 });
      log = vscode.window.createOutputChannel('SSH Lifeline program settings tests', { log: true });
    });

    // Each test starts from no value anywhere.
    setup(restore);

    suiteTeardown(async () => {
      await restore();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      log.dispose();
      await rm(createdSshDir ? path.join(os.homedir(), '.ssh') : ownDir, { recursive: true, force: true });
    });

    test('[F16] a user-level sshLifeline.ssh.path is the ssh that runs ssh -G for the effective values', async () => {
      const file = path.join(ownDir, 'ssh_config');
      await config().update('ssh.path', path.join(dir, 'ssh'), vscode.ConfigurationTarget.Global);
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      await eventually('an ssh -G lens from the chosen ssh', async () => {
        const titles = await lensTitles(uri);
        return /^ServerAliveInterval 15 × ServerAliveCountMax 4 → /.test(titles[0] ?? '') && (await argvOf('ssh')).includes(`-G -F ${file} -- build-box`) ? true : undefined;
      });
    });

    test('[F16] a user-level sshLifeline.sshd.path is the sshd that checks sshd_config files', async () => {
      await config().update('sshd.path', path.join(dir, 'sshd'), vscode.ConfigurationTarget.Global);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), 'sshd_config'))), { preview: false });
      const line = await eventually('sshd -t run by the chosen sshd', async () => (await argvOf('sshd')).find((l) => l.startsWith('-t ')));
      assert.match(line, /^-t -f \S+\/sshd_config\.\d+ -h \S+\/host_ed25519_key$/);
    });

    test('[F16] Open SSH Config opens the user-level sshLifeline.ssh.configFile', async () => {
      const chosen = path.join(dir, 'chosen_ssh_config');
      await writeFile(chosen, 'Host chosen\n    HostName chosen.example.org\n');
      await config().update('ssh.configFile', chosen, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('sshLifeline.openSshConfig');
      await eventually('the chosen config in the editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === chosen ? true : undefined));
    });

    test('[F16] without trust the reader ignores workspace values and user values inside the workspace, says so, and reads them once trust is granted', async () => {
      const wrapper = path.join(dir, 'ssh');
      const inside = path.join(workspaceRoot(), 'sshd_config');
      await config().update('ssh.path', wrapper, vscode.ConfigurationTarget.Workspace);
      await config().update('ssh.configFile', inside, vscode.ConfigurationTarget.Global);
      const trust = new TestTrust();
      const settings = new Settings(log, trust);
      try {
        assert.deepEqual(settings.programPaths(), { ssh: undefined, sshd: undefined, sshConfigFile: undefined });
        let changes = 0;
        settings.onDidChange(() => changes++);
        trust.grant();
        assert.equal(changes, 1, 'a trust grant tells the readers to read again');
        assert.deepEqual(settings.programPaths(), { ssh: wrapper, sshd: undefined, sshConfigFile: inside });
        if ((await readTestConfig()).logsDir !== undefined) {
          await expectLogLines('SSH Lifeline program settings tests', [
            `[warning] [settings] ignoring the workspace value of sshLifeline.ssh.path (${JSON.stringify(wrapper)}): the workspace is not trusted`,
            `[warning] [settings] ignoring sshLifeline.ssh.configFile (${JSON.stringify(inside)}): it lies in the workspace folder ${workspaceRoot()}, and the workspace is not trusted`,
          ]);
        }
      } finally {
        settings.dispose();
        trust.dispose();
        await restore();
      }
    });
  });
}
