import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { BANNER_LIMITS, BannerParser, escapeForDisplay, parseBanner, type BannerResult } from '../../src/core/probe/banner';
import { fuzzIt } from './fuzz';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** What servers and non-servers send first: banner parts, line ends, NUL, bare CR, HTTP, escapes, long runs. */
const pieceArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('SSH-2.0-', 'SSH-1.99-', 'SSH-1.5-', 'SSH-', 'SSH-2.0', 'SSH-2.0--', 'OpenSSH_9.2p1', ' Debian-2+deb12u3', '-', ' ', 'SSH', 'SS').map(bytes) },
  { weight: 6, arbitrary: fc.constantFrom('\r\n', '\n', '\r', '\0', '\r\r\n', '\n\r').map(bytes) },
  { weight: 2, arbitrary: fc.constantFrom('HTTP/1.1 400 Bad Request\r\n', 'Server: nginx\r\n\r\n', '220 smtp ready\r\n', '+OK POP3\r\n', '\x1b[31mred\x1b[0m', '\u202eevil', 'é', '😀', '\\', '\x7f\x9b').map(utf8) },
  { weight: 2, arbitrary: fc.constantFrom(100, 249, 250, 251, 252, 253, 254, 255, 256, 1000, 4096, 8185, 8192, 8193).map((n) => bytes('x'.repeat(n))) },
  { weight: 1, arbitrary: fc.constantFrom(1023, 1024, 1025).map((n) => bytes('a\n'.repeat(n))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 16 }).map(utf8) },
);

const inputArb = fc.array(pieceArb, { maxLength: 40 }).map((pieces) => Buffer.concat(pieces));

/** Feeds `input` in chunks of the given sizes (cycling), then ends it when asked. */
function feed(input: Uint8Array, sizes: readonly number[], ended: boolean): { result: BannerResult; consumed: number; parser: BannerParser } {
  const parser = new BannerParser();
  let result: BannerResult = { kind: 'need-more' };
  let at = 0;
  for (let k = 0; at < input.length; k++) {
    const size = sizes[k % sizes.length] as number;
    result = parser.push(input.subarray(at, at + size));
    assert.ok(parser.bytesConsumed <= BANNER_LIMITS.maxTotalBytes + 1, `read ${parser.bytesConsumed} bytes`);
    at = Math.min(at + size, input.length);
    if (at > BANNER_LIMITS.maxTotalBytes + 1) {
      assert.notEqual(result.kind, 'need-more', `still asking for more after ${at} bytes`);
    }
  }
  if (ended && result.kind === 'need-more') {
    result = parser.end();
  }
  return { result, consumed: parser.bytesConsumed, parser };
}

const controlOrBidi = /[\p{Cc}\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

function shownText(r: BannerResult): string {
  if (r.kind === 'banner') {
    return [r.software, r.comments ?? '', ...r.preBannerLines].join('');
  }
  return r.kind === 'error' ? r.message : '';
}

/** Printable ASCII without space and `-`-free where the grammar needs it. */
const softwareArb = fc.stringMatching(/^[!-~]{1,40}$/);
const commentsArb = fc.option(fc.stringMatching(/^[ -~]{0,60}$/), { nil: undefined });
const preambleLineArb = fc
  .oneof(fc.stringMatching(/^[ -~]{0,80}$/), fc.string({ maxLength: 20 }), fc.constantFrom('', 'SSH', 'SS', 'ssh-2.0-lower', ' SSH-2.0-indented'))
  .filter((l) => !l.startsWith('SSH-') && !/[\0\r\n]/.test(l));

describe('fuzz: SSH banner parser', () => {
  fuzzIt('SSH banner parser', '[F6] the answer does not depend on how the bytes are chunked, and it never reads past 8 KiB + 1', () =>
    fc.property(inputArb, fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }), fc.boolean(), (input, sizes, ended) => {
      const whole = parseBanner(input, ended);
      const chunked = feed(input, sizes, ended);
      assert.deepEqual(chunked.result, whole);
      const byteAtATime = feed(input, [1], ended);
      assert.deepEqual(byteAtATime.result, whole);
      assert.equal(byteAtATime.consumed, chunked.consumed);
      // Once answered, it reads nothing more.
      if (whole.kind !== 'need-more') {
        const again = chunked.parser.push(bytes('SSH-2.0-late\r\n'));
        assert.deepEqual(again, chunked.result);
        assert.equal(chunked.parser.bytesConsumed, chunked.consumed);
      }
    }),
  );

  fuzzIt('SSH banner parser', '[F6] whatever arrives, nothing shown holds a control or bidi character, and the limits hold', () =>
    fc.property(inputArb, fc.boolean(), (input, ended) => {
      const r = parseBanner(input, ended);
      assert.doesNotMatch(shownText(r), controlOrBidi);
      if (r.kind === 'banner') {
        assert.ok(r.preBannerLines.length <= BANNER_LIMITS.maxPreBannerLines);
        assert.ok(r.software.length > 0);
        assert.ok(input.subarray(0, BANNER_LIMITS.maxTotalBytes).includes(bytes('SSH-')), 'a banner without SSH- in the first 8 KiB');
      }
      if (r.kind === 'need-more') {
        assert.ok(input.length <= BANNER_LIMITS.maxTotalBytes, `need-more after ${input.length} bytes`);
        assert.ok(!input.includes(0), 'need-more after a NUL');
      }
    }),
  );

  fuzzIt('SSH banner parser', '[F6] an identification line after any allowed preamble is found exactly, whatever follows it', () =>
    fc.property(
      fc.array(fc.tuple(preambleLineArb, fc.constantFrom('\r\n', '\n')), { maxLength: 30 }),
      fc.constantFrom('2.0', '1.99'),
      softwareArb,
      commentsArb,
      fc.constantFrom('\r\n', '\n'),
      inputArb,
      (preamble, proto, software, comments, end, after) => {
        const ident = `SSH-${proto}-${software}${comments === undefined ? '' : ` ${comments}`}`;
        fc.pre(utf8(ident).length + end.length <= BANNER_LIMITS.maxBannerLineBytes);
        const head = Buffer.concat([...preamble.map(([l, e]) => utf8(l + e)), utf8(ident + end)]);
        fc.pre(head.length <= BANNER_LIMITS.maxTotalBytes);
        const r = parseBanner(Buffer.concat([head, after]), true);
        const softwarePart = software.includes(' ') ? software.slice(0, software.indexOf(' ')) : software;
        assert.deepEqual(r, {
          kind: 'banner',
          protoVersion: proto,
          software: escapeForDisplay(softwarePart),
          ...(comments === undefined ? {} : { comments: escapeForDisplay(comments) }),
          preBannerLines: preamble.map(([l]) => escapeForDisplay(l)),
        });
        const parser = new BannerParser();
        parser.push(Buffer.concat([head, after]));
        assert.equal(parser.bytesConsumed, head.length, 'read past the identification line');
      },
    ),
  );
});
