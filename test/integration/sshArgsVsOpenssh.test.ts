import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { commandLineUserAndPort, parseSshArgs } from '../../src/core/sshArgs/parse';

const execFileAsync = promisify(execFile);

/** user, port and hostname as `ssh -G` resolves them for this argv (no config file). */
async function openssh(argv: readonly string[]): Promise<{ user: string; port: string; hostname: string }> {
  const { stdout } = await execFileAsync('ssh', ['-G', '-F', '/dev/null', ...argv]);
  const get = (k: string): string => new RegExp(`^${k} (.*)$`, 'm').exec(stdout)?.[1] ?? '';
  return { user: get('user'), port: get('port'), hostname: get('hostname') };
}

describe('ssh argv parser agrees with OpenSSH (ssh -G)', () => {
  const cases: string[][] = [
    ['-p2222', 'bob@example.org'],
    ['example.org', '-p', '2222', '-l', 'carol'],
    ['-l', 'carol', 'bob@example.org'],
    ['-o', 'Port=2200', '-p', '2300', 'h'],
    ['--', 'h', '-p', '2222'],
    ['ssh://dave@h:2022'],
    ['-tt', '-vp', '2022', 'h', 'tmux', 'a', '-p', '9'],
    ['bob@h', '-l', 'carol', '-p', '1', '-p', '2'],
    ['-oUser=erin', '-oPort=7', 'ssh://frank@h:8'],
    ['ssh://frank@h:8', '-l', 'gina', '-o', 'Port 9'],
  ];
  for (const argv of cases) {
    it(`reads ${argv.join(' ')} as ssh does`, async () => {
      const theirs = await openssh(argv);
      const inv = parseSshArgs(argv);
      const d = inv.destination;
      assert.ok(d);
      assert.equal(d.host, theirs.hostname);
      const { user, port } = commandLineUserAndPort(inv);
      assert.equal(port ?? '22', theirs.port);
      if (user !== undefined) {
        assert.equal(user, theirs.user);
      }
    });
  }
});
