/**
 * The server's own list of tmux/screen sessions, and which of them lost its
 * client when the connection dropped.
 */

/** The session name comes last: tmux 3.3a prints control characters in -F output as `_` without a UTF-8 locale (a non-interactive ssh), so a tab is no safe separator and a name may contain spaces. */
export const TMUX_LIST_FORMAT = '#{session_attached} #{session_last_attached} #{session_activity} #{session_created} #{session_name}';

/** One session on the server. */
export interface RemoteSession {
  readonly name: string;
  /** Clients attached now (screen: 1 for Attached/Multi, 0 for Detached). */
  readonly attached: number;
  /** Seconds since the epoch, remote clock; undefined when unknown (screen, or an empty field). */
  readonly lastAttached: number | undefined;
  readonly activity: number | undefined;
  readonly created: number | undefined;
}

// Four numeric fields separated by exactly one space each (an empty field, as
// session_last_attached is for a session never attached, leaves two spaces in
// a row), then the name, which may itself contain spaces.
const TMUX_LINE = /^(\d+) (\d*) (\d*) (\d*) ([^\n]+)$/;

function seconds(field: string): number | undefined {
  return field === '' ? undefined : Number(field);
}

/**
 * Parses `tmux list-sessions -F TMUX_LIST_FORMAT`; lines that do not have
 * that shape are ignored, and CR LF line ends are tolerated.
 */
export function parseTmuxSessions(stdout: string): RemoteSession[] {
  const sessions: RemoteSession[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = TMUX_LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m === null) {
      continue;
    }
    const session = {
      name: m[5] as string,
      attached: Number(m[1]),
      lastAttached: seconds(m[2] as string),
      activity: seconds(m[3] as string),
      created: seconds(m[4] as string),
    };
    // Digits without end (Infinity) are not a line tmux printed.
    if ([session.attached, session.lastAttached ?? 0, session.activity ?? 0, session.created ?? 0].every(Number.isSafeInteger)) {
      sessions.push(session);
    }
  }
  return sessions;
}

// GNU screen 4.x `screen -ls` (socket.c FindSocket): a header line, then one
// line per session: TAB pid.name [TAB (date)] TAB (state), then a trailer.
// Header and trailer end in CR LF, session lines in LF. The date's format
// depends on the build and locale ("11/21/26 09:11:10", "11/21/2026 09:00:00
// AM"), and older builds print none, so it is not read. States seen: Attached,
// Detached, Multi, attached / Multi, detached (multiuser on), Dead ???,
// and on other hosts' sockets "Remote or dead".
// The `s` flag: a name may hold U+2028, U+2029 or a lone CR, which `.` alone does not match.
const SCREEN_LINE = /^\t(\d+)\.(.+?)(?:\t\([^\t]*\))?\t\(([^\t()]*)\)\s*$/s;

/**
 * Parses `screen -ls`; name = part after the first '.'; dead and unreachable
 * sessions are left out (they cannot be attached).
 */
export function parseScreenSessions(stdout: string): RemoteSession[] {
  const sessions: RemoteSession[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = SCREEN_LINE.exec(line);
    if (m === null) {
      continue;
    }
    const state = (m[3] as string).toLowerCase();
    const attached = /(?:^|, )attached$/.test(state);
    const detached = /(?:^|, )detached$/.test(state);
    if (!attached && !detached) {
      continue;
    }
    sessions.push({ name: m[2] as string, attached: attached ? 1 : 0, lastAttached: undefined, activity: undefined, created: undefined });
  }
  return sessions;
}

/** The outcome of {@link chooseLostSession}. */
export type SessionChoice =
  | { readonly kind: 'one'; readonly session: RemoteSession }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly RemoteSession[] };

/**
 * Which session lost its client: no sessions → none; one → it; otherwise the
 * single session with no client attached whose lastAttached is newer than
 * every other session's lastAttached; anything else is ambiguous (candidates:
 * detached first, then newest lastAttached first).
 *
 * A session whose dead client sshd still holds (ClientAlive off) shows as
 * attached; it is then not chosen on its own, and the person is asked.
 */
export function chooseLostSession(sessions: readonly RemoteSession[]): SessionChoice {
  if (sessions.length === 0) {
    return { kind: 'none' };
  }
  if (sessions.length === 1) {
    return { kind: 'one', session: sessions[0] as RemoteSession };
  }
  const newest = sessions.find(
    (s) => s.attached === 0 && s.lastAttached !== undefined && sessions.every((o) => o === s || o.lastAttached === undefined || o.lastAttached < (s.lastAttached as number)),
  );
  if (newest !== undefined) {
    return { kind: 'one', session: newest };
  }
  const candidates = sessions
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        Number(a.s.attached > 0) - Number(b.s.attached > 0) ||
        (b.s.lastAttached ?? -Infinity) - (a.s.lastAttached ?? -Infinity) ||
        a.i - b.i,
    )
    .map(({ s }) => s);
  return { kind: 'ambiguous', candidates };
}
