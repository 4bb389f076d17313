/**
 * Our Include globbing (src/core/sshConfig/glob.ts through src/node/configFiles.ts)
 * against OpenSSH's own: each file sets a distinct `SendEnv` name, which is
 * multi-valued and kept in order, so `ssh -G` shows exactly which files ssh
 * included and in which order. Portable OpenSSH globs with its bundled
 * OpenBSD glob(3), on bytes: `?` is one byte, `^` does not negate.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeIncludeFiles } from '../../src/node/configFiles';

const execFileAsync = promisify(execFile);

const files = [
  'd/b.conf',
  'd/a.conf',
  'd/a1.conf',
  'd/B.conf',
  'd/.h.conf',
  'd/x y.conf',
  'd/[x].conf',
  'd/é.conf',
  'd/c',
  'd/z.conf.bak',
  'd/sub/x.conf',
  'e/x.conf',
  '.hidden/x.conf',
];

const patterns = ['d/*.conf', 'd/*', 'd/[ab]*', 'd/[!a]*.conf', 'd/[^a]*.conf', 'd/?.conf', 'd/??.conf', 'd/[[:upper:]]*', 'd/[]x]*', 'd/\\[x].conf', 'd/.h*', '*/x.conf', 'd/*/x.conf', 'd/nothing*', 'd/c', 'd/missing'];

describe('Include globbing agrees with OpenSSH (ssh -G)', function () {
  this.timeout(30_000);
  let dir: string;
  const variable = new Map<string, string>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-glob-'));
    for (const [i, f] of files.entries()) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), `SendEnv F${i}\n`);
      variable.set(join(dir, f), `F${i}`);
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('[F18] an included directory reads as an empty file, as ssh reads it; a FIFO reads as unreadable (no hang)', async () => {
    const config = join(dir, 'config');
    await writeFile(config, `Include "${dir}/d/sub"\n`);
    await execFileAsync('ssh', ['-G', '-F', config, 'somehost']);
    assert.equal(nodeIncludeFiles.read(join(dir, 'd', 'sub')), '');
    await execFileAsync('mkfifo', [join(dir, 'fifo')]);
    assert.equal(nodeIncludeFiles.read(join(dir, 'fifo')), undefined);
    assert.equal(nodeIncludeFiles.read(join(dir, 'd', 'a.conf')), 'SendEnv F1\n');
  });

  for (const pattern of patterns) {
    it(`Include ${pattern}`, async () => {
      const absolute = `${dir}/${pattern}`;
      const config = join(dir, 'config');
      await writeFile(config, `Include "${absolute}"\n`);
      const { stdout } = await execFileAsync('ssh', ['-G', '-F', config, 'somehost']);
      const theirs = [...stdout.matchAll(/^sendenv (\S+)$/gm)].map((m) => m[1]);
      // A matched directory is included as an empty file by ssh: it sets nothing.
      const ours = nodeIncludeFiles
        .glob(absolute)
        .filter((p) => !statSync(p).isDirectory())
        .map((p) => variable.get(p) ?? `unknown ${p}`);
      assert.deepEqual(ours, theirs);
    });
  }
});
