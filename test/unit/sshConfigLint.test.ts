import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import type { Finding, FindingCode } from '../../src/core/sshConfig/findings';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import { applyEdits } from '../../src/core/sshConfig/textEdits';

const client = (text: string, extra: Partial<LintOptions> = {}): Finding[] => lint(text, { side: 'client', opensshVersion: '9.2', ...extra });
const server = (text: string, extra: Partial<LintOptions> = {}): Finding[] => lint(text, { side: 'server', opensshVersion: '9.2', ...extra });
const codes = (fs: Finding[]): FindingCode[] => fs.map((f) => f.code);
const only = (fs: Finding[], code: FindingCode): Finding[] => fs.filter((f) => f.code === code);
/** A client file that is fine apart from what a test adds. */
const OK_TAIL = 'Host *\n    ServerAliveInterval 15\n    ServerAliveCountMax 4\n    ConnectTimeout 10\n';

function fixed(text: string, f: Finding | undefined): string {
  const fix = f?.fixes.find((x) => x.preferred);
  assert.ok(fix !== undefined && fix.kind === 'edit', `no preferred edit fix: ${JSON.stringify(f)}`);
  return applyEdits(text, fix.edits);
}

describe('config lint rules', () => {
  it('a sensible client config has no findings', () => {
    assert.deepEqual(client(`Host prod\n    HostName prod.example.com\n\n${OK_TAIL}`), []);
  });

  describe('syntax and bom', () => {
    it('reports unbalanced quotes, missing values, extra values, bad Match', () => {
      assert.deepEqual(codes(client(`IdentityFile "a b\n${OK_TAIL}`)), ['syntax']);
      assert.deepEqual(codes(client(`HostName\n${OK_TAIL}`)), ['syntax']);
      const hash = client(`Host x\n  HostName b# c2\n${OK_TAIL}`);
      assert.deepEqual(codes(hash), ['syntax']);
      assert.match(hash[0]?.message ?? '', /"#" starts a comment only after whitespace/);
      assert.deepEqual(codes(client(`Match frobnicate x\n${OK_TAIL}`)), ['syntax']);
      assert.deepEqual(codes(client(`Match host\n${OK_TAIL}`)), ['syntax']);
    });

    it('reports a BOM and removes it', () => {
      const text = `\uFEFF${OK_TAIL}`;
      const f = only(client(text), 'bom');
      assert.equal(f.length, 1);
      assert.equal(fixed(text, f[0]), OK_TAIL);
    });
  });

  describe('keywords', () => {
    it('unknown-keyword suggests the side-aware spelling', () => {
      const text = `Host a\n  ClientAliveMaxCount 3\n${OK_TAIL}`;
      const [f] = only(client(text), 'unknown-keyword');
      assert.match(f?.message ?? '', /Did you mean ServerAliveCountMax/);
      assert.equal(fixed(text, f), `Host a\n  ServerAliveCountMax 3\n${OK_TAIL}`);
      const [s] = only(server('ClientAliveInterval 60\nClientAliveMaxCount 3\n'), 'unknown-keyword');
      assert.match(s?.message ?? '', /Did you mean ClientAliveCountMax/);
      const [typo] = only(client(`ServerAliveIntervall 3\n${OK_TAIL}`), 'unknown-keyword');
      assert.match(typo?.message ?? '', /Did you mean ServerAliveInterval\?/);
    });

    it('IgnoreUnknown silences unknown keywords after it only', () => {
      assert.deepEqual(codes(client(`Foo 1\nIgnoreUnknown Foo,Bar*\nFoo 2\nBarBaz 3\n${OK_TAIL}`)), ['unknown-keyword']);
    });

    it('server-only-keyword in a client file, fixed to the ServerAlive counterpart', () => {
      const text = `Host a\n  ClientAliveInterval 60\n${OK_TAIL}`;
      const [f] = only(client(text), 'server-only-keyword');
      assert.equal(f?.severity, 'error');
      assert.equal(fixed(text, f), `Host a\n  ServerAliveInterval 60\n${OK_TAIL}`);
    });

    it('client-only-keyword in a server file, fixed to the ClientAlive counterpart', () => {
      const text = 'ServerAliveCountMax 3\nClientAliveInterval 60\n';
      const [f] = only(server(text), 'client-only-keyword');
      assert.equal(fixed(text, f), 'ClientAliveCountMax 3\nClientAliveInterval 60\n');
    });

    it('invalid-value for flags, enums, numbers, times and ports', () => {
      assert.deepEqual(codes(client(`Host a\n  Compression maybe\n  ConnectTimeout soon\n  Port 70000\n  ServerAliveCountMax x\n${OK_TAIL}`)), ['invalid-value', 'invalid-value', 'invalid-value', 'invalid-value']);
      assert.deepEqual(codes(client(`Host a\n  Compression YES\n  ConnectTimeout 1m30s\n  Port ssh\n${OK_TAIL}`)), []);
    });

    it('duplicate-keyword removes the ignored second line', () => {
      const text = `Host a\n  User x\n  User y\n${OK_TAIL}`;
      const [f] = only(client(text), 'duplicate-keyword');
      assert.match(f?.message ?? '', /line 2/);
      assert.equal(fixed(text, f), `Host a\n  User x\n${OK_TAIL}`);
      assert.deepEqual(only(client(`Host a\n  IdentityFile x\n  IdentityFile y\n${OK_TAIL}`), 'duplicate-keyword'), []);
    });

    it('not-allowed-in-match on the server, and allowed keywords pass', () => {
      assert.deepEqual(codes(server('ClientAliveInterval 60\nMatch User backup\n  Port 2222\n  ClientAliveInterval 30\n')), ['not-allowed-in-match']);
    });
  });

  describe('keepalives', () => {
    it('keepalive-missing on a file without ServerAliveInterval, fixed by a trailing Host * block', () => {
      const text = 'Host prod\n    HostName prod.example.com\n';
      const [f] = only(client(text), 'keepalive-missing');
      assert.ok(f);
      const after = fixed(text, f);
      assert.equal(after, 'Host prod\n    HostName prod.example.com\n\nHost *\n    ServerAliveInterval 15\n    ServerAliveCountMax 4\n');
      assert.deepEqual(only(client(after), 'keepalive-missing'), []);
    });

    it('keepalive fix adds to an existing trailing Host *, keeps CRLF and the missing final newline', () => {
      const text = 'Host a\r\n  User x\r\n\r\nHost *\r\n  ConnectTimeout 10';
      const after = fixed(text, only(client(text), 'keepalive-missing')[0]);
      assert.equal(after, 'Host a\r\n  User x\r\n\r\nHost *\r\n  ConnectTimeout 10\r\n  ServerAliveInterval 15\r\n  ServerAliveCountMax 4');
    });

    it('keepalive-budget flags too short and too long, not sensible values', () => {
      assert.deepEqual(codes(client('Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 3\n  ConnectTimeout 5\n')), ['keepalive-budget']);
      assert.deepEqual(codes(client('Host *\n  ServerAliveInterval 5m\n  ConnectTimeout 5\n')), ['keepalive-budget']);
      assert.deepEqual(codes(client(OK_TAIL)), []);
    });

    it('tcpkeepalive-off-no-alive on both sides', () => {
      assert.deepEqual(codes(client('Host *\n  TCPKeepAlive no\n  ConnectTimeout 5\n')), ['keepalive-missing', 'tcpkeepalive-off-no-alive']);
      assert.deepEqual(codes(client(`Host *\n  TCPKeepAlive no\n  ServerAliveInterval 15\n  ConnectTimeout 5\n`)), []);
      assert.deepEqual(codes(server('TCPKeepAlive no\n')), ['clientalive-missing', 'tcpkeepalive-off-no-alive']);
    });

    it('tcpkeepalive-off-no-alive offers no trailing Host * fix when an earlier ServerAliveInterval 0, none or junk would win over it', () => {
      // Found by the fix property below: the added value never took effect, so the finding stayed.
      for (const text of ['TCPKeepAlive no\nServerAliveInterval 0\nHost h\n', 'TCPKeepAlive no\nServerAliveInterval Host\nHost Host', 'Host h\n  ServerAliveInterval none\n  TCPKeepAlive no\n']) {
        const [f] = only(client(text), 'tcpkeepalive-off-no-alive');
        assert.ok(f !== undefined, text);
        assert.deepEqual(f.fixes, [], text);
      }
      const [unset] = only(client('TCPKeepAlive no\nHost h\n'), 'tcpkeepalive-off-no-alive');
      assert.equal(unset?.fixes[0]?.preferred, true);
    });

    it('clientalive-missing inserts before the first Match block', () => {
      const text = 'PermitRootLogin no\nMatch User backup\n  ForceCommand /bin/true\n';
      const after = fixed(text, only(server(text), 'clientalive-missing')[0]);
      assert.equal(after, 'PermitRootLogin no\nClientAliveInterval 60\nClientAliveCountMax 3\nMatch User backup\n  ForceCommand /bin/true\n');
      assert.deepEqual(server(after), []);
    });

    it('clientalive-countmax-zero explains that 0 disables termination', () => {
      const [f] = only(server('ClientAliveInterval 60\nClientAliveCountMax 0\n'), 'clientalive-countmax-zero');
      assert.match(f?.message ?? '', /disables disconnection/);
    });
  });

  describe('blocks', () => {
    it('shadowed-setting: Host * first shadows later values', () => {
      const fs = client('Host *\n  ServerAliveInterval 300\n  ConnectTimeout 5\nHost prod\n  ServerAliveInterval 15\n  HostName p\n');
      assert.deepEqual(codes(fs), ['keepalive-budget', 'shadowed-setting']);
      assert.equal(only(fs, 'shadowed-setting')[0]?.range.start.line, 4);
    });

    it('shadowed-setting is not reported when the earlier block does not cover the later one', () => {
      assert.deepEqual(only(client(`Host prod\n  User a\nHost dev\n  User b\n${OK_TAIL}`), 'shadowed-setting'), []);
      assert.deepEqual(only(client(`Host * !bastion\n  User a\nHost bastion\n  User b\n${OK_TAIL}`), 'shadowed-setting'), []);
    });

    it('host-never-matches for negation-only patterns', () => {
      assert.deepEqual(codes(client(`Host !bastion\n  User a\n${OK_TAIL}`)), ['host-never-matches']);
    });

    it('ipqos-deprecated is a warning from 10.1 on, info before, fixed to none', () => {
      const text = `Host a\n  IPQoS throughput\n${OK_TAIL}`;
      assert.equal(only(client(text), 'ipqos-deprecated')[0]?.severity, 'info');
      const [f] = only(client(text, { opensshVersion: '10.1' }), 'ipqos-deprecated');
      assert.equal(f?.severity, 'warning');
      assert.equal(fixed(text, f), `Host a\n  IPQoS none\n${OK_TAIL}`);
    });

    it('bad-permissions only for files ssh checks, with a chmod fix', () => {
      const [f] = only(client(OK_TAIL, { permissions: { mode: 0o664, checkedBySsh: true } }), 'bad-permissions');
      assert.deepEqual(f?.fixes, [{ kind: 'chmod', title: 'Make the file private (chmod 600)', preferred: true, mode: 0o600 }]);
      assert.deepEqual(only(client(OK_TAIL, { permissions: { mode: 0o600, checkedBySsh: true } }), 'bad-permissions'), []);
      assert.deepEqual(only(client(OK_TAIL, { permissions: { mode: 0o666, checkedBySsh: false } }), 'bad-permissions'), []);
    });

    it('connecttimeout-missing is a hint', () => {
      assert.deepEqual(client('Host *\n  ServerAliveInterval 15\n').map((f) => [f.code, f.severity]), [['connecttimeout-missing', 'hint']]);
    });
  });

  it('severities can be changed or turned off per rule', () => {
    const text = 'Host *\n  ServerAliveInterval 15\n';
    assert.deepEqual(client(text, { rules: { 'connecttimeout-missing': 'off' } }), []);
    assert.equal(client(text, { rules: { 'connecttimeout-missing': 'error' } })[0]?.severity, 'error');
  });

  it('never throws, and every preferred fix applies and is idempotent (property)', () => {
    const words = fc.constantFrom('Host', 'Match', 'all', '*', '!x', 'ServerAliveInterval', 'ClientAliveInterval', 'ClientAliveCountMax', 'TCPKeepAlive', 'no', '0', '300', 'IPQoS', 'throughput', 'User', 'a', '"q', '#c', '=', 'Port', 'ConnectTimeout', '\uFEFF');
    const lineArb = fc.array(words, { maxLength: 4 }).map((ws) => ws.join(' '));
    const textArb = fc.tuple(fc.array(lineArb, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([ls, eol, final]) => ls.join(eol) + (final && ls.length > 0 ? eol : ''));
    fc.assert(
      fc.property(textArb, fc.constantFrom<'client' | 'server'>('client', 'server'), (text, side) => {
        const findings = lint(text, { side });
        for (const f of findings) {
          const fix = f.fixes.find((x) => x.preferred && x.kind === 'edit');
          if (fix === undefined || fix.kind !== 'edit') {
            continue;
          }
          const after = applyEdits(text, fix.edits);
          // A CRLF file gets no bare LF and any other file no CRLF (a file without a line break gets LF;
          // a fix that removes the only line break leaves neither).
          const bareLf = (t: string): boolean => t.replace(/\r\n/g, '').includes('\n');
          if (!text.includes('\r\n')) assert.ok(!after.includes('\r\n'), `CRLF added:\n${JSON.stringify(after)}`);
          if (text.includes('\r\n') && !bareLf(text)) assert.ok(!bareLf(after), `bare LF added:\n${JSON.stringify(after)}`);
          const again = lint(after, { side }).filter((g) => g.code === f.code && g.message === f.message && g.range.start.line === f.range.start.line);
          assert.ok(again.length === 0 || f.code === 'duplicate-keyword' || f.code === 'syntax', `fix for ${f.code} did not remove it:\n${text}\n---\n${after}`);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('config lint rules: version awareness', () => {
  it('a keyword newer than the local OpenSSH is an error unless IgnoreUnknown covers it', () => {
    const text = 'Host a\n  Tag work\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n';
    const [f] = lint(text, { side: 'client', opensshVersion: '9.2' });
    assert.equal(f?.code, 'unknown-keyword');
    assert.match(f?.message ?? '', /needs OpenSSH 9\.4/);
    assert.deepEqual(lint(`IgnoreUnknown Tag\n${text}`, { side: 'client', opensshVersion: '9.2' }), []);
    assert.deepEqual(lint(text, { side: 'client', opensshVersion: '9.4' }), []);
    assert.deepEqual(lint(text, { side: 'client' }), []);
  });

  it('a Match criterion newer than the local OpenSSH is a syntax error', () => {
    const text = 'Match localnetwork 10.0.0.0/8\n  User x\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n';
    assert.deepEqual(lint(text, { side: 'client', opensshVersion: '9.2' }).map((f) => f.code), ['syntax']);
    assert.deepEqual(lint(text, { side: 'client', opensshVersion: '9.4' }), []);
  });

  it('one-word keywords with extra words are syntax errors; VersionAddendum takes the rest of the line', () => {
    assert.deepEqual(lint('Host a\n  User x y\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n', { side: 'client' }).map((f) => f.code), ['syntax']);
    assert.deepEqual(lint('ClientAliveInterval 60\nVersionAddendum hello world\n', { side: 'server' }), []);
  });
});
