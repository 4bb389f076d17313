/**
 * Parser for `ss -tinHe` (iproute2): one line per TCP socket, then, with `-i`,
 * a continuation line starting with a tab that holds the kernel's `tcp_info`.
 *
 * ```
 * ESTAB 0 4000 127.0.0.1:40834 127.0.0.1:45445 timer:(on,212ms,3) ino:752196 sk:8 cgroup:unreachable:1 <->
 * 	 ts sack bbr wscale:10,10 rto:1600 backoff:3 rtt:0.018/0.009 … lastsnd:1388 lastrcv:3072 lastack:3072 … unacked:1 retrans:1/4 lost:1 …
 * ```
 *
 * Quirks, from iproute2's misc/ss.c and real output:
 * - Counters are printed only when non-zero (`backoff`, `unacked`, `retrans`,
 *   `lost`, `lastsnd`, `lastrcv`, `lastack`, `bytes_*`, `notsent`), so on an
 *   info line their absence means 0. Absent `rtt`/`rto` mean "not known".
 * - Lines are padded with blanks to the terminal width; TIME-WAIT and
 *   FIN-WAIT-2 sockets have an empty continuation line (a lone tab).
 * - IPv6 addresses are bracketed (`[::1]:22`), a bound device follows a `%`
 *   (`[fe80::1]%eth0:22`, `10.0.0.1%eth0:22`), an unspecified dual-stack
 *   address is `*`, an unspecified port is `*`.
 * - `timer:(name,expires,count)`: name `on` (retransmission), `keepalive`,
 *   `timewait`, `persist` (zero-window probe); expires like `080ms`,
 *   `4.848ms` (4 s 848 ms), `59sec`, `119min`, or empty; count is the
 *   consecutive retransmissions for `on`, the unanswered probes for
 *   `persist`/`keepalive`.
 * - Some fields are two words (`send 1.2Gbps`, `pacing_rate …`), some nest
 *   (`bbr:(bw:…,mrtt:…)`): unknown words are ignored.
 */
import type { TcpState, TcpTimer } from './procNetTcp';

/** One end of a socket as ss prints it. */
export interface SsEndpoint {
  /** Without brackets; `*` for the unspecified dual-stack address. */
  readonly address: string;
  /** 0 for `*`. */
  readonly port: number;
  /** The device after `%`, when the socket is bound to one. */
  readonly iface?: string;
}

/** The `timer:(…)` field. */
export interface SsTimer {
  readonly kind: TcpTimer;
  /** Until it fires, in ms; undefined when ss printed no time. */
  readonly expiresMs?: number;
  /** Consecutive retransmissions (`retransmit`) or unanswered probes (`zero-window-probe`, `keepalive`). */
  readonly count: number;
}

/** The `tcp_info` continuation line; times in ms. */
export interface SsTcpInfo {
  /** Smoothed round-trip time. */
  readonly rttMs?: number;
  readonly rttVarMs?: number;
  readonly minRttMs?: number;
  /** Current retransmission timeout, after backoff. */
  readonly rtoMs?: number;
  /** Exponential backoff steps of the retransmission (or zero-window probe) timer. */
  readonly backoff: number;
  /** Segments sent and not yet acknowledged (`packets_out`). */
  readonly unacked: number;
  /** Segments retransmitted and not yet acknowledged. */
  readonly retransOut: number;
  /** Retransmissions over the connection's life. */
  readonly retransTotal: number;
  readonly lost: number;
  readonly lastSendMs: number;
  readonly lastRecvMs: number;
  readonly lastAckMs: number;
  readonly bytesSent: number;
  readonly bytesRetrans: number;
  readonly bytesAcked: number;
  readonly bytesReceived: number;
  /** Bytes written and not yet sent. */
  readonly notSent: number;
  readonly cwnd?: number;
  readonly mss?: number;
}

/** One socket of `ss -tinHe` output. */
export interface SsSocket {
  readonly state: TcpState;
  readonly recvQ: number;
  readonly sendQ: number;
  readonly local: SsEndpoint;
  readonly remote: SsEndpoint;
  /** From `-e`; 0 for TIME-WAIT and orphaned sockets. */
  readonly inode?: number;
  /** From `-e`, printed only when not 0. */
  readonly uid?: number;
  readonly timer?: SsTimer;
  /** Absent when ss printed no (or an empty) continuation line. */
  readonly info?: SsTcpInfo;
}

export interface SsOptions {
  /** Stop after this many sockets (default 10,000). */
  readonly maxSockets?: number;
  /** Lines longer than this are skipped (default 64 KiB). */
  readonly maxLineLength?: number;
}

const SS_STATES: Readonly<Record<string, TcpState>> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

const SS_TIMERS: Readonly<Record<string, TcpTimer>> = {
  off: 'none',
  on: 'retransmit',
  keepalive: 'keepalive',
  timewait: 'time-wait',
  persist: 'zero-window-probe',
};

/** Netid column, printed when more than one protocol is asked for. */
const NETIDS = new Set(['tcp', 'mptcp', 'udp', 'raw', 'sctp', 'dccp']);

function num(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,20}(\.\d+)?$/.test(s)) {
    return undefined;
  }
  return Number(s);
}

/** `127.0.0.1:22`, `[::1]:22`, `[fe80::1]%eth0:22`, `*:22`, `0.0.0.0:*`. */
export function parseSsEndpoint(token: string): SsEndpoint | undefined {
  const colon = token.lastIndexOf(':');
  if (colon <= 0) {
    return undefined;
  }
  const portText = token.slice(colon + 1);
  const port = portText === '*' ? 0 : num(portText);
  if (port === undefined || !Number.isInteger(port) || port > 0xffff) {
    return undefined;
  }
  let host = token.slice(0, colon);
  let iface: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) {
      return undefined;
    }
    const after = host.slice(close + 1);
    if (after !== '' && !after.startsWith('%')) {
      return undefined;
    }
    iface = after === '' ? undefined : after.slice(1);
    host = host.slice(1, close);
  } else {
    const pct = host.indexOf('%');
    if (pct >= 0) {
      iface = host.slice(pct + 1);
      host = host.slice(0, pct);
    }
  }
  if (host === '' || !/^[0-9A-Za-z.:*]+$/.test(host)) {
    return undefined;
  }
  return iface === undefined || iface === '' ? { address: host, port } : { address: host, port, iface };
}

/** `080ms`, `4.848ms` (4 s 848 ms), `59sec`, `1min2sec`, `119min`, `` → ms. */
export function parseSsDuration(text: string): number | undefined {
  const m = /^(?:(\d+)min)?(?:(\d+)(?:sec|\.(?=\d+ms)))?(?:(\d+)ms)?$/.exec(text);
  if (m === null || text === '') {
    return undefined;
  }
  const ms = Number(m[1] ?? 0) * 60_000 + Number(m[2] ?? 0) * 1000 + Number(m[3] ?? 0);
  // Digits without end would make Infinity: not a time ss prints.
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function parseTimer(value: string): SsTimer | undefined {
  const m = /^\(([a-z]+),([^,]*),(\d+)\)$/.exec(value);
  if (m === null) {
    return undefined;
  }
  const count = Number(m[3]);
  if (!Number.isSafeInteger(count)) {
    return undefined;
  }
  const expiresMs = parseSsDuration(m[2] ?? '');
  const kind = SS_TIMERS[m[1] ?? ''] ?? 'unknown';
  return expiresMs === undefined ? { kind, count } : { kind, expiresMs, count };
}

function parseMain(line: string): SsSocket | undefined {
  const t = line.trim().split(/\s+/);
  if (NETIDS.has(t[0] ?? '')) {
    t.shift();
  }
  const state = SS_STATES[t[0] ?? ''];
  const recvQ = num(t[1]);
  const sendQ = num(t[2]);
  const local = parseSsEndpoint(t[3] ?? '');
  const remote = parseSsEndpoint(t[4] ?? '');
  if (state === undefined || recvQ === undefined || sendQ === undefined || local === undefined || remote === undefined) {
    return undefined;
  }
  let inode: number | undefined;
  let uid: number | undefined;
  let timer: SsTimer | undefined;
  for (const word of t.slice(5)) {
    const colon = word.indexOf(':');
    const key = colon < 0 ? word : word.slice(0, colon);
    const value = colon < 0 ? '' : word.slice(colon + 1);
    if (key === 'ino') {
      inode = num(value);
    } else if (key === 'uid') {
      uid = num(value);
    } else if (key === 'timer') {
      timer = parseTimer(value);
    }
  }
  // With `-O` (one line per socket) the tcp_info words follow on the same line.
  const rest = t.slice(5);
  const info = rest.some((w) => w.startsWith('rto:') || w.startsWith('rtt:')) ? parseSsInfo(rest.join(' ')) : undefined;
  return {
    state,
    recvQ,
    sendQ,
    local,
    remote,
    ...(info !== undefined ? { info } : {}),
    ...(inode !== undefined ? { inode } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(timer !== undefined ? { timer } : {}),
  };
}

/** The continuation line's `key:value` words; undefined when it holds none. */
export function parseSsInfo(line: string): SsTcpInfo | undefined {
  const v = new Map<string, string>();
  for (const word of line.trim().split(/\s+/)) {
    const colon = word.indexOf(':');
    if (colon > 0 && !v.has(word.slice(0, colon))) {
      v.set(word.slice(0, colon), word.slice(colon + 1));
    }
  }
  if (v.size === 0) {
    return undefined;
  }
  const pair = (key: string): [number | undefined, number | undefined] => {
    const [a, b] = (v.get(key) ?? '').split('/');
    return [num(a), num(b)];
  };
  const zero = (key: string): number => num(v.get(key)) ?? 0;
  const [rttMs, rttVarMs] = pair('rtt');
  const [retransOut, retransTotal] = pair('retrans');
  const opt = (key: string, value: number | undefined): Record<string, number> => (value === undefined ? {} : { [key]: value });
  return {
    ...opt('rttMs', rttMs),
    ...opt('rttVarMs', rttVarMs),
    ...opt('minRttMs', num(v.get('minrtt'))),
    ...opt('rtoMs', num(v.get('rto'))),
    backoff: zero('backoff'),
    unacked: zero('unacked'),
    retransOut: retransOut ?? 0,
    retransTotal: retransTotal ?? 0,
    lost: zero('lost'),
    lastSendMs: zero('lastsnd'),
    lastRecvMs: zero('lastrcv'),
    lastAckMs: zero('lastack'),
    bytesSent: zero('bytes_sent'),
    bytesRetrans: zero('bytes_retrans'),
    bytesAcked: zero('bytes_acked'),
    bytesReceived: zero('bytes_received'),
    notSent: zero('notsent'),
    ...opt('cwnd', num(v.get('cwnd'))),
    ...opt('mss', num(v.get('mss'))),
  };
}

/** Every socket of `ss -tinHe` (or `-tinHea`, `-tnHe`) output; lines that are not understood are skipped. */
export function parseSs(text: string, options: SsOptions = {}): SsSocket[] {
  const maxSockets = options.maxSockets ?? 10_000;
  const maxLine = options.maxLineLength ?? 65_536;
  const out: SsSocket[] = [];
  let current: SsSocket | undefined;
  const flush = (): void => {
    if (current !== undefined) {
      out.push(current);
      current = undefined;
    }
  };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) {
      end = text.length;
    }
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length > maxLine || line.trim() === '') {
      continue;
    }
    if (line.startsWith('\t') || line.startsWith(' ')) {
      if (current !== undefined && current.info === undefined) {
        const info = parseSsInfo(line);
        if (info !== undefined) {
          current = { ...current, info };
        }
      }
      continue;
    }
    flush();
    if (out.length >= maxSockets) {
      break;
    }
    current = parseMain(line);
  }
  if (out.length < maxSockets) {
    flush();
  }
  return out;
}
