/**
 * Is the terminal ssh's own TCP connection stalled? Decided from the kernel's
 * numbers for that one socket (`/proc/<pid>/net/tcp` and, where available,
 * `ss -tinHe`), without sending anything.
 *
 * The rule, and why:
 * - TCP resends the oldest unacknowledged segment each time its retransmission
 *   timeout (RTO) expires, doubling the RTO every time (exponential backoff:
 *   RTO = max(200 ms, srtt + 4·rttvar), then ×2, ×4, … up to 120 s). So
 *   "3 consecutive timeouts of the same segment" (`icsk_retransmits` ≥ 3, or
 *   ss `backoff` ≥ 3 with data in flight) means no ACK at all for at least
 *   1 + 2 + 4 = 7 RTOs — 1.4 s at the 200 ms minimum, proportionally more on
 *   slower links. A working link, even a lossy one, almost never loses the
 *   same segment three times in a row: fast retransmit and tail-loss probes
 *   repair ordinary loss well before that.
 * - Also stalled: data in flight, at least one timeout retransmission, and no
 *   ACK for max(3 × RTO, 3 s). This catches outages where the kernel undid
 *   backoff steps (an ICMP unreachable during backoff, RFC 6069) so the
 *   counters understate the silence. The "at least one retransmission"
 *   condition keeps out the first write after a long quiet period, where the
 *   last ACK is old only because nothing needed acknowledging.
 * - A closed receive window probed 3 times without an answer, or 2 keepalive
 *   probes without one, is the same silence on a connection with nothing in
 *   flight.
 * - Nothing in flight and no unanswered probe is **not** stalled, however long
 *   the silence: an idle session on a dead link looks exactly like an idle
 *   session on a good one from here. That is what the heartbeat probe is for;
 *   this verdict says `idle`.
 */
import type { ProcTcpEntry, TcpState, TcpTimer } from './procNetTcp';
import type { SsSocket } from './ss';

/** The numbers of one socket the verdict works from; every field optional but `state`. */
export interface SocketNumbers {
  readonly state: TcpState;
  /** Bytes written and not yet acknowledged (sent or queued). */
  readonly unackedBytes?: number;
  /** Segments sent and not yet acknowledged; known from ss only. */
  readonly inFlightSegments?: number;
  readonly timer?: TcpTimer;
  /** Consecutive timeout retransmissions of the oldest unacknowledged segment. */
  readonly retransmits?: number;
  /** Unanswered zero-window or keepalive probes. */
  readonly probesOut?: number;
  /** Backoff steps of the retransmission timer (ss). */
  readonly backoff?: number;
  /** Retransmitted segments not yet acknowledged (ss). */
  readonly retransOut?: number;
  readonly rtoMs?: number;
  readonly rttMs?: number;
  readonly lastAckMs?: number;
  readonly lastSendMs?: number;
  readonly lastRecvMs?: number;
}

/** What the kernel's numbers say about the connection. */
export type SocketVerdictKind = 'healthy' | 'stalled' | 'idle' | 'unknown';

/** Why; one per rule of the module comment. */
export type SocketVerdictReason =
  /** `stalled`: the oldest segment timed out `retransmits` times in a row. */
  | 'retransmitting'
  /** `stalled`: data in flight, retransmitted, and no ACK for max(3 × RTO, 3 s). */
  | 'no-ack'
  /** `stalled`: the peer's closed receive window stopped answering probes. */
  | 'zero-window-unanswered'
  /** `stalled`: keepalive probes on an idle connection went unanswered. */
  | 'keepalive-unanswered'
  /** `healthy`: data in flight, not (yet) overdue. */
  | 'in-flight'
  /** `healthy`: the peer sent or acknowledged something within `recentMs`. */
  | 'recent-contact'
  /** `idle`: nothing to acknowledge and no recent word from the peer. */
  | 'quiet'
  /** `unknown`: the socket is not in ESTABLISHED state. */
  | 'not-established'
  /** `unknown`: no numbers at all. */
  | 'no-data';

export interface SocketVerdict {
  readonly verdict: SocketVerdictKind;
  readonly reason: SocketVerdictReason;
  /** The numbers behind the verdict, for the log and the tooltip. */
  readonly detail: string;
}

export interface StallThresholds {
  /** Consecutive timeout retransmissions (or backoff steps) that mean stalled. Default 3. */
  readonly retransmits: number;
  /** Multiple of the RTO without an ACK, with data in flight and a retransmission, that means stalled. Default 3. */
  readonly noAckRtos: number;
  /** Lower bound for that silence in ms. Default 3000. */
  readonly noAckFloorMs: number;
  /** Unanswered zero-window probes that mean stalled. Default 3. */
  readonly zeroWindowProbes: number;
  /** Unanswered keepalive probes that mean stalled. Default 2. */
  readonly keepaliveProbes: number;
  /** Contact within this many ms makes an idle socket `healthy` rather than `idle`. Default 10,000. */
  readonly recentMs: number;
}

export const DEFAULT_STALL_THRESHOLDS: StallThresholds = {
  retransmits: 3,
  noAckRtos: 3,
  noAckFloorMs: 3000,
  zeroWindowProbes: 3,
  keepaliveProbes: 2,
  recentMs: 10_000,
};

/**
 * Merges the `/proc` line and the `ss` record of the same socket: timings and
 * in-flight segments come from ss (the only source), queue, timer and
 * retransmission counters from `/proc` when present, else from ss.
 */
export function socketNumbers(proc: ProcTcpEntry | undefined, ss: SsSocket | undefined): SocketNumbers | undefined {
  const state = proc?.state ?? ss?.state;
  if (state === undefined) {
    return undefined;
  }
  const info = ss?.info;
  const ssTimer = ss?.timer;
  const ssRetransmits = ssTimer?.kind === 'retransmit' ? ssTimer.count : ssTimer === undefined ? undefined : 0;
  const ssProbes = ssTimer?.kind === 'zero-window-probe' || ssTimer?.kind === 'keepalive' ? ssTimer.count : ssTimer === undefined ? undefined : 0;
  return withoutUndefined<SocketNumbers>({
    state,
    unackedBytes: proc?.txQueue ?? ss?.sendQ,
    inFlightSegments: info?.unacked,
    timer: proc?.timer ?? ssTimer?.kind ?? (info !== undefined ? 'none' : undefined),
    retransmits: proc?.retransmits ?? ssRetransmits,
    probesOut: proc?.probesOut ?? ssProbes,
    backoff: info?.backoff,
    retransOut: info?.retransOut,
    rtoMs: info?.rtoMs ?? proc?.rtoMs,
    rttMs: info?.rttMs,
    lastAckMs: info?.lastAckMs,
    lastSendMs: info?.lastSendMs,
    lastRecvMs: info?.lastRecvMs,
  });
}

/** Drops the keys whose value is undefined (optional properties must be absent, not undefined). */
function withoutUndefined<T extends object>(o: { [K in keyof T]-?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The verdict for one socket; see the module comment for the rule. */
export function socketVerdict(n: SocketNumbers | undefined, thresholds: Partial<StallThresholds> = {}): SocketVerdict {
  const t = { ...DEFAULT_STALL_THRESHOLDS, ...thresholds };
  if (n === undefined) {
    return { verdict: 'unknown', reason: 'no-data', detail: 'no socket numbers' };
  }
  if (n.state !== 'ESTABLISHED') {
    return { verdict: 'unknown', reason: 'not-established', detail: `state ${n.state}` };
  }
  const retransmits = n.retransmits ?? 0;
  const backoff = n.backoff ?? 0;
  const probes = n.probesOut ?? 0;
  // Segments in flight: ss knows; from /proc alone, a pending retransmission
  // timer with unacknowledged bytes means some are.
  const inFlight = n.inFlightSegments !== undefined ? n.inFlightSegments > 0 : n.timer === 'retransmit' && (n.unackedBytes ?? 0) > 0;
  const parts: string[] = [];
  if (n.unackedBytes !== undefined) {
    parts.push(`${n.unackedBytes} B unacked`);
  }
  if (n.inFlightSegments !== undefined) {
    parts.push(`${n.inFlightSegments} segments in flight`);
  }
  if (retransmits > 0 || backoff > 0) {
    parts.push(`${Math.max(retransmits, backoff)} timeouts in a row`);
  }
  if (n.rtoMs !== undefined) {
    parts.push(`rto ${n.rtoMs} ms`);
  }
  if (n.lastAckMs !== undefined) {
    parts.push(`last ack ${n.lastAckMs} ms ago`);
  }
  if (n.rttMs !== undefined) {
    parts.push(`rtt ${n.rttMs} ms`);
  }
  const detail = (lead: string): string => [lead, ...parts].join(', ');

  if ((n.timer === 'retransmit' && retransmits >= t.retransmits) || (inFlight && backoff >= t.retransmits)) {
    return { verdict: 'stalled', reason: 'retransmitting', detail: detail('no ACK through consecutive retransmission timeouts') };
  }
  if (inFlight && n.lastAckMs !== undefined && (retransmits > 0 || backoff > 0 || (n.retransOut ?? 0) > 0)) {
    const limit = Math.max(t.noAckRtos * (n.rtoMs ?? 0), t.noAckFloorMs);
    if (n.lastAckMs >= limit) {
      return { verdict: 'stalled', reason: 'no-ack', detail: detail(`no ACK for ${n.lastAckMs} ms (limit ${limit} ms)`) };
    }
  }
  if (n.timer === 'zero-window-probe' && probes >= t.zeroWindowProbes) {
    return { verdict: 'stalled', reason: 'zero-window-unanswered', detail: detail(`${probes} zero-window probes unanswered`) };
  }
  if (n.timer === 'keepalive' && probes >= t.keepaliveProbes) {
    return { verdict: 'stalled', reason: 'keepalive-unanswered', detail: detail(`${probes} keepalive probes unanswered`) };
  }
  if (inFlight) {
    return { verdict: 'healthy', reason: 'in-flight', detail: detail('data in flight') };
  }
  const contact = Math.min(n.lastAckMs ?? Infinity, n.lastRecvMs ?? Infinity);
  if (contact <= t.recentMs) {
    return { verdict: 'healthy', reason: 'recent-contact', detail: detail(`peer heard ${contact} ms ago`) };
  }
  return {
    verdict: 'idle',
    reason: 'quiet',
    detail: detail(contact === Infinity ? 'nothing to acknowledge' : `nothing to acknowledge, peer quiet for ${contact} ms`),
  };
}
