import type { Finding, FindingCode, Fix, Severity, SeverityOverride, TextEdit } from './findings';
import { clientKeyword, clientKeywords, compareOpenSshVersions, isAllowedInMatchIn, serverKeyword, serverKeywords, type KeywordInfo, type Side } from './keywords';
import { Evaluation, LiteralNames } from './evaluation';
import { includeProblemsIn, type IncludeContext, type IncludeFiles } from './includes';
import { indexConfig, type IndexedConfig } from './indexedConfig';
import { keywordTable, lowerIn, type KeywordTable } from './keywordTable';
import { matchPattern, sampleHost } from './model';
import type { Range } from './tokenizer';
import { ALGORITHMS_KNOWN_THROUGH } from './keywordData/algorithms';
import { a2port, algorithmProblem, atoiErr, convtime, isValidAddressList, isValidForward, isValidDomain, isValidMaxStartups, isValidPort, isValidProxyJump, permitOpenProblem, rekeyLimitProblem, specialValueProblem } from './valueChecks';
import { editDistance, formatDuration } from './values';

export interface LintOptions {
  readonly side: Side;
  /** Local OpenSSH version (`ssh -V` / `sshd -V`), e.g. "9.2"; version-aware rules assume the newest when absent. */
  readonly opensshVersion?: string;
  /** Per-rule severity or `off`. */
  readonly rules?: Readonly<Partial<Record<FindingCode, SeverityOverride>>>;
  /**
   * The file's permission bits and whether ssh checks them (the user's own
   * config and what it includes; not a file given with `-F`).
   */
  readonly permissions?: { readonly mode: number; readonly checkedBySsh: boolean };
  /** File access for following Include; without it the include rules are not checked. */
  readonly includes?: IncludeContext;
}

/** Values the quick-fixes write: tolerant of a short outage, a dead link noticed within a minute. */
export const recommended = {
  serverAliveInterval: '15',
  serverAliveCountMax: '4',
  connectTimeout: '10',
  clientAliveInterval: '60',
  clientAliveCountMax: '3',
} as const;

const defaultSeverity: Record<FindingCode, Severity> = {
  syntax: 'error',
  bom: 'error',
  'unknown-keyword': 'error',
  'invalid-value': 'error',
  'duplicate-keyword': 'warning',
  'tcpkeepalive-off-no-alive': 'warning',
  'deprecated-keyword': 'warning',
  'server-only-keyword': 'error',
  'keepalive-missing': 'warning',
  'keepalive-budget': 'info',
  'ipqos-deprecated': 'warning',
  'shadowed-setting': 'warning',
  'host-never-matches': 'warning',
  'include-missing': 'info',
  'include-cycle': 'error',
  'bad-permissions': 'error',
  'connecttimeout-missing': 'hint',
  'client-only-keyword': 'error',
  'not-allowed-in-match': 'error',
  'clientalive-missing': 'info',
  'clientalive-countmax-zero': 'warning',
};

/** Everything newer than any released OpenSSH, for "assume the newest". */
const NEWEST = '999';

const CLIENT = keywordTable('client');
const SERVER = keywordTable('server');
const idOf = (table: KeywordTable, name: string): number => table.lookup(name, 0, name.length);
const C_IGNOREUNKNOWN = idOf(CLIENT, 'ignoreunknown');
const C_IPQOS = idOf(CLIENT, 'ipqos');
const C_SERVERALIVEINTERVAL = idOf(CLIENT, 'serveraliveinterval');
const C_SERVERALIVECOUNTMAX = idOf(CLIENT, 'serveralivecountmax');
const C_TCPKEEPALIVE = idOf(CLIENT, 'tcpkeepalive');
const C_CONNECTTIMEOUT = idOf(CLIENT, 'connecttimeout');
const S_CLIENTALIVEINTERVAL = idOf(SERVER, 'clientaliveinterval');
const S_CLIENTALIVECOUNTMAX = idOf(SERVER, 'clientalivecountmax');
const S_TCPKEEPALIVE = idOf(SERVER, 'tcpkeepalive');
const S_AUTHORIZEDKEYSCOMMAND = idOf(SERVER, 'authorizedkeyscommand');
const S_AUTHORIZEDKEYSCOMMANDUSER = idOf(SERVER, 'authorizedkeyscommanduser');
const S_AUTHORIZEDPRINCIPALSCOMMAND = idOf(SERVER, 'authorizedprincipalscommand');
const S_AUTHORIZEDPRINCIPALSCOMMANDUSER = idOf(SERVER, 'authorizedprincipalscommanduser');

/** Lints one ssh_config or sshd_config text. Never throws on any input. */
export function lint(text: string, options: LintOptions): Finding[] {
  const model = indexConfig(text, options.side);
  const ctx = new Context(text, model, options);
  lexical(ctx);
  keywords(ctx);
  includes(ctx);
  if (options.side === 'client') {
    clientSemantics(ctx);
  } else {
    serverSemantics(ctx);
  }
  return ctx.findings.sort(byPosition);
}

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

class Context {
  readonly findings: Finding[] = [];
  readonly version: string;
  /** The caller's include access, with reads and globs remembered for this lint. */
  readonly includes: IncludeContext | undefined;
  /** Included files, indexed once per lint. */
  private readonly loaded = new Map<string, IndexedConfig | undefined>();
  private evaluation: Evaluation | undefined;
  /** Host blocks of this file by literal name (no negations, not `Host *`-like); shared by shadowed-setting and evaluation. */
  private names: LiteralNames | undefined;
  private readonly fixes = new Map<string, Fix>();
  private indent: string | undefined;
  /** Subsystem names defined at the top of the file so far, with their lines. */
  readonly subsystems = new Map<string, number>();

  constructor(
    readonly text: string,
    readonly model: IndexedConfig,
    readonly options: LintOptions,
  ) {
    this.version = options.opensshVersion ?? NEWEST;
    // Checking includes and splicing them in walk the same files: read each once per lint.
    this.includes = options.includes === undefined ? undefined : { ...options.includes, files: cachedFiles(options.includes.files) };
  }

  readonly load = (path: string): IndexedConfig | undefined => {
    if (!this.loaded.has(path)) {
      const text = (this.includes as IncludeContext).files.read(path);
      this.loaded.set(path, text === undefined ? undefined : indexConfig(text, this.model.side));
    }
    return this.loaded.get(path);
  };

  /** What OpenSSH evaluates: this file with its includes spliced in (the file alone without include access). */
  get evaluated(): Evaluation {
    if (this.evaluation === undefined) {
      const model = this.model;
      const includeId = model.table.includeId;
      let hasInclude = false;
      for (let d = 0; d < model.dirCount && includeId >= 0; d++) {
        if (model.dirKw[d] === includeId) {
          hasInclude = true;
          break;
        }
      }
      this.evaluation = this.includes !== undefined && hasInclude ? Evaluation.expand(model, this.includes, this.load) : Evaluation.single(model, this.hostNames);
    }
    return this.evaluation;
  }

  get hostNames(): LiteralNames {
    if (this.names === undefined) {
      const model = this.model;
      const names = new LiteralNames(model.blockCount);
      for (let b = 1; b < model.blockCount; b++) {
        if (model.isHost(b) && !model.isStarHost(b) && !model.hasNegation(b)) {
          names.add(model, b, b);
        }
      }
      this.names = names;
    }
    return this.names;
  }

  /** Whether a directive reference from the evaluation is in this file (so a finding can point at it). */
  isLocal(ref: number): boolean {
    return ref >= 0 && ref < this.model.dirCount;
  }

  report(code: FindingCode, range: Range, message: string, fixes: readonly Fix[] = [], severity: Severity = defaultSeverity[code]): void {
    const override = this.options.rules?.[code];
    if (override === 'off') {
      return;
    }
    this.findings.push({ code, severity: override ?? severity, message, range, fixes });
  }

  get eol(): string {
    return this.model.scan.eol;
  }

  /** A fix that only depends on the file, built once per lint however many findings offer it. */
  sharedFix(key: string, build: () => Fix): Fix {
    let fix = this.fixes.get(key);
    if (fix === undefined) {
      fix = build();
      this.fixes.set(key, fix);
    }
    return fix;
  }

  /** The indentation used for options inside blocks, else four spaces. */
  get indentation(): string {
    if (this.indent === undefined) {
      this.indent = '    ';
      const { model } = this;
      const { scan, text } = model;
      for (let d = model.blockTo[0] as number; d < model.dirCount; d++) {
        const line = model.dirLine[d] as number;
        const from = scan.lineStart[line] as number;
        let i = from;
        while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) {
          i++;
        }
        if (i > from) {
          this.indent = text.slice(from, i);
          break;
        }
      }
    }
    return this.indent;
  }
}

// ---------------------------------------------------------------- helpers

function cachedFiles(files: IncludeFiles): IncludeFiles {
  const globs = new Map<string, readonly string[]>();
  const reads = new Map<string, string | undefined>();
  return {
    glob(pattern) {
      let hit = globs.get(pattern);
      if (hit === undefined) {
        hit = files.glob(pattern);
        globs.set(pattern, hit);
      }
      return hit;
    },
    read(path) {
      if (!reads.has(path)) {
        reads.set(path, files.read(path));
      }
      return reads.get(path);
    },
  };
}

/**
 * The whole line including its line ending: deleting this range removes the
 * line. The last line of a file without a final newline takes the line ending
 * before it instead, so that the file still ends without one.
 */
function wholeLine(model: IndexedConfig, line: number): Range {
  const scan = model.scan;
  if (scan.lineEol[line] !== 0) {
    return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  }
  const start = line === 0 ? { line, character: 0 } : { line: line - 1, character: scan.lineLength(line - 1) };
  return { start, end: { line, character: scan.lineLength(line) } };
}

function replaceFix(title: string, range: Range, newText: string, preferred = true): Fix {
  return { kind: 'edit', title, preferred, edits: [{ range, newText }] };
}

/** The first line with a keyword (else the first line), whole: where file-wide findings point. */
function topRange(model: IndexedConfig): Range {
  const scan = model.scan;
  let line = 0;
  while (line < scan.lineCount && (scan.kwStart[line] as number) < 0) {
    line++;
  }
  if (line === scan.lineCount) {
    line = 0;
  }
  return { start: { line, character: 0 }, end: { line, character: scan.lineLength(line) } };
}

// ---------------------------------------------------------------- lexical

function lexical(ctx: Context): void {
  const { model } = ctx;
  const scan = model.scan;
  if (scan.bom) {
    const keyword = scan.keyword(0);
    const end = keyword === undefined ? 1 : (scan.kwEnd[0] as number) - (scan.lineStart[0] as number);
    ctx.report(
      'bom',
      { start: { line: 0, character: 0 }, end: { line: 0, character: Math.max(1, end) } },
      `The file starts with a UTF-8 byte order mark: OpenSSH reads it as part of the first keyword and refuses the whole file ("Bad configuration option: \\357\\273\\277${keyword?.toLowerCase() ?? ''}").`,
      [replaceFix('Remove the byte order mark', { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, '')],
    );
  }
  for (const line of scan.errorLines) {
    const error = scan.error(line);
    if (error?.code === 'comment-only' && takesNoArgument(ctx, line)) {
      continue;
    }
    if (error?.code === 'ignored-line') {
      ctx.report('syntax', error.range, `An unbalanced quote in the keyword: ${sideName(ctx)} skips this whole line without a word, so it does nothing.`, [], 'warning');
    } else if (error !== undefined) {
      const what = error.code === 'invalid-quotes' ? 'an unbalanced quote' : `no value after ${scan.keyword(line) ?? 'the keyword'}`;
      ctx.report('syntax', error.range, `${capitalize(what)}: ${sideName(ctx)} refuses the whole file (${error.message}).`);
    }
  }
  for (let b = 1; b < model.blockCount; b++) {
    const header = model.blockHeader[b] as number;
    if (model.isMatch(b) && scan.errorKind[header] === 0) {
      matchSyntax(ctx, b);
    }
    if (model.isHost(b)) {
      const first = scan.argFirst[header] as number;
      for (let a = first; a < first + (scan.argCount[header] as number); a++) {
        // readconf.c refuses only an empty argument; a bare "!" is a negated empty pattern (host-never-matches's business).
        if (model.argLength(a) === 0) {
          ctx.report('syntax', scan.argRange(header, a), `An empty Host pattern: ${sideName(ctx)} refuses the whole file.`);
        }
      }
    }
  }
}

/**
 * Keywords that accept a line with nothing but a comment after them: they
 * loop over their arguments, or (the commands) take the raw rest of the line.
 * Removed keywords are ignored whatever follows. Checked keyword by keyword
 * with ssh -G and sshd -t 9.2; the others say "Missing argument".
 */
const NO_ARGUMENT_NEEDED: Record<Side, ReadonlySet<string>> = {
  client: new Set([
    'host', 'include', 'proxycommand', 'canonicaldomains', 'canonicalizepermittedcnames', 'userknownhostsfile', 'globalknownhostsfile',
    'knownhostscommand', 'remotecommand', 'sendenv', 'setenv', 'localcommand', 'logverbose',
  ]),
  server: new Set([
    'channeltimeout', 'versionaddendum', 'logverbose', 'pubkeyauthoptions', 'authorizedkeysfile', 'kerberosgetafstoken',
    'allowusers', 'denyusers', 'allowgroups', 'denygroups', 'forcecommand', 'acceptenv', 'setenv',
  ]),
};

function takesNoArgument(ctx: Context, line: number): boolean {
  const { model } = ctx;
  const name = model.scan.keyword(line);
  if (name === undefined) {
    return false;
  }
  const id = idOf(model.table, name.toLowerCase());
  const info = id >= 0 ? model.table.infos[id] : undefined;
  const removed = info?.removed;
  return info !== undefined && (NO_ARGUMENT_NEEDED[model.side].has(info.name.toLowerCase()) || (removed !== undefined && (removed.since === undefined || compareOpenSshVersions(ctx.version, removed.since) >= 0)));
}

const knownCriteria: Record<Side, ReadonlySet<string>> = {
  client: new Set(['all', 'canonical', 'final', 'exec', 'localnetwork', 'host', 'originalhost', 'tagged', 'command', 'user', 'localuser', 'version', 'sessiontype']),
  server: new Set(['all', 'user', 'group', 'host', 'localaddress', 'localport', 'address', 'rdomain', 'invalid-user', 'version']),
};

/** Match criteria added after OpenSSH 7.0 (release notes; sshd 9.2 refuses invalid-user and version, checked). */
const criterionSince: Record<Side, Readonly<Record<string, string>>> = {
  client: { final: '8.0', localnetwork: '9.4', tagged: '9.4', version: '10.0', sessiontype: '10.0', command: '10.0' },
  server: { 'invalid-user': '10.0', version: '10.0' },
};

function matchSyntax(ctx: Context, b: number): void {
  const { model } = ctx;
  const side = model.side;
  const header = model.blockHeader[b] as number;
  const criteria = model.criteria(b);
  for (const c of criteria) {
    const since = criterionSince[side][c.name];
    const range = model.scan.argRange(header, c.token);
    if (since !== undefined && ctx.options.opensshVersion !== undefined && compareOpenSshVersions(ctx.options.opensshVersion, since) < 0) {
      ctx.report('syntax', range, `Match ${c.name} needs OpenSSH ${since} or later; this OpenSSH (${ctx.options.opensshVersion}) refuses the whole file.`);
      continue;
    }
    if (side === 'server' && c.negated) {
      // servconf.c match_cfg_line has no "!" before a criterion ("Unsupported Match attribute !User"); only ssh_config has.
      ctx.report('syntax', range, `sshd has no negated Match criteria ("${model.scan.argValue(c.token)}"): it refuses to start. Negate the patterns instead, e.g. "Match User *,!alice".`);
      continue;
    }
    if (!knownCriteria[side].has(c.name)) {
      ctx.report('syntax', range, `Unknown Match criterion "${model.scan.argValue(c.token)}": ${sideName(ctx)} refuses the whole file. Known: ${[...knownCriteria[side]].join(', ')}.`);
    } else if (c.arg === -1 && !['all', 'canonical', 'final', 'invalid-user'].includes(c.name)) {
      ctx.report('syntax', range, `Match ${c.name} needs an argument: ${sideName(ctx)} refuses the whole file.`);
    } else if (c.arg !== -1 && model.argLength(c.arg) === 0) {
      ctx.report('syntax', model.scan.argRange(header, c.arg), `Match ${c.name} with an empty argument: ${sideName(ctx)} refuses the whole file ("Missing Match criteria for ${c.name}").`);
    } else if (side === 'server' && c.arg !== -1) {
      const value = model.scan.argValue(c.arg);
      // servconf.c match_cfg_line checks these even for a connection it is not evaluating (sshd -t).
      if (c.name === 'localport' && a2port(value) === -1) {
        ctx.report('syntax', model.scan.argRange(header, c.arg), `Match LocalPort takes one port number, not "${value}": sshd refuses to start ("Invalid LocalPort").`);
      } else if ((c.name === 'address' || c.name === 'localaddress') && !isValidAddressList(value)) {
        ctx.report(
          'syntax',
          model.scan.argRange(header, c.arg),
          `"${value}" is not a valid address list (an empty entry, or a mask length the address does not allow or that leaves host bits set, like 10.0.0.1/8): sshd refuses to start ("Invalid Match address argument").`,
        );
      }
    }
  }
  // sshd: "all" alone. ssh 9.2 counts the criteria before "all" only after that check, so one may
  // precede it ("Match host a all", "Match final all") but nothing may follow (checked with ssh -G).
  const all = criteria.findIndex((c) => c.name === 'all');
  if (all !== -1 && (side === 'server' ? criteria.length > 1 : all > 1 || all < criteria.length - 1)) {
    const c = criteria[all];
    ctx.report('syntax', c === undefined ? model.headerRange(header) : model.scan.argRange(header, c.token), `"Match all" cannot be combined with other criteria: ${sideName(ctx)} refuses the whole file.`);
  }
}

// ---------------------------------------------------------------- keywords

/** Per lint, per keyword id, a version check's answer: 0 not yet known, 1 yes, 2 no. */
type Memo = Uint8Array;

function remember(memo: Memo, id: number, answer: boolean): boolean {
  memo[id] = answer ? 1 : 2;
  return answer;
}

function keywords(ctx: Context): void {
  const { model } = ctx;
  const side = model.side;
  const table = model.table;
  const version = ctx.options.opensshVersion;
  const ignoreUnknown: string[] = [];
  const tooNew: Memo = new Uint8Array(table.infos.length);
  const notInMatch: Memo = new Uint8Array(table.infos.length);
  for (let b = 0; b < model.blockCount; b++) {
    // sshd checks "not allowed within a Match block" only for a block that does not apply while it reads the
    // file; `Match all` always applies, so its lines are taken as global ones (checked with sshd -t 9.2).
    const inMatch = model.isMatch(b) && !isMatchAll(model, b);
    const to = model.blockTo[b] as number;
    for (let d = model.blockFrom[b] as number; d < to; d++) {
      if (model.hasError(d)) {
        continue;
      }
      const id = model.dirKw[d] as number;
      if (side === 'client' && id === C_IGNOREUNKNOWN) {
        const first = model.argFirst(d);
        for (let a = first; a < first + model.argCount(d); a++) {
          ignoreUnknown.push(...model.scan.argValue(a).split(','));
        }
      }
      if (id < 0) {
        unknownKeyword(ctx, d, ignoreUnknown);
        continue;
      }
      const info = table.infos[id] as KeywordInfo;
      if (version !== undefined && info.since !== undefined && (tooNew[id] === 0 ? remember(tooNew, id, compareOpenSshVersions(version, info.since) < 0) : tooNew[id] === 1)) {
        if (!(side === 'client' && ignoreUnknown.some((p) => matchPattern(model.key(d), p.toLowerCase())))) {
          ctx.report(
            'unknown-keyword',
            model.keywordRange(d),
            `${info.name} needs OpenSSH ${info.since} or later; this OpenSSH (${version}) does not know it and ${sideName(ctx)} refuses the whole file ("Bad configuration option").` +
              (side === 'client' ? ` To share this file with older ssh, put "IgnoreUnknown ${info.name}" above it.` : ''),
          );
        }
        continue;
      }
      if (info.removed !== undefined || info.deprecated !== undefined) {
        legacyKeyword(ctx, d, info);
      }
      value(ctx, d, info);
      if (side === 'server' && inMatch && (notInMatch[id] === 0 ? remember(notInMatch, id, !isAllowedInMatchIn(info, ctx.version)) : notInMatch[id] === 1)) {
        ctx.report('not-allowed-in-match', model.keywordRange(d), `${info.name} is not allowed inside a Match block: sshd refuses to start. Move it above the first Match block.`);
      }
    }
  }
  duplicates(ctx);
}

/** `ClientAliveMaxCount` on the client means ServerAliveCountMax; on the server, ClientAliveCountMax. */
function sideAwareSpelling(key: string, side: Side): string {
  const swapped = key.replace(/^(client|server)alive/, side === 'client' ? 'serveralive' : 'clientalive');
  return swapped.replace(/maxcount$/, 'countmax');
}

function suggestion(key: string, side: Side): KeywordInfo | undefined {
  const lookup = side === 'client' ? clientKeyword : serverKeyword;
  const exact = lookup(sideAwareSpelling(key, side));
  if (exact !== undefined && exact.removed === undefined) {
    return exact;
  }
  const limit = Math.max(2, Math.floor(key.length / 5));
  let best: KeywordInfo | undefined;
  let bestDistance = Infinity;
  for (const info of side === 'client' ? clientKeywords : serverKeywords) {
    // The distance is at least the difference in length: a candidate beyond the limit cannot be the answer, and
    // skipping it keeps a junk keyword (a pasted key, a minified line) from costing its length times every keyword.
    if (info.removed !== undefined || info.aliasOf !== undefined || info.vendor !== undefined || Math.abs(key.length - info.name.length) > limit) {
      continue;
    }
    const d = editDistance(key, info.name.toLowerCase());
    if (d < bestDistance) {
      best = info;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function unknownKeyword(ctx: Context, d: number, ignoreUnknown: readonly string[]): void {
  const { model } = ctx;
  const side = model.side;
  const key = model.key(d);
  const range = model.keywordRange(d);
  const other = side === 'client' ? serverKeyword(key) : clientKeyword(key);
  if (other !== undefined && other.removed === undefined) {
    const counterpart = (side === 'client' ? clientKeyword : serverKeyword)(sideAwareSpelling(key, side));
    const fixes = counterpart === undefined ? [] : [replaceFix(`Change to ${counterpart.name}`, range, counterpart.name)];
    if (side === 'client') {
      ctx.report(
        'server-only-keyword',
        range,
        `${other.name} is an sshd_config (server) keyword: in ssh_config it is "Bad configuration option" and ssh refuses to run at all.` +
          (counterpart === undefined ? '' : ` The client's equivalent is ${counterpart.name}.`),
        fixes,
      );
    } else {
      ctx.report(
        'client-only-keyword',
        range,
        `${other.name} is an ssh_config (client) keyword: sshd refuses to start with it.` + (counterpart === undefined ? '' : ` The server's equivalent is ${counterpart.name}.`),
        fixes,
      );
    }
    return;
  }
  if (side === 'client' && ignoreUnknown.some((p) => matchPattern(key, p.toLowerCase()))) {
    return;
  }
  const guess = suggestion(key, side);
  ctx.report(
    'unknown-keyword',
    range,
    `Unknown keyword "${model.scan.keyword(model.dirLine[d] as number) ?? ''}": ${sideName(ctx)} refuses the whole file ("Bad configuration option").` + (guess === undefined ? '' : ` Did you mean ${guess.name}?`),
    guess === undefined ? [] : [replaceFix(`Change to ${guess.name}`, range, guess.name)],
  );
}

function legacyKeyword(ctx: Context, d: number, info: KeywordInfo): void {
  const { model } = ctx;
  const replacement = info.removed?.replacement ?? info.deprecated?.replacement ?? info.aliasOf;
  const replacementInfo = replacement === undefined ? undefined : (model.side === 'client' ? clientKeyword : serverKeyword)(replacement);
  const range = model.keywordRange(d);
  if (info.removed !== undefined && (info.removed.since === undefined || compareOpenSshVersions(ctx.version, info.removed.since) >= 0)) {
    ctx.report(
      'deprecated-keyword',
      range,
      `${info.name} no longer does anything${info.removed.since === undefined ? '' : ` (since OpenSSH ${info.removed.since})`}: ${info.removed.note}`,
      replacementInfo === undefined
        ? [{ kind: 'edit', title: `Remove the ${info.name} line`, preferred: false, edits: [{ range: wholeLine(model, model.dirLine[d] as number), newText: '' }] }]
        : [replaceFix(`Change to ${replacementInfo.name}`, range, replacementInfo.name)],
    );
  } else if (info.deprecated !== undefined && replacementInfo !== undefined) {
    ctx.report('deprecated-keyword', range, `${info.name} is an old name: ${info.deprecated.note}`, [replaceFix(`Change to ${replacementInfo.name}`, range, replacementInfo.name)]);
  }
}

const singleArgumentTypes = new Set(['yes-no', 'integer', 'time', 'host', 'port', 'enum', 'string', 'path', 'algorithms']);
/**
 * Keywords of other types that take at most this many arguments, more being
 * "extra arguments at end of line" (each checked with ssh -G and sshd -t 9.2).
 * sshd's ListenAddress takes `address [rdomain NAME]` (see value()).
 */
const argumentLimits: Record<Side, Readonly<Record<string, number>>> = {
  client: {
    bindaddress: 1,
    // "confirm TIME": specialValueProblem.
    addkeystoagent: 2,
    kbdinteractivedevices: 1,
    preferredauthentications: 1,
    revokedhostkeys: 1,
    forwardagent: 1,
    streamlocalbindmask: 1,
    tunneldevice: 1,
    escapechar: 1,
    ignoreunknown: 1,
    rekeylimit: 2,
    ipqos: 2,
  },
  server: { maxstartups: 1, persourcemaxstartups: 1, persourcenetblocksize: 1, revokedkeys: 1, streamlocalbindmask: 1, permituserenvironment: 1, rekeylimit: 2, ipqos: 2 },
};
/** Keywords whose value is the rest of the line although their type is a word. */
const restOfLine = new Set(['versionaddendum']);

/** Where an argument's value is: the source span, or the unquoted string. */
interface ValueSpan {
  text: string;
  from: number;
  to: number;
}

/** One reusable span: the value checks run for most directives, so they allocate nothing. */
const span: ValueSpan = { text: '', from: 0, to: 0 };

function valueSpan(model: IndexedConfig, a: number): ValueSpan {
  const scan = model.scan;
  const v = scan.argValueIndex[a] as number;
  if (v < 0) {
    span.text = model.text;
    span.from = scan.argStart[a] as number;
    span.to = scan.argEnd[a] as number;
  } else {
    const s = scan.values[v] as string;
    span.text = s;
    span.from = 0;
    span.to = s.length;
  }
  return span;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The value as a number when it is nothing but up to 9 digits (the common case, checked without a string); else -1. */
function plainNumber(s: ValueSpan): number {
  const len = s.to - s.from;
  if (len === 0 || len > 9) {
    return -1;
  }
  let n = 0;
  for (let i = s.from; i < s.to; i++) {
    const c = s.text.charCodeAt(i);
    if (!isDigit(c)) {
      return -1;
    }
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Keywords whose value valueChecks.ts `specialValueProblem` knows. */
const SPECIAL_VALUES = new Set(['addkeystoagent', 'escapechar', 'streamlocalbindmask', 'tunneldevice', 'ipqos', 'persourcemaxstartups', 'persourcenetblocksize', 'pubkeyauthoptions', 'channeltimeout']);

/** readconf.c `parse_time` also takes `none` (compared with strcmp). */
const PARSE_TIME_WORDS: readonly string[] = ['none'];
/** readconf.c `oControlPersist` takes these words (strcmp), or a time. */
const CONTROL_PERSIST_WORDS: readonly string[] = ['yes', 'no', 'true', 'false'];

/** What is wrong with a directive's value, and how sure: OpenSSH refuses it (error) or takes it but cannot use it (warning). */
interface ValueFinding {
  readonly code: 'invalid-value' | 'syntax';
  readonly range: Range;
  readonly message: string;
  readonly severity?: Severity;
}

/**
 * Keywords that take an empty argument (`""`): the rest-of-line commands (but
 * sshd wants AuthorizedKeysCommand and AuthorizedPrincipalsCommand absolute),
 * ProxyJump, sshd's VersionAddendum, and the forwards, whose own check knows
 * where an empty one is refused. Every other keyword refuses one,
 * whatever its type ("Missing argument", "keyword … empty argument",
 * "Invalid environment name", …; each checked with ssh -G and sshd -t 9.2).
 * sshd's PermitOpen and PermitListen end their list at an empty argument, so
 * only an empty first one is refused there.
 */
function takesEmptyArgument(info: KeywordInfo, name: string, side: Side): boolean {
  if (side === 'client') {
    // Forwards have their own check: an empty target makes RemoteForward a dynamic forward, as if it were absent.
    return info.type === 'command' || info.type === 'forward' || name === 'proxyjump';
  }
  return name === 'versionaddendum' || (info.type === 'command' && name !== 'authorizedkeyscommand' && name !== 'authorizedprincipalscommand');
}

function value(ctx: Context, d: number, info: KeywordInfo): void {
  const { model } = ctx;
  const count = model.argCount(d);
  if (count === 0) {
    return;
  }
  // OpenSSH ignores the whole line of a keyword it has removed, value included (deprecated-keyword says so).
  if (info.removed !== undefined && (info.removed.since === undefined || compareOpenSshVersions(ctx.version, info.removed.since) >= 0)) {
    return;
  }
  // No portable build has AFS support (USE_AFS): sshd reads KerberosGetAFSToken as "Unsupported option" and never looks at its value.
  if (info.requires === 'afs') {
    return;
  }
  const first = model.argFirst(d);
  const name = model.table.lower[model.dirKw[d] as number] as string;
  if (!takesEmptyArgument(info, name, model.side)) {
    const checked = model.side === 'server' && (name === 'permitopen' || name === 'permitlisten') ? 1 : count;
    for (let a = first; a < first + checked; a++) {
      if (model.argLength(a) === 0) {
        ctx.report('syntax', model.scan.argRange(model.dirLine[d] as number, a), `${info.name} with an empty value (""): ${sideName(ctx)} refuses the whole file.`);
        return;
      }
    }
  }
  const listenRdomain = name === 'listenaddress' && count === 3 && model.scan.argValue(first + 1) === 'rdomain';
  const max = restOfLine.has(name) || listenRdomain ? count : singleArgumentTypes.has(info.type) || name === 'listenaddress' ? 1 : (argumentLimits[model.side][name] ?? count);
  if (count > max) {
    let hash: string | undefined;
    for (let a = first; a < first + count && hash === undefined; a++) {
      const raw = model.scan.argRaw(a);
      if (raw.includes('#') && !raw.startsWith('#')) {
        hash = raw;
      }
    }
    ctx.report(
      'syntax',
      model.argsRange(d, max),
      `${info.name} takes ${max === 1 ? 'one value' : 'at most two values'}${name === 'listenaddress' ? ' (and "rdomain NAME")' : ''}; ${sideName(ctx)} refuses the whole file ("garbage at end of line").` +
        (hash === undefined ? '' : ` Note: "#" starts a comment only after whitespace, so "${hash}" is part of the value.`),
    );
    return;
  }
  const problem = valueProblem(ctx, d, info, name, first, count);
  if (problem !== undefined) {
    ctx.report(problem.code, problem.range, problem.message, [], problem.severity);
  }
}

/** An invalid-value error on argument `first` of the directive: `why`, and that OpenSSH refuses the file. */
function refused(ctx: Context, d: number, first: number, why: string): ValueFinding {
  return { code: 'invalid-value', range: ctx.model.scan.argRange(ctx.model.dirLine[d] as number, first), message: `${why}: ${sideName(ctx)} refuses the whole file.` };
}

function valueProblem(ctx: Context, d: number, info: KeywordInfo, name: string, first: number, count: number): ValueFinding | undefined {
  const { model } = ctx;
  const scan = model.scan;
  switch (info.type) {
    case 'yes-no':
    case 'enum': {
      const s = valueSpan(model, first);
      // servconf.c compares PermitTunnel's words with strcmp (checked with sshd -t 9.2); every other list ignores case.
      const exact = model.side === 'server' && name === 'permittunnel';
      return info.values === undefined || (exact ? info.values.includes(scan.argValue(first)) : lowerIn(s.text, s.from, s.to, info.values))
        ? undefined
        : refused(ctx, d, first, `"${scan.argValue(first)}" is not a valid ${info.name} value (expected ${info.values.join(', ')})`);
    }
    case 'integer': {
      const n = plainNumber(valueSpan(model, first));
      const checked = n >= 0 ? n : atoiErr(scan.argValue(first));
      if (typeof checked === 'string') {
        const v = scan.argValue(first);
        return refused(ctx, d, first, checked === 'invalid' ? `${info.name} takes a whole number, not "${v}"` : `${info.name} takes a whole number from 0 to 2147483647, not "${v}" ("integer value ${checked}")`);
      }
      if (checked < 1 && name === 'connectionattempts') {
        // ssh.c checks this after reading the files: no line number, but ssh (and ssh -G) still refuse to run.
        return {
          code: 'invalid-value',
          range: scan.argRange(model.dirLine[d] as number, first),
          message: `ConnectionAttempts must be at least 1, not "${scan.argValue(first)}": ssh refuses to run ("Invalid number of ConnectionAttempts").`,
        };
      }
      return undefined;
    }
    case 'time':
      return plainNumber(valueSpan(model, first)) >= 0 ? undefined : timeProblem(ctx, d, info, name, first);
    case 'port': {
      const n = plainNumber(valueSpan(model, first));
      if (n >= 0 ? n >= 1 && n <= 65535 : isValidPort(scan.argValue(first))) {
        return undefined;
      }
      return refused(ctx, d, first, `"${scan.argValue(first)}" is not a port number (1–65535) or service name`);
    }
    case 'algorithms':
      return algorithmsProblem(ctx, d, info, name, first);
    case 'forward':
      return forwardProblem(ctx, d, info, name, first, count);
    case 'env':
    case 'pattern-list':
    case 'word-list':
    case 'path-list':
      return listProblem(ctx, d, info, name, first, count);
    case 'command':
      // servconf.c: the raw rest of the line (quotes and a comment included) must be an absolute path or "none", inside Match too.
      if (model.side === 'server' && (name === 'authorizedkeyscommand' || name === 'authorizedprincipalscommand')) {
        const raw = restOfLineRaw(model, d);
        if (!raw.startsWith('/') && raw.toLowerCase() !== 'none') {
          return { code: 'invalid-value', range: model.argsRange(d), message: `${info.name} must be an absolute path or "none" (the rest of the line as written, quotes and comments included): sshd refuses to start.` };
        }
      }
      return undefined;
    case 'special':
      if (SPECIAL_VALUES.has(name)) {
        const args: string[] = [];
        for (let a = first; a < first + count; a++) {
          args.push(scan.argValue(a));
        }
        const problem = specialValueProblem(name, args);
        return problem === undefined ? undefined : { code: 'invalid-value', range: model.argsRange(d), message: `${info.name}: ${problem}; ${sideName(ctx)} refuses the whole file.` };
      }
      if (name === 'proxyjump' && model.side === 'client') {
        const raw = model.text.slice(scan.kwEnd[model.dirLine[d] as number] as number, scan.lineEnd[model.dirLine[d] as number] as number);
        if (!isValidProxyJump(raw)) {
          return {
            code: 'invalid-value',
            range: model.argsRange(d),
            message: `"${model.argsRaw(model.dirLine[d] as number)}" is not a ProxyJump list ([user@]host[:port] or ssh:// URIs, comma-separated, read as written up to the first blank, quotes included) or "none": ssh refuses the whole file.`,
          };
        }
      }
      if (name === 'rekeylimit') {
        const problem = rekeyLimitProblem(count > 1 ? [scan.argValue(first), scan.argValue(first + 1)] : [scan.argValue(first)]);
        return problem === undefined ? undefined : { code: 'invalid-value', range: model.argsRange(d), message: `RekeyLimit: ${problem}; ${sideName(ctx)} refuses the whole file.` };
      }
      if (model.side === 'server' && name === 'maxstartups' && !isValidMaxStartups(scan.argValue(first))) {
        return refused(ctx, d, first, `"${scan.argValue(first)}" is not a MaxStartups value (start:rate:full with start ≤ full and rate 1–100, or one number; all above 0)`);
      }
      if (model.side === 'server' && name === 'subsystem') {
        return subsystemProblem(ctx, d, first, count);
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Lists where "none" (any case) must stand alone ("\"none\" argument must appear alone"; checked with ssh -G and sshd -t 9.2). */
const NONE_ALONE: Record<Side, ReadonlySet<string>> = {
  client: new Set(['userknownhostsfile', 'globalknownhostsfile', 'logverbose', 'canonicaldomains']),
  server: new Set(['logverbose']),
};

/**
 * SetEnv wants words with a "=" ("Invalid SetEnv"/"Invalid environment"),
 * SendEnv and AcceptEnv names without "=" ("Invalid environment name");
 * PermitOpen, PermitListen and PermitRemoteOpen see permitOpenProblem.
 */
function listProblem(ctx: Context, d: number, info: KeywordInfo, name: string, first: number, count: number): ValueFinding | undefined {
  const { model } = ctx;
  const scan = model.scan;
  const args: string[] = [];
  for (let a = first; a < first + count; a++) {
    args.push(scan.argValue(a));
  }
  if (name === 'setenv') {
    const bad = args.findIndex((v) => !v.includes('='));
    return bad === -1 ? undefined : refused(ctx, d, first + bad, `SetEnv takes NAME=VALUE words, not "${args[bad] ?? ''}"`);
  }
  if (name === 'sendenv' || name === 'acceptenv') {
    const bad = args.findIndex((v) => v.includes('='));
    return bad === -1 ? undefined : refused(ctx, d, first + bad, `${info.name} takes variable names (patterns), not "${args[bad] ?? ''}"`);
  }
  if (count > 1 && NONE_ALONE[model.side].has(name)) {
    const none = args.findIndex((v) => v.toLowerCase() === 'none');
    if (none !== -1) {
      return refused(ctx, d, first + none, `"none" must be ${info.name}'s only value`);
    }
  }
  if (name === 'canonicaldomains') {
    const bad = args.findIndex((v) => !isValidDomain(v));
    return bad === -1 ? undefined : refused(ctx, d, first + bad, `"${args[bad] ?? ''}" is not a domain name`);
  }
  if (name === 'permitopen' || name === 'permitlisten' || name === 'permitremoteopen') {
    const problem = permitOpenProblem(args, name);
    return problem === undefined ? undefined : { code: 'invalid-value', range: model.argsRange(d), message: `${info.name}: ${problem}; ${sideName(ctx)} refuses the whole file.` };
  }
  return undefined;
}

/** A time that is not a plain number: convtime, and the words each keyword takes besides. */
function timeProblem(ctx: Context, d: number, info: KeywordInfo, name: string, first: number): ValueFinding | undefined {
  const { model } = ctx;
  const text = model.scan.argValue(first);
  let words: readonly string[];
  if (model.side === 'client') {
    // readconf.c compares these with strcmp: lower case only.
    words = name === 'controlpersist' ? CONTROL_PERSIST_WORDS : PARSE_TIME_WORDS;
    if (words.includes(text)) {
      return undefined;
    }
  } else {
    words = info.values ?? [];
    if (words.includes(text.toLowerCase())) {
      return undefined;
    }
  }
  if (convtime(text) !== undefined) {
    return undefined;
  }
  return refused(ctx, d, first, `${info.name} takes a time such as 30, 90s, 10m or 1h30m (at most 2147483647 seconds)${words.length === 0 ? '' : ` or ${words.join(', ')}`}, not "${text}"`);
}

function algorithmsProblem(ctx: Context, d: number, info: KeywordInfo, name: string, first: number): ValueFinding | undefined {
  const { model } = ctx;
  const problem = algorithmProblem(name, model.scan.argValue(first), ctx.version);
  if (problem === undefined) {
    return undefined;
  }
  const range = model.scan.argRange(model.dirLine[d] as number, first);
  if (problem.stage === 'parse') {
    const beyond = ctx.options.opensshVersion === undefined || compareOpenSshVersions(ctx.options.opensshVersion, ALGORITHMS_KNOWN_THROUGH) > 0;
    return beyond
      ? { code: 'invalid-value', range, severity: 'warning', message: `${problem.message}: OpenSSH up to ${ALGORITHMS_KNOWN_THROUGH} refuses the whole file; a later one may know the name.` }
      : refused(ctx, d, first, problem.message);
  }
  // kex_assemble_names fails: sshd refuses to start; ssh -G refuses HostKeyAlgorithms, and for the other lists ssh says "invalid argument" and goes on.
  if (model.side === 'server' || name === 'hostkeyalgorithms') {
    return { code: 'invalid-value', range, message: `${problem.message}: ${sideName(ctx)} refuses to ${model.side === 'server' ? 'start' : 'run'} ("invalid argument").` };
  }
  return { code: 'invalid-value', range, severity: 'warning', message: `${problem.message}: ssh takes the line but reports "invalid argument" when it builds the list, so ${info.name} does not do what it says.` };
}

/** readconf.c `oLocalForward`/`oRemoteForward`/`oDynamicForward`, then `parse_forward`. */
function forwardProblem(ctx: Context, d: number, info: KeywordInfo, name: string, first: number, count: number): ValueFinding | undefined {
  const { model } = ctx;
  const scan = model.scan;
  const line = model.dirLine[d] as number;
  const dynamicKeyword = name === 'dynamicforward';
  const max = dynamicKeyword ? 1 : 2;
  if (count > max) {
    return { code: 'syntax', range: model.argsRange(d, max), message: `${info.name} takes ${max === 1 ? 'one value' : 'two values'}; ssh refuses the whole file ("extra arguments at end of line").` };
  }
  const target = dynamicKeyword ? '' : count > 1 ? scan.argValue(first + 1) : '';
  const remote = name === 'remoteforward';
  if (!dynamicKeyword && target === '' && !remote) {
    return { code: 'invalid-value', range: model.argsRange(d), message: `${info.name} needs a listen port and a target (host:port or a socket path): ssh refuses the whole file ("Missing target argument").` };
  }
  // RemoteForward with one argument is a dynamic (SOCKS) forward on the server side.
  const dynamic = dynamicKeyword || target === '';
  const spec = dynamic ? scan.argValue(first) : `${scan.argValue(first)}:${target}`;
  if (isValidForward(spec, dynamic, remote) !== false) {
    return undefined;
  }
  const expected = dynamic ? '[bind_address:]port or a socket path' : '[bind_address:]port host:hostport (or Unix socket paths)';
  return {
    code: 'invalid-value',
    range: model.argsRange(d),
    message: `"${model.argsRaw(line)}" is not a ${info.name} specification (${expected}; ports 1–65535${remote ? ', or 0 to let the server pick' : ''}): ssh refuses the whole file ("Bad forwarding specification").`,
  };
}

/** servconf.c `sSubsystem`: a name and a command; a name defined twice stops sshd. */
function subsystemProblem(ctx: Context, d: number, first: number, count: number): ValueFinding | undefined {
  const { model } = ctx;
  const scan = model.scan;
  const line = model.dirLine[d] as number;
  if (count < 2 || scan.argValue(first + 1) === '') {
    return { code: 'invalid-value', range: model.argsRange(d), message: 'Subsystem needs a name and a command (e.g. "Subsystem sftp internal-sftp"): sshd refuses to start ("Missing subsystem command").' };
  }
  // Only the top of the file counts: inside Match the line applies per connection.
  if (d >= (model.blockTo[0] as number)) {
    return undefined;
  }
  const subsystem = scan.argValue(first);
  const earlier = ctx.subsystems.get(subsystem);
  if (earlier === undefined) {
    ctx.subsystems.set(subsystem, line);
    return undefined;
  }
  return { code: 'invalid-value', range: scan.argRange(line, first), message: `Subsystem "${subsystem}" is already defined on line ${earlier + 1}: sshd refuses to start ("Subsystem '${subsystem}' already defined").` };
}

function duplicates(ctx: Context): void {
  const { model } = ctx;
  const size = model.table.infos.length;
  // Per canonical keyword: the block it was last seen in, and its first directive there.
  const seenIn = new Int32Array(size).fill(-1);
  const firstAt = new Int32Array(size);
  for (let b = 0; b < model.blockCount; b++) {
    const to = model.blockTo[b] as number;
    for (let d = model.blockFrom[b] as number; d < to; d++) {
      const info = model.info(d);
      if (info === undefined || info.multi || model.hasError(d)) {
        continue;
      }
      const canonical = model.canonical(d);
      if (seenIn[canonical] !== b) {
        seenIn[canonical] = b;
        firstAt[canonical] = d;
        continue;
      }
      const firstLine = model.dirLine[firstAt[canonical] as number] as number;
      ctx.report(
        'duplicate-keyword',
        model.directiveRange(d),
        `${info.name} is already set on line ${firstLine + 1} (${model.argsRaw(firstLine)}), and the first value wins: this line is ignored.`,
        [{ kind: 'edit', title: 'Remove the ignored line', preferred: true, edits: [{ range: wholeLine(model, model.dirLine[d] as number), newText: '' }] }],
      );
    }
  }
}

// ---------------------------------------------------------------- includes

function includes(ctx: Context): void {
  const inc = ctx.includes;
  if (inc === undefined) {
    return;
  }
  const scan = ctx.model.scan;
  for (const p of includeProblemsIn(ctx.model, inc, ctx.load)) {
    const range = scan.argRange(p.line, p.arg);
    switch (p.kind) {
      case 'missing':
        ctx.report('include-missing', range, `Nothing to include: ${p.detail} does not exist, so this line adds nothing.`);
        break;
      case 'cycle':
        ctx.report('include-cycle', range, `Include loop: ${p.detail}. ${sideName(ctx)} stops at its nesting limit of 16 with an error.`);
        break;
      case 'depth':
        ctx.report('include-cycle', range, `Includes nested deeper than 16 levels (${p.detail}): ${sideName(ctx)} refuses the file.`);
        break;
      case 'unreadable':
        ctx.report('include-missing', range, `${p.detail} cannot be read: ${sideName(ctx)} stops with "Can't open user config file" and refuses to run.`, [], 'error');
        break;
    }
  }
}

// ---------------------------------------------------------------- client semantics

/** A host name that no Host block names specifically: what `ssh newhost` gets. */
const ANY_HOST = 'lifeline-unlisted-host.invalid';

/**
 * The argument holding a host name the block's patterns match, in the common
 * case that model.ts `sampleHost` would pick it: a first pattern that is a
 * plain name, in a block without negations. -1 otherwise.
 */
function plainSampleArg(model: IndexedConfig, b: number): number {
  const header = model.blockHeader[b] as number;
  if (model.hasNegation(b) || (model.scan.argCount[header] as number) === 0) {
    return -1;
  }
  const a = model.scan.argFirst[header] as number;
  const len = model.argLength(a);
  for (let k = 0; k < len; k++) {
    const c = model.argChar(a, k);
    if (c === 42 || c === 63) {
      return -1;
    }
  }
  return len > 0 ? a : -1;
}

/** Seconds of a keepalive time as ssh reads it (`none` and anything unreadable count as 0); a plain number is the common case. */
function seconds(value: string): number | undefined {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!isDigit(c) || i > 9) {
      return convtime(value);
    }
    n = n * 10 + (c - 48);
  }
  return value.length === 0 ? undefined : n;
}

function clientSemantics(ctx: Context): void {
  const { model } = ctx;
  const evaluated = ctx.evaluated;
  permissions(ctx);
  hostNeverMatches(ctx);
  shadowed(ctx);
  ipqos(ctx);
  const top = topRange(model);
  const budgetSeen = new Set<number>();
  const tcpSeen = new Set<number>();
  const firstValue = (ref: number): string | undefined => evaluated.model(ref).firstValue(evaluated.directive(ref));
  const secondsOf = new Map<number, number>();
  // One finding for "every host not named here" covers the whole file; blocks
  // are reported one by one only when the file's default does have keepalives.
  const anyLacks = evaluated.effective(ANY_HOST, C_SERVERALIVEINTERVAL) === -1;
  const view = (host: string, block: number, group: number): void => {
    const interval = evaluated.effective(host, C_SERVERALIVEINTERVAL, group);
    let secs = 0;
    if (interval !== -1) {
      let s = secondsOf.get(interval);
      if (s === undefined) {
        s = seconds(firstValue(interval) ?? '') ?? 0;
        secondsOf.set(interval, s);
      }
      secs = s;
    }
    const countD = evaluated.effective(host, C_SERVERALIVECOUNTMAX, group);
    const count = countD === -1 ? 3 : Number(firstValue(countD) ?? 3);
    if (interval === -1) {
      if (block === -1 || !anyLacks) {
        const header = model.blockHeader[block] as number;
        const where = block === -1 ? 'Hosts not named in this file get' : `${model.headerText(header)} gets`;
        ctx.report(
          'keepalive-missing',
          block === -1 ? top : model.headerRange(header),
          `${where} no ServerAliveInterval: on a dead link an idle ssh waits for hours before it notices (the kernel's TCP keepalive takes over 2 h), and a sleeping laptop wakes to a frozen terminal.`,
          [keepaliveFix(ctx)],
        );
      }
    } else if (secs > 0 && Number.isFinite(count) && count > 0 && !budgetSeen.has(interval) && ctx.isLocal(interval)) {
      budgetSeen.add(interval);
      const budget = secs * count;
      if (budget < 10 || budget > 600) {
        ctx.report(
          'keepalive-budget',
          model.directiveRange(interval),
          `A dead link is noticed after ≈ ${formatDuration(budget)} (ServerAliveInterval ${secs} × ServerAliveCountMax ${count}). ` +
            (budget < 10 ? 'That is so short that a brief Wi-Fi hiccup or a busy server ends the session.' : 'That is long: a frozen session looks alive for minutes.'),
        );
      }
    }
    const tcp = evaluated.effective(host, C_TCPKEEPALIVE, group);
    if (tcp !== -1 && (interval === -1 || secs === 0) && !tcpSeen.has(tcp) && ctx.isLocal(tcp) && ['no', 'false'].includes(firstValue(tcp)?.toLowerCase() ?? '')) {
      tcpSeen.add(tcp);
      ctx.report(
        'tcpkeepalive-off-no-alive',
        model.directiveRange(tcp),
        `TCPKeepAlive no without ServerAliveInterval${block === -1 ? '' : ` for ${model.headerText(model.blockHeader[block] as number)}`}: nothing ever checks an idle connection, so a dead one is never noticed.`,
        // An earlier `ServerAliveInterval 0` (or none, or unreadable) wins over anything a trailing Host * adds: no fix then.
        interval === -1 ? [keepaliveFix(ctx)] : [],
      );
    }
  };
  for (let b = 1; b < model.blockCount; b++) {
    if (model.isHost(b)) {
      const a = plainSampleArg(model, b);
      const host = a === -1 ? sampleHost(model.hostPatterns(b)) : model.scan.argValue(a);
      if (host !== undefined) {
        view(host, b, (a === -1 ? undefined : evaluated.localGroup(a)) ?? evaluated.hostGroup(host));
      }
    }
  }
  view(ANY_HOST, -1, evaluated.hostGroup(ANY_HOST));
  if (evaluated.effective(ANY_HOST, C_CONNECTTIMEOUT) === -1) {
    ctx.report(
      'connecttimeout-missing',
      top,
      'No ConnectTimeout for hosts not named in this file: connecting to an unreachable host waits for the kernel (about 2 min on Linux) before failing.',
      [trailingHostStarFix(ctx, 'Add ConnectTimeout to a trailing "Host *" block', [['ConnectTimeout', recommended.connectTimeout]])],
    );
  }
}

function keepaliveFix(ctx: Context): Fix {
  return ctx.sharedFix('keepalive', () =>
    trailingHostStarFix(ctx, `Add ServerAliveInterval ${recommended.serverAliveInterval} and ServerAliveCountMax ${recommended.serverAliveCountMax} to a trailing "Host *" block`, [
      ['ServerAliveInterval', recommended.serverAliveInterval],
      ['ServerAliveCountMax', recommended.serverAliveCountMax],
    ]),
  );
}

/**
 * Adds options to the last block when it is exactly `Host *`, else appends a new
 * `Host *` block at the end: defaults belong last, because the first value wins.
 * Options the trailing block already sets are left alone.
 */
function trailingHostStarFix(ctx: Context, title: string, options: readonly (readonly [string, string])[]): Fix {
  const { model } = ctx;
  const scan = model.scan;
  const eol = ctx.eol;
  const indent = ctx.indentation;
  const last = model.blockCount - 1;
  const lastLine = scan.lineCount - 1;
  const lastLength = scan.lineLength(lastLine);
  const endOfFile = { line: lastLine, character: lastLength };
  const patterns = model.isHost(last) ? model.hostPatterns(last) : [];
  if (patterns.length === 1 && patterns[0]?.pattern === '*' && !patterns[0].negated) {
    const from = model.blockFrom[last] as number;
    const to = model.blockTo[last] as number;
    const missing = options.filter(([k]) => {
      for (let d = from; d < to; d++) {
        if (model.key(d) === k.toLowerCase() && !model.hasError(d)) {
          return false;
        }
      }
      return true;
    });
    const anchor = to > from ? (model.dirLine[to - 1] as number) : (model.blockHeader[last] as number);
    const at = { line: anchor, character: scan.lineLength(anchor) };
    const text = missing.map(([k, v]) => `${eol}${indent}${k} ${v}`).join('');
    return { kind: 'edit', title, preferred: true, edits: [{ range: { start: at, end: at }, newText: text }] };
  }
  const body = ['Host *', ...options.map(([k, v]) => `${indent}${k} ${v}`)].join(eol);
  // Every line blank (String.prototype.trim's whitespace, as \s matches it).
  const empty = !/\S/.test(model.text);
  let newText: string;
  if (empty) {
    newText = body + (scan.finalNewline ? eol : '');
  } else if (scan.finalNewline) {
    // lastLine is the final, empty-after-newline position only when the text ends in EOL.
    newText = `${scan.lineText(lastLine).trim() === '' ? '' : eol}${body}${eol}`;
  } else {
    newText = `${eol}${eol}${body}`;
  }
  const at = scan.finalNewline && !empty ? { line: lastLine + 1, character: 0 } : endOfFile;
  const range = empty ? { start: { line: 0, character: 0 }, end: endOfFile } : { start: at, end: at };
  return { kind: 'edit', title, preferred: true, edits: [{ range, newText }] };
}

function permissions(ctx: Context): void {
  const p = ctx.options.permissions;
  if (p === undefined || !p.checkedBySsh || (p.mode & 0o022) === 0) {
    return;
  }
  ctx.report(
    'bad-permissions',
    { start: { line: 0, character: 0 }, end: { line: 0, character: ctx.model.scan.lineLength(0) } },
    `This file is writable by ${(p.mode & 0o020) !== 0 ? 'its group' : ''}${(p.mode & 0o022) === 0o022 ? ' and ' : ''}${(p.mode & 0o002) !== 0 ? 'others' : ''} (mode ${(p.mode & 0o777).toString(8).padStart(3, '0')}): ssh refuses to run with "Bad owner or permissions".`,
    [{ kind: 'chmod', title: 'Make the file private (chmod 600)', preferred: true, mode: 0o600 }],
  );
}

function hostNeverMatches(ctx: Context): void {
  const { model } = ctx;
  const scan = model.scan;
  for (let b = 1; b < model.blockCount; b++) {
    if (!model.isHost(b) || !model.hasNegation(b)) {
      continue;
    }
    const patterns = model.hostPatterns(b);
    if (patterns.length > 0 && patterns.every((p) => p.negated)) {
      const header = model.blockHeader[b] as number;
      const at = scan.argRange(header, (patterns[0] as { arg: number }).arg).start;
      ctx.report(
        'host-never-matches',
        model.headerRange(header),
        `${model.headerText(header)} has only negated patterns, so it matches no host and its options never apply. Add a positive pattern, e.g. "Host * ${model.argsRaw(header)}".`,
        [replaceFix('Add the pattern "*"', { start: at, end: at }, '* ', false)],
      );
    }
  }
}

function isMatchAll(model: IndexedConfig, b: number): boolean {
  const criteria = model.criteria(b);
  return criteria.length === 1 && criteria[0]?.name === 'all' && !criteria[0].negated;
}

/** A block that applies to every host: the top of the file, `Match all`, or a Host block with `*` and no negation. */
function isUniversal(model: IndexedConfig, b: number): boolean {
  if (model.isGlobal(b)) {
    return true;
  }
  if (model.isHost(b)) {
    return model.isStarHost(b);
  }
  const criteria = model.criteria(b);
  return criteria.length === 1 && criteria[0]?.name === 'all' && !criteria[0].negated;
}

const hasWildcard = (pattern: string): boolean => pattern.includes('*') || pattern.includes('?');

/**
 * A value that can never take effect: an earlier block that applies to every
 * host this block matches already set the same keyword (the "Host * first"
 * trap). Linear in the file: per keyword, the first universal setter and the
 * wildcard setters are kept; literal names are looked up in one index of the
 * Host blocks by name, and only for blocks that share a name with an earlier one.
 */
function shadowed(ctx: Context): void {
  const { model } = ctx;
  const size = model.table.infos.length;
  // Per canonical keyword: the first setter in a block matching every host (block, directive).
  const universalBlock = new Int32Array(size).fill(-1);
  const universalDirective = new Int32Array(size);
  // Per canonical keyword: setters in Host blocks with wildcard patterns and no negation, as [block, directive] pairs.
  const wildcard = new Map<number, number[]>();
  // Per canonical keyword: the block in which it was last seen (the first setter per block counts).
  const seenIn = new Int32Array(size).fill(-1);
  const names = ctx.hostNames;
  const here: number[] = [];
  for (let b = 0; b < model.blockCount; b++) {
    here.length = 0;
    const universal = isUniversal(model, b);
    const host = model.isHost(b);
    // Whether a positive literal pattern here names an earlier block (in the index: no negation, not universal).
    let namesake: boolean | undefined;
    const to = model.blockTo[b] as number;
    for (let d = model.blockFrom[b] as number; d < to; d++) {
      const info = model.info(d);
      if (info === undefined || info.multi || model.hasError(d)) {
        continue;
      }
      const key = model.canonical(d);
      if (seenIn[key] === b) {
        continue; // a duplicate within the block: duplicate-keyword's business
      }
      seenIn[key] = b;
      here.push(d);
      if (b === 0) {
        continue;
      }
      let hitBlock = universalBlock[key] as number;
      let hitDirective = universalDirective[key] as number;
      if (hitBlock === -1 && host) {
        const wild = wildcard.get(key);
        namesake ??= model.hasLiteral(b) && hasEarlierNamesake(model, names, b);
        if (wild !== undefined || namesake) {
          const found = coverOf(model, names, b, key, wild);
          if (found !== undefined) {
            [hitBlock, hitDirective] = found;
          }
        }
      }
      if (hitBlock !== -1) {
        const header = model.blockHeader[hitBlock] as number;
        const where = hitBlock === 0 ? 'the top of the file (before any Host block)' : `"${model.headerText(header)}" on line ${header + 1}`;
        ctx.report(
          'shadowed-setting',
          model.directiveRange(d),
          `Never takes effect: ${where} already sets ${info.name} (${model.argsRaw(model.dirLine[hitDirective] as number)}) for every host this block matches, and ssh uses the first value it finds. Put general defaults such as "Host *" at the end of the file.`,
        );
      }
    }
    for (const d of here) {
      const key = model.canonical(d);
      if (universal) {
        if (universalBlock[key] === -1) {
          universalBlock[key] = b;
          universalDirective[key] = d;
        }
      } else if (model.isWildcardHost(b)) {
        let list = wildcard.get(key);
        if (list === undefined) {
          list = [];
          wildcard.set(key, list);
        }
        list.push(b, d);
      }
    }
  }
}

/** Whether a positive pattern of block `b` without wildcards is a name an earlier indexed block also has. */
function hasEarlierNamesake(model: IndexedConfig, names: LiteralNames, b: number): boolean {
  const scan = model.scan;
  const header = model.blockHeader[b] as number;
  const first = scan.argFirst[header] as number;
  for (let a = first; a < first + (scan.argCount[header] as number); a++) {
    let g = names.groupOfArg(model, a);
    if (g === -1 && isLiteralName(model, a)) {
      // A block that is not in the index itself (it has a negation, or is universal).
      g = names.group(scan.argValue(a));
    }
    if (g !== -1 && names.firstBlock(g) < b) {
      return true;
    }
  }
  return false;
}

/** A positive Host pattern without `*` or `?`. */
function isLiteralName(model: IndexedConfig, a: number): boolean {
  const len = model.argLength(a);
  if (len > 0 && model.argChar(a, 0) === 33 /* ! */) {
    return false;
  }
  for (let k = 0; k < len; k++) {
    const c = model.argChar(a, k);
    if (c === 42 || c === 63) {
      return false;
    }
  }
  return true;
}

/** The first directive of block `b` that sets `key` as shadowed-setting counts setters; -1 if none. */
function firstSetter(model: IndexedConfig, b: number, key: number): number {
  const to = model.blockTo[b] as number;
  for (let d = model.blockFrom[b] as number; d < to; d++) {
    const info = model.info(d);
    if (info !== undefined && !info.multi && !model.hasError(d) && model.canonical(d) === key) {
      return d;
    }
  }
  return -1;
}

/** An earlier Host block that covers every positive pattern of block `b` and sets `key`: [block, directive]. */
function coverOf(model: IndexedConfig, names: LiteralNames, b: number, key: number, wild: readonly number[] | undefined): [number, number] | undefined {
  let found: [number, number] | undefined;
  for (const lp of model.hostPatterns(b)) {
    if (lp.negated) {
      continue;
    }
    let hit: [number, number] | undefined;
    if (!hasWildcard(lp.pattern)) {
      const named = names.blocks(names.group(lp.pattern));
      const list = typeof named === 'number' ? [named] : named;
      for (const e of list) {
        if (e >= b) {
          break;
        }
        const d = firstSetter(model, e, key);
        if (d !== -1) {
          hit = [e, d];
          break;
        }
      }
    }
    if (hit === undefined && wild !== undefined) {
      for (let w = 0; w < wild.length && hit === undefined; w += 2) {
        const wb = wild[w] as number;
        if (model.hostPatterns(wb).some((ep) => ep.pattern === lp.pattern || (!hasWildcard(lp.pattern) && matchPattern(lp.pattern, ep.pattern)))) {
          hit = [wb, wild[w + 1] as number];
        }
      }
    }
    if (hit === undefined) {
      return undefined;
    }
    found ??= hit;
  }
  return found;
}

function ipqos(ctx: Context): void {
  const { model } = ctx;
  for (let d = 0; d < model.dirCount; d++) {
    if (model.dirKw[d] !== C_IPQOS || model.argCount(d) === 0) {
      continue;
    }
    const first = model.argFirst(d);
    const legacy: string[] = [];
    for (let a = first; a < first + model.argCount(d); a++) {
      const v = model.scan.argValue(a);
      if (['lowdelay', 'throughput', 'reliability'].includes(v.toLowerCase())) {
        legacy.push(v);
      }
    }
    if (legacy.length === 0) {
      continue;
    }
    const ignored = compareOpenSshVersions(ctx.version, '10.1') >= 0;
    const range = model.argsRange(d);
    ctx.report(
      'ipqos-deprecated',
      range,
      `IPQoS ${legacy.join(' ')} uses IPv4 type-of-service names, which OpenSSH 10.1 and later ignore${ignored ? '' : ' (this OpenSSH still honours them)'}. ` +
        'The old advice to set "IPQoS throughput" against broken pipes worked around middleboxes that mishandled DSCP marks; "IPQoS none" sends no marking at all.',
      [replaceFix('Change to IPQoS none', range, 'none')],
      ignored ? 'warning' : 'info',
    );
  }
}

// ---------------------------------------------------------------- server semantics

function serverSemantics(ctx: Context): void {
  const { model } = ctx;
  const scan = model.scan;
  const evaluated = ctx.evaluated;
  // What a connection no conditional Match block picks gets. sshd reads the file once with `Match all`
  // blocks applying (first value wins), then per connection applies the Match blocks again over that, but
  // copies only the keywords allowed in Match (servconf.c copy_set_server_options). So a keyword allowed in
  // Match: the first value in a `Match all` block, else in the unconditional sections (this file's top and
  // what it includes there); any other keyword: the first value in either, in file order. Checked with sshd -T -C.
  const unconditional = (e: number): boolean => evaluated.isUnconditional(e);
  const matchAll = (e: number): boolean => evaluated.isMatchAll(e);
  const get = (id: number): number => {
    const passes = isAllowedInMatchIn(SERVER.infos[id] as KeywordInfo, ctx.version) ? [matchAll, unconditional] : [(e: number): boolean => unconditional(e) || matchAll(e)];
    for (const pass of passes) {
      for (const e of evaluated.order) {
        if (pass(e)) {
          // By canonical keyword: sshd's KeepAlive is TCPKeepAlive.
          const ref = evaluated.firstSetter(e, id);
          if (ref !== -1) {
            return ref;
          }
        }
      }
    }
    return -1;
  };
  const firstValue = (ref: number): string | undefined => evaluated.model(ref).firstValue(evaluated.directive(ref));
  const interval = get(S_CLIENTALIVEINTERVAL);
  const count = get(S_CLIENTALIVECOUNTMAX);
  const seconds = interval === -1 ? 0 : (convtime(firstValue(interval) ?? '') ?? 0);
  let firstMatch = -1;
  for (let b = 1; b < model.blockCount && firstMatch === -1; b++) {
    if (model.isMatch(b)) {
      firstMatch = b;
    }
  }
  // A value set in an included file is the user's choice there; nothing here to point at or fix.
  if (seconds === 0 && (interval === -1 || ctx.isLocal(interval))) {
    const edits: TextEdit[] = [];
    const text = `ClientAliveInterval ${recommended.clientAliveInterval}${ctx.eol}` + (count === -1 ? `ClientAliveCountMax ${recommended.clientAliveCountMax}${ctx.eol}` : '');
    if (interval !== -1) {
      edits.push({ range: model.argsRange(interval), newText: recommended.clientAliveInterval });
    } else if (firstMatch !== -1) {
      // Global options must come before the first Match block, or they would be conditional.
      const at = { line: model.blockHeader[firstMatch] as number, character: 0 };
      edits.push({ range: { start: at, end: at }, newText: text });
    } else {
      const last = scan.lineCount - 1;
      const at = scan.finalNewline ? { line: last + 1, character: 0 } : { line: last, character: scan.lineLength(last) };
      edits.push({ range: { start: at, end: at }, newText: scan.finalNewline ? text : ctx.eol + text.slice(0, -ctx.eol.length) });
    }
    ctx.report(
      'clientalive-missing',
      interval === -1 ? topRange(model) : model.directiveRange(interval),
      'No ClientAliveInterval: when a client vanishes (laptop asleep, Wi-Fi gone), its session lingers for hours, and a tmux session stays attached to the ghost and sized to it.',
      [
        {
          kind: 'edit',
          title:
            interval === -1 && count === -1
              ? `Set ClientAliveInterval ${recommended.clientAliveInterval} and ClientAliveCountMax ${recommended.clientAliveCountMax}`
              : `Set ClientAliveInterval ${recommended.clientAliveInterval}`,
          preferred: true,
          edits,
        },
      ],
    );
  }
  for (let d = 0; d < model.dirCount; d++) {
    if (model.dirKw[d] === S_CLIENTALIVECOUNTMAX && model.firstValue(d) === '0') {
      ctx.report(
        'clientalive-countmax-zero',
        model.directiveRange(d),
        'ClientAliveCountMax 0 does not drop idle clients: in current sshd it disables disconnection altogether, so dead sessions are never cleaned up. To end idle sessions use ChannelTimeout or UnusedConnectionTimeout (OpenSSH 9.2+).',
        [replaceFix(`Change to ClientAliveCountMax ${recommended.clientAliveCountMax}`, model.argsRange(d), recommended.clientAliveCountMax)],
      );
    }
  }
  const tcp = get(S_TCPKEEPALIVE);
  if (tcp !== -1 && ctx.isLocal(tcp) && firstValue(tcp)?.toLowerCase() === 'no' && seconds === 0) {
    ctx.report('tcpkeepalive-off-no-alive', model.directiveRange(tcp), 'TCPKeepAlive no without ClientAliveInterval: nothing ever checks an idle connection, so a dead client is never noticed.');
  }
  keysCommands(ctx, get);
  includedInMatch(ctx);
}

/**
 * sshd reads a file included inside a Match block (other than `Match all`)
 * as part of that block, never applying while it reads the file
 * (SSHCONF_NEVERMATCH), so the keywords in it must be allowed inside Match
 * too ("Directive 'Port' is not allowed within a Match block"; checked with
 * sshd -t 9.2). Reported once per Include line, naming the first such keyword.
 */
function includedInMatch(ctx: Context): void {
  const { model } = ctx;
  if (ctx.includes === undefined) {
    return;
  }
  const evaluated = ctx.evaluated;
  const done = new Set<number>();
  for (const e of evaluated.order) {
    const include = evaluated.localInclude(e);
    if (include === -1 || done.has(include)) {
      continue;
    }
    let b = 0;
    while (b + 1 < model.blockCount && (model.blockFrom[b + 1] as number) <= include) {
      b++;
    }
    if (!model.isMatch(b) || isMatchAll(model, b)) {
      continue;
    }
    for (const ref of evaluated.refs(e)) {
      const source = evaluated.model(ref);
      const d = evaluated.directive(ref);
      const info = source.info(d);
      if (info !== undefined && !source.hasError(d) && source.dirKw[d] !== source.table.includeId && !isAllowedInMatchIn(info, ctx.version)) {
        done.add(include);
        ctx.report(
          'not-allowed-in-match',
          model.directiveRange(include),
          `${info.name} (in the included file, line ${(source.dirLine[d] as number) + 1}) is not allowed inside a Match block, and this Include is inside "${model.headerText(model.blockHeader[b] as number)}": sshd refuses to start.`,
        );
        break;
      }
    }
  }
}

/** The raw rest of a directive's line after the keyword and separator, as servconf.c's `str` (quotes and a comment included). */
function restOfLineRaw(model: IndexedConfig, d: number): string {
  const scan = model.scan;
  return model.text.slice(scan.argStart[model.argFirst(d)] as number, scan.lineEnd[model.dirLine[d] as number] as number).replace(/[ \t\r\n\f]+$/, '');
}

/** sshd.c refuses an AuthorizedKeysCommand/AuthorizedPrincipalsCommand outside Match without its …CommandUser (checked with sshd -t 9.2). */
function keysCommands(ctx: Context, get: (id: number) => number): void {
  const { model } = ctx;
  const pairs: readonly (readonly [number, number, string])[] = [
    [S_AUTHORIZEDKEYSCOMMAND, S_AUTHORIZEDKEYSCOMMANDUSER, 'AuthorizedKeysCommand'],
    [S_AUTHORIZEDPRINCIPALSCOMMAND, S_AUTHORIZEDPRINCIPALSCOMMANDUSER, 'AuthorizedPrincipalsCommand'],
  ];
  for (const [command, user, name] of pairs) {
    const ref = get(command);
    if (ref !== -1 && ctx.isLocal(ref) && model.argCount(ref) > 0 && restOfLineRaw(model, ref).startsWith('/') && get(user) === -1) {
      ctx.report('invalid-value', model.keywordRange(ref), `${name} without ${name}User: sshd refuses to start ("${name} set without ${name}User").`);
    }
  }
}

// ---------------------------------------------------------------- words

function sideName(ctx: Context): string {
  return ctx.model.side === 'client' ? 'ssh' : 'sshd';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
