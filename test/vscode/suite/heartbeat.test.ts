import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { blackhole } from './blackhole';
import { capture, readTestConfig, workspaceRoot, shellQuote } from './harness';

export function heartbeatSuite(): void {
  suite('Heartbeat in the status bar', () => {
    test('a terminal ssh shows its host and RTT; a black hole shows down; healed, up again', async function () {
      this.timeout(120_000);
      const config = await readTestConfig();
      const port = Number(/^\s*Port\s+(\d+)/im.exec(await readFile(config.sshConfigPath, 'utf8'))?.[1]);
      assert.ok(port > 0, `no Port in ${config.sshConfigPath}`);
      const host = config.sshHost;
      const terminal = vscode.window.createTerminal({ name: `heartbeat ${host}`, cwd: workspaceRoot() });
      try {
        terminal.show(false);
        await terminal.processId;
        terminal.sendText(`ssh -F ${shellQuote(config.sshConfigPath)} ${host}`);

        const up = await capture({ name: `${config.pass}-heartbeat-up`, statusbarMatch: `^${host} \\d+(\\.\\d+)? ms$`, timeoutMs: 30_000 });
        if (up === undefined) {
          return; // no page to look at (desktop runner)
        }
        assert.ok(
          up.statusbarTexts.some((t) => new RegExp(`^${host} \\d+(\\.\\d+)? ms$`).test(t)),
          `status bar: ${up.statusbarTexts.join(' | ')}`,
        );

        const hover = await capture({ name: `${config.pass}-heartbeat-tooltip`, hoverStatusbar: `${host} \\d`, timeoutMs: 10_000 });
        assert.ok(hover?.hoverText !== undefined, 'a tooltip shows');
        assert.match(hover.hoverText, new RegExp(`${host} — up`));
        assert.match(hover.hoverText, /round trip .* ms · median .* ms · p95 .* ms/);
        assert.match(hover.hoverText, /last contact/);
        assert.match(hover.hoverText, /ssh itself notices a dead link/);
        assert.match(hover.hoverText, /Show log/);

        await blackhole(port, true);
        try {
          const down = await capture({ name: `${config.pass}-heartbeat-down`, statusbarMatch: `^${host} down`, timeoutMs: 20_000 });
          assert.ok(
            down?.statusbarTexts.some((t) => t.startsWith(`${host} down`)),
            `status bar after the black hole: ${down?.statusbarTexts.join(' | ')}`,
          );
        } finally {
          await blackhole(port, false);
        }
        const back = await capture({ name: `${config.pass}-heartbeat-healed`, statusbarMatch: `^${host} \\d+(\\.\\d+)? ms$`, timeoutMs: 30_000 });
        assert.ok(
          back?.statusbarTexts.some((t) => new RegExp(`^${host} \\d+(\\.\\d+)? ms$`).test(t)),
          `status bar after healing: ${back?.statusbarTexts.join(' | ')}`,
        );
      } finally {
        await blackhole(port, false);
        terminal.dispose();
      }
    });
  });
}
