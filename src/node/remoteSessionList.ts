import { execFile } from 'node:child_process';
import { listSessionsCommand, type MultiplexerSocket } from '../core/reattach/commands';
import type { MultiplexerKind } from '../core/reattach/names';
import { parseScreenSessions, parseTmuxSessions, type RemoteSession } from '../core/reattach/remoteSessions';
import { relaunchArgs } from '../core/reattach/relaunch';
import type { SshInvocation } from '../core/sshArgs/parse';

export type RemoteListResult =
  | { readonly ok: true; readonly sessions: RemoteSession[] }
  | { readonly ok: false; readonly message: string };

/**
 * Lists the tmux (or screen) sessions on the host of an ssh command line, by
 * running that same ssh with the list command instead of its own: its
 * options, config, jump hosts and ProxyCommand are the user's own, as when
 * they typed it. Never interactive: `-T`, `BatchMode yes` (a password or
 * host-key prompt fails instead of waiting), a 5 s ConnectTimeout, and a
 * 15 s bound on the whole run.
 */
export function listRemoteSessions(
  original: SshInvocation,
  kind: MultiplexerKind,
  socket: MultiplexerSocket | undefined,
  o: { readonly sshPath?: string; readonly cwd?: string; readonly signal?: AbortSignal } = {},
): Promise<RemoteListResult> {
  const built = relaunchArgs(original, { remoteCommand: listSessionsCommand(kind, socket) });
  if (!built.ok) {
    return Promise.resolve({ ok: false, message: built.message });
  }
  // ssh takes the first value it sees: these come before everything else; -t (added for an attach) is dropped.
  const args = ['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', ...built.args.filter((a) => a !== '-t' && a !== '-tt')];
  return new Promise((resolve) => {
    execFile(o.sshPath ?? 'ssh', args, { timeout: 15_000, maxBuffer: 1 << 20, ...(o.cwd === undefined ? {} : { cwd: o.cwd }), ...(o.signal === undefined ? {} : { signal: o.signal }) }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : undefined;
      if (code === 255 || code === undefined) {
        resolve({ ok: false, message: stderr.trim().split('\n').pop() ?? (err?.message ?? 'ssh failed') });
        return;
      }
      // tmux exits 1 with "no server running" when there is no session; screen -ls exits 1 when there are none, too.
      resolve({ ok: true, sessions: kind === 'tmux' ? parseTmuxSessions(stdout) : parseScreenSessions(stdout) });
    });
  });
}
