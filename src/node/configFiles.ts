/**
 * File-system side of the config doctor outside VS Code: reading config files,
 * following `Include` (real glob(3) semantics, see core/sshConfig/glob.ts),
 * what ssh checks permissions on, and the local OpenSSH version.
 *
 * Nothing here evaluates a config: no `ssh -G`, no `Match exec`, no
 * ProxyCommand. The only programs run are `ssh -V` and `sshd -V`.
 */
import { spawnSync } from 'node:child_process';
import { constants, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { expandGlob, type GlobDirectory } from '../core/sshConfig/glob';
import { includePattern, MAX_INCLUDE_DEPTH, type IncludeContext, type IncludeFiles } from '../core/sshConfig/includes';
import type { Side } from '../core/sshConfig/keywords';
import { buildModel } from '../core/sshConfig/model';
import { parseOpenSshVersion, type OpenSshVersion } from '../core/sshConfig/version';
import { readSnapshot, type FileSnapshot } from './atomicWrite';

/**
 * Largest config file we lint: 16 MiB, about 150,000 Host blocks. Real files
 * are a few KiB and generated ones rarely pass a few MiB; anything larger gets
 * a clear refusal rather than a long wait.
 */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface ConfigFile {
  readonly snapshot: FileSnapshot;
  readonly text: string;
  /**
   * Whether the bytes are valid UTF-8. When they are not, `text` holds U+FFFD
   * replacement characters, and writing it back would change bytes nobody
   * asked to change, so `--fix` leaves such a file alone.
   */
  readonly utf8: boolean;
}

/** Bytes to text, keeping a byte order mark (a lint finding of its own) and noting invalid UTF-8. */
export function decodeConfig(bytes: Uint8Array): { text: string; utf8: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), utf8: true };
  } catch {
    return { text: new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes), utf8: false };
  }
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  const snapshot = await readSnapshot(path, MAX_CONFIG_BYTES);
  return { snapshot, ...decodeConfig(snapshot.content) };
}

/**
 * Server files by name: `sshd_config` and its siblings left by editors and
 * package managers (`sshd_config.orig`, `sshd_config.ucf-dist`, …), and
 * anything in a `sshd_config.d` directory. Everything else is a client file
 * (`detectedByName` false: a guess, which `--fix` double-checks).
 */
export function detectSide(path: string): { readonly side: Side; readonly detectedByName: boolean } {
  const p = resolve(path);
  if (basename(p).startsWith('sshd_config') || basename(dirname(p)) === 'sshd_config.d') {
    return { side: 'server', detectedByName: true };
  }
  const name = basename(p);
  const client = name === 'config' || name.startsWith('ssh_config') || basename(dirname(p)) === 'ssh_config.d' || basename(dirname(p)) === '.ssh';
  return { side: 'client', detectedByName: client };
}

export const nodeGlobDirectory: GlobDirectory = {
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  },
  exists(path) {
    try {
      lstatSync(path);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Real file access for the core's Include rules. A directory reads as an
 * empty file, as ssh reads it (checked: `Include` of a directory is accepted
 * and sets nothing); FIFOs, devices and files over the size limit read as
 * unreadable, so nothing can hang or flood the linter.
 */
export const nodeIncludeFiles: IncludeFiles = {
  glob: (pattern) => expandGlob(pattern, nodeGlobDirectory),
  read(path) {
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        return '';
      }
      if (!st.isFile() || st.size > MAX_CONFIG_BYTES) {
        return undefined;
      }
      return decodeConfig(readFileSync(path)).text;
    } catch {
      return undefined;
    }
  },
};

export interface Environment {
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Whether `path` is under `~/.ssh` (relative Includes there are relative to ~/.ssh, not /etc/ssh). */
export function isUserFile(path: string, home: string): boolean {
  return resolve(path).startsWith(`${resolve(home, '.ssh')}/`);
}

export function includeContextFor(path: string, environment: Environment, files: IncludeFiles = nodeIncludeFiles): IncludeContext {
  return { files, path: resolve(path), home: environment.home, env: environment.env, userFile: isUserFile(path, environment.home) };
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The real paths of the files whose permissions ssh checks when it runs
 * without `-F`: `~/.ssh/config`, and every file included from it or from
 * `/etc/ssh/ssh_config` (readconf.c reads included files with
 * SSHCONF_CHECKPERM, whoever includes them). `/etc/ssh/ssh_config` itself is not checked.
 */
export function filesCheckedBySsh(environment: Environment, files: IncludeFiles = nodeIncludeFiles, systemConfig = '/etc/ssh/ssh_config'): Set<string> {
  const checked = new Set<string>();
  const userConfig = resolve(environment.home, '.ssh', 'config');
  const visit = (file: string, userFile: boolean, depth: number, seen: ReadonlySet<string>): void => {
    if (depth > MAX_INCLUDE_DEPTH || seen.has(file)) {
      return;
    }
    const text = files.read(file);
    if (text === undefined) {
      return;
    }
    const next = new Set([...seen, file]);
    for (const d of buildModel(text, 'client').blocks.flatMap((b) => b.directives)) {
      if (d.key !== 'include' || d.line.error !== undefined) {
        continue;
      }
      for (const arg of d.args) {
        const pattern = includePattern(arg.value, 'client', { home: environment.home, env: environment.env, userFile });
        for (const included of pattern === undefined ? [] : files.glob(pattern)) {
          checked.add(realpathOrSelf(included));
          visit(included, userFile, depth + 1, next);
        }
      }
    }
  };
  if (files.read(userConfig) !== undefined) {
    checked.add(realpathOrSelf(userConfig));
  }
  visit(userConfig, true, 0, new Set());
  visit(systemConfig, false, 0, new Set());
  return checked;
}

/** Runs `program -V` (nothing else, never with a config) and parses the version it prints. */
export type VersionRunner = (program: string) => string | undefined;

const runVersion: VersionRunner = (program) => {
  const r = spawnSync(program, ['-V'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined) {
    return undefined;
  }
  return `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
};

/** Where sshd usually lives; often not on a user's PATH. */
const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', 'sshd'];

/**
 * The local OpenSSH version for the version-aware rules: `ssh -V` for client
 * files; `sshd -V` for server files (Debian 12's sshd prints `OpenSSH_9.2, …`
 * and exits 0; older ones print the version inside their usage text), falling
 * back to `ssh -V` when no sshd is installed.
 */
export function localOpenSshVersion(side: Side, run: VersionRunner = runVersion): OpenSshVersion | undefined {
  if (side === 'server') {
    for (const program of SSHD_CANDIDATES) {
      const out = run(program);
      const v = out === undefined ? undefined : parseOpenSshVersion(out);
      if (v !== undefined) {
        return v;
      }
    }
  }
  const out = run('ssh');
  return out === undefined ? undefined : parseOpenSshVersion(out);
}

/**
 * The permission facts the `bad-permissions` rule needs for a client file on
 * disk: its mode (symlinks followed, as ssh's fstat does) and whether ssh
 * checks it (see {@link filesCheckedBySsh}). Undefined when it cannot be stat'ed.
 */
export async function readConfigFilePermissions(
  file: string,
  home: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ readonly mode: number; readonly checkedBySsh: boolean } | undefined> {
  try {
    const st = await stat(file);
    const checkedBySsh = filesCheckedBySsh({ home, env }).has(await realpath(file));
    return { mode: st.mode & 0o7777, checkedBySsh };
  } catch {
    return undefined;
  }
}

/** Whether the file on disk starts with a UTF-8 byte order mark (EF BB BF). False when it cannot be read. */
export async function startsWithBom(file: string): Promise<boolean> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!(await fh.stat()).isFile()) {
      return false;
    }
    const head = Buffer.alloc(3);
    const { bytesRead } = await fh.read(head, 0, 3, 0);
    return bytesRead === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

/**
 * `chmod` for a config file (the `bad-permissions` fix), following symlinks
 * like ssh's own check; returns the mode the file has afterwards, which a file
 * system without Unix permissions may not have changed. Throws on failure.
 */
export async function setFileMode(file: string, mode: number): Promise<number> {
  await chmod(file, mode);
  return (await stat(file)).mode & 0o7777;
}
