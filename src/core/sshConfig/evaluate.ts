/**
 * Our own evaluation of the effective ssh client configuration for one command
 * line, without running anything — what `ssh -G` would print, for the keys in
 * {@link EVALUATED_KEYS}, where `ssh -G` may not run (an untrusted workspace)
 * or has not yet.
 *
 * It follows OpenSSH's client (ssh.c `main`, readconf.c, OpenSSH 9.2, checked
 * against `ssh -G` by test/integration/evaluateVsOpenssh.test.ts):
 * - sources in order, the first value obtained winning per keyword: the
 *   command line (`-o` lines and the option letters, in argv order; the
 *   letters `-S`, `-4`/`-6`, `-t`/`-T`, `-N`, `-M`, `-f`, `-n`, `-s` overwrite,
 *   `-p`/`-l` keep the first), then the user's file, then the system file (or
 *   only the `-F` file); multi-valued keywords (`IdentityFile`,
 *   `CertificateFile`) accumulate, duplicates dropped;
 * - `Host` patterns match the destination as typed, case-sensitively; a
 *   negated pattern that matches excludes the block; commas are not separators
 *   there (`Host a,b` is one literal pattern, checked);
 * - `Match host` matches the `HostName` set so far (`%h` expanded) or the
 *   destination, case-insensitively; `originalhost` the destination as typed;
 *   `user` the user set so far, or the local user; `localuser` the local user;
 *   `all` always; pattern lists are comma-separated with `!` negations;
 * - `Match exec` (and `localnetwork`) is never run: a line that would run it is
 *   treated as not matching and reported in `unevaluated` (ssh skips an `exec`
 *   whose earlier criteria already failed, so those are not reported);
 * - `Match final` (negated or not, in 9.2) and `CanonicalizeHostname yes|always`
 *   ask for a second pass over the files, where `final`/`canonical` hold, Host
 *   patterns and `Match host` see the final (lower-cased) host name, and values
 *   already set keep winning. Canonicalization itself (DNS lookups under
 *   `CanonicalDomains`) is not done: the name goes into the second pass
 *   unchanged, as when ssh finds no domain and falls back to the local
 *   resolver (`CanonicalizeFallbackLocal yes`); this is reported in `unevaluated`.
 * - `Include` is spliced in with the existing include machinery; a block from
 *   an Include inside a Host/Match block applies only where that block does.
 *
 * Known differences from ssh, all rare: `~user/` paths of other users and port
 * service names (`Port ssh`) are left unexpanded (with a warning); IPv6
 * literals are not rewritten to their canonical text (IPv4 ones are, as ssh's
 * getnameinfo does: `127.1` → `127.0.0.1`); `-i` files are checked with the
 * caller's `fileExists` (ssh drops an `-i` file it cannot stat).
 */
import { createHash } from 'node:crypto';
import type { SshInvocation, SshOption } from '../sshArgs/parse';
import { parseUserHostPort } from '../sshArgs/parse';
import type { EffectiveOptions } from './effective';
import { expandIncludes, type IncludeFiles } from './includes';
import { clientKeyword } from './keywords';
import { buildModel, hostBlockMatches, matchPatternList, type Block, type Directive, type MatchCriterion } from './model';
import { tokenize, type Line } from './tokenizer';
import { a2port, atoiErr, convtime, jumpWord } from './valueChecks';

/** The keys the evaluation produces, spelt and formatted as `ssh -G` prints them. */
export const EVALUATED_KEYS = [
  'host',
  'user',
  'hostname',
  'port',
  'addressfamily',
  'batchmode',
  'controlmaster',
  'identitiesonly',
  'requesttty',
  'sessiontype',
  'stdinnull',
  'forkafterauthentication',
  'stricthostkeychecking',
  'tcpkeepalive',
  'connectionattempts',
  'serveralivecountmax',
  'serveraliveinterval',
  'controlpath',
  'hostkeyalias',
  'identityagent',
  'remotecommand',
  'identityfile',
  'certificatefile',
  'globalknownhostsfile',
  'userknownhostsfile',
  'connecttimeout',
  'controlpersist',
  'proxycommand',
  'proxyjump',
] as const;

/** One config file as ssh reads it. */
export interface ConfigSource {
  /** Absolute path (for relative Includes and messages). */
  readonly path: string;
  /** Its text; undefined when it does not exist or cannot be read (ssh then skips it). */
  readonly text: string | undefined;
  /**
   * A user file: `~/.ssh/config` or the `-F` file (relative Includes under
   * `~/.ssh`, identity files marked user-provided); false for `/etc/ssh/ssh_config`.
   */
  readonly userFile: boolean;
}

/** Facts about the local machine that ssh reads itself (getpwuid, gethostname, getenv). */
export interface LocalFacts {
  /** The local user name (`%u`, the default `User`, `Match localuser`). */
  readonly user: string;
  /** `%i`. */
  readonly uid: number;
  /** `~` and `%d`. */
  readonly home: string;
  /** gethostname(2): `%l`, `%L` and part of `%C`. */
  readonly hostname: string;
  /** `${VAR}` in paths. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface EvaluateInput {
  /** The ssh command line (argv without argv[0]), parsed. */
  readonly invocation: SshInvocation;
  /**
   * The files in the order ssh reads them: the `-F` file alone, or
   * `~/.ssh/config` then `/etc/ssh/ssh_config`; empty for `-F none`.
   */
  readonly configs: readonly ConfigSource[];
  /** File access for `Include`. */
  readonly files: IncludeFiles;
  readonly local: LocalFacts;
  /**
   * Debian's ssh (and Ubuntu's) defaults `ServerAliveInterval` to 300 when
   * `BatchMode yes` (debian/patches/keepalive-extensions.diff).
   */
  readonly debian?: boolean;
  /** Whether an `-i` file exists (ssh drops one it cannot stat, with a warning); default: assume it does. */
  readonly fileExists?: (path: string) => boolean;
}

export interface Evaluation {
  /** `ssh -G`'s keys and formatting, for {@link EVALUATED_KEYS} only. */
  readonly options: EffectiveOptions;
  /** What ssh would evaluate and we did not (`Match exec …`, DNS canonicalization), one line each. */
  readonly unevaluated: readonly string[];
  /** Lines ssh would refuse or we could not model (unknown keywords, bad values); ssh may not even run. */
  readonly warnings: readonly string[];
}

type Jump = { readonly user: string | undefined; readonly host: string; readonly port: number; readonly extra: string | undefined } | 'none';

/** The option values as readconf.c's `Options` holds them, undefined = unset (-1 / NULL). */
interface State {
  single: Map<string, string>;
  identityFiles: { path: string; userProvided: boolean }[];
  certificateFiles: { path: string; userProvided: boolean }[];
  userKnownHostsFiles: string[] | undefined;
  globalKnownHostsFiles: string[] | undefined;
  jump: Jump | undefined;
  controlPersist: { on: boolean; timeout: number } | undefined;
  ignoreUnknown: string | undefined;
}

/** multistate tables: accepted word (any case) → the word `ssh -G` prints (the first in readconf.c's table with that value). */
const MULTISTATE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  stricthostkeychecking: { true: 'true', yes: 'true', false: 'false', no: 'false', off: 'false', ask: 'ask', 'accept-new': 'accept-new' },
  controlmaster: { true: 'true', yes: 'true', false: 'false', no: 'false', auto: 'auto', ask: 'ask', autoask: 'autoask' },
  requesttty: { true: 'true', yes: 'true', false: 'false', no: 'false', force: 'force', auto: 'auto' },
  sessiontype: { none: 'none', subsystem: 'subsystem', default: 'default' },
  addressfamily: { inet: 'inet', inet6: 'inet6', any: 'any' },
  canonicalizehostname: { true: 'true', yes: 'true', false: 'false', no: 'false', always: 'always' },
};
const FLAGS = new Set(['batchmode', 'tcpkeepalive', 'identitiesonly', 'stdinnull', 'forkafterauthentication']);
const STRINGS = new Set(['user', 'hostname', 'hostkeyalias', 'controlpath', 'identityagent', 'tag']);
const TIMES = new Set(['connecttimeout', 'serveraliveinterval']);
const INTEGERS = new Set(['connectionattempts', 'serveralivecountmax']);
/** Keywords whose value is the raw rest of the line (readconf.c `parse_command`), quotes and `#` included. */
const COMMANDS = new Set(['proxycommand', 'remotecommand']);

const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'];

interface Pass {
  /** The name Host patterns are matched against (readconf's `host`). */
  readonly host: string;
  /** The destination as typed (`original_host`, `%n`). */
  readonly originalHost: string;
  readonly final: boolean;
}

class Evaluator {
  readonly state: State = {
    single: new Map(),
    identityFiles: [],
    certificateFiles: [],
    userKnownHostsFiles: undefined,
    globalKnownHostsFiles: undefined,
    jump: undefined,
    controlPersist: undefined,
    ignoreUnknown: undefined,
  };
  readonly unevaluated: string[] = [];
  readonly warnings: string[] = [];
  wantFinal = false;

  constructor(readonly input: EvaluateInput) {}

  // ------------------------------------------------------------ the command line

  commandLine(inv: SshInvocation): void {
    inv.options.slice(0, inv.optionsBeforeDestination).forEach((o) => this.option(o));
    const d = inv.destination;
    if (d !== undefined) {
      if (d.user !== undefined) {
        this.setFirst('user', d.user);
      }
      if (d.port !== undefined) {
        this.setFirst('port', String(d.port));
      }
    }
    inv.options.slice(inv.optionsBeforeDestination).forEach((o) => this.option(o));
  }

  /** ssh.c's getopt switch, for the options that touch the keys we evaluate. */
  private option(o: SshOption): void {
    const s = this.state.single;
    const v = o.value ?? '';
    switch (o.flag) {
      case '4':
        s.set('addressfamily', 'inet');
        break;
      case '6':
        s.set('addressfamily', 'inet6');
        break;
      case 'n':
        s.set('stdinnull', 'yes');
        break;
      case 'f':
        s.set('forkafterauthentication', 'yes');
        s.set('stdinnull', 'yes');
        break;
      case 'i': {
        const p = this.tilde(v);
        if (this.input.fileExists?.(p) === false) {
          this.warnings.push(`-i ${v}: not accessible, so ssh leaves it out`);
        } else {
          addFile(this.state.identityFiles, p, true);
        }
        break;
      }
      case 'J':
        if (this.state.jump !== undefined) {
          this.warnings.push('ssh refuses more than one -J option');
        } else if (s.has('proxycommand')) {
          this.warnings.push('ssh refuses -J together with ProxyCommand');
        } else if (!this.proxyJump(v, true)) {
          this.warnings.push(`invalid -J argument ${JSON.stringify(v)}`);
        } else {
          s.set('proxycommand', 'none');
        }
        break;
      case 't':
        s.set('requesttty', s.get('requesttty') === 'true' ? 'force' : 'true');
        break;
      case 'T':
        s.set('requesttty', 'false');
        break;
      case 'N':
        s.set('sessiontype', 'none');
        s.set('requesttty', 'false');
        break;
      case 's':
        s.set('sessiontype', 'subsystem');
        break;
      case 'W':
        s.set('requesttty', 'false');
        s.set('sessiontype', 'none');
        break;
      case 'M':
        s.set('controlmaster', s.get('controlmaster') === 'true' ? 'ask' : 'true');
        break;
      case 'S':
        s.set('controlpath', v);
        break;
      case 'p':
        if (!s.has('port')) {
          if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535) {
            s.set('port', String(Number(v)));
          } else {
            this.warnings.push(`bad port ${JSON.stringify(v)}`);
          }
        }
        break;
      case 'l':
        this.setFirst('user', v);
        break;
      case 'P':
        // OpenSSH 9.4+: -P tag (Match tagged).
        s.set('tag', v);
        break;
      case 'o': {
        const line = tokenize(v).lines[0];
        if (line?.keyword === undefined) {
          break;
        }
        const key = canonicalKey(line.keyword.value);
        if (key === 'host' || key === 'match' || key === 'include') {
          this.warnings.push(`-o ${line.keyword.value}: not allowed on the command line`);
          break;
        }
        if (clientKeyword(key) === undefined) {
          this.warnings.push(`-o ${line.keyword.value}: Bad configuration option`);
          break;
        }
        this.directive(key, line, true, true, 'command line');
        break;
      }
      default:
        break;
    }
  }

  private setFirst(key: string, value: string): void {
    if (!this.state.single.has(key)) {
      this.state.single.set(key, value);
    }
  }

  // ------------------------------------------------------------ config files

  files(pass: Pass): void {
    for (const source of this.input.configs) {
      if (source.text === undefined) {
        continue;
      }
      const blocks = expandIncludes(buildModel(source.text, 'client'), {
        files: this.input.files,
        path: source.path,
        home: this.input.local.home,
        env: this.input.local.env,
        userFile: source.userFile,
      });
      // Each block header is evaluated once, where ssh meets it; a block split
      // around an Include continues with the header's result (readconf.c restores `activep`).
      const headers = new Map<Line, boolean>();
      const headerResult = (block: Block): boolean => {
        if (block.kind === 'global') {
          return true;
        }
        let result = headers.get(block.header);
        if (result === undefined) {
          const outerActive = block.outer === undefined || active(block.outer);
          result = block.kind === 'host' ? outerActive && hostBlockMatches(block.patterns, pass.host) : this.match(block.criteria, pass, outerActive) && outerActive;
          headers.set(block.header, result);
        }
        return result;
      };
      // Every header is evaluated, also under a block that does not apply: ssh still parses it there
      // (SSHCONF_NEVERMATCH), and a "Match final" in it asks for the final pass (checked with ssh -G 9.2).
      const active = (block: Block): boolean => {
        const own = headerResult(block);
        return own && (block.outer === undefined || active(block.outer));
      };
      for (const block of blocks) {
        const on = active(block);
        for (const d of block.directives) {
          // Only a comment after a command keyword: ssh takes the comment as the command (checked with ssh -G 9.2).
          const commentCommand = d.line.error?.code === 'comment-only' && COMMANDS.has(canonicalKey(d.key));
          if (d.line.error !== undefined && !commentCommand) {
            this.warnings.push(`${source.path}: line ${d.line.line + 1}: ${d.line.error.message}`);
            continue;
          }
          this.fileDirective(d, on, source.userFile);
        }
      }
    }
  }

  private fileDirective(d: Directive, on: boolean, userFile: boolean): void {
    const key = canonicalKey(d.key);
    if (key === 'include') {
      return; // spliced in by expandIncludes
    }
    if (clientKeyword(d.key) === undefined) {
      const ignored = this.state.ignoreUnknown !== undefined && matchPatternList(d.key, this.state.ignoreUnknown, true) === 1;
      if (!ignored) {
        this.warnings.push(`line ${d.line.line + 1}: Bad configuration option: ${d.key}`);
      }
      return;
    }
    this.directive(key, d.line, on, userFile, `line ${d.line.line + 1}`);
  }

  /** readconf.c `process_config_line` for one keyword line, `active` being `*activep`. */
  private directive(key: string, line: Line, active: boolean, userProvided: boolean, where: string): void {
    const st = this.state;
    const arg = line.args[0]?.value;
    const bad = (what: string): void => {
      this.warnings.push(`${where}: ${what}`);
    };
    if (arg === undefined) {
      // The tokenizer has already reported "no argument after keyword"; only a comment is a command's value.
      if (COMMANDS.has(key)) {
        this.command(key, line, active);
      }
      return;
    }
    if (key === 'ignoreunknown') {
      // Like any string option: first value in an active block; it applies to the lines after it.
      if (active && st.ignoreUnknown === undefined) {
        st.ignoreUnknown = arg;
      }
      return;
    }
    if (STRINGS.has(key)) {
      if (active && !st.single.has(key)) {
        st.single.set(key, arg);
      }
      return;
    }
    if (FLAGS.has(key)) {
      const v = arg.toLowerCase();
      const value = v === 'yes' || v === 'true' ? 'yes' : v === 'no' || v === 'false' ? 'no' : undefined;
      if (value === undefined) {
        bad(`unsupported option "${arg}"`);
      } else if (active && !st.single.has(key)) {
        st.single.set(key, value);
      }
      return;
    }
    const table = MULTISTATE[key];
    if (table !== undefined) {
      const value = table[arg.toLowerCase()];
      if (value === undefined) {
        bad(`unsupported option "${arg}"`);
      } else if (active && !st.single.has(key)) {
        st.single.set(key, value);
      }
      return;
    }
    if (TIMES.has(key)) {
      // "none" leaves the option unset, so a later value still wins (readconf.c parse_time, checked).
      if (arg === 'none') {
        return;
      }
      const seconds = convtime(arg);
      if (seconds === undefined) {
        bad('invalid time value');
      } else if (active && !st.single.has(key)) {
        st.single.set(key, String(seconds));
      }
      return;
    }
    if (INTEGERS.has(key)) {
      // misc.c atoi_err (strtonum): a sign and leading blanks pass, "+3" is 3.
      const n = atoiErr(arg);
      if (typeof n !== 'number') {
        bad(`integer value ${JSON.stringify(arg)} ${n}`);
      } else if (active && !st.single.has(key)) {
        st.single.set(key, String(n));
      }
      return;
    }
    switch (key) {
      case 'port': {
        const port = a2port(arg);
        if (typeof port !== 'number' || port < 1) {
          bad(`port ${JSON.stringify(arg)} not evaluated (a service name, or invalid)`);
        } else if (active && !st.single.has('port')) {
          st.single.set('port', String(port));
        }
        return;
      }
      case 'identityfile':
      case 'certificatefile':
        if (active) {
          addFile(key === 'identityfile' ? st.identityFiles : st.certificateFiles, arg, userProvided);
        }
        return;
      case 'userknownhostsfile':
      case 'globalknownhostsfile': {
        const field = key === 'userknownhostsfile' ? 'userKnownHostsFiles' : 'globalKnownHostsFiles';
        if (active && st[field] === undefined) {
          st[field] = line.args.map((t) => t.value);
        }
        return;
      }
      case 'controlpersist': {
        let value: { on: boolean; timeout: number } | undefined;
        if (arg === 'no' || arg === 'false') {
          value = { on: false, timeout: 0 };
        } else if (arg === 'yes' || arg === 'true') {
          value = { on: true, timeout: 0 };
        } else {
          const t = convtime(arg);
          value = t === undefined ? undefined : { on: true, timeout: t };
        }
        if (value === undefined) {
          bad('Bad ControlPersist argument');
        } else if (active && st.controlPersist === undefined) {
          st.controlPersist = value;
        }
        return;
      }
      case 'proxyjump':
        if (!this.proxyJump(restOfLine(line), active)) {
          bad(`invalid ProxyJump ${JSON.stringify(restOfLine(line))}`);
        }
        return;
      default:
        break;
    }
    if (COMMANDS.has(key)) {
      this.command(key, line, active);
    }
    // Other known keywords do not touch the keys we evaluate.
  }

  /** ProxyCommand and RemoteCommand: the raw rest of the line. */
  private command(key: string, line: Line, active: boolean): void {
    const st = this.state;
    // OpenSSH 9.2 (checked): ProxyCommand is ignored once a real ProxyJump is set, not after `ProxyJump none`.
    const blocked = key === 'proxycommand' && st.jump !== undefined && st.jump !== 'none';
    if (active && !blocked && !st.single.has(key)) {
      st.single.set(key, restOfLine(line));
    }
  }

  /** readconf.c `parse_jump`; false when the specification is invalid. */
  private proxyJump(spec: string, active: boolean): boolean {
    const st = this.state;
    if (spec.toLowerCase() === 'none') {
      if (active && st.jump === undefined && !st.single.has('proxycommand')) {
        st.jump = 'none';
      }
      return true;
    }
    // "none" is checked on the whole value, the hops are read from its first word (ssh 9.2: "none # c" is a host named none).
    const hashAt = spec.indexOf('#');
    const cleaned = jumpWord((hashAt === -1 ? spec : spec.slice(0, hashAt)).replace(/\s+$/, ''));
    const hops = cleaned.split(',');
    let last: { user: string | undefined; host: string; port: number } | undefined;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parseHop(hops[i] as string);
      if (hop === undefined) {
        return false;
      }
      last ??= hop;
    }
    if (active && st.jump === undefined && !st.single.has('proxycommand') && last !== undefined) {
      const comma = cleaned.lastIndexOf(',');
      st.jump = { ...last, extra: comma > 0 ? cleaned.slice(0, comma) : undefined };
      st.single.set('proxycommand', 'none');
    }
    return true;
  }

  // ------------------------------------------------------------ Match

  /** readconf.c `match_cfg_line`. `reachable` false: the line sits in an Include of an inactive block (parsed, never matching). */
  private match(criteria: readonly MatchCriterion[], pass: Pass, reachable: boolean): boolean {
    const st = this.state.single;
    const hostname = st.get('hostname');
    const host = pass.final ? (hostname ?? pass.host) : hostname !== undefined ? expandHostname(hostname, pass.originalHost) : pass.originalHost;
    const ruser = st.get('user') ?? this.input.local.user;
    let result = true;
    for (const c of criteria) {
      const holds = (r: boolean): void => {
        if (r === c.negated) {
          result = false;
        }
      };
      switch (c.name) {
        case 'all':
          return result && !c.negated;
        case 'canonical':
        case 'final':
          if (c.name === 'final') {
            // OpenSSH 9.2 asks for the final pass even for `!final` (checked); later releases only without negation.
            this.wantFinal = true;
          }
          holds(pass.final);
          break;
        case 'host':
          holds(matchPatternList(host.toLowerCase(), c.arg?.value ?? '', true) === 1);
          break;
        case 'originalhost':
          holds(matchPatternList(pass.originalHost.toLowerCase(), c.arg?.value ?? '', true) === 1);
          break;
        case 'user':
          holds(matchPatternList(ruser, c.arg?.value ?? '', false) === 1);
          break;
        case 'localuser':
          holds(matchPatternList(this.input.local.user, c.arg?.value ?? '', false) === 1);
          break;
        case 'tagged':
          holds(matchPatternList(st.get('tag') ?? '', c.arg?.value ?? '', false) === 1);
          break;
        case 'exec':
        case 'localnetwork':
          // ssh skips `exec` once an earlier criterion failed; only a line that would run it is worth reporting.
          if (result && reachable) {
            this.unevaluated.push(`Match ${c.negated ? '!' : ''}${c.name} ${c.arg?.raw ?? ''} (not ${c.name === 'exec' ? 'run' : 'evaluated'}; the block is treated as not matching)`);
          }
          result = false;
          break;
        default:
          if (result && reachable) {
            this.unevaluated.push(`Match ${c.name} ${c.arg?.raw ?? ''} (not evaluated; the block is treated as not matching)`);
          }
          result = false;
          break;
      }
    }
    return result;
  }

  // ------------------------------------------------------------ helpers

  tilde(path: string): string {
    if (!path.startsWith('~')) {
      return path;
    }
    const slash = path.indexOf('/');
    const user = slash === -1 ? path.slice(1) : path.slice(1, slash);
    const rest = slash === -1 ? '' : path.slice(slash + 1);
    if (user !== '' && user !== this.input.local.user) {
      this.warnings.push(`${path}: another user's home directory is not looked up`);
      return path;
    }
    const home = this.input.local.home.replace(/\/+$/, '');
    return rest === '' ? (home === '' ? '/' : home) : `${home}/${rest}`;
  }
}

/** An `-o`/config keyword, lower-cased, with old names mapped to the current one. */
function canonicalKey(keyword: string): string {
  const lower = keyword.toLowerCase();
  const alias = clientKeyword(lower)?.aliasOf;
  return alias === undefined ? lower : alias.toLowerCase();
}

function addFile(list: { path: string; userProvided: boolean }[], path: string, userProvided: boolean): void {
  if (!list.some((f) => f.userProvided === userProvided && f.path === path)) {
    list.push({ path, userProvided });
  }
}

/** The raw text after the keyword (whitespace and `=` skipped), trailing whitespace removed: readconf.c `parse_command`. */
function restOfLine(line: Line): string {
  const keyword = line.keyword;
  if (keyword === undefined) {
    return '';
  }
  return line.text
    .slice(keyword.range.end.character)
    .replace(/^[ \t\r\n=]+/, '')
    .replace(/[ \t\r\n\f]+$/, '');
}

/** One hop, with -1 for "no port" as the jump fields of readconf.c hold it. */
function parseHop(hop: string): { user: string | undefined; host: string; port: number } | undefined {
  const parsed = parseUserHostPort(hop);
  return parsed === undefined ? undefined : { user: parsed.user, host: parsed.host, port: parsed.port ?? -1 };
}

function formatJump(jump: Exclude<Jump, 'none'>): string {
  // readconf.c dump_client_config: numeric hosts (any ':' or only digits and dots) in brackets.
  const numeric = jump.host.includes(':') || /^[0-9.]*$/.test(jump.host);
  return [
    jump.extra === undefined ? '' : `${jump.extra},`,
    jump.user === undefined ? '' : `${jump.user}@`,
    numeric ? `[${jump.host}]` : jump.host,
    jump.port <= 0 ? '' : `:${jump.port}`,
  ].join('');
}

/** `%h` (and `%%`) in HostName; other tokens are an error for ssh, kept as they are here. */
function expandHostname(hostname: string, host: string): string {
  return hostname.replace(/%([%h])/g, (_, c: string) => (c === '%' ? '%' : host));
}

/**
 * misc.c `percent_expand` / `percent_dollar_expand` in one pass: `%x` from
 * `tokens`, `%%`, and with `dollar` also `${VAR}` from the environment.
 * Undefined when ssh would refuse (unknown token, unset variable).
 */
export function percentExpand(text: string, tokens: Readonly<Record<string, string>>, env?: Readonly<Record<string, string | undefined>>): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (env !== undefined && c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      const name = close === -1 ? '' : text.slice(i + 2, close);
      if (close === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        return undefined;
      }
      const value = env[name];
      if (value === undefined) {
        return undefined;
      }
      out += value;
      i = close;
      continue;
    }
    if (c !== '%') {
      out += c;
      continue;
    }
    const k = text[i + 1];
    if (k === undefined) {
      return undefined;
    }
    if (k === '%') {
      out += '%';
    } else {
      const value = tokens[k];
      if (value === undefined) {
        return undefined;
      }
      out += value;
    }
    i++;
  }
  return out;
}

/** ssh.c `is_addr_fast`: anything with `%` or `:`, or only digits and dots, is taken for an address. */
function looksLikeAddress(host: string): boolean {
  return host.includes('%') || host.includes(':') || /^[0-9.]*$/.test(host);
}

/**
 * An IPv4 address in any inet_aton(3) form (`127.1`, `0x7f.1`, `2130706433`) in
 * dotted-quad form, as ssh's getnameinfo(NI_NUMERICHOST) prints it; undefined
 * when `text` is not one.
 */
export function canonicalIpv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) {
    return undefined;
  }
  const numbers: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) {
      n = parseInt(p.slice(2), 16);
    } else if (/^0[0-7]*$/.test(p)) {
      n = p === '0' ? 0 : parseInt(p.slice(1) || '0', 8);
    } else if (/^[1-9][0-9]*$/.test(p)) {
      n = Number(p);
    } else {
      return undefined;
    }
    numbers.push(n);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255) || last >= 2 ** (8 * (4 - numbers.length))) {
    return undefined;
  }
  let value = last;
  numbers.forEach((n, i) => {
    value += n * 2 ** (8 * (3 - i));
  });
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/**
 * The effective client options for a command line, as `ssh -G` would print
 * them for {@link EVALUATED_KEYS}, without running or resolving anything.
 */
export function evaluateSshConfig(input: EvaluateInput): Evaluation {
  const ev = new Evaluator(input);
  const inv = input.invocation;
  const st = ev.state;
  const hostArg = inv.destination?.host ?? '';

  ev.commandLine(inv);
  ev.files({ host: hostArg, originalHost: hostArg, final: false });

  // ssh.c main: HostName takes effect (%h), then the name is lower-cased unless it is an address.
  let host = hostArg;
  const hostname = st.single.get('hostname');
  if (hostname !== undefined) {
    host = expandHostname(hostname, host);
  }
  if (looksLikeAddress(host)) {
    host = canonicalIpv4(host) ?? host;
  } else {
    host = host.toLowerCase();
  }
  const canonicalize = st.single.get('canonicalizehostname');
  if (canonicalize === 'true' || canonicalize === 'always') {
    ev.unevaluated.push(`CanonicalizeHostname ${canonicalize === 'true' ? 'yes' : 'always'} (no DNS lookups here: ${host} is used as it is)`);
    ev.wantFinal = true;
  }
  if (ev.wantFinal) {
    st.single.set('hostname', host);
    ev.files({ host, originalHost: hostArg, final: true });
  }

  // readconf.c fill_default_options (and Debian's keepalive patch), ssh.c defaults.
  const user = st.single.get('user') ?? input.local.user;
  const port = st.single.get('port') ?? '22';
  const batchMode = st.single.get('batchmode') ?? 'no';
  const serverAliveInterval = st.single.get('serveraliveinterval') ?? (input.debian === true && batchMode === 'yes' ? '300' : '0');
  const hostKeyAlias = st.single.get('hostkeyalias')?.toLowerCase();
  const identityFiles = st.identityFiles.length > 0 ? st.identityFiles.map((f) => f.path) : DEFAULT_IDENTITY_FILES;

  // ssh.c: the % tokens of DEFAULT_CLIENT_PERCENT_EXPAND_ARGS (OpenSSH 9.2: no %j yet).
  const local = input.local;
  const thisHost = local.hostname;
  const tokens: Record<string, string> = {
    C: createHash('sha1').update(`${thisHost}${host}${port}${user}`).digest('hex'),
    L: thisHost.split('.')[0] as string,
    i: String(local.uid),
    k: hostKeyAlias ?? hostArg,
    l: thisHost,
    n: hostArg,
    p: port,
    d: local.home,
    h: host,
    r: user,
    u: local.user,
  };
  const expandPath = (key: string, value: string, dollar: boolean): string => {
    const expanded = percentExpand(dollar ? ev.tilde(value) : value, tokens, dollar ? local.env : undefined);
    if (expanded === undefined) {
      ev.warnings.push(`${key} ${value}: an unknown % token or unset variable (ssh refuses it)`);
      return value;
    }
    return expanded;
  };
  const clearNone = (value: string | undefined): string | undefined => (value === undefined || value.toLowerCase() === 'none' ? undefined : value);

  const out = new Map<string, string[]>();
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) {
      out.set(key, [value]);
    }
  };
  put('host', hostArg);
  put('user', user);
  put('hostname', host);
  put('port', port);
  put('addressfamily', st.single.get('addressfamily') ?? 'any');
  put('batchmode', batchMode);
  put('controlmaster', st.single.get('controlmaster') ?? 'false');
  put('identitiesonly', st.single.get('identitiesonly') ?? 'no');
  put('requesttty', st.single.get('requesttty') ?? 'auto');
  put('sessiontype', st.single.get('sessiontype') ?? 'default');
  put('stdinnull', st.single.get('stdinnull') ?? 'no');
  put('forkafterauthentication', st.single.get('forkafterauthentication') ?? 'no');
  put('stricthostkeychecking', st.single.get('stricthostkeychecking') ?? 'ask');
  put('tcpkeepalive', st.single.get('tcpkeepalive') ?? 'yes');
  put('connectionattempts', st.single.get('connectionattempts') ?? '1');
  put('serveralivecountmax', st.single.get('serveralivecountmax') ?? '3');
  put('serveraliveinterval', serverAliveInterval);
  const controlPath = clearNone(st.single.get('controlpath'));
  put('controlpath', controlPath === undefined ? undefined : expandPath('ControlPath', controlPath, true));
  put('hostkeyalias', hostKeyAlias);
  const agent = st.single.get('identityagent');
  // "none" is kept as it is: ssh distinguishes it from unset (no agent at all).
  put('identityagent', agent === undefined ? undefined : expandPath('IdentityAgent', agent, true));
  const remoteCommand = clearNone(st.single.get('remotecommand'));
  put('remotecommand', remoteCommand === undefined ? undefined : expandPath('RemoteCommand', remoteCommand, false));
  out.set('identityfile', [...identityFiles]);
  if (st.certificateFiles.length > 0) {
    out.set('certificatefile', st.certificateFiles.map((f) => f.path));
  }
  const global = st.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  put('globalknownhostsfile', global[0]?.toLowerCase() === 'none' ? 'none' : global.join(' '));
  const userFiles = st.userKnownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  put('userknownhostsfile', userFiles[0]?.toLowerCase() === 'none' ? 'none' : userFiles.map((f) => expandPath('UserKnownHostsFile', f, true)).join(' '));
  put('connecttimeout', st.single.get('connecttimeout') ?? 'none');
  const persist = st.controlPersist ?? { on: false, timeout: 0 };
  put('controlpersist', !persist.on || persist.timeout === 0 ? (persist.on ? 'yes' : 'no') : String(persist.timeout));
  // A ProxyJump is printed as one; ProxyCommand (never expanded by -G) only without it. `none` clears both.
  const jump = st.jump === 'none' ? undefined : st.jump;
  if (jump !== undefined) {
    put('proxyjump', formatJump(jump));
  } else {
    put('proxycommand', clearNone(st.single.get('proxycommand')));
  }
  return { options: out, unevaluated: ev.unevaluated, warnings: ev.warnings };
}

/**
 * The `-F` file of a command line (ssh keeps the last one given), as typed:
 * relative to the ssh process's working directory, `none` for no file at all.
 * Undefined: ssh reads `~/.ssh/config`, then `/etc/ssh/ssh_config`.
 */
export function configFileOption(invocation: SshInvocation): string | undefined {
  let configFile: string | undefined;
  for (const o of invocation.options) {
    if (o.flag === 'F' && o.value !== undefined) {
      configFile = o.value;
    }
  }
  return configFile;
}
