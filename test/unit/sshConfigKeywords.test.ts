import { strict as assert } from 'node:assert';
import {
  clientKeyword,
  clientKeywords,
  compareOpenSshVersions,
  defaultFor,
  isAllowedInMatchIn,
  isAvailableIn,
  keyword,
  serverKeyword,
  serverKeywords,
  type KeywordInfo,
} from '../../src/core/sshConfig/keywords';

const sides = [
  ['client', clientKeywords, clientKeyword],
  ['server', serverKeywords, serverKeyword],
] as const;

const VERSION = /^\d+\.\d+$/;

const get = (lookup: (name: string) => KeywordInfo | undefined, name: string): KeywordInfo => {
  const info = lookup(name);
  assert.ok(info, `${name} is missing`);
  return info;
};

describe('ssh_config / sshd_config keyword catalogues', () => {
  describe('lookups', () => {
    it('ignore case, as OpenSSH does', () => {
      for (const name of ['ServerAliveInterval', 'serveraliveinterval', 'SERVERALIVEINTERVAL', 'sErVeRaLiVeInTeRvAl']) {
        assert.equal(clientKeyword(name)?.name, 'ServerAliveInterval');
      }
      assert.equal(serverKeyword('clientaliveinterval')?.name, 'ClientAliveInterval');
      assert.equal(keyword('server', 'MATCH')?.name, 'Match');
      assert.equal(keyword('client', 'canonicalizePermittedcnames')?.name, 'CanonicalizePermittedCNAMEs'); // as `ssh -G` 9.2 prints it
    });

    it('return undefined for words OpenSSH does not know', () => {
      assert.equal(clientKeyword('ServerAliveIntervall'), undefined);
      assert.equal(clientKeyword(''), undefined);
      assert.equal(serverKeyword('Hostname'), undefined);
    });
  });

  for (const [side, list, lookup] of sides) {
    describe(`${side} entries`, () => {
      it('have no duplicate names (case-insensitively)', () => {
        const seen = new Set<string>();
        const dups = list.map((k) => k.name.toLowerCase()).filter((n) => (seen.has(n) ? true : (seen.add(n), false)));
        assert.deepEqual(dups, []);
      });

      it('are all on this side and found by the lookup', () => {
        for (const info of list) {
          assert.equal(info.side, side, info.name);
          assert.equal(lookup(info.name), info);
        }
      });

      it('have a summary and a sample', () => {
        for (const info of list) {
          assert.ok(info.summary.length > 10 && info.summary.length < 300, `${info.name}: summary`);
          assert.ok(info.sample.trim().length > 0, `${info.name}: sample`);
        }
      });

      it('list values for every enum, in lower case', () => {
        for (const info of list) {
          if (info.type === 'enum' || info.type === 'yes-no') {
            assert.ok((info.values?.length ?? 0) >= 2, `${info.name} has no values`);
          }
          for (const v of info.values ?? []) {
            assert.equal(v, v.toLowerCase(), `${info.name}: value ${v}`);
          }
        }
      });

      it('use yes/no words that match the side (the client also takes true/false)', () => {
        const expected = side === 'client' ? ['yes', 'no', 'true', 'false'] : ['yes', 'no'];
        for (const info of list.filter((k) => k.type === 'yes-no')) {
          assert.deepEqual(info.values, expected, info.name);
        }
      });

      it('give enum samples and defaults that are among their values', () => {
        for (const info of list.filter((k) => k.type === 'enum')) {
          assert.ok(info.values?.includes(info.sample.toLowerCase()), `${info.name}: sample ${info.sample}`);
          if (info.default !== undefined) {
            assert.ok(info.values?.includes(info.default.toLowerCase()), `${info.name}: default ${info.default}`);
          }
        }
      });

      it('write versions as major.minor, in a consistent order', () => {
        for (const info of list) {
          const versions = [info.since, info.matchSince, info.deprecated?.since, info.removed?.since, ...(info.defaultHistory ?? []).map((d) => d.before)];
          for (const v of versions) {
            if (v !== undefined) {
              assert.match(v, VERSION, `${info.name}: ${v}`);
            }
          }
          if (info.since !== undefined && info.removed?.since !== undefined) {
            assert.ok(compareOpenSshVersions(info.since, info.removed.since) < 0, `${info.name}: removed before introduced`);
          }
          if (info.since !== undefined && info.matchSince !== undefined) {
            assert.ok(compareOpenSshVersions(info.since, info.matchSince) < 0, `${info.name}: matchSince not after since`);
          }
          for (const v of info.deprecatedValues ?? []) {
            assert.match(v.since, VERSION, `${info.name}: ${v.value}`);
          }
        }
      });

      it('point aliases and replacements at keywords of the same side', () => {
        for (const info of list) {
          if (info.aliasOf !== undefined) {
            const target = lookup(info.aliasOf);
            assert.ok(target, `${info.name} -> ${info.aliasOf}`);
            assert.equal(target.aliasOf, undefined, `${info.name}: alias of an alias`);
            assert.ok(info.deprecated, `${info.name}: aliases are deprecated names`);
          }
          for (const replacement of [info.deprecated?.replacement, info.removed?.replacement]) {
            if (replacement !== undefined && /^[A-Za-z0-9]+$/.test(replacement)) {
              assert.ok(lookup(replacement), `${info.name}: replacement ${replacement}`);
            }
          }
        }
      });

      it('never mark a keyword both deprecated and removed', () => {
        for (const info of list) {
          assert.ok(!(info.deprecated && info.removed), info.name);
        }
      });

      it('keep vendor keywords out of the upstream version history', () => {
        for (const info of list.filter((k) => k.vendor !== undefined)) {
          assert.equal(info.since, undefined, info.name);
        }
      });
    });
  }

  it('say for every server keyword, and no client keyword, whether it may appear in Match', () => {
    for (const info of serverKeywords) {
      assert.equal(typeof info.allowedInMatch, 'boolean', info.name);
    }
    for (const info of clientKeywords) {
      assert.equal(info.allowedInMatch, undefined, info.name);
      assert.equal(info.matchSince, undefined, info.name);
    }
  });

  it('cover both OpenSSH keyword tables (sizes of the 10.x tables, plus vendor keywords)', () => {
    // readconf.c has ~120 distinct names and servconf.c ~125; a big drop means data was lost.
    assert.ok(clientKeywords.length >= 125, `client: ${clientKeywords.length}`);
    assert.ok(serverKeywords.length >= 125, `server: ${serverKeywords.length}`);
  });

  describe('spot checks', () => {
    it('ClientAlive* are server keywords only (fatal in ssh_config)', () => {
      assert.equal(clientKeyword('ClientAliveInterval'), undefined);
      assert.equal(clientKeyword('ClientAliveCountMax'), undefined);
      assert.equal(get(serverKeyword, 'ClientAliveInterval').type, 'time');
      assert.equal(get(serverKeyword, 'ClientAliveCountMax').default, '3');
    });

    it('ServerAlive* are client keywords only (fatal in sshd_config)', () => {
      assert.equal(serverKeyword('ServerAliveInterval'), undefined);
      assert.equal(serverKeyword('ServerAliveCountMax'), undefined);
      assert.equal(get(clientKeyword, 'ServerAliveInterval').default, '0');
      assert.equal(get(clientKeyword, 'ServerAliveCountMax').default, '3');
    });

    it('knows which keywords accumulate and which are first-value-wins', () => {
      for (const name of ['IdentityFile', 'CertificateFile', 'LocalForward', 'RemoteForward', 'DynamicForward', 'SendEnv']) {
        assert.equal(get(clientKeyword, name).multi, true, name);
      }
      for (const name of ['User', 'Hostname', 'Port', 'ServerAliveInterval', 'ProxyJump', 'UserKnownHostsFile']) {
        assert.equal(get(clientKeyword, name).multi, false, name);
      }
      // Since 9.1 only the first SetEnv line counts (release notes; checked against ssh -G 9.2).
      assert.equal(get(clientKeyword, 'SetEnv').multi, false);
      assert.equal(get(serverKeyword, 'SetEnv').multi, false);
      for (const name of ['HostKey', 'Port', 'ListenAddress', 'AcceptEnv', 'AllowUsers', 'Subsystem']) {
        assert.equal(get(serverKeyword, name).multi, true, name);
      }
    });

    it('knows IPQoS on both sides, its default history and the ToS deprecation of 10.1', () => {
      for (const lookup of [clientKeyword, serverKeyword]) {
        const ipqos = get(lookup, 'IPQoS');
        assert.equal(defaultFor(ipqos, '7.7'), 'lowdelay throughput');
        assert.equal(defaultFor(ipqos, '9.2'), 'af21 cs1');
        assert.equal(defaultFor(ipqos, '10.1'), 'ef cs0');
        assert.deepEqual(ipqos.deprecatedValues?.map((v) => [v.value, v.since]), [['lowdelay', '10.1'], ['throughput', '10.1'], ['reliability', '10.1']]);
      }
      assert.equal(get(serverKeyword, 'IPQoS').allowedInMatch, true);
    });

    it('knows which server keywords Match accepts (servconf.c SSHCFG_MATCH)', () => {
      for (const name of ['Port', 'ListenAddress', 'HostKey', 'Ciphers', 'UseDNS', 'MaxStartups', 'PerSourcePenalties', 'UsePAM']) {
        assert.equal(get(serverKeyword, name).allowedInMatch, false, name);
      }
      for (const name of ['ClientAliveInterval', 'ClientAliveCountMax', 'ChannelTimeout', 'UnusedConnectionTimeout', 'PasswordAuthentication', 'ForceCommand', 'ChrootDirectory', 'AllowTcpForwarding', 'Include', 'RefuseConnection']) {
        assert.equal(get(serverKeyword, name).allowedInMatch, true, name);
      }
    });

    it('knows when keywords became allowed in Match', () => {
      const subsystem = get(serverKeyword, 'Subsystem');
      assert.equal(isAllowedInMatchIn(subsystem, '9.2'), false);
      assert.equal(isAllowedInMatchIn(subsystem, '9.5'), true);
      assert.equal(isAllowedInMatchIn(get(serverKeyword, 'ClientAliveInterval'), '7.3'), false);
      assert.equal(isAllowedInMatchIn(get(serverKeyword, 'ChannelTimeout'), '9.2'), true);
      assert.equal(isAllowedInMatchIn(get(serverKeyword, 'Port'), '10.2'), false);
    });

    it('records removed keywords and what OpenSSH does with them', () => {
      const privsep = get(serverKeyword, 'UsePrivilegeSeparation');
      assert.deepEqual([privsep.removed?.since, privsep.removed?.handling], ['7.5', 'deprecated']);
      assert.equal(clientKeyword('UsePrivilegeSeparation'), undefined);
      assert.equal(get(serverKeyword, 'Protocol').removed?.handling, 'ignored');
      assert.equal(get(clientKeyword, 'Protocol').removed?.handling, 'ignored');
      assert.equal(get(clientKeyword, 'RSAAuthentication').removed?.handling, 'unsupported');
      assert.equal(get(serverKeyword, 'RSAAuthentication').removed?.handling, 'deprecated');
      const roaming = get(clientKeyword, 'UseRoaming');
      assert.deepEqual([roaming.since, roaming.removed?.since], ['5.4', '7.2']);
      assert.equal(serverKeyword('UseRoaming'), undefined);
    });

    it('records renamed keywords as deprecated aliases', () => {
      for (const lookup of [clientKeyword, serverKeyword]) {
        const cra = get(lookup, 'ChallengeResponseAuthentication');
        assert.equal(cra.aliasOf, 'KbdInteractiveAuthentication');
        assert.equal(cra.deprecated?.since, '8.7');
        const pakt = get(lookup, 'PubkeyAcceptedKeyTypes');
        assert.equal(pakt.aliasOf, 'PubkeyAcceptedAlgorithms');
        assert.equal(pakt.deprecated?.since, '8.5');
      }
      assert.equal(get(clientKeyword, 'HostbasedKeyTypes').aliasOf, 'HostbasedAcceptedAlgorithms');
      assert.equal(get(serverKeyword, 'HostbasedAcceptedKeyTypes').aliasOf, 'HostbasedAcceptedAlgorithms');
    });

    it('flags vendor keywords so a portable config can be warned', () => {
      assert.equal(get(clientKeyword, 'GSSAPIKeyExchange').vendor, 'gsskex');
      assert.equal(get(serverKeyword, 'DebianBanner').vendor, 'debian');
      assert.equal(get(clientKeyword, 'GSSAPIAuthentication').vendor, undefined);
    });
  });

  describe('version helpers', () => {
    it('compare OpenSSH versions numerically, ignoring portable suffixes', () => {
      assert.ok(compareOpenSshVersions('9.2', '10.0') < 0);
      assert.ok(compareOpenSshVersions('10.2', '9.9') > 0);
      assert.equal(compareOpenSshVersions('9.9p2', '9.9'), 0);
      assert.ok(compareOpenSshVersions('OpenSSH_10.2p1', '9.2') > 0);
      assert.equal(compareOpenSshVersions('7.0', '7'), 0);
    });

    it('tell whether a keyword is live in a version', () => {
      const tag = get(clientKeyword, 'Tag');
      assert.equal(isAvailableIn(tag, '9.3'), false);
      assert.equal(isAvailableIn(tag, '9.4'), true);
      const protocol = get(clientKeyword, 'Protocol');
      assert.equal(isAvailableIn(protocol, '7.5'), true);
      assert.equal(isAvailableIn(protocol, '7.6'), false);
      assert.equal(isAvailableIn(get(clientKeyword, 'RhostsAuthentication'), '9.2'), false); // removed, version unknown
      assert.equal(isAvailableIn(get(clientKeyword, 'User'), '5.0'), true); // no `since`: long-standing
      assert.equal(isAvailableIn(get(clientKeyword, 'WarnWeakCrypto'), '10.0'), false);
      assert.equal(isAvailableIn(get(clientKeyword, 'WarnWeakCrypto'), '10.1'), true);
    });

    it('give the default a version printed', () => {
      const prl = get(serverKeyword, 'PermitRootLogin');
      assert.equal(defaultFor(prl, '6.9'), 'yes');
      assert.equal(defaultFor(prl, '9.2'), 'without-password'); // the old name of the same setting
      assert.equal(defaultFor(prl, '10.2'), 'prohibit-password');
      assert.equal(defaultFor(get(clientKeyword, 'CheckHostIP'), '8.4'), 'yes');
      assert.equal(defaultFor(get(clientKeyword, 'CheckHostIP'), '8.5'), 'no');
      assert.equal(defaultFor(get(clientKeyword, 'Hostname'), '9.2'), undefined);
    });
  });
});
