/**
 * Safe config writes on the real file system (FAULTS.md rows 21 and 22):
 * mode and owner kept, symlinks followed, read-only and changed files left
 * alone, a SIGKILL between temp write and rename harmless, a full disk harmless.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { chmod, chown, link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { backupPathFor, parseTempName, readSnapshot, ReadError, removeStaleTemps, WriteError, writeAtomic } from '../../src/node/atomicWrite';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;

async function rejectsWith<T extends Error>(p: Promise<unknown>, type: new (...args: never[]) => T, check: (e: T) => void): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    check(err);
    return;
  }
  assert.fail(`expected a ${type.name}`);
}

const temps = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => parseTempName(n) !== undefined);

describe('atomic config writes (real file system)', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-write-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('[F22] replaces the content, keeps mode 0600 under umask 000, and keeps a backup of what was read', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    await chmod(file, 0o600);
    const before = await stat(file);
    const umask = process.umask(0);
    try {
      const snap = await readSnapshot(file);
      const result = await writeAtomic(snap, 'new\n');
      assert.equal(result.realPath, file);
      assert.equal(result.backupPath, join(dir, '.config.lifeline-bak'));
    } finally {
      process.umask(umask);
    }
    const after = await stat(file);
    assert.equal(await readFile(file, 'utf8'), 'new\n');
    assert.equal(after.mode & 0o7777, 0o600);
    assert.notEqual(after.ino, before.ino, 'replaced by rename, not rewritten in place');
    const backup = backupPathFor(file);
    assert.equal(await readFile(backup, 'utf8'), 'old\n');
    assert.equal((await stat(backup)).mode & 0o7777, 0o600);
    assert.deepEqual(await temps(dir), []);
  });

  it('keeps other modes too (0640, 0400 is refused below), and writes bytes exactly', async () => {
    const file = join(dir, 'sshd_config');
    await writeFile(file, 'x');
    await chmod(file, 0o640);
    const bytes = Buffer.from('\ufeffPort 22\r\nUser é', 'utf8');
    await writeAtomic(await readSnapshot(file), bytes);
    assert.ok((await readFile(file)).equals(bytes));
    assert.equal((await stat(file)).mode & 0o7777, 0o640);
  });

  it('[F22] writes through a symlink chain to the real file and keeps the links', async () => {
    await mkdir(join(dir, 'dotfiles'));
    const target = join(dir, 'dotfiles', 'ssh_config');
    await writeFile(target, 'old\n');
    await chmod(target, 0o600);
    await mkdir(join(dir, '.ssh'));
    const middle = join(dir, 'middle');
    await symlink('dotfiles/ssh_config', middle);
    const linkPath = join(dir, '.ssh', 'config');
    await symlink('../middle', linkPath);
    const snap = await readSnapshot(linkPath);
    assert.equal(snap.realPath, target);
    const result = await writeAtomic(snap, 'new\n');
    assert.equal(result.realPath, target);
    assert.ok((await lstat(linkPath)).isSymbolicLink());
    assert.equal(await readlink(linkPath), '../middle');
    assert.ok((await lstat(middle)).isSymbolicLink());
    assert.equal(await readFile(target, 'utf8'), 'new\n');
    assert.equal((await stat(target)).mode & 0o7777, 0o600);
    assert.equal(await readFile(join(dir, 'dotfiles', '.ssh_config.lifeline-bak'), 'utf8'), 'old\n', 'the backup sits next to the real file');
    assert.deepEqual(await temps(join(dir, 'dotfiles')), []);
  });

  it('[F22] refuses a read-only file with a clear error and changes nothing', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    await chmod(file, 0o444);
    const snap = await readSnapshot(file);
    await rejectsWith(writeAtomic(snap, 'new\n'), WriteError, (e) => {
      assert.equal(e.reason, 'permission');
      assert.match(e.message, /config is read-only \(mode 0444\); not changing it/);
    });
    assert.equal(await readFile(file, 'utf8'), 'old\n');
    assert.equal((await stat(file)).mode & 0o7777, 0o444);
    assert.deepEqual((await readdir(dir)).sort(), ['config']);
  });

  it('[F22] refuses when the file changed after it was read, and leaves the other writer’s text', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    const snap = await readSnapshot(file);
    await writeFile(file, 'theirs\n');
    await rejectsWith(writeAtomic(snap, 'ours\n'), WriteError, (e) => {
      assert.equal(e.reason, 'changed');
      assert.match(e.message, /changed since it was read \(its content changed\); not overwriting it/);
    });
    assert.equal(await readFile(file, 'utf8'), 'theirs\n');
    assert.deepEqual((await readdir(dir)).sort(), ['config']);
  });

  it('[F22] refuses a change that lands while the temp file is being written (checked again right before the rename)', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    const snap = await readSnapshot(file);
    await rejectsWith(
      writeAtomic(snap, 'ours\n', {
        beforeRename: async () => {
          await writeFile(file, 'theirs\n');
        },
      }),
      WriteError,
      (e) => assert.equal(e.reason, 'changed'),
    );
    assert.equal(await readFile(file, 'utf8'), 'theirs\n');
    assert.deepEqual(await temps(dir), [], 'the temp file is removed');
  });

  it('[F22] refuses when the mode changed or the symlink was pointed elsewhere', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'same\n');
    await chmod(file, 0o600);
    let snap = await readSnapshot(file);
    await chmod(file, 0o644);
    await rejectsWith(writeAtomic(snap, 'x'), WriteError, (e) => assert.match(e.message, /its mode changed to 644/));

    const other = join(dir, 'other');
    await writeFile(other, 'same\n');
    const linkPath = join(dir, 'link');
    await symlink('config', linkPath);
    snap = await readSnapshot(linkPath);
    await rm(linkPath);
    await symlink('other', linkPath);
    await rejectsWith(writeAtomic(snap, 'x'), WriteError, (e) => {
      assert.equal(e.reason, 'changed');
      assert.match(e.message, /now points to .*other instead of .*config/);
    });
    assert.equal(await readFile(other, 'utf8'), 'same\n');
  });

  it('refuses a file with other hard links (a rename would split them)', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    await link(file, join(dir, 'hardlink'));
    await rejectsWith(writeAtomic(await readSnapshot(file), 'new\n'), WriteError, (e) => assert.equal(e.reason, 'linked'));
    assert.equal(await readFile(join(dir, 'hardlink'), 'utf8'), 'old\n');
  });

  it('keeps the owner and group when running as root', async function () {
    if (!isRoot) {
      throw new Error('this check needs root (CI runs the integration tier as root)');
    }
    const file = join(dir, 'config');
    await writeFile(file, 'old\n');
    await chown(file, 65534, 65534);
    await chmod(file, 0o600);
    await writeAtomic(await readSnapshot(file), 'new\n');
    const st = await stat(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [65534, 65534, 0o600]);
    const bst = await stat(backupPathFor(file));
    assert.deepEqual([bst.uid, bst.gid], [65534, 65534]);
  });

  it('reports missing files, directories and devices as typed read errors', async () => {
    await rejectsWith(readSnapshot(join(dir, 'nope')), ReadError, (e) => assert.equal(e.reason, 'missing'));
    await rejectsWith(readSnapshot(dir), ReadError, (e) => assert.equal(e.reason, 'not-a-file'));
    await rejectsWith(readSnapshot('/dev/null'), ReadError, (e) => assert.equal(e.reason, 'not-a-file'));
    const big = join(dir, 'big');
    await writeFile(big, 'x'.repeat(100));
    await rejectsWith(readSnapshot(big, 99), ReadError, (e) => assert.equal(e.reason, 'too-large'));
  });

  it('[F21] SIGKILL between temp write and rename: the original is intact, and the next write removes the leftover', async () => {
    const file = join(dir, 'config');
    await writeFile(file, 'original\n');
    await chmod(file, 0o600);
    const script = join(dir, 'child.ts');
    await writeFile(
      script,
      [
        `import { readSnapshot, writeAtomic } from ${JSON.stringify(join(root, 'src', 'node', 'atomicWrite'))};`,
        'void (async () => {',
        '  const snap = await readSnapshot(process.argv[2] as string);',
        "  await writeAtomic(snap, 'replacement\\n', {",
        '    beforeRename: async (temp) => {',
        "      process.stdout.write(`READY ${temp}\\n`);",
        '      // Hold here (a pending timer keeps the process alive) until the parent kills us.',
        '      await new Promise(() => setInterval(() => undefined, 1000));',
        '    },',
        '  });',
        '})();',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const temp = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (.*)\n/.exec(out);
        if (m?.[1] !== undefined) {
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    assert.equal(await readFile(file, 'utf8'), 'original\n', 'the original is intact');
    assert.equal(await readFile(temp, 'utf8'), 'replacement\n', 'the complete temp file was left behind');
    assert.equal((await stat(temp)).mode & 0o7777, 0o600);
    assert.ok((await readdir(dir)).includes(temp.slice(dir.length + 1)) && temp.slice(dir.length + 1).startsWith('.config.lifeline-tmp-'), 'hidden and recognisable');

    const result = await writeAtomic(await readSnapshot(file), 'next run\n');
    assert.deepEqual(result.staleTempsRemoved, [temp]);
    assert.deepEqual(await temps(dir), []);
    assert.equal(await readFile(file, 'utf8'), 'next run\n');
  });

  it('[F21] leaves alone temp files of a live writer, and anything that only looks similar', async () => {
    const live = join(dir, `.config.lifeline-tmp-${process.ppid}-0123456789ab`);
    const notOurs = join(dir, '.config.lifeline-tmp-notapid');
    await writeFile(live, 'x');
    await writeFile(notOurs, 'x');
    assert.deepEqual(await removeStaleTemps(dir), []);
    // …but a live pid's temp file older than an hour is stale (the pid may have been reused).
    assert.deepEqual(await removeStaleTemps(dir, Date.now() + 2 * 60 * 60 * 1000), [live]);
    assert.deepEqual((await readdir(dir)).sort(), ['.config.lifeline-tmp-notapid']);
  });

  it('[F21] a full disk: typed I/O error, the original intact, no temp file left', async function () {
    if (!isRoot) {
      throw new Error('this check mounts a small tmpfs and needs root (CI runs the integration tier as root)');
    }
    const mnt = join(dir, 'small');
    await mkdir(mnt);
    await execFileAsync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    try {
      const file = join(mnt, 'config');
      await writeFile(file, 'original\n');
      const snap = await readSnapshot(file);
      await rejectsWith(writeAtomic(snap, 'x'.repeat(256 * 1024)), WriteError, (e) => {
        assert.equal(e.reason, 'io');
        assert.match(e.message, /ENOSPC|no space/i);
      });
      assert.equal(await readFile(file, 'utf8'), 'original\n');
      assert.deepEqual((await readdir(mnt)).sort(), ['config']);
    } finally {
      await execFileAsync('umount', [mnt]);
    }
  });
});
