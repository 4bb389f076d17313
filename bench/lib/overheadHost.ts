/**
 * The overhead scenario's extension-tests entry (`extensionTestsPath`): it runs
 * inside the VS Code extension host, the process whose cost is measured, and
 * does there what only code in that process can do: read VS Code's own
 * activation marks, open integrated terminals, and record the event loop's
 * delay with `perf_hooks.monitorEventLoopDelay` (the loop is the one every
 * extension shares, ours included). Which step comes next is the runner's
 * answer to `POST /next` (see overheadProtocol.ts). Bundled by esbuild with
 * `vscode` left external.
 */
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { hostConfigFileName, type HostAction, type HostConfig, type HostReport, type LoopDelay, type PerfMark } from './overheadProtocol';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function post(url: string, body: unknown): Promise<HostAction> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        if (response.statusCode === 200) {
          resolve(JSON.parse(text) as HostAction);
        } else {
          reject(new Error(`runner answered ${response.statusCode}: ${text}`));
        }
      });
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

/**
 * VS Code keeps its performance marks in `globalThis.MonacoPerformanceMarks`
 * (vs/base/common/performance.ts), shared by everything in the process; the
 * extension host marks `code/extHost/{will,did}LoadExtensionCode/<id>` around
 * loading an extension's main module and `…/{will,did}ActivateExtension/<id>`
 * around its `activate()` call and the promise it returns.
 */
function performanceMarks(): { readonly available: boolean; readonly marks: PerfMark[] } {
  const store = (globalThis as { MonacoPerformanceMarks?: { getMarks?: () => PerfMark[] } }).MonacoPerformanceMarks;
  if (typeof store?.getMarks !== 'function') {
    return { available: false, marks: [] };
  }
  return { available: true, marks: store.getMarks().filter((m) => m.name.startsWith('code/extHost/')) };
}

async function activation(extensionIds: readonly string[], timeoutMs: number): Promise<HostReport> {
  const deadline = Date.now() + timeoutMs;
  const active = (): Record<string, boolean> => Object.fromEntries(extensionIds.map((id) => [id, vscode.extensions.getExtension(id)?.isActive === true]));
  while (Object.values(active()).some((a) => !a) && Date.now() < deadline) {
    await sleep(50);
  }
  const { available, marks } = performanceMarks();
  return { kind: 'activation', active: active(), marks, marksAvailable: available };
}

const terminals: vscode.Terminal[] = [];

async function open(specs: Extract<HostAction, { kind: 'open' }>['terminals'], cwd: string): Promise<HostReport> {
  const shellPids: number[] = [];
  for (const spec of specs) {
    const terminal = vscode.window.createTerminal({ name: spec.name, cwd });
    terminals.push(terminal);
    const pid = await terminal.processId;
    if (pid === undefined) {
      throw new Error(`terminal ${spec.name} has no process`);
    }
    shellPids.push(pid);
    terminal.sendText(spec.command);
  }
  return { kind: 'opened', shellPids };
}

async function measure(ms: number, resolutionMs: number): Promise<HostReport> {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  await sleep(ms);
  histogram.disable();
  const toMs = (ns: number): number => ns / 1e6;
  const delay: LoopDelay = {
    samples: histogram.count,
    minMs: toMs(histogram.min),
    meanMs: toMs(histogram.mean),
    p50Ms: toMs(histogram.percentile(50)),
    p90Ms: toMs(histogram.percentile(90)),
    p99Ms: toMs(histogram.percentile(99)),
    maxMs: toMs(histogram.max),
    resolutionMs,
  };
  return { kind: 'measured', delay };
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder === undefined) {
    throw new Error('the overhead entry needs the workspace folder the runner opens');
  }
  const config = JSON.parse(await readFile(path.join(folder, hostConfigFileName), 'utf8')) as HostConfig;
  let report: HostReport = { kind: 'hello', pid: process.pid, node: process.version, vscode: vscode.version };
  for (;;) {
    const action = await post(`${config.controlUrl}/next`, report);
    if (action.kind === 'done') {
      break;
    }
    try {
      switch (action.kind) {
        case 'activation':
          report = await activation(action.extensionIds, action.timeoutMs);
          break;
        case 'open':
          report = await open(action.terminals, folder);
          break;
        case 'measure':
          report = await measure(action.ms, action.resolutionMs);
          break;
      }
    } catch (err) {
      report = { kind: 'error', action: action.kind, message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  }
  for (const terminal of terminals) {
    terminal.dispose();
  }
}
