/**
 * The system ssh command that carries a probe to a host reached through a
 * ProxyCommand. The probe never runs that command itself (nor hands it to a
 * shell): it starts ssh for the same alias and config, so that ssh runs the
 * ProxyCommand exactly where the user's own ssh would, and asks that ssh for
 * a stdio forward to the host's own sshd, seen from the host:
 * `ssh … -W 127.0.0.1:PORT -- ALIAS`. ssh2 then speaks SSH over that stream,
 * to the same sshd, which shows the same host key.
 *
 * Why `127.0.0.1` and not `localhost` or `[::1]`: the forward's address is
 * resolved by the host's sshd, so `localhost` would depend on that host's
 * resolver and /etc/hosts (and on `PermitOpen` lists matching the literal
 * name); `[::1]` fails where IPv6 is disabled, which is common in containers
 * and cloud images; sshd's default `ListenAddress` (every address, both
 * families) includes 127.0.0.1.
 *
 * Known limits (the probe reports them as reason `proxy` with ssh's own line):
 * - the host's sshd must allow TCP forwarding (`AllowTcpForwarding`, default
 *   yes; not `DisableForwarding`, and `PermitOpen` must allow 127.0.0.1:PORT),
 *   else ssh prints `channel 0: open failed: administratively prohibited`;
 * - an sshd must listen on 127.0.0.1 at PORT (the effective `Port`, which is
 *   what `%p` gives the ProxyCommand): a ProxyCommand that reaches a port
 *   mapped to another one (a NAT or container port map) gives
 *   `connect failed: Connection refused`, or another sshd whose key known_hosts
 *   does not vouch for, which the probe refuses;
 * - the host sees two logins per probe connection (ssh's, then ssh2's from
 *   127.0.0.1): `from=` restrictions in authorized_keys or `Match Address`
 *   blocks may treat the second one differently;
 * - options given only on the session's own command line (`-o ProxyCommand=…`,
 *   `-i`, …) are not repeated; the user and port are, with `-l` and `-p`.
 * - each probe connection (not each beat) runs the ProxyCommand once more.
 */
import { isValidCommandLineHost } from '../sshArgs/parse';
import type { ProxyJumpCommand } from './proxyJump';

/** The address the forward asks the host's sshd to connect to (see the module comment). */
export const PROXY_COMMAND_FORWARD_HOST = '127.0.0.1';

/** What the carrier command needs from a probe target. */
export interface ProxyCommandTarget {
  /** The name as typed, which ssh looks up in its config (and so finds the ProxyCommand). */
  readonly alias: string;
  /** The effective user (`-l`): the session may have given it on its command line. */
  readonly user: string;
  /** The effective port (`-p`, `%p`), and the port of the forward. */
  readonly port: number;
  readonly configFile?: string;
}

/**
 * The arguments (after the program name) for
 * `ssh [-F file] -o BatchMode=yes -o ClearAllForwardings=yes -o ControlMaster=no -o ControlPath=none -o PermitLocalCommand=no -o LogLevel=INFO -l user -p port -W 127.0.0.1:port -- alias`.
 *
 * - `ControlMaster=no`, `ControlPath=none`: a connection of its own, neither
 *   borrowing the user's multiplexed session nor leaving a master behind;
 * - `PermitLocalCommand=no`: ssh runs a `LocalCommand` also with `-W`
 *   (checked on OpenSSH 9.2), and the probe must not repeat it at each connection;
 * - `LogLevel=INFO`: at `ERROR` and below ssh prints only `stdio forwarding
 *   failed`, without the `channel 0: open failed: …` line that says why.
 *
 * The alias and user are checked with OpenSSH's command-line rule so that no
 * config value can turn into an option; the result is an argv, never a shell line.
 */
export function proxyCommandCarrier(target: ProxyCommandTarget): ProxyJumpCommand {
  if (!isValidCommandLineHost(target.alias)) {
    return { ok: false, message: `host ${JSON.stringify(target.alias)} is not one ssh accepts on its command line` };
  }
  if (!isValidCommandLineHost(target.user)) {
    return { ok: false, message: `user name ${JSON.stringify(target.user)} is not one ssh accepts on its command line` };
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    return { ok: false, message: `port ${String(target.port)} is not a TCP port` };
  }
  const args: string[] = [];
  if (target.configFile !== undefined) {
    args.push('-F', target.configFile);
  }
  args.push(
    '-o',
    'BatchMode=yes',
    '-o',
    'ClearAllForwardings=yes',
    '-o',
    'ControlMaster=no',
    '-o',
    'ControlPath=none',
    '-o',
    'PermitLocalCommand=no',
    '-o',
    'LogLevel=INFO',
    '-l',
    target.user,
    '-p',
    String(target.port),
    '-W',
    `${PROXY_COMMAND_FORWARD_HOST}:${target.port}`,
    '--',
    target.alias,
  );
  return { ok: true, args };
}

/**
 * The stderr line that best says why a carrier ssh failed: a channel that
 * could not be opened (`channel 0: open failed: administratively prohibited:
 * open failed`) over the generic `stdio forwarding failed` printed after it,
 * else the last line.
 */
export function carrierFailureLine(lines: readonly string[]): string | undefined {
  const open = lines.filter((l) => /^channel \d+: open failed: /.test(l));
  return open[open.length - 1] ?? lines[lines.length - 1];
}

/** Whether ssh's line says the stdio forward itself was refused (the known limits above apply). */
export function isForwardRefusal(line: string): boolean {
  return /^channel \d+: open failed: |^stdio forwarding failed/.test(line);
}
