import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ProcessInfo } from '../../../src/core/process/processTree';
import { readProcessTable } from '../../../src/node/processTable';
import { alive } from '../../fixtures/processes';
import { blackhole } from './blackhole';
import { capture, eventually, readTestConfig, shellQuote, workspaceRoot } from './harness';
import { clientPids, remoteTmux, sessionNames } from './remoteTmux';
import type { TestConfig } from '../testConfig';

const execFileAsync = promisify(execFile);

const clientsOf = clientPids;

async function childrenOf(pid: number): Promise<ProcessInfo[]> {
  return (await readProcessTable()).filter((p) => p.ppid === pid);
}

async function processOf(pid: number): Promise<ProcessInfo | undefined> {
  return (await readProcessTable()).find((p) => p.pid === pid);
}

/** A file's text, or undefined when it does not exist. */
async function textOf(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A vim that records typed keys with `-W` (vim-tiny is enough); a missing one fails the test with what to install. */
async function findVim(): Promise<string> {
  for (const name of ['vim.tiny', 'vim', 'vi']) {
    try {
      const { stdout } = await execFileAsync(name, ['--version'], { timeout: 5_000 });
      if (stdout.startsWith('VIM')) return name;
    } catch {
      // not this one
    }
  }
  throw new Error("vim not found: install the Debian package 'vim-tiny' (apt-get install -y vim-tiny)");
}

/** One program that holds the terminal's foreground once ssh has died. */
interface Foreground {
  /** Short name: terminal name, tmux session, file names. */
  readonly label: string;
  /** What the terminal runs after `ssh …;`. */
  readonly after: string;
  /** The file that anything typed into the foreground program would land in. */
  readonly typedFile: string;
  /** Whether the program creates {@link typedFile} when it starts (cat's redirect, vim's -W); `read` writes it only once a line arrives. */
  readonly createsTypedFile: boolean;
  /** The foreground program's process name; undefined for a shell builtin (no child process at all). */
  readonly comm: RegExp | undefined;
  readonly mode: 'auto' | 'ask';
}

interface Figures {
  /** From the kill to the question on screen. */
  readonly offerMs: number;
  /** From the answer to a new client on the tmux session. */
  readonly reattachedMs: number;
  /** From the kill to a new client on the tmux session (the question, the test's own checks and its answer included). */
  readonly killMs: number;
}

/**
 * The terminal runs `ssh … tmux new-session -A -s fg-X; <program>`: when ssh
 * dies, the program holds the terminal and would take anything typed as its
 * input. The reattacher must ask (the exit code of a compound command line is
 * not ssh's, so the end is unknown) and, once answered, reattach in a new
 * terminal whose process is ssh, typing nothing into the old one.
 */
async function dropUnderForeground(config: TestConfig, fg: Foreground): Promise<Figures> {
  const tmpDir = config.remoteTmuxTmpDir;
  const host = config.sshHost;
  const session = `fg-${fg.label}`;
  const name = `F12 ${fg.label}`;
  const terminal = vscode.window.createTerminal({ name, cwd: workspaceRoot() });
  /** Terminals opened by anyone but this test. */
  const opened: vscode.Terminal[] = [];
  const onOpen = vscode.window.onDidOpenTerminal((t) => t !== terminal && opened.push(t));
  const typedAfterKill: string[] = [];
  let killed = false;
  const onStart = vscode.window.onDidStartTerminalShellExecution((e) => {
    if (killed && e.terminal === terminal) typedAfterKill.push(e.execution.commandLine.value);
  });
  const settings = vscode.workspace.getConfiguration('sshLifeline.reattach');
  const left: number[] = [];
  try {
    if (fg.mode !== 'auto') await settings.update('mode', fg.mode, vscode.ConfigurationTarget.Workspace);
    terminal.show(false);
    const shellPid = await terminal.processId;
    assert.ok(shellPid !== undefined && shellPid > 0, `terminal.processId: ${String(shellPid)}`);
    left.push(shellPid);
    await eventually('shell integration in the terminal', () => terminal.shellIntegration, 20_000);
    terminal.sendText(`ssh -t -F ${shellQuote(config.sshConfigPath)} ${host} tmux new-session -A -s ${session}; ${fg.after}`);
    const [oldClient] = await eventually(`one client on the remote tmux session ${session}`, async () => {
      const clients = await clientsOf(tmpDir, session);
      return clients.length === 1 ? clients : undefined;
    }, 30_000);
    const sessionsBefore = await sessionNames(tmpDir);
    const ssh = await eventually('the ssh of the terminal', async () => (await childrenOf(shellPid)).find((p) => p.comm === 'ssh'));
    left.push(ssh.pid);
    // Only our offer may be the newest notification when its button is pressed.
    await vscode.commands.executeCommand('notifications.clearAll');

    killed = true;
    const killedAt = Date.now();
    process.kill(ssh.pid, 'SIGKILL');
    const held = await eventually(`${fg.label} in the foreground after ssh died`, async () => {
      const children = await childrenOf(shellPid);
      if (children.some((p) => p.pid === ssh.pid)) return undefined;
      if (fg.comm === undefined) return children.length === 0 ? { pid: undefined } : undefined;
      const program = children.find((p) => fg.comm?.test(p.comm) === true);
      return program === undefined ? undefined : { pid: program.pid };
    });
    if (held.pid !== undefined) left.push(held.pid);
    if (fg.createsTypedFile) await eventually(`${path.basename(fg.typedFile)} created by ${fg.label}`, async () => ((await textOf(fg.typedFile)) === undefined ? undefined : true));
    await eventually(`no client on ${session} after the kill`, async () => ((await clientsOf(tmpDir, session)).length === 0 ? true : undefined), 15_000);

    // Asked, not acted on: the exit code of `ssh …; program` is not ssh's own.
    const offer = `The SSH session to ${escapeRegExp(host)} \\(tmux ${session}\\) in "${name}" dropped`;
    const asked = await capture({ name: `${config.pass}-f12-${fg.label}-asked`, notificationMatch: offer, timeoutMs: 20_000 });
    if (asked !== undefined) {
      assert.ok(asked.notificationTexts.some((t) => new RegExp(offer).test(t)), `the reattacher asks; notifications: ${asked.notificationTexts.join(' | ')}`);
    } else {
      await sleep(5_000); // no page to look at (desktop runner): give the decision time to be taken
    }
    const offerMs = Date.now() - killedAt;
    if (fg.mode === 'ask') {
      // Nothing until answered, not even after a wake.
      await vscode.commands.executeCommand('sshLifeline.simulateWake', 7980);
      await sleep(3_000);
      assert.deepEqual(await clientsOf(tmpDir, session), [], 'mode ask: nothing reattached before the answer');
    }
    assert.deepEqual(opened.map((t) => t.name), [], 'no terminal opened before the answer');

    // The answer: the notification's primary button ("Reconnect"), pressed with the workbench's own command (Ctrl+Shift+A).
    const answeredAt = Date.now();
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    const reattached = await eventually(`a new terminal "${host} · tmux ${session}"`, () => opened.find((t) => t.name === `${host} · tmux ${session}`), 30_000);
    const newPid = await reattached.processId;
    assert.ok(newPid !== undefined, 'the new terminal has a process');
    left.push(newPid);
    const newSsh = await eventually('the new terminal’s process', () => processOf(newPid));
    assert.equal(newSsh.comm, 'ssh', `the new terminal's process is ssh itself: ${newSsh.argv.join(' ')} (exit status ${JSON.stringify(reattached.exitStatus)})`);
    assert.ok(newSsh.argv.some((a) => a.includes(`=${session}`)), `the new ssh attaches ${session}: ${newSsh.argv.join(' ')}`);
    await eventually(`a new client on ${session}`, async () => {
      const clients = await clientsOf(tmpDir, session);
      return clients.length === 1 && clients[0] !== oldClient ? true : undefined;
    }, 30_000);
    const reattachedMs = Date.now() - answeredAt;
    const killMs = Date.now() - killedAt;
    const told = await capture({ name: `${config.pass}-f12-${fg.label}-reattached`, notificationMatch: `Reattached ${escapeRegExp(host)}:${session}`, timeoutMs: 20_000 });
    if (told !== undefined) {
      assert.ok(told.notificationTexts.some((t) => t.includes(`Reattached ${host}:${session}`)), `notifications: ${told.notificationTexts.join(' | ')}`);
    }

    // The old terminal is as the user left it: the same program in the foreground, nothing typed.
    assert.equal(terminal.exitStatus, undefined, 'the old terminal is still open');
    assert.deepEqual((await childrenOf(shellPid)).map((p) => p.pid), held.pid === undefined ? [] : [held.pid], `only ${fg.label} runs in the old terminal (no ssh started there)`);
    assert.deepEqual(typedAfterKill, [], 'no command ran in the old terminal');
    const typed = await textOf(fg.typedFile);
    assert.equal(typed, fg.createsTypedFile ? '' : undefined, `nothing reached ${fg.label}`);
    assert.deepEqual(await sessionNames(tmpDir), sessionsBefore, 'no tmux session was created or lost');

    // The user ends both terminals: nothing is left running, and the old program never got a line.
    terminal.dispose();
    reattached.dispose();
    await eventually('every process of both terminals gone', () => (left.every((pid) => !alive(pid)) ? true : undefined), 15_000);
    await eventually(`no client on ${session}`, async () => ((await clientsOf(tmpDir, session)).length === 0 ? true : undefined), 15_000);
    assert.equal(await textOf(fg.typedFile), typed, `nothing reached ${fg.label} before it ended`);
    return { offerMs, reattachedMs, killMs };
  } finally {
    onOpen.dispose();
    onStart.dispose();
    for (const t of [terminal, ...opened]) t.dispose();
    if (fg.mode !== 'auto') await settings.update('mode', undefined, vscode.ConfigurationTarget.Workspace);
    await remoteTmux(tmpDir, 'kill-session', '-t', `=${session}`).catch(() => '');
  }
}

export function foregroundSuite(): void {
  suite('Reattach with a program in the foreground', () => {
    test('[F12] cat holding the terminal after ssh dies: the user is asked, nothing is typed into cat, a new ssh terminal reattaches the same tmux session', async function () {
      this.timeout(120_000);
      const config = await readTestConfig();
      const typedFile = path.join(config.scratchDir, `${config.pass}-typed-cat`);
      const f = await dropUnderForeground(config, { label: 'cat', after: `cat > ${shellQuote(typedFile)}`, typedFile, createsTypedFile: true, comm: /^cat$/, mode: 'auto' });
      await appendFile(config.resultsFile, `      cat: asked ${f.offerMs} ms after the kill; reattached in a new terminal ${f.reattachedMs} ms after the answer (${f.killMs} ms after the kill)\n`);
    });

    test('[F12] a Password: prompt after ssh dies, mode ask: nothing happens until answered, the password prompt gets nothing, a new ssh terminal reattaches', async function () {
      this.timeout(120_000);
      const config = await readTestConfig();
      const typedFile = path.join(config.scratchDir, `${config.pass}-typed-pw`);
      const f = await dropUnderForeground(config, {
        label: 'pw',
        after: `read -rs -p 'Password: ' pw; printf %s "$pw" > ${shellQuote(typedFile)}`,
        typedFile,
        createsTypedFile: false,
        comm: undefined,
        mode: 'ask',
      });
      await appendFile(config.resultsFile, `      Password: asked ${f.offerMs} ms after the kill; reattached in a new terminal ${f.reattachedMs} ms after the answer (${f.killMs} ms after the kill)\n`);
    });

    test('[F12] vim holding the terminal after ssh dies: the user is asked, vim records no keystroke, its file is unchanged, a new ssh terminal reattaches', async function () {
      this.timeout(120_000);
      const config = await readTestConfig();
      const vim = await findVim();
      const typedFile = path.join(config.scratchDir, `${config.pass}-typed-vim`);
      const edited = path.join(config.scratchDir, `${config.pass}-vim.txt`);
      await writeFile(edited, 'left as it was\n');
      const q = shellQuote;
      const f = await dropUnderForeground(config, { label: 'vim', after: `${vim} -u NONE -N -n -W ${q(typedFile)} ${q(edited)}`, typedFile, createsTypedFile: true, comm: /^vi/, mode: 'auto' });
      assert.equal(await readFile(edited, 'utf8'), 'left as it was\n', 'the file open in vim is unchanged');
      await appendFile(config.resultsFile, `      vim (${vim}): asked ${f.offerMs} ms after the kill; reattached in a new terminal ${f.reattachedMs} ms after the answer (${f.killMs} ms after the kill)\n`);
    });

    test('[F12] cat started while the reattach waits for the host: the reattach goes to a new ssh terminal by itself and types nothing into cat', async function () {
      this.timeout(120_000);
      const config = await readTestConfig();
      const tmpDir = config.remoteTmuxTmpDir;
      const host = config.sshHost;
      const session = 'fg-late';
      const typedFile = path.join(config.scratchDir, `${config.pass}-typed-late`);
      const port = Number(/^\s*Port\s+(\d+)/im.exec(await readFile(config.sshConfigPath, 'utf8'))?.[1]);
      assert.ok(port > 0, `no Port in ${config.sshConfigPath}`);
      const terminal = vscode.window.createTerminal({ name: `F12 late cat`, cwd: workspaceRoot() });
      const opened: vscode.Terminal[] = [];
      const onOpen = vscode.window.onDidOpenTerminal((t) => t !== terminal && opened.push(t));
      const ends: (number | undefined)[] = [];
      const typedAfterKill: string[] = [];
      let killed = false;
      const onEnd = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.terminal === terminal) ends.push(e.exitCode);
      });
      const onStart = vscode.window.onDidStartTerminalShellExecution((e) => {
        if (killed && e.terminal === terminal) typedAfterKill.push(e.execution.commandLine.value);
      });
      const left: number[] = [];
      try {
        terminal.show(false);
        const shellPid = await terminal.processId;
        assert.ok(shellPid !== undefined && shellPid > 0, `terminal.processId: ${String(shellPid)}`);
        left.push(shellPid);
        await eventually('shell integration in the terminal', () => terminal.shellIntegration, 20_000);
        terminal.sendText(`ssh -t -F ${shellQuote(config.sshConfigPath)} ${host} tmux new-session -A -s ${session}`);
        const [oldClient] = await eventually(`one client on the remote tmux session ${session}`, async () => {
          const clients = await clientsOf(tmpDir, session);
          return clients.length === 1 ? clients : undefined;
        }, 30_000);
        const sessionsBefore = await sessionNames(tmpDir);
        const ssh = await eventually('the ssh of the terminal', async () => (await childrenOf(shellPid)).find((p) => p.comm === 'ssh'));
        left.push(ssh.pid);
        await vscode.commands.executeCommand('notifications.clearAll');

        // The link goes dead and the client with it: ssh's end is known (killed), so the reattach starts by itself and waits for the host.
        await blackhole(port, true);
        let restoredAt = 0;
        let cat: ProcessInfo;
        const killedAt = Date.now();
        try {
          killed = true;
          process.kill(ssh.pid, 'SIGKILL');
          await eventually('the ssh command to end at the prompt', () => (ends.length > 0 ? true : undefined));
          assert.deepEqual(ends, [137], 'shell integration reports ssh killed by SIGKILL');
          // Meanwhile the user starts something that reads the terminal.
          terminal.sendText(`cat > ${shellQuote(typedFile)}`);
          cat = await eventually('cat in the foreground', async () => (await childrenOf(shellPid)).find((p) => p.comm === 'cat'));
          left.push(cat.pid);
          const waiting = await capture({ name: `${config.pass}-f12-late-waiting`, notificationMatch: `reconnecting ${escapeRegExp(host)}`, timeoutMs: 20_000 });
          if (waiting !== undefined) {
            assert.ok(waiting.notificationTexts.some((t) => t.includes(`reconnecting ${host}`)), `the reattach is under way: ${waiting.notificationTexts.join(' | ')}`);
          }
          assert.deepEqual(opened.map((t) => t.name), [], 'the reattach waits for the black-holed host (else this test would not cover a foreground that appeared meanwhile)');
        } finally {
          await blackhole(port, false);
          restoredAt = Date.now();
        }

        const reattached = await eventually(`a new terminal "${host} · tmux ${session}"`, () => opened.find((t) => t.name === `${host} · tmux ${session}`), 45_000);
        const newPid = await reattached.processId;
        assert.ok(newPid !== undefined, 'the new terminal has a process');
        left.push(newPid);
        const newSsh = await eventually('the new terminal’s process', () => processOf(newPid));
        assert.equal(newSsh.comm, 'ssh', `the new terminal's process is ssh itself: ${newSsh.argv.join(' ')} (exit status ${JSON.stringify(reattached.exitStatus)})`);
        // The old client goes when the server sees the killed connection's FIN, which the black hole held back.
        await eventually(`only a new client on ${session}`, async () => {
          const clients = await clientsOf(tmpDir, session);
          return clients.length === 1 && clients[0] !== oldClient ? true : undefined;
        }, 45_000);
        const restoredMs = Date.now() - restoredAt;
        const killMs = Date.now() - killedAt;
        const told = await capture({ name: `${config.pass}-f12-late-reattached`, notificationMatch: `Reattached ${escapeRegExp(host)}:${session}`, timeoutMs: 20_000 });
        if (told !== undefined) {
          assert.ok(told.notificationTexts.some((t) => t.includes(`Reattached ${host}:${session}`)), `notifications: ${told.notificationTexts.join(' | ')}`);
        }

        assert.equal(terminal.exitStatus, undefined, 'the old terminal is still open');
        assert.deepEqual((await childrenOf(shellPid)).map((p) => p.pid), [cat.pid], 'only cat runs in the old terminal (no ssh started there)');
        assert.deepEqual(typedAfterKill, [`cat > ${shellQuote(typedFile)}`], 'only the user’s own cat ran in the old terminal');
        assert.equal(await textOf(typedFile), '', 'nothing reached cat');
        assert.deepEqual(await sessionNames(tmpDir), sessionsBefore, 'no tmux session was created or lost');

        terminal.dispose();
        reattached.dispose();
        await eventually('every process of both terminals gone', () => (left.every((pid) => !alive(pid)) ? true : undefined), 15_000);
        await eventually(`no client on ${session}`, async () => ((await clientsOf(tmpDir, session)).length === 0 ? true : undefined), 15_000);
        assert.equal(await textOf(typedFile), '', 'nothing reached cat before it ended');
        await appendFile(config.resultsFile, `      late cat: reattached in a new terminal ${restoredMs} ms after the link was restored (${killMs} ms after the kill)\n`);
      } finally {
        await blackhole(port, false);
        onOpen.dispose();
        onEnd.dispose();
        onStart.dispose();
        for (const t of [terminal, ...opened]) t.dispose();
        await remoteTmux(tmpDir, 'kill-session', '-t', `=${session}`).catch(() => '');
      }
    });
  });
}
