/**
 * Replacing a config file safely (the CLI's `--fix`).
 *
 * 1. `readSnapshot` resolves symlinks to the real file and remembers its bytes,
 *    mode, owner and identity.
 * 2. `writeAtomic` checks that the file still is what was read (same bytes,
 *    mode and owner, the link still points to it), writes the new text to a
 *    temp file in the SAME directory as the real file (exclusive create, 0600
 *    at first, then the original owner when running as root and the original
 *    mode), fsyncs it, writes a backup of what was read, checks again, renames
 *    the temp file over the real file and fsyncs the directory. A symlink stays
 *    a symlink: its target is what gets replaced.
 *
 * Names, next to the real file, all hidden so that an `Include dir/*` never
 * picks them up (glob(3) skips names starting with `.`):
 * - temp: `.<name>.lifeline-tmp-<pid>-<12 hex>`; a crash (even SIGKILL) between
 *   write and rename leaves only such a file, never a half-written config.
 *   Leftovers whose process is gone (or that are over an hour old) are removed
 *   by the next write in that directory.
 * - backup: `.<name>.lifeline-bak`, the bytes as last read before our write
 *   (one generation; the next fix replaces it), same mode and owner.
 *
 * Without a lock there is still a short window between the last check and the
 * rename in which another writer's change would be lost; the checks make it
 * milliseconds wide instead of "since the file was read".
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Why a write was refused or failed. */
export type WriteErrorReason =
  /** The file changed (content, mode, owner or symlink target) since it was read. */
  | 'changed'
  /** Not allowed: read-only file, directory not writable, owner or group cannot be kept. */
  | 'permission'
  /** The file has other hard links, which a replace-by-rename would split from it. */
  | 'linked'
  /** Anything else the system reported (disk full, I/O error). */
  | 'io';

export class WriteError extends Error {
  override readonly name = 'WriteError';
  constructor(
    readonly reason: WriteErrorReason,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ReadErrorReason = 'missing' | 'permission' | 'not-a-file' | 'too-large' | 'io';

export class ReadError extends Error {
  override readonly name = 'ReadError';
  constructor(
    readonly reason: ReadErrorReason,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file as read, for a later `writeAtomic`. */
export interface FileSnapshot {
  /** The path as given (may be a symlink). */
  readonly path: string;
  /** The real file behind it: what is read, checked and replaced. */
  readonly realPath: string;
  readonly content: Buffer;
  readonly sha256: string;
  /** Permission bits (`st_mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
}

export interface WriteOptions {
  /** Keep `.<name>.lifeline-bak` with the bytes that were read (default true). */
  readonly backup?: boolean;
  /**
   * Called after the temp file is complete and fsynced, right before the final
   * check and the rename. For tests of crashes and races; production code
   * passes nothing.
   */
  readonly beforeRename?: (tempPath: string) => void | Promise<void>;
}

export interface WriteResult {
  /** The file that was replaced. */
  readonly realPath: string;
  readonly backupPath: string | undefined;
  /** Leftover temp files from earlier, interrupted writes that were removed. */
  readonly staleTempsRemoved: readonly string[];
}

const TEMP_MARK = '.lifeline-tmp-';
const BACKUP_SUFFIX = '.lifeline-bak';
const STALE_AFTER_MS = 60 * 60 * 1000;

export function tempNameFor(realPath: string): string {
  return join(dirname(realPath), `.${basename(realPath)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
}

export function backupPathFor(realPath: string): string {
  return join(dirname(realPath), `.${basename(realPath)}${BACKUP_SUFFIX}`);
}

/** Whether a directory entry is one of our temp files, and the pid that made it. */
export function parseTempName(name: string): { pid: number } | undefined {
  const m = /^\..+\.lifeline-tmp-(\d+)-[0-9a-f]{12}$/s.exec(name);
  return m?.[1] === undefined ? undefined : { pid: Number(m[1]) };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const permissionCodes = new Set(['EACCES', 'EPERM', 'EROFS']);

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads a file for a later safe write. Follows symlinks; refuses non-regular files and files over `maxBytes`. */
export async function readSnapshot(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<FileSnapshot> {
  const fail = (err: unknown): never => {
    const c = code(err);
    if (c === 'ENOENT' || c === 'ENOTDIR' || c === 'ELOOP') {
      throw new ReadError('missing', path, `${path}: no such file`, { cause: err });
    }
    if (c !== undefined && permissionCodes.has(c)) {
      throw new ReadError('permission', path, `${path}: permission denied`, { cause: err });
    }
    if (c === 'EISDIR') {
      throw new ReadError('not-a-file', path, `${path} is a directory`, { cause: err });
    }
    throw new ReadError('io', path, `${path}: ${describe(err)}`, { cause: err });
  };
  const realPath = await fsp.realpath(path).catch(fail);
  const fh = await fsp.open(realPath, constants.O_RDONLY | constants.O_NONBLOCK).catch(fail);
  try {
    const st = await fh.stat().catch(fail);
    if (!st.isFile()) {
      throw new ReadError('not-a-file', path, `${path} is not a regular file`);
    }
    if (st.size > maxBytes) {
      throw new ReadError('too-large', path, `${path}: the file is ${st.size} bytes, over the limit of ${maxBytes} bytes`);
    }
    const content = await fh.readFile().catch(fail);
    if (content.length > maxBytes) {
      throw new ReadError('too-large', path, `${path} is over ${maxBytes} bytes`);
    }
    return { path, realPath, content, sha256: sha256(content), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, nlink: st.nlink };
  } finally {
    await fh.close();
  }
}

/** Throws WriteError('changed') unless the file is still exactly what the snapshot saw. */
async function assertUnchanged(snap: FileSnapshot): Promise<void> {
  let realPath: string;
  let content: Buffer;
  let st: { mode: number; uid: number; gid: number };
  try {
    realPath = await fsp.realpath(snap.path);
    content = await fsp.readFile(realPath);
    st = await fsp.stat(realPath);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') {
      throw new WriteError('changed', snap.path, `${snap.path} was removed or moved since it was read; not writing`, { cause: err });
    }
    throw toWriteError(err, snap.path, 'reading it again');
  }
  const what =
    realPath !== snap.realPath
      ? `now points to ${realPath} instead of ${snap.realPath}`
      : content.length !== snap.content.length || sha256(content) !== snap.sha256
        ? 'its content changed'
        : (st.mode & 0o7777) !== snap.mode
          ? `its mode changed to ${(st.mode & 0o7777).toString(8)}`
          : st.uid !== snap.uid || st.gid !== snap.gid
            ? 'its owner changed'
            : undefined;
  if (what !== undefined) {
    throw new WriteError('changed', snap.path, `${snap.path} changed since it was read (${what}); not overwriting it. Run again to check the new version.`);
  }
}

function toWriteError(err: unknown, path: string, doing: string): WriteError {
  const c = code(err);
  if (c !== undefined && permissionCodes.has(c)) {
    return new WriteError('permission', path, `${path}: permission denied while ${doing} (${c})`, { cause: err });
  }
  return new WriteError('io', path, `${path}: failed while ${doing}: ${describe(err)}`, { cause: err });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return code(err) === 'EPERM';
  }
}

/**
 * Removes temp files left by interrupted writes in `dir`: those whose process
 * is gone, and any older than an hour (a reused pid must not keep them forever).
 * Never touches anything else. Returns the paths removed.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const parsed = parseTempName(name);
    if (parsed === undefined || parsed.pid === process.pid) {
      continue;
    }
    const path = join(dir, name);
    try {
      const st = await fsp.lstat(path);
      if (!st.isFile() || (isAlive(parsed.pid) && now - st.mtimeMs < STALE_AFTER_MS)) {
        continue;
      }
      await fsp.unlink(path);
      removed.push(path);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await fsp.open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

/** Writes `data` to a new temp file next to `target` with the snapshot's mode and owner; returns its path. */
async function writeTemp(snap: FileSnapshot, data: Buffer): Promise<string> {
  const temp = tempNameFor(snap.realPath);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw toWriteError(err, snap.path, `creating a temp file in ${dirname(snap.realPath)}`);
  }
  try {
    await fh.writeFile(data);
    const st = await fh.stat();
    if (st.uid !== snap.uid || st.gid !== snap.gid) {
      try {
        await fh.chown(snap.uid, snap.gid);
      } catch (err) {
        throw new WriteError('permission', snap.path, `${snap.path} belongs to ${snap.uid}:${snap.gid}; a rewritten file would not keep that owner and group, so it is left alone`, {
          cause: err,
        });
      }
    }
    // After chown, which may clear set-id bits.
    await fh.chmod(snap.mode);
    await fh.sync();
    await fh.close();
    return temp;
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    throw err instanceof WriteError ? err : toWriteError(err, snap.path, `writing ${temp}`);
  }
}

/**
 * Replaces the snapshot's file with `data`, atomically, refusing when the
 * file changed since it was read. See the module comment for the steps.
 */
export async function writeAtomic(snap: FileSnapshot, data: string | Buffer, options: WriteOptions = {}): Promise<WriteResult> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = dirname(snap.realPath);
  const staleTempsRemoved = await removeStaleTemps(dir);
  await assertUnchanged(snap);
  if ((snap.mode & 0o222) === 0) {
    throw new WriteError('permission', snap.path, `${snap.path} is read-only (mode ${snap.mode.toString(8).padStart(4, '0')}); not changing it`);
  }
  try {
    await fsp.access(snap.realPath, constants.W_OK);
  } catch (err) {
    throw toWriteError(err, snap.path, 'checking that it is writable');
  }
  if (snap.nlink > 1) {
    throw new WriteError('linked', snap.path, `${snap.path} has ${snap.nlink - 1} other hard link(s); replacing it would leave them with the old text, so it is left alone`);
  }
  const temp = await writeTemp(snap, bytes);
  let backupPath: string | undefined;
  try {
    if (options.backup ?? true) {
      backupPath = backupPathFor(snap.realPath);
      const backupTemp = await writeTemp(snap, snap.content);
      try {
        await fsp.rename(backupTemp, backupPath);
      } catch (err) {
        await fsp.unlink(backupTemp).catch(() => undefined);
        throw toWriteError(err, snap.path, `writing the backup ${backupPath}`);
      }
    }
    await options.beforeRename?.(temp);
    await assertUnchanged(snap);
    try {
      await fsp.rename(temp, snap.realPath);
    } catch (err) {
      throw toWriteError(err, snap.path, 'replacing it');
    }
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
  return { realPath: snap.realPath, backupPath, staleTempsRemoved };
}
