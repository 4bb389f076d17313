import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { parseSshArgs, parseUserHostPort } from '../../src/core/sshArgs/parse';
import { parseSshG, type EffectiveOptions } from '../../src/core/sshConfig/effective';
import { EVALUATED_KEYS, evaluateSshConfig, type LocalFacts } from '../../src/core/sshConfig/evaluate';
import type { Finding } from '../../src/core/sshConfig/findings';
import { includePattern, type IncludeContext } from '../../src/core/sshConfig/includes';
import type { Side } from '../../src/core/sshConfig/keywords';
import { lint } from '../../src/core/sshConfig/lint';
import { buildModel } from '../../src/core/sshConfig/model';
import { localOpenSshVersion, nodeIncludeFiles } from '../../src/node/configFiles';
import { runSshGArgs } from '../../src/node/sshEffective';
import { findSshd, SshdValidator } from '../../src/node/sshdValidate';
import { clientCase, NOBODY, serverCase, type GeneratedCase } from '../fixtures/configGen';
import { FUZZ_SEED } from '../fuzz/fuzz';

/*
 * Differential test of our config understanding against the installed
 * OpenSSH, on generated files (test/fixtures/configGen.ts):
 *
 * - client: for every file and two or three destinations, `ssh -G -F FILE --
 *   HOST` refuses exactly when lint reports an error (in the file or in a file
 *   it includes: either stops ssh), and when it accepts, our own evaluation
 *   (evaluate.ts) prints what ssh -G prints for every key it claims
 *   (EVALUATED_KEYS), as evaluateVsOpenssh.test.ts checks on hand-written files;
 * - server: `sshd -t` (through SshdValidator, as the editor runs it) refuses
 *   exactly when lint reports an error, and so does `sshd -T -C` for sample
 *   connections; the server values lint reasons about (clientalive-missing and
 *   tcpkeepalive-off-no-alive: ClientAliveInterval and TCPKeepAlive for a
 *   connection no conditional Match block picks) agree with `sshd -T -C` for
 *   such a connection. The core has no evaluation of server Match blocks per
 *   connection, so there is nothing else of ours to compare with sshd -T.
 *
 * Two refusals depend on the destination, not the file, and are told apart
 * with our evaluation (see connectionAttemptsElsewhere and jumpsToItself).
 *
 * Every generated file is exec-free: no `Match exec`, and the commands ssh
 * could run (ProxyCommand, LocalCommand, KnownHostsCommand) are canaries that
 * `ssh -G` only prints; the client test checks no canary ever ran.
 *
 * Every disagreement found so far is kept in CLIENT_REGRESSIONS and
 * SERVER_REGRESSIONS, which always run.
 *
 * Size: LIFELINE_DIFF_RUNS client files (default 500) and half as many server
 * files (the defaults take about 20 s on two cores); LIFELINE_FUZZ_SEED
 * replays a run (the seed is printed).
 */

const execFileAsync = (cmd: string, args: readonly string[], timeout: number): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });

function runs(): number {
  const raw = process.env['LIFELINE_DIFF_RUNS'];
  if (raw === undefined || raw === '') {
    return 500;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`LIFELINE_DIFF_RUNS must be a positive whole number, not ${JSON.stringify(raw)}`);
  }
  return n;
}

const CLIENT_RUNS = runs();
const SERVER_RUNS = Math.max(1, Math.ceil(CLIENT_RUNS / 2));

/** The last two non-empty lines of OpenSSH's complaint (the cause and "terminating"). */
const lastLines = (s: string): string =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-2)
    .join(' / ');

const show = (findings: readonly Finding[]): string => findings.map((f) => `${f.code}@${f.range.start.line + 1}`).join(', ') || 'none';

/** Throws when a client text has a Match line with an `exec` criterion, which `ssh -G` would run. */
function assertExecFree(text: string): void {
  for (const block of buildModel(text, 'client').blocks) {
    if (block.kind === 'match' && block.criteria.some((c) => c.name === 'exec')) {
      throw new Error(`refusing to give ssh -G a file with "${block.header.text.trim()}"`);
    }
  }
}

/** The text with the case's own paths in. */
const place = (text: string, dir: string): string => text.replaceAll('@DIR@', dir).replaceAll('@SELF@', join(dir, 'config'));

/** A hand-written case: the main file, files it includes (by `@DIR@/name`), destinations or connections. */
interface Regression {
  readonly name: string;
  readonly main: string;
  readonly included?: Readonly<Record<string, string>>;
  readonly hosts?: readonly string[];
  readonly connections?: readonly string[];
}

/**
 * Every disagreement this test found, shrunk, kept so that it always runs
 * (the fix is in the commit named by the same input). Client files go to
 * `ssh -G` for their hosts (default `a` and `web2`), server files to
 * `sshd -t` and `sshd -T -C`.
 */
const CLIENT_REGRESSIONS: readonly Regression[] = [
  { name: 'after a quoted keyword "=" is part of the argument', main: '"CertificateFile"=~/.ssh/id_x-cert.pub\n"IPQoS" = af21 cs1\n' },
  { name: 'a quote inside the keyword joins it (Us"er" is User)', main: 'Host a\n  Us"er" alice\n' },
  { name: 'User"x" is the keyword "Userx", without a value', main: 'User"x"\n' },
  { name: 'a quote left open in the keyword: the line is skipped', main: '"User x\nHost a\n  Port 2222\n' },
  { name: "Debian's SetupTimeOut sets ServerAliveInterval", main: 'SetupTimeOut 1W\nConnectTimeout 5\n' },
  { name: 'integers as strtonum reads them: a sign passes', main: 'ServerAliveCountMax +3\nServerAliveCountMax 2147483647\nConnectionAttempts +3\nServerAliveInterval +5\n' },
  { name: 'a bare "!" Host pattern is accepted', main: 'Host !\n  User x\nHost a !\n  Port 2200\n' },
  { name: 'an empty Match argument is refused', main: 'Match user ""\n  User x\n' },
  { name: 'an empty value is refused', main: 'Host a\n  User ""\n' },
  { name: 'ProxyJump and RemoteCommand take an empty value', main: 'Host a\n  ProxyJump ""\n  RemoteCommand ""\n' },
  { name: 'an empty target makes RemoteForward dynamic', main: 'RemoteForward 8080 ""\n' },
  { name: 'a word too many for BindAddress', main: 'BindAddress 127.0.0.1 extra\n' },
  { name: 'AddKeysToAgent confirm TIME', main: 'AddKeysToAgent confirm 5m\n' },
  { name: 'AddKeysToAgent yes TIME is refused', main: 'AddKeysToAgent yes 5m\n' },
  { name: 'GSSAPIKexAlgorithms takes only gss-… names', main: 'GSSAPIKexAlgorithms ssh-ed25519\n' },
  { name: 'GSSAPIKexAlgorithms names match by prefix', main: 'GSSAPIKexAlgorithms gss-group14-sha256-foo,gss-curve25519-sha256-\n' },
  {
    name: '"Match final" under a block that does not apply still asks for the final pass',
    main: 'Match canonical User *,alice\nInclude @DIR@/inc-1.conf\n',
    included: { 'inc-1.conf': 'match final Host web*\nPort 65535\n' },
    hosts: ['web2', 'a'],
  },
  { name: 'one criterion may precede "all"', main: 'Match host a all\n  User x\nMatch final all\n  Port 2200\n' },
  { name: 'two criteria before "all" are refused', main: 'Match canonical final all\n  User x\n' },
  { name: 'a SetEnv word needs a "=" anywhere', main: '"SetEnv"=FOO=bar\n' },
  { name: 'a SetEnv word without "=" is refused', main: 'SetEnv FOO\n' },
  { name: '"none" alone in UserKnownHostsFile', main: '"UserKnownHostsFile"= none "extra"\n' },
  { name: 'ProxyJump is read raw, quotes included', main: 'ProxyJump "u@a:2222,ssh://v@b:2200"\n' },
  { name: 'a "/" ends a ProxyJump host', main: 'Host a\n  ProxyJump a/22\n' },
  { name: 'ProxyJump hops come from the first word', main: 'Host a\n  ProxyJump\tbastion extra#x\nHost web2\n  ProxyJump a b:0\n' },
  { name: 'ProxyJump "none" must be the whole value', main: 'Host a\n  ProxyJump none # c\n  ProxyCommand nc %h %p\nHost web2\n  ProxyJump none\n  ProxyCommand nc %h %p\n' },
  { name: 'a "/" in a ProxyJump user is fine', main: 'ProxyJump u/x@bastion\n' },
  { name: 'a ProxyJump to the destination itself is refused for that destination only', main: 'Host bastion\n  ProxyJump bastion#x\n', hosts: ['bastion', 'web2'] },
  { name: 'RekeyLimit sizes and times', main: 'RekeyLimit 1G 5x\n' },
  { name: 'RekeyLimit below 16 bytes', main: 'RekeyLimit 15\n' },
  { name: 'CanonicalDomains names', main: '"CanonicalDomains"= example.com\n' },
  { name: '"#" glued to a value is part of it', main: 'EscapeChar ~#x\n' },
  { name: 'IPQoS values', main: 'IPQoS af21#x\n' },
  { name: 'only a comment after Host, SendEnv or a command is accepted; the command is the comment', main: 'Host # c\n  SendEnv # c\nHost *\n  ProxyCommand # c\n' },
  { name: 'only a comment after User is a missing value', main: 'User # c\n' },
  { name: 'ConnectionAttempts 0 is refused only where it applies', main: 'Host "prod-*"\n  ConnectionAttempts "0"\n', hosts: ['prod-db', 'web2'] },
];

const SERVER_REGRESSIONS: readonly Regression[] = [
  { name: 'Match invalid-user is newer than 9.2', main: 'Match invalid-user\n  X11Forwarding no\n' },
  { name: 'Match version is newer than 9.2', main: 'Match version OpenSSH_9*\n  X11Forwarding no\n' },
  { name: 'sshd has no negated criteria', main: 'Match !User alice\n  X11Forwarding no\n' },
  { name: 'Match LocalPort takes one port', main: 'Match LocalPort 22,2222\n  X11Forwarding no\n' },
  { name: 'Match Address with host bits set', main: 'Match Address 10.0.0.1/8\n  X11Forwarding no\n' },
  { name: 'Match Address with a mask too long', main: 'Match Address 1.2.3.4/99\n  X11Forwarding no\n' },
  { name: 'an empty Match argument', main: 'Match Host ""\n  X11Forwarding no\n' },
  { name: 'an empty value', main: 'HostKey ""\n' },
  { name: 'PermitOpen ends its list at an empty argument', main: 'PermitOpen a:1 ""\n' },
  { name: 'a word too many for ListenAddress', main: 'ListenAddress 127.0.0.1 extra\n' },
  { name: 'KerberosGetAFSToken is unsupported, its value never read', main: 'KerberosGetAFSToken maybe\n' },
  { name: 'AuthorizedKeysCommand needs its user', main: 'AuthorizedKeysCommand /nonexistent/lifeline-keys %u\n' },
  { name: 'AuthorizedKeysCommand with its user', main: 'AuthorizedKeysCommand /nonexistent/lifeline-keys %u\nAuthorizedKeysCommandUser nobody\n' },
  { name: 'AuthorizedKeysCommand must be absolute, inside Match too', main: 'Match User alice\n  AuthorizedKeysCommand relative/keys\n' },
  { name: 'Match all takes any keyword', main: 'ClientAliveInterval 60\nMatch all\n  HostKey /nonexistent/lifeline_host_key\n  TCPKeepAlive no\n' },
  { name: 'Match all gives every connection its ClientAliveInterval', main: 'Match all\n  ClientAliveInterval 30\n' },
  { name: 'Match all overrides the global ClientAliveInterval', main: 'ClientAliveInterval 30\nMatch all\n  ClientAliveInterval 0\n' },
  { name: 'KeepAlive is TCPKeepAlive', main: 'KeepAlive no\n' },
  { name: 'Match all does not override a keyword Match does not allow', main: 'TC"PKeepAlive" No\r\n  Match all \r\nTCPKEEPALIVE "yes"\r\n' },
  { name: 'a keyword Match does not allow, set first in Match all', main: 'Match all\n  TCPKeepAlive no\n' },
  { name: "PermitTunnel's words are case-sensitive", main: 'PermitTunnel YES\n' },
  {
    name: 'a file included in a Match block is part of it',
    main: 'ClientAliveInterval 60\nMatch Group root\n  Include @DIR@/inc-1.conf\n',
    included: { 'inc-1.conf': 'Port 2222\n' },
  },
  {
    name: 'a file included in a Match block is part of it, even under its own Match all',
    main: 'ClientAliveInterval 60\nMatch Group root\n  Include @DIR@/inc-1.conf\n',
    included: { 'inc-1.conf': 'Match all\nGSSAPIStrictAcceptorCheck no\n' },
  },
  { name: 'AcceptEnv names have no "="', main: 'AcceptEnv A=B\n' },
  { name: '"any" alone in PermitOpen', main: 'PermitOpen any extra\n' },
  { name: 'PermitListen port 0', main: 'PermitListen 0\n' },
  { name: 'RekeyLimit time', main: 'RekeyLimit default none#x\n' },
  { name: 'ChannelTimeout words', main: 'ChannelTimeout session=5m extra\n' },
  { name: 'PubkeyAuthOptions words', main: 'PubkeyAuthOptions none extra\n' },
  { name: 'only a comment after AllowUsers is accepted', main: 'AllowUsers # c\n' },
  { name: 'PerSourceNetBlockSize is read with sscanf', main: 'PerSourceNetBlockSize 32:128#x\n' },
];

const regressionCase = (side: Side, r: Regression): GeneratedCase => ({
  side,
  main: { name: 'config', text: r.main },
  included: Object.entries(r.included ?? {}).map(([name, text]) => ({ name, text })),
  hosts: r.hosts ?? ['a', 'web2'],
  connections: r.connections ?? ['user=root,host=client.example.com,addr=192.0.2.10,laddr=127.0.0.1,lport=22', 'user=alice,host=web1,addr=10.1.2.3,laddr=127.0.0.1,lport=2222'],
});

describe('differential: our ssh_config/sshd_config understanding vs the installed OpenSSH', function () {
  // Generous: the whole file takes well under a minute on two busy cores.
  this.timeout(600_000);
  let root: string;
  let home: string;
  let savedHome: string | undefined;
  let hostKey: string;
  let sshd: string;
  let validator: SshdValidator;
  let clientVersion: string;
  let serverVersion: string;
  let local: LocalFacts;
  let caseNumber = 0;
  const stats = { pairs: 0, refused: 0, compared: 0, servers: 0, serverRefused: 0 };

  before(async () => {
    const cv = localOpenSshVersion('client')?.release;
    const sv = localOpenSshVersion('server')?.release;
    const found = await findSshd();
    if (cv === undefined || sv === undefined || found === undefined) {
      throw new Error(`needs OpenSSH ssh and sshd (found ssh ${cv ?? 'none'}, sshd ${sv ?? 'none'}): install openssh-client and openssh-server`);
    }
    clientVersion = cv;
    serverVersion = sv;
    sshd = found;
    if (process.getuid?.() === 0) {
      // sshd -t as root insists on its privilege separation directory.
      await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    }
    root = await mkdtemp(join(tmpdir(), 'lifeline-diff-'));
    home = join(root, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    // ssh and our evaluation read ${HOME} from the environment: point it at an empty home of ours.
    savedHome = process.env['HOME'];
    process.env['HOME'] = home;
    hostKey = join(root, 'host_ed25519');
    const keygen = spawnSync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', hostKey], { encoding: 'utf8' });
    assert.equal(keygen.status, 0, `ssh-keygen failed: ${keygen.stderr}`);
    validator = new SshdValidator({ tmpRoot: root, timeoutMs: 20_000 });
    local = { user: userInfo().username, uid: userInfo().uid, home: userInfo().homedir, hostname: hostname(), env: process.env };
    console.log(`      differential: ${CLIENT_RUNS} client and ${SERVER_RUNS} server files, seed ${FUZZ_SEED} (replay with LIFELINE_FUZZ_SEED=${FUZZ_SEED}, scale with LIFELINE_DIFF_RUNS)`);
  });

  after(async () => {
    if (savedHome === undefined) {
      delete process.env['HOME'];
    } else {
      process.env['HOME'] = savedHome;
    }
    validator?.dispose();
    if (root !== undefined) {
      await rm(root, { recursive: true, force: true });
    }
  });

  /** Writes a case into its own directory; returns the directory. */
  async function write(c: GeneratedCase): Promise<string> {
    const dir = join(root, `case-${caseNumber++}`);
    await mkdir(dir, { mode: 0o700 });
    // ssh checks the permissions of included files even under -F.
    for (const f of [...c.included, c.main]) {
      await writeFile(join(dir, f.name), place(f.text, dir), { mode: 0o600 });
    }
    return dir;
  }

  /**
   * Lint's error findings for the file and for every file it includes (each
   * linted as the editor would lint it): OpenSSH refuses when any has one.
   */
  function ourErrors(side: Side, path: string, text: string, version: string): { findings: Finding[]; included: string[] } {
    const context = (p: string): IncludeContext => ({ files: nodeIncludeFiles, path: p, home: local.home, env: process.env, userFile: side === 'client' });
    const findings: Finding[] = [];
    const seen = new Set<string>([path]);
    const included: string[] = [];
    const visit = (p: string, t: string, depth: number): void => {
      findings.push(...lint(t, { side, opensshVersion: version, includes: context(p) }).filter((f) => f.severity === 'error'));
      if (depth > 16) {
        return;
      }
      for (const block of buildModel(t, side).blocks) {
        for (const d of block.directives) {
          if (d.key !== 'include' || d.line.error !== undefined) {
            continue;
          }
          for (const arg of d.args) {
            const pattern = includePattern(arg.value, side, context(p));
            for (const file of pattern === undefined ? [] : nodeIncludeFiles.glob(pattern)) {
              const inc = nodeIncludeFiles.read(file);
              if (!seen.has(file) && inc !== undefined) {
                seen.add(file);
                included.push(file);
                visit(file, inc, depth + 1);
              }
            }
          }
        }
      }
    };
    visit(path, text, 0);
    return { findings, included };
  }

  /** The disagreements between ssh -G and us on one client case (none when all agree). */
  async function clientDisagreements(c: GeneratedCase): Promise<string[]> {
    // ssh -G runs Match exec: such a file never reaches it (the generators make none; this is the guard).
    for (const f of [c.main, ...c.included]) {
      assertExecFree(f.text);
    }
    const dir = await write(c);
    const path = join(dir, 'config');
    const text = place(c.main.text, dir);
    const out: string[] = [];
    const ours = ourErrors('client', path, text, clientVersion);
    // Two cores: the destinations in parallel.
    const results = await Promise.all(c.hosts.map((host) => runSshGArgs(['-G', '-F', path, '--', host], { cwd: dir, timeoutMs: 20_000 })));
    c.hosts.forEach((host, i) => {
      const r = results[i];
      if (r === undefined || (r.kind !== 'ok' && r.kind !== 'failed')) {
        throw new Error(`ssh -G did not run: ${JSON.stringify(r)}`);
      }
      const refused = r.kind === 'failed';
      stats.pairs++;
      stats.refused += refused ? 1 : 0;
      const errors = ours.findings.filter((f) => !connectionAttemptsElsewhere(f, path, text, host));
      if (refused && errors.length === 0 && /jumphost loop via/.test(r.kind === 'failed' ? r.message : '') && jumpsToItself(path, text, host)) {
        return;
      }
      if (refused !== errors.length > 0) {
        out.push(`verdict for ${host}: ssh -G ${refused ? `refused (${lastLines(r.message)})` : 'accepted'}, lint errors: ${show(ours.findings)}`);
        return;
      }
      if (r.kind === 'ok') {
        stats.compared++;
        out.push(...compareEffective(r.stdout, path, text, host));
      }
    });
    const ran = (await readdir(dir)).filter((f) => f.startsWith('ran-'));
    if (ran.length > 0) {
      out.push(`a canary command ran: ${ran.join(', ')}`);
    }
    return out;
  }

  /**
   * ssh.c checks ConnectionAttempts after reading the files, for the value
   * that applies to the destination ("Invalid number of ConnectionAttempts"):
   * lint reports a 0 wherever it is written (it is refused for the hosts of
   * its block), so for a destination whose value is not 0 the finding is not
   * a refusal. Our evaluation says which value applies.
   */
  function connectionAttemptsElsewhere(f: Finding, path: string, text: string, host: string): boolean {
    if (f.code !== 'invalid-value' || !/^ConnectionAttempts must be at least 1/.test(f.message)) {
      return false;
    }
    const ours = evaluateSshConfig({ invocation: parseSshArgs(['-F', path, host]), configs: [{ path, text, userFile: true }], files: nodeIncludeFiles, local, debian: true });
    return ours.options.get('connectionattempts')?.[0] !== '0';
  }

  /**
   * ssh.c refuses a destination whose effective ProxyJump is the destination
   * itself (same host, port and user: "jumphost loop via …"), after reading
   * the files. It is a property of the values one destination gets, not of
   * the file (the same file is fine for every other host), and lint has no
   * rule for it; our evaluation says whether the values loop.
   */
  function jumpsToItself(path: string, text: string, host: string): boolean {
    const o = evaluateSshConfig({ invocation: parseSshArgs(['-F', path, host]), configs: [{ path, text, userFile: true }], files: nodeIncludeFiles, local, debian: true }).options;
    const jump = o.get('proxyjump')?.[0];
    const last = jump === undefined ? undefined : parseUserHostPort(jump.slice(jump.lastIndexOf(',') + 1));
    return last !== undefined && last.host === o.get('hostname')?.[0] && String(last.port ?? 22) === o.get('port')?.[0] && (last.user ?? o.get('user')?.[0]) === o.get('user')?.[0];
  }

  /** evaluateVsOpenssh.test.ts's comparison: every key we evaluate, as ssh -G prints it, and nothing left unevaluated. */
  function compareEffective(stdout: string, path: string, text: string, host: string): string[] {
    const theirs: EffectiveOptions = parseSshG(stdout);
    const argv = ['-F', path, host];
    const ours = evaluateSshConfig({
      invocation: parseSshArgs(argv),
      configs: [{ path, text, userFile: true }],
      files: nodeIncludeFiles,
      local: { ...local, env: process.env },
      debian: true,
    });
    const out: string[] = [];
    for (const key of EVALUATED_KEYS) {
      const a = ours.options.get(key);
      const b = theirs.get(key);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        out.push(`${key} for ${host}: ssh -G ${JSON.stringify(b)}, ours ${JSON.stringify(a)}`);
      }
    }
    if (ours.unevaluated.length > 0) {
      out.push(`left unevaluated for ${host}: ${ours.unevaluated.join('; ')}`);
    }
    return out;
  }

  /** `sshd -T` for the file, with or without a connection. */
  async function sshdT(path: string, connection?: string): Promise<{ code: number; values: EffectiveOptions; stderr: string }> {
    const r = await execFileAsync(sshd, ['-T', '-f', path, '-h', hostKey, ...(connection === undefined ? [] : ['-C', connection])], 20_000);
    return { code: r.code, values: parseSshG(r.stdout), stderr: r.stderr };
  }

  /** The disagreements between sshd and us on one server case. */
  async function serverDisagreements(c: GeneratedCase): Promise<string[]> {
    const dir = await write(c);
    const path = join(dir, 'config');
    const text = place(c.main.text, dir);
    const out: string[] = [];
    const ours = ourErrors('server', path, text, serverVersion);
    const [check, nobody, ...perConnection] = await Promise.all([validator.check(text), sshdT(path, NOBODY), ...c.connections.map((spec) => sshdT(path, spec))]);
    if (check === undefined || check.kind !== 'checked' || nobody === undefined) {
      throw new Error(`sshd -t did not run: ${JSON.stringify(check)}`);
    }
    const refused = check.exitCode !== 0;
    stats.servers++;
    stats.serverRefused += refused ? 1 : 0;
    if (refused !== ours.findings.length > 0) {
      out.push(`verdict: sshd -t ${refused ? `refused (${check.report.messages.map((m) => `line ${m.line ?? '?'}: ${m.text}`).join('; ')})` : 'accepted'}, lint errors: ${show(ours.findings)}`);
      return out;
    }
    c.connections.forEach((connection, i) => {
      const t = perConnection[i];
      if (t !== undefined && (t.code !== 0) !== refused) {
        out.push(`verdict for -C ${connection}: sshd -T ${t.code !== 0 ? `refused (${lastLines(t.stderr)})` : 'accepted'}, sshd -t and lint ${refused ? 'refuse' : 'accept'}`);
      }
    });
    if (refused) {
      return out;
    }
    // What lint says about ClientAliveInterval and TCPKeepAlive is about a connection no conditional Match block picks.
    const t = nobody;
    if (t.code !== 0) {
      out.push(`sshd -T -C ${NOBODY} refused what sshd -t accepted: ${lastLines(t.stderr)}`);
      return out;
    }
    const all = lint(text, { side: 'server', opensshVersion: serverVersion, includes: { files: nodeIncludeFiles, path, home: local.home, env: process.env, userFile: false } });
    const has = (code: string): boolean => all.some((f) => f.code === code);
    // lint.ts: a value set in an included file is the user's choice there, and nothing in this file is reported about it.
    const setInInclude = (keyword: string): boolean =>
      ours.included.some((file) => buildModel(nodeIncludeFiles.read(file) ?? '', 'server').blocks.some((b) => b.directives.some((d) => d.key === keyword)));
    const interval = t.values.get('clientaliveinterval')?.[0];
    const tcp = t.values.get('tcpkeepalive')?.[0];
    if (!setInInclude('clientaliveinterval') && has('clientalive-missing') !== (interval === '0')) {
      out.push(`ClientAliveInterval: sshd -T ${interval ?? 'nothing'}, lint ${has('clientalive-missing') ? 'reports' : 'does not report'} clientalive-missing`);
    }
    if (!setInInclude('clientaliveinterval') && !setInInclude('tcpkeepalive') && has('tcpkeepalive-off-no-alive') !== (interval === '0' && tcp === 'no')) {
      out.push(`TCPKeepAlive: sshd -T tcpkeepalive ${tcp ?? 'nothing'}, clientaliveinterval ${interval ?? 'nothing'}, lint ${has('tcpkeepalive-off-no-alive') ? 'reports' : 'does not report'} tcpkeepalive-off-no-alive`);
    }
    return out;
  }

  const describeCase = (c: GeneratedCase): string =>
    [`main (${JSON.stringify(c.main.text)})`, ...c.included.map((f) => `${f.name} (${JSON.stringify(f.text)})`), c.side === 'client' ? `hosts ${c.hosts.join(' ')}` : `connections ${c.connections.join(' | ')}`].join('\n');

  it(`[F15,F17] client: generated exec-free ssh_config files get ssh -G's verdict and effective values, and no canary command runs`, async () => {
    Object.assign(stats, { pairs: 0, refused: 0, compared: 0 });
    await fc.assert(
      fc.asyncProperty(clientCase(), async (c) => {
        const problems = await clientDisagreements(c);
        assert.deepEqual(problems, [], describeCase(c));
      }),
      { numRuns: CLIENT_RUNS, seed: FUZZ_SEED },
    );
    console.log(`      client: ${stats.pairs} (file, destination) pairs, ssh -G refused ${stats.refused}, effective values compared for ${stats.compared}`);
    // Not vacuous: both verdicts and the value comparison are exercised.
    assert.ok(stats.refused >= stats.pairs / 10 && stats.compared >= stats.pairs / 4, JSON.stringify(stats));
  });

  it('[F15] Match exec, ProxyCommand, LocalCommand and KnownHostsCommand canaries: lint and our evaluation run none, and ssh -G is never handed a Match exec', async () => {
    const dir = await mkdtemp(join(root, 'exec-'));
    const marker = (what: string): string => join(dir, `ran-${what}`);
    const inc = join(dir, 'inc.conf');
    await writeFile(inc, `Match exec "touch ${marker('included-exec')}"\n  User x\n`, { mode: 0o600 });
    const text = [
      `Match host a exec "touch ${marker('exec')}"`,
      '  Port 2200',
      `Match !exec "touch ${marker('negated-exec')}" all`,
      '  User y',
      'Host *',
      `  Include ${inc}`,
      `  ProxyCommand touch ${marker('proxycommand')}`,
      '  PermitLocalCommand yes',
      `  LocalCommand touch ${marker('localcommand')}`,
      `  KnownHostsCommand touch ${marker('knownhostscommand')}`,
      '',
    ].join('\n');
    const path = join(dir, 'config');
    await writeFile(path, text, { mode: 0o600 });
    for (const host of ['a', 'web2']) {
      ourErrors('client', path, text, clientVersion);
      const ours = evaluateSshConfig({ invocation: parseSshArgs(['-F', path, host]), configs: [{ path, text, userFile: true }], files: nodeIncludeFiles, local, debian: true });
      assert.ok(ours.unevaluated.some((u) => /exec .*not run/.test(u)), ours.unevaluated.join('; '));
    }
    await assert.rejects(clientDisagreements({ side: 'client', main: { name: 'config', text }, included: [], hosts: ['a'], connections: [] }), /refusing to give ssh -G a file with "Match host a exec/);
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('ran-')), [], 'a canary command ran');
  });

  it('[F17] every disagreement found so far stays fixed (client, ssh -G)', async () => {
    const problems: string[] = [];
    for (const r of CLIENT_REGRESSIONS) {
      for (const p of await clientDisagreements(regressionCase('client', r))) {
        problems.push(`${r.name}: ${p}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('[F17] every disagreement found so far stays fixed (server, sshd -t and sshd -T)', async () => {
    const problems: string[] = [];
    for (const r of SERVER_REGRESSIONS) {
      for (const p of await serverDisagreements(regressionCase('server', r))) {
        problems.push(`${r.name}: ${p}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it(`[F17] server: generated sshd_config files get sshd -t's verdict, sshd -T -C's for sample connections, and sshd -T's keepalive values`, async () => {
    Object.assign(stats, { servers: 0, serverRefused: 0 });
    await fc.assert(
      fc.asyncProperty(serverCase(), async (c) => {
        const problems = await serverDisagreements(c);
        assert.deepEqual(problems, [], describeCase(c));
      }),
      { numRuns: SERVER_RUNS, seed: FUZZ_SEED },
    );
    console.log(`      server: ${stats.servers} files, sshd -t refused ${stats.serverRefused}`);
    assert.ok(stats.serverRefused >= stats.servers / 10 && stats.serverRefused <= (stats.servers * 9) / 10, JSON.stringify(stats));
  });
});
