/**
 * glob(3) as OpenSSH uses it for `Include` (readconf.c / servconf.c call
 * `glob(path, GLOB_TILDE, NULL, &gl)`; `~` is already expanded by the caller,
 * see includes.ts), with the directory listing injected so this stays pure.
 *
 * Portable OpenSSH on Linux uses its bundled OpenBSD glob (openbsd-compat/glob.c:
 * glibc's lacks `gl_matchc`), which works on bytes whatever the locale.
 * Checked against `ssh -G` (OpenSSH 9.2p1, test/integration/cliIncludeGlob.test.ts):
 * - a pattern is matched one path component at a time, so `*`, `?` and `[…]`
 *   never match `/`;
 * - `*` matches any run of bytes, `?` exactly one BYTE (so `?.conf` does not
 *   match `é.conf`, `??.conf` does), `[abc]`, `[a-z]`, `[!x]`, `[[:upper:]]` one
 *   byte from a set; `^` does NOT negate (`[^a]` is the set {^, a}); a `]`
 *   right after `[` or `[!` is an ordinary member; a `[` without a closing `]`
 *   is an ordinary character;
 * - a backslash makes the next character ordinary (GLOB_NOESCAPE is not set);
 * - a name starting with `.` is matched only by a pattern component starting
 *   with a literal `.` (so `config.d/*` skips `.swp` files and our own hidden
 *   backup and temp files);
 * - components without wildcards are not listed, only the final path is
 *   checked to exist (as glob(3) does for a pattern without magic);
 * - results are sorted like strcmp, i.e. by UTF-8 bytes (= code point order).
 */

/** UTF-8 bytes as a string of U+0000–U+00FF characters, one per byte. */
function bytes(s: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(s)) {
    out += String.fromCharCode(b);
  }
  return out;
}

/** What the expansion needs from a file system. */
export interface GlobDirectory {
  /** Names in a directory (without `.` and `..`), or undefined when it cannot be listed. */
  list(dir: string): readonly string[] | undefined;
  /** Whether a path exists (a dangling symlink counts: glob(3) uses lstat). */
  exists(path: string): boolean;
}

/** Whether a pattern component has an unescaped `*`, `?` or a `[` with a closing `]`. */
export function hasGlobMagic(component: string): boolean {
  const p = Array.from(component);
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
    } else if (c === '*' || c === '?') {
      return true;
    } else if (c === '[' && bracketEnd(p, i) !== -1) {
      return true;
    }
  }
  return false;
}

/** A component without magic, with its backslash escapes resolved. */
export function unescapeGlob(component: string): string {
  return component.replace(/\\(.)/gsu, '$1');
}

/** After a `[:name:]` class starting at `at`, or -1 when there is none. */
function classEnd(p: readonly string[], at: number): number {
  if (p[at] !== '[' || p[at + 1] !== ':') {
    return -1;
  }
  for (let k = at + 2; k + 1 < p.length; k++) {
    if (p[k] === ':' && p[k + 1] === ']') {
      return k + 2;
    }
  }
  return -1;
}

/** Index of the `]` closing the bracket expression opened at `open` (code point indexes), or -1. */
function bracketEnd(p: readonly string[], open: number): number {
  let j = open + 1;
  if (p[j] === '!') {
    j++;
  }
  if (p[j] === ']') {
    j++;
  }
  while (j < p.length) {
    const cls = classEnd(p, j);
    if (cls !== -1) {
      j = cls;
      continue;
    }
    if (p[j] === '\\' && j + 1 < p.length) {
      j += 2;
      continue;
    }
    if (p[j] === ']') {
      return j;
    }
    j++;
  }
  return -1;
}

const classes: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

const escapeOutside = (c: string): string => (/[\^$\\.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);
const escapeInside = (c: string): string => ('\\][^-/'.includes(c) ? `\\${c}` : c);

/** The regular expression (over byte strings) for one pattern component, or undefined when it can match nothing (bad class). */
function componentRegex(p: string): RegExp | undefined {
  let re = '';
  const chars = Array.from(bytes(p));
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) {
      re += escapeOutside(chars[++i] as string);
    } else if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      const end = bracketEnd(chars, i);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      const body = bracketBody(chars.slice(i + 1, end));
      if (body === undefined) {
        return undefined;
      }
      re += body;
      i = end;
    } else {
      re += escapeOutside(c);
    }
  }
  return new RegExp(`^${re}$`, 's');
}

function bracketBody(inner: readonly string[]): string | undefined {
  let i = 0;
  let negate = false;
  if (inner[0] === '!') {
    negate = true;
    i = 1;
  }
  let set = '';
  let first = true;
  while (i < inner.length) {
    let c = inner[i] as string;
    const end = classEnd(inner, i);
    if (end !== -1) {
      const cls = classes[inner.slice(i + 2, end - 2).join('')];
      if (cls === undefined) {
        return undefined;
      }
      set += cls;
      i = end;
      first = false;
      continue;
    }
    if (c === '\\' && i + 1 < inner.length) {
      c = inner[++i] as string;
    } else if (c === ']' && !first) {
      break;
    }
    first = false;
    // A range `a-z` (a `-` first or last is an ordinary character).
    if (inner[i + 1] === '-' && i + 2 < inner.length) {
      let hi = inner[i + 2] as string;
      let skip = 3;
      if (hi === '\\' && i + 3 < inner.length) {
        hi = inner[i + 3] as string;
        skip = 4;
      }
      if ((c.codePointAt(0) as number) <= (hi.codePointAt(0) as number)) {
        set += `${escapeInside(c)}-${escapeInside(hi)}`;
      }
      i += skip;
      continue;
    }
    set += escapeInside(c);
    i++;
  }
  if (set === '') {
    // `[!…]` of an empty (or all-reversed-range) set matches any character; `[…]` none.
    return negate ? '.' : '[]';
  }
  return negate ? `[^${set}]` : `[${set}]`;
}

/** Whether a file name matches one pattern component, with glob(3)'s leading-dot rule. */
export function matchGlobComponent(name: string, pattern: string): boolean {
  if (name.startsWith('.') && !(pattern.startsWith('.') || pattern.startsWith('\\.'))) {
    return false;
  }
  return componentRegex(pattern)?.test(bytes(name)) ?? false;
}

/** strcmp order on UTF-8, which is code point order. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = ((x[i] as string).codePointAt(0) as number) - ((y[i] as string).codePointAt(0) as number);
    if (d !== 0) {
      return d;
    }
  }
  return x.length - y.length;
}

/**
 * Absolute paths matching an absolute pattern, sorted. Like glob(3), `.` and
 * `..` components stay as written (resolving them lexically would be wrong
 * after a symlinked directory). A relative pattern matches nothing (the caller
 * makes it absolute).
 */
export function expandGlob(pattern: string, fs: GlobDirectory): string[] {
  if (!pattern.startsWith('/')) {
    return [];
  }
  const components = pattern.split('/').filter((c) => c !== '');
  let candidates: string[] = ['/'];
  let listedLast = false;
  for (const [index, component] of components.entries()) {
    const last = index === components.length - 1;
    const next: string[] = [];
    if (!hasGlobMagic(component)) {
      const name = unescapeGlob(component);
      for (const dir of candidates) {
        next.push(join(dir, name));
      }
      listedLast = false;
    } else {
      for (const dir of candidates) {
        for (const name of fs.list(dir) ?? []) {
          if (matchGlobComponent(name, component)) {
            next.push(join(dir, name));
          }
        }
      }
      listedLast = last;
    }
    candidates = [...new Set(next)];
    if (candidates.length === 0) {
      return [];
    }
  }
  const found = listedLast ? candidates : candidates.filter((p) => fs.exists(p));
  return found.sort(compareCodePoints);
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
