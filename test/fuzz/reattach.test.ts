import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { attachCommand, attachTargetOf, parseAttachCommand, persistentCommand, type AttachTarget, type MultiplexerSocket } from '../../src/core/reattach/commands';
import { checkSessionName, type MultiplexerKind } from '../../src/core/reattach/names';
import { parseScreenSessions, parseTmuxSessions, type RemoteSession } from '../../src/core/reattach/remoteSessions';
import { fuzzIt } from './fuzz';

// ---------------------------------------------------------------- session names

/** Names people and attackers give sessions: spaces, dots, colons, quotes, `$(…)`, unicode, look-alikes of the list's own fields. */
const nameArb: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom('main', 'a b', 'two  spaces ', ' lead', 'c.d', 'c:d', 'a.b:c', 'x$(touch M);y', "it's", 'h_llo', 'héllo', '😀', '-t', '=main', 'foo', 'foobar', '1 2 3 4', '0 0 0 0 x', '\t tab', 'pts-0.host', '(Detached)', 'x)\t(y') },
    { weight: 3, arbitrary: fc.stringMatching(/^[ -~]{1,24}$/) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
  )
  .filter((n) => n !== '' && !n.includes('\n') && !n.endsWith('\r'));

const secondsArb = fc.option(fc.integer({ min: 0, max: 4_000_000_000 }), { nil: undefined });

// fc.record builds objects without a prototype: spread into plain ones to compare with the parser's.
const tmuxSessionArb: fc.Arbitrary<RemoteSession> = fc.record({ name: nameArb, attached: fc.nat(5), lastAttached: secondsArb, activity: secondsArb, created: secondsArb }).map((r) => ({ ...r }));

/** One line of `tmux list-sessions -F TMUX_LIST_FORMAT`. */
const tmuxLine = (s: RemoteSession): string => `${s.attached} ${s.lastAttached ?? ''} ${s.activity ?? ''} ${s.created ?? ''} ${s.name}`;

/** What tmux and the shell print around the list (none of it starts with digits and a space). */
const tmuxNoiseArb = fc.constantFrom('no server running on /tmp/tmux-0/default', 'error connecting to /tmp/tmux-1000/default (No such file or directory)', '', 'lost server', 'bash: tmux: command not found', '  ');

const screenStateArb = fc.constantFrom(['Attached', 1], ['Detached', 0], ['Multi, attached', 1], ['Multi, detached', 0], ['attached', 1], ['Dead ???', -1], ['Remote or dead', -1]) as fc.Arbitrary<[string, number]>;
const screenDateArb = fc.option(fc.constantFrom('11/21/26 09:11:10', '11/21/2026 09:00:00 AM', '21.11.2026 09:11:10'), { nil: undefined });
/** screen keeps `.` and spaces; a tab or `:` is not part of a name it prints. */
const screenNameArb = nameArb.filter((n) => !n.includes('\t') && !n.includes(':') && n.trim() === n && n !== '');

// ---------------------------------------------------------------- properties

describe('fuzz: tmux and screen session lists', () => {
  fuzzIt('tmux session list parser', '[F13] a generated session list (names with spaces, dots, colons, quotes) reads back exactly, among the noise around it', () =>
    fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: tmuxSessionArb.map((s) => ({ s })) }, { weight: 1, arbitrary: tmuxNoiseArb.map((noise) => ({ noise })) }), { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (items, eol, final) => {
      const text = items.map((i) => ('s' in i ? tmuxLine(i.s) : i.noise)).join(eol) + (final ? eol : '');
      assert.deepEqual(
        parseTmuxSessions(text),
        items.flatMap((i) => ('s' in i ? [i.s] : [])),
      );
    }),
  );

  fuzzIt('tmux session list parser', '[F13] never invents a session: each comes from its own line, in order, ends that line, and has safe whole numbers', () =>
    fc.property(
      fc.oneof(
        fc.array(fc.oneof(tmuxSessionArb.map(tmuxLine), tmuxNoiseArb, fc.string({ maxLength: 30 }), fc.stringMatching(/^[0-9 ]{1,12}[ -~]{0,8}$/), fc.constantFrom(`${'9'.repeat(400)} 1 2 3 x`, `1 ${'9'.repeat(30)} 2 3 y`)), { maxLength: 10 }).map((ls) => ls.join('\n')),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
      (text) => {
        const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        let at = 0;
        for (const s of parseTmuxSessions(text)) {
          while (at < lines.length && !((lines[at] as string).endsWith(` ${s.name}`) && /^\d/.test(lines[at] as string))) {
            at++;
          }
          assert.ok(at < lines.length, `session ${JSON.stringify(s.name)} from no line`);
          at++;
          assert.ok(s.name !== '' && !s.name.includes('\n'));
          for (const n of [s.attached, s.lastAttached ?? 0, s.activity ?? 0, s.created ?? 0]) {
            assert.ok(Number.isSafeInteger(n) && n >= 0, `number ${n}`);
          }
        }
      },
    ),
  );

  fuzzIt('screen session list parser', '[F13] screen -ls output reads back: live sessions exactly, dead and remote ones left out, and nothing invented', () =>
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 4_194_304 }), screenNameArb, screenDateArb, screenStateArb), { maxLength: 8 }),
      fc.string({ maxLength: 60 }),
      (rows, junk) => {
        const header = rows.length === 0 ? 'No Sockets found in /run/screen/S-me.\r\n' : `There ${rows.length === 1 ? 'is a screen' : 'are screens'} on:\r\n`;
        const body = rows.map(([pid, name, date, [state]]) => `\t${pid}.${name}${date === undefined ? '' : `\t(${date})`}\t(${state})\n`).join('');
        const text = `${header}${body}${rows.length} Sockets in /run/screen/S-me.\r\n`;
        assert.deepEqual(
          parseScreenSessions(text),
          rows.filter(([, , , [, attached]]) => attached >= 0).map(([, name, , [, attached]]) => ({ name, attached, lastAttached: undefined, activity: undefined, created: undefined })),
        );
        for (const s of parseScreenSessions(`${junk}\n${body}${junk}`)) {
          assert.ok(body.includes(`.${s.name}\t`) || junk.includes(`.${s.name}`), `screen session ${JSON.stringify(s.name)} from nowhere`);
          assert.ok(s.attached === 0 || s.attached === 1);
        }
      },
    ),
  );
});

/** Names the allow-list takes (tmux also `:`), and what it refuses. */
const allowedNameArb = fc.stringMatching(/^[A-Za-z0-9_+@%,.:][A-Za-z0-9_\-+@%,.:]{0,70}$/);
const socketArb: fc.Arbitrary<MultiplexerSocket | undefined> = fc.option(
  fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_\-+@%,.]{1,70}$/).map((value) => ({ flag: '-L' as const, value })),
    fc.oneof(fc.stringMatching(/^[A-Za-z0-9_\-+@%,./~]{1,40}$/), fc.constantFrom('~/', '~/s', '/tmp/tmux-0/default', '-S', "a'b", 'a b')).map((value) => ({ flag: '-S' as const, value })),
    fc.constantFrom({ flag: '-L' as const, value: "x$(touch M)" }, { flag: '-L' as const, value: '..' }, { flag: '-L' as const, value: '' }),
  ),
  { nil: undefined },
);

/** The command with every single-quoted word replaced by Q: what the remote shell runs besides the quoted words. */
const skeleton = (command: string): string => command.replace(/'[^']*'/g, 'Q');

describe('fuzz: reattach commands', () => {
  fuzzIt('reattach attach command', '[F13] an accepted name or socket only ever reaches the shell inside single quotes, and the attach command reads back to its target', () =>
    fc.property(fc.constantFrom<MultiplexerKind>('tmux', 'screen'), fc.oneof(allowedNameArb, nameArb), socketArb, (kind, raw, socket) => {
      const built = attachTargetOf(kind, raw, socket);
      if (!built.ok) {
        assert.ok(built.message.length > 0);
        return;
      }
      const t = built.target;
      const checked = checkSessionName(kind, raw);
      assert.ok(checked.ok && checked.name === t.name);
      assert.match(t.name, kind === 'tmux' ? /^[A-Za-z0-9_+@%,][A-Za-z0-9_\-+@%,]*$/ : /^[A-Za-z0-9_+@%,.][A-Za-z0-9_\-+@%,.]*$/);
      const command = attachCommand(t);
      const home = (v: string): string => (v === '~/' ? v : v.startsWith('~/') ? '~/v' : 'v');
      const plain: AttachTarget = { kind, name: 'n', ...(t.socket === undefined ? {} : { socket: { flag: t.socket.flag, value: home(t.socket.value) } }) };
      assert.equal(skeleton(command), skeleton(attachCommand(plain)), `the shell would see more than our words: ${command}`);
      assert.equal(skeleton(persistentCommand(t)), skeleton(persistentCommand(plain)));
      assert.deepEqual(parseAttachCommand(command), t, `did not read back: ${command}`);
    }),
  );

  fuzzIt('reattach attach command', '[F13] parseAttachCommand recognises only what attachCommand writes: a recognised command is rebuilt byte for byte', () =>
    fc.property(
      fc.oneof(
        fc.tuple(fc.constantFrom<MultiplexerKind>('tmux', 'screen'), allowedNameArb, socketArb, fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'insert'), fc.constantFrom(' ', "'", '=', '|', '&', ';', 'a', '-', '\\', '"', ':', '.')), { maxLength: 3 })).map(([kind, raw, socket, edits]) => {
          const built = attachTargetOf(kind, raw, socket);
          let command = built.ok ? attachCommand(built.target) : `tmux attach -t '=${raw}'`;
          for (const [at, op, c] of edits) {
            const i = at % (command.length + 1);
            command = op === 'drop' ? command.slice(0, i) + command.slice(i + 1) : command.slice(0, i) + c + command.slice(i);
          }
          return command;
        }),
        fc.string({ maxLength: 80 }),
        fc.constantFrom('tmux attach -t main', 'screen -dr main', "tmux has-session -t '=a' && tmux attach-session -d -t '=a' || tmux new-session -s 'b'", "screen -dr 'x' || screen -S 'x'"),
      ),
      (command) => {
        const t = parseAttachCommand(command);
        if (t !== undefined) {
          assert.equal(attachCommand(t), command);
          const checked = checkSessionName(t.kind, t.name);
          assert.ok(checked.ok && checked.name === t.name, `recognised a name the allow-list refuses: ${JSON.stringify(t.name)}`);
        }
      },
    ),
  );
});
