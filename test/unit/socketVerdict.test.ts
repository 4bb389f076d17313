import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcNetTcp, type ProcTcpEntry } from '../../src/core/socket/procNetTcp';
import { parseSs, type SsSocket } from '../../src/core/socket/ss';
import { socketNumbers, socketVerdict, type SocketNumbers } from '../../src/core/socket/verdict';

/** Real captures (test/fixtures/socket/capture.ts): the /proc line and the ss record of one socket. */
function captured(name: string, inode: number): { proc: ProcTcpEntry; ss: SsSocket } {
  const read = (ext: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'socket', `${name}.${ext}`), 'utf8');
  const proc = [...parseProcNetTcp(read('tcp')), ...parseProcNetTcp(read('tcp6'))].find((e) => e.inode === inode);
  const ss = parseSs(read('ss')).find((s) => s.inode === inode);
  assert.ok(proc && ss, `${name}: no socket ${inode}`);
  return { proc, ss };
}

/** The verdict from /proc alone, from ss alone, and from both. */
function verdicts(name: string, inode: number): string[] {
  const { proc, ss } = captured(name, inode);
  return [socketNumbers(proc, undefined), socketNumbers(undefined, ss), socketNumbers(proc, ss)].map((n) => {
    const v = socketVerdict(n);
    return `${v.verdict}/${v.reason}`;
  });
}

const established = (n: Partial<SocketNumbers>): SocketNumbers => ({ state: 'ESTABLISHED', ...n });

describe('socket stall verdict', () => {
  it('stalled: 3 timeout retransmissions of unacknowledged data (IPv4 and ::1, 3 s into a DROP)', () => {
    assert.deepEqual(verdicts('retrans-v4-3s', 753182), ['stalled/retransmitting', 'stalled/retransmitting', 'stalled/retransmitting']);
    assert.deepEqual(verdicts('retrans-v6-3s', 753303), ['stalled/retransmitting', 'stalled/retransmitting', 'stalled/retransmitting']);
    assert.deepEqual(verdicts('retrans-v4-8s', 753182), ['stalled/retransmitting', 'stalled/retransmitting', 'stalled/retransmitting']);
  });

  it('says why in numbers: unacked bytes, timeouts in a row, rto, last ack', () => {
    const { proc, ss } = captured('retrans-v4-3s', 753182);
    const v = socketVerdict(socketNumbers(proc, ss));
    assert.match(v.detail, /4000 B unacked/);
    assert.match(v.detail, /3 timeouts in a row/);
    assert.match(v.detail, /rto 1600 ms/);
    assert.match(v.detail, /last ack 3052 ms ago/);
  });

  it('healthy: data in flight 100 ms into the DROP, before any timeout', () => {
    assert.deepEqual(verdicts('unacked-v4-100ms', 753182), ['healthy/in-flight', 'healthy/in-flight', 'healthy/in-flight']);
  });

  it('healthy: the receiving side of a stalled connection, which has nothing to send, heard from it recently', () => {
    const { proc, ss } = captured('retrans-v4-3s', 753183);
    assert.deepEqual(socketVerdict(socketNumbers(proc, ss)).reason, 'recent-contact');
    // The same socket, judged with a shorter memory, is merely idle: never stalled.
    assert.equal(socketVerdict(socketNumbers(proc, ss), { recentMs: 1000 }).verdict, 'idle');
  });

  it('healthy: established sockets that talked a second ago; idle from /proc alone, which has no timings', () => {
    const [procOnly, ssOnly, both] = verdicts('established', 753157);
    assert.deepEqual([procOnly, ssOnly, both], ['idle/quiet', 'healthy/recent-contact', 'healthy/recent-contact']);
    assert.deepEqual(verdicts('keepalive-timewait', 753602).slice(1), ['healthy/recent-contact', 'healthy/recent-contact']);
  });

  it('a closed receive window that answers its probes is not stalled; one that stopped answering is', () => {
    for (const v of verdicts('zero-window', 751537)) {
      assert.notEqual(v.split('/')[0], 'stalled', v);
    }
    assert.deepEqual(verdicts('zero-window-dropped-6s', 751537), ['stalled/zero-window-unanswered', 'stalled/zero-window-unanswered', 'stalled/zero-window-unanswered']);
  });

  it('stalled: no ACK for max(3 × RTO, 3 s) with data in flight after a retransmission, even with backoff undone', () => {
    const v = socketVerdict(established({ inFlightSegments: 2, unackedBytes: 900, backoff: 1, rtoMs: 400, lastAckMs: 3500 }));
    assert.deepEqual([v.verdict, v.reason], ['stalled', 'no-ack']);
    const slowLink = socketVerdict(established({ inFlightSegments: 2, backoff: 1, rtoMs: 2000, lastAckMs: 5000 }));
    assert.equal(slowLink.verdict, 'healthy', '3 × RTO of a slow link has not passed');
    assert.equal(socketVerdict(established({ inFlightSegments: 2, backoff: 1, rtoMs: 2000, lastAckMs: 6000 })).reason, 'no-ack');
  });

  it('not stalled: the first write after a long quiet spell (old last ACK, no retransmission yet)', () => {
    const v = socketVerdict(established({ inFlightSegments: 1, unackedBytes: 36, backoff: 0, retransmits: 0, rtoMs: 204, lastAckMs: 600_000, lastSendMs: 0 }));
    assert.deepEqual([v.verdict, v.reason], ['healthy', 'in-flight']);
  });

  it('not stalled: one or two timeouts (ordinary loss), stalled at the third', () => {
    assert.equal(socketVerdict(established({ timer: 'retransmit', unackedBytes: 100, retransmits: 2 })).verdict, 'healthy');
    assert.equal(socketVerdict(established({ timer: 'retransmit', unackedBytes: 100, retransmits: 3 })).verdict, 'stalled');
    assert.equal(socketVerdict(established({ timer: 'retransmit', unackedBytes: 100, retransmits: 3 }), { retransmits: 5 }).verdict, 'healthy');
  });

  it('backoff without data in flight (a closed window being probed) is not a stall', () => {
    assert.notEqual(socketVerdict(established({ inFlightSegments: 0, unackedBytes: 5000, backoff: 6, timer: 'zero-window-probe', probesOut: 0, lastAckMs: 300 })).verdict, 'stalled');
  });

  it('idle, never stalled: nothing to acknowledge, however long the silence', () => {
    const v = socketVerdict(established({ unackedBytes: 0, inFlightSegments: 0, timer: 'keepalive', probesOut: 0, lastAckMs: 3_600_000, lastRecvMs: 3_600_000 }));
    assert.deepEqual([v.verdict, v.reason], ['idle', 'quiet']);
    assert.equal(socketVerdict(established({ unackedBytes: 0, timer: 'none' })).verdict, 'idle');
  });

  it('stalled: keepalive probes going unanswered on an idle connection', () => {
    assert.equal(socketVerdict(established({ unackedBytes: 0, timer: 'keepalive', probesOut: 1, lastRecvMs: 7_300_000 })).verdict, 'idle');
    const v = socketVerdict(established({ unackedBytes: 0, timer: 'keepalive', probesOut: 2, lastRecvMs: 7_400_000 }));
    assert.deepEqual([v.verdict, v.reason], ['stalled', 'keepalive-unanswered']);
  });

  it('unknown: a socket that is not established, or no numbers at all', () => {
    assert.deepEqual(socketVerdict({ state: 'CLOSE_WAIT' }), { verdict: 'unknown', reason: 'not-established', detail: 'state CLOSE_WAIT' });
    assert.equal(socketVerdict(undefined).reason, 'no-data');
    assert.equal(socketNumbers(undefined, undefined), undefined);
  });

  it('merges /proc and ss: timings and in-flight segments from ss, counters from /proc', () => {
    const { proc, ss } = captured('retrans-v4-8s', 753182);
    assert.deepEqual(socketNumbers(proc, ss), {
      state: 'ESTABLISHED',
      unackedBytes: 4000,
      inFlightSegments: 1,
      timer: 'retransmit',
      retransmits: 5,
      probesOut: 0,
      backoff: 5,
      retransOut: 1,
      rtoMs: 6400,
      rttMs: 0.017,
      lastAckMs: ss.info?.lastAckMs,
      lastSendMs: ss.info?.lastSendMs,
      lastRecvMs: ss.info?.lastRecvMs,
    });
    // ss alone: the timer's count stands in for icsk_retransmits.
    assert.equal(socketNumbers(undefined, ss)?.retransmits, 5);
  });
});
