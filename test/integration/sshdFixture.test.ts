import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSshd, type SshdFixture } from '../fixtures/sshd';
import { tmuxSocketName } from '../fixtures/tmux';

const execFileAsync = promisify(execFile);

describe('sshd fixture (real OpenSSH on 127.0.0.1)', () => {
  let sshd: SshdFixture;

  before(async () => {
    sshd = await startSshd();
  });

  after(async () => {
    await sshd?.stop();
  });

  it('runs a remote command with the fixture key and a verified host key', async () => {
    assert.equal(await sshd.exec('echo "$SSH_CONNECTION" | cut -d" " -f4'), `${sshd.port}\n`);
    assert.equal(await sshd.exec('printf %s ok'), 'ok');
  });

  it('passes the remote exit status back through ssh', async () => {
    await assert.rejects(
      execFileAsync('ssh', sshd.sshArgs('--', 'exit 7')),
      (err: { code?: number }) => err.code === 7,
    );
  });

  it('refuses a host whose key is not the one in known_hosts', async () => {
    // Same server, but an empty known_hosts: BatchMode + StrictHostKeyChecking must refuse.
    await assert.rejects(
      execFileAsync('ssh', ['-o', 'UserKnownHostsFile=/dev/null', ...sshd.sshArgs('--', 'true')]),
      (err: { code?: number; stderr?: string }) => err.code === 255 && /Host key verification failed/.test(err.stderr ?? ''),
    );
  });

  it('creates and lists a tmux session on a per-test socket through ssh', async function () {
    const sock = tmuxSocketName(this.test?.title ?? 'tmux');
    try {
      await sshd.exec(`tmux -L ${sock} new-session -d -s lifeline-main -x 80 -y 24 'sleep 300'`);
      const listed = await sshd.exec(`tmux -L ${sock} list-sessions -F '#{session_attached} #{session_name}'`);
      assert.equal(listed, '0 lifeline-main\n');
      // A non-interactive ssh command usually runs without a UTF-8 locale, and
      // tmux 3.3 then prints control characters in -F output as '_': a tab is
      // no safe field separator there. Put the name last instead.
      const tabbed = await sshd.exec(`env -u LANG -u LC_ALL -u LC_CTYPE tmux -L ${sock} list-sessions -F '#{session_attached}\t#{session_name}'`);
      assert.ok(tabbed === '0_lifeline-main\n' || tabbed === '0\tlifeline-main\n', JSON.stringify(tabbed));
    } finally {
      await execFileAsync('tmux', ['-L', sock, 'kill-server']).catch(() => undefined);
    }
  });

  it('creates and lists a GNU screen session through ssh', async () => {
    const name = `lifeline-${process.pid}`;
    try {
      await sshd.exec(`screen -S ${name} -dm sleep 300`);
      const listed = await sshd.exec('screen -ls || true');
      assert.match(listed, new RegExp(`\\.${name}\\s`));
    } finally {
      await execFileAsync('screen', ['-S', name, '-X', 'quit']).catch(() => undefined);
    }
  });
});
