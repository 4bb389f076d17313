import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv6, parseProcEndpoint, parseProcNetTcp, parseProcTcpLine, socketInodeFromLink, type ProcTcpEntry } from '../../src/core/socket/procNetTcp';
import { parseSs } from '../../src/core/socket/ss';

/** Real text captured from the kernel by test/fixtures/socket/capture.ts. */
const dir = join(__dirname, '..', 'fixtures', 'socket');
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const table = (name: string): ProcTcpEntry[] => [...parseProcNetTcp(fixture(`${name}.tcp`)), ...parseProcNetTcp(fixture(`${name}.tcp6`))];
const byInode = (entries: readonly ProcTcpEntry[], inode: number): ProcTcpEntry => {
  const e = entries.find((x) => x.inode === inode);
  assert.ok(e, `no socket with inode ${inode}`);
  return e;
};

describe('/proc/net/tcp parser', () => {
  it('reads listening and established IPv4 sockets with addresses in host byte order', () => {
    const entries = parseProcNetTcp(fixture('established.tcp'));
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[0], {
      family: 4,
      local: { address: '127.0.0.1', port: 39029 },
      remote: { address: '0.0.0.0', port: 0 },
      state: 'LISTEN',
      txQueue: 0,
      rxQueue: 0,
      timer: 'none',
      timerMs: 0,
      retransmits: 0,
      uid: 0,
      probesOut: 0,
      inode: 753156,
      rtoMs: 1000,
      cwnd: 10,
    });
    const client = byInode(entries, 753157);
    assert.equal(client.state, 'ESTABLISHED');
    assert.deepEqual(client.local, { address: '127.0.0.1', port: 53240 });
    assert.deepEqual(client.remote, { address: '127.0.0.1', port: 39029 });
    assert.equal(client.rtoMs, 200);
    assert.equal(client.cwnd, 11);
  });

  it('reads ::1 from four little-endian words', () => {
    const entries = parseProcNetTcp(fixture('established.tcp6'));
    assert.deepEqual(
      entries.map((e) => [e.family, e.state, e.local.address, e.local.port, e.remote.address, e.remote.port]),
      [
        [6, 'LISTEN', '::1', 41451, '::', 0],
        [6, 'ESTABLISHED', '::1', 52540, '::1', 41451],
        [6, 'ESTABLISHED', '::1', 41451, '::1', 52540],
      ],
    );
  });

  it('shows unacknowledged bytes and a pending retransmission timer before the first timeout', () => {
    const e = byInode(table('unacked-v4-100ms'), 753182);
    assert.equal(e.txQueue, 4000);
    assert.equal(e.timer, 'retransmit');
    assert.equal(e.retransmits, 0);
    assert.equal(e.timerMs, 90, 'tm->when is in 1/100 s');
  });

  it('counts consecutive timeout retransmissions and the backed-off RTO under a DROP rule', () => {
    const at3s = byInode(table('retrans-v4-3s'), 753182);
    assert.deepEqual([at3s.timer, at3s.retransmits, at3s.rtoMs, at3s.txQueue, at3s.cwnd], ['retransmit', 3, 1600, 4000, 1]);
    const at8s = byInode(table('retrans-v4-8s'), 753182);
    assert.deepEqual([at8s.retransmits, at8s.rtoMs, at8s.timerMs], [5, 6400, 5050]);
    const v6 = byInode(table('retrans-v6-3s'), 753303);
    assert.deepEqual([v6.family, v6.local.address, v6.timer, v6.retransmits, v6.txQueue], [6, '::1', 'retransmit', 3, 4000]);
  });

  it('reads a closed receive window: persist timer, queued bytes, unanswered probes in the "timeout" column', () => {
    const answered = byInode(table('zero-window'), 751537);
    assert.deepEqual([answered.timer, answered.txQueue, answered.probesOut], ['zero-window-probe', 3723910, 1]);
    const reader = byInode(table('zero-window'), 751538);
    assert.equal(reader.rxQueue, 130021);
    const dropped = byInode(table('zero-window-dropped-6s'), 751537);
    assert.deepEqual([dropped.timer, dropped.probesOut], ['zero-window-probe', 4]);
  });

  it('reads keepalive timers, TIME_WAIT lines without the trailing fields, and orphaned sockets', () => {
    const entries = table('keepalive-timewait');
    const ka = byInode(entries, 753602);
    assert.deepEqual([ka.timer, ka.timerMs], ['keepalive', 59490]);
    const tw = parseProcNetTcp(fixture('keepalive-timewait.tcp')).filter((e) => e.state === 'TIME_WAIT');
    assert.equal(tw.length, 2);
    assert.ok(tw.every((e) => e.timer === 'time-wait' && e.inode === 0 && e.rtoMs === undefined && e.cwnd === undefined));
    const closing = parseProcNetTcp(fixture('zero-window.tcp')).find((e) => e.state === 'CLOSING');
    assert.ok(closing && closing.inode === 0 && closing.retransmits === 5 && closing.txQueue === 4001);
    assert.ok(parseProcNetTcp(fixture('zero-window.tcp')).some((e) => e.state === 'FIN_WAIT2'));
  });

  it('agrees with ss on every socket of every capture (same inode, addresses, ports, state, queues)', () => {
    const names = readdirSync(dir)
      .filter((f) => f.endsWith('.ss'))
      .map((f) => f.slice(0, -3))
      .filter((n) => n !== 'ssh-session');
    assert.ok(names.length >= 8);
    let compared = 0;
    for (const name of names) {
      const proc = table(name);
      for (const s of parseSs(fixture(`${name}.ss`))) {
        if (s.inode === undefined || s.inode === 0) {
          continue;
        }
        const p = byInode(proc, s.inode);
        const addr = (a: string): string => (a === '0.0.0.0' || a === '::' ? '*' : a);
        assert.equal(p.state, s.state, `${name} ${s.inode}`);
        assert.equal(p.local.port, s.local.port);
        assert.equal(p.remote.port, s.remote.port);
        assert.equal(addr(p.local.address), addr(s.local.address));
        assert.equal(addr(p.remote.address), addr(s.remote.address));
        if (p.state === 'ESTABLISHED') {
          assert.equal(p.txQueue, s.sendQ, `${name} ${s.inode} send queue`);
          assert.equal(p.rxQueue, s.recvQ, `${name} ${s.inode} receive queue`);
        }
        compared++;
      }
    }
    assert.ok(compared >= 20, `${compared} sockets compared`);
  });

  it("finds a real ssh session's socket from its fd links, with the ports the server saw", () => {
    const inodes = fixture('ssh-session.fds')
      .trim()
      .split('\n')
      .map((l) => socketInodeFromLink(l.split(' -> ')[1] ?? ''))
      .filter((i): i is number => i !== undefined);
    assert.equal(inodes.length, 1);
    const [clientIp, clientPort, serverIp, serverPort] = fixture('ssh-session.conn').trim().split(' ');
    const entries = parseProcNetTcp(fixture('ssh-session.tcp'), { inodes: new Set(inodes) });
    assert.equal(entries.length, 1);
    const e = entries[0] as ProcTcpEntry;
    assert.deepEqual(
      [e.state, e.local.address, e.local.port, e.remote.address, e.remote.port],
      ['ESTABLISHED', clientIp, Number(clientPort), serverIp, Number(serverPort)],
    );
    assert.equal(e.timer, 'keepalive', 'ssh sets SO_KEEPALIVE (TCPKeepAlive yes)');
  });

  it('decodes big-endian text when told the machine is big-endian', () => {
    assert.deepEqual(parseProcEndpoint('7F000001:0016', false), { family: 4, address: '127.0.0.1', port: 22 });
    assert.deepEqual(parseProcEndpoint('0100007F:0016', true), { family: 4, address: '127.0.0.1', port: 22 });
    assert.deepEqual(parseProcEndpoint('00000000000000000000000000000001:01BB', false), { family: 6, address: '::1', port: 443 });
  });

  it('formats IPv6 per RFC 5952, with IPv4-mapped addresses as a dotted quad', () => {
    const b = (...groups: number[]): number[] => groups.flatMap((g) => [g >> 8, g & 0xff]);
    assert.equal(formatIpv6(b(0xfe80, 0, 0, 0, 0, 0, 0, 1)), 'fe80::1');
    assert.equal(formatIpv6(b(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)), '2001:db8::1:0:0:1');
    assert.equal(formatIpv6(b(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1)), '2001:db8:0:1:1:1:1:1', 'a single zero group stays');
    assert.equal(formatIpv6(b(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1)), '::ffff:127.0.0.1');
    assert.equal(formatIpv6(b(0, 0, 0, 0, 0, 0, 0, 0)), '::');
    assert.equal(formatIpv6(b(1, 0, 0, 0, 0, 0, 0, 0)), '1::');
  });

  it('reads IPv4-mapped addresses from tcp6 (an IPv6 socket talking to an IPv4 peer)', () => {
    // ::ffff:127.0.0.1 as the kernel prints it on little-endian machines.
    const line = '   1: 0000000000000000FFFF00000100007F:0016 0000000000000000FFFF00000100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 20 4 30 10 -1';
    const e = parseProcTcpLine(line);
    assert.equal(e?.local.address, '::ffff:127.0.0.1');
    assert.equal(e?.remote.port, 50000);
    assert.equal(e?.uid, 1000);
  });

  it('skips the header, blank and malformed lines, and lines for other inodes', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '',
      '   0: nonsense',
      '   1: 0100007F:ZZZZ 0100007F:0016 01 00000000:00000000 00:00000000 00000000     0        0 11 1 0 20 4 30 10 -1',
      '   2: 0100007F:0016 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 12 1 0 20 4 30 10 -1',
      '   3: 0100007F:0016 0100007F:C351 01 00000000:00000000 00:00000000 00000000     0        0 13 1 0 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseProcNetTcp(text).map((e) => e.inode), [12, 13]);
    assert.deepEqual(parseProcNetTcp(text, { inodes: new Set([13]) }).map((e) => e.inode), [13]);
    assert.deepEqual(parseProcNetTcp(text, { maxEntries: 1 }).map((e) => e.inode), [12]);
    assert.deepEqual(parseProcNetTcp(''), []);
  });

  it('takes the inode from a socket fd link only', () => {
    assert.equal(socketInodeFromLink('socket:[753945]'), 753945);
    assert.equal(socketInodeFromLink('pipe:[753945]'), undefined);
    assert.equal(socketInodeFromLink('/dev/pts/0'), undefined);
    assert.equal(socketInodeFromLink('socket:[]'), undefined);
  });
});
