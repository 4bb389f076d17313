import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { descendantsOf, readProcessTable } from '../../../src/node/processTable';
import { capture, eventually, readTestConfig, workspaceRoot, shellQuote } from './harness';

export function terminalSuite(): void {
  suite('Terminals', () => {
    test('an ssh typed into a terminal runs as a descendant of the terminal’s shell', async () => {
      const config = await readTestConfig();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), '.ssh', 'config')));
      await vscode.window.showTextDocument(document, { preview: false });

      const marker = path.join(config.scratchDir, `${config.pass}-terminal.marker`);
      const terminal = vscode.window.createTerminal({ name: `ssh ${config.sshHost}`, cwd: workspaceRoot() });
      try {
        terminal.show(true);
        const shellPid = await terminal.processId;
        assert.ok(shellPid !== undefined && shellPid > 0, `terminal.processId: ${String(shellPid)}`);
        // Interactive, as a person would: ssh gets a pty on the server, and the
        // second line waits in the terminal until the remote shell reads it.
        terminal.sendText(`ssh -F ${shellQuote(config.sshConfigPath)} ${config.sshHost}`);
        terminal.sendText(`touch ${shellQuote(marker)} && echo "connected to $(hostname) as $(id -un)"`);

        const ssh = await eventually('ssh among the descendants of the terminal shell', async () =>
          descendantsOf(await readProcessTable(), shellPid).find((p) => p.comm === 'ssh'),
        );
        assert.ok(ssh.argv.includes(config.sshHost), `argv: ${ssh.argv.join(' ')}`);
        assert.ok(ssh.argv.includes(config.sshConfigPath), `argv: ${ssh.argv.join(' ')}`);
        // The session really reached the fixture sshd and ran what was typed there.
        await eventually('the line typed into the ssh session to run', () => (existsSync(marker) ? true : undefined));

        const seen = await capture({ name: `${config.pass}-workbench`, activeTab: 'config', statusbarText: 'SSH Config' });
        if (seen !== undefined) {
          assert.equal(seen.activeTab, 'config');
          assert.ok(seen.statusbarTexts.includes('SSH Config'), `status bar: ${seen.statusbarTexts.join(' | ')}`);
        }

        terminal.dispose();
        await eventually('ssh to end with its terminal', async () =>
          (await readProcessTable()).some((p) => p.pid === ssh.pid) ? undefined : true,
        );
      } finally {
        terminal.dispose();
      }
    });
  });
}
