import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { fixAllText, fixLoop, maxFixPasses } from '../../src/core/sshConfig/fixAll';
import { findingCodes, type Finding, type FindingCode, type SeverityOverride } from '../../src/core/sshConfig/findings';
import type { IncludeFiles } from '../../src/core/sshConfig/includes';
import { clientKeywords, serverKeywords, type KeywordInfo, type Side } from '../../src/core/sshConfig/keywords';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import { applyEdits } from '../../src/core/sshConfig/textEdits';
import { tokenize, type Line, type Position, type Range } from '../../src/core/sshConfig/tokenizer';
import { fuzzIt } from './fuzz';

// ---------------------------------------------------------------- arbitraries

const catalogue: readonly KeywordInfo[] = [...clientKeywords, ...serverKeywords];

/** A keyword spelled as people do: as in the manual, lower case, upper case. */
const spelled = (name: string): fc.Arbitrary<string> => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

/** Words that reach the value checks, Match criteria, Host patterns, quoting and comments. */
const valueWords = [
  'yes', 'no', 'true', 'false', 'ask', '0', '1', '-1', '3', '15', '300', '2147483647', '2147483648', '99999999999', '1h30m', '10m', '90s', '1w', 'none', 'any', 'auto',
  '*', '?', '!x', '!*', '*.example.com', 'a,b', 'a', 'b', 'x', 'prod', '%h', '%r@%h:%p', '~/.ssh/id', '/etc/ssh/x', '${HOME}', '${NOPE}',
  '"quoted arg"', "'single q'", '""', 'a\\ b', '\\"q\\"', 'c\\d', 'b#c', '#tail comment', '# c', '"unbalanced', "'x", 'e"f g"h', '=', '==',
  '+ssh-ed25519', '-ssh-rsa', '^aes128-ctr', 'ssh-ed25519,ecdsa-sha2-nistp256', 'aes128-gcm@openssh.com', 'nope-cipher',
  '8080', '65536', 'localhost:80', '[::1]:22', '127.0.0.1:8080', '*:8080', '/tmp/sock', 'sftp', 'internal-sftp', '10:30:100', '10:30',
  'lowdelay', 'throughput', 'reliability', 'af21', 'cs1', 'ef',
  'all', 'host', 'originalhost', 'exec', '"touch M"', 'user', 'localuser', 'final', 'canonical', 'localnetwork', 'tagged', 'address', 'localport', 'invalid-user', 'group', 'version', 'sessiontype', 'command',
  'é', 'ü', '😀', '\u0000', '\uD800', '\u202E', '\u00A0', '\u000B', '\f', 'x'.repeat(300),
];

const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...valueWords) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/** Arguments for a keyword: its own sample and words most of the time, anything else some of the time. */
const argsFor = (info: KeywordInfo): fc.Arbitrary<string[]> =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(info.sample) },
      { weight: info.values === undefined ? 0 : 3, arbitrary: fc.constantFrom(...(info.values ?? ['x'])) },
      { weight: 4, arbitrary: valueArb },
    ),
    { minLength: 0, maxLength: 4 },
  );

const keywordArb: fc.Arbitrary<[string, fc.Arbitrary<string[]>]> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...catalogue).chain((info) => spelled(info.name).map((w): [string, fc.Arbitrary<string[]>] => [w, argsFor(info)])) },
  { weight: 3, arbitrary: fc.constantFrom('Host', 'Match', 'Include', 'host', 'MATCH').map((w): [string, fc.Arbitrary<string[]>] => [w, fc.array(valueArb, { maxLength: 4 })]) },
  {
    weight: 2,
    // Typos and near-misses: a catalogue word with a letter dropped, doubled or swapped.
    arbitrary: fc.tuple(fc.constantFrom(...catalogue), fc.nat(), fc.constantFrom('drop', 'double', 'swap')).map(([info, at, how]): [string, fc.Arbitrary<string[]>] => {
      const w = info.name;
      const i = at % w.length;
      const typo = how === 'drop' ? w.slice(0, i) + w.slice(i + 1) : how === 'double' ? w.slice(0, i + 1) + w.slice(i) : w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2);
      return [typo, argsFor(info)];
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('"Host"', '"Ho st"', '""', '"#x"', '\uFEFFHost', 'ClientAliveMaxCount', 'ServerAliveMaxCount', 'x=y').map((w): [string, fc.Arbitrary<string[]>] => [w, fc.array(valueArb, { maxLength: 3 })]) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).map((w): [string, fc.Arbitrary<string[]>] => [w, fc.array(valueArb, { maxLength: 3 })]) },
);

const indentArb = fc.constantFrom('', '', '  ', '    ', '\t', ' \t');
const separatorArb = fc.constantFrom(' ', ' ', ' ', '\t', '=', ' = ', '  =', '==', ' \r ', '= =');
const argGapArb = fc.constantFrom(' ', ' ', '\t', '  ', ' \r');
const trailingArb = fc.constantFrom('', '', '', ' ', '\t', ' # note', '#x', '\r', '\f', ' \u00A0');

const directiveArb: fc.Arbitrary<string> = fc
  .tuple(indentArb, keywordArb, separatorArb, argGapArb, trailingArb)
  .chain(([indent, [kw, args], sep, gap, trail]) => args.map((a) => `${indent}${kw}${a.length === 0 ? '' : sep}${a.join(gap)}${trail}`));

const lineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: directiveArb },
  { weight: 2, arbitrary: fc.constantFrom('Host *', 'Host !x', 'Host * !bastion', 'Host a b', 'Match all', 'Match host a user b', 'Match final all', 'Match canonical', 'Host prod', 'Host *.example.com') },
  { weight: 2, arbitrary: fc.constantFrom('', '', ' ', '\t', '\f', '\r') },
  { weight: 1, arbitrary: fc.tuple(indentArb, fc.string({ maxLength: 20 })).map(([i, s]) => `${i}#${s}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** A config file: lines, line endings (one kind or mixed), sometimes a BOM, with or without a final newline. */
const configTextArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.array(lineArb, { maxLength: 12 }) }, { weight: 1, arbitrary: fc.array(lineArb, { maxLength: 40 }) }),
    fc.constantFrom('\n', '\n', '\r\n', 'mixed'),
    fc.infiniteStream(fc.constantFrom('\n', '\r\n')),
    fc.boolean(),
    fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant('\uFEFF') }),
  )
  .map(([lines, eol, mixed, final, bom]) => {
    let text = bom;
    lines.forEach((l, i) => {
      const e = eol === 'mixed' ? (mixed.next().value as string) : eol;
      text += l + (i < lines.length - 1 || final ? e : '');
    });
    return text;
  });

const versionArb = fc.constantFrom<string | undefined>(undefined, '9.2', '8.0', '7.4', '9.4', '10.1', '10.0');

const optionsArb: fc.Arbitrary<LintOptions> = fc
  .record({
    side: fc.constantFrom<Side>('client', 'server'),
    version: versionArb,
    rules: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...findingCodes), fc.constantFrom<SeverityOverride>('off', 'error', 'warning', 'info', 'hint'), { maxKeys: 4 }) },
    ),
    mode: fc.option(fc.constantFrom(0o600, 0o644, 0o664, 0o666, 0o602), { nil: undefined }),
  })
  .map(({ side, version, rules, mode }) => ({
    side,
    ...(version === undefined ? {} : { opensshVersion: version }),
    ...(rules === undefined ? {} : { rules: rules as Partial<Record<FindingCode, SeverityOverride>> }),
    ...(mode === undefined ? {} : { permissions: { mode, checkedBySsh: true } }),
  }));

// ---------------------------------------------------------------- document positions

/** Line texts as the core counts them: split at LF, a CR before the LF belongs to the line ending. */
function documentLines(text: string): string[] {
  return text.split('\n').map((l, i, all) => (i < all.length - 1 && l.endsWith('\r') ? l.slice(0, -1) : l));
}

function assertPosition(lines: readonly string[], p: Position, what: string): void {
  assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: not whole numbers ${JSON.stringify(p)}`);
  assert.ok(p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside 0..${lines.length - 1}`);
  assert.ok(p.character >= 0 && p.character <= (lines[p.line] as string).length, `${what}: character ${p.character} outside line ${p.line} of length ${(lines[p.line] as string).length}`);
}

function assertRange(lines: readonly string[], r: Range, what: string): void {
  assertPosition(lines, r.start, what);
  assertPosition(lines, r.end, what);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: inverted ${JSON.stringify(r)}`);
}

function assertFindingsInside(text: string, findings: readonly Finding[], options: LintOptions): void {
  const lines = documentLines(text);
  const suspicious = /undefined|NaN|\[object /;
  let previous: Position | undefined;
  for (const f of findings) {
    assert.ok((findingCodes as readonly string[]).includes(f.code), `unknown code ${f.code}`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity), `severity ${f.severity}`);
    assert.ok(f.message.length > 0, `${f.code}: empty message`);
    if (!suspicious.test(text)) {
      assert.doesNotMatch(f.message, suspicious, `${f.code}: message built from a missing value`);
    }
    assertRange(lines, f.range, `${f.code} range`);
    if (previous !== undefined) {
      assert.ok(previous.line < f.range.start.line || (previous.line === f.range.start.line && previous.character <= f.range.start.character), 'findings out of order');
    }
    previous = f.range.start;
    const override = options.rules?.[f.code];
    assert.notEqual(override, 'off', `${f.code} reported although turned off`);
    if (override !== undefined) {
      assert.equal(f.severity, override, `${f.code}: severity override ignored`);
    }
  }
}

type EditFix = Extract<Finding['fixes'][number], { kind: 'edit' }>;
const editFixes = (f: Finding): EditFix[] => f.fixes.filter((x): x is EditFix => x.kind === 'edit');

/** Whether every line break in `s` is `eol` (and no CR stands alone). */
function onlyLineEnding(s: string, eol: '\n' | '\r\n'): boolean {
  return eol === '\n' ? !s.includes('\r') : !/(^|[^\r])\n/.test(s) && !/\r(?!\n)/.test(s);
}

/** An LF file: line breaks, none of them CRLF. */
const lfOnly = (s: string): boolean => s.includes('\n') && !s.includes('\r\n');
/**
 * Whether an LF file stayed one. A file that ends in a lone CR (whitespace to
 * OpenSSH) gets a CRLF where text is appended after it: the fix itself wrote LF.
 */
const lfKept = (before: string, after: string): boolean => !lfOnly(before) || (after.match(/\r\n/g)?.length ?? 0) <= (before.endsWith('\r') ? 1 : 0);
/** A CRLF file: line breaks, all of them CRLF. */
const crlfOnly = (s: string): boolean => s.includes('\n') && !/(^|[^\r])\n/.test(s);
/** Whether a CRLF file stayed one (or lost all its line breaks). */
const crlfKept = (before: string, after: string): boolean => !crlfOnly(before) || !/(^|[^\r])\n/.test(after);

const errorCount = (findings: readonly Finding[]): number => findings.filter((f) => f.severity === 'error').length;

/**
 * Lines that are nothing but a comment, without trailing blanks (OpenSSH drops them; and a lone CR that ends the
 * file becomes part of a CRLF when a fix appends after it).
 */
const commentLines = (text: string): string[] =>
  documentLines(text.replace(/^\uFEFF/, ''))
    .filter((l) => /^[ \t]*#/.test(l))
    .map((l) => l.replace(/[ \t\r\n\f]+$/, ''));

// ---------------------------------------------------------------- properties

describe('fuzz: ssh_config tokenizer', () => {
  fuzzIt('ssh_config tokenizer', '[F17] lines and tokens cover the source text in order, and each token is its own slice of the line', () =>
    fc.property(configTextArb, (text) => {
      const t = tokenize(text);
      assert.equal(t.lines.map((l) => l.text + l.eol).join(''), text, 'lines do not rebuild the text');
      assert.equal(t.bom, text.startsWith('\uFEFF'));
      assert.equal(t.finalNewline, text.endsWith('\n'));
      t.lines.forEach((l, i) => {
        assert.equal(l.line, i);
        assert.ok(!l.text.includes('\n'));
        const spans: [string, Range, string | undefined][] = [];
        if (l.keyword !== undefined) spans.push(['keyword', l.keyword.range, l.keyword.raw]);
        if (l.equals !== undefined) spans.push(['equals', l.equals, '=']);
        l.args.forEach((a, k) => spans.push([`arg ${k}`, a.range, a.raw]));
        if (l.comment !== undefined) spans.push(['comment', l.comment.range, l.comment.raw]);
        let at = i === 0 && t.bom ? 1 : 0;
        for (const [what, r, raw] of spans) {
          assert.ok(r.start.line === i && r.end.line === i, `${what} leaves its line`);
          assert.ok(r.start.character >= at && r.end.character >= r.start.character && r.end.character <= l.text.length, `${what} out of order or outside the line`);
          assert.equal(l.text.slice(r.start.character, r.end.character), raw, `${what} raw is not its slice`);
          at = r.end.character;
        }
        if (l.error !== undefined) {
          assert.ok(l.error.range.start.line === i && l.error.range.start.character <= l.error.range.end.character && l.error.range.end.character <= l.text.length, 'error range outside the line');
        } else if (l.keyword !== undefined) {
          assert.ok(l.args.length > 0, 'a keyword without arguments and without an error');
        }
        if (l.comment !== undefined) {
          assert.ok(l.comment.raw.startsWith('#'));
        }
        for (const a of l.args) {
          assert.ok(a.raw.length > 0);
          if (!/["'\\]/.test(a.raw)) {
            assert.equal(a.value, a.raw, 'a plain word changed its value');
          }
        }
      });
    }),
  );

  fuzzIt('ssh_config tokenizer', '[F17] a line written back from its keyword and values reads the same, and every line reads the same on its own', () =>
    fc.property(configTextArb, (text) => {
      const t = tokenize(text);
      for (const l of t.lines) {
        // Line locality: lexing is per line (a BOM counts only at the start of the file).
        if (l.text !== '') {
          const alone = l.line === 0 ? (tokenize(l.text).lines[0] as Line) : (tokenize(`\n${l.text}`).lines[1] as Line);
          assert.deepEqual(summary(alone), summary(l), `line ${l.line} reads differently on its own`);
        }
        if (l.error !== undefined || l.keyword === undefined) {
          continue;
        }
        const written = [quoteWord(l.keyword.value, true), ...l.args.map((a) => quoteWord(a.value, false))].join(' ');
        const back = tokenize(written).lines[0] as Line;
        assert.equal(back.error, undefined, `re-serialised line has an error: ${JSON.stringify(written)}`);
        assert.equal(back.keyword?.value, l.keyword.value, `keyword changed: ${JSON.stringify(written)}`);
        assert.deepEqual(back.args.map((a) => a.value), l.args.map((a) => a.value), `values changed: ${JSON.stringify(written)}`);
      }
    }),
  );
});

/** What a line says: values, ranges, error code. */
function summary(l: Line): unknown {
  return {
    keyword: l.keyword === undefined ? undefined : [l.keyword.value, l.keyword.range.start.character, l.keyword.range.end.character],
    equals: l.equals?.start.character,
    args: l.args.map((a) => [a.value, a.range.start.character, a.range.end.character]),
    comment: l.comment?.raw,
    error: l.error === undefined ? undefined : [l.error.code, l.error.range.start.character, l.error.range.end.character],
  };
}

/**
 * A value written so that OpenSSH's lexer gives it back: bare when it is a
 * plain word, else in double quotes with `"` and `\` escaped.
 */
function quoteWord(value: string, keyword: boolean): string {
  // A first argument starting with `=` would be read as the separator.
  const plain = keyword ? /^[^\s"'\\=#\uFEFF]+$/ : /^[^ \t"'\\#=][^ \t"'\\]*$/;
  const edge = /^[\s\f]|[\s\f]$/;
  if (plain.test(value) && !edge.test(value)) {
    return value;
  }
  if (keyword) {
    // strdelim takes a quoted keyword up to the next quote, with no escapes.
    return `"${value}"`;
  }
  return `"${value.replace(/[\\"']/g, (c) => `\\${c}`)}"`;
}

describe('fuzz: ssh_config linter', () => {
  fuzzIt('ssh_config linter', '[F17] never throws; every finding lies inside the document, in order, with a known code, its severity and a message', () =>
    fc.property(configTextArb, optionsArb, configTextArb, (text, options, other) => {
      const findings = lint(text, options);
      assertFindingsInside(text, findings, options);
      // No state carried between calls.
      lint(other, { side: options.side === 'client' ? 'server' : 'client' });
      assert.deepEqual(lint(text, options), findings, 'a second lint of the same text differs');
    }),
  );

  fuzzIt('ssh_config linter', '[F17,F18] with Include (files in memory): never throws or loops, and include findings point at Include lines of the linted file', () =>
    fc.property(
      configTextArb,
      fc.array(fc.tuple(fc.constantFrom('a.conf', 'b.conf', 'c.conf', 'config', 'd/x.conf'), configTextArb), { maxLength: 4 }),
      fc.array(fc.tuple(fc.constantFrom('Include', 'include', 'INCLUDE'), fc.constantFrom('a.conf', '*.conf', '~/.ssh/b.conf', '/home/u/.ssh/config', 'config', 'd/*', 'missing.conf', '${HOME}/.ssh/c.conf', '${UNSET}/x', '"a.conf" b.conf', '/etc/ssh/none/*')), { maxLength: 4 }),
      fc.constantFrom<Side>('client', 'server'),
      (text, files, includes, side) => {
        const withIncludes = [...includes.map(([k, v]) => `${k} ${v}`), text].join('\n');
        const fileMap = new Map<string, string>();
        for (const [name, body] of files) {
          fileMap.set(`/home/u/.ssh/${name}`, [...includes.slice(1).map(([k, v]) => `${k} ${v}`), body].join('\n'));
        }
        fileMap.set('/home/u/.ssh/config', withIncludes);
        const fs: IncludeFiles = {
          glob: (pattern) => [...fileMap.keys()].filter((p) => globMatches(pattern, p)).sort(),
          read: (p) => fileMap.get(p),
        };
        const options: LintOptions = { side, includes: { files: fs, path: '/home/u/.ssh/config', home: '/home/u', env: { HOME: '/home/u' }, userFile: true } };
        const findings = lint(withIncludes, options);
        assertFindingsInside(withIncludes, findings, options);
        const lines = tokenize(withIncludes).lines;
        for (const f of findings.filter((x) => x.code === 'include-missing' || x.code === 'include-cycle')) {
          assert.equal(lines[f.range.start.line]?.keyword?.value.toLowerCase(), 'include', `${f.code} not on an Include line`);
        }
      },
    ),
  );
});

/** `*` and `?` within one path component, as glob(3) reads them; enough for the fake file system. */
function globMatches(pattern: string, p: string): boolean {
  const re = pattern.replace(/[.+^$(){}|\\[\]]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(p);
}

describe('fuzz: ssh_config fixes', () => {
  fuzzIt('ssh_config fixes', '[F17,F20] every edit of every fix lies inside the document, applies, writes the file’s own line ending, and the result lints again', () =>
    fc.property(configTextArb, optionsArb, (text, options) => {
      const findings = lint(text, options);
      const lines = documentLines(text);
      const eol = tokenize(text).eol;
      for (const f of findings) {
        for (const fix of editFixes(f)) {
          assert.ok(fix.edits.length > 0 && fix.title !== '', `${f.code}: empty fix`);
          for (const e of fix.edits) {
            assertRange(lines, e.range, `${f.code} fix "${fix.title}"`);
            assert.ok(onlyLineEnding(e.newText, eol), `${f.code} fix "${fix.title}" writes another line ending: ${JSON.stringify(e.newText)}`);
          }
          const after = applyEdits(text, fix.edits);
          assert.ok(lfKept(text, after), `${f.code} fix "${fix.title}" put CRLF into an LF file`);
          assert.ok(crlfKept(text, after), `${f.code} fix "${fix.title}" put a bare LF into a CRLF file`);
          assertFindingsInside(after, lint(after, options), options);
        }
      }
    }),
  );

  fuzzIt('ssh_config fixes', '[F17,F20] a preferred fix settles the finding it was offered for', () =>
    fc.property(configTextArb, optionsArb, (text, options) => {
      for (const f of lint(text, options)) {
        const fix = editFixes(f).find((x) => x.preferred);
        if (fix === undefined) {
          continue;
        }
        const after = applyEdits(text, fix.edits);
        const again = lint(after, options).filter((g) => g.code === f.code && g.message === f.message && g.range.start.line === f.range.start.line && g.range.start.character === f.range.start.character);
        assert.deepEqual(again.map((g) => g.code), [], `fix "${fix.title}" left its finding:\n${JSON.stringify(text)}\n→\n${JSON.stringify(after)}`);
      }
    }),
  );

  fuzzIt('ssh_config fixes', '[F17,F20] fix all settles within its pass limit, adds no error, keeps comments and line endings, and a second run changes nothing', () =>
    fc.property(configTextArb, optionsArb, (text, options) => {
      const before = lint(text, options);
      const r = fixLoop(text, (t) => lint(t, options), maxFixPasses);
      assert.notEqual(r.stopped, 'limit', `fix all did not settle in ${maxFixPasses} passes:\n${JSON.stringify(text)}`);
      assert.ok(r.passes <= maxFixPasses);
      const after = lint(r.text, options);
      assertFindingsInside(r.text, after, options);
      assert.ok(errorCount(after) <= errorCount(before), 'fix all added an error');
      assert.ok(lfKept(text, r.text), 'CRLF put into an LF file');
      assert.ok(crlfKept(text, r.text), 'bare LF put into a CRLF file');
      // A file without a final newline keeps none; but when the last line goes and the line before it is blank, that
      // blank line is now last, and a blank last line without a line ending is how a file with a final newline ends.
      const blankBeforeLast = text.split('\n').slice(0, -1).some((l) => l.trim() === '');
      if (text.endsWith('\n') || !blankBeforeLast) {
        assert.equal(r.text.endsWith('\n'), text.endsWith('\n'), 'final newline added or removed');
      }
      const kept = commentLines(r.text);
      for (const c of commentLines(text)) {
        const k = kept.indexOf(c);
        assert.notEqual(k, -1, `comment line lost: ${JSON.stringify(c)}`);
        kept.splice(k, 1);
      }
      const second = fixAllText(r.text, options);
      assert.equal(second.text, r.text, 'a second fix all changed the text');
    }),
  );
});
