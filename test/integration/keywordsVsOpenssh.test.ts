import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  clientKeyword,
  clientKeywords,
  compareOpenSshVersions,
  defaultFor,
  isAllowedInMatchIn,
  isAvailableIn,
  serverKeyword,
  serverKeywords,
  type KeywordInfo,
  type Vendor,
} from '../../src/core/sshConfig/keywords';

/*
 * The keyword catalogues against the OpenSSH that is installed (Debian 12:
 * OpenSSH 9.2p1). Tests are generated from the installed version, so keywords
 * newer than it are not exercised here; the unit tests cover their data.
 *
 * Security: `ssh -G` runs `Match exec` commands; every config here is written by
 * the test itself and contains none.
 */

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** sshd refuses a relative path for re-exec, so look for an absolute one. */
function findSshd(): string | undefined {
  const dirs = ['/usr/sbin', '/usr/local/sbin', '/sbin', ...(process.env['PATH'] ?? '').split(delimiter)];
  return dirs.map((d) => join(d, 'sshd')).find((p) => existsSync(p));
}

/** `ssh -V` / `sshd -V` banner, e.g. "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 ...". */
function banner(cmd: string): { banner?: string; error?: string } {
  const r = spawnSync(cmd, ['-V'], { encoding: 'utf8' });
  if (r.error !== undefined) {
    return { error: r.error.message };
  }
  const text = `${r.stderr}${r.stdout}`;
  return /OpenSSH_\d+\.\d+/.test(text) ? { banner: text.trim() } : { error: `unexpected -V output: ${text.trim()}` };
}

const versionOf = (b: string): string => /OpenSSH_(\d+\.\d+)/.exec(b)?.[1] ?? '0';
/** Vendor keywords present in this build: Debian and Ubuntu carry their own patches and the gsskex one. */
const vendorsOf = (b: string): readonly Vendor[] => (/Debian|Ubuntu/.test(b) ? ['debian', 'gsskex'] : []);
const platform = process.platform === 'openbsd' ? 'openbsd' : undefined;

/** A keyword to exercise as a live option of this build. */
function live(info: KeywordInfo, version: string, vendors: readonly Vendor[]): boolean {
  return isAvailableIn(info, version) && (info.vendor === undefined || vendors.includes(info.vendor)) && (info.platform === undefined || info.platform === platform);
}

/** A removed keyword this build still parses (removed by now, or at an unknown time). */
function legacy(info: KeywordInfo, version: string, vendors: readonly Vendor[]): boolean {
  const removed = info.removed;
  return removed !== undefined
    && (removed.since === undefined || compareOpenSshVersions(version, removed.since) >= 0)
    && (info.vendor === undefined || vendors.includes(info.vendor));
}

/** Messages that mean OpenSSH did not take the line as a working option. */
const REJECTED = /Bad configuration option|Unsupported option|Deprecated option|not allowed within a Match block|terminating/i;
const rejected = (info: KeywordInfo, stderr: string): boolean => {
  // Without the build feature the keyword is "Unsupported option" but still parsed.
  const text = info.requires === undefined ? stderr : stderr.replace(/^.*Unsupported option.*$/gim, '');
  return REJECTED.test(text);
};

/** Parses `ssh -G` / `sshd -T` output into keyword -> values (a keyword may repeat). */
function dump(stdout: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) ?(.*)$/.exec(line);
    if (m?.[1] === undefined) {
      continue;
    }
    const key = m[1].toLowerCase();
    map.set(key, [...(map.get(key) ?? []), m[2] ?? '']);
  }
  return map;
}

/**
 * Debian 12 patches some client and server defaults. Values printed by its
 * `ssh -G -F /dev/null` / `sshd -T` that differ from upstream 9.2:
 */
const DEBIAN_CLIENT_DEFAULTS: Readonly<Record<string, string>> = {
  forwardx11trusted: 'yes', // debian/patches: "ForwardX11Trusted yes" by default
  ipqos: 'lowdelay throughput', // Debian kept the pre-7.8 ToS defaults (middlebox trouble with AF21/CS1)
};
const DEBIAN_SERVER_DEFAULTS: Readonly<Record<string, string>> = {
  ipqos: 'lowdelay throughput',
};

// ---------------------------------------------------------------------------

/**
 * The destination for `ssh -G`. It must resolve: with CanonicalizePermittedCNAMEs
 * set, ssh -G looks the name up even when canonicalization is off.
 */
const TARGET = 'localhost';
const sshInfo = banner('ssh');

describe('ssh_config keyword catalogue vs the installed ssh (ssh -G)', () => {
  if (sshInfo.banner === undefined) {
    it('needs OpenSSH ssh on PATH', () => {
      assert.fail(`ssh is not usable (${sshInfo.error ?? 'unknown'}); install openssh-client to run these tests`);
    });
    return;
  }
  const sshBanner = sshInfo.banner;
  const version = versionOf(sshBanner);
  const vendors = vendorsOf(sshBanner);
  let dir: string;
  let n = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-kw-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const sshG = async (body: string, extra: readonly string[] = [], command: readonly string[] = []): Promise<Result> => {
    const file = join(dir, `config${n++}`);
    await writeFile(file, body);
    return run('ssh', [...extra, '-G', '-F', file, TARGET, ...command]);
  };

  it(`knows every keyword that ssh -G prints (${sshBanner.split(',')[0] ?? ''})`, async () => {
    const r = await run('ssh', ['-G', '-F', '/dev/null', TARGET]);
    assert.equal(r.code, 0, r.stderr);
    // No exclusions are needed: everything ssh -G prints is a config keyword.
    // ("host" is printed since 9.2 with the original host argument; it is the
    // Host keyword. 9.2 prints "canonicalizePermittedcnames" with a capital P,
    // hence the case-insensitive lookup.)
    const unknown = [...dump(r.stdout).keys()].filter((k) => clientKeyword(k) === undefined);
    assert.deepEqual(unknown, [], `printed by ssh -G but missing from the catalogue: ${unknown.join(', ')}`);
  });

  describe(`accepts each live keyword with its sample value (OpenSSH ${version})`, () => {
    for (const info of clientKeywords.filter((k) => live(k, version, vendors))) {
      it(`${info.name} ${info.sample}`, async () => {
        const r = await sshG(`Host ${TARGET}\n  ${info.name} ${info.sample}\n`);
        assert.equal(r.code, 0, `ssh -G rejected "${info.name} ${info.sample}": ${r.stderr.trim()}`);
        assert.ok(!rejected(info, r.stderr), `ssh complained about "${info.name} ${info.sample}": ${r.stderr.trim()}`);
      });
    }
  });

  describe('accepts every listed value of each enum and flag, and refuses others', () => {
    for (const info of clientKeywords.filter((k) => live(k, version, vendors) && (k.type === 'enum' || k.type === 'yes-no'))) {
      it(`${info.name} ${(info.values ?? []).join('|')}`, async () => {
        // ssh -G refuses "ForkAfterAuthentication yes" without a remote command, as ssh -f does.
        const command = info.name === 'ForkAfterAuthentication' ? ['true'] : [];
        for (const value of info.values ?? []) {
          const r = await sshG(`Host ${TARGET}\n  ${info.name} ${value}\n`, [], command);
          assert.equal(r.code, 0, `ssh -G rejected "${info.name} ${value}": ${r.stderr.trim()}`);
        }
        const bad = await sshG(`Host ${TARGET}\n  ${info.name} no-such-value\n`);
        assert.notEqual(bad.code, 0, `ssh -G accepted "${info.name} no-such-value", so the type is not an enum`);
      });
    }
  });

  describe('rejects each keyword introduced after the installed version', () => {
    const newer = clientKeywords.filter((k) => k.vendor === undefined && k.since !== undefined && compareOpenSshVersions(version, k.since) < 0);
    for (const info of newer) {
      it(`${info.name} (since ${info.since ?? '?'})`, async () => {
        const r = await sshG(`Host ${TARGET}\n  ${info.name} ${info.sample}\n`);
        assert.match(r.stderr, /Bad configuration option/i, `ssh ${version} accepted ${info.name}, so "since ${info.since ?? ''}" is wrong`);
      });
    }
  });

  describe('parses each removed keyword and ignores it as documented', () => {
    for (const info of clientKeywords.filter((k) => legacy(k, version, vendors))) {
      const handling = info.removed?.handling;
      it(`${info.name}: ${handling ?? ''}`, async () => {
        const r = await sshG(`Host ${TARGET}\n  ${info.name} ${info.sample}\n`, ['-v']);
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /Bad configuration option/i);
        const said = /Unsupported option/i.test(r.stderr) ? 'unsupported' : /Deprecated option/i.test(r.stderr) ? 'deprecated' : 'ignored';
        assert.equal(said, handling, `ssh -v said: ${r.stderr.trim()}`);
      });
    }
  });

  it('prints the catalogue defaults for an empty config (Debian-patched defaults excepted)', async () => {
    const r = await run('ssh', ['-G', '-F', '/dev/null', TARGET]);
    const printed = dump(r.stdout);
    const home = userInfo().homedir;
    const patched = vendors.includes('debian') ? DEBIAN_CLIENT_DEFAULTS : {};
    const mismatches: string[] = [];
    for (const info of clientKeywords) {
      const values = printed.get(info.name.toLowerCase());
      const expected = defaultFor(info, version);
      if (values === undefined || expected === undefined || !isAvailableIn(info, version)) {
        continue;
      }
      // ssh -G prints paths with ~ expanded to the user's home directory.
      const want = patched[info.name.toLowerCase()] ?? expected.replace(/(^|\s)~\//g, `$1${home}/`);
      if (values.join(' ') !== want) {
        mismatches.push(`${info.name}: ssh -G prints "${values.join(' ')}", catalogue says "${want}"`);
      }
    }
    assert.deepEqual(mismatches, []);
  });
});

// ---------------------------------------------------------------------------

const sshdPath = findSshd();
const sshdInfo = sshdPath === undefined ? { error: 'no sshd binary in /usr/sbin, /usr/local/sbin, /sbin or PATH' } : banner(sshdPath);

describe('sshd_config keyword catalogue vs the installed sshd (sshd -T / -t)', () => {
  if (sshdPath === undefined || (sshdInfo.banner === undefined && sshInfo.banner === undefined)) {
    it('needs OpenSSH sshd', () => {
      assert.fail(`sshd is not usable (${sshdInfo.error ?? 'unknown'}); install openssh-server to run these tests`);
    });
    return;
  }
  // sshd -V exists since 9.2; older servers are assumed to match the client.
  const sshdBanner = sshdInfo.banner ?? sshInfo.banner ?? '';
  const version = versionOf(sshdBanner);
  // `sshd -V` prints no distribution ("OpenSSH_9.2, OpenSSL ..."); assume the
  // server comes from the same package set as a client of the same version.
  const vendors = vendorsOf(sshdBanner).length > 0 || sshInfo.banner === undefined || versionOf(sshInfo.banner) !== version
    ? vendorsOf(sshdBanner)
    : vendorsOf(sshInfo.banner);
  let dir: string;
  let hostKey: string;
  let n = 0;

  before(async () => {
    // sshd -t checks that the privilege separation directory exists.
    if (!existsSync('/run/sshd') && process.getuid?.() === 0) {
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    }
    dir = await mkdtemp(join(tmpdir(), 'lifeline-kwd-'));
    hostKey = join(dir, 'hk');
    const keygen = await run('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', hostKey]);
    assert.equal(keygen.code, 0, `ssh-keygen failed: ${keygen.stderr}`);
    const probe = await sshdT('');
    assert.equal(probe.code, 0, `sshd -T fails on a minimal config (as root, /run/sshd must exist): ${probe.stderr}`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A minimal valid sshd_config: our own host key, no PAM (Debian's default file has UsePAM yes). */
  const config = async (body: string): Promise<string> => {
    const file = join(dir, `sshd_config${n++}`);
    await writeFile(file, `HostKey ${hostKey}\nUsePAM no\n${body}`);
    return file;
  };
  const sshdT = async (body: string): Promise<Result> => run(sshdPath, ['-T', '-f', await config(body)]);
  const sshdt = async (body: string): Promise<Result> => run(sshdPath, ['-t', '-f', await config(body)]);

  it(`knows every keyword that sshd -T prints (${sshdBanner.split(',')[0] ?? ''})`, async () => {
    const r = await sshdT('');
    assert.equal(r.code, 0, r.stderr);
    const unknown = [...dump(r.stdout).keys()].filter((k) => serverKeyword(k) === undefined);
    assert.deepEqual(unknown, [], `printed by sshd -T but missing from the catalogue: ${unknown.join(', ')}`);
  });

  describe(`accepts each live keyword with its sample value (OpenSSH ${version})`, () => {
    for (const info of serverKeywords.filter((k) => live(k, version, vendors))) {
      it(`${info.name} ${info.sample}`, async () => {
        const r = await sshdt(`${info.name} ${info.sample}\n`);
        assert.equal(r.code, 0, `sshd -t rejected "${info.name} ${info.sample}": ${r.stderr.trim()}`);
        assert.ok(!rejected(info, r.stderr), `sshd complained about "${info.name} ${info.sample}": ${r.stderr.trim()}`);
      });
    }
  });

  describe('accepts every listed value of each enum and flag, and refuses others', () => {
    for (const info of serverKeywords.filter((k) => live(k, version, vendors) && (k.type === 'enum' || k.type === 'yes-no'))) {
      it(`${info.name} ${(info.values ?? []).join('|')}`, async () => {
        for (const value of info.values ?? []) {
          const r = await sshdt(`${info.name} ${value}\n`);
          assert.equal(r.code, 0, `sshd -t rejected "${info.name} ${value}": ${r.stderr.trim()}`);
        }
        const bad = await sshdt(`${info.name} no-such-value\n`);
        // Without the build feature sshd ignores the keyword whatever its value.
        if (!(info.requires !== undefined && /Unsupported option/i.test(bad.stderr))) {
          assert.notEqual(bad.code, 0, `sshd -t accepted "${info.name} no-such-value", so the type is not an enum`);
        }
      });
    }
  });

  describe('accepts inside Match each keyword allowed there', () => {
    for (const info of serverKeywords.filter((k) => live(k, version, vendors) && isAllowedInMatchIn(k, version))) {
      it(`Match User nobody / ${info.name} ${info.sample}`, async () => {
        const r = await sshdt(`Match User nobody\n  ${info.name} ${info.sample}\n`);
        assert.equal(r.code, 0, `sshd -t refused ${info.name} inside Match: ${r.stderr.trim()}`);
        assert.ok(!rejected(info, r.stderr), r.stderr.trim());
      });
    }
  });

  describe('refuses inside Match each keyword not allowed there', () => {
    for (const info of serverKeywords.filter((k) => live(k, version, vendors) && !isAllowedInMatchIn(k, version))) {
      it(`Match User nobody / ${info.name} ${info.sample}`, async () => {
        const r = await sshdt(`Match User nobody\n  ${info.name} ${info.sample}\n`);
        assert.notEqual(r.code, 0, `sshd -t accepted ${info.name} inside Match, so allowedInMatch/matchSince is wrong`);
        assert.match(r.stderr, /is not allowed within a Match block/);
      });
    }
  });

  describe('rejects each keyword introduced after the installed version', () => {
    const newer = serverKeywords.filter((k) => k.vendor === undefined && k.since !== undefined && compareOpenSshVersions(version, k.since) < 0);
    for (const info of newer) {
      it(`${info.name} (since ${info.since ?? '?'})`, async () => {
        const r = await sshdt(`${info.name} ${info.sample}\n`);
        assert.match(r.stderr, /Bad configuration option/i, `sshd ${version} accepted ${info.name}, so "since ${info.since ?? ''}" is wrong`);
      });
    }
  });

  describe('parses each removed keyword and ignores it as documented', () => {
    for (const info of serverKeywords.filter((k) => legacy(k, version, vendors))) {
      const handling = info.removed?.handling;
      it(`${info.name}: ${handling ?? ''}`, async () => {
        const r = await sshdt(`${info.name} ${info.sample}\n`);
        assert.equal(r.code, 0, r.stderr);
        const said = /Unsupported option/i.test(r.stderr) ? 'unsupported' : /Deprecated option/i.test(r.stderr) ? 'deprecated' : 'ignored';
        assert.equal(said, handling, `sshd -t said: ${r.stderr.trim()}`);
      });
    }
  });

  it('prints the catalogue defaults for a minimal config (Debian-patched defaults excepted)', async () => {
    const r = await sshdT('');
    const printed = dump(r.stdout);
    const patched = vendors.includes('debian') ? DEBIAN_SERVER_DEFAULTS : {};
    const mismatches: string[] = [];
    for (const info of serverKeywords) {
      const values = printed.get(info.name.toLowerCase());
      const expected = defaultFor(info, version);
      if (values === undefined || expected === undefined || !isAvailableIn(info, version)) {
        continue;
      }
      const want = patched[info.name.toLowerCase()] ?? expected;
      if (values.join(' ') !== want) {
        mismatches.push(`${info.name}: sshd -T prints "${values.join(' ')}", catalogue says "${want}"`);
      }
    }
    assert.deepEqual(mismatches, []);
  });
});
