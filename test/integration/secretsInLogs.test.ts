import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { copyFile, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtCli, runCliUntil } from '../fixtures/cliWatch';
import { startSshAgent, type SshAgentFixture } from '../fixtures/sshAgent';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

/**
 * Fault-matrix row 25 with real parts: the built CLI's heartbeat, which logs
 * every probe step (the same lines the extension writes at debug level),
 * authenticates through a real ssh-agent while the config names a
 * passphrase-protected copy of the key, a ProxyCommand-free config carries a
 * SetEnv token, and the environment holds an askpass password. None of these
 * secrets, nor any piece of the private key, may appear in what it prints.
 */
describe('secrets never reach the output (built CLI, real sshd and ssh-agent)', function () {
  this.timeout(60_000);
  let sshd: SshdFixture | undefined;
  let agent: SshAgentFixture | undefined;
  let dir = '';

  before(async () => {
    sshd = await startSshd();
    agent = await startSshAgent();
    await agent.add(sshd.identityPath);
    dir = await mkdtemp(join(tmpdir(), 'lifeline-secrets-'));
  });

  after(async () => {
    await agent?.stop();
    await sshd?.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('[F25] watch with agent auth, a passphrase-protected key, a SetEnv token and an askpass password in the environment prints none of them', async () => {
    const s = sshd as SshdFixture;
    const passphrase = 'PASSPHRASE-d41d8cd98f00';
    const token = 'TOKEN-9e107d9d372bb682';
    const password = 'PASSWORD-e4d909c290d0';
    const encrypted = join(dir, 'id_encrypted');
    await copyFile(s.identityPath, encrypted);
    await chmod(encrypted, 0o600);
    await execFileAsync('ssh-keygen', ['-q', '-p', '-P', '', '-N', passphrase, '-f', encrypted]);
    const configPath = join(dir, 'config');
    await writeFile(
      configPath,
      [
        'Host testhost',
        '  HostName 127.0.0.1',
        `  Port ${s.port}`,
        `  User ${s.user}`,
        `  IdentityFile ${encrypted}`,
        `  UserKnownHostsFile ${s.knownHostsPath}`,
        `  SetEnv API_TOKEN=${token}`,
        '',
      ].join('\n'),
    );
    const out = await runCliUntil(
      builtCli,
      ['watch', '--interval', '1', '-F', configPath, 'testhost'],
      (stdout) => (stdout.match(/ up /g) ?? []).length >= 3,
      { env: { ...process.env, SSH_AUTH_SOCK: (agent as SshAgentFixture).socketPath, SSHPASS: password, SSH_ASKPASS_PASSWORD: password } },
      20_000,
    );
    const printed = `${out.stdout}\n${out.stderr}`;
    // It did authenticate through the agent, after passing over the encrypted key, and said so.
    assert.match(out.stdout, /→ up/, printed);
    assert.match(out.stderr, /passphrase-protected/, printed);
    for (const secret of [passphrase, token, password]) {
      assert.ok(!printed.includes(secret), `${secret} printed:\n${printed}`);
    }
    // No 16-character piece of either private key file's body.
    for (const file of [s.identityPath, encrypted]) {
      const body = (await readFile(file, 'utf8'))
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('-----'))
        .join('');
      for (let i = 0; i + 16 <= body.length; i += 8) {
        const piece = body.slice(i, i + 16);
        assert.ok(!printed.includes(piece), `a piece of ${file} printed: ${piece}`);
      }
    }
  });
});
