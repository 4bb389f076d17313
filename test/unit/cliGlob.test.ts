import { strict as assert } from 'node:assert';
import { compareCodePoints, expandGlob, hasGlobMagic, matchGlobComponent, type GlobDirectory } from '../../src/core/sshConfig/glob';

/** An in-memory tree: directory → names. Files are names listed in a directory that is not itself a key. */
function tree(dirs: Record<string, string[]>): GlobDirectory {
  const exists = (p: string): boolean =>
    p in dirs || Object.entries(dirs).some(([d, names]) => names.some((n) => (d === '/' ? `/${n}` : `${d}/${n}`) === p));
  return { list: (d) => dirs[d], exists };
}

describe('cli: Include glob (glob(3) semantics)', () => {
  it('matches *, ? and bracket expressions within one path component, on bytes like OpenBSD glob', () => {
    const cases: [string, string, boolean][] = [
      ['a.conf', '*.conf', true],
      ['a.conf.bak', '*.conf', false],
      ['a', '?', true],
      ['ab', '?', false],
      ['é', '?', false],
      ['é', '??', true],
      ['😀', '????', true],
      ['b', '[abc]', true],
      ['d', '[abc]', false],
      ['d', '[!abc]', true],
      ['d', '[^abc]', false],
      ['^', '[^abc]', true],
      ['a', '[^abc]', true],
      ['a', '[!abc]', false],
      ['c', '[a-e]', true],
      ['f', '[a-e]', false],
      [']', '[]]', true],
      ['-', '[a-]', true],
      ['7', '[[:digit:]]', true],
      ['x', '[[:digit:]]', false],
      ['x', '[[:nonsense:]]', false],
      ['[x', '[x', true],
      ['a*b', 'a\\*b', true],
      ['axb', 'a\\*b', false],
      ['c', '[e-a]', false],
    ];
    for (const [name, pattern, expected] of cases) {
      assert.equal(matchGlobComponent(name, pattern), expected, `${name} vs ${pattern}`);
    }
  });

  it('matches a leading dot only with a literal dot (hidden files, our backups and temp files)', () => {
    assert.equal(matchGlobComponent('.hidden.conf', '*.conf'), false);
    assert.equal(matchGlobComponent('.config.lifeline-bak', '*'), false);
    assert.equal(matchGlobComponent('.x', '?x'), false);
    assert.equal(matchGlobComponent('.x', '[.]x'), false);
    assert.equal(matchGlobComponent('.hidden.conf', '.*'), true);
    assert.equal(matchGlobComponent('.hidden', '\\.hidden'), true);
  });

  it('knows which components have wildcards', () => {
    assert.equal(hasGlobMagic('a*'), true);
    assert.equal(hasGlobMagic('a?'), true);
    assert.equal(hasGlobMagic('[ab]'), true);
    assert.equal(hasGlobMagic('a[b'), false);
    assert.equal(hasGlobMagic('a\\*'), false);
    assert.equal(hasGlobMagic('plain.conf'), false);
  });

  it('expands component by component, never across "/", sorted by bytes like strcmp', () => {
    const fs = tree({
      '/': ['home'],
      '/home': ['u'],
      '/home/u': ['.ssh'],
      '/home/u/.ssh': ['config', 'conf.d', 'other.d'],
      '/home/u/.ssh/conf.d': ['b.conf', 'a.conf', 'a1.conf', 'B.conf', 'é.conf', '.a.conf', 'z.txt', 'sub'],
      '/home/u/.ssh/conf.d/sub': ['deep.conf'],
      '/home/u/.ssh/other.d': ['x.conf'],
    });
    assert.deepEqual(expandGlob('/home/u/.ssh/conf.d/*.conf', fs), [
      '/home/u/.ssh/conf.d/B.conf',
      '/home/u/.ssh/conf.d/a.conf',
      '/home/u/.ssh/conf.d/a1.conf',
      '/home/u/.ssh/conf.d/b.conf',
      '/home/u/.ssh/conf.d/é.conf',
    ]);
    assert.deepEqual(expandGlob('/home/u/.ssh/*/x.conf', fs), ['/home/u/.ssh/other.d/x.conf']);
    assert.deepEqual(expandGlob('/home/u/*/config', fs), [], '* does not match .ssh');
    assert.deepEqual(expandGlob('/home/u/.ssh/conf.d/*', fs).includes('/home/u/.ssh/conf.d/sub/deep.conf'), false);
  });

  it('returns a path without wildcards only when it exists, and nothing for a relative pattern', () => {
    const fs = tree({ '/': ['etc'], '/etc': ['ssh'], '/etc/ssh': ['ssh_config'] });
    assert.deepEqual(expandGlob('/etc/ssh/ssh_config', fs), ['/etc/ssh/ssh_config']);
    assert.deepEqual(expandGlob('/etc/ssh/missing', fs), []);
    assert.deepEqual(expandGlob('/nowhere/*', fs), []);
    assert.deepEqual(expandGlob('ssh/*', fs), []);
  });

  it('compares by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    // U+FFFD sorts before U+1F600 in UTF-8, after its surrogates in UTF-16.
    assert.ok(compareCodePoints('\uFFFD', '😀') < 0);
    assert.ok('\uFFFD' > '😀');
    assert.ok(compareCodePoints('a', 'a1') < 0);
    assert.ok(compareCodePoints('a.conf', 'a1.conf') < 0);
  });
});
