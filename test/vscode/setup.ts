/** What both runners (server + Chromium, and @vscode/test-electron) prepare the same way. */
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from '../../scripts/vscodeServer';
import { bomFixture, clientFixture, doctorPaths, includeFixture, looseMode, looseModeFixture, serverFixture } from './suite/doctorFixtures';
import { effectivePaths, sshdBrokenFixture, workspaceMarker, workspaceSshConfigFixture } from './suite/effectiveFixtures';
import { testConfigFileName } from './testConfig';
import type { SuiteSummary, TestConfig } from './testConfig';

export { repoRoot };

/** Bundles the suites into `out/test/vscode/suite/index.js` and returns its path. */
export async function bundleSuites(): Promise<string> {
  const outfile = path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'vscode', 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // `vscode` is the extension host's; mocha is required from node_modules at run time.
    external: ['vscode', 'mocha'],
    // As in esbuild.mjs: jsonc-parser's UMD `main` has requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

/** Fails with the command to run when the built extension is missing. */
export function requireBuiltExtension(): void {
  const main = path.join(repoRoot, 'dist', 'extension.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
}

/** `<repo>/ssh-lifeline-<version>.vsix`, or a failure naming `npm run package`. */
export async function requirePackagedVsix(): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const packagedAt = (await fs.stat(vsix)).mtimeMs;
  const newer = (await newestMtime(path.join(repoRoot, 'src'))) > packagedAt || (await fs.stat(path.join(repoRoot, 'package.json'))).mtimeMs > packagedAt;
  if (newer) process.stdout.write(`warning: ${path.basename(vsix)} is older than src/ or package.json; \`npm run package\` to test the current code\n`);
  return vsix;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await fs.stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Writes the test workspace: ssh and sshd config files for the language tests,
 * settings that keep the workbench quiet and screenshots legible, and the
 * {@link TestConfig} the suites read.
 */
export async function createTestWorkspace(dir: string, config: TestConfig): Promise<void> {
  const write = async (relativePath: string, text: string): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(dir, relativePath)), { recursive: true });
    await fs.writeFile(path.join(dir, relativePath), text);
  };
  await write(
    '.ssh/config',
    [
      '# A user ssh_config, opened by the vscode test tier.',
      'Host build-box',
      '    HostName build.example.org',
      '    User alice',
      '    ServerAliveInterval 15',
      '    ServerAliveCountMax 4',
      '',
      'Host *.internal',
      '    ProxyJump bastion.example.org',
      '',
      'Host *',
      '    IdentitiesOnly yes',
      '',
    ].join('\n'),
  );
  await write('sshd_config', ['# A server config.', 'Port 2222', 'ClientAliveInterval 30', 'ClientAliveCountMax 3', ''].join('\n'));
  await write('etc/ssh/ssh_config', ['Host *', '    SendEnv LANG LC_*', ''].join('\n'));
  // The config doctor suite: one file per test, so edits in one do not leak into another.
  for (const file of [doctorPaths.diagnostics, doctorPaths.quickFix, doctorPaths.fixAll, doctorPaths.settings]) await write(file, clientFixture);
  for (const file of [doctorPaths.server, doctorPaths.serverFixAll]) await write(file, serverFixture);
  await write(doctorPaths.looseMode, looseModeFixture);
  await fs.chmod(path.join(dir, doctorPaths.looseMode), looseMode);
  await write(doctorPaths.include, includeFixture(path.join(dir, doctorPaths.include)));
  await write(doctorPaths.bom, bomFixture);
  // The effective-values / sshd -t suite.
  await write(effectivePaths.sshdBroken, sshdBrokenFixture);
  await write(effectivePaths.sshdGated, sshdBrokenFixture);
  await write(effectivePaths.workspaceSshConfig, workspaceSshConfigFixture(path.join(dir, workspaceMarker)));
  await fs.mkdir(path.join(dir, 'terminal-home'), { recursive: true });
  await write(
    '.vscode/settings.json',
    `${JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        // Headless Chromium has no GPU: the DOM renderer keeps terminal text visible in screenshots.
        'terminal.integrated.gpuAcceleration': 'off',
        'terminal.integrated.enablePersistentSessions': false,
        // Terminals get a HOME of their own, without a ~/.bashrc: a machine's rc file can take
        // seconds (one running pyenv init took 10 s), and the terminal tests wait for shell
        // integration. ssh still finds the real ~/.ssh: it takes the home from the passwd entry.
        'terminal.integrated.env.linux': { HOME: path.join(dir, 'terminal-home') },
        // No gallery here: keep the workbench from asking for one.
        'extensions.ignoreRecommendations': true,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
      },
      null,
      2,
    )}\n`,
  );
  await write(testConfigFileName, `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * A do-nothing extension to stand as "the extension under development" when the
 * extension under test is an installed `.vsix`: the workbench only runs
 * `extensionTestsPath` with a development extension, and pointing that at the
 * repository would shadow the installed copy.
 */
export async function writeHarnessExtension(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'lifeline-test-harness', publisher: 'ssh-lifeline-tests', version: '0.0.0', engines: { vscode: '^1.93.0' } }, null, 2)}\n`,
  );
  return dir;
}

/** Prints what the suites append to `file` as it grows; `stop()` prints the rest. */
export function followFile(file: string, print: (text: string) => void): { stop(): Promise<void> } {
  let printed = 0;
  let busy = Promise.resolve();
  const poll = (): Promise<void> =>
    (busy = busy.then(async () => {
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      if (text.length < printed) printed = 0; // truncated: the suite started over
      if (text.length > printed) {
        print(text.slice(printed));
        printed = text.length;
      }
    }));
  const timer = setInterval(() => void poll(), 250);
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await poll();
    },
  };
}

export async function readSummary(resultsFile: string): Promise<SuiteSummary | undefined> {
  try {
    return JSON.parse(await fs.readFile(`${resultsFile}.json`, 'utf8')) as SuiteSummary;
  } catch {
    return undefined;
  }
}
