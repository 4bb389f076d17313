/**
 * Remote commands that reattach a tmux or GNU screen session. ssh hands the
 * command to the remote user's login shell as one string (`$SHELL -c …`), and
 * that shell may be sh, bash, zsh, fish or csh: the commands use only words,
 * single quotes and `||`, which all of them read the same way (fish from 3.0).
 */
import { detectMultiplexer } from '../sshArgs/remoteCommand';
import { checkSessionName, sessionFromTarget, shellQuote, visible, type MultiplexerKind, type SessionNameProblem } from './names';
import { TMUX_LIST_FORMAT } from './remoteSessions';

/** tmux's `-L name` (a server named in tmux's socket directory) or `-S path` (a socket path). */
export interface MultiplexerSocket {
  readonly flag: '-L' | '-S';
  readonly value: string;
}

/** A session to attach: what {@link attachTargetOf} returns. */
export interface AttachTarget {
  readonly kind: MultiplexerKind;
  /** already checked by checkSessionName */
  readonly name: string;
  /** tmux only: another server than the default one. */
  readonly socket?: MultiplexerSocket;
}

/** Longest `-S` path accepted (a Unix socket path is limited to about 104–108 bytes anyway). */
const MAX_SOCKET_PATH = 255;
const SOCKET_NAME = /^[A-Za-z0-9_\-+@%,.]{1,64}$/;
const SOCKET_PATH = /^[A-Za-z0-9_\-+@%,./~]+$/;

/**
 * `tmux` and the words that select its server, with the value quoted (a
 * leading `~/` left outside the quotes so the remote shell expands it).
 */
function tmuxServer(socket: MultiplexerSocket | undefined, program = 'tmux'): string {
  if (socket === undefined) {
    return program;
  }
  if (socket.flag === '-S' && socket.value.startsWith('~/')) {
    const rest = socket.value.slice(2);
    return `${program} -S ~/${rest === '' ? '' : shellQuote(rest)}`;
  }
  return `${program} ${socket.flag} ${shellQuote(socket.value)}`;
}

/**
 * The remote command that reattaches after a drop (one string; ssh hands it
 * to the remote user's shell).
 *
 * tmux: `attach-session -d` detaches the ghost client sshd may still hold for
 * the dead connection (otherwise the session stays sized to, and shared with,
 * a terminal nobody sees); `-t '=NAME'` matches exactly, where a bare `-t foo`
 * would attach `foobar`. When the session is gone, `new-session -s` recreates
 * it under the same name. screen: `-dr` detaches elsewhere and reattaches;
 * `-S` creates. (screen has no exact-match form: `screen -dr foo` attaches
 * `foobar` when `foo` does not exist.)
 */
export function attachCommand(t: AttachTarget): string {
  const name = shellQuote(t.name);
  if (t.kind === 'screen') {
    return `screen -dr ${name} || screen -S ${name}`;
  }
  const tmux = tmuxServer(t.socket);
  const exact = shellQuote(`=${t.name}`);
  // has-session first: attach-session starts a server when none runs, which exits again ("no sessions") and can
  // make the new-session that follows fail with "server exited unexpectedly" (about 1 run in 4 with tmux 3.3a).
  return `${tmux} has-session -t ${exact} && ${tmux} attach-session -d -t ${exact} || ${tmux} new-session -s ${name}`;
}

/**
 * The target of a remote command that {@link attachCommand} wrote (a session
 * we reattached earlier), recognised only in exactly that form: the `||`
 * makes it a compound command, which detectMultiplexer rightly refuses.
 */
export function parseAttachCommand(command: string): AttachTarget | undefined {
  const [head] = command.split(' || ');
  const parts = (head ?? '').split(' && ');
  const mux = detectMultiplexer([parts[parts.length - 1] ?? '']);
  if (mux?.session === undefined) {
    return undefined;
  }
  const built = attachTargetOf(mux.kind, mux.kind === 'tmux' ? sessionFromTarget(mux.session) : mux.session, mux.socket);
  return built.ok && attachCommand(built.target) === command ? built.target : undefined;
}

/** The remote command of "Open Persistent SSH Terminal": attach if it exists, else create. */
export function persistentCommand(t: AttachTarget): string {
  const name = shellQuote(t.name);
  if (t.kind === 'screen') {
    return `screen -DR ${name}`;
  }
  return `${tmuxServer(t.socket)} new-session -A -s ${name}`;
}

/**
 * The remote command that lists sessions (tmux with TMUX_LIST_FORMAT; screen -ls).
 *
 * `tmux -u`: a non-interactive ssh usually runs without a UTF-8 locale, and
 * tmux 3.3a then prints every non-ASCII or control character of a name as `_`
 * (`héllo` → `h_llo`), a name that does not exist; attaching it would fail and
 * the fall-back would create a new, empty session. `-u` makes the client
 * print names as stored (checked against tmux 3.3a with `LC_ALL=C`).
 */
export function listSessionsCommand(kind: MultiplexerKind, socket?: MultiplexerSocket): string {
  if (kind === 'screen') {
    return 'screen -ls';
  }
  return `${tmuxServer(socket, 'tmux -u')} list-sessions -F ${shellQuote(TMUX_LIST_FORMAT)}`;
}

/** Why a socket value is refused; undefined when it is fine. */
function socketProblem(kind: MultiplexerKind, socket: MultiplexerSocket): string | undefined {
  const shown = visible(socket.value);
  if (kind === 'screen') {
    return `screen has no socket option like tmux's ${socket.flag}: a screen session is named by -S alone`;
  }
  if (socket.value.startsWith('-')) {
    return `tmux ${socket.flag} value ${shown} starts with "-", which tmux would read as an option`;
  }
  if (socket.flag === '-L') {
    if (!SOCKET_NAME.test(socket.value) || socket.value === '.' || socket.value === '..') {
      return `tmux -L socket name ${shown} is not 1–64 of letters, digits and _ - + @ % , . : SSH Lifeline does not pass it to a remote shell`;
    }
    return undefined;
  }
  if (!SOCKET_PATH.test(socket.value) || socket.value.length > MAX_SOCKET_PATH) {
    return `tmux -S socket path ${shown} is not 1–${MAX_SOCKET_PATH} of letters, digits and _ - + @ % , . / ~ : SSH Lifeline does not pass it to a remote shell`;
  }
  return undefined;
}

/**
 * Builds an AttachTarget from a detected Multiplexer (remoteCommand.ts) or a
 * user-given name; checks the name (and the socket value) — never throws.
 * The name is returned as the multiplexer stores it (tmux: `.`/`:` → `_`).
 */
export function attachTargetOf(
  kind: MultiplexerKind,
  rawName: string,
  socket?: MultiplexerSocket,
): { ok: true; target: AttachTarget } | { ok: false; reason: SessionNameProblem | 'bad-socket'; message: string } {
  const checked = checkSessionName(kind, rawName);
  if (!checked.ok) {
    return { ok: false, reason: checked.reason, message: checked.message };
  }
  if (socket !== undefined) {
    const problem = socketProblem(kind, socket);
    if (problem !== undefined) {
      return { ok: false, reason: 'bad-socket', message: problem };
    }
  }
  return { ok: true, target: { kind, name: checked.name, ...(socket === undefined ? {} : { socket: { flag: socket.flag, value: socket.value } }) } };
}
