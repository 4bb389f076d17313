/**
 * Recognises a tmux or GNU screen invocation in an ssh remote command, so a
 * session can be reattached to the same tmux/screen session after a drop.
 */

export interface Multiplexer {
  readonly kind: 'tmux' | 'screen';
  /** The session name or target as given (`main`, `=main`, `main:1`), when one is named. */
  readonly session?: string;
  /** tmux `-L name` / `-S path` (another server than the default). */
  readonly socket?: { readonly flag: '-L' | '-S'; readonly value: string };
  /** Whether the command creates the session when it does not exist (`new-session -A`, `screen -R`/`-S`). */
  readonly createsIfMissing: boolean;
}

/**
 * Splits a command line into words the way a POSIX shell does for simple
 * commands: single quotes, double quotes (with `\` escaping `"`, `\`, `$`, `` ` ``),
 * backslash outside quotes. Returns undefined for anything it does not model
 * (unbalanced quotes, `$(…)`, backticks, pipes, `;`, `&&`, redirections), so
 * callers never guess at a compound command.
 */
export function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) {
        return undefined;
      }
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const d = line[j] as string;
        if (d === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1] as string)) {
          cur += line[j + 1];
          j++;
        } else if (d === '$' || d === '`') {
          return undefined;
        } else {
          cur += d;
        }
      }
      if (j >= line.length) {
        return undefined;
      }
      inWord = true;
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length) {
        cur += line[i + 1];
        i++;
      }
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) {
        words.push(cur);
        cur = '';
        inWord = false;
      }
    } else if (';&|<>()$`'.includes(c)) {
      return undefined;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) {
    words.push(cur);
  }
  return words;
}

/** tmux options that take an argument (tmux(1) synopsis). */
const TMUX_GLOBAL_WITH_ARG = new Set(['-c', '-f', '-L', '-S', '-T']);

function isTmuxCommand(word: string, name: string, alias: string, minPrefix: number): boolean {
  return word === alias || (word.length >= minPrefix && name.startsWith(word));
}

/** The remote command as ssh sends it (words joined by spaces). */
export function detectMultiplexer(command: readonly string[]): Multiplexer | undefined {
  if (command.length === 0) {
    return undefined;
  }
  const words = shellWords(command.join(' '));
  if (words === undefined) {
    return undefined;
  }
  let i = 0;
  if (words[i] === 'exec') {
    i++;
  }
  const program = (words[i] ?? '').split('/').pop();
  if (program === 'tmux') {
    return tmux(words.slice(i + 1));
  }
  if (program === 'screen') {
    return screen(words.slice(i + 1));
  }
  return undefined;
}

function tmux(args: readonly string[]): Multiplexer | undefined {
  let socket: Multiplexer['socket'];
  let i = 0;
  for (; i < args.length && (args[i] as string).startsWith('-'); i++) {
    const a = args[i] as string;
    if (TMUX_GLOBAL_WITH_ARG.has(a)) {
      if (a === '-L' || a === '-S') {
        socket = { flag: a, value: args[i + 1] ?? '' };
      }
      i++;
    }
  }
  const cmd = args[i];
  const rest = args.slice(i + 1);
  const flagValue = (flag: string): string | undefined => {
    const k = rest.indexOf(flag);
    return k === -1 ? undefined : rest[k + 1];
  };
  const base = socket === undefined ? {} : { socket };
  if (cmd === undefined) {
    return { kind: 'tmux', createsIfMissing: true, ...base };
  }
  if (isTmuxCommand(cmd, 'attach-session', 'attach', 1)) {
    const session = flagValue('-t');
    return { kind: 'tmux', createsIfMissing: false, ...base, ...(session === undefined ? {} : { session }) };
  }
  if (isTmuxCommand(cmd, 'new-session', 'new', 5)) {
    const session = flagValue('-s');
    return { kind: 'tmux', createsIfMissing: true, ...base, ...(session === undefined ? {} : { session }) };
  }
  return undefined;
}

function screen(args: readonly string[]): Multiplexer | undefined {
  let session: string | undefined;
  let creates = false;
  let attaches = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) {
      break;
    }
    // Bundled letters: -dr, -DR, -xRR.
    if (/^-[dDrRx]+$/.test(a)) {
      attaches = true;
      creates ||= a.includes('R');
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        session = next;
        i++;
      }
    } else if (a === '-S') {
      session = args[i + 1];
      creates = true;
      i++;
    }
  }
  if (!attaches && session === undefined) {
    return { kind: 'screen', createsIfMissing: true };
  }
  return { kind: 'screen', createsIfMissing: creates, ...(session === undefined ? {} : { session }) };
}

/** Recognised SSH-like programs that we label but do not monitor. */
export type SshLikeKind = 'ssh' | 'autossh' | 'mosh' | 'et';

/** What kind of program an argv[0] names (basename, with mosh's helper names). */
export function sshLikeKind(argv0: string): SshLikeKind | undefined {
  const name = argv0.split('/').pop() ?? '';
  switch (name) {
    case 'ssh':
      return 'ssh';
    case 'autossh':
      return 'autossh';
    case 'mosh':
    case 'mosh-client':
      return 'mosh';
    case 'et':
      return 'et';
    default:
      return undefined;
  }
}
