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
  const problems: IncludeProblem[] = [];
  const model = buildModel(text, side);
  for (const d of model.blocks.flatMap((b) => b.directives)) {
    if (d.key !== 'include' || d.line.error !== undefined) {
      continue;
    }
    for (const token of d.args) {
      const pattern = includePattern(token.value, side, ctx);
      if (pattern === undefined) {
        problems.push({ kind: 'missing', token, detail: `${token.value} (an environment variable in it is not set)` });
        continue;
      }
      const matches = ctx.files.glob(pattern);
      if (matches.length === 0) {
        // A glob that matches nothing is fine for OpenSSH; a plain path is worth a note.
        if (!/[*?[]/.test(pattern)) {
          problems.push({ kind: 'missing', token, detail: pattern });
        }
        continue;
      }
      for (const file of matches) {
        const found = walk(file, side, ctx, [ctx.path], 1);
        if (found !== undefined) {
          problems.push({ kind: found.kind, token, detail: found.detail });
        }
      }
    }
  }
  return problems;
}

function walk(file: string, side: Side, ctx: IncludeContext, chain: readonly string[], depth: number): Pick<IncludeProblem, 'kind' | 'detail'> | undefined {
  if (chain.includes(file)) {
    return { kind: 'cycle', detail: [...chain, file].join(' → ') };
  }
  if (depth > MAX_INCLUDE_DEPTH) {
    return { kind: 'depth', detail: [...chain, file].join(' → ') };
  }
  const text = ctx.files.read(file);
  if (text === undefined) {
    return { kind: 'unreadable', detail: file };
  }
  const model = buildModel(text, side);
  for (const d of model.blocks.flatMap((b) => b.directives)) {
    if (d.key !== 'include' || d.line.error !== undefined) {
      continue;
    }
    for (const token of d.args) {
      const pattern = includePattern(token.value, side, { ...ctx, userFile: ctx.userFile });
      for (const next of pattern === undefined ? [] : ctx.files.glob(pattern)) {
        const found = walk(next, side, ctx, [...chain, file], depth + 1);
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
