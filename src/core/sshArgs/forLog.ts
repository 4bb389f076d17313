import { detectMultiplexer } from './remoteCommand';
import { parseSshArgs } from './parse';

/**
 * `-o` keywords whose values are commands or environment values: a token or a
 * password in a ProxyCommand (`--token …`) or a SetEnv is common, and a log
 * line must not keep it.
 */
const SECRET_BEARING = new Set(['proxycommand', 'localcommand', 'remotecommand', 'knownhostscommand', 'setenv']);

/**
 * An ssh command line for the log, without what may hold a secret: the remote
 * command (`ssh db 'mysql -pHunter2'`) is shown by its word count, except a
 * tmux/screen command, which is named (the reattach log needs it) but not
 * quoted; `-o` values of the keywords above are left out. Options, the
 * destination and their order stay as typed.
 */
export function sshArgsForLog(args: readonly string[]): string {
  const inv = parseSshArgs(args);
  const out: string[] = [];
  for (const [i, o] of inv.options.entries()) {
    if (i === inv.optionsBeforeDestination && inv.destination !== undefined) out.push(inv.destination.raw);
    if (o.flag === 'o' && o.value !== undefined) {
      const key = (/^\s*([A-Za-z]+)/.exec(o.value)?.[1] ?? '').toLowerCase();
      out.push('-o', SECRET_BEARING.has(key) ? `${key}=[hidden]` : o.value);
      continue;
    }
    out.push(`-${o.flag}`, ...(o.value === undefined ? [] : [o.value]));
  }
  if (inv.options.length <= inv.optionsBeforeDestination && inv.destination !== undefined) out.push(inv.destination.raw);
  if (inv.command.length > 0) {
    const mux = detectMultiplexer(inv.command);
    out.push(
      mux === undefined
        ? `[remote command: ${inv.command.length} word${inv.command.length === 1 ? '' : 's'}]`
        : `[remote ${mux.kind} command${mux.session === undefined ? '' : `, session ${mux.session}`}]`,
    );
  }
  return out.join(' ');
}
