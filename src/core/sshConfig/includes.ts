import { indexConfig, type IndexedConfig } from './indexedConfig';
import type { Side } from './keywords';
import { buildModel, type Block, type ConfigModel } from './model';
import type { Token } from './tokenizer';

/** File access for following `Include`, supplied by the caller (the core does no I/O). */
export interface IncludeFiles {
  /** Absolute paths matching an absolute glob pattern, in lexical order (OpenSSH sorts glob(3) results). */
  glob(pattern: string): readonly string[];
  /** A file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
}

export interface IncludeContext {
  readonly files: IncludeFiles;
  /** Absolute path of the file being linted. */
  readonly path: string;
  /** The user's home directory (for `~` and for relative client includes). */
  readonly home: string;
  /** Environment for `${VAR}` (OpenSSH 9.9+ expands it in Include). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the file is the user's own config (relative includes under ~/.ssh) rather than a system one (under /etc/ssh). */
  readonly userFile: boolean;
}

/** OpenSSH's limit on nested Include (readconf.c READCONF_MAX_DEPTH). */
export const MAX_INCLUDE_DEPTH = 16;

export interface IncludeProblem {
  readonly kind: 'missing' | 'cycle' | 'depth' | 'unreadable';
  /** The Include argument in the linted file that leads to the problem. */
  readonly token: Token;
  /** Absolute pattern or the file chain, for the message. */
  readonly detail: string;
}

/**
 * Turns one Include argument into an absolute glob pattern, as readconf.c does:
 * `~` expands to home; `${VAR}` from the environment; a relative path is under
 * `~/.ssh` for the user's file and `/etc/ssh` for system files (sshd: always /etc/ssh).
 * Undefined when a `${VAR}` is not set (OpenSSH then fails the line).
 */
export function includePattern(arg: string, side: Side, ctx: Pick<IncludeContext, 'home' | 'env' | 'userFile'>): string | undefined {
  let missingVar = false;
  let p = arg.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = ctx.env[name];
    if (v === undefined) {
      missingVar = true;
      return '';
    }
    return v;
  });
  if (missingVar) {
    return undefined;
  }
  if (p === '~' || p.startsWith('~/')) {
    p = ctx.home + p.slice(1);
  }
  if (!p.startsWith('/')) {
    p = (side === 'client' && ctx.userFile ? `${ctx.home}/.ssh/` : '/etc/ssh/') + p;
  }
  return p;
}

/**
 * Follows every Include of the file (and of the files it includes) and reports
 * what OpenSSH would trip over. Never runs anything; only reads files.
 */
export function checkIncludes(text: string, side: Side, ctx: IncludeContext): IncludeProblem[] {
  const model = indexConfig(text, side);
  const loaded = new Map<string, IndexedConfig | undefined>();
  const load: LoadConfig = (path) => {
    if (!loaded.has(path)) {
      const included = ctx.files.read(path);
      loaded.set(path, included === undefined ? undefined : indexConfig(included, side));
    }
    return loaded.get(path);
  };
  return includeProblemsIn(model, ctx, load).map((p) => ({
    kind: p.kind,
    token: model.scan.toLine(p.line).args[p.arg - (model.scan.argFirst[p.line] as number)] as Token,
    detail: p.detail,
  }));
}

/** Reads and indexes an included file (undefined when it cannot be read); one lint reads each file once. */
export type LoadConfig = (path: string) => IndexedConfig | undefined;

/** An include problem, located by the line and argument index of the Include in the linted file. */
export interface IncludeProblemAt {
  readonly kind: IncludeProblem['kind'];
  readonly line: number;
  readonly arg: number;
  readonly detail: string;
}

/** {@link checkIncludes} on an indexed file, with included files read through `load`. */
export function includeProblemsIn(model: IndexedConfig, ctx: IncludeContext, load: LoadConfig): IncludeProblemAt[] {
  const problems: IncludeProblemAt[] = [];
  const includeId = model.table.includeId;
  if (includeId < 0) {
    return problems;
  }
  for (let d = 0; d < model.dirCount; d++) {
    if (model.dirKw[d] !== includeId || model.hasError(d)) {
      continue;
    }
    const line = model.dirLine[d] as number;
    const first = model.argFirst(d);
    for (let arg = first; arg < first + model.argCount(d); arg++) {
      const value = model.scan.argValue(arg);
      const pattern = includePattern(value, model.side, ctx);
      if (pattern === undefined) {
        problems.push({ kind: 'missing', line, arg, detail: `${value} (an environment variable in it is not set)` });
        continue;
      }
      const matches = ctx.files.glob(pattern);
      if (matches.length === 0) {
        // A glob that matches nothing is fine for OpenSSH; a plain path is worth a note.
        if (!/[*?[]/.test(pattern)) {
          problems.push({ kind: 'missing', line, arg, detail: pattern });
        }
        continue;
      }
      for (const file of matches) {
        const found = walkIndexed(file, model.side, ctx, load, [ctx.path], 1);
        if (found !== undefined) {
          problems.push({ kind: found.kind, line, arg, detail: found.detail });
        }
      }
    }
  }
  return problems;
}

function walkIndexed(file: string, side: Side, ctx: IncludeContext, load: LoadConfig, chain: readonly string[], depth: number): Pick<IncludeProblem, 'kind' | 'detail'> | undefined {
  if (chain.includes(file)) {
    return { kind: 'cycle', detail: [...chain, file].join(' → ') };
  }
  if (depth > MAX_INCLUDE_DEPTH) {
    return { kind: 'depth', detail: [...chain, file].join(' → ') };
  }
  const model = load(file);
  if (model === undefined) {
    return { kind: 'unreadable', detail: file };
  }
  const includeId = model.table.includeId;
  for (let d = 0; d < model.dirCount; d++) {
    if (includeId < 0 || model.dirKw[d] !== includeId || model.hasError(d)) {
      continue;
    }
    const first = model.argFirst(d);
    for (let arg = first; arg < first + model.argCount(d); arg++) {
      const pattern = includePattern(model.scan.argValue(arg), side, ctx);
      for (const next of pattern === undefined ? [] : ctx.files.glob(pattern)) {
        const found = walkIndexed(next, side, ctx, load, [...chain, file], depth + 1);
        if (found !== undefined) {
          return found;
        }
      }
    }
  }
  return undefined;
}

/**
 * The blocks OpenSSH evaluates for this file, with every readable Include
 * spliced in where it stands (a block is split around the Include line so
 * first-value-wins order holds). Sections from an Include inside a Host/Match
 * block carry that block as `outer`. For evaluation only: directives from
 * other files carry positions in those files.
 */
export function expandIncludes(model: ConfigModel, ctx: IncludeContext): Block[] {
  const out: Block[] = [];
  expandInto(model, ctx, out, undefined, [ctx.path], 0);
  return out;
}

function expandInto(model: ConfigModel, ctx: IncludeContext, out: Block[], outer: Block | undefined, chain: readonly string[], depth: number): void {
  for (const block of model.blocks) {
    const own: Block = withOuter(block, outer, block.directives);
    let chunk: Block = withOuter(own, outer, []);
    out.push(chunk);
    for (const d of block.directives) {
      if (d.key !== 'include' || d.line.error !== undefined) {
        chunk.directives.push(d);
        continue;
      }
      const enclosing = block.kind === 'global' ? outer : own;
      for (const token of d.args) {
        const pattern = includePattern(token.value, model.side, ctx);
        for (const file of pattern === undefined ? [] : ctx.files.glob(pattern)) {
          if (chain.includes(file) || depth + 1 > MAX_INCLUDE_DEPTH) {
            continue;
          }
          const text = ctx.files.read(file);
          if (text !== undefined) {
            expandInto(buildModel(text, model.side), ctx, out, enclosing, [...chain, file], depth + 1);
          }
        }
      }
      chunk = withOuter(own, outer, []);
      out.push(chunk);
    }
  }
}

function withOuter(block: Block, outer: Block | undefined, directives: Block['directives']): Block {
  const base = outer === undefined ? {} : { outer };
  switch (block.kind) {
    case 'global':
      return { kind: 'global', directives, ...base };
    case 'host':
      return { kind: 'host', header: block.header, patterns: block.patterns, directives, ...base };
    case 'match':
      return { kind: 'match', header: block.header, criteria: block.criteria, directives, ...base };
  }
}
