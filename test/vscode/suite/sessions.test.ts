import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as vscode from 'vscode';
import type { TrackedSession } from '../../../src/core/session/tracked';
import { TerminalTracker } from '../../../src/vscode/terminalTracker';
import { eventually, readTestConfig, workspaceRoot, shellQuote } from './harness';

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const describe = (s: TrackedSession | undefined): string =>
  s === undefined ? 'none' : `${s.id} ${s.state} exit=${String(s.exitCode)} failure=${s.failure?.reason ?? '-'} resolution=${s.resolution === 'pending' ? 'pending' : 'error' in s.resolution ? s.resolution.error.reason : s.resolution.source}`;

export function sessionsSuite(): void {
  suite('Session tracking', () => {
    test('an ssh typed into a terminal is tracked with its target, then its exit code; a refused one with its reason', async () => {
      const config = await readTestConfig();
      const fixture = await readFile(config.sshConfigPath, 'utf8');
      const port = /^\s*Port\s+(\d+)/m.exec(fixture)?.[1];
      const hostName = /^\s*HostName\s+(\S+)/m.exec(fixture)?.[1];
      assert.ok(port !== undefined && hostName !== undefined, `the fixture config names a port and a host name:\n${fixture}`);

      const log = vscode.window.createOutputChannel('SSH Lifeline session tests', { log: true });
      const options = { log, cwd: config.repoRoot, scanIntervalSeconds: 0.5 };
      // The test workbench trusts its workspace; the untrusted path is the same tracker told otherwise.
      const trusted = new TerminalTracker({ ...options, trust: { isTrusted: true, onDidGrantWorkspaceTrust: vscode.workspace.onDidGrantWorkspaceTrust } });
      const neverGranted = new vscode.EventEmitter<void>();
      const untrusted = new TerminalTracker({ ...options, trust: { isTrusted: false, onDidGrantWorkspaceTrust: neverGranted.event } });
      // Where there is no process table (Windows), shell integration alone must do.
      const shellOnly = new TerminalTracker({ ...options, platform: 'win32', trust: { isTrusted: true, onDidGrantWorkspaceTrust: vscode.workspace.onDidGrantWorkspaceTrust } });
      const terminal = vscode.window.createTerminal({ name: 'sessions', cwd: workspaceRoot() });
      try {
        terminal.show(false);
        await eventually('shell integration in the terminal (bash with VS Code’s script)', () => terminal.shellIntegration, 20_000);

        terminal.sendText(`ssh -F ${shellQuote(config.sshConfigPath)} ${config.sshHost}`);
        const running = (tracker: TerminalTracker) => (): TrackedSession | undefined =>
          tracker.sessionsOf(terminal).find((s) => s.state === 'running' && s.resolution !== 'pending');
        const viaSshG = await eventually('the trusted tracker’s running, resolved session', running(trusted));
        const own = await eventually('the untrusted tracker’s running, resolved session', running(untrusted));

        for (const [s, source] of [
          [viaSshG, 'ssh -G'],
          [own, 'own'],
        ] as const) {
          assert.equal(s.alias, config.sshHost);
          assert.equal(s.kind, 'ssh');
          assert.equal(s.terminalName, 'sessions');
          assert.ok(s.pid !== undefined && s.sshPid === s.pid, `pid ${String(s.pid)}, ssh pid ${String(s.sshPid)}`);
          assert.equal(s.shellPid, await terminal.processId);
          assert.ok(s.resolution !== 'pending' && !('error' in s.resolution), `resolution: ${JSON.stringify(s.resolution)}`);
          assert.equal(s.resolution.source, source);
          assert.equal(s.target?.hostName, hostName);
          assert.equal(s.target?.port, port);
          assert.equal(s.options?.get('batchmode')?.[0], 'yes');
          assert.deepEqual(s.seenBy, { processTable: true, shellIntegration: true }, describe(s));
          assert.match(s.commandLine?.value ?? '', /^ssh -F /);
        }
        assert.equal(trusted.activeSession()?.id, viaSshG.id, 'the active terminal’s session');
        const typed = await eventually('the shell-integration-only tracker’s running, resolved session', running(shellOnly));
        assert.deepEqual(typed.seenBy, { processTable: false, shellIntegration: true });
        assert.equal(typed.pid, undefined);
        assert.equal(typed.alias, config.sshHost);
        assert.equal(typed.target?.port, port);

        // Log out of the remote shell: ssh ends normally.
        terminal.sendText('exit');
        const ended = await eventually('the session to end with an exit code', () => {
          const s = trusted.sessionsOf(terminal).find((x) => x.id === viaSshG.id);
          return s?.state === 'exited' && s.exitCode !== undefined ? s : undefined;
        });
        assert.equal(ended.exitCode, 0, describe(ended));
        assert.equal(ended.failure, undefined);
        assert.ok(ended.endedAt !== undefined && ended.endedAt >= ended.startedAt);
        assert.equal(trusted.activeSession(), undefined, 'no running session left in the active terminal');
        const typedEnded = await eventually('the shell-integration-only session to end', () => shellOnly.sessions().find((x) => x.id === typed.id && x.state === 'exited'));
        assert.equal(typedEnded.exitCode, 0);

        // Nothing listens there: ssh fails with 255 and says why. ConnectionAttempts=2 makes ssh wait a
        // second before its message: VS Code hands extensions only the output it sees after it has parsed
        // the command's start mark, and a message printed within the same instant can miss that.
        const closed = await closedPort();
        terminal.sendText(`ssh -F ${shellQuote(config.sshConfigPath)} -o ConnectionAttempts=2 -p ${closed} ${config.sshHost}`);
        const refused = await eventually('the refused ssh to be recorded', () =>
          trusted.sessionsOf(terminal).find((s) => s.id !== viaSshG.id && s.state === 'exited' && s.exitCode !== undefined && s.resolution !== 'pending'),
        );
        assert.equal(refused.exitCode, 255, describe(refused));
        assert.equal(refused.failure?.reason, 'connection-refused', describe(refused));
        assert.match(refused.failure?.line ?? '', new RegExp(`port ${closed}: Connection refused$`));
        assert.equal(refused.commandLinePort, String(closed));
        assert.equal(refused.target?.port, String(closed), 'the command line’s port wins');
        const typedRefused = await eventually('the shell-integration-only tracker’s refused ssh', () => shellOnly.sessions().find((x) => x.id !== typed.id && x.state === 'exited'));
        assert.equal(typedRefused.exitCode, 255);
        assert.equal(typedRefused.failure?.reason, 'connection-refused');
      } finally {
        terminal.dispose();
        trusted.dispose();
        untrusted.dispose();
        shellOnly.dispose();
        neverGranted.dispose();
        log.dispose();
      }
    });
  });
}
