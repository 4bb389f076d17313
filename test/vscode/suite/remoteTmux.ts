import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** tmux on the "server": the fixture sshd gives every session this TMUX_TMPDIR. "No server" reads as empty output. */
export async function remoteTmux(tmpDir: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('tmux', args, { env: { ...process.env, TMUX_TMPDIR: tmpDir }, timeout: 10_000 });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error("tmux not found: install the Debian package 'tmux' (apt-get install -y tmux)", { cause: err });
    if (/no server running|can't find session|error connecting/.test(e.stderr ?? '')) return '';
    throw err;
  }
}

/** The pids of the tmux clients attached to exactly `session`. */
export async function clientPids(tmpDir: string, session: string): Promise<string[]> {
  return (await remoteTmux(tmpDir, 'list-clients', '-t', `=${session}`, '-F', '#{client_pid}')).split('\n').filter((l) => l !== '');
}

export async function sessionNames(tmpDir: string): Promise<string[]> {
  return (await remoteTmux(tmpDir, 'list-sessions', '-F', '#{session_name}')).split('\n').filter((l) => l !== '');
}
