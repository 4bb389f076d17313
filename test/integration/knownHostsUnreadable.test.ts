import { strict as assert } from 'node:assert';
import { chmod, chown, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyBuiltCli, runCliUntil, type CliRun } from '../fixtures/cliWatch';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

/**
 * Fault-matrix row 8, the unreadable known_hosts: the built CLI's heartbeat
 * (`ssh-lifeline watch`) runs as an unprivileged user whose known_hosts holds
 * the right key but cannot be read. It must fail closed (the host key is not
 * trusted, nothing is sent for authentication) and say why. The same run with
 * a readable copy of the same file comes up, so the test could fail.
 */

const NOBODY = 65534;
const NOGROUP = 65534;

/** Runs `ssh-lifeline watch` as nobody until `done(stdout)` or 15 s, then stops it. */
function watchAsNobody(dir: string, configPath: string, done: (stdout: string) => boolean): Promise<CliRun> {
  return runCliUntil(join(dir, 'cli.js'), ['watch', '-F', configPath, 'testhost'], done, {
    uid: NOBODY,
    gid: NOGROUP,
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, LANG: 'C' },
  });
}

describe('known_hosts the user cannot read (built CLI, run as nobody, real sshd)', function () {
  this.timeout(60_000);
  let sshd: SshdFixture | undefined;
  let dir = '';

  before(async function () {
    assert.equal(process.getuid?.(), 0, 'this test runs as root: it starts the CLI as the user nobody (uid 65534)');
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'lifeline-khunreadable-'));
    await chmod(dir, 0o755);
    // The CLI is one self-contained file; nobody may not be able to reach the repository.
    await copyBuiltCli(dir);
    await copyFile(sshd.identityPath, join(dir, 'id'));
    await chown(join(dir, 'id'), NOBODY, NOGROUP);
    await chmod(join(dir, 'id'), 0o600);
  });

  after(async () => {
    await sshd?.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function setup(name: string, readable: boolean): Promise<{ configPath: string; knownHosts: string }> {
    const s = sshd as SshdFixture;
    const knownHosts = join(dir, `known_hosts-${name}`);
    await copyFile(s.knownHostsPath, knownHosts);
    // root-owned: 0600 is unreadable for nobody, 0644 readable.
    await chmod(knownHosts, readable ? 0o644 : 0o600);
    const configPath = join(dir, `config-${name}`);
    await writeFile(
      configPath,
      [
        'Host testhost',
        '  HostName 127.0.0.1',
        `  Port ${s.port}`,
        `  User ${s.user}`,
        `  IdentityFile ${join(dir, 'id')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '',
      ].join('\n'),
    );
    await chmod(configPath, 0o644);
    return { configPath, knownHosts };
  }

  it('[F8] an unreadable known_hosts fails closed: untrusted host key, nothing sent for authentication, and the log says the file could not be read', async () => {
    const s = sshd as SshdFixture;
    const { configPath, knownHosts } = await setup('unreadable', false);
    const before = await stat(knownHosts);
    const logBefore = (await readFile(s.logPath, 'utf8')).length;
    const run = await watchAsNobody(dir, configPath, (out) => /UNTRUSTED HOST KEY|→ up/.test(out));
    assert.match(run.stdout, /UNTRUSTED HOST KEY/, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.doesNotMatch(run.stdout, /→ up/);
    assert.match(run.stderr, /known_hosts .*known_hosts-unreadable: cannot read it \(EACCES\), so no host key in it is trusted/, run.stderr);
    const after = await stat(knownHosts);
    assert.equal(after.mtimeMs, before.mtimeMs, 'known_hosts untouched');
    assert.equal(after.size, before.size, 'known_hosts untouched');
    const sshdLog = (await readFile(s.logPath, 'utf8')).slice(logBefore);
    assert.doesNotMatch(sshdLog, /userauth-request|Accepted|Failed publickey|Postponed/, sshdLog);
  });

  it('[F8] the same file readable: the host comes up (so the test above could fail)', async () => {
    const { configPath } = await setup('readable', true);
    const run = await watchAsNobody(dir, configPath, (out) => /→ up|UNTRUSTED HOST KEY/.test(out));
    assert.match(run.stdout, /→ up/, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
  });
});
