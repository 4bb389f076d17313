import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { placeSshdMessages } from '../../src/core/sshConfig/effective';
import { findSshd, SshdValidator, type SshdCheck } from '../../src/node/sshdValidate';

type Checked = Extract<SshdCheck, { kind: 'checked' }>;

/** `line:char-line:char severity message` per finding, as the editor would place them. */
function placed(text: string, check: SshdCheck): string[] {
  assert.equal(check.kind, 'checked', JSON.stringify(check));
  const c = check as Checked;
  return placeSshdMessages(text, c.file, c.report).map((f) => `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.severity} ${f.message}`);
}

describe('sshd -t validator (real sshd)', () => {
  let root: string;
  let validator: SshdValidator;

  before(async () => {
    if ((await findSshd()) === undefined) {
      throw new Error('sshd is not installed: install the OpenSSH server (Debian/Ubuntu: sudo apt-get install openssh-server)');
    }
    root = await mkdtemp(path.join(tmpdir(), 'lifeline-sshd-t-'));
    validator = new SshdValidator({ tmpRoot: root });
  });

  after(async () => {
    validator?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('a good file passes with nothing to say', async () => {
    const check = await validator.check('Port 2222\nClientAliveInterval 30\nClientAliveCountMax 3\nMatch User alice\n    X11Forwarding no\n');
    assert.equal(check.kind, 'checked');
    assert.equal((check as Checked).exitCode, 0);
    assert.deepEqual((check as Checked).report.messages, []);
  });

  it('[F23] unknown and client-only keywords are errors on the keyword; a bad value stops sshd on its line', async () => {
    const text = ['# broken', 'Port 2222', 'ServerAliveInterval 30', 'Frobnicate yes', 'ClientAliveInterval soon', 'PermitRootLogin maybe', ''].join('\n');
    assert.deepEqual(placed(text, await validator.check(text)), [
      '2:0-2:19 error Bad configuration option: ServerAliveInterval',
      '3:0-3:10 error Bad configuration option: Frobnicate',
      // Fatal: sshd stops here, so line 5 is never reached.
      '4:20-4:24 error invalid time value',
    ]);
  });

  it('deprecated options are warnings; a keyword Match does not allow is an error', async () => {
    const text = ['Port 2222', 'UsePrivilegeSeparation sandbox', 'Match User alice', '    Port 2200', ''].join('\n');
    assert.deepEqual(placed(text, await validator.check(text)), [
      '1:0-1:22 warning Deprecated option UsePrivilegeSeparation',
      "3:4-3:8 error Directive 'Port' is not allowed within a Match block",
    ]);
  });

  it('[F23] a bad Match condition carries sshd’s explanation', async () => {
    const text = 'Port 22\nMatch Frobnicate bar\n';
    assert.deepEqual(placed(text, await validator.check(text)), ['1:6-1:20 error Bad Match condition (Unsupported Match attribute Frobnicate)']);
  });

  it('[F23] an error in an included file is shown on the Include line with the file named', async () => {
    const included = path.join(root, 'included.conf');
    await writeFile(included, 'Port 22\nBogus 1\n');
    const text = `Port 22\nInclude ${included}\n`;
    assert.deepEqual(placed(text, await validator.check(text)), [`1:0-1:${8 + included.length} error ${included} line 2: Bad configuration option: Bogus`]);
  });

  it('[F23] host keys the file names but this user cannot load are not the file’s problem', async () => {
    const check = await validator.check('Port 22\nHostKey /nonexistent/lifeline_host_key\n');
    assert.equal((check as Checked).exitCode, 0);
    assert.deepEqual((check as Checked).report.messages, []);
    assert.deepEqual((check as Checked).report.ignored, ['Unable to load host key: /nonexistent/lifeline_host_key']);
  });

  it('CRLF line endings: sshd counts the same lines', async () => {
    const text = 'Port 22\r\nFrobnicate x\r\n';
    assert.deepEqual(placed(text, await validator.check(text)), ['1:0-1:10 error Bad configuration option: Frobnicate']);
  });

  it('[F23] works in one private directory with one throwaway key, and leaves no copies behind', async () => {
    const dir = validator.workingDirectory;
    assert.ok(dir !== undefined && dir.startsWith(root));
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const key = path.join(dir, 'host_ed25519_key');
    const before = (await stat(key)).mtimeMs;
    await validator.check('Port 22\n');
    assert.equal(validator.workingDirectory, dir);
    assert.equal((await stat(key)).mtimeMs, before, 'the host key is made once per session');
    assert.deepEqual((await readdir(dir)).sort(), ['host_ed25519_key', 'host_ed25519_key.pub']);
  });

  it('dispose removes the directory', async () => {
    const other = new SshdValidator({ tmpRoot: root });
    assert.equal((await other.check('Port 22\n')).kind, 'checked');
    const dir = other.workingDirectory;
    assert.ok(dir !== undefined && existsSync(dir));
    other.dispose();
    assert.equal(existsSync(dir), false);
  });

  it('without sshd it says so, with what to install', async () => {
    const none = new SshdValidator({ tmpRoot: root, findSshd: () => Promise.resolve(undefined) });
    const check = await none.check('Port 22\n');
    assert.equal(check.kind, 'unavailable');
    assert.match((check as { reason: string }).reason, /openssh-server/);
  });

  it('runs the sshd it is given for a check (sshLifeline.sshd.path), with the same arguments', async () => {
    const real = await findSshd();
    const dir = await mkdtemp(path.join(root, 'chosen-'));
    const argvLog = path.join(dir, 'argv');
    const wrapper = path.join(dir, 'sshd-wrapper');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${real ?? '/usr/sbin/sshd'}' "$@"\n`, { mode: 0o755 });
    const text = 'Port 2222\nServerAliveInterval 30\n';
    const check = await validator.check(text, { sshd: wrapper });
    assert.deepEqual(placed(text, check), ['1:0-1:19 error Bad configuration option: ServerAliveInterval']);
    const lines = (await readFile(argvLog, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^-t -f \S+\/sshd_config\.\d+ -h \S+\/host_ed25519_key$/);
    // Without one, the sshd found is used again.
    assert.equal((await validator.check('Port 22\n')).kind, 'checked');
    assert.equal((await readFile(argvLog, 'utf8')).trim().split('\n').length, 1);
  });

  it('a chosen sshd that cannot be run fails that check and names it', async () => {
    const missing = path.join(root, 'no-such-dir', 'sshd');
    const check = await validator.check('Port 22\n', { sshd: missing });
    assert.deepEqual(check, { kind: 'failed', reason: `${missing} not found` });
  });

  it('finds sshd in /usr/sbin or an absolute PATH entry, never a relative one', async () => {
    const found = await findSshd({ PATH: '' });
    assert.ok(found === undefined || found === '/usr/sbin/sshd');
    const fakeDir = await mkdtemp(path.join(root, 'bin-'));
    await writeFile(path.join(fakeDir, 'sshd'), '#!/bin/sh\n', { mode: 0o755 });
    if (found === undefined) {
      assert.equal(await findSshd({ PATH: fakeDir }), path.join(fakeDir, 'sshd'));
    }
    assert.equal(await findSshd({ PATH: path.relative(process.cwd(), fakeDir) }), found, 'a relative PATH entry is skipped');
  });
});
