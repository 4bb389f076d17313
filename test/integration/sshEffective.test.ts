import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { effectiveLensTitle, parseSshG, summarizeEffective } from '../../src/core/sshConfig/effective';
import { ownSshConfig, runSshG, type SshGResult } from '../../src/node/sshEffective';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function ok(result: SshGResult): string {
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  return (result as Extract<SshGResult, { kind: 'ok' }>).stdout;
}

describe('ssh -G runner (real OpenSSH)', () => {
  let dir: string;
  const cwd = path.join(__dirname, '..', '..');

  before(async () => {
    try {
      await execFileAsync('ssh', ['-V']);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error('ssh is not installed: install the OpenSSH client (Debian/Ubuntu: sudo apt-get install openssh-client)', { cause: err });
      }
    }
    dir = await mkdtemp(path.join(tmpdir(), 'lifeline-ssh-g-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the effective options of a Host block from the file given with -F', async () => {
    const file = path.join(dir, 'prod.conf');
    await writeFile(file, ['Host prod', '    HostName prod.example.com', '    User deploy', '    ServerAliveInterval 30', '    ServerAliveCountMax 4', '', 'Host *', '    ConnectTimeout 10', ''].join('\n'));
    const stdout = ok(await runSshG({ host: 'prod', configFile: file }, { cwd }));
    assert.equal(
      effectiveLensTitle(summarizeEffective(parseSshG(stdout))),
      'ServerAliveInterval 30 × ServerAliveCountMax 4 → a dead link is noticed after ≈ 2 min · ConnectTimeout 10 · HostName prod.example.com User deploy Port 22',
    );
    const other = summarizeEffective(parseSshG(ok(await runSshG({ host: 'elsewhere', configFile: file }, { cwd }))));
    assert.equal(other.serverAliveInterval, 0);
    assert.equal(other.hostName, 'elsewhere');
    assert.match(effectiveLensTitle(other), /^no keepalive: a dead link is noticed only by TCP \(hours\) · ConnectTimeout 10 · /);
  });

  it('without a config file asks exactly what `ssh -G host` would (default files, no -F)', async () => {
    const ours = ok(await runSshG({ host: 'lifeline-default-probe', configFile: undefined }, { cwd }));
    const { stdout: theirs } = await execFileAsync('ssh', ['-G', 'lifeline-default-probe']);
    assert.equal(ours, theirs);
  });

  it('[F15] ssh -G runs Match exec commands: the reason it is gated on trust and ownership', async () => {
    const marker = path.join(dir, 'match-exec-ran');
    const file = path.join(dir, 'exec.conf');
    await writeFile(file, `Match exec "touch ${marker}"\n    User matched\n`);
    const stdout = ok(await runSshG({ host: 'x', configFile: file }, { cwd }));
    assert.ok(existsSync(marker), 'the Match exec command ran');
    assert.deepEqual(parseSshG(stdout).get('user'), ['matched']);
  });

  it('[F15] a hung Match exec is killed with ssh after the timeout, children included', async () => {
    const marker = path.join(dir, 'survivor');
    const file = path.join(dir, 'hang.conf');
    await writeFile(file, `Match exec "sleep 2; touch ${marker}"\n    User never\n`);
    const started = Date.now();
    const result = await runSshG({ host: 'x', configFile: file }, { cwd, timeoutMs: 400 });
    assert.deepEqual(result, { kind: 'timeout', timeoutMs: 400 });
    assert.ok(Date.now() - started < 1_500, `returned after ${Date.now() - started} ms`);
    await sleep(2_500);
    assert.equal(existsSync(marker), false, 'the shell of the Match exec kept running after the timeout');
  });

  it('cancelling kills the run at once', async () => {
    const marker = path.join(dir, 'cancelled-survivor');
    const file = path.join(dir, 'cancel.conf');
    await writeFile(file, `Match exec "sleep 2; touch ${marker}"\n    User never\n`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    assert.deepEqual(await runSshG({ host: 'x', configFile: file }, { cwd, signal: controller.signal }), { kind: 'cancelled' });
    assert.ok(Date.now() - started < 1_000);
    await sleep(2_300);
    assert.equal(existsSync(marker), false);
  });

  it('a file ssh refuses gives its message', async () => {
    const file = path.join(dir, 'bad.conf');
    await writeFile(file, 'Host a\n    Frobnicate yes\n');
    const result = await runSshG({ host: 'a', configFile: file }, { cwd });
    assert.equal(result.kind, 'failed');
    assert.match((result as { message: string }).message, /line 2: Bad configuration option: frobnicate/);
  });

  it('[F14] a host name ssh would refuse, or read as an option or a user, never starts a process', async () => {
    for (const host of ['-oProxyCommand=touch /tmp/x', 'a;b', 'root@prod', '']) {
      // A program that does not exist: had it been started, the result would be "missing".
      assert.deepEqual(await runSshG({ host, configFile: undefined }, { cwd, program: path.join(dir, 'no-such-ssh') }), { kind: 'invalid-host' }, host);
    }
    assert.deepEqual(await runSshG({ host: 'ok', configFile: undefined }, { cwd, program: path.join(dir, 'no-such-ssh') }), { kind: 'missing' });
  });
});

describe('which files are the user’s own ssh config (real files and links)', () => {
  let root: string;
  let home: string;
  let etc: string;
  let workspace: string;
  const own = (file: string): ReturnType<typeof ownSshConfig> => ownSshConfig(file, { home, env: { DOTFILES: path.join(root, 'dotfiles') }, systemDir: etc });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'lifeline-own-'));
    home = path.join(root, 'home');
    etc = path.join(root, 'etc-ssh');
    workspace = path.join(root, 'workspace');
    for (const d of [path.join(home, '.ssh', 'conf.d'), path.join(etc, 'ssh_config.d'), path.join(root, 'dotfiles'), path.join(workspace, '.ssh')]) {
      await mkdir(d, { recursive: true });
    }
    await writeFile(path.join(home, '.ssh', 'config'), 'Include ${DOTFILES}/*.conf\nHost *\n    ServerAliveInterval 15\n');
    await writeFile(path.join(home, '.ssh', 'conf.d', 'work.conf'), 'Host w\n');
    await writeFile(path.join(root, 'dotfiles', 'hosts.conf'), 'Host d\n');
    await writeFile(path.join(root, 'dotfiles', 'unused.txt'), 'Host u\n');
    await writeFile(path.join(etc, 'ssh_config'), 'Host *\n');
    await writeFile(path.join(etc, 'ssh_config.d', 'local.conf'), 'Host l\n');
    await writeFile(path.join(workspace, '.ssh', 'config'), 'Match exec "touch /tmp/pwned"\n');
    await symlink(path.join(home, '.ssh', 'config'), path.join(workspace, 'my-ssh-config'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('~/.ssh/config and the system file are asked about without -F, also through a link', async () => {
    assert.deepEqual(await own(path.join(home, '.ssh', 'config')), { configFile: undefined });
    assert.deepEqual(await own(path.join(workspace, 'my-ssh-config')), { configFile: undefined });
    assert.deepEqual(await own(path.join(etc, 'ssh_config')), { configFile: undefined });
  });

  it('files under ~/.ssh and ssh_config.d, and files the user config includes, get -F', async () => {
    for (const file of [path.join(home, '.ssh', 'conf.d', 'work.conf'), path.join(etc, 'ssh_config.d', 'local.conf'), path.join(root, 'dotfiles', 'hosts.conf')]) {
      assert.deepEqual(await own(file), { configFile: file }, file);
    }
  });

  it('an ssh_config in a workspace that nothing includes is not the user’s', async () => {
    assert.equal(await own(path.join(workspace, '.ssh', 'config')), undefined);
    assert.equal(await own(path.join(root, 'dotfiles', 'unused.txt')), undefined);
    assert.equal(await own(path.join(workspace, 'does-not-exist')), undefined);
  });
});
