/**
 * The linter's view of a config: blocks and directives as indexes into a
 * ScannedConfig, keywords as catalogue ids. The same structure as model.ts's
 * ConfigModel (which editors and tests use), without an object per line, so
 * linting a 50,000-host file allocates a few arrays instead of millions of
 * objects that the garbage collector would have to copy and mark.
 */
import type { KeywordInfo, Side } from './keywords';
import { keywordTable, type KeywordTable } from './keywordTable';
import { scanConfig, type Range, type ScannedConfig } from './tokenizer';

/** What kind of section a block is (IndexedConfig.blockKind). */
export const enum BlockKind {
  Global = 0,
  Host = 1,
  Match = 2,
}

/** Host block properties the rules ask about (bit flags in IndexedConfig.hostFlags; read them through its methods). */
const enum HostFlag {
  /** Some pattern is negated (`!name`). */
  Negation = 1,
  /** Some pattern has `*` or `?`. */
  Wildcard = 2,
  /** Some positive pattern is exactly `*`. */
  Star = 4,
  /** Some positive pattern has no wildcard. */
  Literal = 8,
}

/** A Match criterion, by argument index. */
export interface Criterion {
  /** Lower-case name (`all`, `host`, …). */
  readonly name: string;
  readonly negated: boolean;
  /** Argument index of the criterion word. */
  readonly token: number;
  /** Argument index of its argument, -1 when it takes none or none follows. */
  readonly arg: number;
}

/** A Host pattern: `!` removed, as readconf.c reads it; `arg` is its argument index. */
export interface HostPatternText {
  readonly pattern: string;
  readonly negated: boolean;
  readonly arg: number;
}

/** Criteria that take no argument (readconf.c / servconf.c match_cfg_line). */
const bareCriteria = new Set(['all', 'canonical', 'final', 'invalid-user']);

/**
 * One file's blocks and directives by number: directive `d` is line
 * `dirLine[d]` with keyword id `dirKw[d]`; block `b` (0 is the part before the
 * first Host/Match line) holds directives `blockFrom[b]` to `blockTo[b]`.
 */
export class IndexedConfig {
  readonly scan: ScannedConfig;
  readonly table: KeywordTable;
  readonly dirCount: number;
  /** Line of each directive. */
  readonly dirLine: Int32Array;
  /** Catalogue id of each directive's keyword, -1 when the side does not know it. */
  readonly dirKw: Int32Array;
  readonly blockCount: number;
  readonly blockKind: Uint8Array;
  /** Header line of each block (-1 for the global section). */
  readonly blockHeader: Int32Array;
  /** Each block's directives: [blockFrom, blockTo). */
  readonly blockFrom: Int32Array;
  readonly blockTo: Int32Array;
  /** HostFlag bits of each Host block. */
  readonly hostFlags: Uint8Array;
  private readonly criteriaCache = new Map<number, readonly Criterion[]>();
  private readonly patternCache: (readonly HostPatternText[] | undefined)[];

  constructor(
    readonly text: string,
    readonly side: Side,
  ) {
    const scan = scanConfig(text);
    this.scan = scan;
    const table = keywordTable(side);
    this.table = table;
    const lines = scan.lineCount;
    // Keyword ids per line first (-2: no keyword), to size the block arrays.
    const lineKw = new Int32Array(lines);
    let blocks = 1;
    let directives = 0;
    for (let l = 0; l < lines; l++) {
      if ((scan.kwStart[l] as number) < 0) {
        lineKw[l] = -2;
        continue;
      }
      const odd = scan.keywordWithQuote(l);
      const id = odd === undefined ? table.lookup(text, scan.keywordValueStart(l), scan.keywordValueEnd(l)) : table.lookup(odd, 0, odd.length);
      lineKw[l] = id;
      if (id !== -1 && (id === table.hostId || id === table.matchId)) {
        blocks++;
      } else {
        directives++;
      }
    }
    const dirLine = new Int32Array(directives);
    const dirKw = new Int32Array(directives);
    const blockKind = new Uint8Array(blocks);
    const blockHeader = new Int32Array(blocks);
    const blockFrom = new Int32Array(blocks);
    const blockTo = new Int32Array(blocks);
    const hostFlags = new Uint8Array(blocks);
    blockHeader[0] = -1;
    let b = 0;
    let d = 0;
    for (let l = 0; l < lines; l++) {
      const id = lineKw[l] as number;
      if (id === -2) {
        continue;
      }
      if (id !== -1 && (id === table.hostId || id === table.matchId)) {
        blockTo[b] = d;
        b++;
        blockKind[b] = id === table.hostId ? BlockKind.Host : BlockKind.Match;
        blockHeader[b] = l;
        blockFrom[b] = d;
        if (id === table.hostId) {
          hostFlags[b] = this.flagsOf(l);
        }
        continue;
      }
      dirLine[d] = l;
      dirKw[d] = id;
      d++;
    }
    blockTo[b] = d;
    this.dirCount = d;
    this.dirLine = dirLine;
    this.dirKw = dirKw;
    this.blockCount = blocks;
    this.blockKind = blockKind;
    this.blockHeader = blockHeader;
    this.blockFrom = blockFrom;
    this.blockTo = blockTo;
    this.hostFlags = hostFlags;
    this.patternCache = new Array<readonly HostPatternText[] | undefined>(blocks);
  }

  private flagsOf(header: number): number {
    const scan = this.scan;
    const first = scan.argFirst[header] as number;
    const end = first + (scan.argCount[header] as number);
    let flags = 0;
    for (let a = first; a < end; a++) {
      const s = this.argText(a);
      const from = this.argOffset(a);
      const to = from + this.argLength(a);
      const negated = from < to && s.charCodeAt(from) === 33; /* ! */
      let wild = false;
      for (let i = negated ? from + 1 : from; i < to; i++) {
        const c = s.charCodeAt(i);
        if (c === 42 || c === 63) {
          wild = true;
          break;
        }
      }
      if (negated) {
        flags |= HostFlag.Negation | (wild ? HostFlag.Wildcard : 0);
      } else {
        flags |= wild ? HostFlag.Wildcard : HostFlag.Literal;
        if (to - from === 1 && s.charCodeAt(from) === 42) {
          flags |= HostFlag.Star;
        }
      }
    }
    return flags;
  }

  /** The string holding argument `a`'s value (the source, or its unquoted copy), from `argOffset(a)` on for `argLength(a)` units. */
  argText(a: number): string {
    const v = this.scan.argValueIndex[a] as number;
    return v < 0 ? this.text : (this.scan.values[v] as string);
  }

  argOffset(a: number): number {
    return (this.scan.argValueIndex[a] as number) < 0 ? (this.scan.argStart[a] as number) : 0;
  }

  isHost(b: number): boolean {
    return this.blockKind[b] === BlockKind.Host;
  }

  isMatch(b: number): boolean {
    return this.blockKind[b] === BlockKind.Match;
  }

  /** The section before the first Host/Match line. */
  isGlobal(b: number): boolean {
    return this.blockKind[b] === BlockKind.Global;
  }

  /** A Host block with a negated pattern (`!name`). */
  hasNegation(b: number): boolean {
    return ((this.hostFlags[b] as number) & HostFlag.Negation) !== 0;
  }

  /** A Host block with a positive pattern without `*`/`?`. */
  hasLiteral(b: number): boolean {
    return ((this.hostFlags[b] as number) & HostFlag.Literal) !== 0;
  }

  /** A Host block with `*`/`?` in a pattern and no negation. */
  isWildcardHost(b: number): boolean {
    return ((this.hostFlags[b] as number) & (HostFlag.Negation | HostFlag.Wildcard)) === HostFlag.Wildcard;
  }

  /** A Host block that matches every host: a `*` pattern and no negation. */
  isStarHost(b: number): boolean {
    return ((this.hostFlags[b] as number) & (HostFlag.Negation | HostFlag.Star)) === HostFlag.Star;
  }

  /** A Host block whose patterns are all plain names (no `*`, `?` or `!`). */
  isLiteralOnlyHost(b: number): boolean {
    return this.blockKind[b] === BlockKind.Host && ((this.hostFlags[b] as number) & (HostFlag.Negation | HostFlag.Wildcard)) === 0;
  }

  /** Character `k` of argument `a`'s value (NaN past its end). */
  argChar(a: number, k: number): number {
    const scan = this.scan;
    const v = scan.argValueIndex[a] as number;
    if (v < 0) {
      const at = (scan.argStart[a] as number) + k;
      return at < (scan.argEnd[a] as number) ? this.text.charCodeAt(at) : Number.NaN;
    }
    return (scan.values[v] as string).charCodeAt(k);
  }

  argLength(a: number): number {
    const scan = this.scan;
    const v = scan.argValueIndex[a] as number;
    return v < 0 ? (scan.argEnd[a] as number) - (scan.argStart[a] as number) : (scan.values[v] as string).length;
  }

  info(d: number): KeywordInfo | undefined {
    const id = this.dirKw[d] as number;
    return id < 0 ? undefined : this.table.infos[id];
  }

  /** The lower-case keyword, as OpenSSH compares it. */
  key(d: number): string {
    const id = this.dirKw[d] as number;
    return id >= 0 ? (this.table.lower[id] as string) : (this.scan.keyword(this.dirLine[d] as number) as string).toLowerCase();
  }

  /** The keyword an alias stands for (its own id otherwise); -1 for unknown keywords. */
  canonical(d: number): number {
    const id = this.dirKw[d] as number;
    return id < 0 ? -1 : (this.table.canonical[id] as number);
  }

  hasError(d: number): boolean {
    return this.scan.errorKind[this.dirLine[d] as number] !== 0;
  }

  argFirst(d: number): number {
    return this.scan.argFirst[this.dirLine[d] as number] as number;
  }

  argCount(d: number): number {
    return this.scan.argCount[this.dirLine[d] as number] as number;
  }

  /** The value of the directive's first argument, or undefined. */
  firstValue(d: number): string | undefined {
    return this.argCount(d) === 0 ? undefined : this.scan.argValue(this.argFirst(d));
  }

  keywordRange(d: number): Range {
    return this.scan.keywordRange(this.dirLine[d] as number);
  }

  /** Keyword through last argument. */
  directiveRange(d: number): Range {
    return this.headerRange(this.dirLine[d] as number);
  }

  /** Keyword through last argument of any line with a keyword. */
  headerRange(line: number): Range {
    const scan = this.scan;
    const count = scan.argCount[line] as number;
    const end = count === 0 ? (scan.kwEnd[line] as number) : (scan.argEnd[(scan.argFirst[line] as number) + count - 1] as number);
    return scan.range(line, scan.kwStart[line] as number, end);
  }

  /** The directive's arguments from the `from`-th on, first to last. */
  argsRange(d: number, from = 0): Range {
    const scan = this.scan;
    const line = this.dirLine[d] as number;
    const first = scan.argFirst[line] as number;
    const count = scan.argCount[line] as number;
    return scan.range(line, scan.argStart[first + from] as number, scan.argEnd[first + count - 1] as number);
  }

  /** The arguments as written, joined by spaces. */
  argsRaw(line: number): string {
    const scan = this.scan;
    const first = scan.argFirst[line] as number;
    const parts: string[] = [];
    for (let a = first; a < first + (scan.argCount[line] as number); a++) {
      parts.push(scan.argRaw(a));
    }
    return parts.join(' ');
  }

  /** `Host a b`: the header's keyword and arguments as written. */
  headerText(line: number): string {
    const scan = this.scan;
    const parts = [scan.keyword(line) ?? ''];
    const first = scan.argFirst[line] as number;
    for (let a = first; a < first + (scan.argCount[line] as number); a++) {
      parts.push(scan.argRaw(a));
    }
    return parts.join(' ');
  }

  /** A Host pattern without its `!`. */
  pattern(a: number): string {
    const v = this.scan.argValue(a);
    return v.startsWith('!') ? v.slice(1) : v;
  }

  /** A Host block's patterns, as readconf.c reads them. */
  hostPatterns(b: number): readonly HostPatternText[] {
    let hit = this.patternCache[b];
    if (hit === undefined) {
      const scan = this.scan;
      const header = this.blockHeader[b] as number;
      const first = scan.argFirst[header] as number;
      const out: HostPatternText[] = [];
      for (let a = first; a < first + (scan.argCount[header] as number); a++) {
        const value = scan.argValue(a);
        const negated = value.startsWith('!');
        out.push({ pattern: negated ? value.slice(1) : value, negated, arg: a });
      }
      hit = out;
      this.patternCache[b] = hit;
    }
    return hit;
  }

  /** A Match block's criteria, as readconf.c reads them. */
  criteria(b: number): readonly Criterion[] {
    let hit = this.criteriaCache.get(b);
    if (hit === undefined) {
      const scan = this.scan;
      const header = this.blockHeader[b] as number;
      const first = scan.argFirst[header] as number;
      const end = first + (scan.argCount[header] as number);
      const out: Criterion[] = [];
      for (let a = first; a < end; a++) {
        const value = scan.argValue(a);
        const negated = value.startsWith('!');
        const name = (negated ? value.slice(1) : value).toLowerCase();
        const token = a;
        const arg = bareCriteria.has(name) || a + 1 >= end ? -1 : a + 1;
        if (arg !== -1) {
          a++;
        }
        out.push({ name, negated, token, arg });
      }
      hit = out;
      this.criteriaCache.set(b, hit);
    }
    return hit;
  }
}

/** Scans and indexes a config for the linter. */
export function indexConfig(text: string, side: Side): IndexedConfig {
  return new IndexedConfig(text, side);
}
