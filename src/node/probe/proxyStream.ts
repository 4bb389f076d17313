/**
 * A Duplex over the stdin/stdout of a spawned `ssh -W host:port …`, for ssh2
 * to speak SSH through (its `sock` option), with byte counters and the last
 * line the process printed on stderr (why a jump failed).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';

/** Starts the carrier process; tests and callers may swap it (never through a shell). */
export type SpawnProxy = (command: string, args: readonly string[]) => ChildProcessWithoutNullStreams;

export const defaultSpawnProxy: SpawnProxy = (command, args) => spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });

/** Keep only the tail of stderr: enough for the last line, bounded whatever ssh prints. */
const STDERR_TAIL_BYTES = 4096;

export class ProxyStream extends Duplex {
  bytesRead = 0;
  bytesWritten = 0;
  private stderrTail = '';
  /** Exit code or signal once the process has ended. */
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  /** Set when the process could not be started. */
  spawnError: Error | undefined;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    super({ allowHalfOpen: false });
    child.stdout.on('data', (chunk: Buffer) => {
      this.bytesRead += chunk.length;
      if (!this.push(chunk)) {
        child.stdout.pause();
      }
    });
    child.stdout.once('end', () => this.push(null));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // A closed pipe shows up as EPIPE on stdin; the exit and stdout's end tell the story.
    child.stdin.on('error', () => undefined);
    child.once('error', (err) => {
      this.spawnError = err;
      this.destroy(err);
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The non-empty lines at the end of what ssh wrote to stderr (at most the last 4 KiB), without line ends. */
  get stderrLines(): string[] {
    return this.stderrTail.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  }

  /** The last non-empty line ssh wrote to stderr, without its line end. */
  get lastStderrLine(): string | undefined {
    const lines = this.stderrLines;
    return lines[lines.length - 1];
  }

  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void> {
    if (this.exit !== undefined || this.spawnError !== undefined || this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child.stdin.destroyed || this.child.stdin.writableEnded) {
      callback();
      return;
    }
    this.bytesWritten += chunk.length;
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.child.stdin.destroyed && !this.child.stdin.writableEnded) {
      this.child.stdin.end();
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.kill();
    callback(error);
  }

  /** Ends the carrier: SIGTERM, then SIGKILL if it lingers. */
  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.spawnError !== undefined) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill('SIGKILL');
      }
    }, 2000);
    timer.unref();
  }
}
