import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { parseSshArgs } from '../../src/core/sshArgs/parse';
import { EVALUATED_KEYS } from '../../src/core/sshConfig/evaluate';
import { resolveSessionTarget, sshGArgsFor, TargetResolver, type ResolveOptions, type TargetResolution } from '../../src/node/resolveTarget';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

function ok(r: TargetResolution): Extract<TargetResolution, { source: string }> {
  if ('error' in r) {
    assert.fail(`resolution failed: ${r.error.reason}: ${r.error.message}`);
  }
  return r;
}
const one = (r: TargetResolution, key: string): string | undefined => ok(r).options.get(key)?.[0];

describe('session target resolution', () => {
  let sshd: SshdFixture;
  let dir: string;
  let base: ResolveOptions;
  /** A stand-in for ssh that records each run, then runs the real one. */
  let countingSsh: string;
  let runs: string;

  before(async () => {
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'lifeline-resolve-'));
    base = { trusted: true, cwd: dir, env: process.env, home: userInfo().homedir };
    runs = join(dir, 'runs.log');
    countingSsh = join(dir, 'counting-ssh');
    await writeFile(countingSsh, `#!/bin/sh\necho "$*" >> '${runs}'\nexec ssh "$@"\n`);
    await chmod(countingSsh, 0o755);
  });

  after(async () => {
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const runCount = async (): Promise<number> => (existsSync(runs) ? (await readFile(runs, 'utf8')).split('\n').filter((l) => l !== '').length : 0);

  it('asks ssh -G in a trusted workspace, with the session’s own options and without its remote command', async () => {
    const r = await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, '-tt', sshd.host, 'tmux', 'new', '-A', '-s', 'main'] }, base);
    assert.equal(ok(r).source, 'ssh -G');
    assert.equal(one(r, 'hostname'), sshd.address);
    assert.equal(one(r, 'port'), String(sshd.port));
    assert.equal(one(r, 'user'), sshd.user);
    assert.equal(one(r, 'requesttty'), 'force');
    assert.equal(ok(r).options.has('remotecommand'), false);
  });

  it('[F15,F16] evaluates the files itself in an untrusted workspace and spawns nothing', async () => {
    const before = await runCount();
    const r = await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, sshd.host] }, { ...base, trusted: false, program: countingSsh });
    assert.equal(ok(r).source, 'own');
    assert.equal(one(r, 'hostname'), sshd.address);
    assert.equal(one(r, 'port'), String(sshd.port));
    assert.equal(await runCount(), before, 'no program ran');
  });

  it('gives the same answer both ways for the fixture host', async () => {
    const trusted = ok(await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, sshd.host] }, base));
    const own = ok(await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, sshd.host] }, { ...base, trusted: false }));
    for (const key of EVALUATED_KEYS) {
      assert.deepEqual(own.options.get(key), trusted.options.get(key), key);
    }
  });

  it('agrees with ssh -G on the machine’s own files when there is no -F (user file, then the system file and its Includes)', async () => {
    for (const argv of [['lifeline-default-probe'], ['-p', '2022', 'u@Other.Example']]) {
      const trusted = ok(await resolveSessionTarget({ sshArgs: argv }, base));
      const own = ok(await resolveSessionTarget({ sshArgs: argv }, { ...base, trusted: false }));
      assert.equal(own.source, 'own');
      for (const key of EVALUATED_KEYS) {
        assert.deepEqual(own.options.get(key), trusted.options.get(key), `${key} for ${argv.join(' ')}`);
      }
    }
  });

  it('[F15] never runs Match exec when untrusted, and says it did not', async () => {
    const marker = join(dir, 'exec-ran');
    const config = join(dir, 'exec.conf');
    await writeFile(config, `Match exec "touch '${marker}'"\n  Port 2022\nHost *\n  Port 2200\n`);
    const r = ok(await resolveSessionTarget({ sshArgs: ['-F', config, 'h'] }, { ...base, trusted: false }));
    assert.equal(r.options.get('port')?.[0], '2200');
    assert.match(r.unevaluated.join('\n'), /Match exec "touch/);
    assert.equal(existsSync(marker), false, 'the exec command ran');
  });

  it('keeps the command line’s user and port when options follow the destination', async () => {
    const r = await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, 'bob@testhost', '-l', 'carol', '-p', '1'] }, base);
    assert.equal(one(r, 'user'), 'bob');
    assert.equal(one(r, 'port'), '1');
    assert.deepEqual(sshGArgsFor(parseSshArgs(['bob@h', '-l', 'carol', '-f', '-E', '/tmp/log', '-W', 'x:1', 'cmd']), undefined), {
      args: ['-G', '-l', 'bob', '--', 'bob@h'],
    });
  });

  it('reads a relative -F from the ssh process’s working directory', async () => {
    const cwd = join(dir, 'project');
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, 'ssh.conf'), 'Host rel\n  HostName rel.example.org\n  Port 2345\n');
    for (const trusted of [true, false]) {
      const r = await resolveSessionTarget({ sshArgs: ['-F', 'ssh.conf', 'rel'] }, { ...base, trusted, processCwd: cwd });
      assert.equal(one(r, 'hostname'), 'rel.example.org', `trusted ${trusted}`);
      assert.equal(one(r, 'port'), '2345');
    }
    const unknown = await resolveSessionTarget({ sshArgs: ['-F', relative(process.cwd(), join(cwd, 'ssh.conf')), 'rel'] }, { ...base });
    assert.ok('error' in unknown && unknown.error.reason === 'relative-config');
  });

  it('remembers an answer until a config file (or one it includes) changes', async () => {
    const config = join(dir, 'cached.conf');
    const included = join(dir, 'included.conf');
    await writeFile(config, `Include ${included}\nHost *\n  Port 3000\n`);
    await writeFile(included, 'Host c\n  User first\n');
    const resolver = new TargetResolver();
    const options = { ...base, program: countingSsh };
    const start = await runCount();
    assert.equal(one(await resolver.resolve(['-F', config, 'c'], options), 'user'), 'first');
    assert.equal(one(await resolver.resolve(['-F', config, 'c'], options), 'user'), 'first');
    assert.equal(await runCount(), start + 1, 'the second scan did not run ssh');
    await writeFile(included, 'Host c\n  User second\n');
    const later = new Date(Date.now() + 5_000);
    await utimes(included, later, later);
    assert.equal(one(await resolver.resolve(['-F', config, 'c'], options), 'user'), 'second');
    assert.equal(await runCount(), start + 2);
  });

  it('falls back to its own evaluation when ssh -G hangs', async () => {
    const slow = join(dir, 'slow-ssh');
    await writeFile(slow, '#!/bin/sh\nexec sleep 30\n');
    await chmod(slow, 0o755);
    const r = ok(await resolveSessionTarget({ sshArgs: ['-F', sshd.configPath, sshd.host] }, { ...base, program: slow, timeoutMs: 300 }));
    assert.equal(r.source, 'own');
    assert.match(r.fallback ?? '', /did not answer within 300 ms/);
    assert.equal(r.options.get('port')?.[0], String(sshd.port));
  });

  it('reports what ssh refuses, with ssh’s own words', async () => {
    const bad = join(dir, 'bad.conf');
    await writeFile(bad, 'Host *\n  NoSuchOption yes\n');
    const r = await resolveSessionTarget({ sshArgs: ['-F', bad, 'h'] }, base);
    assert.ok('error' in r, 'an error');
    assert.equal(r.error.reason, 'ssh-refused');
    assert.match(r.error.message, /Bad configuration option/);
  });
});
