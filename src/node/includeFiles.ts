import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { IncludeFiles } from '../core/sshConfig/includes';
import { nodeIncludeFiles } from './configFiles';

/** Included config files larger than this are treated as unreadable (no real config comes close). */
const maxIncludeBytes = 1024 * 1024;

/**
 * Files for following `Include`, read from the local disk synchronously (the
 * core's interface is synchronous; config files are small and few).
 *
 * `glob` is OpenSSH's bundled OpenBSD glob(3), shared with the CLI
 * ({@link nodeIncludeFiles}). `read` opens regular files only,
 * and at most {@link maxIncludeBytes} of them, so an Include of a FIFO or a
 * device cannot hang or flood the caller. Nothing is ever executed.
 */
export function localIncludeFiles(): IncludeFiles {
  return { glob: nodeIncludeFiles.glob, read: readBounded };
}

/** Whether a client config at `file` is a user's own (relative Includes under ~/.ssh) rather than a system one (under /etc/ssh). */
export function isUserConfigPath(file: string, home: string): boolean {
  if (path.basename(path.dirname(file)) === '.ssh') {
    return true;
  }
  const relative = path.relative(path.join(home, '.ssh'), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
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
