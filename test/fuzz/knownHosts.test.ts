import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import * as fc from 'fast-check';
import { knownHostsNames, knownKeyTypes, parseKnownHosts, verifyHostKey, type HostKeyVerdict } from '../../src/core/knownHosts/knownHosts';
import { fuzzIt } from './fuzz';

// ---------------------------------------------------------------- a model of known_hosts files

const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa'] as const;
type KeyType = (typeof KEY_TYPES)[number];

/** A key blob as OpenSSH writes one: the type as an SSH string, then key material. */
function blob(type: string, seed: number): Buffer {
  const name = Buffer.from(type, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  const material = createHash('sha256').update(`${type}/${seed}`).digest();
  const materialLength = Buffer.alloc(4);
  materialLength.writeUInt32BE(material.length);
  return Buffer.concat([length, name, materialLength, material]);
}

/** Two keys per type. */
const KEYS: readonly { readonly type: KeyType; readonly key: Buffer }[] = KEY_TYPES.flatMap((type) => [0, 1].map((seed) => ({ type, key: blob(type, seed) })));

/** Names a host is looked up under (lower case, as knownHostsNames gives them) and the ways a line can name them. */
const HOSTS = ['example.com', 'a.example.com', 'other.org', 'prod-db', '10.0.0.5', '[127.0.0.1]:2222', '[example.com]:2222', 'xn--exmple-cua.com'] as const;
const PATTERNS = ['*', '*.example.com', '?ther.org', '*.org', 'prod-*', '10.0.0.*', '[127.0.0.1]:*', '[*]:2222', 'EXAMPLE.COM', 'Other.Org', 'nomatch.net', '*.*'];

type HostSpec = { readonly kind: 'pattern'; readonly pattern: string; readonly negated: boolean } | { readonly kind: 'hashed'; readonly name: string; readonly salt: Buffer };

interface ModelLine {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  readonly hosts: readonly HostSpec[];
  readonly key: number;
  readonly comment: string | undefined;
}

const hostSpecArb: fc.Arbitrary<HostSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pattern' as const), pattern: fc.constantFrom(...HOSTS), negated: fc.constant(false) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pattern' as const), pattern: fc.constantFrom(...PATTERNS), negated: fc.constant(false) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pattern' as const), pattern: fc.constantFrom(...HOSTS, ...PATTERNS), negated: fc.constant(true) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('hashed' as const), name: fc.constantFrom(...HOSTS), salt: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => Buffer.from(a)) }) },
);

const modelLineArb: fc.Arbitrary<ModelLine> = fc.record({
  marker: fc.constantFrom<ModelLine['marker']>(undefined, undefined, undefined, 'revoked', 'cert-authority'),
  // A hashed name stands alone in its field, as ssh-keygen -H writes it.
  hosts: fc.oneof(fc.array(hostSpecArb.filter((h) => h.kind === 'pattern'), { minLength: 1, maxLength: 3 }), hostSpecArb.filter((h) => h.kind === 'hashed').map((h) => [h])),
  key: fc.nat({ max: KEYS.length - 1 }),
  comment: fc.option(fc.constantFrom('me@laptop', 'two words', '#not a comment start', 'é'), { nil: undefined }),
});

function hostField(hosts: readonly HostSpec[]): string {
  return hosts
    .map((h) => (h.kind === 'hashed' ? `|1|${h.salt.toString('base64')}|${createHmac('sha1', h.salt).update(h.name).digest('base64')}` : `${h.negated ? '!' : ''}${h.pattern}`))
    .join(',');
}

const gaps = fc.constantFrom(' ', ' ', '\t', '  ', ' \t');

function lineText(l: ModelLine, gap: string): string {
  const k = KEYS[l.key] as { type: string; key: Buffer };
  return [...(l.marker === undefined ? [] : [`@${l.marker}`]), hostField(l.hosts), k.type, k.key.toString('base64'), ...(l.comment === undefined ? [] : [l.comment])].join(gap);
}

/** Lines OpenSSH skips: comments, blanks, bad markers, missing fields, bad base64, a key whose blob names another type, a bad hash. */
const junkLineArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '   ', '\t', '# comment', '  # indented ssh-ed25519', '#example.com ssh-ed25519 AAAA'),
  fc.constantFrom(...HOSTS).map((h) => `@bogus ${h} ssh-ed25519 ${(KEYS[0] as { key: Buffer }).key.toString('base64')}`),
  fc.constantFrom(...HOSTS).map((h) => `${h} ssh-ed25519`),
  fc.constantFrom(...HOSTS).map((h) => `${h} ssh-ed25519 not*base64`),
  fc.constantFrom(...HOSTS).map((h) => `${h} ssh-ed25519 ${(KEYS[0] as { key: Buffer }).key.toString('base64').slice(1)}`),
  fc.constantFrom(...HOSTS).map((h) => `${h} ssh-rsa ${(KEYS[0] as { key: Buffer }).key.toString('base64')}`),
  fc.constantFrom(...HOSTS).map((h) => `${h} ssh!ed25519 ${(KEYS[0] as { key: Buffer }).key.toString('base64')}`),
  fc.constant(`|1|short|hash ssh-ed25519 ${(KEYS[0] as { key: Buffer }).key.toString('base64')}`),
  fc.constant('@revoked'),
);

const globRe = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^$(){}|\\[\]]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** Whether a model line names `name`, by the rules of sshd(8): some positive pattern matches and no negated one does. */
function names(l: ModelLine, name: string): boolean {
  let positive = false;
  for (const h of l.hosts) {
    if (h.kind === 'hashed') {
      positive ||= h.name === name;
      continue;
    }
    if (globRe(h.pattern.toLowerCase()).test(name)) {
      if (h.negated) {
        return false;
      }
      positive = true;
    }
  }
  return positive;
}

/** The verdict by the model. */
function expectedKind(lines: readonly ModelLine[], lookup: readonly string[], type: string, key: Buffer): HostKeyVerdict['kind'] {
  const forHost = lines.filter((l) => l.marker !== 'cert-authority' && lookup.some((n) => names(l, n)));
  const same = (l: ModelLine): boolean => (KEYS[l.key] as { type: string }).type === type && (KEYS[l.key] as { key: Buffer }).key.equals(key);
  if (forHost.some((l) => l.marker === 'revoked' && same(l))) {
    return 'revoked';
  }
  const plain = forHost.filter((l) => l.marker === undefined);
  if (plain.some(same)) {
    return 'trusted';
  }
  return plain.some((l) => (KEYS[l.key] as { type: string }).type === type) ? 'changed' : 'unknown';
}

const lookupArb = fc.oneof(
  fc.tuple(fc.constantFrom('example.com', 'EXAMPLE.com', 'a.example.com', 'other.org', 'prod-db', '10.0.0.5', '127.0.0.1', 'unknown.net'), fc.constantFrom(22, 22, 2222)).map(([h, p]) => knownHostsNames(h, p)),
  fc.constantFrom(...HOSTS).map((alias) => knownHostsNames('10.9.9.9', 2222, alias)),
);

/** A file of model lines with the host and key to look up: drawn from its lines most of the time, so that verdicts other than unknown are common. */
const caseArb = fc.array(modelLineArb, { maxLength: 8 }).chain((lines) => {
  const fromLines = lines.flatMap((l) => l.hosts.map((h) => (h.kind === 'hashed' ? h.name : h.pattern.toLowerCase())).filter((n) => (HOSTS as readonly string[]).includes(n)));
  const lookup = fromLines.length === 0 ? lookupArb : fc.oneof(lookupArb, fc.constantFrom(...fromLines).map((n) => [n]));
  const offered = lines.length === 0 ? offeredArb : fc.oneof(offeredArb, fc.constantFrom(...lines).map((l) => KEYS[l.key] as { type: string; key: Buffer }));
  return fc.tuple(fc.constant(lines), lookup, offered);
});

/** A known_hosts line with a few characters dropped, doubled or replaced: nearly valid. */
const mutatedLineArb = fc
  .tuple(modelLineArb, gaps, fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'double', 'replace'), fc.constantFrom(' ', '\t', '@', '|', ',', '!', '*', '=', '#', 'A', '/', '+', '\r')), { minLength: 1, maxLength: 3 }))
  .map(([l, gap, edits]) => {
    let text = lineText(l, gap);
    for (const [at, op, c] of edits) {
      const i = at % (text.length + 1);
      text = op === 'drop' ? text.slice(0, i) + text.slice(i + 1) : op === 'double' ? text.slice(0, i) + text.slice(i, i + 1) + text.slice(i) : text.slice(0, i) + c + text.slice(i + 1);
    }
    return text;
  });

const offeredArb = fc.oneof(
  fc.nat({ max: KEYS.length - 1 }).map((i) => KEYS[i] as { type: string; key: Buffer }),
  fc.constant({ type: 'ssh-ed25519', key: blob('ssh-ed25519', 99) }),
  // A blob offered under another type's name.
  fc.constant({ type: 'ssh-rsa', key: (KEYS[0] as { key: Buffer }).key }),
);

// ---------------------------------------------------------------- properties

describe('fuzz: known_hosts', () => {
  fuzzIt('known_hosts parser', '[F8] the verdict is the model’s: no key is trusted unless a plain line names the host with it, @revoked wins, @cert-authority never trusts', () =>
    fc.property(caseArb, gaps, ([lines, lookup, offered], gap) => {
      const text = lines.map((l) => lineText(l, gap)).join('\n');
      const parsed = parseKnownHosts(text, 'kh');
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.entries.length, lines.length);
      const verdict = verifyHostKey(parsed.entries, lookup, offered.type, offered.key);
      assert.equal(verdict.kind, expectedKind(lines, lookup, offered.type, offered.key), `${JSON.stringify(text)} for ${lookup.join(',')}`);
      assert.deepEqual(verifyHostKey(parsed.entries, lookup, offered.type, offered.key.toString('base64')), verdict, 'base64 and blob disagree');
      if (verdict.kind === 'trusted' || verdict.kind === 'revoked') {
        const l = lines[verdict.line - 1] as ModelLine;
        assert.ok(lookup.some((n) => names(l, n)) && (KEYS[l.key] as { key: Buffer }).key.equals(offered.key), `line ${verdict.line} does not hold the key for the host`);
        assert.equal(l.marker, verdict.kind === 'revoked' ? 'revoked' : undefined);
      }
      if (verdict.kind === 'unknown') {
        assert.deepEqual(verdict.otherKeyTypes, knownKeyTypes(parsed.entries, lookup));
        assert.ok(!verdict.otherKeyTypes.includes(offered.type));
      }
    }),
  );

  fuzzIt('known_hosts parser', '[F8] junk lines, comments, CRLF and the order of the lines change nothing that is trusted', () =>
    fc.property(
      caseArb,
      fc.array(junkLineArb, { maxLength: 6 }),
      fc.infiniteStream(fc.nat()),
      gaps,
      fc.constantFrom('\n', '\r\n'),
      ([lines, lookup, offered], junk, positions, gap, eol) => {
        const plainVerdict = verifyHostKey(parseKnownHosts(lines.map((l) => lineText(l, gap)).join('\n'), 'kh').entries, lookup, offered.type, offered.key);
        const mixed = [...lines.map((l) => lineText(l, gap))].reverse();
        for (const j of junk) {
          mixed.splice((positions.next().value as number) % (mixed.length + 1), 0, j);
        }
        const parsed = parseKnownHosts(mixed.join(eol) + eol, 'kh');
        assert.equal(parsed.entries.length, lines.length, 'a junk line became an entry, or a line was lost');
        assert.ok(parsed.problems.every((p) => p.line >= 1 && p.line <= mixed.length + 1));
        const verdict = verifyHostKey(parsed.entries, lookup, offered.type, offered.key);
        assert.equal(verdict.kind, plainVerdict.kind);
      },
    ),
  );

  fuzzIt('known_hosts parser', '[F8] never throws on any text; every entry’s key blob names its type, and a trusted or revoked verdict points at such an entry', () =>
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.array(fc.constantFrom(...' \t\r\n#@|,!*?[]:=+/1abcAZ'.split(''), 'ssh-ed25519', 'ssh-rsa', '@revoked', '@cert-authority', '|1|', 'example.com', ...KEYS.map((k) => k.key.toString('base64'))), { maxLength: 60 }).map((a) => a.join('')),
        fc.array(fc.oneof(mutatedLineArb, modelLineArb.map((l) => lineText(l, ' '))), { maxLength: 6 }).map((ls) => ls.join('\n')),
        // Lines of whole fields, so that some of them are entries.
        fc
          .array(fc.array(fc.constantFrom('@revoked', '@cert-authority', '@x', 'example.com', '*', '!example.com', 'a,b,,c', '|1|', ...KEY_TYPES, 'ssh-dss', ...KEYS.map((k) => k.key.toString('base64')), '#c', '=', ''), { maxLength: 5 }), { maxLength: 8 })
          .chain((ls) => gaps.map((g) => ls.map((l) => l.join(g)).join('\n'))),
      ),
      lookupArb,
      offeredArb,
      (text, lookup, offered) => {
        const parsed = parseKnownHosts(text, 'f');
        for (const e of parsed.entries) {
          assert.equal(e.key.readUInt32BE(0), Buffer.byteLength(e.keyType, 'latin1'));
          assert.equal(e.key.subarray(4, 4 + e.key.readUInt32BE(0)).toString('latin1'), e.keyType);
          assert.ok(e.line >= 1);
        }
        const verdict = verifyHostKey(parsed.entries, lookup, offered.type, offered.key);
        if (verdict.kind === 'trusted' || verdict.kind === 'revoked') {
          const e = parsed.entries.find((x) => x.line === verdict.line);
          assert.ok(e !== undefined && e.key.equals(offered.key) && e.keyType === offered.type && e.marker === (verdict.kind === 'revoked' ? 'revoked' : undefined));
        }
      },
    ),
  );
});
