/**
 * `ssh-lifeline lint` as users run it: the built `dist/cli.js` in a child
 * process, on files in temp directories, with HOME pointing at a temp home.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixLoop } from '../../src/core/sshConfig/fixAll';
import type { JsonFileReport } from '../../src/cli/output';
import { lint } from '../../src/core/sshConfig/lint';
import { includeContextFor, localOpenSshVersion, MAX_CONFIG_BYTES } from '../../src/node/configFiles';
import { copyCorpus, opensshVerdict, type Fixture } from '../fixtures/configs/corpus';
import { validateSarif } from '../unit/cliSarifValidator';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '..', '..');
const CLI = join(root, 'dist', 'cli.js');
const isRoot = process.getuid?.() === 0;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly cwd?: string;
  readonly home?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string | Buffer;
  readonly uid?: number;
  readonly gid?: number;
}

function cli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: options.home ?? '/nonexistent', ...options.env };
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const LINE = /^(.+):(\d+):(\d+): (error|warning|info|hint) ([a-z-]+): (.+)$/;

describe('ssh-lifeline lint (built CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  let home: string;
  let version: string;

  before(async () => {
    await stat(CLI).catch(() => {
      throw new Error('dist/cli.js is missing: run `npm run build` first');
    });
    version = localOpenSshVersion('client')?.release ?? assert.fail('ssh -V gave no OpenSSH version: install openssh-client');
  });

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'lifeline-cli-')));
    home = join(dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string | Buffer, mode = 0o600): Promise<string> => {
    const path = join(dir, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  };

  const BROKEN = 'Host a\n    ClientAliveInterval 30\n\nHost *\n    ConnectTimeout 10\n';
  const CLEAN = 'Host a\n    HostName a.example.org\n\nHost *\n    ServerAliveInterval 30\n    ConnectTimeout 10\n';
  const WARNINGS = 'Host *\n    ServerAliveInterval 30\n    ConnectTimeout 10\n\nHost late\n    ServerAliveInterval 10\n';

  describe('text output and exit codes', () => {
    it('prints file:line:col: severity code: message and a summary, exit 1 on an error, no colour when piped', async () => {
      await write('conf/broken.conf', BROKEN);
      const r = await cli(['lint', 'conf/broken.conf'], { cwd: dir, home });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, '');
      const lines = r.stdout.trimEnd().split('\n');
      const findings = lines.slice(0, -1).map((l) => LINE.exec(l) ?? assert.fail(`not a finding line: ${l}`));
      assert.deepEqual(
        findings.map((m) => [m[1], m[2], m[3], m[4], m[5]]),
        [
          ['conf/broken.conf', '1', '1', 'warning', 'keepalive-missing'],
          ['conf/broken.conf', '2', '5', 'error', 'server-only-keyword'],
        ],
      );
      assert.equal(lines.at(-1), '2 findings (1 error, 1 warning, 0 info, 0 hints) in 1 file; 2 can be fixed with --fix.');
      assert.ok(!r.stdout.includes('\x1b'));
    });

    it('exit 0 for a clean file and for warnings only', async () => {
      await write('clean.conf', CLEAN);
      await write('warn.conf', WARNINGS);
      const clean = await cli(['lint', 'clean.conf'], { cwd: dir, home });
      assert.deepEqual([clean.code, clean.stdout, clean.stderr], [0, 'No problems found in 1 file.\n', '']);
      const warn = await cli(['lint', 'warn.conf'], { cwd: dir, home });
      assert.equal(warn.code, 0);
      assert.match(warn.stdout, /warn\.conf:6:5: warning shadowed-setting: /);
    });

    it('exit 2 with a clear message for usage errors, and nothing on stdout', async () => {
      for (const args of [['lint', '--format', 'xml'], ['lint', '--bogus'], ['lint', '--fix', '-'], ['lint', '--type']]) {
        const r = await cli(args, { cwd: dir, home });
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^ssh-lifeline lint: .+\n\nUsage: ssh-lifeline lint/);
      }
    });

    it('exit 2 for a missing file, still reporting the files it could read; --fix then writes nothing', async () => {
      const path = await write('broken.conf', BROKEN);
      const r = await cli(['lint', 'broken.conf', 'missing.conf'], { cwd: dir, home });
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `ssh-lifeline: cannot read ${join(dir, 'missing.conf')}: no such file\n`);
      assert.match(r.stdout, /broken\.conf:2:5: error server-only-keyword/);
      const fixed = await cli(['lint', '--fix', 'broken.conf', 'missing.conf'], { cwd: dir, home });
      assert.equal(fixed.code, 2);
      assert.equal(await readFile(path, 'utf8'), BROKEN);
      assert.deepEqual((await readdir(dir)).sort(), ['broken.conf', 'home']);
    });

    it('[F19] exit 2 for a directory and for a file over the size limit', async () => {
      await mkdir(join(dir, 'adir'));
      await write('huge.conf', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
      const r = await cli(['lint', 'adir', 'huge.conf'], { cwd: dir, home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot read .*adir is not a regular file/);
      assert.match(r.stderr, new RegExp(`cannot read .*huge\\.conf: the file is \\d+ bytes, over the limit of ${MAX_CONFIG_BYTES} bytes`));
    });

    it('lints ~/.ssh/config when no file is given, and says so when it is missing', async () => {
      const missing = await cli(['lint'], { cwd: dir, home });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, new RegExp(`cannot read ${join(home, '.ssh', 'config')}: no such file`));
      await writeFile(join(home, '.ssh', 'config'), CLEAN, { mode: 0o600 });
      const r = await cli(['lint'], { cwd: dir, home });
      assert.deepEqual([r.code, r.stdout], [0, 'No problems found in 1 file.\n']);
    });

    it('a reader that stops early (| head) is no crash: no stack trace, still the lint exit code', async () => {
      await write('dup.conf', `Host a\n${'    Port 22\n'.repeat(20_000)}`);
      const { stdout } = await execFileAsync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} lint --openssh-version 9.2 dup.conf 2>err.txt | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
        cwd: dir,
      });
      assert.equal(await readFile(join(dir, 'err.txt'), 'utf8'), '');
      assert.equal(stdout, '0\n', 'duplicate-keyword is a warning: exit 0');
    });

    it('colours the output for a terminal, not with NO_COLOR', async () => {
      await write('broken.conf', BROKEN);
      const inPty = (env: string): Promise<{ stdout: string }> =>
        execFileAsync('script', ['-qec', `${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} lint broken.conf`, '/dev/null'], {
          cwd: dir,
          env: { PATH: process.env['PATH'] ?? '', HOME: home, TERM: 'xterm' },
        }).catch((e: { stdout: string }) => e);
      assert.ok((await inPty('')).stdout.includes('\x1b[31merror\x1b[0m'), 'no colour in a pty');
      assert.ok(!(await inPty('NO_COLOR=1')).stdout.includes('\x1b['), 'colour despite NO_COLOR');
    });
  });

  describe('json and sarif', () => {
    it('json: one entry per file, 1-based positions matching the core, fixable flags', async () => {
      const path = await write('broken.conf', BROKEN);
      await write('clean.conf', CLEAN);
      const r = await cli(['lint', '--format', 'json', '--openssh-version', version, 'broken.conf', 'clean.conf'], { cwd: dir, home });
      assert.equal(r.code, 1);
      const json = JSON.parse(r.stdout) as JsonFileReport[];
      assert.deepEqual(json.map((f) => f.file), ['broken.conf', 'clean.conf']);
      assert.deepEqual(json[1]?.findings, []);
      const core = lint(BROKEN, { side: 'client', opensshVersion: version, includes: includeContextFor(path, { home, env: {} }), permissions: { mode: 0o600, checkedBySsh: false } });
      assert.deepEqual(
        json[0]?.findings,
        core.map((f) => ({
          code: f.code,
          severity: f.severity,
          message: f.message,
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          endLine: f.range.end.line + 1,
          endColumn: f.range.end.character + 1,
          fixable: true,
        })),
      );
    });

    it('sarif: valid 2.1.0, relative URIs inside the working directory, file:// URIs outside it', async () => {
      await write('work/conf/broken config.conf', BROKEN);
      const outside = await write('elsewhere/sshd_config', 'ServerAliveInterval 30\nClientAliveCountMax 0\n');
      const r = await cli(['lint', '--format=sarif', 'conf/broken config.conf', outside], { cwd: join(dir, 'work'), home });
      assert.equal(r.code, 1, r.stderr);
      const log = JSON.parse(r.stdout) as {
        runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
      };
      assert.deepEqual(validateSarif(log), []);
      const run = log.runs[0] ?? assert.fail('no run');
      assert.equal(run.originalUriBaseIds['%SRCROOT%']?.uri, `file://${join(dir, 'work')}/`);
      const uris = [...new Set(run.results.map((x) => JSON.stringify(x.locations[0]?.physicalLocation.artifactLocation)))];
      assert.deepEqual(uris, [JSON.stringify({ uri: 'conf/broken%20config.conf', uriBaseId: '%SRCROOT%' }), JSON.stringify({ uri: `file://${outside}` })]);
      assert.deepEqual(
        run.results.map((x) => [x.ruleId, x.level]),
        [
          ['keepalive-missing', 'warning'],
          ['server-only-keyword', 'error'],
          ['client-only-keyword', 'error'],
          ['clientalive-missing', 'note'],
          ['clientalive-countmax-zero', 'warning'],
        ],
      );
    });

    it('keeps stdout pure JSON with --fix: what changed goes to stderr', async () => {
      await write('broken.conf', BROKEN);
      const r = await cli(['lint', '--fix', '--format', 'json', 'broken.conf'], { cwd: dir, home });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [{ file: 'broken.conf', findings: [] }]);
      assert.match(r.stderr, /broken\.conf:2:5: fixed server-only-keyword: Change to ServerAliveInterval\n/);
    });
  });

  describe('file type and standard input', () => {
    it('treats sshd_config and files in sshd_config.d as server files, unless --type says otherwise', async () => {
      const text = 'ServerAliveInterval 30\n';
      await write('etc/sshd_config', text);
      await write('etc/sshd_config.d/10-x.conf', text);
      await write('etc/ssh_config.d/10-x.conf', text);
      const r = await cli(['lint', '--format', 'json', 'etc/sshd_config', 'etc/sshd_config.d/10-x.conf', 'etc/ssh_config.d/10-x.conf'], { cwd: dir, home });
      const codes = (JSON.parse(r.stdout) as JsonFileReport[]).map((f) => f.findings.map((x) => x.code));
      assert.deepEqual(codes, [['client-only-keyword', 'clientalive-missing'], ['client-only-keyword', 'clientalive-missing'], ['connecttimeout-missing']]);
      const forced = await cli(['lint', '--format', 'json', '--type', 'client', 'etc/sshd_config'], { cwd: dir, home });
      assert.deepEqual((JSON.parse(forced.stdout) as JsonFileReport[])[0]?.findings.map((x) => x.code), ['connecttimeout-missing']);
    });

    it('--fix will not guess the side of a file whose name says nothing and that reads like the other side', async () => {
      const text = 'Port 2222\nClientAliveInterval 60\nClientAliveCountMax 0\n';
      const path = await write('hardened.conf', text);
      const r = await cli(['lint', '--fix', 'hardened.conf'], { cwd: dir, home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /not fixed: hardened\.conf was taken for a client file, but it reads like a server file \(sshd_config\); say which with --type server or --type client/);
      assert.equal(await readFile(path, 'utf8'), text);
      const server = await cli(['lint', '--fix', '--type', 'server', 'hardened.conf'], { cwd: dir, home });
      assert.equal(server.code, 0, server.stdout + server.stderr);
      assert.equal(await readFile(path, 'utf8'), 'Port 2222\nClientAliveInterval 60\nClientAliveCountMax 3\n');
    });

    it('reads standard input for "-" (client unless --type server)', async () => {
      const client = await cli(['lint', '-'], { cwd: dir, home, input: BROKEN });
      assert.equal(client.code, 1);
      assert.match(client.stdout, /^<stdin>:1:1: warning keepalive-missing/m);
      const server = await cli(['lint', '--type', 'server', '--format', 'sarif', '-'], { cwd: dir, home, input: 'ClientAliveInterval 60\n' });
      assert.equal(server.code, 0);
      const log = JSON.parse(server.stdout) as unknown;
      assert.deepEqual(validateSarif(log), []);
    });
  });

  describe('what the machine tells lint', () => {
    it('asks the local ssh only "ssh -V", and its version decides version-aware severities', async () => {
      const bin = join(dir, 'bin');
      await mkdir(bin);
      const log = join(dir, 'ssh-argv.log');
      await writeFile(join(bin, 'ssh'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\necho "OpenSSH_10.2p1 Fake-1, OpenSSL 3.5" >&2\n`, { mode: 0o755 });
      await write('ipqos.conf', 'Host *\n    IPQoS throughput\n    ServerAliveInterval 30\n    ConnectTimeout 10\n');
      const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}` };
      const newer = await cli(['lint', '--format', 'json', 'ipqos.conf'], { cwd: dir, home, env });
      assert.equal((JSON.parse(newer.stdout) as JsonFileReport[])[0]?.findings[0]?.severity, 'warning');
      assert.equal(await readFile(log, 'utf8'), '-V\n');
      const pinned = await cli(['lint', '--format', 'json', '--openssh-version', '9.2', 'ipqos.conf'], { cwd: dir, home, env });
      assert.equal((JSON.parse(pinned.stdout) as JsonFileReport[])[0]?.findings[0]?.severity, 'info');
      assert.equal(await readFile(log, 'utf8'), '-V\n', '--openssh-version runs nothing');
    });

    it('[F15] never runs what a config names (Match exec, ProxyCommand, …), also not with --fix and Include', async () => {
      const marker = join(dir, 'MARKER');
      const cmd = `touch ${marker}`;
      await write('inc/evil.conf', `Match exec "${cmd}-inc"\n    User x\n`);
      const evil = await write(
        'evil.conf',
        [
          `Include ${join(dir, 'inc', '*.conf')}`,
          `Match exec "${cmd}-match"`,
          '    User x',
          'Host *',
          `    ProxyCommand ${cmd}-proxy`,
          `    LocalCommand ${cmd}-local`,
          '    PermitLocalCommand yes',
          `    KnownHostsCommand ${cmd}-known`,
          '    ClientAliveInterval 5',
          '',
        ].join('\n'),
      );
      const r = await cli(['lint', '--fix', evil], { cwd: dir, home });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('MARKER')), []);
    });

    it('[F18,F22] reports bad permissions only on files ssh checks (~/.ssh/config and its includes), and --fix makes them 0600', async () => {
      const userConfig = join(home, '.ssh', 'config');
      await mkdir(join(home, '.ssh', 'config.d'));
      const included = join(home, '.ssh', 'config.d', 'work.conf');
      await writeFile(userConfig, `Include config.d/*.conf\n${CLEAN}`);
      await chmod(userConfig, 0o664);
      await writeFile(included, 'Host work\n    User me\n');
      await chmod(included, 0o666);
      const copy = await write('copy-of-config', `Include config.d/*.conf\n${CLEAN}`, 0o664);

      const r = await cli(['lint', '--format', 'json', userConfig, included, copy], { cwd: dir, home });
      assert.equal(r.code, 1);
      const codes = (JSON.parse(r.stdout) as JsonFileReport[]).map((f) => f.findings.filter((x) => x.code === 'bad-permissions').length);
      assert.deepEqual(codes, [1, 1, 0]);

      const fixed = await cli(['lint', '--fix', userConfig], { cwd: dir, home });
      assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
      assert.match(fixed.stdout, /config:1:1: fixed bad-permissions: Make the file private \(chmod 600\) \(mode now 600\)\n/);
      assert.equal((await stat(userConfig)).mode & 0o777, 0o600);
      assert.equal((await stat(included)).mode & 0o777, 0o666, 'only the named file is changed');
    });
  });

  describe('--fix', () => {
    let corpusDir: string;
    let fixtures: Fixture[];
    let hostKey: string;

    before(async () => {
      if (isRoot) {
        await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
      }
      corpusDir = await mkdtemp(join(tmpdir(), 'lifeline-cli-corpus-'));
      fixtures = await copyCorpus(corpusDir);
      hostKey = join(corpusDir, 'host_ed25519');
      await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', hostKey]);
    });

    after(async () => {
      await rm(corpusDir, { recursive: true, force: true });
    });

    it('[F20] over the corpus: writes what the fix loop computes, keeps a backup, exits by the final lint; OpenSSH accepts error-free results', async () => {
      const versions = { client: localOpenSshVersion('client')?.release, server: localOpenSshVersion('server')?.release };
      for (const fx of fixtures) {
        const original = await readFile(fx.path);
        const options = {
          side: fx.side,
          ...(versions[fx.side] === undefined ? {} : { opensshVersion: versions[fx.side] as string }),
          includes: includeContextFor(fx.path, { home, env: {} }),
          ...(fx.side === 'client' ? { permissions: { mode: 0o644, checkedBySsh: false } } : {}),
        };
        const expected = fixLoop(original.toString('utf8'), (t) => lint(t, options)).text;
        const r = await cli(['lint', '--fix', '--format', 'json', '--type', fx.side, fx.path], { cwd: corpusDir, home });
        const what = `${fx.side}/${fx.name}: ${r.stderr}`;
        const after = await readFile(fx.path);
        assert.equal(after.toString('utf8'), expected, what);
        const backup = join(fx.path, '..', `.${fx.name}.conf.lifeline-bak`);
        if (expected === original.toString('utf8')) {
          await assert.rejects(stat(backup), /ENOENT/, `${what}: a backup without a change`);
        } else {
          assert.ok((await readFile(backup)).equals(original), `${what}: the backup is not the original`);
          assert.match(r.stderr, /: written \(the previous version is in .*\.lifeline-bak\)\.\n/);
        }
        const json = JSON.parse(r.stdout) as JsonFileReport[];
        const errors = json[0]?.findings.filter((f) => f.severity === 'error').length ?? 0;
        assert.equal(r.code, errors > 0 ? 1 : 0, what);
        assert.deepEqual(json[0]?.findings.filter((f) => f.fixable && f.code !== 'bad-permissions'), [], `${what}: fixable findings left`);
        const verdict = await opensshVerdict(fx.side, fx.path, hostKey);
        assert.equal(verdict !== undefined, errors > 0, `${what}: OpenSSH says ${verdict ?? 'accepted'}, lint errors ${errors}`);
      }
    });

    it('[F22] through a symlinked ~/.ssh/config: the target is written, the link stays', async () => {
      const target = await write('dotfiles/ssh_config', BROKEN);
      const linkPath = join(home, '.ssh', 'config');
      await symlink(target, linkPath);
      const r = await cli(['lint', '--fix'], { cwd: dir, home });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((await stat(target)).mode & 0o777, 0o600);
      assert.match(await readFile(target, 'utf8'), /ServerAliveInterval 30/);
      assert.equal(await realpath(linkPath), target);
      assert.match(r.stdout, /written \(the previous version is in .*dotfiles\/\.ssh_config\.lifeline-bak\)/);
    });

    it('[F22] a read-only file: exit 2, a clear message, the file untouched, findings still shown', async () => {
      const path = await write('ro.conf', BROKEN, 0o444);
      const r = await cli(['lint', '--fix', 'ro.conf'], { cwd: dir, home });
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `ssh-lifeline: not fixed: ${path} is read-only (mode 0444); not changing it\n`);
      assert.equal(await readFile(path, 'utf8'), BROKEN);
      assert.match(r.stdout, /ro\.conf:2:5: error server-only-keyword/);
      assert.deepEqual((await readdir(dir)).sort(), ['home', 'ro.conf']);
    });

    it('as a user who may write the file but not its directory: refused with a permission error, nothing changed', async function () {
      if (!isRoot) {
        throw new Error('this check switches to uid 65534 and needs root (CI runs the integration tier as root)');
      }
      await chmod(dir, 0o755);
      const sub = join(dir, 'rootdir');
      await mkdir(sub, { mode: 0o755 });
      const path = join(sub, 'config');
      await writeFile(path, BROKEN);
      await chown(path, 65534, 65534);
      await chmod(path, 0o644);
      const r = await cli(['lint', '--fix', path], { cwd: '/', home: '/nonexistent', uid: 65534 });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /permission denied while creating a temp file in .*rootdir \(EACCES\)/);
      assert.equal(await readFile(path, 'utf8'), BROKEN);
      assert.deepEqual(await readdir(sub), ['config']);
    });

    it('does not rewrite a file that is not valid UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('Host a\n    User caf'), Buffer.from([0xe9]), Buffer.from('\n    ClientAliveInterval 5\n')]);
      const path = await write('latin1.conf', bytes);
      const r = await cli(['lint', '--fix', 'latin1.conf'], { cwd: dir, home });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /latin1\.conf: not rewritten: the file is not valid UTF-8/);
      assert.ok((await readFile(path)).equals(bytes));
    });
  });
});
