import { strict as assert } from 'node:assert';
import { parseSshdTestOutput, placeSshdMessages, type SshdFinding } from '../../src/core/sshConfig/effective';

const copy = '/tmp/ssh-lifeline-sshd-Ab12Cd/sshd_config.1';

/** `line:char-line:char severity message`, for compact assertions. */
function show(findings: readonly SshdFinding[]): string[] {
  return findings.map((f) => `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.severity} ${f.message}`);
}

describe('sshd -t output', () => {
  describe('parseSshdTestOutput (stderr as OpenSSH 9.2 prints it)', () => {
    it('reads "FILE: line N: Bad configuration option" and "FILE line N: problem", and drops the summary line', () => {
      const stderr = [
        `${copy}: line 2: Bad configuration option: ServerAliveInterval`,
        `${copy}: line 3: Bad configuration option: Foo`,
        `${copy} line 4: invalid time value.`,
        '',
      ].join('\n');
      const report = parseSshdTestOutput(stderr, 255);
      assert.deepEqual(report.messages, [
        { file: copy, line: 2, text: 'Bad configuration option: ServerAliveInterval', severity: 'error' },
        { file: copy, line: 3, text: 'Bad configuration option: Foo', severity: 'error' },
        { file: copy, line: 4, text: 'invalid time value', severity: 'error' },
      ]);
      assert.deepEqual(parseSshdTestOutput(`${copy}: line 2: Bad configuration option: Foo\n${copy}: terminating, 1 bad configuration options\n`, 255).ignored, [
        `${copy}: terminating, 1 bad configuration options`,
      ]);
    });

    it('deprecated and unsupported options are warnings: sshd ignores them and starts', () => {
      const report = parseSshdTestOutput(`${copy} line 2: Deprecated option UsePrivilegeSeparation\n${copy} line 3: Unsupported option GSSAPIAuthentication\n`, 0);
      assert.deepEqual(
        report.messages.map((m) => [m.line, m.severity, m.text]),
        [
          [2, 'warning', 'Deprecated option UsePrivilegeSeparation'],
          [3, 'warning', 'Unsupported option GSSAPIAuthentication'],
        ],
      );
    });

    it('an unpositioned line explains the positioned one after it', () => {
      const report = parseSshdTestOutput(`Unsupported Match attribute Foo\n${copy} line 2: Bad Match condition\n`, 255);
      assert.deepEqual(report.messages, [{ file: copy, line: 2, text: 'Bad Match condition (Unsupported Match attribute Foo)', severity: 'error' }]);
    });

    it('reads "… at line N" without a file name', () => {
      const report = parseSshdTestOutput("Invalid Match address argument '1.2.3.4/99' at line 2\n", 255);
      assert.deepEqual(report.messages, [{ file: undefined, line: 2, text: "Invalid Match address argument '1.2.3.4/99'", severity: 'error' }]);
    });

    it('leaves out what is about this machine, not the file (host keys, privilege separation)', () => {
      const report = parseSshdTestOutput('Unable to load host key: /etc/ssh/ssh_host_rsa_key\nMissing privilege separation directory: /run/sshd\n', 0);
      assert.deepEqual(report.messages, []);
      assert.equal(report.ignored.length, 2);
    });

    it('keeps an unexplained unpositioned complaint, as an error when sshd failed', () => {
      assert.deepEqual(parseSshdTestOutput('something odd\n', 255).messages, [{ file: undefined, line: undefined, text: 'something odd', severity: 'error' }]);
      assert.deepEqual(parseSshdTestOutput('something odd\n', 0).messages[0]?.severity, 'warning');
    });
  });

  describe('placeSshdMessages', () => {
    const text = ['# server', 'Port 2222', 'ServerAliveInterval 30', 'ClientAliveInterval abc', 'Match User alice', '    Port 2200', ''].join('\n');

    it('puts keyword complaints on the keyword and value complaints on the value', () => {
      const stderr = [
        `${copy}: line 3: Bad configuration option: ServerAliveInterval`,
        `${copy} line 4: invalid time value.`,
        `${copy} line 6: Directive 'Port' is not allowed within a Match block`,
      ].join('\n');
      assert.deepEqual(show(placeSshdMessages(text, copy, parseSshdTestOutput(stderr, 255))), [
        '2:0-2:19 error Bad configuration option: ServerAliveInterval',
        '3:20-3:23 error invalid time value',
        "5:4-5:8 error Directive 'Port' is not allowed within a Match block",
      ]);
    });

    it('a missing argument goes on the keyword', () => {
      assert.deepEqual(show(placeSshdMessages('Port 22\nPermitRootLogin\n', copy, parseSshdTestOutput(`${copy} line 2: no argument after keyword "PermitRootLogin"`, 255))), [
        '1:0-1:15 error no argument after keyword "PermitRootLogin"',
      ]);
    });

    it('counts lines as sshd does, CRLF included', () => {
      assert.deepEqual(show(placeSshdMessages('Port 22\r\nFoo x\r\n', copy, parseSshdTestOutput(`${copy}: line 2: Bad configuration option: Foo\n`, 255))), [
        '1:0-1:3 error Bad configuration option: Foo',
      ]);
    });

    it('a complaint about an included file goes on the Include line and names the file', () => {
      const doc = 'Port 22\nInclude /etc/ssh/sshd_config.d/*.conf\n';
      const report = parseSshdTestOutput('/etc/ssh/sshd_config.d/x.conf: line 1: Bad configuration option: Foo\n', 255);
      assert.deepEqual(show(placeSshdMessages(doc, copy, report)), ['1:0-1:37 error /etc/ssh/sshd_config.d/x.conf line 1: Bad configuration option: Foo']);
    });

    it('a complaint without a position goes on the first directive; a line past the end on the last line', () => {
      assert.deepEqual(show(placeSshdMessages('# c\nPort 22\n', copy, parseSshdTestOutput('something odd\n', 255))), ['1:0-1:7 error something odd']);
      assert.deepEqual(show(placeSshdMessages('Port 22', copy, parseSshdTestOutput(`${copy} line 9: invalid quotes\n`, 255))), ['0:5-0:7 error invalid quotes']);
    });

    it('matches a file name that sshd cut at 200 characters', () => {
      const long = `/tmp/${'d'.repeat(220)}/sshd_config.1`;
      const report = parseSshdTestOutput(`${long.slice(0, 200)}: line 1: Bad configuration option: Foo\n`, 255);
      assert.deepEqual(show(placeSshdMessages('Foo x\n', long, report)), ['0:0-0:3 error Bad configuration option: Foo']);
    });
  });
});
