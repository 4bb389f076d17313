/**
 * Why did an ssh session end? Read from the last lines it left in the
 * terminal (or on stderr): OpenSSH prints one or two fixed lines when a
 * connection ends. Wordings are OpenSSH's (checked against 9.2p1 runs; older
 * forms kept where they differ, e.g. `packet_write_wait: …: Broken pipe`
 * before 8.x and `Write failed: Broken pipe` before 7.x).
 *
 * Patterns match whole lines only, so a remote program's own "Permission
 * denied" or "timed out" does not count. When ssh prints a cause and then a
 * generic trailer (`Connection to h closed by remote host.` then
 * `Connection to h closed.`; `Host key for h has changed …` then
 * `Host key verification failed.`), the most specific line of that final
 * run of ssh lines decides.
 */

/** How the session ended; `closed` is an ordinary logout. */
export type SshEndReason =
  /** `client_loop: send disconnect: Broken pipe`, `Write failed: Broken pipe`: the connection was gone when ssh wrote. */
  | 'broken-pipe'
  /** `Timeout, server HOST not responding.`: ServerAliveInterval × ServerAliveCountMax without an answer. */
  | 'timeout'
  /** `Connection to HOST closed by remote host.`, `Connection closed by HOST port N`: the server ended it. */
  | 'closed-by-remote'
  /** `Connection reset by HOST port N`, `read: Connection reset by peer`. */
  | 'connection-reset'
  /** `ssh: connect to host HOST port N: Connection refused`. */
  | 'connection-refused'
  /** `… Network is unreachable`, `… Host is down`. */
  | 'host-unreachable'
  /** `… No route to host`. */
  | 'no-route'
  /** `… Connection timed out`, `Connection timed out during banner exchange`: never connected. */
  | 'connect-timeout'
  /** `ssh: Could not resolve hostname HOST: …`. */
  | 'name-not-resolved'
  /** `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!`, `Host key for HOST has changed …`. */
  | 'host-key-changed'
  /** `Host key verification failed.` (no known key, or the prompt was refused). */
  | 'host-key-unknown'
  /** `user@host: Permission denied (publickey).` */
  | 'permission-denied'
  /** `Connection to HOST closed.`: a normal logout of a session with a terminal. */
  | 'closed';

export interface SshEnd {
  readonly reason: SshEndReason;
  /** The deciding line, without terminal escapes or control characters. */
  readonly line: string;
  /** The host the line names, when it names one. */
  readonly host?: string;
}

interface Pattern {
  readonly reason: SshEndReason;
  readonly re: RegExp;
  /** Capture group holding the host, if any. */
  readonly host?: number;
}

// `[a-z]+_[a-z_]+: ` prefixes are ssh's function tags (`client_loop:`, `kex_exchange_identification:`);
// requiring the underscore keeps out other programs' `yes: Broken pipe`.
const PATTERNS: readonly Pattern[] = [
  { reason: 'host-key-changed', re: /^@+\s+WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\s+@+$/ },
  { reason: 'host-key-changed', re: /^Host key for (\S+) has changed and you have requested strict checking\.$/, host: 1 },
  { reason: 'host-key-unknown', re: /^No \S+ host key is known for (\S+) and you have requested strict checking\.$/, host: 1 },
  { reason: 'host-key-unknown', re: /^Host key verification failed\.$/ },
  { reason: 'permission-denied', re: /^(?:(\S+): )?Permission denied \([a-z0-9@.,-]+\)\.$/, host: 1 },
  { reason: 'name-not-resolved', re: /^ssh: Could not resolve hostname (\S+): .+$/, host: 1 },
  { reason: 'connection-refused', re: /^ssh: connect to host (\S+) port \d+: Connection refused$/, host: 1 },
  { reason: 'no-route', re: /^ssh: connect to host (\S+) port \d+: No route to host$/, host: 1 },
  { reason: 'host-unreachable', re: /^ssh: connect to host (\S+) port \d+: (?:Network is unreachable|Host is down|Host is unreachable)$/, host: 1 },
  { reason: 'connect-timeout', re: /^ssh: connect to host (\S+) port \d+: (?:Connection|Operation) timed out$/, host: 1 },
  { reason: 'connect-timeout', re: /^Connection timed out during banner exchange$/ },
  { reason: 'connect-timeout', re: /^Connection to (\S+) port \d+ timed out$/, host: 1 },
  { reason: 'timeout', re: /^Timeout, server (\S+) not responding\.$/, host: 1 },
  { reason: 'broken-pipe', re: /^Write failed: Broken pipe$/ },
  { reason: 'broken-pipe', re: /^(?:[a-z]+_[a-z_]+: )+(?:send disconnect: |Connection to (\S+) port \d+: )?Broken pipe$/, host: 1 },
  { reason: 'connection-reset', re: /^Connection reset by (\S+?)(?: port \d+)?$/, host: 1 },
  { reason: 'connection-reset', re: /^(?:[a-z]+_[a-z_]+: )*(?:read: |write: |send disconnect: |Connection to (\S+) port \d+: )?Connection reset by peer$/, host: 1 },
  { reason: 'closed-by-remote', re: /^Connection to (\S+) closed by remote host\.$/, host: 1 },
  { reason: 'closed-by-remote', re: /^(?:[a-z]+_[a-z_]+: )+Connection closed by remote host$/ },
  { reason: 'closed-by-remote', re: /^Connection closed by (\S+?)(?: port \d+)?$/, host: 1 },
  { reason: 'closed-by-remote', re: /^Received disconnect from (\S+?)(?: port \d+)?:\d+: .*$/, host: 1 },
  { reason: 'closed-by-remote', re: /^Disconnected from (\S+?)(?: port \d+)?$/, host: 1 },
  { reason: 'closed', re: /^Connection to (\S+) closed\.$/, host: 1 },
];

/** More specific causes outrank the generic trailers printed after them. */
const RANK: Readonly<Record<SshEndReason, number>> = {
  'host-key-changed': 9,
  'host-key-unknown': 8,
  'permission-denied': 7,
  'name-not-resolved': 7,
  'connection-refused': 6,
  'no-route': 6,
  'host-unreachable': 6,
  'connect-timeout': 6,
  timeout: 5,
  'connection-reset': 4,
  'broken-pipe': 4,
  'closed-by-remote': 3,
  closed: 1,
};

/** Only the end of the output matters; this much of it is read. */
const TAIL_CHARS = 64 * 1024;
const TAIL_LINES = 60;

// CSI (7-bit and 8-bit), OSC/DCS/SOS/PM/APC strings up to BEL or ST, then any other ESC sequence.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|\x9c)|\x1b[ -/]*[0-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/**
 * Terminal output as lines a person would read: escape sequences removed,
 * CR LF, LF and lone CR all ending a line, other control characters dropped,
 * tabs as spaces, blank lines left out.
 */
export function terminalLines(text: string): string[] {
  return text
    .replace(ESCAPES, '')
    .split(/\r\n|\n|\r/)
    .map((l) => l.replace(/\t/g, ' ').replace(CONTROLS, '').trim())
    .filter((l) => l !== '');
}

function match(line: string): SshEnd | undefined {
  for (const p of PATTERNS) {
    const m = p.re.exec(line);
    if (m !== null) {
      const host = p.host === undefined ? undefined : m[p.host];
      // `user@host: Permission denied` names the host after the `@`.
      const h = host !== undefined && p.reason === 'permission-denied' ? host.slice(host.lastIndexOf('@') + 1) : host;
      return h === undefined || h === '' ? { reason: p.reason, line } : { reason: p.reason, line, host: h };
    }
  }
  return undefined;
}

/**
 * The reason an ssh session ended, from the tail of its terminal output or
 * stderr; undefined when its last lines say nothing ssh would say.
 */
export function classifySshFailure(output: string): SshEnd | undefined {
  const lines = terminalLines(output.length > TAIL_CHARS ? output.slice(-TAIL_CHARS) : output).slice(-TAIL_LINES);
  let i = lines.length - 1;
  while (i >= 0 && match(lines[i] as string) === undefined) {
    i--;
  }
  // The final run of consecutive ssh lines; its most specific line decides,
  // among equals one that names the host, then the earliest.
  let best: SshEnd | undefined;
  for (; i >= 0; i--) {
    const m = match(lines[i] as string);
    if (m === undefined) {
      break;
    }
    if (best === undefined || RANK[m.reason] > RANK[best.reason] || (RANK[m.reason] === RANK[best.reason] && (m.host !== undefined || best.host === undefined))) {
      best = m;
    }
  }
  return best;
}
