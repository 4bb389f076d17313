/**
 * One run of the interactive ssh: the terminal is handed to it (stdin and
 * stdout inherited), its stderr passes through us so its last lines tell why
 * it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** How one ssh run ended. */
export type AttemptEnd =
  | {
      readonly kind: 'exited';
      /** Set when ssh exited by itself. */
      readonly exitCode: number | undefined;
      /** Set when a signal ended it. */
      readonly signal: NodeJS.Signals | undefined;
      /** The end of what ssh wrote on stderr (already shown to the user). */
      readonly stderrTail: string;
      readonly durationMs: number;
    }
  /** ssh could not be started at all: `missing` is ENOENT (not installed / not on PATH). */
  | { readonly kind: 'spawn-failed'; readonly reason: 'missing' | 'other'; readonly message: string };

export interface AttemptOptions {
  /** The program; `ssh` on PATH unless a test says otherwise. */
  readonly program?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every stderr chunk, at once (the user must see a password prompt or a warning without delay). */
  readonly onStderr: (chunk: Buffer) => void;
}

/** Only the end of ssh's stderr matters for classifySshFailure. */
const TAIL_BYTES = 64 * 1024;

/** A running ssh. */
export interface SshAttempt {
  /** Undefined only when the spawn failed. */
  readonly pid: number | undefined;
  readonly startedAtMs: number;
  /** Settles once ssh has exited and its stderr is drained. */
  readonly done: Promise<AttemptEnd>;
  /** Whether ssh is still running. */
  running(): boolean;
  /** Sends a signal; false when the process is gone. */
  signal(signal: NodeJS.Signals): boolean;
  /**
   * Ends ssh: `signal` (default SIGTERM; ssh catches SIGTERM, SIGHUP and
   * SIGINT, restores the terminal and exits 255), then SIGKILL when it is
   * still there after `graceMs` (default 2 s).
   */
  end(graceMs?: number, signal?: NodeJS.Signals): void;
}

/**
 * Starts ssh in the foreground of the current terminal. It stays in our
 * process group on purpose: a process outside the terminal's foreground group
 * would be stopped (SIGTTIN) the moment it reads the keyboard.
 */
export function startSshAttempt(args: readonly string[], options: AttemptOptions): SshAttempt {
  const startedAtMs = Date.now();
  const child: ChildProcess = spawn(options.program ?? 'ssh', args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    shell: false,
    stdio: ['inherit', 'inherit', 'pipe'],
  });
  let tail = Buffer.alloc(0);
  let killTimer: NodeJS.Timeout | undefined;
  let exited = false;
  const done = new Promise<AttemptEnd>((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      options.onStderr(chunk);
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES) {
        tail = tail.subarray(tail.length - TAIL_BYTES);
      }
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      exited = true;
      resolve({ kind: 'spawn-failed', reason: err.code === 'ENOENT' ? 'missing' : 'other', message: err.message });
    });
    const settle = (code: number | null, sig: NodeJS.Signals | null): void => {
      exited = true;
      if (killTimer !== undefined) {
        clearTimeout(killTimer);
      }
      resolve({
        kind: 'exited',
        exitCode: code ?? undefined,
        signal: sig ?? undefined,
        stderrTail: tail.toString('utf8'),
        durationMs: Date.now() - startedAtMs,
      });
    };
    // 'close' comes after 'exit' once stderr has ended, so the tail is
    // complete. A process ssh left behind that still holds the pipe (a
    // ProxyCommand that ignores SIGHUP) must not keep us waiting: half a
    // second after the exit, what has arrived is the tail.
    child.once('exit', (code, sig) => {
      exited = true;
      const drain = setTimeout(() => {
        child.stderr?.destroy();
        settle(code, sig);
      }, 500);
      drain.unref();
      child.once('close', () => clearTimeout(drain));
    });
    child.once('close', (code, sig) => settle(code, sig));
  });
  const running = (): boolean => !exited && child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals): boolean => {
    if (!running()) {
      return false;
    }
    try {
      return child.kill(sig);
    } catch {
      return false;
    }
  };
  return {
    pid: child.pid,
    startedAtMs,
    done,
    running,
    signal,
    end(graceMs = 2000, first: NodeJS.Signals = 'SIGTERM'): void {
      if (!signal(first) || killTimer !== undefined) {
        return;
      }
      killTimer = setTimeout(() => signal('SIGKILL'), graceMs);
      killTimer.unref();
    },
  };
}
