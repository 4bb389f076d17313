import { StringDecoder } from 'node:string_decoder';
import { attachCommand, attachTargetOf, type AttachTarget } from '../core/reattach/commands';
import type { MultiplexerKind } from '../core/reattach/names';
import { DEFAULT_KEEPALIVE, relaunchArgs, wantsKeepalive } from '../core/reattach/relaunch';
import { parseSshArgs, type SshInvocation } from '../core/sshArgs/parse';
import { effectiveConnectOptions, type EffectiveConnectOptions } from '../node/reattach/effectiveOptions';
import { processSignals, runReattachingSsh, type SignalSource } from '../node/reattach/reattachingSsh';

/** What `ssh-lifeline ssh` was asked to do; everything in it is already checked. */
export interface SshCommandArgs {
  readonly target: AttachTarget;
  /** The ssh arguments as given (options and HOST, no remote command). */
  readonly invocation: SshInvocation;
}

export type ParsedSshCommandArgs =
  | { readonly kind: 'run'; readonly args: SshCommandArgs }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** ConnectTimeout added when the user's configuration has none (seconds). */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

export const sshUsage = `Usage: ssh-lifeline ssh (--tmux NAME | --screen NAME) [ssh options] HOST

Runs ssh in this terminal with a remote command that attaches the tmux (or
GNU screen) session NAME on HOST, and creates it when it does not exist.
When the connection drops, or the machine wakes from sleep and the
connection turns out dead, it connects again and reattaches the same
session: nothing to type. It ends when the remote session ends normally
(you detach, or its last shell exits).

Options (before the ssh options):
  --tmux NAME     The tmux session to attach, by its exact name (tmux stores
                  "." and ":" in a name as "_")
  --screen NAME   The GNU screen session to attach
  -h, --help      Show this help

Session names are letters, digits and _ - + @ % , . (tmux also ":").

The ssh options are passed to ssh as given (-F, -i, -J, -l, -o, -p, ...); a
remote command cannot be given, and -N, -n, -f, -s, -T, -W, -G, -O, -Q, -V
make no sense here. When your configuration sets no ServerAliveInterval,
"-o ServerAliveInterval=${DEFAULT_KEEPALIVE.intervalSeconds} -o ServerAliveCountMax=${DEFAULT_KEEPALIVE.countMax}" is added, so that ssh
notices a dead link; when it sets no ConnectTimeout, "-o ConnectTimeout=${DEFAULT_CONNECT_TIMEOUT_SECONDS}".

After a drop it reconnects after 250 ms, then with growing delays: at most
2 s apart while the host cannot be reached (250 ms after an attempt that
timed out waiting for it), up to 30 s apart while sshd answers but the
attempt fails. It never retries after an authentication or host-key
failure, and ssh's escape sequence ~. ends it (when ssh reports it: at
LogLevel INFO, the default, or above). Ctrl-C while it waits to reconnect
ends it.

Exit status: 0 when the remote session ended normally; the remote command's
own status for any other status but 255; 255 when reconnecting stopped;
2 on a usage error; 129, 130, 143 after SIGHUP, SIGINT, SIGTERM.
`;

/** ssh options that contradict an interactive session with our remote command. */
const REFUSED_FLAGS: Readonly<Record<string, string>> = {
  N: 'runs no remote command',
  n: 'takes the keyboard away from the session',
  f: 'sends ssh to the background',
  s: 'runs a subsystem instead of a command',
  T: 'disables the terminal tmux and screen need',
  W: 'forwards standard input instead of running a command',
  G: 'only prints the configuration',
  O: 'sends a control command',
  Q: 'only queries ssh',
  V: 'only prints the version',
};

/** Parses the arguments after `ssh`: our options first, then ssh's. Pure. */
export function parseSshCommandArgs(argv: readonly string[]): ParsedSshCommandArgs {
  const error = (message: string): ParsedSshCommandArgs => ({ kind: 'error', message });
  let chosen: { kind: MultiplexerKind; name: string } | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    }
    const m = /^--(tmux|screen)(?:=([\s\S]*))?$/.exec(arg);
    if (m === null) {
      break;
    }
    const kind = m[1] as MultiplexerKind;
    // The next word is the name whatever it looks like: `--tmux -t` names a
    // session "-t", which the name check then refuses with its own reason.
    const name = m[2] ?? argv[++i];
    if (name === undefined) {
      return error(`--${kind} needs a session name`);
    }
    if (chosen !== undefined) {
      return error('give exactly one of --tmux NAME or --screen NAME');
    }
    chosen = { kind, name };
  }
  if (chosen === undefined) {
    return error('give the session to keep attached: --tmux NAME or --screen NAME');
  }
  const target = attachTargetOf(chosen.kind, chosen.name);
  if (!target.ok) {
    return error(target.message);
  }
  const invocation = parseSshArgs(argv.slice(i));
  if (invocation.errors.length > 0) {
    return error(`ssh would refuse these arguments: ${invocation.errors.join('; ')}`);
  }
  const refused = invocation.options.find((opt) => REFUSED_FLAGS[opt.flag] !== undefined);
  if (refused !== undefined) {
    return error(`ssh option -${refused.flag} ${REFUSED_FLAGS[refused.flag] ?? ''}: it cannot be used with ssh-lifeline ssh`);
  }
  if (invocation.destination === undefined) {
    return error('no HOST given');
  }
  if (invocation.command.length > 0) {
    return error(`a remote command cannot be given (${JSON.stringify(invocation.command.join(' '))}): ssh-lifeline runs ${chosen.kind} itself`);
  }
  const checked = relaunchArgs(invocation, { remoteCommand: attachCommand(target.target) });
  if (!checked.ok) {
    return error(checked.message);
  }
  return { kind: 'run', args: { target: target.target, invocation } };
}

/**
 * What the wrapper adds to the user's options: keepalives only when the
 * effective ServerAliveInterval is 0 and the command line does not set it
 * (an explicit 0 is the user's choice), a connect timeout only when there is
 * none (without it an attempt into a dead link waits for the kernel's SYN
 * retries, minutes).
 */
export function connectAdditions(
  invocation: SshInvocation,
  effective: EffectiveConnectOptions | undefined,
): { keepalive?: { intervalSeconds: number; countMax: number }; connectTimeoutSeconds?: number } {
  if (effective === undefined) {
    return {};
  }
  return {
    ...(wantsKeepalive(invocation, effective.serverAliveInterval) ? { keepalive: { ...DEFAULT_KEEPALIVE } } : {}),
    ...(effective.connectTimeout === undefined ? { connectTimeoutSeconds: DEFAULT_CONNECT_TIMEOUT_SECONDS } : {}),
  };
}

export interface SshCommandIo {
  err(text: string): void;
  /** Whether standard error is a terminal (our lines are then written for one). Default: asks the process. */
  readonly stderrIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The user's folder: ssh runs there, so relative paths in their options mean what they typed. */
  readonly cwd: string;
  /** A folder of ours, for ssh -G. */
  readonly programCwd: string;
  /** Default: the process's own signals. */
  readonly signals?: SignalSource;
  /** ssh's stderr, passed through (default: {@link SshCommandIo.err}). */
  readonly passStderr?: (chunk: Buffer) => void;
}

/** Bytes to text for a text sink, without splitting a character that straddles two chunks. */
function textOf(sink: (text: string) => void): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  return (chunk) => sink(decoder.write(chunk));
}

/** `ssh-lifeline ssh`: resolves to the exit code. */
export async function runSshCommand(args: SshCommandArgs, io: SshCommandIo): Promise<number> {
  const { invocation, target } = args;
  const host = invocation.destination?.raw ?? '';
  const effective = await effectiveConnectOptions(invocation, { cwd: io.cwd, programCwd: io.programCwd, env: io.env });
  // On a terminal, a line starts at column 0 and clears what is left of the
  // row: after a killed ssh the cursor sits anywhere in the remote screen,
  // and the terminal may still be raw (CR LF, not LF, ends a line).
  const terminal = io.stderrIsTTY ?? process.stderr.isTTY === true;
  const say = (line: string): void => io.err(terminal ? `\r${line}\x1b[K\r\n` : `${line}\n`);
  switch (effective.kind) {
    case 'missing':
      say('ssh-lifeline: ssh was not found: install the OpenSSH client (Debian: openssh-client)');
      return 127;
    case 'refused':
      say(`ssh-lifeline: ssh refuses this command line or configuration: ${effective.message}`);
      return 255;
    case 'unknown':
      say(`ssh-lifeline: could not read the effective configuration (${effective.message}); going on without keepalive or connect-timeout defaults`);
      break;
    default:
  }
  const options = effective.kind === 'ok' ? effective.options : undefined;
  const built = relaunchArgs(invocation, { remoteCommand: attachCommand(target), ...connectAdditions(invocation, options) });
  if (!built.ok) {
    say(`ssh-lifeline ssh: ${built.message}`);
    return 2;
  }
  return runReattachingSsh({
    args: built.args,
    host,
    multiplexer: target.kind,
    escapeChar: options?.escapeChar ?? (effective.kind === 'ok' ? undefined : '~'),
    cwd: io.cwd,
    env: io.env,
    say,
    passStderr: io.passStderr ?? textOf(io.err),
    signals: io.signals ?? processSignals,
  });
}
