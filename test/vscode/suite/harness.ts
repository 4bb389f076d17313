import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { testConfigFileName } from '../testConfig';
import type { CaptureRequest, CaptureResult, TestConfig } from '../testConfig';

/** The test workspace: the first (only) folder the runner opened. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('the suites need a workspace folder; the runner opens one');
  return folder.uri.fsPath;
}

let cached: TestConfig | undefined;

export async function readTestConfig(): Promise<TestConfig> {
  cached ??= JSON.parse(await readFile(path.join(workspaceRoot(), testConfigFileName), 'utf8')) as TestConfig;
  return cached;
}

/**
 * Asks the runner to screenshot the workbench once it shows what `request`
 * names, and returns what was on screen. `undefined` when no runner is
 * listening (the desktop runner has no page to look at).
 */
export async function capture(request: CaptureRequest): Promise<CaptureResult | undefined> {
  const { controlUrl } = await readTestConfig();
  if (controlUrl === undefined) return undefined;
  const body = JSON.stringify(request);
  return new Promise((resolve, reject) => {
    const req = http.request(`${controlUrl}/capture`, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 30_000 + Math.min(request.timeoutMs ?? 0, 60_000) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(text) as CaptureResult);
        else reject(new Error(`capture failed (${res.statusCode}): ${text}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('capture timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Single-quotes a word for a POSIX shell (what the suites type into terminals). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Polls `probe` until it returns something other than undefined, or fails with `what`. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
