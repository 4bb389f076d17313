import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BANNER_LIMITS, BANNER_MIN_SPACING_MS, BannerParser, escapeForDisplay, parseBanner, type BannerResult } from '../../src/core/probe/banner';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
/** What sshd 9.2p1 on Debian 12 sends, captured from the test sshd. */
const OPENSSH_92 = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n';

/** Feeds `input` in the given chunk sizes (cycled), then ends the stream if `ended`. */
function feed(input: Uint8Array, sizes: readonly number[], ended = false): BannerResult {
  const p = new BannerParser();
  let r: BannerResult = { kind: 'need-more' };
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length] ?? 1);
    r = p.push(input.subarray(i, i + n));
    i += n;
  }
  return r.kind === 'need-more' && ended ? p.end() : r;
}

describe('SSH banner parser', () => {
  it('reads an OpenSSH identification line: version, software, comments', () => {
    assert.deepEqual(parseBanner(bytes(OPENSSH_92)), {
      kind: 'banner',
      protoVersion: '2.0',
      software: 'OpenSSH_9.2p1',
      comments: 'Debian-2+deb12u10',
      preBannerLines: [],
    });
  });

  it('accepts a bare LF and a line without comments', () => {
    assert.deepEqual(parseBanner(bytes('SSH-2.0-dropbear_2022.83\n')), {
      kind: 'banner',
      protoVersion: '2.0',
      software: 'dropbear_2022.83',
      preBannerLines: [],
    });
  });

  it('accepts protocol 1.99 and software versions that contain dashes', () => {
    const r = parseBanner(bytes('SSH-1.99-Cisco-1.25\r\n'));
    assert.equal(r.kind, 'banner');
    assert.equal(r.kind === 'banner' && r.protoVersion, '1.99');
    assert.equal(r.kind === 'banner' && r.software, 'Cisco-1.25');
  });

  it('rejects SSH-1 servers and other protocol versions', () => {
    const r = parseBanner(bytes('SSH-1.5-OpenSSH_2.3\r\n'));
    assert.equal(r.kind === 'error' && r.reason, 'unsupported-version');
    assert.match(r.kind === 'error' ? r.message : '', /1\.5 is not supported/);
  });

  it('rejects identification lines without a software version', () => {
    for (const line of ['SSH-2.0\r\n', 'SSH-2.0-\r\n', 'SSH-2.0- comment\r\n', 'SSH-\r\n', 'SSH--x\r\n']) {
      const r = parseBanner(bytes(line));
      assert.equal(r.kind === 'error' && r.reason, 'malformed', line);
    }
  });

  it('keeps the lines before the identification line, escaped for display', () => {
    const r = parseBanner(bytes('Welcome\r\n\x1b[31mred\x1b[0m\r\n\r\nutf-8: caf\xc3\xa9\n' + OPENSSH_92));
    assert.equal(r.kind, 'banner');
    assert.deepEqual(r.kind === 'banner' && r.preBannerLines, ['Welcome', '\\x1b[31mred\\x1b[0m', '', 'utf-8: café']);
  });

  it('asks for more until the line has ended, including a CR at the end of a chunk', () => {
    const p = new BannerParser();
    assert.deepEqual(p.push(bytes('SSH-2.0-Open')), { kind: 'need-more' });
    assert.deepEqual(p.push(bytes('SSH_9.2\r')), { kind: 'need-more' });
    assert.equal(p.push(bytes('\n')).kind, 'banner');
    assert.equal(p.bytesConsumed, 'SSH-2.0-OpenSSH_9.2\r\n'.length);
  });

  it('stops at the end of the identification line and ignores the key exchange after it', () => {
    const kexinit = '\x00\x00\x05\xdc\x07\x14' + 'x'.repeat(20000);
    const p = new BannerParser();
    const r = p.push(bytes(OPENSSH_92 + kexinit));
    assert.equal(r.kind, 'banner');
    assert.equal(p.bytesConsumed, OPENSSH_92.length);
    assert.deepEqual(p.push(bytes('more')), r, 'answers the same for ever');
    assert.deepEqual(p.end(), r);
  });

  it('accepts an identification line of exactly 255 bytes with CR LF, refuses 256', () => {
    const fit = 'SSH-2.0-' + 'a'.repeat(255 - 2 - 8);
    assert.equal(parseBanner(bytes(fit + '\r\n')).kind, 'banner');
    assert.equal(parseBanner(bytes(fit + 'a\n')).kind, 'banner', '254 + LF = 255');
    const r = parseBanner(bytes(fit + 'a\r\n'));
    assert.equal(r.kind === 'error' && r.reason, 'line-too-long');
  });

  it('[F6] refuses an overlong identification line as soon as it cannot fit, before its end', () => {
    const p = new BannerParser();
    const r = p.push(bytes('SSH-2.0-' + 'a'.repeat(1000)));
    assert.equal(r.kind === 'error' && r.reason, 'line-too-long');
    assert.equal(p.bytesConsumed, BANNER_LIMITS.maxBannerLineBytes);
  });

  it('[F6] accepts 1024 lines before the identification line, refuses 1025', () => {
    assert.equal(parseBanner(bytes('x\n'.repeat(1024) + OPENSSH_92)).kind, 'banner');
    const r = parseBanner(bytes('x\n'.repeat(1025) + OPENSSH_92));
    assert.equal(r.kind === 'error' && r.reason, 'too-many-lines');
  });

  it('[F6] gives up after 8 KiB without an identification line, having read exactly 8193 bytes', () => {
    const p = new BannerParser();
    const r = p.push(bytes('y'.repeat(100_000)));
    assert.equal(r.kind === 'error' && r.reason, 'too-long');
    assert.equal(p.bytesConsumed, BANNER_LIMITS.maxTotalBytes + 1);
    // An identification line ending exactly at the bound is fine.
    const pad = 'p'.repeat(BANNER_LIMITS.maxTotalBytes - OPENSSH_92.length - 1) + '\n';
    assert.equal(parseBanner(bytes(pad + OPENSSH_92)).kind, 'banner');
    assert.equal(parseBanner(bytes('p' + pad + OPENSSH_92)).kind, 'error');
  });

  it('[F6] refuses a NUL byte and a bare CR anywhere before the end of the identification line', () => {
    for (const input of ['hello\x00\n' + OPENSSH_92, 'SSH-2.0-Open\x00SSH\r\n', 'abc\rdef\n' + OPENSSH_92, 'SSH-2.0-x\r\r\n']) {
      const r = parseBanner(bytes(input));
      assert.equal(r.kind === 'error' && r.reason, 'invalid-character', JSON.stringify(input));
    }
  });

  it('reports a connection that ended before the identification line', () => {
    const empty = new BannerParser().end();
    assert.equal(empty.kind === 'error' && empty.reason, 'closed');
    assert.match(empty.kind === 'error' ? empty.message : '', /before the server sent anything/);
    const r = parseBanner(bytes('HTTP/1.1 400 Bad Request\r\n\r\n'), true);
    assert.equal(r.kind === 'error' && r.reason, 'closed');
  });

  it('escapes control characters, bidi overrides and non-ASCII bytes in the identification line', () => {
    const r = parseBanner(bytes('SSH-2.0-Evil\x1b]0;pwned\x07 \x9b2J\xe2\x80\xae\\\r\n'));
    assert.equal(r.kind, 'banner');
    assert.equal(r.kind === 'banner' && r.software, 'Evil\\x1b]0;pwned\\x07');
    assert.equal(r.kind === 'banner' && r.comments, '\\x9b2J\\xe2\\x80\\xae\\\\');
  });

  it('escapes for display: C0, DEL, C1, bidi controls, zero-width characters, backslash', () => {
    assert.equal(escapeForDisplay('a\tb\x7f\u0085\u202e\u2066\u200b\ufeff\\ok é'), 'a\\x09b\\x7f\\x85\\u{202e}\\u{2066}\\u{200b}\\u{feff}\\\\ok é');
  });

  it('gives the same answer for every split of the input into two chunks, and byte by byte', () => {
    const inputs = [
      'pre 1\r\npre 2\n' + OPENSSH_92 + 'KEX',
      'SSH-2.0-x\r\r\n',
      'x\n'.repeat(1030),
      'SSH-2.0-' + 'a'.repeat(300),
      'abc\x00',
      'SSH-1.5-old\n',
    ].map(bytes);
    for (const input of inputs) {
      const whole = parseBanner(input, true);
      assert.deepEqual(feed(input, [1], true), whole);
      for (let cut = 0; cut <= input.length; cut++) {
        assert.deepEqual(feed(input, [cut, input.length], true), whole);
      }
    }
  });

  it('property: any chunking of any input gives the one-shot answer, and never throws', () => {
    const piece = fc.oneof(
      fc.constantFrom('SSH-2.0-', 'SSH-1.99-', 'SSH-', '\r\n', '\n', '\r', '\x00', ' ', 'OpenSSH_9.2p1', '-', 'x'.repeat(300)),
      fc.string({ maxLength: 20 }),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString('latin1')),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (pieces, sizes, ended) => {
          const input = bytes(pieces.join(''));
          const whole = parseBanner(input, ended);
          assert.deepEqual(feed(input, sizes, ended), whole);
          if (whole.kind === 'banner') {
            // Nothing returned for display holds a raw control character.
            const shown = [whole.software, whole.comments ?? '', ...whole.preBannerLines].join('');
            assert.ok(![...shown].some((ch) => /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(ch)), shown);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('[F24] spaces unauthenticated probes at least 30 s apart (sshd PerSourcePenalties)', () => {
    assert.equal(BANNER_MIN_SPACING_MS, 30_000);
  });
});
