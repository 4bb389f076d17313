import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tokenize } from '../../src/core/sshConfig/tokenizer';

const execFileAsync = promisify(execFile);

/** What `ssh -G` makes of one `User …` line: the value, or OpenSSH's error. */
async function openssh(dir: string, line: string): Promise<{ user?: string; error?: string }> {
  const file = join(dir, 'config');
  await writeFile(file, `Host t\n${line}\n`);
  try {
    const { stdout } = await execFileAsync('ssh', ['-G', '-F', file, 't']);
    const m = /^user (.*)$/m.exec(stdout);
    return { user: m?.[1] ?? '' };
  } catch (err) {
    return { error: String((err as { stderr?: string }).stderr) };
  }
}

describe('config tokenizer agrees with OpenSSH (ssh -G)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-tok-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases = ['User "a b"', "User 'a b'", 'User a\\ b', 'User e"f g"h', 'User = x', 'User=x', 'User == x', 'User b#c', 'User a # c', 'User "a', 'User', '"User" q', 'User\tx\t', 'User x\r', 'User a\\\\b'];
  for (const line of cases) {
    it(`[F17] reads ${JSON.stringify(line)} as ssh does`, async () => {
      const theirs = await openssh(dir, line);
      const ours = tokenize(line).lines[0];
      if (theirs.error !== undefined) {
        const oursFailed = ours?.error !== undefined || (ours?.args.length ?? 0) !== 1;
        assert.ok(oursFailed, `ssh rejected it (${theirs.error.trim()}) but we read ${JSON.stringify(ours?.args.map((a) => a.value))}`);
      } else {
        assert.equal(ours?.error, undefined);
        assert.deepEqual(ours?.args.map((a) => a.value), [theirs.user]);
      }
    });
  }
});
