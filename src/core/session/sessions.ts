/**
 * Which SSH sessions run under a terminal's shell, from a process table: each
 * ssh-like process (ssh, autossh, mosh, et) among the shell's descendants that
 * opens a session, with its parsed command line, destination and tmux/screen
 * invocation, and the helper processes that belong to it. Pure: the process
 * table comes from src/node/processTable.ts.
 */
import { descendantsOf, type ProcessInfo } from '../process/processTree';
import { commandLineUserAndPort, parseSshArgs, type Destination, type SshInvocation } from '../sshArgs/parse';
import { detectMultiplexer, shellWords, sshLikeKind, type Multiplexer, type SshLikeKind } from '../sshArgs/remoteCommand';

/** An ssh-like program and the arguments it was given (after its own name). */
export interface SshProgram {
  readonly kind: SshLikeKind;
  readonly args: readonly string[];
  /** Run as a script by an interpreter (mosh, or a wrapper script named ssh): not the program's own process. */
  readonly script: boolean;
}

/** Interpreters that run ssh-like scripts (mosh is a Perl script: its argv is `perl /usr/bin/mosh …`). */
const INTERPRETERS = new Set(['perl', 'sh', 'bash', 'dash', 'zsh', 'python', 'python3']);

const basename = (path: string): string => path.split('/').pop() ?? '';

/**
 * The ssh-like program a process runs, if any.
 *
 * By argv[0]'s basename first; then a script run by an interpreter
 * (`perl /usr/bin/mosh host`); then the kernel's command name, so that
 * `exec -a name ssh host` (which changes only argv[0]) is still seen as ssh.
 * A process with no argv (a zombie: ssh has exited, its parent has not
 * reaped it yet) runs nothing.
 */
export function sshProgramOf(p: ProcessInfo): SshProgram | undefined {
  const argv0 = p.argv[0];
  if (argv0 === undefined) {
    return undefined;
  }
  const byName = sshLikeKind(argv0);
  if (byName !== undefined) {
    return { kind: byName, args: p.argv.slice(1), script: false };
  }
  if (INTERPRETERS.has(basename(argv0))) {
    const script = p.argv.findIndex((a, i) => i > 0 && !a.startsWith('-'));
    const kind = script === -1 ? undefined : sshLikeKind(p.argv[script] as string);
    return kind === undefined ? undefined : { kind, args: p.argv.slice(script + 1), script: true };
  }
  const byComm = sshLikeKind(p.comm);
  return byComm === undefined ? undefined : { kind: byComm, args: p.argv.slice(1), script: false };
}

/** Why a session is tracked but not probed. */
export interface ProbeRefusal {
  readonly reason: 'mosh' | 'autossh' | 'et';
  readonly message: string;
}

const REFUSALS: Readonly<Record<Exclude<SshLikeKind, 'ssh'>, ProbeRefusal>> = {
  mosh: { reason: 'mosh', message: 'mosh carries the session over UDP and reconnects by itself; ssh only starts it' },
  autossh: { reason: 'autossh', message: 'autossh watches and restarts its own ssh' },
  et: { reason: 'et', message: 'Eternal Terminal carries the session over its own connection and reconnects by itself' },
};

/** Why a session of this kind is not probed; undefined for plain ssh. */
export function probeRefusalFor(kind: SshLikeKind): ProbeRefusal | undefined {
  return kind === 'ssh' ? undefined : REFUSALS[kind];
}

/** A process that belongs to a session without being it: a ProxyJump/ProxyCommand ssh, autossh's ssh, mosh's bootstrap ssh. */
export interface SessionHelper {
  readonly pid: number;
  readonly argv: readonly string[];
}

/** One SSH session under a terminal. */
export interface SshSession {
  /** `<pid>@<start time>` (`<pid>` where start times are unknown): the same across rescans, never reused by a later process. */
  readonly id: string;
  /** The session's process: the ssh, autossh, mosh(-client) or et the shell started. */
  readonly pid: number;
  readonly startTime: number | undefined;
  readonly kind: SshLikeKind;
  /** The session process's argv as the process table shows it. */
  readonly argv: readonly string[];
  /**
   * The ssh arguments (without the program name) that describe the
   * connection: ssh's own; autossh's current ssh child's, or autossh's minus
   * its `-M`/`-f`; for mosh and et the destination (plus mosh's `--ssh` options).
   */
  readonly sshArgs: readonly string[];
  readonly invocation: SshInvocation;
  /** The destination as typed (`u@prod` → host `prod`, user `u`). */
  readonly destination: Destination;
  /** The host as typed: the name ssh_config's Host patterns see. */
  readonly alias: string;
  /** User and port given on the command line (`-l`, `-p`, `user@`, `ssh://…:port`, `-o User=`). */
  readonly user: string | undefined;
  readonly port: string | undefined;
  /** The remote command words, empty for a login shell. */
  readonly remoteCommand: readonly string[];
  /** A tmux or screen session the remote command attaches to or creates. */
  readonly multiplexer: Multiplexer | undefined;
  /** The ssh process that holds the connection's socket, when there is one now (autossh's changes on restart). */
  readonly sshPid: number | undefined;
  readonly probe: boolean;
  readonly probeRefusal: ProbeRefusal | undefined;
  readonly helpers: readonly SessionHelper[];
}

/**
 * ssh command lines that do not open a session: `-G` (print the config),
 * `-V` (version), `-Q` (query algorithms), `-O` (a control command to a
 * master: check, exit, stop, forward, cancel; `-O proxy` is a session and
 * stays one).
 */
function isSessionInvocation(inv: SshInvocation): boolean {
  if (inv.destination === undefined) {
    return false;
  }
  return !inv.options.some((o) => o.flag === 'G' || o.flag === 'V' || o.flag === 'Q' || (o.flag === 'O' && o.value !== 'proxy'));
}

/** autossh's own options (`-M port[:echo]`, `-f`, `-V`) removed; the rest goes to ssh unchanged. */
function autosshToSsh(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (a === '-M') {
      i++;
      continue;
    }
    if (a.startsWith('-M') || a === '-f' || a === '-V') {
      continue;
    }
    out.push(a);
  }
  return out;
}

/** mosh options that take a value in the next word when not written `--opt=value` (mosh(1)). */
const MOSH_WITH_VALUE = new Set(['--client', '--server', '--ssh', '--port', '-p', '--family', '--bind-server', '--experimental-remote-ip', '--predict']);

/**
 * `mosh [options] [--] [user@]host [command…]` as ssh arguments: the `--ssh`
 * command's options, the destination and the command. mosh-client (what mosh
 * becomes once connected) carries the original command line after `-#`.
 * mosh's `-p` is its UDP port, not ssh's, so it is left out.
 */
function moshToSsh(programArgs: readonly string[], argv0: string): string[] {
  let args = programArgs;
  if (basename(argv0) === 'mosh-client' || args[0]?.startsWith('-#') === true) {
    const hash = args.findIndex((a) => a.startsWith('-#'));
    if (hash === -1) {
      return [];
    }
    const text = args[hash] === '-#' ? (args[hash + 1] ?? '') : (args[hash] as string).slice(2);
    args = text.replace(/\|\s*$/, '').trim().split(/\s+/).filter((w) => w !== '');
  }
  let sshOptions: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) {
      break;
    }
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = inline ?? (MOSH_WITH_VALUE.has(name) ? args[++i] : undefined);
    if (name === '--ssh' && value !== undefined) {
      const words = shellWords(value);
      if (words !== undefined && words[0] !== undefined && sshLikeKind(words[0]) === 'ssh') {
        sshOptions = words.slice(1);
      }
    }
  }
  const [destination, ...command] = args.slice(i);
  if (destination === undefined) {
    return [];
  }
  // mosh takes `host -- command`; the `--` is mosh's, not part of the command.
  return [...sshOptions, '--', destination, ...(command[0] === '--' ? command.slice(1) : command)];
}

/** et options that take a value (Eternal Terminal's `et --help`). */
const ET_WITH_VALUE = new Set(['-u', '--username', '-p', '--port', '-c', '--command', '-t', '--tunnel', '-r', '--reversetunnel', '--jumphost', '--jport', '--terminal-path', '--serverfifo', '--ssh-socket', '-v', '--verbose', '-l', '--logdir', '--host']);

/** `et [options] [user@]host[:port]`: the destination without ET's own port. */
function etToSsh(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('-')) {
      if (!a.includes('=') && ET_WITH_VALUE.has(a)) {
        i++;
      }
      continue;
    }
    return ['--', a.replace(/:\d+$/, '')];
  }
  return [];
}

function sessionId(p: ProcessInfo): string {
  return p.startTime === undefined ? String(p.pid) : `${p.pid}@${p.startTime}`;
}

/**
 * Every session under the shell `shellPid`, in process-table order (parents
 * first). An ssh-like process below another one belongs to the topmost one's
 * session: ProxyJump and ProxyCommand hops (`ssh -W …`), autossh's ssh,
 * mosh's and et's bootstrap ssh. ssh-like processes that are not sessions
 * (`ssh -G`, `ssh -O check`, no destination) are skipped, and what runs below
 * them is looked at on its own. The terminal's own process counts too: a
 * terminal started with ssh as its program (a reattach, a persistent terminal,
 * a terminal profile) has no shell above its ssh.
 */
export function sessionsUnder(table: readonly ProcessInfo[], shellPid: number): SshSession[] {
  const own = table.find((p) => p.pid === shellPid);
  const descendants = [...(own === undefined ? [] : [own]), ...descendantsOf(table, shellPid)];
  const byPid = new Map(descendants.map((p) => [p.pid, p]));
  /** Session root pid for every process already claimed by a session. */
  const rootOf = new Map<number, number>();
  const roots: { process: ProcessInfo; program: SshProgram; helpers: { process: ProcessInfo; program: SshProgram }[] }[] = [];
  const rootIndex = new Map<number, number>();
  for (const p of descendants) {
    const program = sshProgramOf(p);
    if (program === undefined) {
      continue;
    }
    let claimedBy: number | undefined;
    for (let a = byPid.get(p.ppid); a !== undefined; a = byPid.get(a.ppid)) {
      claimedBy = rootOf.get(a.pid);
      if (claimedBy !== undefined) {
        break;
      }
    }
    if (claimedBy !== undefined) {
      rootOf.set(p.pid, claimedBy);
      roots[rootIndex.get(claimedBy) as number]?.helpers.push({ process: p, program });
      continue;
    }
    const sshArgs = program.kind === 'autossh' ? autosshToSsh(program.args) : program.kind === 'mosh' ? moshToSsh(program.args, p.argv[0] ?? '') : program.kind === 'et' ? etToSsh(program.args) : program.args;
    if (!isSessionInvocation(parseSshArgs(sshArgs))) {
      continue;
    }
    rootOf.set(p.pid, p.pid);
    rootIndex.set(p.pid, roots.length);
    roots.push({ process: p, program, helpers: [] });
  }
  const sessions: SshSession[] = [];
  for (const { process: p, program, helpers } of roots) {
    // The ssh carrying the connection: the session itself, or its direct ssh
    // child when the session is autossh or a wrapper script named ssh.
    const child = helpers.find((h) => h.process.ppid === p.pid && h.program.kind === 'ssh' && !h.program.script);
    let sshArgs: readonly string[];
    let sshPid: number | undefined;
    switch (program.kind) {
      case 'ssh':
        sshArgs = program.script && child !== undefined ? child.program.args : program.args;
        sshPid = program.script ? child?.process.pid : p.pid;
        break;
      case 'autossh':
        sshArgs = child !== undefined ? child.program.args : autosshToSsh(program.args);
        sshPid = child?.process.pid;
        break;
      case 'mosh':
        sshArgs = moshToSsh(program.args, p.argv[0] ?? '');
        sshPid = undefined;
        break;
      case 'et':
        sshArgs = etToSsh(program.args);
        sshPid = undefined;
        break;
    }
    const invocation = parseSshArgs(sshArgs);
    const destination = invocation.destination as Destination;
    const { user, port } = commandLineUserAndPort(invocation);
    const refusal = probeRefusalFor(program.kind);
    sessions.push({
      id: sessionId(p),
      pid: p.pid,
      startTime: p.startTime,
      kind: program.kind,
      argv: p.argv,
      sshArgs,
      invocation,
      destination,
      alias: destination.host,
      user,
      port,
      remoteCommand: invocation.command,
      multiplexer: detectMultiplexer(invocation.command),
      sshPid,
      probe: refusal === undefined,
      probeRefusal: refusal,
      helpers: helpers.map((h) => ({ pid: h.process.pid, argv: h.process.argv })),
    });
  }
  return sessions;
}

/** What changed between two scans, by session id. */
export interface SessionDiff<T extends { readonly id: string }> {
  /** In the current scan only. */
  readonly started: readonly T[];
  /** In both: the current scan's view (argv and helpers may change, e.g. mosh becoming mosh-client). */
  readonly running: readonly T[];
  /** In the previous scan only. */
  readonly ended: readonly T[];
}

export function diffSessions<T extends { readonly id: string }>(previous: readonly T[], current: readonly T[]): SessionDiff<T> {
  const before = new Set(previous.map((s) => s.id));
  const now = new Set(current.map((s) => s.id));
  return {
    started: current.filter((s) => !before.has(s.id)),
    running: current.filter((s) => before.has(s.id)),
    ended: previous.filter((s) => !now.has(s.id)),
  };
}

/** How sure VS Code is of a shell-integration command line (`TerminalShellExecutionCommandLineConfidence`). */
export type CommandLineConfidence = 'low' | 'medium' | 'high';

/** An ssh-like command found in a shell command line. */
export interface TypedCommand {
  readonly program: SshProgram;
  /** More follows the ssh on the line (`ssh h; echo done`): the line's exit code is not ssh's. */
  readonly compound: boolean;
  /** The ssh arguments, as for {@link SshSession.sshArgs}. */
  readonly sshArgs: readonly string[];
  readonly invocation: SshInvocation;
}

/**
 * The ssh-like command a person typed, from the command line shell
 * integration reports: the first simple command (up to an unquoted `;`, `&`
 * or `|`), after leading `NAME=value` assignments and the prefixes `exec`,
 * `command`, `env`, `nohup` and `time`. Undefined when it is not ssh-like, not
 * a session (`ssh -G`, `ssh -V`), or uses shell syntax we do not model
 * (`$(…)`, unbalanced quotes).
 */
export function typedSshCommand(commandLine: string): TypedCommand | undefined {
  const first = firstSimpleCommand(commandLine);
  const words = shellWords(first);
  if (words === undefined) {
    return undefined;
  }
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || ['exec', 'command', 'env', 'nohup', 'time'].includes(w)) {
      continue;
    }
    break;
  }
  const program = sshProgramOf({ pid: 0, ppid: 0, comm: '', argv: words.slice(i) });
  if (program === undefined) {
    return undefined;
  }
  const sshArgs = program.kind === 'autossh' ? autosshToSsh(program.args) : program.kind === 'mosh' ? moshToSsh(program.args, words[i] ?? '') : program.kind === 'et' ? etToSsh(program.args) : program.args;
  const invocation = parseSshArgs(sshArgs);
  const compound = commandLine.slice(first.length).trim() !== '';
  return isSessionInvocation(invocation) ? { program, compound, sshArgs, invocation } : undefined;
}

/** The text up to the first `;`, `&`, `|` or newline outside quotes. */
function firstSimpleCommand(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) {
        quote = undefined;
      } else if (c === '\\' && quote === '"') {
        i++;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i++;
    } else if (c === ';' || c === '&' || c === '|' || c === '\n') {
      return line.slice(0, i);
    }
  }
  return line;
}
