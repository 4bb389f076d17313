/**
 * tmux/screen session names as they travel to a remote shell. A name may come
 * from a command line, a setting or the server's own session list, so it is
 * checked against an allow-list before it is ever quoted into a command: the
 * quoting is then a second line of defence, not the only one.
 */

/** The terminal multiplexers we reattach. */
export type MultiplexerKind = 'tmux' | 'screen';

/** Why a session name was refused. */
export type SessionNameProblem = 'empty' | 'too-long' | 'leading-dash' | 'forbidden-character';

/** The outcome of {@link checkSessionName}. */
export type SessionNameCheck =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly reason: SessionNameProblem; readonly message: string };

/** Longest name passed on; tmux and screen allow more, but a longer one is almost certainly not a name a person typed. */
export const MAX_SESSION_NAME_LENGTH = 64;

/** The characters every accepted name is made of (besides tmux's `:`, which is mapped). */
const ALLOWED = /^[A-Za-z0-9_\-+@%,.]$/;
const ALLOWED_TEXT = 'letters, digits and _ - + @ % , .';

/**
 * Validates a session name against an allow-list and returns the name as the
 * multiplexer stores it.
 *
 * tmux 3.3 replaces `.` and `:` in a new session's name with `_` (session.c
 * `session_check_name`), so `new-session -s c.d` creates `c_d` and
 * `attach-session -t '=c.d'` would never match it: for tmux both are accepted
 * and mapped. GNU screen keeps `.` (the part after the pid's dot is the name)
 * but uses `:` in its own socket names, so `:` is refused there.
 */
export function checkSessionName(kind: MultiplexerKind, raw: string): SessionNameCheck {
  const what = `${kind} session name`;
  if (raw === '') {
    return { ok: false, reason: 'empty', message: `${what} is empty: give the name of the ${kind} session to attach` };
  }
  const chars = [...raw];
  for (const ch of chars) {
    if (!ALLOWED.test(ch) && !(kind === 'tmux' && ch === ':')) {
      return {
        ok: false,
        reason: 'forbidden-character',
        message: `${what} ${visible(raw)} contains ${visible(ch)}: SSH Lifeline only passes names made of ${ALLOWED_TEXT} to a remote shell`,
      };
    }
  }
  if (raw.startsWith('-')) {
    return {
      ok: false,
      reason: 'leading-dash',
      message: `${what} ${visible(raw)} starts with "-", which ${kind} would read as an option: choose a name that starts with a letter or digit`,
    };
  }
  if (chars.length > MAX_SESSION_NAME_LENGTH) {
    return {
      ok: false,
      reason: 'too-long',
      message: `${what} ${visible(raw)} is ${chars.length} characters long: SSH Lifeline passes names of at most ${MAX_SESSION_NAME_LENGTH} characters`,
    };
  }
  return { ok: true, name: kind === 'tmux' ? raw.replace(/[.:]/g, '_') : raw };
}

/**
 * The session part of a tmux target as typed (`-t` accepts
 * `[=]session[:window[.pane]]`): `=main` → `main`, `main:1` → `main`,
 * `main:1.0` → `main`.
 */
export function sessionFromTarget(target: string): string {
  const exact = target.startsWith('=') ? target.slice(1) : target;
  const colon = exact.indexOf(':');
  return colon === -1 ? exact : exact.slice(0, colon);
}

/**
 * POSIX single-quoting for a remote shell: `it's` → `'it'\''s'`; `''` for the
 * empty string. Inside single quotes a POSIX shell takes every byte literally
 * except `'` itself, which is closed, escaped and reopened. (fish treats `\\`
 * and `\'` inside single quotes specially and csh refuses a newline in them;
 * names that pass {@link checkSessionName} contain none of those.)
 */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A word for a POSIX shell command line a person will read: as it is when it
 * holds only characters no shell treats specially (and does not start with
 * `=`, `~` or `%`, which zsh, every shell and old fish expand there), else
 * single-quoted.
 */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_/.,:@%+=-]+$/.test(word) && !/^[=~%]/.test(word) ? word : shellQuote(word);
}

/** Longest part of a refused name repeated in a message. */
const SHOWN_CHARS = 80;

/**
 * A string in double quotes with everything a person could not see escaped:
 * `\n`, `\t`, `\"`, `\\`, and other control, format (bidi overrides,
 * zero-width) and separator characters as `\u{…}`. Letters of any script stay.
 */
export function visible(text: string): string {
  const chars = [...text];
  const shown = chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : text;
  let out = '"';
  for (const ch of shown) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) {
      out += named;
    } else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) {
      out += `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };
