/**
 * The `vscode` test tier: the suites in `suite/` run inside a real VS Code
 * extension host (the VS Code server build) driven by headless Chromium, in two
 * passes:
 *  - development: the repository is the extension under development;
 *  - vsix: the packaged `.vsix` is installed into a fresh extensions dir and a
 *    do-nothing harness extension carries the tests, so the installed copy is
 *    the one under test;
 *  - restricted: the repository again, in a workspace that is not trusted
 *    (Workspace Trust on), whose settings aim at hostile programs.
 *
 *   npx tsx test/vscode/runTests.ts [--pass development|vsix|restricted]…
 */
import { appendFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserServer, Page } from 'playwright-core';
import {
  chromiumArgs,
  chromiumExecutable,
  installVscodeServer,
  installVsixIntoServer,
  startVscodeServer,
  workbenchUrl,
} from '../../scripts/vscodeServer';
import type { VscodeServer } from '../../scripts/vscodeServer';
import { startSshd } from '../fixtures/sshd';
import { stopRemoteTmux } from '../fixtures/tmux';
import {
  bundleSuites,
  createTestWorkspace,
  followFile,
  readSummary,
  repoRoot,
  requireBuiltExtension,
  requirePackagedVsix,
  writeHarnessExtension,
} from './setup';
import { writeRestrictedWorkspace } from './suite/trustFixtures';
import type { CaptureRequest, CaptureResult, TestConfig, TestPass } from './testConfig';

const resultsDir = path.join(repoRoot, 'test-results', 'vscode');
const passTimeoutMs = Number(process.env['LIFELINE_VSCODE_PASS_TIMEOUT_MS'] ?? 600_000);
/** `npm run soak` (scripts/soak.ts) runs the churn suite at its full count and reports it as the soak's. */
const churnConfig: Pick<TestConfig, 'churnTerminals' | 'soakSource'> = {
  ...(process.env['LIFELINE_CHURN_TERMINALS'] === undefined ? {} : { churnTerminals: Number(process.env['LIFELINE_CHURN_TERMINALS']) }),
  ...(process.env['LIFELINE_SOAK'] === '1' ? { soakSource: 'npm run soak' as const } : {}),
};

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));

interface Shared {
  readonly vscodeDir: string;
  readonly suitePath: string;
  readonly vsixPath: string | undefined;
  readonly sshConfigPath: string;
  readonly sshHost: string;
  readonly remoteTmuxTmpDir: string;
}

interface PassOutcome {
  readonly pass: TestPass;
  readonly ok: boolean;
  readonly detail: string;
  readonly wallMs: number;
}

function selectedPasses(argv: readonly string[]): TestPass[] {
  const passes: TestPass[] = [];
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === '--pass' ? argv[++i] : undefined;
    if (value === 'development' || value === 'vsix' || value === 'restricted') passes.push(value);
    else throw new Error(`usage: runTests.ts [--pass development|vsix|restricted]…  (got ${argv.join(' ')})`);
  }
  return passes.length > 0 ? passes : ['development', 'vsix', 'restricted'];
}

async function main(): Promise<number> {
  const started = Date.now();
  const passes = selectedPasses(process.argv.slice(2));
  requireBuiltExtension();
  const vsixPath = passes.includes('vsix') ? await requirePackagedVsix() : undefined;
  await mkdir(resultsDir, { recursive: true });

  const vscodeDir = await installVscodeServer();
  const suitePath = await bundleSuites();
  const remoteTmuxTmpDir = await mkdtemp(path.join(tmpdir(), 'lifeline-remote-tmux-'));
  // Every remote `tmux` of the suites (typed, or run by a reattach) uses a private server, never the machine's own.
  // Remote shells get a HOME without rc files: the machine's ~/.bashrc may take seconds (pyenv init took 10 s),
  // and the suites wait for what they type into a remote shell.
  const remoteHome = await mkdtemp(path.join(tmpdir(), 'lifeline-remote-home-'));
  const sshd = await startSshd({ sshdOptions: { SetEnv: `TMUX_TMPDIR=${remoteTmuxTmpDir} HOME=${remoteHome}` } });
  const outcomes: PassOutcome[] = [];
  try {
    const shared: Shared = { vscodeDir, suitePath, vsixPath, sshConfigPath: sshd.configPath, sshHost: sshd.host, remoteTmuxTmpDir };
    for (const pass of passes) outcomes.push(await runPass(pass, shared));
  } finally {
    await sshd.stop();
    await stopRemoteTmux(remoteTmuxTmpDir);
    await rm(remoteHome, { recursive: true, force: true });
  }

  say('');
  for (const o of outcomes) say(`${o.ok ? 'PASS' : 'FAIL'} ${o.pass} (${seconds(o.wallMs)}): ${o.detail}`);
  say(`vscode tier: ${seconds(Date.now() - started)} in all; screenshots and logs in ${path.relative(repoRoot, resultsDir)}/`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

async function runPass(pass: TestPass, shared: Shared): Promise<PassOutcome> {
  const started = Date.now();
  say(`\n── ${pass} pass ──`);
  const tmp = await mkdtemp(path.join(tmpdir(), `lifeline-vscode-${pass}-`));
  const dir = (name: string): string => path.join(tmp, name);
  const resultsFile = dir('results.log');
  const browserLog = path.join(resultsDir, `${pass}-browser.log`);
  const serverLog = path.join(resultsDir, `${pass}-server.log`);
  // Screenshots and logs of an earlier run of this pass would mislead.
  const stale = (await readdir(resultsDir)).filter((name) => name.startsWith(`${pass}-`));
  await Promise.all([...stale.map((name) => rm(path.join(resultsDir, name), { force: true })), mkdir(dir('scratch'))]);

  let extensionDevelopmentPath = repoRoot;
  if (pass === 'vsix') {
    if (shared.vsixPath === undefined) throw new Error('the vsix pass needs the packaged .vsix');
    const installed = await installVsixIntoServer(shared.vsixPath, dir('extensions'), { vscodeDir: shared.vscodeDir, serverDataDir: dir('server-data') });
    say(`installed ${path.basename(shared.vsixPath)} → ${installed}`);
    extensionDevelopmentPath = await writeHarnessExtension(dir('harness'));
  }

  let page: Page | undefined;
  const control = await startControlServer(() => page);
  const config: TestConfig = {
    pass,
    repoRoot,
    ...(pass === 'vsix' ? { extensionsDir: dir('extensions') } : {}),
    sshConfigPath: shared.sshConfigPath,
    sshHost: shared.sshHost,
    remoteTmuxTmpDir: shared.remoteTmuxTmpDir,
    scratchDir: dir('scratch'),
    resultsFile,
    controlUrl: control.url,
    logsDir: path.join(dir('user-data'), 'logs'),
    ...churnConfig,
  };
  await createTestWorkspace(dir('workspace'), config);
  if (pass === 'restricted') await writeRestrictedWorkspace(dir('workspace'));

  let server: VscodeServer | undefined;
  let browserServer: BrowserServer | undefined;
  let browser: Browser | undefined;
  const follow = followFile(resultsFile, (text) => process.stdout.write(text.replace(/^(?=.)/gm, '  ')));
  let ok = false;
  let detail = '';
  try {
    server = await startVscodeServer({
      vscodeDir: shared.vscodeDir,
      serverDataDir: dir('server-data'),
      userDataDir: dir('user-data'),
      extensionsDir: dir('extensions'),
      logFile: serverLog,
      // Only the restricted pass has Workspace Trust on: its workspace is opened without trust.
      disableWorkspaceTrust: pass !== 'restricted',
    });
    browserServer = await chromium.launchServer({ executablePath: chromiumExecutable, args: [...chromiumArgs], headless: true });
    browser = await chromium.connect(browserServer.wsEndpoint());
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const logLine = (line: string): void => void appendFile(browserLog, `${line}\n`).catch(() => undefined);
    page.on('console', (message) => logLine(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => logLine(`[pageerror] ${error.stack ?? error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) logLine(`[http ${response.status()}] ${response.url()}`);
    });

    // The workbench calls window.codeAutomationExit(code) when the suites end; it must exist before the page loads.
    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: unknown) => reportExit(typeof code === 'number' ? code : 1));
    const url = workbenchUrl({ baseUrl: server.baseUrl, folder: dir('workspace'), extensionDevelopmentPath, extensionTestsPath: shared.suitePath });
    const loadStarted = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    say(`workbench at ${server.baseUrl} (loaded in ${seconds(Date.now() - loadStarted)})`);

    const code = await Promise.race([exitCode, sleep(passTimeoutMs)]);
    await follow.stop();
    const summary = await readSummary(resultsFile);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(resultsDir, `${pass}-timeout.png`), timeout: 10_000 }).catch(() => undefined);
      detail = `no result within ${seconds(passTimeoutMs)} (see ${pass}-timeout.png, ${pass}-browser.log, ${pass}-server.log)`;
    } else if (summary === undefined) {
      detail = `the suites ended with exit code ${code} before mocha reported (see ${pass}-browser.log, ${pass}-server.log)`;
    } else if (code !== 0 || summary.failures > 0) {
      detail = `${summary.failures} of ${summary.tests} tests failed (exit code ${code})`;
    } else if (summary.tests === 0 || summary.pending > 0) {
      detail = `${summary.tests} tests ran, ${summary.pending} pending: every test must run`;
    } else {
      ok = true;
      detail = `${summary.passes} tests passed in ${seconds(summary.durationMs)}`;
    }
  } catch (error) {
    detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    await follow.stop();
    await closeBrowser(browser, browserServer);
    await server?.stop();
    await control.close();
    if (ok) await rm(tmp, { recursive: true, force: true });
    else detail += `\n  kept ${tmp}`;
  }
  return { pass, ok, detail, wallMs: Date.now() - started };
}

/** Closing after the suites end was seen to hang for ~50 s: bound it, then kill. */
async function closeBrowser(browser: Browser | undefined, browserServer: BrowserServer | undefined): Promise<void> {
  if (browser !== undefined) await Promise.race([browser.close().catch(() => undefined), sleep(3_000)]);
  if (browserServer !== undefined) {
    if ((await Promise.race([browserServer.close().catch(() => undefined), sleep(3_000)])) === 'timeout') {
      await browserServer.kill();
    }
  }
}

/**
 * `POST /capture` lets a suite ask for a screenshot at the moment the workbench
 * shows what it set up, and answers with what is on screen (active editor tab,
 * status bar texts). A screenshot after the suites end can hang, so this is the
 * dependable moment.
 */
async function startControlServer(currentPage: () => Page | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const page = currentPage();
      const answer = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.method !== 'POST' || request.url !== '/capture' || page === undefined) {
        answer(404, { error: `no ${request.method} ${request.url}` });
        return;
      }
      capture(page, JSON.parse(body) as CaptureRequest).then(
        (result) => answer(200, result),
        (error: unknown) => answer(500, { error: error instanceof Error ? error.message : String(error) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // Node 20's agents keep connections alive
      }),
  };
}

/** What a person sees: the active editor tab and the status bar items, as text. */
const onScreenScript = `(() => {
  const text = (element) => (element instanceof HTMLElement ? element.innerText.trim() : undefined);
  const activeTab = text(document.querySelector('.editor-group-container.active .tab.active .label-name'));
  const statusbarTexts = Array.from(document.querySelectorAll('.statusbar .statusbar-item'))
    .map((item) => text(item) ?? '')
    .filter((t) => t !== '');
  const notificationTexts = Array.from(document.querySelectorAll('.notifications-toasts .notification-list-item'))
    .map((item) => text(item) ?? '')
    .filter((t) => t !== '');
  return { activeTab, statusbarTexts, notificationTexts };
})()`;

/** The rows of the view pane titled `title` as text; undefined when no such pane is expanded on screen. */
const viewRowsScript = (title: string): string => `(() => {
  const wanted = ${JSON.stringify(title.toLowerCase())};
  const pane = Array.from(document.querySelectorAll('.pane')).find((p) => (p.querySelector('.pane-header .title')?.textContent ?? '').trim().toLowerCase() === wanted);
  if (!(pane instanceof HTMLElement) || pane.querySelector('.pane-header.expanded') === null) return undefined;
  return Array.from(pane.querySelectorAll('.pane-body .monaco-list-row')).map((row) => (row instanceof HTMLElement ? row.innerText.trim().replace(/\\s+/g, ' ') : ''));
})()`;

async function capture(page: Page, request: CaptureRequest): Promise<CaptureResult> {
  // A string, not a function: tsx's transform would wrap a function's inner helpers in `__name`, which the page lacks.
  const onScreen = async (): Promise<Omit<CaptureResult, 'screenshotPath'>> => {
    const seen: Omit<CaptureResult, 'screenshotPath'> = await page.evaluate(onScreenScript);
    const viewRows: string[] | undefined = request.viewTitle === undefined ? undefined : await page.evaluate(viewRowsScript(request.viewTitle));
    return viewRows === undefined ? seen : { ...seen, viewRows };
  };
  if (request.palette !== undefined) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input').first();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${request.palette}`);
    // The pick list filters as it is typed; Enter runs the first (exact title first).
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: request.palette }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
  }
  const deadline = Date.now() + Math.min(request.timeoutMs ?? 10_000, 60_000);
  const match = request.statusbarMatch === undefined ? undefined : new RegExp(request.statusbarMatch);
  const notification = request.notificationMatch === undefined ? undefined : new RegExp(request.notificationMatch);
  const wanted = (seen: Omit<CaptureResult, 'screenshotPath'>): boolean =>
    (request.activeTab === undefined || seen.activeTab === request.activeTab) &&
    (request.statusbarText === undefined || seen.statusbarTexts.includes(request.statusbarText)) &&
    (match === undefined || seen.statusbarTexts.some((t) => match.test(t))) &&
    (notification === undefined || seen.notificationTexts.some((t) => notification.test(t))) &&
    (request.viewRowCount === undefined || seen.viewRows?.length === request.viewRowCount);
  let seen = await onScreen();
  while (!wanted(seen) && Date.now() < deadline) {
    await sleep(200);
    seen = await onScreen();
  }
  let hoverText: string | undefined;
  if (request.hoverStatusbar !== undefined) {
    const hoverMatch = new RegExp(request.hoverStatusbar);
    const item = page.locator('.statusbar .statusbar-item').filter({ hasText: hoverMatch }).first();
    await item.hover({ timeout: 10_000 });
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /\S/ }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    hoverText = (await hover.innerText()).trim();
  }
  await sleep(500); // let the terminal and editor finish painting
  const screenshotPath = path.join(resultsDir, `${request.name.replace(/[^\w.-]/g, '_')}.png`);
  await page.screenshot({ path: screenshotPath, timeout: 15_000 });
  say(`  screenshot: ${path.relative(repoRoot, screenshotPath)}`);
  if (request.hoverStatusbar !== undefined) {
    // Move away so the hover does not cover the next screenshot.
    await page.mouse.move(0, 0);
  }
  return { screenshotPath, ...seen, ...(hoverText === undefined ? {} : { hoverText }) };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
