import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import {
  hostKeyAlgorithmsFor,
  knownHostsNames,
  knownKeyTypes,
  parseKnownHosts,
  sha256Fingerprint,
  verifyHostKey,
} from '../../src/core/knownHosts/knownHosts';

// Fixed vectors made once with OpenSSH 9.2 (ssh-keygen -t …, ssh-keygen -l,
// ssh-keygen -H on a file naming example.com and [127.0.0.1]:2222).
const ED1 = 'AAAAC3NzaC1lZDI1NTE5AAAAICCZWvDDsjzeXvLBN06uI1CXlkvzrY4jH1yklf6+i9CS';
const ED1_FP = 'SHA256:gWmpzJKtysxVPvn9qkMv0FGuCsLNbA/LzbrhrkLefPA';
const ED2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIC2/gqxwTNU0c0yae05IrSQHp24166LN9tuQGl7S9I8a';
const ECDSA = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBN6/TWVB11NE5b22/yIKv07OBS3vpDMxVkK7GC1JhCJQvVxu4L4MTam7PkMMQ9R5wLTRtlFuQaFL6HuBwkRnegA=';
const ECDSA_FP = 'SHA256:k3pzM8xu0lELlq8rR3UBmPK/I28rKCvC/lax5vadNNE';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAABAQCQEHAMGomhh2ewkNHeFJ/0G/tdHplIxfT5Bx+ceko9EJv+tpQPvCdm5a4QSXVUS6qvyIcst9onfqmbr8rGEHK1JwHmd0OI/wPMuSnWObzS8NLn8453UZlon976oPjRxA1v0CuxcIYCWjMMsSt1ymo87APhibhGSFCEXWQFxhKnhy3MlXUpCBoWa6Mnrbh4wNAKWmaVEltkp7VUgbdZaW7Z81Z9Dr1IUTIpqVLFpjbpl0w9Ac3TsUOiLQVyC2KQJm1Ywg9qC9L72YH23XqPrqrNptvzmhaBOJqtH8FKsL+CMux+x6mOogoeHgp5g9YAq09mnYMvFC1A4jn1a9HKsbu1';
const RSA_FP = 'SHA256:hYT1t0p9Wk4CPnNgBVB0DtpEn/6c4ko+3J1ahSOnc3g';
const HASHED_EXAMPLE_COM = '|1|NpLbhpzjiD/9d+w1evfZUcKJkrU=|h98lStP6pEXZ03qUn21VwrVke7o=';
const HASHED_LOCAL_2222 = '|1|JRaKDRQ7N5YqlNqWeVryu5d0OpA=|zg5r11TFt8EouJs9divGDc8UYs0=';

function entries(text: string): ReturnType<typeof parseKnownHosts>['entries'] {
  return parseKnownHosts(text, 'kh').entries;
}

function verdict(text: string, host: string, port: number, keyType: string, key: string): ReturnType<typeof verifyHostKey> {
  return verifyHostKey(entries(text), knownHostsNames(host, port), keyType, key);
}

describe('known_hosts', () => {
  describe('names looked up', () => {
    it('uses the bare host for port 22 and [host]:port otherwise, lower-cased', () => {
      assert.deepEqual(knownHostsNames('Example.COM', 22), ['example.com']);
      assert.deepEqual(knownHostsNames('127.0.0.1', 2222), ['[127.0.0.1]:2222']);
    });

    it('uses HostKeyAlias verbatim, without the port', () => {
      assert.deepEqual(knownHostsNames('10.0.0.5', 2222, 'prod-db'), ['prod-db']);
    });
  });

  describe('verdicts', () => {
    it('trusts a plain line holding the offered key, and says where it is', () => {
      const text = `# my hosts\n\nother.org ssh-ed25519 ${ED2}\nexample.com ssh-ed25519 ${ED1} me@laptop\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'trusted', file: 'kh', line: 4 });
    });

    it('accepts the key as a blob as well as base64', () => {
      const text = `example.com ssh-ed25519 ${ED1}\n`;
      assert.equal(verifyHostKey(entries(text), ['example.com'], 'ssh-ed25519', Buffer.from(ED1, 'base64')).kind, 'trusted');
    });

    it('[F8] matches hashed lines written by ssh-keygen -H, for port 22 and [host]:port', () => {
      const text = `${HASHED_EXAMPLE_COM} ssh-ed25519 ${ED1}\n${HASHED_LOCAL_2222} ssh-ed25519 ${ED1}\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'trusted', file: 'kh', line: 1 });
      assert.deepEqual(verdict(text, '127.0.0.1', 2222, 'ssh-ed25519', ED1), { kind: 'trusted', file: 'kh', line: 2 });
      assert.equal(verdict(text, '127.0.0.1', 22, 'ssh-ed25519', ED1).kind, 'unknown');
      assert.equal(verdict(text, 'example.org', 22, 'ssh-ed25519', ED1).kind, 'unknown');
    });

    it('[F8] keeps ports apart: a line for [host]:2222 does not vouch for port 22, nor the bare host for 2222', () => {
      const text = `[db.lan]:2222 ssh-ed25519 ${ED1}\nweb.lan ssh-ed25519 ${ED1}\n`;
      assert.equal(verdict(text, 'db.lan', 2222, 'ssh-ed25519', ED1).kind, 'trusted');
      assert.equal(verdict(text, 'db.lan', 22, 'ssh-ed25519', ED1).kind, 'unknown');
      assert.equal(verdict(text, 'web.lan', 2222, 'ssh-ed25519', ED1).kind, 'unknown');
    });

    it('matches wildcards * and ? and compares patterns case-insensitively (as ssh-keygen -F does)', () => {
      const text = `*.example.com ssh-ed25519 ${ED1}\nhost?.lan ssh-ed25519 ${ED1}\n[Mixed.Case]:2200 ssh-ed25519 ${ED1}\n`;
      assert.equal(verdict(text, 'a.example.com', 22, 'ssh-ed25519', ED1).kind, 'trusted');
      assert.equal(verdict(text, 'host1.lan', 22, 'ssh-ed25519', ED1).kind, 'trusted');
      assert.equal(verdict(text, 'host12.lan', 22, 'ssh-ed25519', ED1).kind, 'unknown');
      assert.equal(verdict(text, 'mixed.case', 2200, 'ssh-ed25519', ED1).kind, 'trusted');
    });

    it('[F8] lets a matching !negation exclude the whole line', () => {
      const text = `*.example.com,!bad.example.com ssh-ed25519 ${ED1}\n`;
      assert.equal(verdict(text, 'good.example.com', 22, 'ssh-ed25519', ED1).kind, 'trusted');
      assert.deepEqual(verdict(text, 'bad.example.com', 22, 'ssh-ed25519', ED1), { kind: 'unknown', otherKeyTypes: [] });
    });

    it('[F7] reports a changed key when the host has another key of the same type', () => {
      const text = `example.com ssh-ed25519 ${ED2}\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'changed', file: 'kh', line: 1 });
    });

    it('trusts a key when one line matches even if another line holds a different key of that type', () => {
      const text = `example.com ssh-ed25519 ${ED2}\nexample.com ssh-ed25519 ${ED1}\n`;
      assert.equal(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1).kind, 'trusted');
    });

    it('reports unknown, with the known types, when the host is only known with other key types', () => {
      const text = `example.com ecdsa-sha2-nistp256 ${ECDSA}\nexample.com ssh-rsa ${RSA}\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'unknown', otherKeyTypes: ['ecdsa-sha2-nistp256', 'ssh-rsa'] });
    });

    it('[F8] lets @revoked win over a line that trusts the same key', () => {
      const text = `example.com ssh-ed25519 ${ED1}\n@revoked * ssh-ed25519 ${ED1}\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'revoked', file: 'kh', line: 2 });
    });

    it('does not count an @revoked line for another key as knowing the host', () => {
      const text = `@revoked example.com ssh-ed25519 ${ED2}\n`;
      assert.deepEqual(verdict(text, 'example.com', 22, 'ssh-ed25519', ED1), { kind: 'unknown', otherKeyTypes: [] });
    });

    it('[F8] treats @cert-authority lines as unknown for now', () => {
      const text = `@cert-authority *.example.com ssh-ed25519 ${ED1}\n`;
      assert.deepEqual(verdict(text, 'a.example.com', 22, 'ssh-ed25519', ED1), { kind: 'unknown', otherKeyTypes: [] });
    });
  });

  describe('parsing', () => {
    it('reads CRLF files like LF files', () => {
      const text = `# c\r\nexample.com ssh-ed25519 ${ED1} a comment\r\n\r\n[h]:2 ecdsa-sha2-nistp256 ${ECDSA}\r\n`;
      const parsed = parseKnownHosts(text, 'kh');
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(
        parsed.entries.map((e) => [e.line, e.keyType, e.comment]),
        [
          [2, 'ssh-ed25519', 'a comment'],
          [4, 'ecdsa-sha2-nistp256', undefined],
        ],
      );
      assert.equal(verdict(text, 'h', 2, 'ecdsa-sha2-nistp256', ECDSA).kind, 'trusted');
    });

    it('[F8] skips and reports malformed lines with file and line, keeping the good ones', () => {
      const text = [
        `@bogus example.com ssh-ed25519 ${ED1}`,
        'example.com ssh-ed25519',
        `|1|short|h98lStP6pEXZ03qUn21VwrVke7o= ssh-ed25519 ${ED1}`,
        `example.com ssh-ed25519 not*base64`,
        `example.com ssh-rsa ${ED1}`,
        `example.com bad/type ${ED1}`,
        '@revoked',
        `  good.example.com ssh-ed25519 ${ED1}`,
      ].join('\n');
      const parsed = parseKnownHosts(text, '/home/u/.ssh/known_hosts');
      assert.deepEqual(
        parsed.problems.map((p) => [p.line, p.reason]),
        [
          [1, 'bad-marker'],
          [2, 'missing-fields'],
          [3, 'bad-hashed-host'],
          [4, 'bad-key-data'],
          [5, 'key-type-mismatch'],
          [6, 'bad-key-type'],
          [7, 'missing-fields'],
        ],
      );
      assert.ok(parsed.problems.every((p) => p.file === '/home/u/.ssh/known_hosts'));
      assert.deepEqual(parsed.entries.map((e) => e.line), [8]);
    });

    it('[F8] never throws, whatever the text', () => {
      const alphabet = fc.constantFrom(...' \t\r\n#@|,!*?[]:=+/1abcAZ'.split(''), 'ssh-ed25519', ED1, '@revoked', '|1|', HASHED_EXAMPLE_COM);
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.array(alphabet).map((a) => a.join(''))), (text) => {
          const parsed = parseKnownHosts(text, 'f');
          verifyHostKey(parsed.entries, ['example.com', '[h]:2'], 'ssh-ed25519', ED1);
          knownKeyTypes(parsed.entries, ['example.com']);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('host key algorithms', () => {
    it('lists the known types for the host in file order', () => {
      const text = `example.com ssh-ed25519 ${ED1}\n*.com ssh-rsa ${RSA}\nexample.com ssh-ed25519 ${ED2}\nother.org ecdsa-sha2-nistp256 ${ECDSA}\n`;
      assert.deepEqual(knownKeyTypes(entries(text), ['example.com']), ['ssh-ed25519', 'ssh-rsa']);
    });

    it('maps key types to algorithm names, RSA to its three signature algorithms', () => {
      assert.deepEqual(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
      assert.deepEqual(hostKeyAlgorithmsFor(['ecdsa-sha2-nistp384', 'sk-ssh-ed25519@openssh.com', 'ssh-dss']), ['ecdsa-sha2-nistp384']);
    });
  });

  describe('fingerprints', () => {
    it('match ssh-keygen -l', () => {
      assert.equal(sha256Fingerprint(ED1), ED1_FP);
      assert.equal(sha256Fingerprint(Buffer.from(ECDSA, 'base64')), ECDSA_FP);
      assert.equal(sha256Fingerprint(RSA), RSA_FP);
    });
  });
});
