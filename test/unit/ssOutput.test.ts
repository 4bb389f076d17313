import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseSs, parseSsDuration, parseSsEndpoint, type SsSocket } from '../../src/core/socket/ss';

/** Real `ss -tinHe` output captured by test/fixtures/socket/capture.ts (iproute2 6.1, Linux 6.x). */
const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'socket', `${name}.ss`), 'utf8');
const byInode = (sockets: readonly SsSocket[], inode: number): SsSocket => {
  const s = sockets.find((x) => x.inode === inode);
  assert.ok(s, `no socket with inode ${inode}`);
  return s;
};

describe('ss -tinHe parser', () => {
  it('reads established IPv4 and [::1] sockets and listeners with their tcp_info', () => {
    const sockets = parseSs(fixture('established'));
    assert.deepEqual(
      sockets.map((s) => [s.state, s.local.address, s.local.port, s.remote.address, s.remote.port, s.inode]),
      [
        ['LISTEN', '127.0.0.1', 39029, '0.0.0.0', 0, 753156],
        ['ESTABLISHED', '127.0.0.1', 39029, '127.0.0.1', 53240, 753158],
        ['ESTABLISHED', '127.0.0.1', 53240, '127.0.0.1', 39029, 753157],
        ['LISTEN', '::1', 41451, '::', 0, 753159],
        ['ESTABLISHED', '::1', 52540, '::1', 41451, 753160],
        ['ESTABLISHED', '::1', 41451, '::1', 52540, 753161],
      ],
    );
    const client = byInode(sockets, 753157);
    assert.deepEqual(client.info, {
      rttMs: 0.044,
      rttVarMs: 0.018,
      minRttMs: 0.039,
      rtoMs: 204,
      backoff: 0,
      unacked: 0,
      retransOut: 0,
      retransTotal: 0,
      lost: 0,
      lastSendMs: 1232,
      lastRecvMs: 1232,
      lastAckMs: 1232,
      bytesSent: 1000,
      bytesRetrans: 0,
      bytesAcked: 1001,
      bytesReceived: 300,
      notSent: 0,
      cwnd: 11,
      mss: 35328,
    });
    assert.equal(client.timer, undefined);
    const listener = byInode(sockets, 753156);
    assert.equal(listener.info?.rttMs, undefined, 'a listener has no rtt');
  });

  it('reads unacked segments, backoff, retransmissions and the retransmission timer under a DROP rule', () => {
    const s = byInode(parseSs(fixture('retrans-v4-3s')), 753182);
    assert.equal(s.sendQ, 4000);
    assert.deepEqual(s.timer, { kind: 'retransmit', expiresMs: 200, count: 3 });
    assert.deepEqual(
      [s.info?.unacked, s.info?.backoff, s.info?.rtoMs, s.info?.retransOut, s.info?.retransTotal, s.info?.lost, s.info?.lastAckMs, s.info?.lastSendMs],
      [1, 3, 1600, 1, 4, 1, 3052, 1400],
    );
    const later = byInode(parseSs(fixture('retrans-v4-8s')), 753182);
    assert.deepEqual(later.timer, { kind: 'retransmit', expiresMs: 5036, count: 5 });
    assert.equal(later.info?.backoff, 5);
    const v6 = byInode(parseSs(fixture('retrans-v6-3s')), 753303);
    assert.deepEqual([v6.local.address, v6.timer?.count, v6.info?.backoff, v6.info?.unacked], ['::1', 3, 3, 1]);
  });

  it('reads the persist timer of a closed window and its unanswered probes', () => {
    const answered = byInode(parseSs(fixture('zero-window')), 751537);
    assert.deepEqual(answered.timer, { kind: 'zero-window-probe', expiresMs: 16, count: 1 });
    assert.deepEqual([answered.sendQ, answered.info?.notSent, answered.info?.unacked], [3723910, 3723910, 0]);
    const dropped = byInode(parseSs(fixture('zero-window-dropped-6s')), 751537);
    assert.deepEqual(dropped.timer, { kind: 'zero-window-probe', expiresMs: 5924, count: 4 });
  });

  it('reads TIME-WAIT-like sockets with an empty continuation line, and orphans in CLOSING', () => {
    const sockets = parseSs(fixture('retrans-v6-3s'));
    const fw2 = sockets.find((s) => s.state === 'FIN_WAIT2');
    assert.ok(fw2);
    assert.deepEqual([fw2.inode, fw2.info, fw2.timer?.kind, fw2.timer?.expiresMs], [0, undefined, 'time-wait', 56_000]);
    const closing = sockets.find((s) => s.state === 'CLOSING');
    assert.deepEqual([closing?.inode, closing?.recvQ, closing?.sendQ, closing?.info?.backoff], [0, 1, 4001, 5]);
  });

  it("reads a real ssh session's socket: keepalive timer, rtt, bytes both ways", () => {
    const [client] = parseSs(fixture('ssh-session'));
    assert.deepEqual(client?.timer, { kind: 'keepalive', expiresMs: 119 * 60_000, count: 0 });
    assert.ok((client?.info?.rttMs ?? 0) > 0);
    assert.ok((client?.info?.bytesSent ?? 0) > 0 && (client?.info?.bytesReceived ?? 0) > 0);
  });

  it('reads every endpoint form: brackets, %device, * addresses and ports', () => {
    assert.deepEqual(parseSsEndpoint('127.0.0.1:22'), { address: '127.0.0.1', port: 22 });
    assert.deepEqual(parseSsEndpoint('[::1]:22'), { address: '::1', port: 22 });
    assert.deepEqual(parseSsEndpoint('[::ffff:127.0.0.1]:22'), { address: '::ffff:127.0.0.1', port: 22 });
    assert.deepEqual(parseSsEndpoint('[fe80::1]%eth0:22'), { address: 'fe80::1', port: 22, iface: 'eth0' });
    assert.deepEqual(parseSsEndpoint('10.0.0.1%wg0:2222'), { address: '10.0.0.1', port: 2222, iface: 'wg0' });
    assert.deepEqual(parseSsEndpoint('*:22'), { address: '*', port: 22 });
    assert.deepEqual(parseSsEndpoint('[::]:*'), { address: '::', port: 0 });
    for (const bad of ['', ':22', '127.0.0.1', '127.0.0.1:x', '127.0.0.1:70000', '[::1:22', '[::1]x:22', 'a b:1']) {
      assert.equal(parseSsEndpoint(bad), undefined, bad);
    }
  });

  it("reads ss's timer durations, including its 4.848ms = 4 s 848 ms quirk", () => {
    assert.equal(parseSsDuration('080ms'), 80);
    assert.equal(parseSsDuration('4.848ms'), 4848);
    assert.equal(parseSsDuration('59sec'), 59_000);
    assert.equal(parseSsDuration('12sec'), 12_000);
    assert.equal(parseSsDuration('1min2sec'), 62_000);
    assert.equal(parseSsDuration('119min'), 7_140_000);
    assert.equal(parseSsDuration(''), undefined);
    assert.equal(parseSsDuration('soon'), undefined);
  });

  it('copes with a netid column, a header, -p users, unknown words, an empty time and one-line (-O) output', () => {
    const text = [
      'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
      'tcp ESTAB 0 0 10.0.0.2:50000 [2001:db8::1]:22 timer:(persist,,1) users:(("ssh",pid=42,fd=3)) uid:1000 ino:77 sk:1 newfield:(a,b) <->',
      '\t cubic wscale:7,7 rto:220 rtt:20.5/3.1 somethingnew:5 unacked:2 lastack:90',
      'ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:78 sk:2 <-> ts sack cubic rto:204 rtt:0.1/0.05 lastsnd:5 lastrcv:6 lastack:7',
    ].join('\n');
    const [a, b] = parseSs(text);
    assert.deepEqual([a?.remote.address, a?.uid, a?.inode, a?.timer], ['2001:db8::1', 1000, 77, { kind: 'zero-window-probe', count: 1 }]);
    assert.deepEqual([a?.info?.rttMs, a?.info?.rtoMs, a?.info?.unacked, a?.info?.lastAckMs, a?.info?.backoff], [20.5, 220, 2, 90, 0]);
    assert.deepEqual([b?.inode, b?.info?.rttMs, b?.info?.lastAckMs], [78, 0.1, 7]);
  });

  it('skips garbage and overlong lines and stops at maxSockets', () => {
    const line = 'ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:1\n\t rtt:1/1\n';
    assert.equal(parseSs('garbage\n\tmore garbage\n' + line + 'x'.repeat(70_000) + '\n' + line).length, 2);
    assert.equal(parseSs(line.repeat(50), { maxSockets: 3 }).length, 3);
    assert.deepEqual(parseSs(''), []);
  });

  it('property: never throws on arbitrary text, returns at most maxSockets', () => {
    const word = fc.oneof(fc.constantFrom('ESTAB', 'LISTEN', '0', '127.0.0.1:22', '[::1]:22', 'ino:5', 'timer:(on,1ms,2)', 'rtt:1/2', '\n', '\t', ' '), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 80 }), fc.integer({ min: 0, max: 5 }), (words, max) => {
        assert.ok(parseSs(words.join(' '), { maxSockets: max }).length <= max);
      }),
    );
  });
});
