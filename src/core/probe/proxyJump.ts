/**
 * The system ssh command that carries a probe through ProxyJump hosts, built
 * as ssh.c does for its own ProxyJump: the last hop is the host ssh connects
 * to (`-l user -p port host`), the earlier ones go to `-J`, and
 * `-W '[host]:port'` forwards stdio to the target.
 */
import { isValidCommandLineHost, parseUserHostPort, type UserHostPort } from '../sshArgs/parse';

/** One `[user@]host[:port]` or `ssh://[user@]host[:port]` hop of a ProxyJump list. */
export type JumpHop = UserHostPort;

/** readconf.c `parse_jump` for one hop: `parse_ssh_uri` or `parse_user_host_port`. */
export const parseJumpHop = parseUserHostPort;

function validHop(hop: JumpHop): boolean {
  return isValidCommandLineHost(hop.host) && (hop.user === undefined || isValidCommandLineHost(hop.user));
}

export type ProxyJumpCommand = { readonly ok: true; readonly args: readonly string[] } | { readonly ok: false; readonly message: string };

/**
 * The arguments (after the program name) for
 * `ssh [-F file] -o BatchMode=yes -o ClearAllForwardings=yes [-J earlier,hops] [-l user] [-p port] -W '[host]:port' -- lasthop`.
 * Every name is checked with OpenSSH's command-line rule so that nothing in a
 * config value can turn into an option; the result is an argv, never a shell line.
 */
export function proxyJumpCommand(target: { readonly hostName: string; readonly port: number; readonly proxyJump: string; readonly configFile?: string }): ProxyJumpCommand {
  const texts = target.proxyJump.split(',');
  const hops = texts.map(parseJumpHop);
  const bad = texts.find((_text, i) => {
    const hop = hops[i];
    return hop === undefined || !validHop(hop);
  });
  if (bad !== undefined) {
    return { ok: false, message: `ProxyJump hop ${JSON.stringify(bad)} is not a host ssh accepts on its command line` };
  }
  if (!isValidCommandLineHost(target.hostName) || /[[\]]/.test(target.hostName)) {
    return { ok: false, message: `host name ${JSON.stringify(target.hostName)} is not one ssh accepts on its command line` };
  }
  const last = hops[hops.length - 1] as JumpHop;
  const args: string[] = [];
  if (target.configFile !== undefined) {
    args.push('-F', target.configFile);
  }
  args.push('-o', 'BatchMode=yes', '-o', 'ClearAllForwardings=yes');
  if (texts.length > 1) {
    args.push('-J', texts.slice(0, -1).join(','));
  }
  if (last.user !== undefined) {
    args.push('-l', last.user);
  }
  if (last.port !== undefined) {
    args.push('-p', String(last.port));
  }
  args.push('-W', `[${target.hostName}]:${target.port}`, '--', last.host);
  return { ok: true, args };
}
