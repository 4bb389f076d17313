/**
 * What OpenSSH evaluates for a file: its sections in order, with every
 * readable Include spliced in where it stands (a block is split around the
 * Include line so first-value-wins order holds), and first-value-wins lookups
 * of a keyword for a host name. Works on IndexedConfig; directives are
 * referred to by number (`ref`), the linted file's own directives being
 * 0 … dirCount − 1.
 */
import { includePattern, MAX_INCLUDE_DEPTH, type IncludeContext, type LoadConfig } from './includes';
import type { IndexedConfig } from './indexedConfig';
import { hostBlockMatches, matchPatternList } from './model';

/** Whether a block applies to a connection; Match blocks we cannot decide statically are "maybe". */
export type Applies = 'yes' | 'no' | 'maybe';

/**
 * Host blocks by the literal names in their patterns (positive, no `*`/`?`),
 * without building a string per pattern: names are hashed from the text and
 * compared in place. Each distinct name is a group holding the ascending
 * numbers of the blocks that name it.
 */
export class LiteralNames {
  private slots: Int32Array;
  private mask: number;
  private groups = 0;
  /** Per group: where a representative copy of the name is (string, offset, length), its hash, its first block. */
  private readonly groupText: string[] = [];
  private groupFrom: Int32Array;
  private groupLength: Int32Array;
  private groupHash: Int32Array;
  private groupFirst: Int32Array;
  /** All blocks of the groups that more than one block names. */
  private readonly shared = new Map<number, number[]>();
  /** Per argument of each model added: its group, -1 when it is not a literal name. */
  private readonly models: IndexedConfig[] = [];
  private readonly argGroups: Int32Array[] = [];

  constructor(expected = 16) {
    let size = 64;
    while (size < expected * 4) {
      size *= 2;
    }
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const cap = size >> 1;
    this.groupFrom = new Int32Array(cap);
    this.groupLength = new Int32Array(cap);
    this.groupHash = new Int32Array(cap);
    this.groupFirst = new Int32Array(cap);
  }

  private groupsOf(model: IndexedConfig): Int32Array {
    let m = this.models.length - 1;
    while (m >= 0 && this.models[m] !== model) {
      m--;
    }
    if (m === -1) {
      this.models.push(model);
      this.argGroups.push(new Int32Array(model.scan.argTotal).fill(-1));
      m = this.models.length - 1;
    }
    return this.argGroups[m] as Int32Array;
  }

  /** Adds block `block` of `model` as number `n`; numbers must be added in ascending order. */
  add(model: IndexedConfig, block: number, n: number): void {
    const scan = model.scan;
    const groups = this.groupsOf(model);
    const header = model.blockHeader[block] as number;
    const first = scan.argFirst[header] as number;
    const end = first + (scan.argCount[header] as number);
    for (let a = first; a < end; a++) {
      const text = model.argText(a);
      const from = model.argOffset(a);
      const len = model.argLength(a);
      if (len === 0 || text.charCodeAt(from) === 33 /* ! */) {
        continue;
      }
      let h = 0;
      let wild = false;
      for (let i = from; i < from + len; i++) {
        const c = text.charCodeAt(i);
        if (c === 42 || c === 63) {
          wild = true;
          break;
        }
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (wild) {
        continue;
      }
      let g = this.find(h, text, from, len);
      if (g === -1) {
        g = this.newGroup(h, text, from, len, n);
      } else if (this.groupFirst[g] !== n) {
        const list = this.shared.get(g);
        if (list === undefined) {
          this.shared.set(g, [this.groupFirst[g] as number, n]);
        } else if (list[list.length - 1] !== n) {
          list.push(n);
        }
      }
      groups[a] = g;
    }
  }

  private newGroup(h: number, text: string, from: number, len: number, n: number): number {
    const g = this.groups++;
    if (g === this.groupFrom.length) {
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.groupFrom = grow(this.groupFrom);
      this.groupLength = grow(this.groupLength);
      this.groupHash = grow(this.groupHash);
      this.groupFirst = grow(this.groupFirst);
    }
    this.groupText.push(text);
    this.groupFrom[g] = from;
    this.groupLength[g] = len;
    this.groupHash[g] = h;
    this.groupFirst[g] = n;
    if (this.groups * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2).fill(-1);
      this.mask = this.slots.length - 1;
      for (let i = 0; i < this.groups; i++) {
        this.place(i, this.groupHash[i] as number);
      }
    } else {
      this.place(g, h);
    }
    return g;
  }

  private place(g: number, h: number): void {
    let s = h & this.mask;
    while (this.slots[s] !== -1) {
      s = (s + 1) & this.mask;
    }
    this.slots[s] = g;
  }

  /** The group whose name is text[from, from + len); -1 if none. */
  private find(h: number, text: string, from: number, len: number): number {
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const g = this.slots[s] as number;
      if (g === -1) {
        return -1;
      }
      if (this.groupHash[g] === h && this.groupLength[g] === len && sameText(this.groupText[g] as string, this.groupFrom[g] as number, text, from, len)) {
        return g;
      }
    }
  }

  /** The group of a name given as a string; -1 when no block names it. */
  group(name: string): number {
    let h = 0;
    for (let k = 0; k < name.length; k++) {
      h = (Math.imul(h, 31) + name.charCodeAt(k)) | 0;
    }
    return name.length === 0 ? -1 : this.find(h, name, 0, name.length);
  }

  /** The group of a pattern argument of a model added; -1 when it is not a literal name. */
  groupOfArg(model: IndexedConfig, a: number): number {
    for (let m = 0; m < this.models.length; m++) {
      if (this.models[m] === model) {
        return (this.argGroups[m] as Int32Array)[a] ?? -1;
      }
    }
    return -1;
  }

  /** The numbers of the blocks naming a group, ascending: one number in the common case. */
  blocks(g: number): number | readonly number[] {
    if (g < 0) {
      return NONE;
    }
    return this.shared.size === 0 ? (this.groupFirst[g] as number) : (this.shared.get(g) ?? (this.groupFirst[g] as number));
  }

  /** The first block naming a group. */
  firstBlock(g: number): number {
    return this.groupFirst[g] as number;
  }
}

const NONE: readonly number[] = [];

function sameText(a: string, aFrom: number, b: string, bFrom: number, len: number): boolean {
  for (let k = 0; k < len; k++) {
    if (a.charCodeAt(aFrom + k) !== b.charCodeAt(bFrom + k)) {
      return false;
    }
  }
  return true;
}

/**
 * The sections OpenSSH evaluates for one file, in order (the file's blocks,
 * split around Include lines with the included files' blocks in between),
 * and first-value-wins lookups over them.
 */
export class Evaluation {
  /** Files: the linted one first, then included ones. */
  private readonly sources: IndexedConfig[] = [];
  private readonly bases: number[] = [];
  /** Per file: the reference of the Include directive that brought it in (-1 for the linted file). */
  private readonly includedBy: number[] = [];
  private nextBase = 0;
  // Entries: sections in evaluation order, plus the whole blocks that sections from an Include inside them depend on.
  private readonly entrySrc: number[] = [];
  private readonly entryBlock: number[] = [];
  private readonly entryFrom: number[] = [];
  private readonly entryTo: number[] = [];
  private readonly entryOuter: number[] = [];
  /** Entries in evaluation order. */
  readonly order: number[] = [];
  private general: Map<number, number[]> | undefined;
  private names: LiteralNames | undefined;
  private literalOnlyCache: Uint8Array | undefined;
  /** The file alone: entry n is block n. */
  private alone = false;

  private constructor(readonly local: IndexedConfig) {
    this.source(local);
  }

  /** The file alone: its blocks are the sections. `names` may be a literal-name index of its Host blocks. */
  static single(model: IndexedConfig, names?: LiteralNames): Evaluation {
    const e = new Evaluation(model);
    e.alone = true;
    for (let b = 0; b < model.blockCount; b++) {
      e.order.push(e.entry(0, b, model.blockFrom[b] as number, model.blockTo[b] as number, -1));
    }
    if (names !== undefined) {
      e.names = names;
    }
    return e;
  }

  /** The file with its includes spliced in (readconf.c: Include inside Host/Match is conditional on it). */
  static expand(model: IndexedConfig, ctx: IncludeContext, load: LoadConfig): Evaluation {
    const e = new Evaluation(model);
    e.expandInto(0, ctx, load, -1, [ctx.path], 0);
    return e;
  }

  private source(model: IndexedConfig): number {
    this.sources.push(model);
    this.includedBy.push(-1);
    this.bases.push(this.nextBase);
    this.nextBase += model.dirCount;
    return this.sources.length - 1;
  }

  private entry(src: number, block: number, from: number, to: number, outer: number): number {
    this.entrySrc.push(src);
    this.entryBlock.push(block);
    this.entryFrom.push(from);
    this.entryTo.push(to);
    this.entryOuter.push(outer);
    return this.entrySrc.length - 1;
  }

  private expandInto(src: number, ctx: IncludeContext, load: LoadConfig, outer: number, chain: readonly string[], depth: number): void {
    const model = this.sources[src] as IndexedConfig;
    const includeId = model.table.includeId;
    for (let b = 0; b < model.blockCount; b++) {
      const from = model.blockFrom[b] as number;
      const to = model.blockTo[b] as number;
      // The whole block, for sections included inside it to depend on; not evaluated itself.
      const own = model.isGlobal(b) ? -1 : this.entry(src, b, from, to, outer);
      let chunk = this.entry(src, b, from, to, outer);
      this.order.push(chunk);
      for (let d = from; d < to; d++) {
        if (includeId < 0 || model.dirKw[d] !== includeId || model.hasError(d)) {
          continue;
        }
        this.entryTo[chunk] = d;
        const enclosing = own === -1 ? outer : own;
        const first = model.argFirst(d);
        for (let a = first; a < first + model.argCount(d); a++) {
          const pattern = includePattern(model.scan.argValue(a), model.side, ctx);
          for (const file of pattern === undefined ? NONE_PATHS : ctx.files.glob(pattern)) {
            if (chain.includes(file) || depth + 1 > MAX_INCLUDE_DEPTH) {
              continue;
            }
            const included = load(file);
            if (included !== undefined) {
              const inner = this.source(included);
              this.includedBy[inner] = (this.bases[src] as number) + d;
              this.expandInto(inner, ctx, load, enclosing, [...chain, file], depth + 1);
            }
          }
        }
        chunk = this.entry(src, b, d + 1, to, outer);
        this.order.push(chunk);
      }
    }
  }

  /** The file and index of a directive reference. */
  model(ref: number): IndexedConfig {
    return this.sources[this.sourceOf(ref)] as IndexedConfig;
  }

  directive(ref: number): number {
    return ref - (this.bases[this.sourceOf(ref)] as number);
  }

  private sourceOf(ref: number): number {
    // The last file whose base is not above ref (files without directives share their base with the next one).
    let s = this.bases.length - 1;
    while (s > 0 && (this.bases[s] as number) > ref) {
      s--;
    }
    return s;
  }

  /**
   * The linted file's Include directive (its index there) through which an
   * entry of an included file was read, following nested includes out to the
   * linted file; -1 for the linted file's own entries.
   */
  localInclude(entry: number): number {
    let ref = this.includedBy[this.entrySrc[entry] as number] as number;
    while (ref !== -1 && this.sourceOf(ref) !== 0) {
      ref = this.includedBy[this.sourceOf(ref)] as number;
    }
    return ref;
  }

  /** The directive references of an entry, in order. */
  refs(entry: number): number[] {
    const base = this.bases[this.entrySrc[entry] as number] as number;
    const out: number[] = [];
    for (let d = this.entryFrom[entry] as number; d < (this.entryTo[entry] as number); d++) {
      out.push(base + d);
    }
    return out;
  }

  isUnconditional(entry: number): boolean {
    return (this.sources[this.entrySrc[entry] as number] as IndexedConfig).isGlobal(this.entryBlock[entry] as number) && this.entryOuter[entry] === -1;
  }

  /**
   * Whether an entry applies to every connection through a `Match all` block
   * (its own block, or one it is included from; the others being global).
   * sshd applies such blocks per connection over the global values.
   */
  isMatchAll(entry: number): boolean {
    let all = false;
    for (let e = entry; e !== -1; e = this.entryOuter[e] as number) {
      const model = this.sources[this.entrySrc[e] as number] as IndexedConfig;
      const b = this.entryBlock[e] as number;
      if (model.isMatch(b)) {
        const criteria = model.criteria(b);
        if (criteria.length !== 1 || criteria[0]?.name !== 'all' || criteria[0].negated) {
          return false;
        }
        all = true;
      } else if (!model.isGlobal(b)) {
        return false;
      }
    }
    return all;
  }

  /** The first directive of `entry` whose keyword has catalogue id `id` (exact, not by alias) and no error; -1 if none. */
  firstWithKeyword(entry: number, id: number): number {
    const src = this.entrySrc[entry] as number;
    const model = this.sources[src] as IndexedConfig;
    const to = this.entryTo[entry] as number;
    for (let d = this.entryFrom[entry] as number; d < to; d++) {
      if (model.dirKw[d] === id && !model.hasError(d)) {
        return (this.bases[src] as number) + d;
      }
    }
    return -1;
  }

  /** The first directive of `entry` setting the keyword `key` (canonical id, aliases included) without error; -1 if none. */
  firstSetter(entry: number, key: number): number {
    const src = this.entrySrc[entry] as number;
    const model = this.sources[src] as IndexedConfig;
    const to = this.entryTo[entry] as number;
    for (let d = this.entryFrom[entry] as number; d < to; d++) {
      if (model.canonical(d) === key && !model.hasError(d)) {
        return (this.bases[src] as number) + d;
      }
    }
    return -1;
  }

  /** Host blocks whose patterns are all literal names, outside any Include-in-block: found by name. */
  private literalOnly(pos: number): boolean {
    let cache = this.literalOnlyCache;
    if (cache === undefined) {
      cache = new Uint8Array(this.order.length);
      for (let p = 0; p < this.order.length; p++) {
        const e = this.order[p] as number;
        const model = this.sources[this.entrySrc[e] as number] as IndexedConfig;
        const b = this.entryBlock[e] as number;
        cache[p] = this.entryOuter[e] === -1 && model.isLiteralOnlyHost(b) ? 1 : 0;
      }
      this.literalOnlyCache = cache;
    }
    return cache[pos] === 1;
  }

  private generalSetters(): Map<number, number[]> {
    if (this.general === undefined) {
      const general = new Map<number, number[]>();
      const stamp = new Int32Array(this.local.table.infos.length).fill(-1);
      for (let pos = 0; pos < this.order.length; pos++) {
        if (this.literalOnly(pos)) {
          continue;
        }
        const e = this.order[pos] as number;
        const src = this.entrySrc[e] as number;
        const model = this.sources[src] as IndexedConfig;
        const to = this.entryTo[e] as number;
        for (let d = this.entryFrom[e] as number; d < to; d++) {
          const key = model.canonical(d);
          if (key < 0 || model.hasError(d) || stamp[key] === pos) {
            continue;
          }
          stamp[key] = pos;
          let list = general.get(key);
          if (list === undefined) {
            list = [];
            general.set(key, list);
          }
          list.push(pos, (this.bases[src] as number) + d);
        }
      }
      this.general = general;
    }
    return this.general;
  }

  private nameIndex(): LiteralNames {
    if (this.names === undefined) {
      const names = new LiteralNames(this.order.length);
      for (let pos = 0; pos < this.order.length; pos++) {
        if (this.literalOnly(pos)) {
          const e = this.order[pos] as number;
          names.add(this.sources[this.entrySrc[e] as number] as IndexedConfig, this.entryBlock[e] as number, pos);
        }
      }
      this.names = names;
    }
    return this.names;
  }

  /** The name group of `host` for {@link effective}: looked up once per host rather than once per keyword. */
  hostGroup(host: string): number {
    return this.nameIndex().group(host);
  }

  /**
   * The name group of a literal pattern (argument `arg`) of one of the linted
   * file's Host blocks, when the evaluation is the file alone (its entries are
   * the file's blocks); undefined otherwise, when the name must be looked up.
   */
  localGroup(arg: number): number | undefined {
    if (!this.alone) {
      return undefined;
    }
    const g = this.nameIndex().groupOfArg(this.local, arg);
    return g === -1 ? undefined : g;
  }

  /**
   * The first value of keyword `key` (canonical id) for `host`, as ssh's
   * first-value-wins evaluation finds it: a directive from a section that
   * certainly applies, else the first from one that may; -1 when none.
   * Visits only the sections that set the key and could match the host.
   */
  effective(host: string, key: number, group = this.hostGroup(host)): number {
    const general = this.generalSetters().get(key) ?? NONE;
    const named = this.nameIndex().blocks(group);
    // One block names the host in the common case: a number, not a list.
    const namedCount = typeof named === 'number' ? 1 : named.length;
    let maybe = -1;
    let g = 0;
    let n = 0;
    while (g < general.length || n < namedCount) {
      const gp = g < general.length ? (general[g] as number) : Number.POSITIVE_INFINITY;
      const np = n >= namedCount ? Number.POSITIVE_INFINITY : typeof named === 'number' ? named : (named[n] as number);
      if (np < gp) {
        n++;
        // A literal-only block that names the host applies to it.
        const ref = this.literalOnly(np) ? this.firstSetter(this.order[np] as number, key) : -1;
        if (ref !== -1) {
          return ref;
        }
        continue;
      }
      const ref = general[g + 1] as number;
      g += 2;
      const applied = this.applies(this.order[gp] as number, host);
      if (applied === 'yes') {
        return ref;
      }
      if (applied === 'maybe' && maybe === -1) {
        maybe = ref;
      }
    }
    return maybe;
  }

  /** Whether an entry applies to a connection to `host` (the name as typed). */
  applies(entry: number, host: string): Applies {
    const own = this.appliesOwn(entry, host);
    const outer = this.entryOuter[entry] as number;
    if (outer === -1 || own === 'no') {
      return own;
    }
    const o = this.applies(outer, host);
    return o === 'no' ? 'no' : o === 'maybe' || own === 'maybe' ? 'maybe' : 'yes';
  }

  private appliesOwn(entry: number, host: string): Applies {
    const model = this.sources[this.entrySrc[entry] as number] as IndexedConfig;
    const b = this.entryBlock[entry] as number;
    if (model.isGlobal(b)) {
      return 'yes';
    }
    if (model.isHost(b)) {
      return hostBlockMatches(model.hostPatterns(b), host) ? 'yes' : 'no';
    }
    let result: Applies = 'yes';
    for (const c of model.criteria(b)) {
      let r: Applies;
      if (c.name === 'all') {
        r = 'yes';
      } else if ((c.name === 'host' || c.name === 'originalhost') && c.arg !== -1) {
        r = matchPatternList(host, model.scan.argValue(c.arg), false) === 1 ? 'yes' : 'no';
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

const NONE_PATHS: readonly string[] = [];

