import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { tokenize, type Line } from '../../src/core/sshConfig/tokenizer';

const values = (l: Line | undefined): string[] => (l?.args ?? []).map((a) => a.value);
const first = (text: string): Line => tokenize(text).lines[0] as Line;

describe('ssh_config tokenizer', () => {
  it('[F17] splits keyword and arguments with exact columns', () => {
    const l = first('  HostName  example.com');
    assert.equal(l.keyword?.value, 'HostName');
    assert.deepEqual(l.keyword?.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 10 } });
    assert.deepEqual(l.args[0]?.range, { start: { line: 0, character: 12 }, end: { line: 0, character: 23 } });
  });

  it('[F17] accepts one "=" with or without spaces, and keeps a second "=" as an argument', () => {
    assert.deepEqual(values(first('Port=22')), ['22']);
    assert.deepEqual(values(first('Port = 22')), ['22']);
    assert.deepEqual(first('Port = 22').equals, { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } });
    assert.deepEqual(values(first('Port == 22')), ['=', '22']);
  });

  it('[F17] treats "#" as a comment only at the start of a token', () => {
    const l = first('HostName b#c2 # note');
    assert.deepEqual(values(l), ['b#c2']);
    assert.equal(l.comment?.raw, '# note');
    // "HostName b# c2" has two arguments, which is why OpenSSH rejects it.
    assert.deepEqual(values(first('HostName b# c2')), ['b#', 'c2']);
    assert.equal(first('#Host x').keyword, undefined);
    assert.equal(first('   # indented').comment?.value, '# indented');
  });

  it('[F17] unquotes double and single quotes, also mid-token, and resolves escapes', () => {
    assert.deepEqual(values(first('IdentityFile "/a b/id" \'c d\' e"f g"h')), ['/a b/id', 'c d', 'ef gh']);
    assert.deepEqual(values(first('X a\\ b \\"q\\" c\\d')), ['a b', '"q"', 'c\\d']);
    assert.equal(first('IdentityFile "/a b/id"').args[0]?.raw, '"/a b/id"');
  });

  it('[F17] reports an unbalanced quote as invalid-quotes', () => {
    const l = first('IdentityFile "/a b/id');
    assert.equal(l.error?.code, 'invalid-quotes');
    assert.equal(l.error?.range.start.character, 13);
  });

  it('reports a keyword without an argument', () => {
    assert.equal(first('HostName').error?.code, 'missing-argument');
    assert.equal(first('HostName =  ').error?.code, 'missing-argument');
  });

  it('[F17] handles CRLF, a final line without newline, and an empty file', () => {
    const t = tokenize('Host a\r\n  Port 22\r\n');
    assert.equal(t.eol, '\r\n');
    assert.equal(t.finalNewline, true);
    assert.equal(t.lines.length, 2);
    assert.deepEqual(values(t.lines[1]), ['22']);
    assert.equal(t.lines[1]?.eol, '\r\n');
    const u = tokenize('Host a\nPort 22');
    assert.equal(u.finalNewline, false);
    assert.equal(u.lines[1]?.eol, '');
    assert.deepEqual(tokenize('').lines.map((l) => l.text), ['']);
  });

  it('[F17] notes a byte order mark and keeps columns in the text as given', () => {
    const t = tokenize('\uFEFFHost a\n');
    assert.equal(t.bom, true);
    assert.equal(t.lines[0]?.keyword?.value, 'Host');
    assert.equal(t.lines[0]?.keyword?.range.start.character, 1);
  });

  it('accepts a quoted keyword like strdelim does', () => {
    assert.equal(first('"Host" x').keyword?.value, 'Host');
    assert.deepEqual(values(first('"Host" x')), ['x']);
  });

  it('[F17] never throws, and every range lies within its line (property)', () => {
    const chars = fc.constantFrom(' ', '\t', '=', '"', "'", '#', '\\', 'a', 'H', '\r', '\n', '%', '\uFEFF', 'é');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 80 }).map((a) => a.join('')), (text) => {
        const t = tokenize(text);
        for (const l of t.lines) {
          const spans = [l.keyword?.range, l.equals, l.comment?.range, l.error?.range, ...l.args.map((a) => a.range)];
          for (const r of spans) {
            if (r !== undefined) {
              assert.equal(r.start.line, l.line);
              assert.ok(r.start.character <= r.end.character && r.end.character <= l.text.length);
            }
          }
        }
        assert.equal(t.lines.map((l) => l.text + l.eol).join(''), text);
      }),
      { numRuns: 2000 },
    );
  });
});
