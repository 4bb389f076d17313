import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, readTestConfig, workspaceRoot } from './harness';

const extensionId = 'ssh-lifeline.ssh-lifeline';

/** Activation events that would activate the extension before any file is opened. */
const eagerActivationEvents = new Set(['*', 'onStartupFinished']);

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function lifeline(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded; loaded: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  return extension;
}

async function open(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), relativePath)));
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

export function activationSuite(): void {
  suite('Activation and languages', () => {
    test('the extension is loaded from the copy this pass is about', async () => {
      const config = await readTestConfig();
      const extension = lifeline();
      const repoManifest = JSON.parse(await readFile(path.join(config.repoRoot, 'package.json'), 'utf8')) as { version: string };
      assert.equal((extension.packageJSON as { version: string }).version, repoManifest.version);
      // Where there is a remote (the server build), a workspace extension runs there; desktop has only the local host.
      assert.equal(extension.extensionKind, vscode.env.remoteName === undefined ? vscode.ExtensionKind.UI : vscode.ExtensionKind.Workspace);
      if (config.pass === 'development') {
        assert.equal(path.resolve(extension.extensionPath), path.resolve(config.repoRoot));
      } else {
        assert.ok(config.extensionsDir !== undefined, 'the vsix pass names its extensions dir');
        assert.ok(isInside(extension.extensionPath, config.extensionsDir), `${extension.extensionPath} is not inside ${config.extensionsDir}`);
        assert.ok(!isInside(extension.extensionPath, config.repoRoot), `${extension.extensionPath} is the repository, not the installed copy`);
      }
    });

    test('opening .ssh/config gives ssh_config and activates the extension', async () => {
      const extension = lifeline();
      const events = ((extension.packageJSON as { activationEvents?: string[] }).activationEvents ?? []);
      assert.ok(events.includes('onLanguage:ssh_config'), `activationEvents: ${events.join(', ')}`);
      // Only provable while nothing activates the extension earlier.
      if (!events.some((event) => eagerActivationEvents.has(event))) {
        assert.equal(extension.isActive, false, 'active before any ssh_config file was opened');
      }

      const document = await open('.ssh/config');
      assert.equal(document.languageId, 'ssh_config');
      await eventually('the extension to activate', () => (extension.isActive ? true : undefined));
      await extension.activate();

      // activate() ran to the end: every command the manifest contributes is registered.
      const contributed = ((extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map((c) => c.command);
      assert.ok(contributed.length > 0, 'the manifest contributes commands');
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(contributed.filter((command) => !registered.has(command)), []);
    });

    test('a file named sshd_config opens as sshd_config', async () => {
      const document = await open('sshd_config');
      assert.equal(document.languageId, 'sshd_config');
    });

    test('a file named ssh_config opens as ssh_config', async () => {
      const document = await open('etc/ssh/ssh_config');
      assert.equal(document.languageId, 'ssh_config');
    });
  });
}
