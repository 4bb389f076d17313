import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { runCliUntil } from '../fixtures/cliWatch';
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

  it('dist/extension.js leaves vscode external and loads ssh2 from dist/ssh2.js, which names no native module but ssh2\'s optional ones', async () => {
    const text = await readFile(join(root, 'dist', 'extension.js'), 'utf8');
    assert.match(text, /require\("vscode"\)/);
    assert.match(text, /require\("\.\/ssh2\.js"\)/);
    assert.deepEqual([...text.matchAll(/require\("([^"]*\.node|cpu-features)"\)/g)].map((m) => m[1]), [], 'ssh2 is bundled into extension.js');
    // ssh2 (the heartbeat probe) tries its natives inside try/catch and falls back to JavaScript;
    // the test below proves the bundle works without them.
    const ssh2 = await readFile(join(root, 'dist', 'ssh2.js'), 'utf8');
    const natives = [...ssh2.matchAll(/require\("([^"]*\.node|cpu-features)"\)/g)].map((m) => m[1]);
    assert.ok(natives.length > 0, 'dist/ssh2.js is not ssh2');
    assert.deepEqual(natives.filter((n) => !/(^|\/)sshcrypto\.node$|^cpu-features$/.test(n ?? '')), []);
  });

  it('the CLI loads ssh2 only when it probes: lint runs without dist/ssh2.js beside it, watch with it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-nossh2-'));
    try {
      await copyFile(join(root, 'dist', 'cli.js'), join(dir, 'cli.js'));
      await writeFile(join(dir, 'config'), 'Host lo\n  HostName 127.0.0.1\n  Port 1\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 10\n');
      const lint = await execFileAsync(process.execPath, [join(dir, 'cli.js'), 'lint', join(dir, 'config')]);
      assert.equal(lint.stdout, 'No problems found in 1 file.\n');
      // With ssh2.js beside it, the probe loads it and reaches the port (127.0.0.1:1 refuses at once).
      await copyFile(join(root, 'dist', 'ssh2.js'), join(dir, 'ssh2.js'));
      const watch = await runCliUntil(join(dir, 'cli.js'), ['watch', '--json', '-F', join(dir, 'config'), 'lo'], (out) => out.includes('\n'), {}, 10_000);
      assert.match(watch.stdout, /"state":"down".*connection refused/, `${watch.stdout}${watch.stderr}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
