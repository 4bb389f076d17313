import { strict as assert } from 'node:assert';
import { main, type MainIo } from '../../src/cli/main';
import { version } from '../../package.json';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: MainIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdoutIsTTY: false,
    env: {},
    cwd: '/nonexistent-cwd',
    home: '/nonexistent-home',
    readStdin: () => Promise.reject(new Error('no stdin in unit tests')),
    opensshVersion: () => {
      throw new Error('no ssh in unit tests');
    },
    stop: new AbortController().signal,
    programCwd: '/nonexistent-program-cwd',
  };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('cli front', () => {
  it('prints the package version', async () => {
    assert.deepEqual(await run('--version'), { code: 0, out: `ssh-lifeline ${version}\n`, err: '' });
    assert.equal((await run('version')).out, `ssh-lifeline ${version}\n`);
  });

  it('prints usage for help, and exits 2 with usage when no command is given', async () => {
    assert.equal((await run('help')).code, 0);
    assert.match((await run('--help')).out, /^Usage: ssh-lifeline/);
    assert.match((await run('--help')).out, /lint/);
    assert.equal((await run()).code, 2);
  });

  it('rejects an unknown command on stderr with exit code 2', async () => {
    const r = await run('frobnicate');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /unknown command 'frobnicate'/);
  });

  it('lint --help prints the lint usage on stdout and exits 0', async () => {
    const r = await run('lint', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: ssh-lifeline lint/);
    assert.equal(r.err, '');
  });

  it('a lint usage error exits 2 with the reason and usage on stderr, before touching any file', async () => {
    const r = await run('lint', '--format', 'xml', 'some-file');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^ssh-lifeline lint: --format must be text, json or sarif, not 'xml'\n\nUsage: ssh-lifeline lint/);
  });

  it('an unreadable file is an I/O error: exit 2 and a message naming the file', async () => {
    const r = await run('lint', '--openssh-version', '9.2', 'missing.conf');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read \/nonexistent-cwd\/missing\.conf: no such file/);
  });
});
