/**
 * Parser for Linux `/proc/<pid>/net/tcp` and `/proc/<pid>/net/tcp6` (proc(5);
 * the format is printed by `get_tcp4_sock()`/`get_tcp6_sock()` in the kernel's
 * net/ipv4/tcp_ipv4.c and net/ipv6/tcp_ipv6.c).
 *
 * Quirks of the format, all seen on a real kernel:
 * - Addresses are the raw network-order bytes printed as 32-bit words in the
 *   *host's* byte order: 127.0.0.1 reads `0100007F` on little-endian machines
 *   and `7F000001` on big-endian ones. IPv6 addresses are four such words, so
 *   `::1` reads `00000000000000000000000001000000` on little-endian machines.
 *   Ports are plain big-endian numbers (`0016` is 22).
 * - `tm->when` is in clock ticks (USER_HZ, 100 per second on every Linux
 *   architecture), not in kernel jiffies as proc(5) says.
 * - The header says `timeout`, but that column is `icsk_probes_out`: unanswered
 *   zero-window or keepalive probes.
 * - `retrnsmt` is `icsk_retransmits`: consecutive timeout retransmissions of the
 *   oldest unacknowledged segment, reset by an ACK of new data.
 * - TIME_WAIT lines stop after the socket pointer (no rto, cwnd, …) and carry
 *   inode 0, as do orphaned sockets (closed by their process, still sending).
 * - `tx_queue` is `write_seq - snd_una`: bytes written by the process and not
 *   yet acknowledged, whether sent or still queued; `rx_queue` is bytes received
 *   and not yet read (for a LISTEN socket: the accept backlog).
 */

/** Kernel TCP states (include/net/tcp_states.h), numbered as in the `st` column. */
export type TcpState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'UNKNOWN';

const STATES: readonly TcpState[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** The kernel's name for the numeric state of the `st` column. */
export function tcpStateFromNumber(n: number): TcpState {
  return STATES[n] ?? 'UNKNOWN';
}

/**
 * Which timer is pending (the `tr` column): 0 none, 1 retransmission (also
 * tail-loss probe and reordering timeout), 2 keepalive, 3 TIME_WAIT,
 * 4 zero-window probe ("persist").
 */
export type TcpTimer = 'none' | 'retransmit' | 'keepalive' | 'time-wait' | 'zero-window-probe' | 'unknown';

const TIMERS: readonly TcpTimer[] = ['none', 'retransmit', 'keepalive', 'time-wait', 'zero-window-probe'];

/** One end of a TCP connection. */
export interface SocketEndpoint {
  /** Dotted quad, or IPv6 in RFC 5952 form (`::1`, `::ffff:127.0.0.1`). */
  readonly address: string;
  /** 0 for "any" (a listening socket's remote end). */
  readonly port: number;
}

/** One line of `/proc/net/tcp` or `/proc/net/tcp6`. */
export interface ProcTcpEntry {
  readonly family: 4 | 6;
  readonly local: SocketEndpoint;
  readonly remote: SocketEndpoint;
  readonly state: TcpState;
  /** Bytes written and not yet acknowledged by the peer (sent or still queued). */
  readonly txQueue: number;
  /** Bytes received and not yet read by the process. */
  readonly rxQueue: number;
  readonly timer: TcpTimer;
  /** Time until the pending timer fires, in ms (0 when none). */
  readonly timerMs: number;
  /** Consecutive timeout retransmissions of the oldest unacknowledged segment (`icsk_retransmits`). */
  readonly retransmits: number;
  readonly uid: number;
  /** Unanswered zero-window or keepalive probes (`icsk_probes_out`, the column headed `timeout`). */
  readonly probesOut: number;
  /** Socket inode, as in `/proc/<pid>/fd/N -> socket:[inode]`; 0 for TIME_WAIT and orphaned sockets. */
  readonly inode: number;
  /** Current retransmission timeout in ms, after exponential backoff; absent on TIME_WAIT lines. */
  readonly rtoMs?: number;
  /** Congestion window in segments; absent on TIME_WAIT lines. */
  readonly cwnd?: number;
}

export interface ProcTcpOptions {
  /**
   * Byte order of the machine that produced the text (default true:
   * little-endian, as x86-64 and arm64). The node adapter passes `os.endianness()`.
   */
  readonly littleEndian?: boolean;
  /** Only return sockets with these inodes (lines for others are skipped cheaply). */
  readonly inodes?: ReadonlySet<number>;
  /** Stop after this many entries (default 100,000). */
  readonly maxEntries?: number;
  /** Clock ticks per second of `tm->when` and `rto` (default 100, Linux's USER_HZ). */
  readonly userHz?: number;
}

const HEX_RE = /^[0-9A-Fa-f]+$/;

function hex(s: string | undefined): number | undefined {
  return s !== undefined && HEX_RE.test(s) && s.length <= 13 ? parseInt(s, 16) : undefined;
}

function dec(s: string | undefined): number | undefined {
  return s !== undefined && /^-?\d{1,16}$/.test(s) ? Number(s) : undefined;
}

/** The four network-order bytes of one 8-hex-digit word printed in host order. */
function wordBytes(word: string, littleEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(word.slice(i, i + 2), 16));
  return littleEndian ? b.reverse() : b;
}

/** IPv6 text per RFC 5952: lower case, longest run (≥ 2) of zero groups as `::`, IPv4-mapped as dotted quad. */
export function formatIpv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  }
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12, 16).join('.')}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const h = (gs: readonly number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) {
    return h(groups);
  }
  return `${h(groups.slice(0, bestStart))}::${h(groups.slice(bestStart + bestLen))}`;
}

/** Decodes `ADDR:PORT` from the table (8 or 32 hex digits, then 4). */
export function parseProcEndpoint(text: string, littleEndian = true): (SocketEndpoint & { family: 4 | 6 }) | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  const addr = text.slice(0, colon);
  const port = hex(text.slice(colon + 1));
  if (port === undefined || port > 0xffff || !HEX_RE.test(addr)) {
    return undefined;
  }
  if (addr.length === 8) {
    return { family: 4, address: wordBytes(addr, littleEndian).join('.'), port };
  }
  if (addr.length === 32) {
    const bytes: number[] = [];
    for (let w = 0; w < 32; w += 8) {
      bytes.push(...wordBytes(addr.slice(w, w + 8), littleEndian));
    }
    return { family: 6, address: formatIpv6(bytes), port };
  }
  return undefined;
}

/** One table line, or undefined for the header and anything malformed. */
export function parseProcTcpLine(line: string, options: ProcTcpOptions = {}): ProcTcpEntry | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 10 || !/^\d+:$/.test(f[0] ?? '')) {
    return undefined;
  }
  const inode = dec(f[9]);
  if (inode === undefined || (options.inodes !== undefined && !options.inodes.has(inode))) {
    return undefined;
  }
  const littleEndian = options.littleEndian ?? true;
  const userHz = options.userHz ?? 100;
  const local = parseProcEndpoint(f[1] ?? '', littleEndian);
  const remote = parseProcEndpoint(f[2] ?? '', littleEndian);
  const st = hex(f[3]);
  const [tx, rx] = (f[4] ?? '').split(':');
  const [tr, when] = (f[5] ?? '').split(':');
  const txQueue = hex(tx);
  const rxQueue = hex(rx);
  const timerNum = hex(tr);
  const ticks = hex(when);
  const retransmits = hex(f[6]);
  const uid = dec(f[7]);
  const probesOut = dec(f[8]);
  if (
    local === undefined ||
    remote === undefined ||
    local.family !== remote.family ||
    st === undefined ||
    txQueue === undefined ||
    rxQueue === undefined ||
    timerNum === undefined ||
    ticks === undefined ||
    retransmits === undefined ||
    uid === undefined ||
    probesOut === undefined
  ) {
    return undefined;
  }
  const rto = dec(f[12]);
  const cwnd = dec(f[15]);
  return {
    family: local.family,
    local: { address: local.address, port: local.port },
    remote: { address: remote.address, port: remote.port },
    state: tcpStateFromNumber(st),
    txQueue,
    rxQueue,
    timer: TIMERS[timerNum] ?? 'unknown',
    timerMs: Math.round((ticks * 1000) / userHz),
    retransmits,
    uid,
    probesOut,
    inode,
    ...(rto !== undefined ? { rtoMs: Math.round((rto * 1000) / userHz) } : {}),
    ...(cwnd !== undefined ? { cwnd } : {}),
  };
}

/** Every socket line of a `/proc/net/tcp` or `tcp6` text (header and malformed lines skipped). */
export function parseProcNetTcp(text: string, options: ProcTcpOptions = {}): ProcTcpEntry[] {
  const max = options.maxEntries ?? 100_000;
  const out: ProcTcpEntry[] = [];
  let start = 0;
  while (start < text.length && out.length < max) {
    let end = text.indexOf('\n', start);
    if (end < 0) {
      end = text.length;
    }
    const entry = parseProcTcpLine(text.slice(start, end), options);
    if (entry !== undefined) {
      out.push(entry);
    }
    start = end + 1;
  }
  return out;
}

/** The inode of a `/proc/<pid>/fd/N` link target `socket:[12345]`, else undefined. */
export function socketInodeFromLink(target: string): number | undefined {
  const m = /^socket:\[(\d{1,16})\]$/.exec(target);
  return m === null ? undefined : Number(m[1]);
}
