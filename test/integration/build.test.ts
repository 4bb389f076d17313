import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('build output', () => {
  it('dist/cli.js is an executable node script that prints the version', async () => {
    const cli = join(root, 'dist', 'cli.js');
    const st = await stat(cli).catch(() => {
      throw new Error('dist/cli.js is missing: run `npm run build` first');
    });
    assert.ok((st.mode & 0o111) !== 0, 'dist/cli.js is not executable');
    assert.ok((await readFile(cli, 'utf8')).startsWith('#!/usr/bin/env node\n'));
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await execFileAsync(cli, ['--version']);
    assert.equal(stdout, `ssh-lifeline ${version}\n`);
  });

  it('dist/extension.js leaves vscode external and names no native module but ssh2\'s optional ones', async () => {
    const text = await readFile(join(root, 'dist', 'extension.js'), 'utf8');
    assert.match(text, /require\("vscode"\)/);
    // ssh2 (the heartbeat probe) tries its natives inside try/catch and falls back to JavaScript;
    // the test below proves the bundle works without them.
    const natives = [...text.matchAll(/require\("([^"]*\.node|cpu-features)"\)/g)].map((m) => m[1]);
    assert.ok(natives.length > 0, 'ssh2 is bundled');
    assert.deepEqual(natives.filter((n) => !/(^|\/)sshcrypto\.node$|^cpu-features$/.test(n ?? '')), []);
  });

  describe('ssh2 bundled with the extension\'s options', () => {
    let sshd: SshdFixture;
    let dir: string;

    before(async () => {
      sshd = await startSshd();
      dir = await mkdtemp(join(tmpdir(), 'lifeline-bundle-'));
    });

    after(async () => {
      await sshd?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('connects, verifies the host key and runs a command without its native modules', async () => {
      const { sharedOptions } = (await import(join(root, 'esbuild.mjs'))) as { sharedOptions: Record<string, unknown> };
      const outfile = join(dir, 'ssh2Entry.js');
      await build({ ...sharedOptions, entryPoints: [join(__dirname, 'bundle', 'ssh2Entry.ts')], outfile, sourcemap: false, logLevel: 'silent' });
      const bundled = await readFile(outfile, 'utf8');
      // The natives are referenced (inside ssh2's try/catch) but not resolvable from the bundle's folder.
      assert.match(bundled, /sshcrypto\.node/);
      const { stdout } = await execFileAsync(process.execPath, [outfile, sshd.address, String(sshd.port), sshd.user, sshd.identityPath, sshd.knownHostsPath], { timeout: 20_000 });
      assert.equal(stdout, 'bundled-ok');
    });
  });
});
