import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nodeIncludeFiles } from '../../src/node/configFiles';
import { parseSshArgs } from '../../src/core/sshArgs/parse';
import { parseSshG } from '../../src/core/sshConfig/effective';
import { EVALUATED_KEYS, evaluateSshConfig, type LocalFacts } from '../../src/core/sshConfig/evaluate';
import { buildModel, sampleHost } from '../../src/core/sshConfig/model';
import { assertSafeToEvaluate, copyCorpus } from '../fixtures/configs/corpus';

/*
 * Our own evaluation of ssh_config (src/core/sshConfig/evaluate.ts) against the
 * installed OpenSSH's `ssh -G -F file …` for every key it claims to produce.
 * `-F` skips the system file and the permission check, so the system config of
 * the machine does not leak in. No config here contains `Match exec` (ssh -G
 * would run it); ProxyCommand values are only printed by -G, never run.
 */

const execFileAsync = promisify(execFile);

const local: LocalFacts = {
  user: userInfo().username,
  uid: userInfo().uid,
  home: userInfo().homedir,
  hostname: hostname(),
  env: process.env,
};
const debian = (() => {
  try {
    readFileSync('/etc/debian_version');
    return true;
  } catch {
    return false;
  }
})();

async function sshG(args: readonly string[]): Promise<Map<string, readonly string[]>> {
  const { stdout } = await execFileAsync('ssh', ['-G', ...args], { timeout: 10_000 });
  return new Map(parseSshG(stdout));
}

async function compare(configPath: string | undefined, argv: readonly string[], unevaluated?: RegExp): Promise<void> {
  const full = configPath === undefined ? argv : ['-F', configPath, ...argv];
  const theirs = await sshG(full);
  const text = configPath === undefined || configPath === 'none' ? undefined : await readFile(configPath, 'utf8');
  const ours = evaluateSshConfig({
    invocation: parseSshArgs(full),
    configs: text === undefined ? [] : [{ path: configPath as string, text, userFile: true }],
    files: nodeIncludeFiles,
    local,
    debian,
  });
  for (const key of EVALUATED_KEYS) {
    assert.deepEqual(ours.options.get(key), theirs.get(key), `${key} for ssh -G ${full.join(' ')}\n${text ?? ''}`);
  }
  if (unevaluated === undefined) {
    assert.deepEqual(ours.unevaluated, [], 'nothing left unevaluated');
  } else {
    assert.ok(ours.unevaluated.some((u) => unevaluated.test(u)), `unevaluated: ${ours.unevaluated.join('; ')}`);
  }
}

interface Case {
  readonly name: string;
  /** The config; `@DIR@` is the test's folder. */
  readonly config: string;
  /** Command lines to ask about (after `-F file`). */
  readonly argvs: readonly (readonly string[])[];
  /** What the evaluation says it left out (default: nothing). */
  readonly unevaluated?: RegExp;
  /** Extra files in the test folder (for Include). */
  readonly files?: Readonly<Record<string, string>>;
}

const cases: readonly Case[] = [
  {
    name: 'first value wins, Host patterns as typed (case, wildcards, negations)',
    config: [
      'Host prod-*  !prod-legacy',
      '  User deploy',
      '  Port 2200',
      'Host Prod',
      '  Port 2300',
      'Host *',
      '  User nobody',
      '  Port 2400',
      '  ServerAliveInterval 30',
      '  ServerAliveInterval 60',
      '  ServerAliveCountMax 5',
    ].join('\n'),
    argvs: [['prod-web'], ['prod-legacy'], ['Prod'], ['prod'], ['PROD-web'], ['other']],
  },
  {
    name: 'Host a,b is one literal pattern; only negations match nothing',
    config: ['Host a,b', '  Port 1', 'Host !c', '  Port 2', 'Host * !d', '  Port 3'].join('\n'),
    argvs: [['a'], ['b'], ['c'], ['d']],
  },
  {
    name: 'command line beats the file: -p, -l, user@, ssh:// URIs, -o, options after the destination',
    config: ['Host h', '  User fileuser', '  Port 2000', '  HostName h.example.org', '  ConnectTimeout 9'].join('\n'),
    argvs: [
      ['h'],
      ['-p22', '-l', 'u', 'h', '--', 'tmux', 'new', '-A', '-s', 'main'],
      ['bob@h', '-l', 'carol', '-p', '1', '-p', '2'],
      ['ssh://dave@h:2222'],
      ['-oUser=erin', '-oPort=7', 'ssh://frank@h:8'],
      ['h', '-o', 'ConnectTimeout=3', '-o', 'HostName=other'],
      ['-o', 'ConnectTimeout none', 'h'],
    ],
  },
  {
    name: 'HostName with %h, lower-cased names, IPv4 literals',
    config: ['Host web*', '  HostName %h.Example.COM', 'Host ip', '  HostName 127.1', 'Host pct', '  HostName a%%b'].join('\n'),
    argvs: [['web1'], ['WEB1'], ['Web1'], ['ip'], ['pct'], ['MixedCase'], ['10.0.0.1']],
  },
  {
    name: 'Match host (HostName so far, any case), originalhost, user, localuser, all, negations',
    config: [
      'Host alias',
      '  HostName Real.example.org',
      'Match host real.example.org',
      '  Port 1001',
      'Match originalhost ALIAS',
      '  User matcheduser',
      'Match user matcheduser',
      '  ServerAliveInterval 11',
      `Match localuser ${local.user}`,
      '  ServerAliveCountMax 7',
      'Match !host real.example.org,other',
      '  Port 1002',
      'Match host *.org,!bad.org',
      '  ConnectTimeout 4',
      'Match all',
      '  ConnectionAttempts 3',
    ].join('\n'),
    argvs: [['alias'], ['Alias'], ['other'], ['bad.org'], ['x.org'], ['-l', 'matcheduser', 'x'], ['-l', 'someone', 'alias']],
  },
  {
    name: 'Match final and CanonicalizeHostname make a second pass on the final name',
    config: [
      'Host short',
      '  HostName final.example.net',
      'Host final.example.net',
      '  Port 3001',
      'Match final host final.example.net',
      '  User finaluser',
      'Match canonical',
      '  ConnectTimeout 12',
      'Match !canonical',
      '  ConnectionAttempts 2',
    ].join('\n'),
    argvs: [['short'], ['final.example.net'], ['elsewhere']],
  },
  {
    name: 'CanonicalizeHostname yes without domains (no DNS): second pass, host unchanged',
    config: ['Host a.b.c', '  CanonicalizeHostname yes', '  HostName Target.example', 'Host target.example', '  Port 4001'].join('\n'),
    argvs: [['a.b.c'], ['target.example']],
    unevaluated: /^CanonicalizeHostname yes/,
  },
  {
    name: 'Include: spliced in place, conditional inside Host, relative to the including block',
    config: ['Host inc', '  Include @DIR@/inc.d/*.conf', '  User after-include', 'Host *', '  Include @DIR@/tail.conf', '  Port 5000'].join('\n'),
    files: {
      'inc.d/10-first.conf': ['Port 4000', 'Host other', '  User from-include', 'Host *', '  ServerAliveInterval 45'].join('\n'),
      'inc.d/20-second.conf': ['ConnectTimeout 8'].join('\n'),
      'tail.conf': ['User tail', 'Match host inc', '  ServerAliveCountMax 9'].join('\n'),
    },
    argvs: [['inc'], ['other'], ['third']],
  },
  {
    name: 'ProxyJump and ProxyCommand: first wins, none, -J, formatting',
    config: [
      'Host j1',
      '  ProxyJump bastion',
      '  ProxyCommand ssh -W %h:%p ignored',
      'Host j2',
      '  ProxyCommand ssh -W "%h:%p" jumphost # kept as written',
      '  ProxyJump ignored',
      'Host j3',
      '  ProxyJump u@a:2222,ssh://v@b:2200',
      'Host j4',
      '  ProxyJump 10.1.2.3',
      'Host j5',
      '  ProxyJump none',
      '  ProxyCommand nc %h %p',
      'Host j6',
      '  ProxyCommand none',
      '  ProxyJump later',
      'Host j7',
      '  ProxyJump none',
      '  ProxyJump later',
      'Host *',
      '  ProxyJump default-bastion',
    ].join('\n'),
    argvs: [['j1'], ['j2'], ['j3'], ['j4'], ['j5'], ['j6'], ['j7'], ['j8'], ['-J', 'a,b', 'j8'], ['-J', '[::1]:2222', 'x'], ['-o', 'ProxyCommand=ssh -W %h:%p j', 'j1']],
  },
  {
    name: 'paths: IdentityFile kept as written, known_hosts files, ControlPath and IdentityAgent expanded',
    config: [
      'Host p',
      '  IdentityFile ~/.ssh/id_p',
      '  IdentityFile %d/.ssh/id_%h',
      '  IdentityFile ~/.ssh/id_p',
      '  CertificateFile ~/.ssh/id_p-cert.pub',
      '  UserKnownHostsFile ~/.ssh/kh_%h %d/kh2 ${HOME}/kh3',
      '  GlobalKnownHostsFile /etc/ssh/other_known_hosts',
      '  ControlPath ~/.ssh/cm-%C-%r@%h:%p-%n-%L-%l-%u-%i-%k',
      '  IdentityAgent ~/agent.sock',
      '  HostKeyAlias MixedAlias',
      'Host q',
      '  UserKnownHostsFile none',
      '  GlobalKnownHostsFile none',
      '  ControlPath none',
      '  IdentityAgent none',
      'Host r',
      '  ControlMaster auto',
      '  ControlPath /tmp/cm-%h',
      '  ControlPersist 10m',
    ].join('\n'),
    argvs: [['p'], ['-l', 'someone', '-p', '2022', 'p'], ['q'], ['r'], ['-S', '/tmp/other', 'r'], ['-o', 'IdentityFile=~/x', 'p']],
  },
  {
    name: 'flags and multistate values, from the file and from option letters',
    config: [
      'Host f1',
      '  BatchMode yes',
      '  TCPKeepAlive no',
      '  StrictHostKeyChecking accept-new',
      '  RequestTTY yes',
      '  IdentitiesOnly true',
      '  ControlMaster autoask',
      '  ControlPersist yes',
      '  AddressFamily inet6',
      'Host f2',
      '  StrictHostKeyChecking off',
      '  RequestTTY force',
      '  ControlMaster ask',
      '  ControlPersist 0',
      '  KeepAlive no',
      '  SessionType none',
      'Host f3',
      '  BatchMode yes',
      '  ServerAliveInterval 20',
    ].join('\n'),
    argvs: [['f1'], ['f2'], ['f3'], ['-t', 'f1'], ['-tt', 'f2'], ['-T', 'f1'], ['-N', 'f1'], ['-M', '-M', 'f2'], ['-4', '-f', '-n', 'f1', 'true'], ['-6', 'f2'], ['-W', 'h:22', 'f3']],
  },
  {
    name: 'time values and the "none" quirk (a later value still wins)',
    config: ['Host t', '  ConnectTimeout none', '  ServerAliveInterval 1h2m', 'Host *', '  ConnectTimeout 5', '  ServerAliveCountMax 0'].join('\n'),
    argvs: [['t'], ['u']],
  },
  {
    name: 'IgnoreUnknown lets later unknown keywords pass',
    config: ['IgnoreUnknown UseKeychain,AddKeysToAgentX', 'UseKeychain yes', 'Host *', '  Port 6000'].join('\n'),
    argvs: [['any']],
  },
];

describe('own ssh_config evaluation agrees with ssh -G', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-evaluate-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(c.name, async () => {
      const sub = await mkdtemp(join(dir, 'case-'));
      for (const [name, text] of Object.entries(c.files ?? {})) {
        const path = join(sub, name);
        await execFileAsync('mkdir', ['-p', join(path, '..')]);
        await writeFile(path, `${text.replaceAll('@DIR@', sub)}\n`);
      }
      const configPath = join(sub, 'config');
      const text = `${c.config.replaceAll('@DIR@', sub)}\n`;
      assertSafeToEvaluate(text.replace(/ProxyCommand/g, 'Proxy-Command'), c.name);
      await writeFile(configPath, text);
      await chmod(configPath, 0o600);
      for (const argv of c.argvs) {
        await compare(configPath, argv, argv[0] === 'a.b.c' ? c.unevaluated : undefined);
      }
    });
  }

  it('an -i file is expanded and listed before the file’s own', async () => {
    const key = join(dir, 'key');
    await writeFile(key, 'not a key\n');
    const configPath = join(dir, 'ident.conf');
    await writeFile(configPath, 'Host *\n  IdentityFile ~/.ssh/id_file\n');
    await compare(configPath, ['-i', key, 'host']);
  });

  it('-F none reads no file at all', async () => {
    await compare('none', ['-p', '2022', 'somewhere']);
  });

  it('[F17] the config fixture corpus, for the hosts its blocks name', async () => {
    const corpus = await copyCorpus(await mkdtemp(join(dir, 'corpus-')));
    const accepted = corpus.filter((f) => f.side === 'client' && f.expected.openssh === 'accepted');
    assert.ok(accepted.length >= 10, `only ${accepted.length} accepted client fixtures`);
    let compared = 0;
    for (const fixture of accepted) {
      const model = buildModel(await readFile(fixture.path, 'utf8'), 'client');
      const hosts = new Set(['somehost', 'Build-7', 'build-7', 'gitlab', 'trusted-1', 'bastion', 'x.internal']);
      for (const block of model.blocks) {
        if (block.kind === 'host') {
          const sample = sampleHost(block.patterns);
          if (sample !== undefined) hosts.add(sample);
        }
      }
      for (const host of hosts) {
        await compare(fixture.path, [host]);
        await compare(fixture.path, ['-l', 'ci', host]);
        compared += 2;
      }
    }
    assert.ok(compared > 50, `${compared} comparisons`);
  });
});
