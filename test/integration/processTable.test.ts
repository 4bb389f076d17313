import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { descendantsOf, readProcessTable, type ProcessInfo } from '../../src/node/processTable';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

describe('process table (Linux /proc)', () => {
  let sshd: SshdFixture;

  before(async () => {
    sshd = await startSshd();
  });

  after(async () => {
    await sshd?.stop();
  });

  it('finds an ssh started by a shell among the shell\'s descendants, with its argv', async () => {
    // bash -c 'ssh …; true' keeps bash as the parent (no exec optimisation).
    const shell = spawn('bash', ['-c', `ssh -F '${sshd.configPath}' testhost 'sleep 30'; true`], { stdio: 'ignore' });
    try {
      let found: ProcessInfo | undefined;
      for (let i = 0; i < 100 && found === undefined; i++) {
        const table = await readProcessTable();
        found = descendantsOf(table, shell.pid ?? -1).find((p) => p.comm === 'ssh');
        if (found === undefined) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.ok(found, 'ssh not found among the shell\'s descendants');
      assert.deepEqual(found.argv, ['ssh', '-F', sshd.configPath, 'testhost', 'sleep 30']);
      process.kill(found.pid, 'SIGTERM');
    } finally {
      shell.kill('SIGTERM');
      await once(shell, 'exit');
    }
  });

  it('includes this process with its parent', async () => {
    const table = await readProcessTable();
    const self = table.find((p) => p.pid === process.pid);
    assert.equal(self?.ppid, process.ppid);
    assert.equal(self?.argv[0], process.argv0);
  });
});
