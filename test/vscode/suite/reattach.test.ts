import * as assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { blackhole } from './blackhole';
import { capture, eventually, readTestConfig, shellQuote, workspaceRoot } from './harness';
import { clientPids, remoteTmux, sessionNames } from './remoteTmux';

async function clientsOf(tmpDir: string, session: string): Promise<number> {
  return (await clientPids(tmpDir, session)).length;
}

/** The ssh processes whose parent is `pid` (Linux /proc). */
async function sshChildren(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === pid && comm === 'ssh') found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

/** The terminal (if any) whose shell runs an ssh now, or which is itself an ssh. */
async function sshOf(terminal: vscode.Terminal): Promise<number | undefined> {
  const pid = await terminal.processId;
  if (pid === undefined) return undefined;
  const children = await sshChildren(pid);
  if (children.length > 0) return children[0];
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  return comm.trim() === 'ssh' ? pid : undefined;
}

export function reattachSuite(): void {
  suite('Reattach', () => {
    test('[F10] after a drop and a wake, the same tmux session is reattached by itself; Reconnect SSH does it on demand', async function () {
      this.timeout(180_000);
      const config = await readTestConfig();
      const tmpDir = config.remoteTmuxTmpDir;
      const host = config.sshHost;
      const port = Number(/^\s*Port\s+(\d+)/im.exec(await readFile(config.sshConfigPath, 'utf8'))?.[1]);
      assert.ok(port > 0, `no Port in ${config.sshConfigPath}`);
      const marker = `MARKER-${Math.random().toString(36).slice(2, 10)}`;
      const opened: vscode.Terminal[] = [];
      const onOpen = vscode.window.onDidOpenTerminal((t) => opened.push(t));
      const terminal = vscode.window.createTerminal({ name: `reattach ${host}`, cwd: workspaceRoot() });
      const settings = vscode.workspace.getConfiguration('sshLifeline.reattach');
      try {
        terminal.show(false);
        await terminal.processId;
        await eventually('shell integration in the terminal', () => terminal.shellIntegration, 20_000);
        terminal.sendText(`ssh -t -F ${shellQuote(config.sshConfigPath)} ${host} tmux new-session -A -s main`);
        await eventually('one client on the remote tmux session main', async () => ((await clientsOf(tmpDir, 'main')) === 1 ? true : undefined), 30_000);
        await remoteTmux(tmpDir, 'send-keys', '-t', '=main:', `echo ${marker}`, 'Enter');
        await eventually('the marker in the remote pane', async () => ((await remoteTmux(tmpDir, 'capture-pane', '-p', '-t', '=main:')).includes(`\n${marker}`) ? true : undefined));
        const sessionsBefore = await sessionNames(tmpDir);
        await capture({ name: `${config.pass}-reattach-before`, statusbarMatch: `^${host} \\d+(\\.\\d+)? ms$`, timeoutMs: 30_000 });

        // The drop: the link goes dead and the client dies with it; then the machine "wakes".
        const ssh = await eventually('the ssh process of the terminal', () => sshOf(terminal));
        await blackhole(port, true);
        let restoredAt = 0;
        try {
          process.kill(ssh, 'SIGKILL');
          await vscode.commands.executeCommand('sshLifeline.simulateWake', 7980);
          await new Promise((r) => setTimeout(r, 4000));
        } finally {
          await blackhole(port, false);
          restoredAt = Date.now();
        }
        const shown = await capture({ name: `${config.pass}-reattach-notification`, notificationMatch: `Reattached ${host}:main`, timeoutMs: 45_000 });
        await eventually('one client on main again', async () => ((await clientsOf(tmpDir, 'main')) === 1 ? true : undefined), 30_000);
        const reattachedMs = Date.now() - restoredAt;
        if (shown !== undefined) {
          assert.ok(
            shown.notificationTexts.some((t) => t.includes(`Reattached ${host}:main after 2 h 13 min asleep`)),
            `notifications: ${shown.notificationTexts.join(' | ')}`,
          );
        }
        assert.ok((await remoteTmux(tmpDir, 'capture-pane', '-p', '-t', '=main:')).includes(marker), 'the marker is still in the reattached pane');
        assert.deepEqual(await sessionNames(tmpDir), sessionsBefore, 'no tmux session was created or lost');
        const where = (await sshOf(terminal)) !== undefined ? 'the same terminal (idle prompt)' : 'a new terminal';
        const reattached = (await sshOf(terminal)) !== undefined ? terminal : opened.find((t) => t.name === `${host} · tmux main`);
        assert.ok(reattached !== undefined, `the reattach ran in a terminal we can find (opened: ${opened.map((t) => t.name).join(', ')})`);
        await appendFile(config.resultsFile, `      reattached in ${where}, ${reattachedMs} ms after the link was restored (measured when the test saw it)\n`);

        // On demand: with automatic reattach off, a dropped client stays dropped until the user asks.
        await settings.update('mode', 'off', vscode.ConfigurationTarget.Workspace);
        const again = await eventually('the ssh of the reattached terminal', () => sshOf(reattached));
        reattached.show(false);
        process.kill(again, 'SIGKILL');
        await eventually('no client on main', async () => ((await clientsOf(tmpDir, 'main')) === 0 ? true : undefined), 15_000);
        await new Promise((r) => setTimeout(r, 3000));
        assert.equal(await clientsOf(tmpDir, 'main'), 0, 'mode off: nothing reattached by itself');
        const onDemand = await capture({ name: `${config.pass}-reattach-palette`, palette: 'SSH Lifeline: Reconnect SSH', notificationMatch: `Reattached ${host}:main`, timeoutMs: 45_000 });
        if (onDemand === undefined) {
          // No page to drive (desktop runner): the command itself.
          await vscode.commands.executeCommand('sshLifeline.reconnect');
        }
        await eventually('one client on main after Reconnect SSH', async () => ((await clientsOf(tmpDir, 'main')) === 1 ? true : undefined), 30_000);
        assert.ok((await remoteTmux(tmpDir, 'capture-pane', '-p', '-t', '=main:')).includes(marker), 'the marker is still there after Reconnect SSH');
        assert.deepEqual(await sessionNames(tmpDir), sessionsBefore, 'Reconnect SSH created no session');
      } finally {
        await blackhole(port, false);
        await settings.update('mode', undefined, vscode.ConfigurationTarget.Workspace);
        onOpen.dispose();
        for (const t of [terminal, ...opened]) t.dispose();
        await remoteTmux(tmpDir, 'kill-session', '-t', '=main').catch(() => '');
      }
    });
  });
}
