/**
 * The terminal's line settings, saved before the first ssh and put back after
 * every ssh that ends. ssh switches the terminal to raw mode and restores it
 * when it exits normally or on SIGTERM/SIGHUP; an ssh killed with SIGKILL (or
 * crashing) leaves it raw, and then Ctrl-C would no longer interrupt us while
 * we wait to reconnect. `stty` is used rather than Node's setRawMode, which
 * would make Node reopen and take over standard input, the descriptor ssh
 * needs untouched.
 */
import { spawn } from 'node:child_process';
import { isatty } from 'node:tty';

/** `stty -g` output: an opaque, re-appliable description of the settings. */
export interface TerminalMode {
  readonly saved: string;
}

function stty(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let child;
    try {
      // stdin inherited: stty works on its standard input.
      child = spawn('stty', args, { stdio: ['inherit', 'pipe', 'ignore'] });
    } catch {
      resolve({ code: null, stdout: '' });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.once('error', () => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '' });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** The current settings of the terminal on standard input; undefined when stdin is no terminal or stty is missing. */
export async function saveTerminalMode(): Promise<TerminalMode | undefined> {
  if (!isatty(0)) {
    return undefined;
  }
  const r = await stty(['-g'], 2000);
  const saved = r.stdout.trim();
  // `stty -g` prints colon-separated hex on Linux and `gfmt1:…` on BSD/macOS: one word either way.
  return r.code === 0 && /^[\w:=]+$/.test(saved) ? { saved } : undefined;
}

/** Applies saved settings again; failures are ignored (the terminal may be gone). */
export async function restoreTerminalMode(mode: TerminalMode | undefined): Promise<void> {
  if (mode !== undefined) {
    await stty([mode.saved], 2000);
  }
}
