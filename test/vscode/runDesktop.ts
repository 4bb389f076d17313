/**
 * The same suites under desktop VS Code via @vscode/test-electron, on the
 * minimum supported version and on stable (`npm run test:desktop`). It
 * downloads VS Code, so it needs the internet; where there is none, the
 * `vscode` tier (runTests.ts) runs the suites in the VS Code server instead.
 *
 *   npx tsx test/vscode/runDesktop.ts [version…]    (default: 1.93.0 stable)
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startSshd } from '../fixtures/sshd';
import { stopRemoteTmux } from '../fixtures/tmux';
import { bundleSuites, createTestWorkspace, followFile, readSummary, repoRoot, requireBuiltExtension } from './setup';

async function runOn(version: string, suitePath: string, ssh: { configPath: string; host: string; remoteTmuxTmpDir: string }): Promise<boolean> {
  process.stdout.write(`\n── VS Code ${version} (desktop) ──\n`);
  const tmp = await mkdtemp(path.join(tmpdir(), 'lifeline-desktop-'));
  const resultsFile = path.join(tmp, 'results.log');
  await mkdir(path.join(tmp, 'scratch'));
  await createTestWorkspace(path.join(tmp, 'workspace'), {
    pass: 'development',
    repoRoot,
    sshConfigPath: ssh.configPath,
    sshHost: ssh.host,
    remoteTmuxTmpDir: ssh.remoteTmuxTmpDir,
    scratchDir: path.join(tmp, 'scratch'),
    resultsFile,
  });
  const follow = followFile(resultsFile, (text) => process.stdout.write(text));
  try {
    await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suitePath,
      launchArgs: [
        path.join(tmp, 'workspace'),
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${path.join(tmp, 'user-data')}`,
        `--extensions-dir=${path.join(tmp, 'extensions')}`,
      ],
    });
    const summary = await readSummary(resultsFile);
    return summary !== undefined && summary.tests > 0 && summary.failures === 0 && summary.pending === 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  } finally {
    await follow.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  requireBuiltExtension();
  const versions = process.argv.length > 2 ? process.argv.slice(2) : ['1.93.0', 'stable'];
  const suitePath = await bundleSuites();
  const remoteTmuxTmpDir = await mkdtemp(path.join(tmpdir(), 'lifeline-remote-tmux-'));
  // Every remote `tmux` of the suites (typed, or run by a reattach) uses a private server, never the machine's own.
  const sshd = await startSshd({ sshdOptions: { SetEnv: `TMUX_TMPDIR=${remoteTmuxTmpDir}` } });
  try {
    let ok = true;
    for (const version of versions) ok = (await runOn(version, suitePath, { configPath: sshd.configPath, host: sshd.host, remoteTmuxTmpDir })) && ok;
    return ok ? 0 : 1;
  } finally {
    await sshd.stop();
    await stopRemoteTmux(remoteTmuxTmpDir);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
