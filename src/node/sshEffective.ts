import { spawn } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { isValidHostArgument, ownConfigFiles } from '../core/sshConfig/effective';
import type { IncludeFiles } from '../core/sshConfig/includes';
import { localIncludeFiles } from './includeFiles';

/** What to ask `ssh -G`. */
export interface SshGRequest {
  /** The host name, as a user would type it after `ssh`. */
  readonly host: string;
  /**
   * The file for `-F`, or undefined to let ssh read its default files
   * (`~/.ssh/config`, then `/etc/ssh/ssh_config`) exactly as `ssh host` would.
   */
  readonly configFile: string | undefined;
}

export type SshGResult =
  | { readonly kind: 'ok'; readonly stdout: string; readonly stderr: string; readonly ms: number }
  /** ssh ran and refused (bad option, bad permissions, …): its first stderr line. */
  | { readonly kind: 'failed'; readonly message: string; readonly exitCode: number | null }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid-host' };

/**
 * The argument vector: `-G`, then `-F file` when asked, then `--` and the host,
 * so that neither a file name nor a host can be read as an option. No
 * `-o BatchMode=yes`: `-G` never connects, and on Debian BatchMode changes the
 * very values shown (ServerAliveInterval defaults to 300 under it).
 */
export function sshGArgs(request: SshGRequest): string[] | undefined {
  if (!isValidHostArgument(request.host)) {
    return undefined;
  }
  return ['-G', ...(request.configFile === undefined ? [] : ['-F', request.configFile]), '--', request.host];
}

/** The command for messages and the read-only document's header, quoted for a POSIX shell. */
export function sshGCommandLine(request: SshGRequest): string {
  const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['ssh', ...(sshGArgs(request) ?? ['-G', '--', request.host])].map(quote).join(' ');
}

export interface RunSshGOptions {
  /**
   * Working directory. Windows looks for a bare program name in the current
   * directory before PATH, so this must be a folder we control (the
   * extension's own), never a workspace folder.
   */
  readonly cwd: string;
  /** Default 5 s; a `Match exec` command that hangs must not hang the editor. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The program; `ssh` on PATH unless a test says otherwise. */
  readonly program?: string;
}

const maxStdout = 1024 * 1024;
const maxStderr = 64 * 1024;

/**
 * Runs `ssh -G` (no shell) and collects its output. `ssh -G` opens no
 * connection but does run the file's `Match exec` commands, through the user's
 * shell — callers decide whether that is acceptable (effectiveValuesGate).
 *
 * ssh runs as the leader of its own process group (POSIX), and a timeout or a
 * cancellation kills the whole group: killing only ssh would leave a hung
 * `Match exec` command (and its children) running.
 */
export function runSshG(request: SshGRequest, options: RunSshGOptions): Promise<SshGResult> {
  const args = sshGArgs(request);
  if (args === undefined) {
    return Promise.resolve({ kind: 'invalid-host' });
  }
  return runSshGArgs(args, options);
}

/**
 * {@link runSshG} with a whole argument vector, which must start with `-G`
 * and end with `--` and the destination (the session tracker asks about a
 * terminal's own ssh command line this way). The caller validates the destination.
 */
export function runSshGArgs(args: readonly string[], options: RunSshGOptions): Promise<SshGResult> {
  if (args[0] !== '-G' || args[args.length - 2] !== '--') {
    return Promise.resolve({ kind: 'invalid-host' });
  }
  if (options.signal?.aborted === true) {
    return Promise.resolve({ kind: 'cancelled' });
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  const started = Date.now();
  return new Promise((resolve) => {
    const group = process.platform !== 'win32';
    const child = spawn(options.program ?? 'ssh', args, {
      cwd: options.cwd,
      shell: false,
      windowsHide: true,
      detached: group,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: SshGResult): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const kill = (): void => {
      try {
        if (group && child.pid !== undefined) {
          process.kill(-child.pid, 'SIGKILL');
        } else {
          child.kill('SIGKILL');
        }
      } catch {
        // Already gone.
      }
    };
    const onAbort = (): void => {
      kill();
      finish({ kind: 'cancelled' });
    };
    const timer = setTimeout(() => {
      kill();
      finish({ kind: 'timeout', timeoutMs });
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > maxStdout) {
        kill();
        finish({ kind: 'failed', message: 'ssh -G printed more than 1 MB', exitCode: null });
      }
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < maxStderr) {
        stderr += chunk;
      }
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', message: err.message, exitCode: null });
    });
    child.on('close', (code) => {
      if (code === 0 && /^host /m.test(stdout)) {
        finish({ kind: 'ok', stdout, stderr, ms: Date.now() - started });
      } else {
        const message = stderr
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '' && !/^Pseudo-terminal will not be allocated/.test(l))
          .join('; ');
        finish({ kind: 'failed', message: message === '' ? `ssh -G exited with ${code ?? 'a signal'}` : message, exitCode: code });
      }
    });
  });
}

/** How to ask ssh about one of the user's own config files. */
export interface OwnSshConfig {
  /** The `-F` argument, or undefined when the file is one ssh reads by default. */
  readonly configFile: string | undefined;
}

export interface OwnConfigOptions {
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `/etc/ssh` unless a test says otherwise. */
  readonly systemDir?: string;
  readonly files?: IncludeFiles;
}

/**
 * Whether `file` is part of the user's own ssh client configuration, and how
 * to ask `ssh -G` about it; undefined when it is not (then nothing may run).
 *
 * Own files: `~/.ssh/config` and `/etc/ssh/ssh_config` (the files ssh reads
 * by default), anything under `~/.ssh` or `/etc/ssh/ssh_config.d`, and any
 * file those include (a dotfiles checkout, say). Paths are compared after
 * resolving symbolic links, so a link in a workspace pointing at
 * `~/.ssh/config` counts, and a link under `~/.ssh` counts as what it is.
 *
 * The two default files get no `-F`: `ssh -G host` reads them as `ssh host`
 * would (the user's file first, then the system one, with its permission
 * check), so the values shown are the ones a connection gets. Every other file
 * gets `-F file`: the values that file alone gives, without the system file
 * (ssh then resolves its relative Includes under `~/.ssh`).
 */
export async function ownSshConfig(file: string, options: OwnConfigOptions): Promise<OwnSshConfig | undefined> {
  const real = async (p: string): Promise<string | undefined> => realpath(p).catch(() => undefined);
  const systemDir = options.systemDir ?? '/etc/ssh';
  const userDir = path.join(options.home, '.ssh');
  const userMain = path.join(userDir, 'config');
  const systemMain = path.join(systemDir, 'ssh_config');
  const [target, userMainReal, systemMainReal, userDirReal, systemDropInReal] = await Promise.all([
    real(file),
    real(userMain),
    real(systemMain),
    real(userDir),
    real(path.join(systemDir, 'ssh_config.d')),
  ]);
  if (target === undefined) {
    return undefined;
  }
  if (target === userMainReal || target === systemMainReal) {
    return { configFile: undefined };
  }
  const under = (dir: string | undefined, p: string): boolean => {
    if (dir === undefined) {
      return false;
    }
    const relative = path.relative(dir, p);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  if (under(userDirReal, target) || under(userDir, path.resolve(file)) || under(systemDropInReal, target)) {
    return { configFile: file };
  }
  const reachable = ownConfigFiles(
    [
      { path: userMain, userFile: true },
      { path: systemMain, userFile: false },
    ],
    options.files ?? localIncludeFiles(),
    { home: options.home, env: options.env },
  );
  const reachableReal = await Promise.all([...reachable].map(real));
  return reachableReal.includes(target) ? { configFile: file } : undefined;
}
