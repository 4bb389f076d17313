import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { IncludeFiles } from '../core/sshConfig/includes';

/** Included config files larger than this are treated as unreadable (no real config comes close). */
const maxIncludeBytes = 1024 * 1024;

/**
 * Files for following `Include`, read from the local disk synchronously (the
 * core's interface is synchronous; config files are small and few).
 *
 * `glob` follows glob(3) as OpenSSH calls it (flags 0): `*`, `?` and `[…]`
 * (with `!` to negate) within one path component, `\` escapes, a leading `.`
 * only matched explicitly, results sorted. `read` opens regular files only,
 * and at most {@link maxIncludeBytes} of them, so an Include of a FIFO or a
 * device cannot hang or flood the caller. Nothing is ever executed.
 */
export function localIncludeFiles(): IncludeFiles {
  return { glob: globAbsolute, read: readBounded };
}

/** Whether a client config at `file` is a user's own (relative Includes under ~/.ssh) rather than a system one (under /etc/ssh). */
export function isUserConfigPath(file: string, home: string): boolean {
  if (path.basename(path.dirname(file)) === '.ssh') {
    return true;
  }
  const relative = path.relative(path.join(home, '.ssh'), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment);
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

/** One path component of a glob as a RegExp (fnmatch without FNM_PERIOD handling; see the caller). */
function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) {
      re += escapeRegExp(segment[++i] as string);
    } else if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) {
        body = body.slice(1);
      }
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else {
      re += escapeRegExp(c);
    }
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function globAbsolute(pattern: string): readonly string[] {
  if (!path.isAbsolute(pattern)) {
    return [];
  }
  let current = [path.parse(pattern).root];
  const segments = pattern.split(/[\\/]+/).filter((s) => s !== '');
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of current) {
      if (!hasMagic(segment)) {
        const candidate = path.join(dir, unescape(segment));
        if (exists(candidate)) {
          next.push(candidate);
        }
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      const re = segmentRegExp(segment);
      for (const name of names) {
        // glob(3): a leading period must be matched by a literal period.
        if (re.test(name) && (!name.startsWith('.') || segment.startsWith('.'))) {
          next.push(path.join(dir, name));
        }
      }
    }
    current = next;
    if (current.length === 0) {
      break;
    }
  }
  return current.sort();
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function readBounded(file: string): string | undefined {
  let fd: number | undefined;
  try {
    // Opening a FIFO for reading blocks until a writer comes: check first, and never block on open.
    if (!statSync(file).isFile()) {
      return undefined;
    }
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) {
      return undefined;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) {
        break;
      }
      total += n;
      if (total > maxIncludeBytes) {
        return undefined;
      }
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}
