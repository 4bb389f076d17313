import { strict as assert } from 'node:assert';
import { useColor } from '../../src/cli/lintCommand';
import { artifactLocation, exitCodeFor, fileUri, printable, SARIF_SCHEMA, toJson, toSarif, toText, type FileResult } from '../../src/cli/output';
import { findingCodes, type Finding } from '../../src/core/sshConfig/findings';
import { lint } from '../../src/core/sshConfig/lint';
import { validateSarif } from './cliSarifValidator';

const ESC = '\x1b';
const client = 'Host a\n    ClientAliveInterval 30\n    HostName a.example.org\n';
const found = lint(client, { side: 'client', opensshVersion: '9.2' });
const result: FileResult = { display: 'conf/my config', path: '/work/proj/conf/my config', findings: found };

function finding(severity: Finding['severity'], line = 0, preferred = false): Finding {
  return {
    code: 'keepalive-missing',
    severity,
    message: 'm',
    range: { start: { line, character: 2 }, end: { line, character: 5 } },
    fixes: preferred ? [{ kind: 'chmod', title: 't', preferred: true, mode: 0o600 }] : [],
  };
}

describe('cli: output shaping', () => {
  describe('exit code', () => {
    it('0 without errors, 1 with any error, 2 on usage or I/O trouble whatever was found', () => {
      const r = (sev: Finding['severity'][]): FileResult[] => [{ display: 'f', path: '/f', findings: sev.map((s) => finding(s)) }];
      assert.equal(exitCodeFor(r([]), false), 0);
      assert.equal(exitCodeFor(r(['warning', 'info', 'hint']), false), 0);
      assert.equal(exitCodeFor(r(['hint', 'error']), false), 1);
      assert.equal(exitCodeFor([...r([]), ...r(['error'])], false), 1);
      assert.equal(exitCodeFor(r([]), true), 2);
      assert.equal(exitCodeFor(r(['error']), true), 2);
    });
  });

  describe('json', () => {
    it('one entry per file with 1-based, end-exclusive positions and fixable', () => {
      const json = toJson([result]);
      assert.equal(json.length, 1);
      assert.equal(json[0]?.file, 'conf/my config');
      const serverOnly = json[0]?.findings.find((f) => f.code === 'server-only-keyword');
      // "    ClientAliveInterval" on the second line: columns 5..24 (exclusive end).
      assert.deepEqual(serverOnly && { ...serverOnly, message: '' }, {
        code: 'server-only-keyword',
        severity: 'error',
        message: '',
        line: 2,
        column: 5,
        endLine: 2,
        endColumn: 24,
        fixable: true,
      });
      assert.deepEqual(Object.keys(json[0]?.findings[0] ?? {}), ['code', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'fixable']);
    });

    it('fixable only when a preferred fix exists', () => {
      const nonPreferred = lint('Host !x\n    User u\nHost *\n    ServerAliveInterval 30\n    ConnectTimeout 5\n', { side: 'client' });
      const json = toJson([{ display: 'f', path: '/f', findings: nonPreferred }]);
      assert.deepEqual(json[0]?.findings.map((f) => [f.code, f.fixable]), [['host-never-matches', false]]);
    });
  });

  describe('sarif', () => {
    const log = toSarif([result, { display: '/etc/ssh/sshd_config', path: '/etc/ssh/sshd_config', findings: [finding('hint'), finding('info')] }], {
      cwd: '/work/proj',
      toolVersion: '1.2.3',
      executionSuccessful: true,
    });

    it('is valid SARIF 2.1.0 by the schema constraints that apply', () => {
      assert.deepEqual(validateSarif(log), []);
      assert.equal((log as { $schema: string }).$schema, SARIF_SCHEMA);
    });

    it('has one run, the tool with every rule, and results pointing at their rules', () => {
      const run = (log as { runs: { tool: { driver: { name: string; version: string; rules: { id: string }[] } }; results: Record<string, unknown>[] }[] }).runs;
      assert.equal(run.length, 1);
      const driver = run[0]?.tool.driver;
      assert.equal(driver?.name, 'ssh-lifeline');
      assert.equal(driver?.version, '1.2.3');
      assert.deepEqual(driver?.rules.map((r) => r.id), [...findingCodes]);
      assert.equal(run[0]?.results.length, found.length + 2);
    });

    it('maps error→error, warning→warning, info and hint→note', () => {
      const levels = (log as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]?.results.map((r) => r.level);
      const expected = [...found.map((f) => ({ error: 'error', warning: 'warning', info: 'note', hint: 'note' })[f.severity]), 'note', 'note'];
      assert.deepEqual(levels, expected);
    });

    it('gives files inside the working directory a relative, percent-encoded URI under %SRCROOT%, others a file:// URI', () => {
      assert.deepEqual(artifactLocation('/work/proj/conf/my config', '/work/proj'), { uri: 'conf/my%20config', uriBaseId: '%SRCROOT%' });
      assert.deepEqual(artifactLocation('/work/proj/a:b#c', '/work/proj/'), { uri: 'a%3Ab%23c', uriBaseId: '%SRCROOT%' });
      assert.deepEqual(artifactLocation('/work/project2/x', '/work/proj'), { uri: 'file:///work/project2/x' });
      assert.deepEqual(artifactLocation(undefined, '/work/proj'), { description: { text: 'standard input' } });
      assert.equal(fileUri('/work/proj', true), 'file:///work/proj/');
      assert.equal(fileUri("/tmp/it's (1)/ü"), 'file:///tmp/it%27s%20%281%29/%C3%BC');
    });

    it('regions are 1-based with the end column after the last character', () => {
      const first = (log as { runs: { results: { locations: { physicalLocation: { region: unknown } }[] }[] }[] }).runs[0]?.results.at(-1)?.locations[0]?.physicalLocation.region;
      assert.deepEqual(first, { startLine: 1, startColumn: 3, endLine: 1, endColumn: 6 });
    });

    it('the validator is not vacuous: it catches what the schema forbids', () => {
      const bad = JSON.parse(JSON.stringify(log)) as { version: string; runs: { results: Record<string, unknown>[]; tool: { driver: Record<string, unknown> } }[] };
      bad.version = '2.0.0';
      const r0 = bad.runs[0] as { results: Record<string, unknown>[]; tool: { driver: Record<string, unknown> } };
      (r0.results[0] as Record<string, unknown>)['level'] = 'info';
      (r0.results[0] as Record<string, unknown>)['severity'] = 'error';
      r0.results[1] = { ...r0.results[1], ruleIndex: 0 };
      delete r0.tool.driver['name'];
      const problems = validateSarif(bad).join('\n');
      assert.match(problems, /version: must be "2.1.0"/);
      assert.match(problems, /bad level "info"/);
      assert.match(problems, /"severity" is not allowed in result/);
      assert.match(problems, /requires "name"/);
      assert.match(problems, /rules\[0\] is not/);
    });

    it('an I/O failure shows as executionSuccessful false', () => {
      const failed = toSarif([], { cwd: '/', toolVersion: '0', executionSuccessful: false }) as { runs: { invocations: { executionSuccessful: boolean }[]; results: unknown[] }[] };
      assert.equal(failed.runs[0]?.invocations[0]?.executionSuccessful, false);
      assert.deepEqual(failed.runs[0]?.results, []);
      assert.deepEqual(validateSarif(failed), []);
    });
  });

  describe('text', () => {
    it('prints file:line:col: severity code: message, then a summary', () => {
      const text = toText([result], { color: false });
      const lines = text.trimEnd().split('\n');
      assert.equal(lines.length, found.length + 1);
      for (const line of lines.slice(0, -1)) {
        assert.match(line, /^conf\/my config:\d+:\d+: (error|warning|info|hint) [a-z-]+: \S/);
      }
      assert.ok(lines.includes(`conf/my config:2:5: error server-only-keyword: ${found.find((f) => f.code === 'server-only-keyword')?.message ?? ''}`));
      assert.match(lines.at(-1) ?? '', /^\d+ findings \(1 error, \d+ warnings?, \d+ info, \d+ hints?\) in 1 file; \d+ can be fixed with --fix\.$/);
      assert.ok(!text.includes(ESC));
    });

    it('says so when there is nothing to report', () => {
      assert.equal(toText([{ display: 'a', path: '/a', findings: [] }, { display: 'b', path: '/b', findings: [] }], { color: false }), 'No problems found in 2 files.\n');
    });

    it('colours severities only when asked', () => {
      const text = toText([{ display: 'f', path: '/f', findings: [finding('error')] }], { color: true });
      assert.ok(text.includes(`${ESC}[31merror${ESC}[0m`));
    });

    it('escapes control characters from file names and messages, so a config cannot drive the terminal', () => {
      assert.equal(printable('a\x1b[2Jb\x07'), 'a\\x1b[2Jb\\x07');
      const text = toText([{ display: 'evil\x1b]0;x\x07', path: '/f', findings: [{ ...finding('warning'), message: 'bad \x1b[31m' }] }], { color: false });
      assert.ok(!text.includes(ESC));
    });

    it('colour needs a terminal, and NO_COLOR (non-empty) or TERM=dumb turn it off', () => {
      assert.equal(useColor(true, {}), true);
      assert.equal(useColor(false, {}), false);
      assert.equal(useColor(true, { NO_COLOR: '1' }), false);
      assert.equal(useColor(true, { NO_COLOR: '' }), true);
      assert.equal(useColor(true, { TERM: 'dumb' }), false);
    });
  });
});
