import { strict as assert } from 'node:assert';
import { parseLintArgs, type LintArgs } from '../../src/cli/args';

function ok(...argv: string[]): LintArgs {
  const r = parseLintArgs(argv);
  assert.equal(r.kind, 'run', JSON.stringify(r));
  return (r as { args: LintArgs }).args;
}

function error(...argv: string[]): string {
  const r = parseLintArgs(argv);
  assert.equal(r.kind, 'error', JSON.stringify(r));
  return (r as { message: string }).message;
}

describe('cli: lint arguments', () => {
  it('defaults: detect the type, text output, no fix, no files (meaning ~/.ssh/config)', () => {
    assert.deepEqual(ok(), { type: undefined, format: 'text', fix: false, opensshVersion: undefined, files: [] });
  });

  it('reads --type, --format and --fix in any order, with a separate or an = value', () => {
    assert.deepEqual(ok('a', '--type', 'server', '--format=sarif', '--fix', 'b'), { type: 'server', format: 'sarif', fix: true, opensshVersion: undefined, files: ['a', 'b'] });
    assert.deepEqual(ok('--format', 'json', '--type=client', 'x'), { type: 'client', format: 'json', fix: false, opensshVersion: undefined, files: ['x'] });
  });

  it('takes "-" as standard input and everything after "--" as files', () => {
    assert.deepEqual(ok('-').files, ['-']);
    assert.deepEqual(ok('--', '--fix', '-weird').files, ['--fix', '-weird']);
    assert.equal(ok('--', '--fix').fix, false);
  });

  it('accepts --openssh-version with a release, with or without the portable suffix', () => {
    assert.equal(ok('--openssh-version', '9.2').opensshVersion, '9.2');
    assert.equal(ok('--openssh-version=10.1p1').opensshVersion, '10.1p1');
    assert.match(error('--openssh-version', 'latest'), /takes a release such as 9\.2/);
  });

  it('asks for help with -h or --help, wherever it is', () => {
    assert.deepEqual(parseLintArgs(['file', '--help']), { kind: 'help' });
    assert.deepEqual(parseLintArgs(['-h']), { kind: 'help' });
  });

  it('rejects unknown options, missing and bad values', () => {
    assert.match(error('--frob'), /unknown option '--frob'/);
    assert.match(error('-x'), /unknown option '-x'/);
    assert.match(error('--type'), /'--type' needs a value/);
    assert.match(error('--format', '--fix'), /'--format' needs a value/);
    assert.match(error('--type', 'both'), /--type must be client or server, not 'both'/);
    assert.match(error('--format=xml'), /--format must be text, json or sarif, not 'xml'/);
    assert.match(error('--format', 'json', '--format', 'text'), /given twice/);
  });

  it('refuses --fix with standard input, stdin twice, and an empty file name', () => {
    assert.match(error('--fix', '-'), /--fix cannot be used with standard input/);
    assert.match(error('-', '-'), /only once/);
    assert.match(error(''), /empty file name/);
  });
});
