import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProgram } from './findProgram';
import { parseSshdTestOutput, type SshdReport } from '../core/sshConfig/effective';

export type SshdCheck =
  /** sshd read the text: what it said (possibly nothing). `file` is the copy it read, as named in its messages. */
  | { readonly kind: 'checked'; readonly report: SshdReport; readonly exitCode: number | null; readonly file: string; readonly ms: number }
  /** No check is possible here (no sshd, no ssh-keygen, no temp dir): say so once, not per file. */
  | { readonly kind: 'unavailable'; readonly reason: string }
  /** This check failed (timeout, write error); the next may work. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface SshdValidatorOptions {
  /** Parent of the private working directory; the OS temp dir unless a test says otherwise. */
  readonly tmpRoot?: string;
  /** Per sshd run; default 5 s. */
  readonly timeoutMs?: number;
  /** Finds sshd; default {@link findSshd}. */
  readonly findSshd?: () => Promise<string | undefined>;
}

/**
 * Where sshd is: `/usr/sbin/sshd`, else the first `sshd` in an absolute PATH
 * entry. The path is absolute, which sshd also wants for itself.
 */
export function findSshd(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | undefined> {
  return findProgram('sshd', env, ['/usr/sbin/sshd']);
}

interface Session {
  readonly dir: string;
  readonly hostKey: string;
}

/** Per check: which sshd (`sshLifeline.sshd.path`); the one found by {@link SshdValidatorOptions.findSshd} when absent. */
export interface SshdCheckOptions {
  readonly sshd?: string;
}

/**
 * Checks sshd_config text with the real sshd, as the user running the editor
 * (never through sudo or any other elevation): `sshd -t -f COPY -h KEY`.
 *
 * Once per session it makes a private directory (0700) and a throwaway
 * ed25519 host key in it: without `-h`, sshd -t fails on host keys an
 * unprivileged user cannot read. Each check writes the text to a new file
 * there (0600), runs sshd without a shell and with a timeout, and deletes the
 * copy. Relative `Include`s in the copy resolve under /etc/ssh, as they would
 * for sshd itself. `dispose()` removes the directory.
 */
export class SshdValidator {
  private session: Promise<Session | { readonly unavailable: string }> | undefined;
  private found: Promise<string | undefined> | undefined;
  private counter = 0;
  private disposed = false;
  /** The private directory, once made. */
  private dir: string | undefined;

  constructor(private readonly options: SshdValidatorOptions = {}) {}

  async check(text: string, options: SshdCheckOptions = {}): Promise<SshdCheck> {
    const sshd = options.sshd ?? (await (this.found ??= (this.options.findSshd ?? findSshd)()));
    if (sshd === undefined) {
      return { kind: 'unavailable', reason: 'no sshd (looked at /usr/sbin/sshd and PATH); install OpenSSH server (Debian/Ubuntu: openssh-server) to check sshd_config files with sshd -t' };
    }
    const session = await (this.session ??= this.start());
    if ('unavailable' in session) {
      return { kind: 'unavailable', reason: session.unavailable };
    }
    if (this.disposed) {
      return { kind: 'failed', reason: 'the validator was disposed' };
    }
    const file = path.join(session.dir, `sshd_config.${++this.counter}`);
    const started = Date.now();
    try {
      await writeFile(file, text, { mode: 0o600, flag: 'wx' });
      const { code, stderr, timedOut, error } = await run(sshd, ['-t', '-f', file, '-h', session.hostKey], session.dir, this.options.timeoutMs ?? 5_000);
      if (timedOut) {
        return { kind: 'failed', reason: `sshd -t did not finish within ${this.options.timeoutMs ?? 5_000} ms` };
      }
      if (error !== undefined) {
        return { kind: 'failed', reason: error };
      }
      return { kind: 'checked', report: parseSshdTestOutput(stderr, code), exitCode: code, file, ms: Date.now() - started };
    } catch (err) {
      return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  /** The private directory, once made (for tests and the log). */
  get workingDirectory(): string | undefined {
    return this.dir;
  }

  /** Removes the private directory (synchronously: deactivation does not wait for promises). */
  dispose(): void {
    this.disposed = true;
    if (this.dir !== undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
    }
  }

  private async start(): Promise<Session | { readonly unavailable: string }> {
    let dir: string;
    try {
      dir = await mkdtemp(path.join(this.options.tmpRoot ?? os.tmpdir(), 'ssh-lifeline-sshd-'));
      await chmod(dir, 0o700);
    } catch (err) {
      return { unavailable: `no private temp directory: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (this.disposed) {
      await rm(dir, { recursive: true, force: true });
      return { unavailable: 'the validator was disposed' };
    }
    this.dir = dir;
    const hostKey = path.join(dir, 'host_ed25519_key');
    const keygen = await run('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-C', 'ssh-lifeline sshd -t', '-f', hostKey], dir, 10_000);
    if (keygen.code !== 0) {
      this.dir = undefined;
      await rm(dir, { recursive: true, force: true });
      const why = keygen.error ?? (keygen.timedOut ? 'timed out' : keygen.stderr.trim() || `exit ${String(keygen.code)}`);
      return { unavailable: `ssh-keygen could not make a throwaway host key (${why}); install OpenSSH client (Debian/Ubuntu: openssh-client)` };
    }
    return { dir, hostKey };
  }
}

interface RunResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Set when the program could not be started. */
  readonly error?: string;
}

/** execFile without a shell; sshd -t and ssh-keygen start no children, so killing the one process on timeout is enough. */
function run(program: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', shell: false, windowsHide: true, encoding: 'utf8', maxBuffer: 256 * 1024 },
      (error, _stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, stderr, timedOut: false });
          return;
        }
        const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string | null };
        if (typeof e.code === 'string') {
          resolve({ code: null, stderr, timedOut: false, error: e.code === 'ENOENT' ? `${program} not found` : e.message });
          return;
        }
        resolve({ code: typeof e.code === 'number' ? e.code : null, stderr, timedOut: e.killed === true && e.signal === 'SIGKILL' });
      },
    );
  });
}
