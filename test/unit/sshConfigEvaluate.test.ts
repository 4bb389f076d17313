import { strict as assert } from 'node:assert';
import { parseSshArgs } from '../../src/core/sshArgs/parse';
import type { IncludeFiles } from '../../src/core/sshConfig/includes';
import {
  canonicalIpv4,
  configFileOption,
  evaluateSshConfig,
  percentExpand,
  type ConfigSource,
  type EvaluateInput,
  type Evaluation,
} from '../../src/core/sshConfig/evaluate';
import { matchPatternList } from '../../src/core/sshConfig/model';

const local = { user: 'alice', uid: 1000, home: '/home/alice', hostname: 'laptop.lan', env: { HOME: '/home/alice', XDG_RUNTIME_DIR: '/run/user/1000' } };

/** In-memory files for Include: exact paths, and `*` globs over them in lexical order. */
function memoryFiles(files: Readonly<Record<string, string>>): IncludeFiles {
  return {
    glob(pattern) {
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
    read: (path) => files[path],
  };
}

function evaluate(argv: readonly string[], configs: readonly ConfigSource[], extra: Partial<EvaluateInput> = {}): Evaluation {
  return evaluateSshConfig({ invocation: parseSshArgs(argv), configs, files: memoryFiles({}), local, ...extra });
}

const user = (text: string): ConfigSource => ({ path: '/home/alice/.ssh/config', text, userFile: true });
const system = (text: string): ConfigSource => ({ path: '/etc/ssh/ssh_config', text, userFile: false });
const one = (e: Evaluation, key: string): string | undefined => e.options.get(key)?.[0];

describe('own ssh_config evaluation', () => {
  it('takes the user file before the system file, first value winning', () => {
    const e = evaluate(['prod'], [user('Host prod\n  User deploy\n'), system('Host *\n  User nobody\n  Port 2222\n  ServerAliveInterval 30\n')]);
    assert.equal(one(e, 'user'), 'deploy');
    assert.equal(one(e, 'port'), '2222');
    assert.equal(one(e, 'serveraliveinterval'), '30');
    assert.equal(one(e, 'host'), 'prod');
  });

  it('fills OpenSSH defaults: local user, port 22, seven identity files, expanded known_hosts', () => {
    const e = evaluate(['Box'], []);
    assert.equal(one(e, 'user'), 'alice');
    assert.equal(one(e, 'hostname'), 'box');
    assert.equal(one(e, 'port'), '22');
    assert.deepEqual(e.options.get('identityfile'), [
      '~/.ssh/id_rsa',
      '~/.ssh/id_ecdsa',
      '~/.ssh/id_ecdsa_sk',
      '~/.ssh/id_ed25519',
      '~/.ssh/id_ed25519_sk',
      '~/.ssh/id_xmss',
      '~/.ssh/id_dsa',
    ]);
    assert.equal(one(e, 'userknownhostsfile'), '/home/alice/.ssh/known_hosts /home/alice/.ssh/known_hosts2');
    assert.equal(one(e, 'globalknownhostsfile'), '/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2');
    assert.equal(one(e, 'connecttimeout'), 'none');
    assert.equal(one(e, 'serveraliveinterval'), '0');
    assert.equal(e.options.has('proxyjump'), false);
    assert.equal(e.options.has('proxycommand'), false);
  });

  it('defaults ServerAliveInterval to 300 under BatchMode only for Debian’s ssh', () => {
    const configs = [user('BatchMode yes\n')];
    assert.equal(one(evaluate(['h'], configs, { debian: true }), 'serveraliveinterval'), '300');
    assert.equal(one(evaluate(['h'], configs, { debian: false }), 'serveraliveinterval'), '0');
  });

  it('never runs Match exec: a line that would run it does not match and is reported', () => {
    const e = evaluate(['h'], [user('Match exec "test -e /tmp/vpn-up"\n  Port 2022\nMatch host other exec "never reached"\n  Port 2023\n')]);
    assert.equal(one(e, 'port'), '22');
    assert.equal(e.unevaluated.length, 1);
    assert.match(e.unevaluated[0] as string, /^Match exec "test -e \/tmp\/vpn-up" \(not run/);
  });

  it('treats a negated Match exec as not matching too (nothing is guessed)', () => {
    const e = evaluate(['h'], [user('Match !exec "false"\n  Port 2022\n')]);
    assert.equal(one(e, 'port'), '22');
    assert.equal(e.unevaluated.length, 1);
  });

  it('reports Match localnetwork as unevaluated and not matching', () => {
    const e = evaluate(['h'], [user('Match localnetwork 10.0.0.0/8\n  Port 2022\n')]);
    assert.equal(one(e, 'port'), '22');
    assert.match(e.unevaluated[0] as string, /localnetwork 10\.0\.0\.0\/8/);
  });

  it('matches Match tagged against Tag from the file or -P from the command line', () => {
    const configs = [user('Host h\n  Tag work\nMatch tagged work\n  User worker\nMatch tagged home\n  User homer\n')];
    assert.equal(one(evaluate(['h'], configs), 'user'), 'worker');
    assert.equal(one(evaluate(['-P', 'home', 'h'], configs), 'user'), 'homer');
  });

  it('follows Include through the injected files, conditionally inside Host', () => {
    const files = memoryFiles({
      '/home/alice/.ssh/conf.d/a.conf': 'Port 4000\n',
      '/home/alice/.ssh/conf.d/b.conf': 'User included\n',
    });
    const configs = [user('Host inc\n  Include conf.d/*.conf\nHost *\n  Port 5000\n')];
    assert.equal(one(evaluate(['inc'], configs, { files }), 'port'), '4000');
    assert.equal(one(evaluate(['inc'], configs, { files }), 'user'), 'included');
    assert.equal(one(evaluate(['other'], configs, { files }), 'port'), '5000');
  });

  it('resolves relative Includes of the system file under /etc/ssh', () => {
    const files = memoryFiles({ '/etc/ssh/ssh_config.d/10.conf': 'ConnectTimeout 7\n' });
    const e = evaluate(['h'], [user(''), system('Include ssh_config.d/*.conf\n')], { files });
    assert.equal(one(e, 'connecttimeout'), '7');
  });

  it('keeps an identity file given by the user and the same path from the system file apart', () => {
    const e = evaluate(['h'], [user('IdentityFile ~/.ssh/k\nIdentityFile ~/.ssh/k\n'), system('IdentityFile ~/.ssh/k\n')]);
    assert.deepEqual(e.options.get('identityfile'), ['~/.ssh/k', '~/.ssh/k']);
  });

  it('drops an -i file that does not exist, as ssh does, and expands ~ in one that does', () => {
    const exists = (p: string): boolean => p === '/home/alice/keys/a';
    const e = evaluate(['-i', '~/keys/a', '-i', '~/keys/missing', 'h'], [], { fileExists: exists });
    assert.deepEqual(e.options.get('identityfile'), ['/home/alice/keys/a']);
    assert.match(e.warnings.join('\n'), /keys\/missing/);
  });

  it('expands % tokens and ${ENV} in ControlPath, computing %C as ssh does', () => {
    const e = evaluate(['-l', 'bob', '-p', '2200', 'Web'], [user('ControlPath ${XDG_RUNTIME_DIR}/cm-%C-%r@%h:%p-%n-%L-%u\n')]);
    // sha1("laptop.lan" + "web" + "2200" + "bob")
    assert.equal(one(e, 'controlpath'), '/run/user/1000/cm-3288638176c4a530f2bb585bee78e0c508cfe863-bob@web:2200-Web-laptop-alice');
  });

  it('leaves a path with an unknown token as written, with a warning', () => {
    const e = evaluate(['h'], [user('ControlPath /tmp/%Z\n')]);
    assert.equal(one(e, 'controlpath'), '/tmp/%Z');
    assert.match(e.warnings.join('\n'), /ControlPath/);
  });

  it('warns about unknown keywords unless IgnoreUnknown names them first', () => {
    assert.match(evaluate(['h'], [user('Bogus yes\n')]).warnings.join('\n'), /Bad configuration option: bogus/);
    assert.deepEqual(evaluate(['h'], [user('IgnoreUnknown bogus\nBogus yes\n')]).warnings, []);
  });

  it('maps Debian’s old keyword names to the current ones (both to ServerAliveInterval, checked with ssh -G)', () => {
    const e = evaluate(['h'], [user('SetupTimeOut 9\nProtocolKeepAlives 15\n')]);
    assert.equal(one(e, 'serveraliveinterval'), '9');
    assert.equal(one(e, 'connecttimeout'), 'none');
  });

  it('says when it does not do DNS canonicalization', () => {
    const e = evaluate(['h'], [user('CanonicalizeHostname always\nCanonicalDomains example.org\n')]);
    assert.match(e.unevaluated[0] as string, /^CanonicalizeHostname always/);
    assert.equal(one(e, 'hostname'), 'h');
  });
});

describe('evaluation helpers', () => {
  it('expands % tokens and ${VAR}, refusing unknown ones', () => {
    assert.equal(percentExpand('%h:%p%%', { h: 'x', p: '22' }), 'x:22%');
    assert.equal(percentExpand('${A}/%h', { h: 'x' }, { A: '/a' }), '/a/x');
    assert.equal(percentExpand('${A}', {}, {}), undefined);
    assert.equal(percentExpand('%q', { h: 'x' }), undefined);
    assert.equal(percentExpand('trailing %', {}), undefined);
    assert.equal(percentExpand('${A}', {}), '${A}', 'no env: dollars are literal');
  });

  it('writes IPv4 literals in inet_aton forms as dotted quads', () => {
    assert.equal(canonicalIpv4('127.1'), '127.0.0.1');
    assert.equal(canonicalIpv4('10.0.0.1'), '10.0.0.1');
    assert.equal(canonicalIpv4('0x7f.0.0.1'), '127.0.0.1');
    assert.equal(canonicalIpv4('2130706433'), '127.0.0.1');
    assert.equal(canonicalIpv4('256.0.0.1'), undefined);
    assert.equal(canonicalIpv4('1.2.3.4.5'), undefined);
    assert.equal(canonicalIpv4('example'), undefined);
  });

  it('matches comma-separated pattern lists with negation winning', () => {
    assert.equal(matchPatternList('web1', 'web*,db*', false), 1);
    assert.equal(matchPatternList('web1', 'web*,!web1', false), -1);
    assert.equal(matchPatternList('x', 'web*', false), 0);
    assert.equal(matchPatternList('web', 'WEB', true), 1);
    assert.equal(matchPatternList('web', 'WEB', false), 0);
  });

  it('finds the last -F of a command line', () => {
    assert.equal(configFileOption(parseSshArgs(['-F', 'a', 'h', '-F', 'b'])), 'b');
    assert.equal(configFileOption(parseSshArgs(['h'])), undefined);
  });
});
