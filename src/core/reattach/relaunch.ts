/**
 * The ssh command line that reconnects a dropped session and reattaches its
 * tmux/screen session: the user's own options (so their config, keys, jump
 * hosts and forwards apply as before), a terminal, and our remote command.
 */
import { isValidCommandLineHost, parseSshArgs, type SshInvocation, type SshOption } from '../sshArgs/parse';
import { visible } from './names';

/** What to run on reconnect, and the defaults to add when the user set none. */
export interface RelaunchOptions {
  /** One string: the remote command (attachCommand/persistentCommand). */
  readonly remoteCommand: string;
  /** Adds -o ServerAliveInterval=… -o ServerAliveCountMax=… (callers pass it only when the user's effective config has none). */
  readonly keepalive?: { readonly intervalSeconds: number; readonly countMax: number };
  /** Adds -o ConnectTimeout=N (callers pass it only when the user's effective config has none). */
  readonly connectTimeoutSeconds?: number;
}

/** A dead link is noticed after about 30 s (10 s × 3 unanswered keepalives). */
export const DEFAULT_KEEPALIVE = { intervalSeconds: 10, countMax: 3 } as const;

/** ssh arguments, or why none can be built. */
export type RelaunchArgs =
  | { readonly ok: true; readonly args: string[] }
  | { readonly ok: false; readonly reason: 'no-destination' | 'invalid-host'; readonly message: string };

/**
 * Flags that would break an interactive reattach: `-f` (background), `-N`
 * (no command), `-n` (stdin from /dev/null), `-T` (no terminal), `-W` (stdio
 * forwarding), `-G` (print config and exit), `-V` (version), `-Q` (query),
 * `-O` (control command), `-s` (subsystem).
 */
const DROPPED_FLAGS = new Set('fNnTWGVQOs');

/**
 * `-o` keywords that do the same (`SessionType`, `StdinNull`,
 * `ForkAfterAuthentication`, `RequestTTY`) or clash with a command-line
 * command: with `RemoteCommand` set, ssh refuses to run ("Cannot execute
 * command-line and remote command").
 */
const DROPPED_KEYWORDS = new Set(['remotecommand', 'sessiontype', 'stdinnull', 'forkafterauthentication', 'requesttty']);

/** The keyword of a `-o` value (`Key=Value` or `Key Value`), lower-cased as ssh compares it. */
function keywordOf(value: string | undefined): string | undefined {
  const m = /^\s*([^\s=]+)/.exec(value ?? '');
  return m === null ? undefined : (m[1] as string).toLowerCase();
}

function isDropped(o: SshOption): boolean {
  return DROPPED_FLAGS.has(o.flag) || (o.flag === 'o' && DROPPED_KEYWORDS.has(keywordOf(o.value) ?? ''));
}

/** Each option as separate words: `-p`, `22`; `-o`, `Key=Value`. */
function serialise(options: readonly SshOption[]): string[] {
  return options.flatMap((o) => (o.value === undefined ? [`-${o.flag}`] : [`-${o.flag}`, o.value]));
}

function positive(n: number | undefined): string | undefined {
  return n !== undefined && Number.isFinite(n) && n >= 1 ? String(Math.round(n)) : undefined;
}

/** `-o` words for keepalive and ConnectTimeout. */
function addedOptions(o: RelaunchOptions): string[] {
  const out: string[] = [];
  const interval = positive(o.keepalive?.intervalSeconds);
  const countMax = positive(o.keepalive?.countMax);
  if (interval !== undefined && countMax !== undefined) {
    out.push('-o', `ServerAliveInterval=${interval}`, '-o', `ServerAliveCountMax=${countMax}`);
  }
  const connect = positive(o.connectTimeoutSeconds);
  if (connect !== undefined) {
    out.push('-o', `ConnectTimeout=${connect}`);
  }
  return out;
}

/**
 * Options given after the destination that ssh ignored because the
 * destination had already set the same thing. ssh keeps the first user and
 * port it meets in argv order (ssh.c), and `user@` / `ssh://…:port` in the
 * destination count where the destination stands; the relaunch puts every
 * option before `--`, so such an option would now win: it is left out.
 */
function shadowedByDestination(inv: SshInvocation, o: SshOption, index: number): boolean {
  const d = inv.destination;
  if (d === undefined || index < inv.optionsBeforeDestination) {
    return false;
  }
  const key = o.flag === 'o' ? keywordOf(o.value) : undefined;
  const setsUser = o.flag === 'l' || key === 'user';
  const setsPort = o.flag === 'p' || key === 'port';
  return (setsUser && d.user !== undefined) || (setsPort && d.port !== undefined);
}

/**
 * The ssh arguments (without the program name) that reconnect `original` and
 * run `remoteCommand` with a terminal.
 *
 * Every original option is kept, in order, as separate words, except the
 * {@link DROPPED_FLAGS} and {@link DROPPED_KEYWORDS}; `-t` is added when
 * absent. The keepalive and ConnectTimeout `-o`s come right after the kept
 * options: ssh keeps the first value it sees for a keyword, and a
 * command-line `-o` beats the config files, so a value the user gave on the
 * command line still wins over ours, and ours wins over the config. Then
 * `--` (nothing after it is read as an option), the destination exactly as
 * typed (`user@`, `ssh://…` included), and the remote command as one word;
 * the original remote command is replaced.
 */
export function relaunchArgs(original: SshInvocation, o: RelaunchOptions): RelaunchArgs {
  const d = original.destination;
  if (d === undefined) {
    return { ok: false, reason: 'no-destination', message: 'the ssh command line names no destination host, so there is nothing to reconnect to' };
  }
  if (!isValidCommandLineHost(d.host) || original.errors.some((e) => e.startsWith('invalid destination'))) {
    return { ok: false, reason: 'invalid-host', message: `ssh destination ${visible(d.raw)} is not a host name ssh accepts on a command line: not reconnecting` };
  }
  const kept = original.options.filter((opt, i) => !isDropped(opt) && !shadowedByDestination(original, opt, i));
  const tty = kept.some((opt) => opt.flag === 't') ? [] : ['-t'];
  return { ok: true, args: [...tty, ...serialise(kept), ...addedOptions(o), '--', d.raw, o.remoteCommand] };
}

/**
 * Whether a relaunch should carry DEFAULT_KEEPALIVE: neither the command line
 * (when there is one) nor the effective config sets ServerAliveInterval
 * (`effectiveInterval` in seconds, 0 = none; undefined when unknown). A
 * command-line `-o` would override the user's own value, so it is added only then.
 */
export function wantsKeepalive(inv: SshInvocation | undefined, effectiveInterval: number | undefined): boolean {
  return (inv === undefined || !commandLineSetsOption(inv, 'serveraliveinterval')) && (effectiveInterval ?? 0) === 0;
}

/**
 * Whether the command line itself sets an ssh_config keyword with `-o`
 * (`-o ServerAliveInterval=…`, `-oServerAliveInterval=…`, `-o 'ServerAliveInterval 15'`);
 * the keyword is compared case-insensitively, as ssh does.
 */
export function commandLineSetsOption(inv: SshInvocation, key: string): boolean {
  const k = key.toLowerCase();
  return inv.configOptions.some((c) => c.key === k);
}

/**
 * `ssh -t [-F configFile] [extraOptions] [keepalive -o …] -- HOST COMMAND`
 * for "Open Persistent SSH Terminal" and the CLI wrapper. The host is checked
 * with isValidCommandLineHost (a host like `-oProxyCommand=x` or `a;b` is
 * refused with `invalid-host`). `extraOptions` are ssh option words the user
 * gave (`-p`, `2222`); they come before our keepalive so theirs win, the
 * flags that would break an interactive terminal are left out as in
 * {@link relaunchArgs}, and a word among them that is not an option — ssh
 * would take it as the host — is refused with `invalid-host` as well.
 */
export function persistentArgs(
  host: string,
  o: RelaunchOptions & { readonly configFile?: string; readonly extraOptions?: readonly string[] },
): RelaunchArgs {
  if (host === '') {
    return { ok: false, reason: 'no-destination', message: 'no host given to open a persistent SSH terminal on' };
  }
  if (!isValidCommandLineHost(host)) {
    return { ok: false, reason: 'invalid-host', message: `host ${visible(host)} is not a host name ssh accepts on a command line: not connecting` };
  }
  const extra = parseSshArgs(o.extraOptions ?? []);
  if (extra.destination !== undefined || extra.errors.length > 0) {
    const stray = extra.destination?.raw ?? extra.errors[0] ?? '';
    return {
      ok: false,
      reason: 'invalid-host',
      message: `extra ssh options ${visible((o.extraOptions ?? []).join(' '))} are not only options (${visible(stray)}): ssh would read them as a host`,
    };
  }
  const kept = extra.options.filter((opt) => !isDropped(opt));
  // A -t (or -tt, forcing a terminal) among the extra options replaces ours.
  const tty = kept.some((opt) => opt.flag === 't') ? [] : ['-t'];
  const config = o.configFile === undefined ? [] : ['-F', o.configFile];
  return { ok: true, args: [...tty, ...config, ...serialise(kept), ...addedOptions(o), '--', host, o.remoteCommand] };
}
