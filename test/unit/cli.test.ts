import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';
import { version } from '../../package.json';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (t) => (out += t), (t) => (err += t));
  return { code, out, err };
}

describe('cli front', () => {
  it('prints the package version', () => {
    assert.deepEqual(run('--version'), { code: 0, out: `ssh-lifeline ${version}\n`, err: '' });
    assert.equal(run('version').out, `ssh-lifeline ${version}\n`);
  });

  it('prints usage for help, and exits 2 with usage when no command is given', () => {
    assert.equal(run('help').code, 0);
    assert.match(run('--help').out, /^Usage: ssh-lifeline/);
    assert.equal(run().code, 2);
  });

  it('rejects an unknown command on stderr with exit code 2', () => {
    const r = run('frobnicate');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /unknown command 'frobnicate'/);
  });
});
