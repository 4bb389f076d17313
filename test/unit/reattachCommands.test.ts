import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { attachCommand, attachTargetOf, parseAttachCommand, listSessionsCommand, persistentCommand, type AttachTarget } from '../../src/core/reattach/commands';
import { TMUX_LIST_FORMAT } from '../../src/core/reattach/remoteSessions';
import { shellWords } from '../../src/core/sshArgs/remoteCommand';

function target(kind: 'tmux' | 'screen', name: string, socket?: { flag: '-L' | '-S'; value: string }): AttachTarget {
  const r = attachTargetOf(kind, name, socket);
  assert.ok(r.ok, JSON.stringify(r));
  return r.target;
}

describe('reattach: attach commands', () => {
  it('tmux: detaches the ghost client, matches the name exactly, and falls back to a new session', () => {
    assert.equal(attachCommand(target('tmux', 'main')), "tmux has-session -t '=main' && tmux attach-session -d -t '=main' || tmux new-session -s 'main'");
  });

  it('tmux: foo never attaches foobar (the target is =foo, quoted)', () => {
    const cmd = attachCommand(target('tmux', 'foo'));
    assert.ok(cmd.includes("-t '=foo'"), cmd);
    assert.ok(!/-t '?foo/.test(cmd), cmd);
  });

  it('tmux: c.d is attached as c_d, the name tmux stored', () => {
    assert.equal(attachCommand(target('tmux', 'c.d')), "tmux has-session -t '=c_d' && tmux attach-session -d -t '=c_d' || tmux new-session -s 'c_d'");
    assert.equal(persistentCommand(target('tmux', 'c.d')), "tmux new-session -A -s 'c_d'");
  });

  it('tmux: the persistent command attaches or creates', () => {
    assert.equal(persistentCommand(target('tmux', 'main')), "tmux new-session -A -s 'main'");
  });

  it('tmux: a -L socket name is quoted and repeated on both sides of ||', () => {
    const t = target('tmux', 'main', { flag: '-L', value: 'work' });
    assert.equal(attachCommand(t), "tmux -L 'work' has-session -t '=main' && tmux -L 'work' attach-session -d -t '=main' || tmux -L 'work' new-session -s 'main'");
    assert.equal(persistentCommand(t), "tmux -L 'work' new-session -A -s 'main'");
  });

  it('tmux: a -S path under ~/ keeps the tilde outside the quotes so the remote shell expands it', () => {
    const t = target('tmux', 'main', { flag: '-S', value: '~/.tmux/sock' });
    assert.equal(persistentCommand(t), "tmux -S ~/'.tmux/sock' new-session -A -s 'main'");
    assert.equal(persistentCommand(target('tmux', 'm', { flag: '-S', value: '/tmp/tmux-0/default' })), "tmux -S '/tmp/tmux-0/default' new-session -A -s 'm'");
  });

  it('screen: -dr with a fall-back to -S, and -DR for the persistent terminal; . is kept', () => {
    assert.equal(attachCommand(target('screen', 'c.d')), "screen -dr 'c.d' || screen -S 'c.d'");
    assert.equal(persistentCommand(target('screen', 'main')), "screen -DR 'main'");
  });

  it('lists sessions: tmux -u with the list format, quoted; screen -ls', () => {
    assert.equal(listSessionsCommand('tmux'), `tmux -u list-sessions -F '${TMUX_LIST_FORMAT}'`);
    assert.equal(listSessionsCommand('tmux', { flag: '-L', value: 'w' }), `tmux -u -L 'w' list-sessions -F '${TMUX_LIST_FORMAT}'`);
    assert.equal(listSessionsCommand('screen'), 'screen -ls');
    assert.deepEqual(shellWords(listSessionsCommand('tmux')), ['tmux', '-u', 'list-sessions', '-F', TMUX_LIST_FORMAT]);
  });

  it('uses nothing but words, single quotes, && and || (read alike by sh, bash, zsh, fish and csh)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tmux' as const, 'screen' as const),
        fc.array(fc.constantFrom(...'aZ09_-+@%,.:'.split('')), { minLength: 1, maxLength: 64 }).map((a) => a.join('')),
        (kind, raw) => {
          const r = attachTargetOf(kind, raw);
          fc.pre(r.ok);
          assert.ok(r.ok);
          for (const cmd of [attachCommand(r.target), persistentCommand(r.target)]) {
            const outsideQuotes = cmd.replace(/'[^']*'/g, '');
            assert.match(outsideQuotes, /^[a-zA-Z |&-]*$/, cmd);
            const sides = cmd.split(' || ').flatMap((side) => side.split(' && '));
            for (const side of sides) {
              const words = shellWords(side);
              assert.ok(words !== undefined, side);
              assert.ok(words.includes(r.target.name) || words.includes(`=${r.target.name}`), side);
            }
          }
        },
      ),
    );
  });
});

describe('reattach: attach targets', () => {
  it('refuses hostile names with the name check reason, never throwing', () => {
    for (const [name, reason] of [
      ['x$(touch M);y', 'forbidden-character'],
      ['-t', 'leading-dash'],
      ['a\nb', 'forbidden-character'],
      ["it's", 'forbidden-character'],
      ['a b', 'forbidden-character'],
      ['é', 'forbidden-character'],
      ['a'.repeat(65), 'too-long'],
      ['', 'empty'],
    ] as const) {
      const r = attachTargetOf('tmux', name);
      assert.ok(!r.ok && r.reason === reason, `${JSON.stringify(name)} → ${JSON.stringify(r)}`);
    }
  });

  it('refuses socket values outside their allow-lists with bad-socket', () => {
    const bad: { flag: '-L' | '-S'; value: string }[] = [
      { flag: '-L', value: '' },
      { flag: '-L', value: 'a/b' },
      { flag: '-L', value: '-x' },
      { flag: '-L', value: '..' },
      { flag: '-L', value: "w'x" },
      { flag: '-L', value: 'a'.repeat(65) },
      { flag: '-S', value: '' },
      { flag: '-S', value: '/tmp/a b' },
      { flag: '-S', value: '$HOME/sock' },
      { flag: '-S', value: '-S' },
      { flag: '-S', value: '/tmp/x\n' },
      { flag: '-S', value: `/${'a'.repeat(300)}` },
    ];
    for (const socket of bad) {
      const r = attachTargetOf('tmux', 'main', socket);
      assert.ok(!r.ok && r.reason === 'bad-socket' && !r.message.includes('\n'), `${JSON.stringify(socket)} → ${JSON.stringify(r)}`);
    }
  });

  it('refuses a socket for screen, which has none', () => {
    const r = attachTargetOf('screen', 'main', { flag: '-L', value: 'w' });
    assert.ok(!r.ok && r.reason === 'bad-socket');
  });

  it('accepts allow-listed socket values and keeps them as given', () => {
    const r = attachTargetOf('tmux', 'a.b', { flag: '-S', value: '~/x/y.sock' });
    assert.deepEqual(r, { ok: true, target: { kind: 'tmux', name: 'a_b', socket: { flag: '-S', value: '~/x/y.sock' } } });
    assert.deepEqual(attachTargetOf('tmux', 'main'), { ok: true, target: { kind: 'tmux', name: 'main' } });
  });

  it('never throws, and every accepted target quotes to a single word per name (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('tmux' as const, 'screen' as const),
        fc.oneof(fc.string({ unit: 'binary', maxLength: 70 }), fc.stringMatching(/^[a-z0-9_.:,@%+-]{0,66}$/)),
        fc.option(
          fc.record({
            flag: fc.constantFrom('-L' as const, '-S' as const),
            value: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.stringMatching(/^~?[a-z0-9_./,@%+-]{0,30}$/)),
          }),
          { nil: undefined },
        ),
        (kind, raw, socket) => {
          const r = attachTargetOf(kind, raw, socket);
          if (r.ok) {
            const words = shellWords(persistentCommand(r.target).replace(/^tmux -S ~\//, 'tmux -S /HOME/'));
            assert.ok(words !== undefined);
            assert.equal(words[words.length - 1], r.target.name);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseAttachCommand: our own attach command, recognised again', () => {
  it('round-trips every target attachCommand writes, and nothing else', () => {
    const targets: AttachTarget[] = [
      { kind: 'tmux', name: 'main' },
      { kind: 'tmux', name: 'c_d', socket: { flag: '-L', value: 'work' } },
      { kind: 'tmux', name: 'x', socket: { flag: '-S', value: '~/sock/t' } },
      { kind: 'screen', name: 'c.d' },
    ];
    for (const t of targets) {
      assert.deepEqual(parseAttachCommand(attachCommand(t)), t);
    }
    assert.equal(parseAttachCommand('tmux attach-session -d -t =main || rm -rf ~'), undefined);
    assert.equal(parseAttachCommand("tmux attach-session -d -t '=main' || tmux new-session -s 'other'"), undefined);
    assert.equal(parseAttachCommand('tmux new-session -A -s main'), undefined);
  });
});
