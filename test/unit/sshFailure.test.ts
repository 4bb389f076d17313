import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { classifySshFailure, terminalLines, type SshEndReason } from '../../src/core/session/failure';

/**
 * What OpenSSH 9.2p1 (Debian 12) printed, byte for byte, in real runs against
 * the test sshd on loopback and in the faults tier's namespaces (ssh with
 * `-o LogLevel=INFO`, stdout and stderr together as a terminal shows them).
 */
const REAL: Readonly<Record<string, { output: string; reason: SshEndReason; host?: string }>> = {
  logout: {
    output:
      'Last login: Sat Nov 21 08:03:09 2026 from 10.201.134.2\r\r\n\r\nThe programs included with the Debian GNU/Linux system are free software;\r\n' +
      'the exact distribution terms for each program are described in the\r\nindividual files in /usr/share/doc/*/copyright.\r\n\r\n' +
      'Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\r\npermitted by applicable law.\r\nexit\r\n' +
      '\u001b[?2004hroot@vm:~# exit\r\n\u001b[?2004l\rlogout\r\nConnection to 127.0.0.1 closed.\r\n',
    reason: 'closed',
    host: '127.0.0.1',
  },
  'sshd session killed': {
    output: 'ready\r\nConnection to 127.0.0.1 closed by remote host.\r\nConnection to 127.0.0.1 closed.\r\n',
    reason: 'closed-by-remote',
    host: '127.0.0.1',
  },
  'ServerAlive timeout on a black hole': {
    output: 'ready\r\nTimeout, server 10.201.57.1 not responding.\r\n',
    reason: 'timeout',
    host: '10.201.57.1',
  },
  'RST on an idle session': { output: 'ready\r\nclient_loop: send disconnect: Broken pipe\r\n', reason: 'broken-pipe' },
  'RST while typing': { output: 'client_loop: send disconnect: Broken pipe\r\n', reason: 'broken-pipe' },
  'closed port': {
    output: 'ssh: connect to host 127.0.0.1 port 37481: Connection refused\r\n',
    reason: 'connection-refused',
    host: '127.0.0.1',
  },
  'server that resets at once': { output: 'Connection reset by 127.0.0.1 port 42183\r\n', reason: 'connection-reset', host: '127.0.0.1' },
  'server that closes at once': {
    output: 'kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 42019\r\n',
    reason: 'closed-by-remote',
    host: '127.0.0.1',
  },
  'server that never sends its banner': {
    output: 'Connection timed out during banner exchange\r\nConnection to 127.0.0.1 port 33017 timed out\r\n',
    reason: 'connect-timeout',
    host: '127.0.0.1',
  },
  'black hole before connecting': {
    output: 'ssh: connect to host 10.201.57.1 port 33745: Connection timed out\r\n',
    reason: 'connect-timeout',
    host: '10.201.57.1',
  },
  'unreachable route': { output: 'ssh: connect to host 10.254.1.1 port 22: No route to host\r\n', reason: 'no-route', host: '10.254.1.1' },
  'no route at all': {
    output: 'ssh: connect to host 10.254.254.1 port 22: Network is unreachable\r\n',
    reason: 'host-unreachable',
    host: '10.254.254.1',
  },
  'unknown name': {
    output: 'ssh: Could not resolve hostname no-such-host.invalid: Name or service not known\r\n',
    reason: 'name-not-resolved',
    host: 'no-such-host.invalid',
  },
  'no known host key': {
    output: 'No ED25519 host key is known for [127.0.0.1]:33567 and you have requested strict checking.\r\nHost key verification failed.\r\n',
    reason: 'host-key-unknown',
    host: '[127.0.0.1]:33567',
  },
  'changed host key': {
    output:
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n' +
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n' +
      'Someone could be eavesdropping on you right now (man-in-the-middle attack)!\r\nIt is also possible that a host key has just been changed.\r\n' +
      'The fingerprint for the ED25519 key sent by the remote host is\nSHA256:S8q6T3QSkAOP51OieEjAy+RLXLUiwuBxcbgMbtkuehQ.\r\n' +
      'Please contact your system administrator.\r\nAdd correct host key in /tmp/lifeline-sshd-EZ2HVp/wrong_known to get rid of this message.\r\n' +
      'Offending ED25519 key in /tmp/lifeline-sshd-EZ2HVp/wrong_known:1\r\n  remove with:\r\n' +
      '  ssh-keygen -f "/tmp/lifeline-sshd-EZ2HVp/wrong_known" -R "[127.0.0.1]:33567"\r\n' +
      'Host key for [127.0.0.1]:33567 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
    reason: 'host-key-changed',
    host: '[127.0.0.1]:33567',
  },
  'key not accepted': { output: 'root@127.0.0.1: Permission denied (publickey).\r\n', reason: 'permission-denied', host: '127.0.0.1' },
};

describe('why an ssh session ended', () => {
  for (const [name, c] of Object.entries(REAL)) {
    it(`${c.reason}: ${name} (real OpenSSH 9.2 output)`, () => {
      const end = classifySshFailure(c.output);
      assert.equal(end?.reason, c.reason, JSON.stringify(end));
      assert.equal(end?.host, c.host);
      assert.ok(end !== undefined && terminalLines(c.output).includes(end.line), 'the line is one of the output lines');
    });
  }

  it('says which line decided, cleaned of CR and escapes', () => {
    assert.deepEqual(classifySshFailure(REAL['sshd session killed']?.output ?? ''), {
      reason: 'closed-by-remote',
      line: 'Connection to 127.0.0.1 closed by remote host.',
      host: '127.0.0.1',
    });
  });

  it('recognises the wordings of older OpenSSH releases', () => {
    const cases: [string, SshEndReason, string?][] = [
      ['Write failed: Broken pipe', 'broken-pipe'],
      ['packet_write_wait: Connection to 203.0.113.7 port 22: Broken pipe', 'broken-pipe', '203.0.113.7'],
      ['ssh_exchange_identification: read: Connection reset by peer', 'connection-reset'],
      ['kex_exchange_identification: read: Connection reset by peer', 'connection-reset'],
      ['read: Connection reset by peer', 'connection-reset'],
      ['ssh_exchange_identification: Connection closed by remote host', 'closed-by-remote'],
      ['Received disconnect from 203.0.113.7 port 22:2: Too many authentication failures', 'closed-by-remote', '203.0.113.7'],
      ['Permission denied (publickey,password).', 'permission-denied'],
      ['ssh: connect to host example.org port 22: Operation timed out', 'connect-timeout', 'example.org'],
      ['ssh: connect to host example.org port 22: Host is down', 'host-unreachable', 'example.org'],
    ];
    for (const [line, reason, host] of cases) {
      const end = classifySshFailure(`${line}\r\n`);
      assert.equal(end?.reason, reason, line);
      assert.equal(end?.host, host, line);
    }
  });

  it('strips colours, titles, bracketed-paste marks and carriage-return overwrites', () => {
    const out = '\x1b]0;user@host: ~\x07\x1b[01;32muser@host\x1b[00m:~$ exit\r\n\x1b[?2004l\rlogout\r\n\x1b[1;31mConnection to prod closed.\x1b[0m\r\n';
    assert.deepEqual(classifySshFailure(out), { reason: 'closed', line: 'Connection to prod closed.', host: 'prod' });
    assert.deepEqual(terminalLines('progress 10%\rprogress 100%\r\n\tdone\x07\r\n'), ['progress 10%', 'progress 100%', 'done']);
  });

  it('ignores what remote programs print, unless ssh says it last', () => {
    assert.equal(classifySshFailure('cat: /root/secret: Permission denied\r\n$ '), undefined);
    assert.equal(classifySshFailure('yes: Broken pipe\r\n'), undefined);
    assert.equal(classifySshFailure('curl: (56) Recv failure: Connection reset by peer\r\n'), undefined);
    assert.equal(classifySshFailure('Timeout, server x not responding. (quoted in a log)\r\n'), undefined);
    // A nested ssh's message earlier, the outer session's end last: the last run of ssh lines decides.
    const nested = 'ssh: connect to host inner port 22: Connection refused\r\n$ exit\r\nlogout\r\nConnection to outer closed.\r\n';
    assert.deepEqual(classifySshFailure(nested), { reason: 'closed', line: 'Connection to outer closed.', host: 'outer' });
  });

  it('finds the end even when a local prompt follows it', () => {
    const out = 'Timeout, server prod not responding.\r\n\x1b[01;34m~\x1b[00m $ ';
    assert.equal(classifySshFailure(out)?.reason, 'timeout');
  });

  it('answers undefined for output without an ssh ending, and reads only the tail of huge output', () => {
    assert.equal(classifySshFailure(''), undefined);
    assert.equal(classifySshFailure('hello\r\nworld\r\n'), undefined);
    const huge = 'x'.repeat(5_000_000) + '\r\nConnection to h closed by remote host.\r\nConnection to h closed.\r\n';
    assert.equal(classifySshFailure(huge)?.reason, 'closed-by-remote');
  });

  it('never returns control characters, and never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\x1b[31m', '\x1b]0;t\x07', '\r', '\n', '\x00', 'Connection to h closed.', 'Timeout, server \x07h not responding.')), {
          maxLength: 40,
        }),
        (parts) => {
          const end = classifySshFailure(parts.join(''));
          if (end !== undefined) {
            assert.ok(![...end.line].some((ch) => /\p{Cc}/u.test(ch)), JSON.stringify(end.line));
          }
        },
      ),
    );
  });
});
