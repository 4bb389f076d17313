import { keyword, type KeywordInfo, type Side } from './keywords';
import { tokenize, type Line, type Range, type Token, type TokenizedConfig } from './tokenizer';

/** One option line, e.g. `ServerAliveInterval 30`. */
export interface Directive {
  readonly line: Line;
  readonly keyword: Token;
  /** Lower-case keyword, as OpenSSH compares it. */
  readonly key: string;
  /** Catalogue entry on the file's side, when the keyword is known there. */
  readonly info: KeywordInfo | undefined;
  readonly args: readonly Token[];
}

/** A `Host` pattern: `!` negation removed, as readconf.c reads it. */
export interface HostPattern {
  readonly pattern: string;
  readonly negated: boolean;
  readonly token: Token;
}

export interface MatchCriterion {
  /** Lower-case criterion name (`all`, `host`, `exec`, …). */
  readonly name: string;
  readonly negated: boolean;
  readonly token: Token;
  /** The criterion's argument (a pattern list or a command), when it takes one. */
  readonly arg: Token | undefined;
}

/**
 * A section of the file. `outer` is set on sections that come from an
 * `Include` inside a Host/Match block: they apply only where that block does
 * too (readconf.c SSHCONF_NEVERMATCH).
 */
export type Block =
  | { readonly kind: 'global'; readonly directives: Directive[]; readonly outer?: Block }
  | { readonly kind: 'host'; readonly header: Line; readonly patterns: readonly HostPattern[]; readonly directives: Directive[]; readonly outer?: Block }
  | { readonly kind: 'match'; readonly header: Line; readonly criteria: readonly MatchCriterion[]; readonly directives: Directive[]; readonly outer?: Block };

export interface ConfigModel {
  readonly side: Side;
  readonly tokens: TokenizedConfig;
  /** The global section (possibly empty) first, then every Host/Match block in file order. */
  readonly blocks: readonly Block[];
}

/** Criteria that take no argument (readconf.c / servconf.c match_cfg_line). */
const bareCriteria = new Set(['all', 'canonical', 'final', 'invalid-user']);

export function buildModel(text: string, side: Side): ConfigModel {
  const tokens = tokenize(text);
  const global: Block = { kind: 'global', directives: [] };
  const blocks: Block[] = [global];
  let current: Block = global;
  for (const line of tokens.lines) {
    if (line.keyword === undefined) {
      continue;
    }
    const key = line.keyword.value.toLowerCase();
    if (key === 'host' && side === 'client') {
      current = {
        kind: 'host',
        header: line,
        patterns: line.args.map((token) => ({
          negated: token.value.startsWith('!'),
          pattern: token.value.startsWith('!') ? token.value.slice(1) : token.value,
          token,
        })),
        directives: [],
      };
      blocks.push(current);
      continue;
    }
    if (key === 'match') {
      current = { kind: 'match', header: line, criteria: parseCriteria(line.args), directives: [] };
      blocks.push(current);
      continue;
    }
    current.directives.push({ line, keyword: line.keyword, key, info: keyword(side, key), args: line.args });
  }
  return { side, tokens, blocks };
}

function parseCriteria(args: readonly Token[]): MatchCriterion[] {
  const out: MatchCriterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as Token;
    const negated = token.value.startsWith('!');
    const name = (negated ? token.value.slice(1) : token.value).toLowerCase();
    const arg = bareCriteria.has(name) ? undefined : args[i + 1];
    if (arg !== undefined) {
      i++;
    }
    out.push({ name, negated, token, arg });
  }
  return out;
}

/**
 * OpenSSH's `match_pattern`: `*` and `?` wildcards, matched against the whole
 * string, case-sensitively (Host patterns are compared with the name as typed).
 */
export function matchPattern(text: string, pattern: string): boolean {
  // Iterative glob with backtracking on the last '*'.
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') {
    p++;
  }
  return p === pattern.length;
}

/** readconf.c `oHost`: a negated match excludes the block; otherwise any positive match includes it. */
/**
 * match.c `match_pattern_list`: comma-separated patterns, `!` negates; 1 when a
 * positive pattern matches, -1 when a negated one does (that wins), else 0.
 * `dolower` lower-cases the patterns (the text is lower-cased by the caller).
 */
export function matchPatternList(text: string, list: string, dolower: boolean): -1 | 0 | 1 {
  let got: 0 | 1 = 0;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    let pattern = negated ? raw.slice(1) : raw;
    if (dolower) {
      pattern = pattern.toLowerCase();
    }
    if (matchPattern(text, pattern)) {
      if (negated) {
        return -1;
      }
      got = 1;
    }
  }
  return got;
}

export function hostBlockMatches(patterns: readonly Pick<HostPattern, 'pattern' | 'negated'>[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (matchPattern(host, p.pattern)) {
      if (p.negated) {
        return false;
      }
      matched = true;
    }
  }
  return matched;
}

/** The range of a whole block header line's keyword and arguments. */
export function headerRange(line: Line): Range {
  const last = line.args[line.args.length - 1];
  return { start: (line.keyword as Token).range.start, end: (last ?? (line.keyword as Token)).range.end };
}

/**
 * A host name that the block's patterns match, for evaluating what applies to
 * "a host of this block": the first positive pattern with wildcards filled in,
 * checked against the negations. Undefined when no such name is found.
 */
export function sampleHost(patterns: readonly Pick<HostPattern, 'pattern' | 'negated'>[]): string | undefined {
  for (const p of patterns) {
    if (p.negated) {
      continue;
    }
    const candidates = [p.pattern.replace(/\*/g, 'x').replace(/\?/g, 'x'), p.pattern.replace(/\*/g, 'lifeline-sample').replace(/\?/g, 'z'), p.pattern.replace(/[*?]/g, '')];
    for (const c of candidates) {
      if (c !== '' && hostBlockMatches(patterns, c)) {
        return c;
      }
    }
  }
  return undefined;
}
