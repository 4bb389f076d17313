/**
 * The VS Code server build, installed from the `code-server` npm package and
 * run on loopback, for the `vscode` test tier and the playground.
 *
 * Why not the desktop build: it is downloaded from update.code.visualstudio.com
 * and GitHub, which are unreachable here. `code-server@4.99.4` ships the VS Code
 * 1.99.3 server (the last line that runs on Node 20) in `lib/vscode`; its
 * extension host is the ordinary Node extension host. See
 * the development notes in README.md.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

export const codeServerVersion = '4.99.4';
export const vscodeVersion = '1.99.3';

export const repoRoot = path.resolve(__dirname, '..');
const defaultToolsDir = path.join(repoRoot, '.tools', 'vscode-server');

/** Native modules the server loads; code-server's own `argon2` and `kerberos` are not needed. */
const nativeModules = ['node-pty', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog'] as const;

export type Log = (line: string) => void;

const defaultLog: Log = (line) => {
  process.stdout.write(`[vscode-server] ${line}\n`);
};

export interface InstallOptions {
  /** Where the npm project holding code-server lives; default `<repo>/.tools/vscode-server`. */
  readonly toolsDir?: string;
  readonly log?: Log;
}

/** `<toolsDir>/node_modules/code-server/lib/vscode` */
export function vscodeServerDir(toolsDir: string = defaultToolsDir): string {
  return path.join(toolsDir, 'node_modules', 'code-server', 'lib', 'vscode');
}

function markerPath(toolsDir: string): string {
  return path.join(toolsDir, `.installed-code-server-${codeServerVersion}`);
}

/**
 * Installs the VS Code server build into `<repo>/.tools/vscode-server` unless a
 * complete install is already there, and returns the path of `lib/vscode`.
 * The marker file is written last, so an interrupted install is redone from
 * scratch.
 */
export async function installVscodeServer(options: InstallOptions = {}): Promise<string> {
  const toolsDir = options.toolsDir ?? defaultToolsDir;
  const log = options.log ?? defaultLog;
  const vscodeDir = vscodeServerDir(toolsDir);
  if (existsSync(markerPath(toolsDir)) && existsSync(path.join(vscodeDir, 'out', 'server-main.js'))) {
    return vscodeDir;
  }

  await checkPrerequisites();
  const started = Date.now();
  const step = async (title: string, work: () => Promise<unknown>): Promise<void> => {
    const t0 = Date.now();
    log(`${title} …`);
    await work();
    log(`${title}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  };

  log(`installing the VS Code ${vscodeVersion} server (code-server@${codeServerVersion}) into ${toolsDir}`);
  await fs.rm(toolsDir, { recursive: true, force: true });
  await fs.mkdir(toolsDir, { recursive: true });
  // Our own package.json: without it npm would walk up and install into the repo's node_modules.
  await fs.writeFile(
    path.join(toolsDir, 'package.json'),
    `${JSON.stringify({ name: 'ssh-lifeline-tools', private: true, description: 'git-ignored test tools' }, null, 2)}\n`,
  );

  const npmQuiet = ['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  await step(`npm install code-server@${codeServerVersion}`, () =>
    run('npm', ['install', ...npmQuiet, `code-server@${codeServerVersion}`], { cwd: toolsDir }),
  );
  await step('npm install --omit=dev in lib/vscode', () =>
    run('npm', ['install', '--omit=dev', ...npmQuiet], { cwd: vscodeDir }),
  );

  const nodeGyp = await findNodeGyp();
  for (const name of nativeModules) {
    const moduleDir = path.join(vscodeDir, 'node_modules', name);
    if (!existsSync(path.join(moduleDir, 'binding.gyp'))) {
      throw new Error(`expected a native module at ${moduleDir} (binding.gyp missing); is code-server@${codeServerVersion} laid out differently?`);
    }
    await step(`node-gyp rebuild ${name}`, () =>
      run(nodeGyp.command, [...nodeGyp.args, 'rebuild', '--jobs=max'], {
        cwd: moduleDir,
        // Headers of the running Node come from Debian's nodejs package; node-gyp would otherwise download them.
        env: { ...process.env, npm_config_nodedir: nodeHeadersDir() },
      }),
    );
  }

  // @vscode/ripgrep's postinstall downloads rg from GitHub; Debian's ripgrep does the same job.
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  await fs.mkdir(rgDir, { recursive: true });
  await fs.rm(path.join(rgDir, 'rg'), { force: true });
  await fs.symlink('/usr/bin/rg', path.join(rgDir, 'rg'));
  // The server resolves some modules through `node_modules.asar` (an Electron-ism).
  await fs.rm(path.join(vscodeDir, 'node_modules.asar'), { force: true });
  await fs.symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));

  await fs.writeFile(
    markerPath(toolsDir),
    `${JSON.stringify({ codeServerVersion, vscodeVersion, node: process.version, installedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${vscodeDir}`);
  return vscodeDir;
}

function nodeHeadersDir(): string {
  return process.env['npm_config_nodedir'] ?? '/usr';
}

async function checkPrerequisites(): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    throw new Error(`code-server@${codeServerVersion} (VS Code ${vscodeVersion}) needs Node 20; this is Node ${process.versions.node}`);
  }
  const missing: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) missing.push(what);
  };
  need(existsSync('/usr/bin/rg'), '/usr/bin/rg (Debian package: ripgrep)');
  need(await onPath('g++'), 'g++ (Debian package: g++)');
  need(await onPath('make'), 'make (Debian package: make)');
  need(await onPath('python3'), 'python3 (Debian package: python3)');
  need(
    existsSync(path.join(nodeHeadersDir(), 'include', 'node', 'node_api.h')),
    `Node headers in ${nodeHeadersDir()}/include/node (Debian package: libnode-dev or nodejs with headers)`,
  );
  if (missing.length > 0) {
    throw new Error(`cannot build the VS Code server, missing:\n  ${missing.join('\n  ')}\nInstall them with apt-get (see scripts/ensureSystem.mjs).`);
  }
}

async function onPath(command: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir !== '' && existsSync(path.join(dir, command))) return true;
  }
  return false;
}

/** npm's bundled node-gyp (no download); falls back to `npx node-gyp`. */
async function findNodeGyp(): Promise<{ command: string; args: string[] }> {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return { command: process.execPath, args: [candidate] };
  }
  return { command: 'npx', args: ['--yes', 'node-gyp'] };
}

interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion; on failure the error carries the tail of its output. */
function run(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const tail = output.split('\n').slice(-40).join('\n');
        reject(new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed with ${signal ?? `exit code ${code}`}:\n${tail}`));
      }
    });
  });
}

/** A free TCP port on 127.0.0.1 (racy by nature; the server start fails loudly if it was taken). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartServerOptions {
  /** `lib/vscode` of the install; default: installs if needed. */
  readonly vscodeDir?: string;
  /** Server state (`--server-data-dir`), e.g. a per-run temp dir. */
  readonly serverDataDir: string;
  /** `--user-data-dir` (user settings, logs). */
  readonly userDataDir: string;
  /** `--extensions-dir`; the server's default is under the server data dir. */
  readonly extensionsDir?: string;
  /** Default true. Pass false to test untrusted workspaces. */
  readonly disableWorkspaceTrust?: boolean;
  readonly port?: number;
  /** Extra environment for the server and so for its extension host and terminals. */
  readonly env?: Readonly<Record<string, string>>;
  /** The server's stdout and stderr are appended here. */
  readonly logFile?: string;
  /** Also echo the server's output to our stdout. */
  readonly echo?: boolean;
  readonly startTimeoutMs?: number;
}

export interface VscodeServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly baseUrl: string;
  readonly pid: number;
  /** Kills the server's process group (server, extension host, pty host) and waits for the server to exit. */
  stop(): Promise<void>;
}

export async function startVscodeServer(options: StartServerOptions): Promise<VscodeServer> {
  const vscodeDir = options.vscodeDir ?? (await installVscodeServer());
  const port = options.port ?? (await freePort());
  await fs.mkdir(options.serverDataDir, { recursive: true });
  await fs.mkdir(options.userDataDir, { recursive: true });
  const args = [
    path.join(vscodeDir, 'out', 'server-main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--server-data-dir', options.serverDataDir,
    '--user-data-dir', options.userDataDir,
  ];
  if (options.disableWorkspaceTrust ?? true) args.push('--disable-workspace-trust');
  if (options.extensionsDir !== undefined) {
    await fs.mkdir(options.extensionsDir, { recursive: true });
    args.push('--extensions-dir', options.extensionsDir);
  }

  const child = spawn(process.execPath, args, {
    cwd: vscodeDir,
    // Own process group, so stop() reaches the extension host and the pty host too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let earlyOutput = '';
  const logStream = options.logFile !== undefined ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const onOutput = (chunk: Buffer): void => {
    if (earlyOutput.length < 20_000) earlyOutput += chunk.toString();
    logStream?.write(chunk);
    if (options.echo === true) process.stdout.write(chunk);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(' ')}`);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await killGroup(child, pid, exited);
    logStream?.end();
  };

  try {
    await waitForHttp(baseUrl, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nserver output:\n${earlyOutput}`, { cause: error });
  }
  return { port, baseUrl, pid, stop };
}

async function killGroup(child: ChildProcess, pid: number, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  };
  signalGroup('SIGTERM');
  const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
  if ((await Promise.race([exited, timeout(5_000)])) === 'timeout') {
    signalGroup('SIGKILL');
    await Promise.race([exited, timeout(5_000)]);
  }
  // The server exiting does not take its extension host with it on SIGTERM; make sure the group is gone.
  signalGroup('SIGKILL');
}

async function waitForHttp(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the VS Code server exited (${child.exitCode ?? child.signalCode}) before answering on ${baseUrl}`);
    }
    const status = await httpStatus(`${baseUrl}/version`).catch(() => undefined);
    if (status !== undefined && status < 500) return;
    if (Date.now() > deadline) throw new Error(`the VS Code server did not answer on ${baseUrl} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
  });
}

/**
 * Installs a packaged extension into `extensionsDir` with the server's own CLI
 * (`--install-extension X.vsix --extensions-dir E`); start the server with the
 * same `extensionsDir` to load it. Returns the folder the extension landed in.
 */
export async function installVsixIntoServer(
  vsixPath: string,
  extensionsDir: string,
  options: { readonly vscodeDir?: string; readonly serverDataDir?: string } = {},
): Promise<string> {
  if (!existsSync(vsixPath)) throw new Error(`no such .vsix: ${vsixPath}`);
  const vscodeDir = options.vscodeDir ?? (await installVscodeServer());
  await fs.mkdir(extensionsDir, { recursive: true });
  const before = new Set(await fs.readdir(extensionsDir));
  const args = [
    path.join(vscodeDir, 'out', 'server-main.js'),
    '--install-extension', path.resolve(vsixPath),
    '--extensions-dir', extensionsDir,
    '--accept-server-license-terms',
  ];
  if (options.serverDataDir !== undefined) args.push('--server-data-dir', options.serverDataDir);
  const output = await run(process.execPath, args, { cwd: vscodeDir });
  if (!/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsixPath} did not report success:\n${output}`);
  }
  const added = (await fs.readdir(extensionsDir)).filter((name) => !before.has(name) && !name.startsWith('.') && name !== 'extensions.json');
  const folder = added[0];
  if (folder === undefined) {
    // Reinstalling the same version into the same dir adds nothing new; that is still a success.
    return extensionsDir;
  }
  return path.join(extensionsDir, folder);
}

export interface WorkbenchUrlOptions {
  /** From {@link VscodeServer.baseUrl}. */
  readonly baseUrl: string;
  /** Absolute path of the folder to open (on the server's file system). */
  readonly folder: string;
  /** Absolute path of an extension to load as "under development" (like `--extensionDevelopmentPath`). */
  readonly extensionDevelopmentPath?: string;
  /** Absolute path of a module exporting `run(): Promise<void>` (like `--extensionTestsPath`). */
  readonly extensionTestsPath?: string;
}

/**
 * The workbench URL that opens `folder` and, through the `payload` query
 * parameter, loads an extension under development and/or runs extension tests
 * in the remote extension host. The server ignores `--extensionDevelopmentPath`
 * on its own command line; the web workbench reads these from `payload`, as
 * `@vscode/test-web` does. Paths become `vscode-remote://HOST:PORT/abs/path`.
 */
export function workbenchUrl(options: WorkbenchUrlOptions): string {
  const base = new URL(options.baseUrl);
  const remote = (absPath: string): string => `vscode-remote://${base.host}${encodeURI(path.resolve(absPath))}`;
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath !== undefined) payload.push(['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]);
  if (options.extensionTestsPath !== undefined) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  const url = new URL('/', base);
  url.searchParams.set('folder', path.resolve(options.folder));
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** Chromium arguments for the workbench in a headless Debian `chromium`. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const chromiumExecutable = '/usr/bin/chromium';

if (require.main === module) {
  // `npx tsx scripts/vscodeServer.ts` installs (or checks) the server and prints its path.
  installVscodeServer().then(
    (dir) => process.stdout.write(`${dir}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
