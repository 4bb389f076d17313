import * as assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, workspaceRoot } from './harness';

/** Records the longest gap between 50 ms ticks of the extension host's event loop. */
function lagMeter(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 50);
    last = now;
  }, 50);
  return {
    stop(): number {
      clearInterval(timer);
      return worst;
    },
  };
}

function codes(uri: vscode.Uri): { code: string; line: number }[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'SSH Lifeline')
    .map((d) => ({ code: typeof d.code === 'object' ? String(d.code.value) : String(d.code), line: d.range.start.line }));
}

/**
 * Fault-matrix row 19 in the editor: a 50,000-host ssh_config and one with a
 * 10 MB line are linted whole — the last block's mistake is found — while the
 * extension host keeps answering (its event loop is measured, and a hover is
 * asked for while the big file is being linted). The bound is a functional
 * one: "responsive" means no stall of seconds, not a speed target.
 */
export function hugeInputSuite(): void {
  suite('huge input in the editor', () => {
    const dir = (): string => path.join(workspaceRoot(), 'huge', 'ssh_config.d');

    suiteSetup(async () => {
      await mkdir(dir(), { recursive: true });
    });
    suiteTeardown(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await rm(path.join(workspaceRoot(), 'huge'), { recursive: true, force: true });
    });

    test('[F19] a 50,000-host config and a 10 MB line are linted whole, and the extension host stays responsive', async function () {
      this.timeout(120_000);
      const blocks: string[] = [];
      for (let i = 0; i < 50_000; i++) blocks.push(`Host h${i}\n    HostName 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n`);
      blocks.push('Host last\n    Portt 22\n');
      const big = path.join(dir(), 'hosts.conf');
      const long = path.join(dir(), 'longline.conf');
      await writeFile(big, blocks.join(''));
      await writeFile(long, `Host a\n    SendEnv ${'X'.repeat(10 * 1024 * 1024)}\n    Portt 22\n`);

      const meter = lagMeter();
      const t0 = performance.now();
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(big));
      await vscode.window.showTextDocument(document, { preview: false });
      assert.equal(document.languageId, 'ssh_config');
      // A hover on the first line, asked while the whole file is being linted, is answered.
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(1, 6));
      assert.ok(hovers.length > 0, 'hover answered on the big file');
      const bigFindings = await eventually('the last block’s finding', () => {
        const found = codes(document.uri).filter((c) => c.code === 'unknown-keyword');
        return found.length > 0 ? found : undefined;
      }, 60_000);
      const bigMs = performance.now() - t0;
      assert.deepEqual(bigFindings.map((f) => f.line), [100_001]);

      const t1 = performance.now();
      const longDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(long));
      await vscode.window.showTextDocument(longDoc, { preview: false });
      const longFindings = await eventually('the finding after the 10 MB line', () => {
        const found = codes(longDoc.uri).filter((c) => c.code === 'unknown-keyword');
        return found.length > 0 ? found : undefined;
      }, 60_000);
      const longMs = performance.now() - t1;
      const worstLag = meter.stop();
      console.log(`      50,000 hosts: diagnostics after ${(bigMs / 1000).toFixed(1)} s; 10 MB line: after ${(longMs / 1000).toFixed(1)} s; longest event-loop stall ${worstLag.toFixed(0)} ms`);
      assert.deepEqual(longFindings.map((f) => f.line), [2]);
      assert.ok(worstLag < 5000, `the extension host stalled for ${worstLag.toFixed(0)} ms`);
    });
  });
}
