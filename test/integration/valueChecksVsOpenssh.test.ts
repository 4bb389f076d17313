import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '../../src/core/sshConfig/lint';
import { CIPHERS, KEX, KEY_SIGNATURES, MACS, SIGNATURES, type AlgorithmName } from '../../src/core/sshConfig/keywordData/algorithms';
import { clientKeywords, compareOpenSshVersions, isAvailableIn, serverKeywords, type KeywordInfo, type Side } from '../../src/core/sshConfig/keywords';

/*
 * The invalid-value checks against the installed OpenSSH: every value below
 * is written into a one-line config, and `ssh -G -F` (client) or `sshd -t -f`
 * (server) decides. Our lint must report an error exactly when OpenSSH
 * refuses to run, and nothing worse than a warning when it runs.
 *
 * Security: `ssh -G` runs `Match exec`; these configs contain none.
 */

interface Outcome {
  readonly refused: boolean;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ refused: err !== null, stderr: String(stderr).trim() });
    });
  });
}

function version(cmd: string): string | undefined {
  const r = spawnSync(cmd, ['-V'], { encoding: 'utf8' });
  return r.error === undefined ? /OpenSSH_(\d+\.\d+)/.exec(`${r.stderr}${r.stdout}`)?.[1] : undefined;
}

const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd'].find((p) => existsSync(p));
const sshVersion = version('ssh');
const sshdVersion = SSHD === undefined ? undefined : version(SSHD);

/** A config line with its value quoted when it has blanks. */
const line = (keyword: string, value: string): string => `${keyword} ${/[\s"]/.test(value) || value === '' ? `"${value.replace(/"/g, '\\"')}"` : value}`;

interface Case {
  readonly side: Side;
  /** The config lines (the server's HostKey line is added). */
  readonly lines: readonly string[];
}

interface Mismatch {
  readonly config: string;
  readonly openssh: string;
  readonly ours: string;
}

/** Runs cases a few at a time; returns the ones where OpenSSH and our lint disagree. */
async function compare(dir: string, hostKey: string, cases: readonly Case[]): Promise<Mismatch[]> {
  const mismatches: Mismatch[] = [];
  let next = 0;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++] as Case;
      const file = join(dir, `case-${n++}`);
      const text = `${(c.side === 'server' ? [`HostKey ${hostKey}`, ...c.lines] : c.lines).join('\n')}\n`;
      await writeFile(file, text, { mode: 0o600 });
      const outcome = c.side === 'client' ? await run('ssh', ['-G', '-F', file, 'localhost']) : await run(SSHD as string, ['-t', '-f', file]);
      const opensshVersion = (c.side === 'client' ? sshVersion : sshdVersion) as string;
      const errors = lint(text, { side: c.side, opensshVersion }).filter((f) => f.severity === 'error');
      if (outcome.refused !== errors.length > 0) {
        mismatches.push({
          config: c.lines.join(' / '),
          openssh: outcome.refused ? `refused: ${outcome.stderr.split('\n').slice(0, 2).join(' ')}` : 'accepted',
          ours: errors.length === 0 ? 'no error' : errors.map((f) => `${f.code}: ${f.message}`).join(' | '),
        });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return mismatches;
}

const report = (mismatches: readonly Mismatch[]): string =>
  `${mismatches.length} disagreement(s):\n${mismatches.map((m) => `  ${m.config}\n    OpenSSH: ${m.openssh}\n    ours: ${m.ours}`).join('\n')}`;

/** Live keywords of a type on a side, in the installed version (no vendor-only or removed ones). */
function keywordsOfType(side: Side, type: KeywordInfo['type'], v: string): KeywordInfo[] {
  return (side === 'client' ? clientKeywords : serverKeywords).filter((k) => k.type === type && k.vendor === undefined && k.aliasOf === undefined && isAvailableIn(k, v));
}

const cases = (side: Side, keywords: readonly string[], values: readonly string[]): Case[] => keywords.flatMap((k) => values.map((v) => ({ side, lines: [line(k, v)] })));

function query(what: string): string[] {
  const r = spawnSync('ssh', ['-Q', what], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l !== '') : [];
}

describe('invalid-value checks vs the installed OpenSSH (ssh -G, sshd -t)', function () {
  this.timeout(180_000);
  if (sshVersion === undefined || sshdVersion === undefined) {
    it('needs OpenSSH ssh and sshd', () => {
      assert.fail(`ssh ${sshVersion ?? 'missing'}, sshd ${sshdVersion ?? 'missing'}: install openssh-client and openssh-server to run these tests`);
    });
    return;
  }
  const cv = sshVersion;
  const sv = sshdVersion;
  let dir: string;
  let hostKey: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-values-'));
    hostKey = join(dir, 'host_ed25519');
    const r = spawnSync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', hostKey], { encoding: 'utf8' });
    assert.equal(r.status, 0, `ssh-keygen failed: ${r.stderr}`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('knows the algorithm names this OpenSSH lists with ssh -Q, and no others', () => {
    const known = (list: readonly AlgorithmName[]): string[] =>
      list.filter((a) => (a.since === undefined || compareOpenSshVersions(cv, a.since) >= 0) && (a.removed === undefined || compareOpenSshVersions(cv, a.removed) < 0)).map((a) => a.name).sort();
    assert.deepEqual(known(CIPHERS), query('cipher').sort());
    assert.deepEqual(known(MACS), query('mac').sort());
    assert.deepEqual(known(KEX), query('kex').sort());
    assert.deepEqual(known(KEY_SIGNATURES), query('key-sig').sort());
    assert.deepEqual(known(SIGNATURES), query('sig').sort());
  });

  it('integers: refused exactly where ssh and sshd refuse them (range 0 to INT_MAX, ConnectionAttempts at least 1)', async () => {
    const values = ['0', '1', '+3', '-1', '-0', '007', '2147483647', '2147483648', '99999999999999999999', '3x', 'x', '1.5', '0x10', ' 5'];
    const all = [
      ...cases('client', keywordsOfType('client', 'integer', cv).map((k) => k.name), values),
      ...cases('server', keywordsOfType('server', 'integer', sv).map((k) => k.name), values),
    ];
    assert.ok(all.length > 100);
    const mismatches = await compare(dir, hostKey, all);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  it('times: convtime syntax and overflow, `none` where OpenSSH takes it, ControlPersist words', async () => {
    const values = ['0', '30', '+5', '-0', '-5', '1m+5', '1h-5', '1m30s', '1W', '3550w', '4000w', '2147483647', '2147483648', 'none', 'NONE', 'yes', 'YES', 'no', 'false', '5x', '0x10', 'm', '1 m', ' 5', '1m 5'];
    const all = [
      ...cases('client', keywordsOfType('client', 'time', cv).map((k) => k.name), values),
      ...cases('server', keywordsOfType('server', 'time', sv).map((k) => k.name), values),
    ];
    const mismatches = await compare(dir, hostKey, all);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  it('ports: 1 to 65535 as strtonum reads them (service names are left to the machine)', async () => {
    const values = ['0', '1', '22', '65535', '65536', '70000', '-1', '+22', '-0', 'ssh', '22a', ''];
    const mismatches = await compare(dir, hostKey, [...cases('client', ['Port'], values), ...cases('server', ['Port'], values)]);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  // Service names in port fields depend on the machine's /etc/services, which the core does not read: they are left out here.
  it('LocalForward, RemoteForward and DynamicForward specifications', async () => {
    const two = [
      '8080 localhost:80', '8080', '8080 localhost', '8080 localhost:0', '0 localhost:80', '70000 localhost:80', '8080 localhost:70000',
      '127.0.0.1:8080 localhost:80', '[::1]:8080 [::1]:80', '*:8080 localhost:80', ':8080 localhost:80', '8080 localhost:80 extra',
      '/tmp/a.sock /tmp/b.sock', '8080 /tmp/b.sock', '/tmp/a.sock localhost:80', '8080 [localhost:80', '8080 localhost:80:90:100', '127.0.0.1:8080 localhost:80:90',
      'a:b:c:d e:f', '-1 localhost:80', '+8080 localhost:80', '8080 :80', 'localhost:8080 localhost:80', '8080 localhost:+80',
      '8080 local\\\\host:80', '[::1]8080 localhost:80', '8080 [::1]:80:', '8080 [/tmp/x]', '8080 ""', '0', 'localhost:0', '/tmp/s.sock', '70000', 'a:b:c',
    ];
    const one = ['1080', '0', 'localhost:1080', '[::1]:1080', '/tmp/s', '1080 extra', 'a:b:c', '70000', 'localhost:0', '*:1080', ':1080', '-1', '[::1]', '1080:'];
    // Written as given (two arguments where there is a space), not quoted as one value.
    const raw = (k: string, specs: readonly string[]): Case[] => specs.map((s) => ({ side: 'client', lines: [`${k} ${s}`] }));
    const mismatches = await compare(dir, hostKey, [...raw('LocalForward', two), ...raw('RemoteForward', two), ...raw('DynamicForward', one)]);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  it('sshd: MaxStartups, Subsystem and PermitRootLogin', async () => {
    const maxStartups = ['10:30:100', '10', '10:30', '10abc', 'abc', '0', '-5', '100:30:10', '10:0:100', '10:101:100', '10:100:100', '10:1:10', '10:30:100x', '0:30:100', '10:30:0', '+10', ' 10', '10:', '10:abc'];
    const subsystems: string[][] = [
      ['Subsystem sftp'],
      ['Subsystem sftp internal-sftp'],
      ['Subsystem sftp /usr/lib/openssh/sftp-server -l INFO'],
      ['Subsystem sftp internal-sftp', 'Subsystem sftp /usr/lib/openssh/sftp-server'],
      ['Subsystem sftp internal-sftp', 'Subsystem other internal-sftp'],
      ['Subsystem sftp ""'],
    ];
    const permit = ['yes', 'no', 'prohibit-password', 'without-password', 'forced-commands-only', 'YES', 'maybe', 'prohibit_password'];
    const all: Case[] = [
      ...cases('server', ['MaxStartups'], maxStartups),
      ...subsystems.map((lines) => ({ side: 'server' as const, lines })),
      ...cases('server', ['PermitRootLogin'], permit),
      { side: 'server', lines: ['MaxStartups 10 20'] },
    ];
    const mismatches = await compare(dir, hostKey, all);
    assert.equal(mismatches.length, 0, report(mismatches));
  });

  it('algorithm lists: names from ssh -Q, +/-/^ prefixes, patterns, names this OpenSSH does not know', async () => {
    const lists: Record<string, string[]> = {
      Ciphers: query('cipher'),
      MACs: query('mac'),
      KexAlgorithms: query('kex'),
      HostKeyAlgorithms: query('HostKeyAlgorithms'),
      PubkeyAcceptedAlgorithms: query('PubkeyAcceptedAlgorithms'),
      HostbasedAcceptedAlgorithms: query('HostbasedAcceptedAlgorithms'),
      CASignatureAlgorithms: query('sig'),
    };
    const all: Case[] = [];
    for (const [keyword, names] of Object.entries(lists)) {
      assert.ok(names.length > 0, `ssh -Q printed nothing for ${keyword}`);
      const [a, b] = names as [string, string];
      const values = [
        ...names,
        `+${a}`, `^${a}`, `-${a}`, '-nosuch', 'nosuch', `+nosuch`, `^nosuch`, a.toUpperCase(), `${a},${b}`, `${a},,nosuch`, `,${a}`, `${a},`, `nosuch,${a}`,
        `!${a}`, `${a},!${b}`, `+!${a}`, `-!${a}`, `${a.slice(0, 4)}*`, 'nosuch*', '*', 'RSA', 'ed25519', 'DSA', 'XMSS', 'RSA-SHA2-256', 'ecdsa-sk', 'rsa-cert',
        'mlkem768x25519-sha256', 'sntrup761x25519-sha512', 'ssh-ed25519-cert-v01@openssh.com', 'none', `${a} ${b}`,
      ];
      all.push(...cases('client', [keyword], values), ...cases('server', [keyword], values));
      // Two words: one list only.
      all.push({ side: 'client', lines: [`${keyword} ${a} ${b}`] }, { side: 'server', lines: [`${keyword} ${a} ${b}`] });
    }
    const mismatches = await compare(dir, hostKey, all);
    assert.equal(mismatches.length, 0, report(mismatches));
  });
});
