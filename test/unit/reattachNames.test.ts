import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { checkSessionName, sessionFromTarget, shellQuote, visible } from '../../src/core/reattach/names';
import { shellWords } from '../../src/core/sshArgs/remoteCommand';

describe('reattach: session names', () => {
  it('accepts letters, digits and _ - + @ % , . unchanged for screen', () => {
    for (const name of ['main', 'a-b', 'a_b', '+x', 'a@b%c', 'a,b', 'c.d', '1', 'Z9']) {
      assert.deepEqual(checkSessionName('screen', name), { ok: true, name });
    }
  });

  it('[F13] maps . and : to _ for tmux, as tmux 3.3 stores them', () => {
    assert.deepEqual(checkSessionName('tmux', 'c.d'), { ok: true, name: 'c_d' });
    assert.deepEqual(checkSessionName('tmux', 'x.y:z'), { ok: true, name: 'x_y_z' });
    assert.deepEqual(checkSessionName('tmux', 'main'), { ok: true, name: 'main' });
  });

  it('keeps . but refuses : for screen', () => {
    assert.deepEqual(checkSessionName('screen', 'c.d'), { ok: true, name: 'c.d' });
    const r = checkSessionName('screen', 'a:b');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'forbidden-character');
  });

  it('[F13] refuses a command substitution and names the character', () => {
    const r = checkSessionName('tmux', 'x$(touch M);y');
    assert.deepEqual(r, {
      ok: false,
      reason: 'forbidden-character',
      message: 'tmux session name "x$(touch M);y" contains "$": SSH Lifeline only passes names made of letters, digits and _ - + @ % , . to a remote shell',
    });
  });

  it('[F13] refuses hostile and unusual characters with the reason forbidden-character', () => {
    for (const kind of ['tmux', 'screen'] as const) {
      for (const name of ['a b', "it's", 'say"hi"', 'a;b', 'a|b', 'a&b', 'a`b`', 'a/b', 'a=b', 'a\\b', 'a#b', 'a*b', 'a~b', 'héllo', 'ä', 'a\u202eb', 'a\u200bb', '日本', '🙂', '=main']) {
        const r = checkSessionName(kind, name);
        assert.equal(r.ok, false, `${kind} ${JSON.stringify(name)}`);
        assert.equal(!r.ok && r.reason, 'forbidden-character', name);
      }
    }
  });

  it('[F13] shows a newline or tab in a refused name escaped, never raw', () => {
    const r = checkSessionName('tmux', 'main\nrm -rf ~');
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.reason, 'forbidden-character');
    assert.ok(!r.message.includes('\n'), r.message);
    assert.match(r.message, /"main\\nrm -rf ~" contains "\\n"/);
    const t = checkSessionName('screen', 'a\tb');
    assert.ok(!t.ok && t.message.includes('contains "\\t"'), JSON.stringify(t));
  });

  it('escapes invisible characters (bidi override, zero-width space) in messages', () => {
    const r = checkSessionName('tmux', 'a\u202eb');
    assert.ok(!r.ok && r.message.includes('"a\\u{202e}b" contains "\\u{202e}"'), JSON.stringify(r));
    assert.equal(visible('x\u200by'), '"x\\u{200b}y"');
    assert.equal(visible('héllo "q" \\'), '"héllo \\"q\\" \\\\"');
  });

  it('[F13] refuses a name starting with a dash (it would be read as an option)', () => {
    for (const name of ['-t', '-', '--', '-foo']) {
      const r = checkSessionName('tmux', name);
      assert.ok(!r.ok && r.reason === 'leading-dash', `${name}: ${JSON.stringify(r)}`);
      assert.ok(!r.ok && r.message.startsWith(`tmux session name "${name}" starts with "-"`), JSON.stringify(r));
    }
    assert.deepEqual(checkSessionName('screen', 'a-'), { ok: true, name: 'a-' });
  });

  it('refuses an empty name', () => {
    const r = checkSessionName('screen', '');
    assert.ok(!r.ok && r.reason === 'empty' && r.message.startsWith('screen session name is empty'));
  });

  it('accepts 64 characters and refuses 65', () => {
    assert.deepEqual(checkSessionName('tmux', 'a'.repeat(64)), { ok: true, name: 'a'.repeat(64) });
    const r = checkSessionName('tmux', 'a'.repeat(65));
    assert.ok(!r.ok && r.reason === 'too-long' && r.message.includes('65 characters'), JSON.stringify(r));
  });

  it('shortens a very long refused name in its message', () => {
    const r = checkSessionName('tmux', 'b'.repeat(10_000));
    assert.ok(!r.ok && r.message.length < 300, JSON.stringify(r).slice(0, 400));
  });

  it('[F13] distinguishes foo from foobar: an accepted name is returned exactly', () => {
    assert.deepEqual(checkSessionName('tmux', 'foo'), { ok: true, name: 'foo' });
    assert.deepEqual(checkSessionName('tmux', 'foobar'), { ok: true, name: 'foobar' });
  });

  it('every accepted name is non-empty, allow-listed, at most 64 characters and free of a leading dash (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('tmux' as const, 'screen' as const), fc.string({ unit: 'binary', maxLength: 80 }), (kind, raw) => {
        const r = checkSessionName(kind, raw);
        if (r.ok) {
          assert.match(r.name, /^[A-Za-z0-9_+@%,.][A-Za-z0-9_\-+@%,.]{0,63}$/);
          if (kind === 'tmux') {
            assert.ok(!/[.:]/.test(r.name));
          }
        } else {
          assert.ok(!r.message.includes('\n') && !r.message.includes('\r'), r.message);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every name made of the allow-list (and no leading dash) is accepted', () => {
    const allowed = fc.constantFrom(...'abcXYZ0189_-+@%,.'.split(''));
    fc.assert(
      fc.property(fc.array(allowed, { minLength: 1, maxLength: 64 }).map((a) => a.join('')), (raw) => {
        fc.pre(!raw.startsWith('-'));
        assert.deepEqual(checkSessionName('screen', raw), { ok: true, name: raw });
        assert.deepEqual(checkSessionName('tmux', raw), { ok: true, name: raw.replace(/\./g, '_') });
      }),
    );
  });
});

describe('reattach: tmux targets', () => {
  it('takes the session part of a target as typed', () => {
    assert.equal(sessionFromTarget('=main'), 'main');
    assert.equal(sessionFromTarget('main:1'), 'main');
    assert.equal(sessionFromTarget('main:1.0'), 'main');
    assert.equal(sessionFromTarget('=main:'), 'main');
    assert.equal(sessionFromTarget('main'), 'main');
    assert.equal(sessionFromTarget(''), '');
  });
});

describe('reattach: shell quoting', () => {
  it('single-quotes a word, closing and escaping embedded quotes', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('x$(touch M);y'), "'x$(touch M);y'");
    assert.equal(shellQuote('a\nb'), "'a\nb'");
    assert.equal(shellQuote("''"), `''\\'''\\'''`);
  });

  it('round-trips through a POSIX word splitter for any string (property)', () => {
    // shellWords models single quotes and backslashes exactly; the real shell is checked in the integration tier.
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(...`'"$\`\\ ;|&()<>*~\n\tab`.split('')), maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 40 })), (word) => {
        assert.deepEqual(shellWords(shellQuote(word)), [word]);
      }),
      { numRuns: 2000 },
    );
  });
});
