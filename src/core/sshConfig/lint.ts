import type { Finding, FindingCode, Fix, Severity, SeverityOverride, TextEdit } from './findings';
import { clientKeyword, clientKeywords, compareOpenSshVersions, isAllowedInMatchIn, serverKeyword, serverKeywords, type KeywordInfo, type Side } from './keywords';
import { checkIncludes, expandIncludes, type IncludeContext, type IncludeFiles } from './includes';
import { buildModel, headerRange, hostBlockMatches, matchPattern, sampleHost, type Block, type ConfigModel, type Directive } from './model';
import type { Line, Range, Token } from './tokenizer';
import { editDistance, formatDuration, parseTime } from './values';

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

/** Lints one ssh_config or sshd_config text. Never throws on any input. */
export function lint(text: string, options: LintOptions): Finding[] {
  const model = buildModel(text, options.side);
  const ctx = new Context(text, model, options);
  lexical(ctx);
  keywords(ctx);
  includes(ctx);
  if (options.side === 'client') {
    clientSemantics(ctx);
  } else {
    serverSemantics(ctx);
  }
  return ctx.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

class Context {
  readonly findings: Finding[] = [];
  readonly version: string;
  /** What OpenSSH evaluates: this file with its includes spliced in (the file alone without include access). */
  readonly evaluated: ConfigModel;
  /** The caller's include access, with reads and globs remembered for this lint. */
  readonly includes: IncludeContext | undefined;
  private readonly local = new Set<Directive>();
  constructor(
    readonly text: string,
    readonly model: ConfigModel,
    readonly options: LintOptions,
  ) {
    this.version = options.opensshVersion ?? NEWEST;
    // Checking includes and splicing them in walk the same files: read each once per lint.
    this.includes = options.includes === undefined ? undefined : { ...options.includes, files: cachedFiles(options.includes.files) };
    this.evaluated = this.includes === undefined ? model : { side: model.side, tokens: model.tokens, blocks: expandIncludes(model, this.includes) };
    for (const block of model.blocks) {
      for (const d of block.directives) {
        this.local.add(d);
      }
    }
  }

  /** Whether a directive is in this file (so a finding can point at it). */
  isLocal(d: Directive): boolean {
    return this.local.has(d);
  }

  report(code: FindingCode, range: Range, message: string, fixes: Fix[] = [], severity: Severity = defaultSeverity[code]): void {
    const override = this.options.rules?.[code];
    if (override === 'off') {
      return;
    }
    this.findings.push({ code, severity: override ?? severity, message, range, fixes });
  }

  get eol(): string {
    return this.model.tokens.eol;
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

const rangeOf = (tokens: readonly Token[]): Range => ({
  start: (tokens[0] as Token).range.start,
  end: (tokens[tokens.length - 1] as Token).range.end,
});

const directiveRange = (d: Directive): Range => (d.args.length === 0 ? d.keyword.range : { start: d.keyword.range.start, end: rangeOf(d.args).end });

/** The whole line including its line ending: deleting this range removes the line. */
function wholeLine(line: Line): Range {
  return line.eol === ''
    ? { start: { line: line.line, character: 0 }, end: { line: line.line, character: line.text.length } }
    : { start: { line: line.line, character: 0 }, end: { line: line.line + 1, character: 0 } };
}

function replaceFix(title: string, range: Range, newText: string, preferred = true): Fix {
  return { kind: 'edit', title, preferred, edits: [{ range, newText }] };
}

/** The indentation used for options inside blocks, else four spaces. */
function indentOf(model: ConfigModel): string {
  for (const block of model.blocks) {
    if (block.kind === 'global') {
      continue;
    }
    for (const d of block.directives) {
      const lead = /^[ \t]*/.exec(d.line.text)?.[0] ?? '';
      if (lead !== '') {
        return lead;
      }
    }
  }
  return '    ';
}

function* allDirectives(model: ConfigModel): Generator<Directive> {
  for (const b of model.blocks) {
    yield* b.directives;
  }
}

// ---------------------------------------------------------------- lexical

function lexical(ctx: Context): void {
  const { tokens } = ctx.model;
  if (tokens.bom) {
    const first = tokens.lines[0] as Line;
    ctx.report(
      'bom',
      { start: { line: 0, character: 0 }, end: { line: 0, character: Math.max(1, first.keyword?.range.end.character ?? 1) } },
      `The file starts with a UTF-8 byte order mark: OpenSSH reads it as part of the first keyword and refuses the whole file ("Bad configuration option: \\357\\273\\277${first.keyword?.value.toLowerCase() ?? ''}").`,
      [replaceFix('Remove the byte order mark', { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, '')],
    );
  }
  for (const line of tokens.lines) {
    if (line.error !== undefined) {
      const what = line.error.code === 'invalid-quotes' ? 'an unbalanced quote' : `no value after ${line.keyword?.value ?? 'the keyword'}`;
      ctx.report('syntax', line.error.range, `${capitalize(what)}: ${sideName(ctx)} refuses the whole file (${line.error.message}).`);
    }
  }
  for (const block of ctx.model.blocks) {
    if (block.kind === 'match' && block.header.error === undefined) {
      matchSyntax(ctx, block);
    }
    if (block.kind === 'host') {
      for (const p of block.patterns) {
        if (p.pattern === '') {
          ctx.report('syntax', p.token.range, `An empty Host pattern: ${sideName(ctx)} refuses the whole file.`);
        }
      }
    }
  }
}

const knownCriteria: Record<Side, ReadonlySet<string>> = {
  client: new Set(['all', 'canonical', 'final', 'exec', 'localnetwork', 'host', 'originalhost', 'tagged', 'command', 'user', 'localuser', 'version', 'sessiontype']),
  server: new Set(['all', 'user', 'group', 'host', 'localaddress', 'localport', 'address', 'rdomain', 'invalid-user', 'version']),
};

/** Client Match criteria added after OpenSSH 7.0 (release notes). */
const clientCriterionSince: Readonly<Record<string, string>> = { final: '8.0', localnetwork: '9.4', tagged: '9.4', version: '10.0', sessiontype: '10.0', command: '10.0' };

function matchSyntax(ctx: Context, block: Extract<Block, { kind: 'match' }>): void {
  const side = ctx.model.side;
  for (const c of block.criteria) {
    const since = side === 'client' ? clientCriterionSince[c.name] : undefined;
    if (since !== undefined && ctx.options.opensshVersion !== undefined && compareOpenSshVersions(ctx.options.opensshVersion, since) < 0) {
      ctx.report('syntax', c.token.range, `Match ${c.name} needs OpenSSH ${since} or later; this OpenSSH (${ctx.options.opensshVersion}) refuses the whole file.`);
      continue;
    }
    if (!knownCriteria[side].has(c.name)) {
      ctx.report('syntax', c.token.range, `Unknown Match criterion "${c.token.value}": ${sideName(ctx)} refuses the whole file. Known: ${[...knownCriteria[side]].join(', ')}.`);
    } else if (c.arg === undefined && !['all', 'canonical', 'final', 'invalid-user'].includes(c.name)) {
      ctx.report('syntax', c.token.range, `Match ${c.name} needs an argument: ${sideName(ctx)} refuses the whole file.`);
    }
  }
  const all = block.criteria.findIndex((c) => c.name === 'all');
  if (all !== -1 && block.criteria.filter((c) => !['canonical', 'final'].includes(c.name)).length > 1) {
    ctx.report('syntax', block.criteria[all]?.token.range ?? headerRange(block.header), `"Match all" cannot be combined with other criteria: ${sideName(ctx)} refuses the whole file.`);
  }
}

// ---------------------------------------------------------------- keywords

function keywords(ctx: Context): void {
  const side = ctx.model.side;
  const ignoreUnknown: string[] = [];
  for (const block of ctx.model.blocks) {
    for (const d of block.directives) {
      if (d.line.error !== undefined) {
        continue;
      }
      if (side === 'client' && d.key === 'ignoreunknown') {
        ignoreUnknown.push(...d.args.flatMap((a) => a.value.split(',')));
      }
      if (d.info === undefined) {
        unknownKeyword(ctx, d, ignoreUnknown);
        continue;
      }
      if (ctx.options.opensshVersion !== undefined && d.info.since !== undefined && compareOpenSshVersions(ctx.options.opensshVersion, d.info.since) < 0) {
        if (!(side === 'client' && ignoreUnknown.some((p) => matchPattern(d.key, p.toLowerCase())))) {
          ctx.report(
            'unknown-keyword',
            d.keyword.range,
            `${d.info.name} needs OpenSSH ${d.info.since} or later; this OpenSSH (${ctx.options.opensshVersion}) does not know it and ${sideName(ctx)} refuses the whole file ("Bad configuration option").` +
              (side === 'client' ? ` To share this file with older ssh, put "IgnoreUnknown ${d.info.name}" above it.` : ''),
          );
        }
        continue;
      }
      legacyKeyword(ctx, d, d.info);
      value(ctx, d, d.info);
      if (side === 'server' && block.kind === 'match' && !isAllowedInMatchIn(d.info, ctx.version)) {
        ctx.report(
          'not-allowed-in-match',
          d.keyword.range,
          `${d.info.name} is not allowed inside a Match block: sshd refuses to start. Move it above the first Match block.`,
        );
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
  let best: KeywordInfo | undefined;
  let bestDistance = Infinity;
  for (const info of side === 'client' ? clientKeywords : serverKeywords) {
    if (info.removed !== undefined || info.aliasOf !== undefined || info.vendor !== undefined) {
      continue;
    }
    const d = editDistance(key, info.name.toLowerCase());
    if (d < bestDistance) {
      best = info;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 5)) ? best : undefined;
}

function unknownKeyword(ctx: Context, d: Directive, ignoreUnknown: readonly string[]): void {
  const side = ctx.model.side;
  const other = side === 'client' ? serverKeyword(d.key) : clientKeyword(d.key);
  if (other !== undefined && other.removed === undefined) {
    const counterpart = (side === 'client' ? clientKeyword : serverKeyword)(sideAwareSpelling(d.key, side));
    const fixes = counterpart === undefined ? [] : [replaceFix(`Change to ${counterpart.name}`, d.keyword.range, counterpart.name)];
    if (side === 'client') {
      ctx.report(
        'server-only-keyword',
        d.keyword.range,
        `${other.name} is an sshd_config (server) keyword: in ssh_config it is "Bad configuration option" and ssh refuses to run at all.` +
          (counterpart === undefined ? '' : ` The client's equivalent is ${counterpart.name}.`),
        fixes,
      );
    } else {
      ctx.report(
        'client-only-keyword',
        d.keyword.range,
        `${other.name} is an ssh_config (client) keyword: sshd refuses to start with it.` + (counterpart === undefined ? '' : ` The server's equivalent is ${counterpart.name}.`),
        fixes,
      );
    }
    return;
  }
  if (side === 'client' && ignoreUnknown.some((p) => matchPattern(d.key, p.toLowerCase()))) {
    return;
  }
  const guess = suggestion(d.key, side);
  ctx.report(
    'unknown-keyword',
    d.keyword.range,
    `Unknown keyword "${d.keyword.value}": ${sideName(ctx)} refuses the whole file ("Bad configuration option").` + (guess === undefined ? '' : ` Did you mean ${guess.name}?`),
    guess === undefined ? [] : [replaceFix(`Change to ${guess.name}`, d.keyword.range, guess.name)],
  );
}

function legacyKeyword(ctx: Context, d: Directive, info: KeywordInfo): void {
  const replacement = info.removed?.replacement ?? info.deprecated?.replacement ?? info.aliasOf;
  const replacementInfo = replacement === undefined ? undefined : (ctx.model.side === 'client' ? clientKeyword : serverKeyword)(replacement);
  if (info.removed !== undefined && (info.removed.since === undefined || compareOpenSshVersions(ctx.version, info.removed.since) >= 0)) {
    ctx.report(
      'deprecated-keyword',
      d.keyword.range,
      `${info.name} no longer does anything${info.removed.since === undefined ? '' : ` (since OpenSSH ${info.removed.since})`}: ${info.removed.note}`,
      replacementInfo === undefined
        ? [{ kind: 'edit', title: `Remove the ${info.name} line`, preferred: false, edits: [{ range: wholeLine(d.line), newText: '' }] }]
        : [replaceFix(`Change to ${replacementInfo.name}`, d.keyword.range, replacementInfo.name)],
    );
  } else if (info.deprecated !== undefined && replacementInfo !== undefined) {
    ctx.report('deprecated-keyword', d.keyword.range, `${info.name} is an old name: ${info.deprecated.note}`, [
      replaceFix(`Change to ${replacementInfo.name}`, d.keyword.range, replacementInfo.name),
    ]);
  }
}

const singleArgumentTypes = new Set(['yes-no', 'integer', 'time', 'host', 'port', 'enum', 'string', 'path']);
/** Keywords whose value is the rest of the line although their type is a word. */
const restOfLine = new Set(['versionaddendum']);

function value(ctx: Context, d: Directive, info: KeywordInfo): void {
  if (d.args.length === 0) {
    return;
  }
  if (singleArgumentTypes.has(info.type) && d.args.length > 1 && !restOfLine.has(info.name.toLowerCase())) {
    const hash = d.args.find((a) => a.raw.includes('#') && !a.raw.startsWith('#'));
    ctx.report(
      'syntax',
      rangeOf(d.args.slice(1)),
      `${info.name} takes one value; ${sideName(ctx)} refuses the whole file ("garbage at end of line").` +
        (hash === undefined ? '' : ` Note: "#" starts a comment only after whitespace, so "${hash.raw}" is part of the value.`),
    );
    return;
  }
  const arg = d.args[0] as Token;
  const v = arg.value;
  const lower = v.toLowerCase();
  const bad = (why: string, fixes: Fix[] = []): void => ctx.report('invalid-value', arg.range, `${why}: ${sideName(ctx)} refuses the whole file.`, fixes);
  switch (info.type) {
    case 'yes-no':
    case 'enum':
      if (info.values !== undefined && !info.values.includes(lower)) {
        bad(`"${v}" is not a valid ${info.name} value (expected ${info.values.join(', ')})`);
      }
      break;
    case 'integer':
      if (!/^-?\d+$/.test(v)) {
        bad(`${info.name} takes a whole number, not "${v}"`);
      }
      break;
    case 'time':
      if (parseTime(v) === undefined && !(info.values ?? []).includes(lower)) {
        bad(`${info.name} takes a time such as 30, 90s, 10m or 1h30m, not "${v}"`);
      }
      break;
    case 'port': {
      const n = Number(v);
      if (/^\d+$/.test(v) ? n < 1 || n > 65535 : !/^[A-Za-z][A-Za-z0-9_-]*$/.test(v)) {
        bad(`"${v}" is not a port number (1–65535) or service name`);
      }
      break;
    }
    default:
      break;
  }
}

function duplicates(ctx: Context): void {
  for (const block of ctx.model.blocks) {
    const seen = new Map<string, Directive>();
    for (const d of block.directives) {
      if (d.info === undefined || d.info.multi || d.line.error !== undefined) {
        continue;
      }
      const canonical = (d.info.aliasOf ?? d.info.name).toLowerCase();
      const first = seen.get(canonical);
      if (first === undefined) {
        seen.set(canonical, d);
        continue;
      }
      ctx.report(
        'duplicate-keyword',
        directiveRange(d),
        `${d.info.name} is already set on line ${first.line.line + 1} (${first.args.map((a) => a.raw).join(' ')}), and the first value wins: this line is ignored.`,
        [{ kind: 'edit', title: 'Remove the ignored line', preferred: true, edits: [{ range: wholeLine(d.line), newText: '' }] }],
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
  for (const p of checkIncludes(ctx.text, ctx.model.side, inc)) {
    switch (p.kind) {
      case 'missing':
        ctx.report('include-missing', p.token.range, `Nothing to include: ${p.detail} does not exist, so this line adds nothing.`);
        break;
      case 'cycle':
        ctx.report('include-cycle', p.token.range, `Include loop: ${p.detail}. ${sideName(ctx)} stops at its nesting limit of 16 with an error.`);
        break;
      case 'depth':
        ctx.report('include-cycle', p.token.range, `Includes nested deeper than 16 levels (${p.detail}): ${sideName(ctx)} refuses the file.`);
        break;
      case 'unreadable':
        ctx.report('include-missing', p.token.range, `${p.detail} cannot be read: ${sideName(ctx)} stops with "Can't open user config file" and refuses to run.`, [], 'error');
        break;
    }
  }
}

// ---------------------------------------------------------------- client semantics

type Applies = 'yes' | 'no' | 'maybe';

/** Whether a block applies to a connection to `host` (the name as typed). Match blocks we cannot decide statically are "maybe". */
function applies(block: Block, host: string): Applies {
  const own = appliesOwn(block, host);
  if (block.outer === undefined || own === 'no') {
    return own;
  }
  const outer = applies(block.outer, host);
  return outer === 'no' ? 'no' : outer === 'maybe' || own === 'maybe' ? 'maybe' : 'yes';
}

function appliesOwn(block: Block, host: string): Applies {
  switch (block.kind) {
    case 'global':
      return 'yes';
    case 'host':
      return hostBlockMatches(block.patterns, host) ? 'yes' : 'no';
    case 'match': {
      let result: Applies = 'yes';
      for (const c of block.criteria) {
        let r: Applies;
        if (c.name === 'all') {
          r = 'yes';
        } else if ((c.name === 'host' || c.name === 'originalhost') && c.arg !== undefined) {
          r = matchPatternList(host, c.arg.value) ? 'yes' : 'no';
        } else {
          r = 'maybe';
        }
        if (c.negated && r !== 'maybe') {
          r = r === 'yes' ? 'no' : 'yes';
        }
        if (r === 'no') {
          return 'no';
        }
        if (r === 'maybe') {
          result = 'maybe';
        }
      }
      return result;
    }
  }
}

/** match.c `match_pattern_list`: comma-separated, `!` negates. */
function matchPatternList(text: string, list: string): boolean {
  let matched = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    if (matchPattern(text, negated ? raw.slice(1) : raw)) {
      if (negated) {
        return false;
      }
      matched = true;
    }
  }
  return matched;
}

interface Effective {
  readonly directive: Directive;
  /** Set by a block that certainly applies (not a Match we cannot evaluate). */
  readonly certain: boolean;
}

interface Setter {
  readonly order: number;
  readonly block: Block;
  readonly directive: Directive;
}

/**
 * Per keyword, the blocks that set it, split so a lookup for one host visits
 * only blocks that could match it: blocks whose Host patterns are all literal
 * names are found by name; everything else (wildcards, negations, Match,
 * global, included sections) is walked in order. Keeps the per-host lookups of
 * a 50,000-host file linear.
 */
interface KeySetters {
  readonly general: Setter[];
  readonly byName: Map<string, Setter[]>;
}

const setterIndex = new WeakMap<ConfigModel, Map<string, KeySetters>>();

function canonicalKey(d: Directive): string {
  return d.info?.aliasOf?.toLowerCase() ?? d.key;
}

const literalOnly = (block: Block): block is Extract<Block, { kind: 'host' }> =>
  block.kind === 'host' && block.outer === undefined && block.patterns.every((p) => !p.negated && !/[*?]/.test(p.pattern));

function setters(model: ConfigModel, key: string): KeySetters | undefined {
  let index = setterIndex.get(model);
  if (index === undefined) {
    index = new Map();
    model.blocks.forEach((block, order) => {
      const seen = new Set<string>();
      for (const d of block.directives) {
        if (d.line.error !== undefined) {
          continue;
        }
        const k = canonicalKey(d);
        if (seen.has(k)) {
          continue;
        }
        seen.add(k);
        let entry = (index as Map<string, KeySetters>).get(k);
        if (entry === undefined) {
          entry = { general: [], byName: new Map() };
          (index as Map<string, KeySetters>).set(k, entry);
        }
        const setter = { order, block, directive: d };
        if (literalOnly(block)) {
          for (const p of new Set(block.patterns.map((x) => x.pattern))) {
            const list = entry.byName.get(p);
            if (list === undefined) {
              entry.byName.set(p, [setter]);
            } else {
              list.push(setter);
            }
          }
        } else {
          entry.general.push(setter);
        }
      }
    });
    setterIndex.set(model, index);
  }
  return index.get(key);
}

/**
 * The first value of `key` for `host`, as ssh's first-value-wins evaluation
 * finds it. Only the blocks that set the key and could match the host are visited.
 */
function effective(model: ConfigModel, host: string, key: string): Effective | undefined {
  const entry = setters(model, key);
  if (entry === undefined) {
    return undefined;
  }
  const named = entry.byName.get(host) ?? [];
  let maybe: Effective | undefined;
  let g = 0;
  let n = 0;
  while (g < entry.general.length || n < named.length) {
    const a = entry.general[g];
    const b = named[n];
    let next: Setter;
    if (b === undefined || (a !== undefined && a.order < b.order)) {
      next = a as Setter;
      g++;
    } else {
      next = b;
      n++;
    }
    const applied = applies(next.block, host);
    if (applied === 'no') {
      continue;
    }
    if (applied === 'yes') {
      return { directive: next.directive, certain: maybe === undefined };
    }
    maybe ??= { directive: next.directive, certain: false };
  }
  return maybe;
}

/** A host name that no Host block names specifically: what `ssh newhost` gets. */
const ANY_HOST = 'lifeline-unlisted-host.invalid';

interface HostView {
  readonly host: string;
  /** The block this sample stands for; undefined for "any other host". */
  readonly block: Extract<Block, { kind: 'host' }> | undefined;
}

function hostViews(model: ConfigModel): HostView[] {
  const views: HostView[] = [];
  for (const block of model.blocks) {
    if (block.kind === 'host') {
      const host = sampleHost(block.patterns);
      if (host !== undefined) {
        views.push({ host, block });
      }
    }
  }
  views.push({ host: ANY_HOST, block: undefined });
  return views;
}

function clientSemantics(ctx: Context): void {
  const { model } = ctx;
  const evaluated = ctx.evaluated;
  permissions(ctx);
  hostNeverMatches(ctx);
  shadowed(ctx);
  ipqos(ctx);
  const views = hostViews(model);
  const firstLine = model.tokens.lines.find((l) => l.keyword !== undefined) ?? (model.tokens.lines[0] as Line);
  const topRange: Range = { start: { line: firstLine.line, character: 0 }, end: { line: firstLine.line, character: firstLine.text.length } };
  const budgetSeen = new Set<Directive>();
  const tcpSeen = new Set<Directive>();
  // One finding for "every host not named here" covers the whole file; blocks
  // are reported one by one only when the file's default does have keepalives.
  const anyLacks = effective(evaluated, ANY_HOST, 'serveraliveinterval') === undefined;
  for (const view of views) {
    const interval = effective(evaluated, view.host, 'serveraliveinterval');
    const seconds = interval === undefined ? 0 : (parseTime(interval.directive.args[0]?.value ?? '') ?? 0);
    const countD = effective(evaluated, view.host, 'serveralivecountmax');
    const count = countD === undefined ? 3 : Number(countD.directive.args[0]?.value ?? 3);
    if (interval === undefined) {
      if (view.block === undefined || !anyLacks) {
        const where = view.block === undefined ? 'Hosts not named in this file get' : `${headerText(view.block.header)} gets`;
        ctx.report(
          'keepalive-missing',
          view.block === undefined ? topRange : headerRange(view.block.header),
          `${where} no ServerAliveInterval: on a dead link an idle ssh waits for hours before it notices (the kernel's TCP keepalive takes over 2 h), and a sleeping laptop wakes to a frozen terminal.`,
          [keepaliveFix(ctx)],
        );
      }
    } else if (seconds > 0 && Number.isFinite(count) && count > 0 && !budgetSeen.has(interval.directive) && ctx.isLocal(interval.directive)) {
      budgetSeen.add(interval.directive);
      const budget = seconds * count;
      if (budget < 10 || budget > 600) {
        ctx.report(
          'keepalive-budget',
          directiveRange(interval.directive),
          `A dead link is noticed after ≈ ${formatDuration(budget)} (ServerAliveInterval ${seconds} × ServerAliveCountMax ${count}). ` +
            (budget < 10 ? 'That is so short that a brief Wi-Fi hiccup or a busy server ends the session.' : 'That is long: a frozen session looks alive for minutes.'),
        );
      }
    }
    const tcp = effective(evaluated, view.host, 'tcpkeepalive');
    if (tcp !== undefined && ['no', 'false'].includes(tcp.directive.args[0]?.value.toLowerCase() ?? '') && (interval === undefined || seconds === 0) && !tcpSeen.has(tcp.directive) && ctx.isLocal(tcp.directive)) {
      tcpSeen.add(tcp.directive);
      ctx.report(
        'tcpkeepalive-off-no-alive',
        directiveRange(tcp.directive),
        `TCPKeepAlive no without ServerAliveInterval${view.block === undefined ? '' : ` for ${headerText(view.block.header)}`}: nothing ever checks an idle connection, so a dead one is never noticed.`,
        [keepaliveFix(ctx)],
      );
    }
  }
  const timeout = effective(evaluated, ANY_HOST, 'connecttimeout');
  if (timeout === undefined) {
    ctx.report(
      'connecttimeout-missing',
      topRange,
      'No ConnectTimeout for hosts not named in this file: connecting to an unreachable host waits for the kernel (about 2 min on Linux) before failing.',
      [trailingHostStarFix(ctx, 'Add ConnectTimeout to a trailing "Host *" block', [['ConnectTimeout', recommended.connectTimeout]])],
    );
  }
}

function headerText(line: Line): string {
  return [line.keyword?.value ?? '', ...line.args.map((a) => a.raw)].join(' ');
}

function keepaliveFix(ctx: Context): Fix {
  return trailingHostStarFix(ctx, `Add ServerAliveInterval ${recommended.serverAliveInterval} and ServerAliveCountMax ${recommended.serverAliveCountMax} to a trailing "Host *" block`, [
    ['ServerAliveInterval', recommended.serverAliveInterval],
    ['ServerAliveCountMax', recommended.serverAliveCountMax],
  ]);
}

/**
 * Adds options to the last block when it is exactly `Host *`, else appends a new
 * `Host *` block at the end: defaults belong last, because the first value wins.
 * Options the trailing block already sets are left alone.
 */
function trailingHostStarFix(ctx: Context, title: string, options: readonly (readonly [string, string])[]): Fix {
  const { model } = ctx;
  const eol = ctx.eol;
  const indent = indentOf(model);
  const last = model.blocks[model.blocks.length - 1] as Block;
  const lines = model.tokens.lines;
  const lastLine = lines[lines.length - 1] as Line;
  const endOfFile = { line: lastLine.line, character: lastLine.text.length };
  if (last.kind === 'host' && last.patterns.length === 1 && last.patterns[0]?.pattern === '*' && !last.patterns[0].negated) {
    const missing = options.filter(([k]) => !last.directives.some((d) => d.key === k.toLowerCase() && d.line.error === undefined));
    const anchor = last.directives[last.directives.length - 1]?.line ?? last.header;
    const at = { line: anchor.line, character: anchor.text.length };
    const text = missing.map(([k, v]) => `${eol}${indent}${k} ${v}`).join('');
    return { kind: 'edit', title, preferred: true, edits: [{ range: { start: at, end: at }, newText: text }] };
  }
  const body = ['Host *', ...options.map(([k, v]) => `${indent}${k} ${v}`)].join(eol);
  const empty = lines.every((l) => l.text.trim() === '');
  let newText: string;
  if (empty) {
    newText = body + (model.tokens.finalNewline ? eol : '');
  } else if (model.tokens.finalNewline) {
    // lastLine is the final, empty-after-newline position only when the text ends in EOL.
    newText = `${lastLine.text.trim() === '' ? '' : eol}${body}${eol}`;
  } else {
    newText = `${eol}${eol}${body}`;
  }
  const at = model.tokens.finalNewline && !empty ? { line: lastLine.line + 1, character: 0 } : endOfFile;
  const range = empty ? { start: { line: 0, character: 0 }, end: endOfFile } : { start: at, end: at };
  return { kind: 'edit', title, preferred: true, edits: [{ range, newText }] };
}

function permissions(ctx: Context): void {
  const p = ctx.options.permissions;
  if (p === undefined || !p.checkedBySsh || (p.mode & 0o022) === 0) {
    return;
  }
  const first = ctx.model.tokens.lines[0] as Line;
  ctx.report(
    'bad-permissions',
    { start: { line: 0, character: 0 }, end: { line: 0, character: first.text.length } },
    `This file is writable by ${(p.mode & 0o020) !== 0 ? 'its group' : ''}${(p.mode & 0o022) === 0o022 ? ' and ' : ''}${(p.mode & 0o002) !== 0 ? 'others' : ''} (mode ${(p.mode & 0o777).toString(8).padStart(3, '0')}): ssh refuses to run with "Bad owner or permissions".`,
    [{ kind: 'chmod', title: 'Make the file private (chmod 600)', preferred: true, mode: 0o600 }],
  );
}

function hostNeverMatches(ctx: Context): void {
  for (const block of ctx.model.blocks) {
    if (block.kind === 'host' && block.patterns.length > 0 && block.patterns.every((p) => p.negated)) {
      ctx.report(
        'host-never-matches',
        headerRange(block.header),
        `${headerText(block.header)} has only negated patterns, so it matches no host and its options never apply. Add a positive pattern, e.g. "Host * ${block.patterns.map((p) => p.token.raw).join(' ')}".`,
        [replaceFix('Add the pattern "*"', { start: block.patterns[0]?.token.range.start as Range['start'], end: block.patterns[0]?.token.range.start as Range['start'] }, '* ', false)],
      );
    }
  }
}

const isUniversal = (block: Block): boolean =>
  block.kind === 'global' ||
  (block.kind === 'match' && block.criteria.length === 1 && block.criteria[0]?.name === 'all' && !block.criteria[0].negated) ||
  (block.kind === 'host' && block.patterns.every((p) => !p.negated) && block.patterns.some((p) => p.pattern === '*'));

const hasWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

/** Earlier setters of one key that could cover later blocks. */
interface Cover {
  /** The first setter in a block that matches every host. */
  universal?: { block: Block; directive: Directive };
  /** Setters in Host blocks with wildcard patterns (no negations). */
  readonly wildcard: { block: Extract<Block, { kind: 'host' }>; directive: Directive }[];
  /** The first setter per literal pattern (Host blocks without negations). */
  readonly literal: Map<string, { block: Block; directive: Directive }>;
}

/**
 * A value that can never take effect: an earlier block that applies to every
 * host this block matches already set the same keyword (the "Host * first"
 * trap). Linear in the file: per keyword, earlier setters are indexed by how
 * they could cover a later block.
 */
function shadowed(ctx: Context): void {
  const covers = new Map<string, Cover>();
  const coverOf = (key: string): Cover => {
    let c = covers.get(key);
    if (c === undefined) {
      c = { wildcard: [], literal: new Map() };
      covers.set(key, c);
    }
    return c;
  };
  const findCover = (cover: Cover, later: Block): { block: Block; directive: Directive } | undefined => {
    if (cover.universal !== undefined) {
      return cover.universal;
    }
    if (later.kind !== 'host') {
      return undefined;
    }
    let found: { block: Block; directive: Directive } | undefined;
    for (const lp of later.patterns) {
      if (lp.negated) {
        continue;
      }
      const hit =
        (hasWildcard(lp.pattern) ? undefined : cover.literal.get(lp.pattern)) ??
        cover.wildcard.find((w) => w.block.patterns.some((ep) => ep.pattern === lp.pattern || (!hasWildcard(lp.pattern) && matchPattern(lp.pattern, ep.pattern))));
      if (hit === undefined) {
        return undefined;
      }
      found ??= hit;
    }
    return found;
  };
  const setHereKeys: string[] = [];
  const setHereDirectives: Directive[] = [];
  for (const block of ctx.model.blocks) {
    setHereKeys.length = 0;
    setHereDirectives.length = 0;
    for (const d of block.directives) {
      if (d.info === undefined || d.info.multi || d.line.error !== undefined) {
        continue;
      }
      const key = canonicalKey(d);
      if (setHereKeys.includes(key)) {
        continue; // a duplicate within the block: duplicate-keyword's business
      }
      setHereKeys.push(key);
      setHereDirectives.push(d);
      const cover = covers.get(key);
      const hit = cover === undefined || block.kind === 'global' ? undefined : findCover(cover, block);
      if (hit !== undefined && d.info !== undefined) {
        const earlier = hit.block;
        const where = earlier.kind === 'global' ? 'the top of the file (before any Host block)' : `"${headerText(earlier.header)}" on line ${earlier.header.line + 1}`;
        ctx.report(
          'shadowed-setting',
          directiveRange(d),
          `Never takes effect: ${where} already sets ${d.info.name} (${hit.directive.args.map((a) => a.raw).join(' ')}) for every host this block matches, and ssh uses the first value it finds. Put general defaults such as "Host *" at the end of the file.`,
        );
      }
    }
    for (let k = 0; k < setHereKeys.length; k++) {
      const key = setHereKeys[k] as string;
      const directive = setHereDirectives[k] as Directive;
      const cover = coverOf(key);
      if (isUniversal(block)) {
        cover.universal ??= { block, directive };
      } else if (block.kind === 'host' && block.patterns.every((p) => !p.negated)) {
        if (block.patterns.some((p) => hasWildcard(p.pattern))) {
          cover.wildcard.push({ block, directive });
        }
        for (const p of block.patterns) {
          if (!hasWildcard(p.pattern) && !cover.literal.has(p.pattern)) {
            cover.literal.set(p.pattern, { block, directive });
          }
        }
      }
    }
  }
}

function ipqos(ctx: Context): void {
  for (const d of allDirectives(ctx.model)) {
    if (d.key !== 'ipqos' || d.args.length === 0) {
      continue;
    }
    const legacy = d.args.filter((a) => ['lowdelay', 'throughput', 'reliability'].includes(a.value.toLowerCase()));
    if (legacy.length === 0) {
      continue;
    }
    const ignored = compareOpenSshVersions(ctx.version, '10.1') >= 0;
    ctx.report(
      'ipqos-deprecated',
      rangeOf(d.args),
      `IPQoS ${legacy.map((a) => a.value).join(' ')} uses IPv4 type-of-service names, which OpenSSH 10.1 and later ignore${ignored ? '' : ' (this OpenSSH still honours them)'}. ` +
        'The old advice to set "IPQoS throughput" against broken pipes worked around middleboxes that mishandled DSCP marks; "IPQoS none" sends no marking at all.',
      [replaceFix('Change to IPQoS none', rangeOf(d.args), 'none')],
      ignored ? 'warning' : 'info',
    );
  }
}

// ---------------------------------------------------------------- server semantics

function serverSemantics(ctx: Context): void {
  // Unconditional sections in evaluation order: this file's top and what it includes there.
  const unconditional = ctx.evaluated.blocks.filter((b) => b.kind === 'global' && b.outer === undefined);
  const get = (key: string): Directive | undefined => {
    for (const b of unconditional) {
      const d = b.directives.find((x) => x.key === key && x.line.error === undefined);
      if (d !== undefined) {
        return d;
      }
    }
    return undefined;
  };
  const interval = get('clientaliveinterval');
  const count = get('clientalivecountmax');
  const seconds = interval === undefined ? 0 : (parseTime(interval.args[0]?.value ?? '') ?? 0);
  const firstMatch = ctx.model.blocks.find((b) => b.kind === 'match');
  // A value set in an included file is the user's choice there; nothing here to point at or fix.
  if (seconds === 0 && (interval === undefined || ctx.isLocal(interval))) {
    const lines = ctx.model.tokens.lines;
    const firstLine = lines.find((l) => l.keyword !== undefined) ?? (lines[0] as Line);
    const edits: TextEdit[] = [];
    const text = `ClientAliveInterval ${recommended.clientAliveInterval}${ctx.eol}` + (count === undefined ? `ClientAliveCountMax ${recommended.clientAliveCountMax}${ctx.eol}` : '');
    if (interval !== undefined) {
      edits.push({ range: rangeOf(interval.args), newText: recommended.clientAliveInterval });
    } else if (firstMatch !== undefined && firstMatch.kind === 'match') {
      // Global options must come before the first Match block, or they would be conditional.
      const at = { line: firstMatch.header.line, character: 0 };
      edits.push({ range: { start: at, end: at }, newText: text });
    } else {
      const last = lines[lines.length - 1] as Line;
      const at = ctx.model.tokens.finalNewline ? { line: last.line + 1, character: 0 } : { line: last.line, character: last.text.length };
      edits.push({ range: { start: at, end: at }, newText: ctx.model.tokens.finalNewline ? text : ctx.eol + text.slice(0, -ctx.eol.length) });
    }
    ctx.report(
      'clientalive-missing',
      interval === undefined ? { start: { line: firstLine.line, character: 0 }, end: { line: firstLine.line, character: firstLine.text.length } } : directiveRange(interval),
      'No ClientAliveInterval: when a client vanishes (laptop asleep, Wi-Fi gone), its session lingers for hours, and a tmux session stays attached to the ghost and sized to it.',
      [
        {
          kind: 'edit',
          title:
            interval === undefined && count === undefined
              ? `Set ClientAliveInterval ${recommended.clientAliveInterval} and ClientAliveCountMax ${recommended.clientAliveCountMax}`
              : `Set ClientAliveInterval ${recommended.clientAliveInterval}`,
          preferred: true,
          edits,
        },
      ],
    );
  }
  for (const d of allDirectives(ctx.model)) {
    if (d.key === 'clientalivecountmax' && d.args[0]?.value === '0') {
      ctx.report(
        'clientalive-countmax-zero',
        directiveRange(d),
        'ClientAliveCountMax 0 does not drop idle clients: in current sshd it disables disconnection altogether, so dead sessions are never cleaned up. To end idle sessions use ChannelTimeout or UnusedConnectionTimeout (OpenSSH 9.2+).',
        [replaceFix(`Change to ClientAliveCountMax ${recommended.clientAliveCountMax}`, rangeOf(d.args), recommended.clientAliveCountMax)],
      );
    }
  }
  const tcp = get('tcpkeepalive');
  if (tcp !== undefined && ctx.isLocal(tcp) && tcp.args[0]?.value.toLowerCase() === 'no' && seconds === 0) {
    ctx.report('tcpkeepalive-off-no-alive', directiveRange(tcp), 'TCPKeepAlive no without ClientAliveInterval: nothing ever checks an idle connection, so a dead client is never noticed.');
  }
}

// ---------------------------------------------------------------- words

function sideName(ctx: Context): string {
  return ctx.model.side === 'client' ? 'ssh' : 'sshd';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
