import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import type { Finding } from '../../src/core/sshConfig/findings';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import { a2port, algorithmProblem, atoiErr, convtime, isValidForward, isValidMaxStartups, strtonum } from '../../src/core/sshConfig/valueChecks';

const TAIL = 'Host *\n  ServerAliveInterval 15\n  ServerAliveCountMax 4\n  ConnectTimeout 10\n';
const client = (body: string, extra: Partial<LintOptions> = {}): Finding[] => lint(`Host a\n  ${body}\n${TAIL}`, { side: 'client', opensshVersion: '9.2', ...extra });
const server = (body: string, extra: Partial<LintOptions> = {}): Finding[] => lint(`ClientAliveInterval 60\n${body}\n`, { side: 'server', opensshVersion: '9.2', ...extra });
/** The invalid-value and syntax findings, as "code severity". */
const values = (fs: readonly Finding[]): string[] => fs.filter((f) => f.code === 'invalid-value' || f.code === 'syntax').map((f) => `${f.code} ${f.severity}`);
const ERROR = ['invalid-value error'];

describe('config lint: value checks', () => {
  describe('integers (misc.c atoi_err: 0 to INT_MAX)', () => {
    it('refuses negative, overflowing and malformed numbers on both sides', () => {
      for (const v of ['-1', '2147483648', '3x', '1.5', '0x10']) {
        assert.deepEqual(values(client(`ServerAliveCountMax ${v}`)), ERROR, v);
        assert.deepEqual(values(server(`MaxAuthTries ${v}`)), ERROR, v);
      }
    });

    it('takes what strtonum takes: a sign, leading zeros, 0 and INT_MAX', () => {
      for (const v of ['0', '+3', '-0', '007', '2147483647']) {
        assert.deepEqual(values(client(`ServerAliveCountMax ${v}`)), [], v);
        assert.deepEqual(values(server(`ClientAliveCountMax ${v}`)), [], v);
      }
    });

    it('ConnectionAttempts 0 is refused: ssh will not run with it', () => {
      const [f] = client('ConnectionAttempts 0');
      assert.equal(f?.code, 'invalid-value');
      assert.match(f?.message ?? '', /at least 1.*Invalid number of ConnectionAttempts/);
      assert.deepEqual(values(client('ConnectionAttempts 1')), []);
    });
  });

  describe('times (misc.c convtime)', () => {
    it('refuses more than INT_MAX seconds, negative parts and unknown units', () => {
      for (const v of ['2147483648', '4000w', '1h-5', '-5', '5x', 'm']) {
        assert.deepEqual(values(client(`ServerAliveInterval ${v}`)), ERROR, v);
        assert.deepEqual(values(server(`LoginGraceTime ${v}`)), ERROR, v);
      }
    });

    it('takes signs and blanks where strtol does, and units in either case', () => {
      for (const v of ['+5', '-0', '1m+5', '3550w', '1W', '"1m 5"', '" 5"']) {
        assert.deepEqual(values(client(`ServerAliveInterval ${v}`)), [], v);
      }
    });

    it('client time options take "none" in lower case only; the server ones do not take it', () => {
      assert.deepEqual(values(client('ServerAliveInterval none')), []);
      assert.deepEqual(values(client('ConnectTimeout none')), []);
      assert.deepEqual(values(client('ConnectTimeout NONE')), ERROR);
      assert.deepEqual(values(server('LoginGraceTime none')), ERROR);
      assert.deepEqual(values(server('UnusedConnectionTimeout NONE')), []);
    });

    it('the keepalive rules read times as ssh does', () => {
      const budget = (v: string): string[] =>
        lint(`Host *\n  ServerAliveInterval ${v}\n  ServerAliveCountMax 3\n  ConnectTimeout 10\n`, { side: 'client', opensshVersion: '9.2' }).map((f) => f.code);
      assert.deepEqual(budget('+2'), ['keepalive-budget']);
      assert.deepEqual(budget('"1m 5"'), []);
      // `none` turns keepalives off (0): no budget to judge.
      assert.deepEqual(budget('none'), []);
    });

    it('ControlPersist takes yes, no, true, false (lower case) or a time', () => {
      for (const v of ['yes', 'no', 'true', 'false', '10m', '0']) {
        assert.deepEqual(values(client(`ControlPersist ${v}`)), [], v);
      }
      for (const v of ['YES', 'none', '-1', '2147483648']) {
        assert.deepEqual(values(client(`ControlPersist ${v}`)), ERROR, v);
      }
    });
  });

  describe('ports (misc.c a2port)', () => {
    it('refuses 0 and numbers above 65535 on both sides, takes a sign and service names', () => {
      for (const v of ['0', '-0', '70000', '-1', '22a']) {
        assert.deepEqual(values(client(`Port ${v}`)), ERROR, v);
        assert.deepEqual(values(server(`Port ${v}`)), ERROR, v);
      }
      for (const v of ['22', '+22', 'ssh', '65535']) {
        assert.deepEqual(values(client(`Port ${v}`)), [], v);
        assert.deepEqual(values(server(`Port ${v}`)), [], v);
      }
    });
  });

  describe('forwarding specifications (readconf.c parse_forward)', () => {
    it('LocalForward needs a target and ports 1-65535', () => {
      assert.match(client('LocalForward 8080')[0]?.message ?? '', /Missing target argument/);
      for (const v of ['8080 localhost', '0 localhost:80', '70000 localhost:80', '8080 localhost:0', '8080 [localhost:80', 'a:b:c:d e:f']) {
        assert.deepEqual(values(client(`LocalForward ${v}`)), ERROR, v);
      }
      for (const v of ['8080 localhost:80', '127.0.0.1:8080 localhost:80', '[::1]:8080 [::1]:80', '*:8080 localhost:80', '/tmp/a.sock /tmp/b.sock', '8080 /tmp/b.sock', '+8080 localhost:80', '8080 :80']) {
        assert.deepEqual(values(client(`LocalForward ${v}`)), [], v);
      }
    });

    it('RemoteForward with one argument is dynamic and may listen on port 0; DynamicForward may not', () => {
      for (const v of ['8080', '0', 'localhost:0', '/tmp/s.sock', '0 localhost:80']) {
        assert.deepEqual(values(client(`RemoteForward ${v}`)), [], v);
      }
      assert.deepEqual(values(client('RemoteForward 8080 localhost:0')), ERROR);
      assert.deepEqual(values(client('DynamicForward 0')), ERROR);
      assert.deepEqual(values(client('DynamicForward localhost:1080')), []);
    });

    it('extra words are a syntax error; ${VAR} is left to OpenSSH, which expands it first', () => {
      assert.deepEqual(values(client('LocalForward 8080 localhost:80 extra')), ['syntax error']);
      assert.deepEqual(values(client('DynamicForward 1080 extra')), ['syntax error']);
      assert.deepEqual(values(client('LocalForward 8080 ${TARGET}:80')), []);
    });

    it('takes a word in a port field as a service name: which exist depends on the machine', () => {
      assert.equal(isValidForward('8080:localhost:http', false, false), true);
      assert.equal(a2port('http'), 'service');
      assert.equal(a2port('22a'), -1);
    });
  });

  describe('algorithm lists', () => {
    it('refuses names this OpenSSH does not know, with or without + and ^, case-sensitively', () => {
      for (const v of ['nosuch', '+nosuch', '^nosuch', 'AES128-CTR', 'aes*', 'nosuch,aes128-ctr', 'aes128-ctr aes256-ctr']) {
        assert.equal(values(client(`Ciphers ${v}`)).length, 1, v);
        assert.equal(values(server(`Ciphers ${v}`)).length, 1, v);
      }
      for (const v of ['aes128-ctr', '+aes128-cbc', '^chacha20-poly1305@openssh.com', '-nosuch', 'aes128-ctr,,nosuch']) {
        assert.deepEqual(values(client(`Ciphers ${v}`)), [], v);
      }
    });

    it('knows which release added or removed a name', () => {
      assert.deepEqual(values(client('KexAlgorithms mlkem768x25519-sha256')), ERROR);
      assert.deepEqual(values(client('KexAlgorithms mlkem768x25519-sha256', { opensshVersion: '9.9' })), []);
      assert.deepEqual(values(client('HostKeyAlgorithms ssh-dss')), []);
      assert.deepEqual(values(client('HostKeyAlgorithms ssh-dss', { opensshVersion: '10.0' })), ERROR);
    });

    it('an unknown name is only a warning when the OpenSSH version is unknown or newer than the catalogue', () => {
      assert.deepEqual(values(client('MACs hmac-sha3-256', { opensshVersion: '11.0' })), ['invalid-value warning']);
      assert.deepEqual(values(lint(`Host a\n  MACs hmac-sha3-256\n${TAIL}`, { side: 'client' })), ['invalid-value warning']);
    });

    it('key-type lists take patterns; lists that select nothing fail sshd and HostKeyAlgorithms, and only warn elsewhere in ssh', () => {
      assert.deepEqual(values(client('HostKeyAlgorithms ssh-ed25519*')), []);
      assert.deepEqual(values(client('HostKeyAlgorithms nosuch*')), ERROR);
      assert.deepEqual(values(client('PubkeyAcceptedAlgorithms RSA')), ['invalid-value warning']);
      assert.deepEqual(values(client('HostKeyAlgorithms RSA')), ERROR);
      assert.deepEqual(values(server('PubkeyAcceptedAlgorithms RSA')), ERROR);
      assert.deepEqual(values(server('CASignatureAlgorithms ssh-ed25519-cert-v01@openssh.com')), ERROR);
      assert.deepEqual(values(server('HostKeyAlgorithms ssh-*,!ssh-dss')), ERROR);
      assert.deepEqual(values(server('HostKeyAlgorithms -ssh-dss*')), []);
    });

    it('algorithmProblem tells the parser stage from the list-building stage', () => {
      assert.equal(algorithmProblem('ciphers', 'nosuch', '9.2')?.stage, 'parse');
      // The parser stops at an empty element; building the list skips it and unknown names.
      assert.equal(algorithmProblem('macs', ',nosuch', '9.2')?.stage, 'select');
      assert.equal(algorithmProblem('macs', ',hmac-sha1', '9.2'), undefined);
      assert.equal(algorithmProblem('macs', 'hmac-sha1,,nosuch', '9.2'), undefined);
      // The gsskex patch's own check (kex_gss_names_valid, checked with ssh -G and sshd -t 9.2 on Debian).
      assert.equal(algorithmProblem('gssapikexalgorithms', 'anything', '9.2')?.stage, 'parse');
      assert.equal(algorithmProblem('gssapikexalgorithms', 'gss-group14-sha256-,gss-curve25519-sha256-', '9.2'), undefined);
    });
  });

  describe('sshd: MaxStartups, Subsystem, PermitRootLogin', () => {
    it('MaxStartups is start:rate:full with start <= full and rate 1-100, or one number above 0', () => {
      for (const v of ['10:30:100', '10', '10abc', '10:1:10', '10:100:100', '+10', '10:']) {
        assert.deepEqual(values(server(`MaxStartups ${v}`)), [], v);
      }
      for (const v of ['10:30', 'abc', '0', '-5', '100:30:10', '10:0:100', '10:101:100', '10:30:0']) {
        assert.deepEqual(values(server(`MaxStartups ${v}`)), ERROR, v);
      }
      assert.deepEqual(values(server('MaxStartups 10 20')), ['syntax error']);
    });

    it('Subsystem needs a command, and a name defined twice stops sshd', () => {
      assert.match(server('Subsystem sftp')[0]?.message ?? '', /Missing subsystem command/);
      assert.deepEqual(values(server('Subsystem sftp internal-sftp\nSubsystem other internal-sftp')), []);
      const twice = server('Subsystem sftp internal-sftp\nSubsystem sftp /usr/lib/openssh/sftp-server');
      assert.deepEqual(values(twice), ERROR);
      assert.equal(twice.find((f) => f.code === 'invalid-value')?.range.start.line, 2);
      assert.deepEqual(values(server('Subsystem sftp /usr/lib/openssh/sftp-server -l INFO')), []);
    });

    it('PermitRootLogin takes its words in any case', () => {
      assert.deepEqual(values(server('PermitRootLogin YES')), []);
      assert.deepEqual(values(server('PermitRootLogin prohibit-password')), []);
      assert.deepEqual(values(server('PermitRootLogin maybe')), ERROR);
    });
  });

  it('does not check the value of a keyword OpenSSH no longer parses', () => {
    assert.deepEqual(values(client('UseRoaming maybe')), []);
    assert.deepEqual(values(client('CompressionLevel 1 2')), []);
    assert.deepEqual(values(server('ServerKeyBits abc')), []);
  });

  it('the parsers never throw and agree with their definitions (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (s) => {
        const n = atoiErr(s);
        assert.ok(typeof n === 'string' || (Number.isInteger(n) && n >= 0 && n <= 2147483647));
        const t = convtime(s);
        assert.ok(t === undefined || (Number.isInteger(t) && t >= 0 && t <= 2147483647));
        isValidForward(s, false, false);
        isValidMaxStartups(s);
        algorithmProblem('hostkeyalgorithms', s, '9.2');
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2147483647 }), (n) => {
        assert.equal(strtonum(String(n), 0, 2147483647), n);
        assert.equal(convtime(String(n)), n);
        assert.equal(convtime(`${n}s`), n);
      }),
    );
  });
});
