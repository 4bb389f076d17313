/**
 * A terminal for the peers that need one (mosh draws its "Last contact"
 * notice on the screen; a reattaching ssh is judged by what the user sees):
 * one window of a private local tmux server running a command, read with
 * `capture-pane`, typed into with `send-keys`. The server's socket name is
 * unique to this process and label, so the machine's own tmux is never
 * touched. The command runs under `sh`, which records its exit status in a
 * file (tmux 3.3a sometimes leaves `pane_dead_status` empty).
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface TerminalOptions {
  /** Folder for the tmux config and the exit-status file. */
  readonly dir: string;
  /** The whole environment of the command (the caller's is not inherited). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly columns?: number;
  readonly rows?: number;
}

export class Terminal {
  private constructor(
    readonly socket: string,
    private readonly env: Readonly<Record<string, string>>,
    private readonly statusFile: string,
  ) {}

  /** Starts `argv` in a new terminal (argv may begin with `ip netns exec NS`). */
  static async open(label: string, argv: readonly string[], options: TerminalOptions): Promise<Terminal> {
    const socket = `lifeline-bench-${process.pid}-${label.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 24)}`;
    const conf = join(options.dir, `${socket}.conf`);
    const statusFile = join(options.dir, `${socket}.status`);
    await writeFile(conf, 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n');
    const t = new Terminal(socket, options.env, statusFile);
    const script = `"$@"; echo $? > '${statusFile}'`;
    await t.tmux(
      '-f',
      conf,
      'new-session',
      '-d',
      '-s',
      'term',
      '-x',
      String(options.columns ?? 120),
      '-y',
      String(options.rows ?? 35),
      ...(options.cwd === undefined ? [] : ['-c', options.cwd]),
      '--',
      'sh',
      '-c',
      script,
      'sh',
      ...argv,
    );
    return t;
  }

  async tmux(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('tmux', ['-L', this.socket, ...args], { env: { ...this.env } });
    return stdout;
  }

  /** The visible screen plus `history` lines of scrollback, joined lines unwrapped. */
  async capture(history = 0): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', ...(history > 0 ? ['-S', String(-history)] : []), '-t', 'term');
  }

  /** `tmux send-keys`: literal text with `-l`, or key names such as `Enter`. */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'term', ...keys);
  }

  /** Polls the screen every `everyMs` until `test` holds; resolves with performance.now() at that capture, or undefined after `timeoutMs`. */
  async waitFor(test: (screen: string) => boolean, timeoutMs: number, everyMs = 50): Promise<number | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const screen = await this.capture().catch(() => '');
      const at = performance.now();
      if (test(screen)) {
        return at;
      }
      if (at > deadline) {
        return undefined;
      }
      await sleep(everyMs);
    }
  }

  /** undefined while the command runs, else its exit status. */
  async exitStatus(): Promise<number | undefined> {
    const text = await readFile(this.statusFile, 'utf8').catch(() => '');
    return /^\d+\n$/.test(text) ? Number(text) : undefined;
  }

  /** Pid of the pane's `sh` (the command is its child). */
  async shellPid(): Promise<number> {
    return Number((await this.tmux('display-message', '-p', '-t', 'term', '#{pane_pid}')).trim());
  }

  /** Ends the terminal's tmux server (and so its command) and removes the socket file tmux 3.3a leaves behind. */
  async close(): Promise<void> {
    const socketPath = (await this.tmux('display-message', '-p', '#{socket_path}').catch(() => '')).trim();
    await this.tmux('kill-server').catch(() => undefined);
    if (socketPath !== '') {
      for (let i = 0; i < 100; i += 1) {
        const gone = await this.tmux('list-sessions').then(
          () => false,
          () => true,
        );
        if (gone) {
          break;
        }
        await sleep(50);
      }
      await rm(socketPath, { force: true });
    }
  }
}
