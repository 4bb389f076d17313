/**
 * A real VS Code for the overhead scenario: the VS Code server build with the
 * web workbench in headless Chromium, as the `vscode` test tier runs it
 * (scripts/vscodeServer.ts), with overheadHost.ts as the extension-tests entry
 * inside the extension host. The runner drives that entry through a small
 * control server (overheadProtocol.ts) and measures the extension host process
 * from outside.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { chromiumArgs, chromiumExecutable, startVscodeServer, workbenchUrl, type VscodeServer } from '../../scripts/vscodeServer';
import { commandLine } from './overheadProc';
import { hostConfigFileName, type HostAction, type HostConfig, type HostReport } from './overheadProtocol';

const sleep = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));

/** Bundles overheadHost.ts (vscode external) into `dir/index.js` and returns its path. */
export async function bundleHostEntry(root: string, dir: string): Promise<string> {
  const outfile = path.join(dir, 'index.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', 'lib', 'overheadHost.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The workspace the workbench opens: settings that keep the workbench quiet
 * (no welcome page, no gallery, no telemetry), terminals with a HOME of their
 * own so no rc file of the machine slows the shells down. Port auto-forwarding
 * is off: in a remote extension host (the server build stands in for the
 * desktop here) VS Code polls every process's sockets for it
 * (`sh -c 'ls -l /proc/[0-9]*' …` every few seconds), a cost desktop VS Code's
 * local extension host does not have and that would blur ours.
 */
export async function writeBenchWorkspace(dir: string): Promise<void> {
  await mkdir(path.join(dir, '.vscode'), { recursive: true });
  await mkdir(path.join(dir, 'terminal-home'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.env.linux': { HOME: path.join(dir, 'terminal-home') },
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'remote.autoForwardPorts': false,
    'remote.autoForwardPortsSource': 'output',
  };
  await writeFile(path.join(dir, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export interface Chromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const server: BrowserServer = await chromium.launchServer({ executablePath: chromiumExecutable, args: [...chromiumArgs], headless: true });
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    // Closing was seen to hang for ~50 s in the test tier: bound it, then kill.
    async close(): Promise<void> {
      await Promise.race([browser.close().catch(() => undefined), sleep(3_000)]);
      if ((await Promise.race([server.close().catch(() => undefined), sleep(3_000)])) === 'timeout') {
        await server.kill();
      }
    },
  };
}

/** Serves the entry's `POST /next`: each request carries a report and waits for the next action. */
class HostControl {
  private readonly server: http.Server;
  private pending: http.ServerResponse | undefined;
  private readonly reports: HostReport[] = [];
  private waiter: ((report: HostReport) => void) | undefined;

  private constructor(server: http.Server) {
    this.server = server;
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/next') {
          response.writeHead(404).end();
          return;
        }
        this.pending = response;
        const report = JSON.parse(body) as HostReport;
        if (this.waiter !== undefined) {
          const w = this.waiter;
          this.waiter = undefined;
          w(report);
        } else {
          this.reports.push(report);
        }
      });
    });
  }

  static async start(): Promise<HostControl> {
    const server = http.createServer();
    // The answer to a long poll may take minutes.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HostControl(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  report(timeoutMs: number, what: string): Promise<HostReport> {
    const queued = this.reports.shift();
    if (queued !== undefined) {
      return Promise.resolve(queued);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`the extension host did not report ${what} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  send(action: HostAction): void {
    const response = this.pending;
    if (response === undefined) {
      throw new Error(`no request from the extension host to answer with ${action.kind}`);
    }
    this.pending = undefined;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(action));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export interface WorkbenchOptions {
  readonly vscodeDir: string;
  readonly chromium: Chromium;
  /** Server data, user data (logs) go below this folder; the same folder again means a warm profile. */
  readonly stateDir: string;
  /** `--extensions-dir`: our .vsix installed into it, or empty. */
  readonly extensionsDir: string;
  /**
   * The extension under development, which the workbench needs before it runs
   * an extension-tests entry: a do-nothing harness when the extension under
   * test is installed in `extensionsDir` (or absent), else the extension itself.
   */
  readonly developmentPath: string;
  readonly entryPath: string;
  readonly workspaceDir: string;
  /** The server's own output is appended here. */
  readonly serverLog: string;
}

export interface Workbench {
  /** The extension host process (where the entry, and our extension, run). */
  readonly hostPid: number;
  readonly hello: Extract<HostReport, { kind: 'hello' }>;
  /** `<stateDir>/user-data/logs`: the extension host's logs and each extension's log channel. */
  readonly logsDir: string;
  readonly page: Page;
  /** Milliseconds from `page.goto` to the entry's first report. */
  readonly startMs: number;
  act(action: Exclude<HostAction, { kind: 'done' }>, timeoutMs: number): Promise<HostReport>;
  /** Ends the entry (which closes its terminals), then the page and the server. */
  close(): Promise<void>;
}

export async function openWorkbench(o: WorkbenchOptions): Promise<Workbench> {
  const control = await HostControl.start();
  const config: HostConfig = { controlUrl: control.url };
  await writeFile(path.join(o.workspaceDir, hostConfigFileName), `${JSON.stringify(config)}\n`);
  let server: VscodeServer | undefined;
  let page: Page | undefined;
  const closeAll = async (): Promise<void> => {
    if (page !== undefined) {
      await Promise.race([page.close().catch(() => undefined), sleep(3_000)]);
    }
    await server?.stop();
    await control.close();
  };
  try {
    server = await startVscodeServer({
      vscodeDir: o.vscodeDir,
      serverDataDir: path.join(o.stateDir, 'server-data'),
      userDataDir: path.join(o.stateDir, 'user-data'),
      extensionsDir: o.extensionsDir,
      logFile: o.serverLog,
    });
    page = await o.chromium.browser.newPage({ viewport: { width: 1400, height: 860 } });
    let exited: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (exited = resolve));
    await page.exposeFunction('codeAutomationExit', (code: unknown) => exited(typeof code === 'number' ? code : 1));
    const started = performance.now();
    await page.goto(workbenchUrl({ baseUrl: server.baseUrl, folder: o.workspaceDir, extensionDevelopmentPath: o.developmentPath, extensionTestsPath: o.entryPath }), {
      waitUntil: 'domcontentloaded',
    });
    const hello = await control.report(60_000, 'hello');
    const startMs = performance.now() - started;
    if (hello.kind !== 'hello') {
      throw new Error(`the extension host's first report is ${hello.kind}, not hello`);
    }
    const cmd = commandLine(hello.pid);
    if (!/extensionHost|bootstrap-fork/.test(cmd)) {
      throw new Error(`pid ${hello.pid} does not look like an extension host: ${cmd}`);
    }
    const openedPage = page;
    const openedServer = server;
    return {
      hostPid: hello.pid,
      hello,
      logsDir: path.join(o.stateDir, 'user-data', 'logs'),
      page: openedPage,
      startMs,
      async act(action, timeoutMs): Promise<HostReport> {
        control.send(action);
        const report = await control.report(timeoutMs, action.kind);
        if (report.kind === 'error') {
          throw new Error(`the extension host failed at ${report.action}: ${report.message}`);
        }
        return report;
      },
      async close(): Promise<void> {
        try {
          control.send({ kind: 'done' });
          await Promise.race([exitCode, sleep(10_000)]);
        } catch {
          // the entry is gone already
        }
        await Promise.race([openedPage.close().catch(() => undefined), sleep(3_000)]);
        await openedServer.stop();
        await control.close();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The newest file called `name` below `dir` (e.g. `SSH Lifeline.log`, an extension's log channel). */
export async function newestFile(dir: string, name: string): Promise<string | undefined> {
  let newest: { file: string; mtime: number } | undefined;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || entry.name !== name) {
      continue;
    }
    const file = path.join(entry.parentPath, entry.name);
    const mtime = (await stat(file)).mtimeMs;
    if (newest === undefined || mtime > newest.mtime) {
      newest = { file, mtime };
    }
  }
  return newest?.file;
}

/** One row of VS Code's "Developer: Show Running Extensions" editor. */
export interface RunningExtension {
  /** The display name the row shows, e.g. `SSH Lifeline`. */
  readonly name: string;
  /** The row's activation text, e.g. `Activation: 61ms` or `Startup Activation: 9ms`. */
  readonly text: string;
  /** The milliseconds in it: VS Code's codeLoadingTime + activateCallTime. */
  readonly ms: number | undefined;
}

// Strings, not functions: tsx's transform would wrap a function's inner helpers in `__name`, which the page lacks.
const runningRowsScript = `Array.from(document.querySelectorAll('.runtime-extensions-editor .monaco-list-row')).map((row) => ({
  name: (row.querySelector('.name')?.textContent ?? '').trim(),
  text: (row.querySelector('.activation-time')?.textContent ?? '').trim(),
}))`;
const statusbarScript = `Array.from(document.querySelectorAll('.statusbar .statusbar-item')).map((item) => (item.innerText ?? '').trim()).filter((t) => t !== '')`;

/**
 * Opens "Developer: Show Running Extensions" the way a person does (F1, its
 * title, Enter) and reads each row's activation time: the figure VS Code
 * itself shows, from the times the extension host measured around loading the
 * extension's code and calling its `activate()`. Waits until a row named one
 * of `mustShow` has one.
 */
export async function runningExtensions(page: Page, mustShow: readonly string[], timeoutMs = 20_000): Promise<RunningExtension[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill('>Developer: Show Running Extensions');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Show Running Extensions' }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const rows = (await page.evaluate(runningRowsScript)) as { name: string; text: string }[];
    const parsed = rows.map((r) => ({ ...r, ms: /(\d+)\s*ms/.exec(r.text)?.[1] === undefined ? undefined : Number(/(\d+)\s*ms/.exec(r.text)?.[1]) }));
    if (parsed.some((r) => mustShow.includes(r.name) && r.ms !== undefined)) {
      return parsed;
    }
    if (performance.now() > deadline) {
      throw new Error(`Running Extensions shows no activation time for ${mustShow.join(' or ')}: ${JSON.stringify(rows)}`);
    }
    await sleep(200);
  }
}

/** The status bar items' texts, as a person sees them. */
export async function statusbarTexts(page: Page): Promise<string[]> {
  return (await page.evaluate(statusbarScript)) as string[];
}
