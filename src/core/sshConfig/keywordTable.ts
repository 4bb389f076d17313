/**
 * Keyword lookup by position in the text, for the linter's hot path: a
 * keyword is found from its characters without slicing or lower-casing a
 * string per line. Ids are indexes into the side's catalogue (keywords.ts).
 */
import { clientKeywords, serverKeywords, type KeywordInfo, type Side } from './keywords';

/** One side's catalogue, indexed by keyword id. */
export interface KeywordTable {
  readonly side: Side;
  readonly infos: readonly KeywordInfo[];
  /** Lower-case names, as OpenSSH compares them. */
  readonly lower: readonly string[];
  /** The id an alias stands for (its `aliasOf`), else the keyword's own id. */
  readonly canonical: Int32Array;
  /** Id of `host` and `match` (the keywords that open blocks), -1 when the side has none. */
  readonly hostId: number;
  readonly matchId: number;
  readonly includeId: number;
  /**
   * The id of the keyword written at `text[start, end)`, compared as
   * `String.prototype.toLowerCase` does (so non-ASCII spellings that lower-case
   * to a keyword are found, as the rest of the linter always has); -1 if unknown.
   */
  lookup(text: string, start: number, end: number): number;
}

/** Names are bucketed by length and first letter; longer words are never keywords. */
const MAX_LENGTH = 64;

function build(side: Side, infos: readonly KeywordInfo[]): KeywordTable {
  const lower = infos.map((i) => i.name.toLowerCase());
  const byName = new Map<string, number>(lower.map((n, id) => [n, id]));
  const canonical = new Int32Array(infos.length);
  infos.forEach((info, id) => {
    canonical[id] = info.aliasOf === undefined ? id : (byName.get(info.aliasOf.toLowerCase()) ?? id);
  });
  const bucketOf = (length: number, first: number): number => length * 26 + (first - 97);
  const lists: number[][] = Array.from({ length: MAX_LENGTH * 26 }, () => []);
  lower.forEach((name, id) => {
    lists[bucketOf(name.length, name.charCodeAt(0))]?.push(id);
  });
  // Compressed buckets: ids of bucket k are ids[starts[k] … starts[k + 1]).
  const starts = new Int32Array(lists.length + 1);
  const ids = new Int32Array(infos.length);
  let n = 0;
  lists.forEach((list, k) => {
    starts[k] = n;
    for (const id of list) {
      ids[n++] = id;
    }
  });
  starts[lists.length] = n;
  // toLowerCase maps one non-ASCII letter onto an ASCII one (KELVIN SIGN → k): such words take the slow path.
  const slow = (text: string, start: number, end: number): number => byName.get(text.slice(start, end).toLowerCase()) ?? -1;
  const lookup = (text: string, start: number, end: number): number => {
    const len = end - start;
    if (len === 0) {
      return -1;
    }
    let c0 = text.charCodeAt(start);
    if (c0 > 127) {
      return slow(text, start, end);
    }
    if (c0 >= 65 && c0 <= 90) {
      c0 |= 32;
    }
    if (c0 < 97 || c0 > 122 || len >= MAX_LENGTH) {
      return -1;
    }
    const k = bucketOf(len, c0);
    for (let i = starts[k] as number; i < (starts[k + 1] as number); i++) {
      const id = ids[i] as number;
      const name = lower[id] as string;
      let j = 1;
      for (; j < len; j++) {
        let c = text.charCodeAt(start + j);
        if (c > 127) {
          return slow(text, start, end);
        }
        if (c >= 65 && c <= 90) {
          c |= 32;
        }
        if (c !== name.charCodeAt(j)) {
          break;
        }
      }
      if (j === len) {
        return id;
      }
    }
    return -1;
  };
  return {
    side,
    infos,
    lower,
    canonical,
    hostId: side === 'client' ? (byName.get('host') ?? -1) : -1,
    matchId: byName.get('match') ?? -1,
    includeId: byName.get('include') ?? -1,
    lookup,
  };
}

const tables: Record<Side, KeywordTable> = { client: build('client', clientKeywords), server: build('server', serverKeywords) };

/** The lookup table of one side's catalogue (built once per process). */
export function keywordTable(side: Side): KeywordTable {
  return tables[side];
}

/**
 * Whether `text[start, end)` lower-cases to one of `words` (lower-case), as
 * `words.includes(value.toLowerCase())` would say, without building strings
 * for ASCII text.
 */
export function lowerIn(text: string, start: number, end: number, words: readonly string[]): boolean {
  const len = end - start;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) > 127) {
      return words.includes(text.slice(start, end).toLowerCase());
    }
  }
  for (const w of words) {
    if (w.length !== len) {
      continue;
    }
    let i = 0;
    for (; i < len; i++) {
      let c = text.charCodeAt(start + i);
      if (c >= 65 && c <= 90) {
        c |= 32;
      }
      if (c !== w.charCodeAt(i)) {
        break;
      }
    }
    if (i === len) {
      return true;
    }
  }
  return false;
}
