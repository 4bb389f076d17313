import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { descendantsOf, parseCmdline, parseProcStat, type ProcessInfo } from '../../src/core/process/processTree';
import { parsePsRow, parsePsTable } from '../../src/core/process/psTable';
import { parseProcNetTcp, type ProcTcpEntry } from '../../src/core/socket/procNetTcp';
import { parseSs, type SsSocket } from '../../src/core/socket/ss';
import { fuzzIt } from './fuzz';

// ---------------------------------------------------------------- real output to start from

const socketDir = join(__dirname, '..', 'fixtures', 'socket');
const linesOf = (ext: string): string[] =>
  readdirSync(socketDir)
    .filter((f) => f.endsWith(ext))
    .flatMap((f) => readFileSync(join(socketDir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '');
const SS_LINES = linesOf('.ss');
const PROC_LINES = [...linesOf('.tcp'), ...linesOf('.tcp6')];

/** A real line with a few characters dropped, doubled or replaced by ones that matter to the grammar. */
const mutated = (lines: readonly string[], alphabet: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'double', 'replace', 'digits'), fc.constantFrom(...alphabet)), { maxLength: 4 })).map(([line, edits]) => {
    let text = line;
    for (const [at, op, c] of edits) {
      const i = at % (text.length + 1);
      text =
        op === 'drop'
          ? text.slice(0, i) + text.slice(i + 1)
          : op === 'double'
            ? text.slice(0, i) + text.slice(i, i + 1) + text.slice(i)
            : op === 'digits'
              ? text.slice(0, i) + '9'.repeat(30 + (at % 400)) + text.slice(i)
              : text.slice(0, i) + c + text.slice(i + 1);
    }
    return text;
  });

const SS_ALPHABET = [' ', '\t', ':', ',', '/', '(', ')', '[', ']', '%', '*', '.', '-', '0', '9', 'e', 'x', '\r'];
const PROC_ALPHABET = [' ', ':', '0', 'F', 'f', 'G', '-', '\t', '\r', '9'];

/** Every number in a parsed value: each must be finite (and not negative where the format has no sign). */
function numbersIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') {
    return [[path, value]];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numbersIn(v, `${path}.${k}`));
  }
  return [];
}

function assertFinite(value: unknown, what: string, signed: readonly string[] = []): void {
  for (const [path, n] of numbersIn(value)) {
    assert.ok(Number.isFinite(n), `${what}${path} is ${n}`);
    if (!signed.some((s) => path.endsWith(s))) {
      assert.ok(n >= 0, `${what}${path} is ${n}`);
    }
  }
}

// ---------------------------------------------------------------- ss -tinHe

const ssTextArb = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SS_LINES) },
      { weight: 6, arbitrary: mutated(SS_LINES, SS_ALPHABET) },
      { weight: 1, arbitrary: fc.constantFrom('\t', '', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process', 'tcp ESTAB 0 0 [::1]:1 [::1]%lo:2 timer:(persist,,1) <->') },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    ),
    { maxLength: 14 },
  )
  .map((ls) => ls.join('\n'));

/** A socket as the model knows it, with the text ss would print for it. */
interface SsCase {
  readonly text: string;
  readonly socket: SsSocket;
}

const portArb = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constant(0));
const ipv4Arb = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const endpointArb = fc
  .tuple(fc.oneof(ipv4Arb, fc.constantFrom('::1', '2001:db8::1', 'fe80::1', '::', '*', '0.0.0.0', '::ffff:127.0.0.1')), portArb, fc.option(fc.constantFrom('lo', 'eth0', 'wlp2s0'), { nil: undefined }))
  .map(([address, port, iface]) => {
    const host = address.includes(':') ? `[${address}]` : address;
    return { text: `${host}${iface === undefined ? '' : `%${iface}`}:${port === 0 ? '*' : port}`, endpoint: iface === undefined ? { address, port } : { address, port, iface } };
  });

/** A duration as ss prints it (`080ms`, `4.848ms`, `59sec`, `2min`, `1min2sec`), with its value in ms. */
const durationArb = fc.oneof(
  fc.integer({ min: 0, max: 999 }).map((ms) => ({ text: `${String(ms).padStart(3, '0')}ms`, ms })),
  fc.tuple(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 0, max: 999 })).map(([s, ms]) => ({ text: `${s}.${String(ms).padStart(3, '0')}ms`, ms: s * 1000 + ms })),
  fc.integer({ min: 1, max: 59 }).map((s) => ({ text: `${s}sec`, ms: s * 1000 })),
  fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 59 })).map(([m, s]) => ({ text: s === 0 ? `${m}min` : `${m}min${s}sec`, ms: m * 60_000 + s * 1000 })),
);

const decimalArb = fc.tuple(fc.nat(100_000), fc.option(fc.stringMatching(/^[0-9]{1,3}$/), { nil: undefined })).map(([i, f]) => (f === undefined ? `${i}` : `${i}.${f}`));

const ssCaseArb: fc.Arbitrary<SsCase> = fc
  .record({
    state: fc.constantFrom(['ESTAB', 'ESTABLISHED'], ['LISTEN', 'LISTEN'], ['TIME-WAIT', 'TIME_WAIT'], ['SYN-SENT', 'SYN_SENT'], ['CLOSE-WAIT', 'CLOSE_WAIT'], ['FIN-WAIT-2', 'FIN_WAIT2'], ['UNCONN', 'CLOSE']),
    recvQ: fc.nat(1_000_000),
    sendQ: fc.nat(1_000_000),
    local: endpointArb,
    remote: endpointArb,
    netid: fc.boolean(),
    timer: fc.option(fc.tuple(fc.constantFrom(['on', 'retransmit'], ['keepalive', 'keepalive'], ['timewait', 'time-wait'], ['persist', 'zero-window-probe'], ['off', 'none']), fc.option(durationArb, { nil: undefined }), fc.nat(15)), { nil: undefined }),
    uid: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    inode: fc.option(fc.nat(10_000_000), { nil: undefined }),
    info: fc.option(
      fc.record({
        rtt: fc.option(fc.tuple(decimalArb, decimalArb), { nil: undefined }),
        rto: fc.option(fc.nat(120_000), { nil: undefined }),
        counters: fc.dictionary(fc.constantFrom('backoff', 'unacked', 'lost', 'lastsnd', 'lastrcv', 'lastack', 'bytes_sent', 'bytes_retrans', 'bytes_acked', 'bytes_received', 'notsent', 'cwnd', 'mss', 'minrtt'), fc.integer({ min: 1, max: 1_000_000 })),
        retrans: fc.option(fc.tuple(fc.nat(20), fc.nat(1000)), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    pad: fc.constantFrom(' ', '  ', '      '),
  })
  .map((r) => {
    const main = [
      ...(r.netid ? ['tcp'] : []),
      r.state[0],
      String(r.recvQ),
      String(r.sendQ),
      r.local.text,
      r.remote.text,
      ...(r.timer === undefined ? [] : [`timer:(${r.timer[0][0]},${r.timer[1]?.text ?? ''},${r.timer[2]})`]),
      ...(r.uid === undefined ? [] : [`uid:${r.uid}`]),
      ...(r.inode === undefined ? [] : [`ino:${r.inode}`]),
      'sk:1',
      'cgroup:unreachable:1',
      '<->',
    ].join(r.pad);
    let infoText = '';
    let info: SsSocket['info'];
    if (r.info !== undefined) {
      const c = r.info.counters;
      const words = ['ts', 'sack', 'cubic', 'wscale:7,7', ...(r.info.rto === undefined ? [] : [`rto:${r.info.rto}`]), ...(r.info.rtt === undefined ? [] : [`rtt:${r.info.rtt[0]}/${r.info.rtt[1]}`]), 'send', '1.2Gbps', 'bbr:(bw:1bps,mrtt:0.1)'];
      words.push(...Object.entries(c).map(([k, v]) => `${k}:${v}`), ...(r.info.retrans === undefined ? [] : [`retrans:${r.info.retrans[0]}/${r.info.retrans[1]}`]));
      infoText = `\t ${words.join(' ')}`;
      const opt = (key: string, value: number | undefined): Record<string, number> => (value === undefined ? {} : { [key]: value });
      info = {
        ...opt('rttMs', r.info.rtt === undefined ? undefined : Number(r.info.rtt[0])),
        ...opt('rttVarMs', r.info.rtt === undefined ? undefined : Number(r.info.rtt[1])),
        ...opt('minRttMs', c['minrtt']),
        ...opt('rtoMs', r.info.rto),
        backoff: c['backoff'] ?? 0,
        unacked: c['unacked'] ?? 0,
        retransOut: r.info.retrans?.[0] ?? 0,
        retransTotal: r.info.retrans?.[1] ?? 0,
        lost: c['lost'] ?? 0,
        lastSendMs: c['lastsnd'] ?? 0,
        lastRecvMs: c['lastrcv'] ?? 0,
        lastAckMs: c['lastack'] ?? 0,
        bytesSent: c['bytes_sent'] ?? 0,
        bytesRetrans: c['bytes_retrans'] ?? 0,
        bytesAcked: c['bytes_acked'] ?? 0,
        bytesReceived: c['bytes_received'] ?? 0,
        notSent: c['notsent'] ?? 0,
        ...opt('cwnd', c['cwnd']),
        ...opt('mss', c['mss']),
      };
    }
    const socket: SsSocket = {
      state: r.state[1] as SsSocket['state'],
      recvQ: r.recvQ,
      sendQ: r.sendQ,
      local: r.local.endpoint,
      remote: r.remote.endpoint,
      ...(info === undefined ? {} : { info }),
      ...(r.inode === undefined ? {} : { inode: r.inode }),
      ...(r.uid === undefined ? {} : { uid: r.uid }),
      ...(r.timer === undefined ? {} : { timer: { kind: r.timer[0][1] as NonNullable<SsSocket['timer']>['kind'], ...(r.timer[1] === undefined ? {} : { expiresMs: r.timer[1].ms }), count: r.timer[2] } }),
    };
    return { text: infoText === '' ? `${main}\n\t` : `${main}\n${infoText}`, socket };
  });

// ---------------------------------------------------------------- /proc/net/tcp

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/** Network-order bytes as the kernel prints them: 32-bit words in the host's byte order. */
function procAddress(bytes: readonly number[], littleEndian: boolean): string {
  let out = '';
  for (let w = 0; w < bytes.length; w += 4) {
    const word = bytes.slice(w, w + 4);
    out += (littleEndian ? [...word].reverse() : word).map((b) => hex(b, 2)).join('');
  }
  return out;
}

/** RFC 5952 text of 16 bytes, by the WHATWG URL serialiser (which follows it), IPv4-mapped as a dotted quad. */
function ipv6Text(bytes: readonly number[]): string {
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  }
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const ipv6BytesArb = fc.oneof(
  fc.array(fc.nat(255), { minLength: 16, maxLength: 16 }),
  // Mostly zero, as real addresses are: runs of zero groups to compress.
  fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.nat(255)), { minLength: 16, maxLength: 16 }),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((v4) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]),
);

interface ProcCase {
  readonly line: string;
  readonly entry: ProcTcpEntry;
}

const procCaseArb = (littleEndian: boolean): fc.Arbitrary<ProcCase> =>
  fc
    .record({
      family: fc.constantFrom(4, 6),
      v4: fc.tuple(fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), fc.array(fc.nat(255), { minLength: 4, maxLength: 4 })),
      v6: fc.tuple(ipv6BytesArb, ipv6BytesArb),
      ports: fc.tuple(fc.nat(65535), fc.nat(65535)),
      st: fc.integer({ min: 1, max: 12 }),
      tx: fc.nat(0xffffffff),
      rx: fc.nat(0xffffffff),
      tr: fc.nat(4),
      when: fc.nat(0xfffffff),
      retrnsmt: fc.nat(0xff),
      uid: fc.nat(0xffffffff),
      probes: fc.nat(20),
      inode: fc.nat(0xffffffff),
      rest: fc.option(fc.tuple(fc.nat(120_000), fc.nat(1000)), { nil: undefined }),
      sl: fc.nat(9999),
    })
    .map((r) => {
      const bytes = r.family === 4 ? r.v4 : r.v6;
      const text = (b: readonly number[]): string => (r.family === 4 ? b.join('.') : ipv6Text(b));
      const tail = r.rest === undefined ? '' : ` 1 0000000064512846 ${r.rest[0]} 4 30 ${r.rest[1]} -1`;
      const line = `${String(r.sl).padStart(4)}: ${procAddress(bytes[0], littleEndian)}:${hex(r.ports[0], 4)} ${procAddress(bytes[1], littleEndian)}:${hex(r.ports[1], 4)} ${hex(r.st, 2)} ${hex(r.tx, 8)}:${hex(r.rx, 8)} ${hex(r.tr, 2)}:${hex(r.when, 8)} ${hex(r.retrnsmt, 8)} ${String(r.uid).padStart(5)} ${String(r.probes).padStart(8)} ${r.inode}${tail}`;
      const states = ['UNKNOWN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'] as const;
      const entry: ProcTcpEntry = {
        family: r.family as 4 | 6,
        local: { address: text(bytes[0]), port: r.ports[0] },
        remote: { address: text(bytes[1]), port: r.ports[1] },
        state: states[r.st] as ProcTcpEntry['state'],
        txQueue: r.tx,
        rxQueue: r.rx,
        timer: (['none', 'retransmit', 'keepalive', 'time-wait', 'zero-window-probe'] as const)[r.tr] as ProcTcpEntry['timer'],
        timerMs: Math.round((r.when * 1000) / 100),
        retransmits: r.retrnsmt,
        uid: r.uid,
        probesOut: r.probes,
        inode: r.inode,
        ...(r.rest === undefined ? {} : { rtoMs: Math.round((r.rest[0] * 1000) / 100), cwnd: r.rest[1] }),
      };
      return { line, entry };
    });

// ---------------------------------------------------------------- properties

describe('fuzz: socket tables', () => {
  fuzzIt('ss parser', 'never throws; every number it returns is finite and not negative, ports fit in 16 bits, and no socket comes from nowhere', () =>
    fc.property(ssTextArb, fc.integer({ min: 0, max: 20 }), (text, max) => {
      const sockets = parseSs(text);
      assert.ok(parseSs(text, { maxSockets: max }).length <= max);
      const mainLines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('\t') && !l.startsWith(' '));
      assert.ok(sockets.length <= mainLines.length, `${sockets.length} sockets from ${mainLines.length} lines`);
      for (const s of sockets) {
        assertFinite(s, 'socket');
        assert.ok(Number.isInteger(s.local.port) && s.local.port <= 65535 && Number.isInteger(s.remote.port) && s.remote.port <= 65535);
        assert.ok(Number.isInteger(s.timer?.count ?? 0));
      }
    }),
  );

  fuzzIt('ss parser', 'sockets written as ss prints them read back exactly, with their tcp_info', () =>
    fc.property(fc.array(ssCaseArb, { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (cases, eol) => {
      const text = cases.map((c) => c.text).join('\n');
      assert.deepEqual(parseSs(text), cases.map((c) => c.socket));
      // Trailing blanks (ss pads to the terminal width) change nothing; CRLF would only add whitespace at line ends.
      assert.deepEqual(parseSs(text.replace(/\n/g, `   ${eol}`)), cases.map((c) => c.socket));
    }),
  );

  fuzzIt('/proc/net/tcp parser', 'never throws; every number it returns is finite, ports fit in 16 bits, and each entry comes from its own line', () =>
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...PROC_LINES), mutated(PROC_LINES, PROC_ALPHABET), fc.string({ maxLength: 40 })), { maxLength: 12 }),
      fc.boolean(),
      (lines, littleEndian) => {
        const entries = parseProcNetTcp(lines.join('\n'), { littleEndian });
        assert.ok(entries.length <= lines.length);
        for (const e of entries) {
          assertFinite(e, 'entry', ['.uid', '.probesOut', '.inode', '.rtoMs', '.cwnd']);
          assert.ok(e.local.port <= 0xffff && e.remote.port <= 0xffff);
          assert.ok(e.family === 4 ? /^\d+\.\d+\.\d+\.\d+$/.test(e.local.address) : e.local.address.includes(':'));
        }
      },
    ),
  );

  fuzzIt('/proc/net/tcp parser', 'lines written as the kernel prints them read back exactly, on little- and big-endian machines, IPv6 in RFC 5952 form', () =>
    fc.property(
      fc.boolean().chain((le) => fc.tuple(fc.constant(le), fc.array(procCaseArb(le), { maxLength: 6 }))),
      ([littleEndian, cases]) => {
        const text = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...cases.map((c) => c.line)].join('\n');
        assert.deepEqual(parseProcNetTcp(text, { littleEndian }), cases.map((c) => c.entry));
        const inodes = new Set(cases.slice(0, 1).map((c) => c.entry.inode));
        assert.deepEqual(parseProcNetTcp(text, { littleEndian, inodes }), cases.filter((c) => inodes.has(c.entry.inode)).map((c) => c.entry));
      },
    ),
  );
});

// ---------------------------------------------------------------- process table

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const psRowArb = fc
  .record({
    pid: fc.integer({ min: 1, max: 4_194_304 }),
    ppid: fc.integer({ min: 0, max: 4_194_304 }),
    when: fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
    comm: fc.array(fc.stringMatching(/^[A-Za-z0-9_.()\-:]{1,8}$/), { minLength: 1, maxLength: 3 }),
    args: fc.oneof(fc.array(fc.stringMatching(/^[!-~]{1,12}$/), { maxLength: 6 }), fc.constantFrom(['[kthreadd]'], ['[ssh]', '<defunct>'], ['(ssh)'])),
  })
  // A name that starts with a run of words repeated at once (`a a b`) cannot be told apart from ucomm printed twice.
  .filter((r) => {
    const twice = [...r.comm, ...r.comm];
    return !r.comm.some((_w, k) => k > 0 && twice.slice(0, k).every((w, i) => w === twice[k + i]));
  });

function lstart(d: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()] as string;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${MONTHS[d.getUTCMonth()] as string} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

const commArb = fc.oneof(fc.stringMatching(/^[ -~]{0,15}$/), fc.constantFrom('a) b', ') (', 'ssh', '(sd-pam)', 'x)', 'Web Content', ''));

const tableArb = fc.array(fc.record({ pid: fc.integer({ min: 1, max: 25 }), ppid: fc.integer({ min: 0, max: 25 }) }), { maxLength: 30 }).map((rows) => rows.map((r): ProcessInfo => ({ ...r, comm: 'x', argv: [] })));

describe('fuzz: process table', () => {
  fuzzIt('ps table parser', 'rows written as ps prints them read back exactly, and any text gives only rows with safe whole-number pids and a name', () =>
    fc.property(fc.array(psRowArb, { maxLength: 5 }), fc.string({ maxLength: 200 }), fc.constantFrom('\n', '\r\n'), (rows, junk, eol) => {
      const lines = rows.map((r) => `${String(r.pid).padStart(7)} ${String(r.ppid).padStart(7)} ${lstart(r.when)} ${r.comm.join(' ')} ${r.comm.join(' ')} ${r.args.join(' ')}`);
      const expected = rows.map((r) => ({
        pid: r.pid,
        ppid: r.ppid,
        comm: r.comm.join(' '),
        argv: /^(\[[^\]]*\](\s+<defunct>)?|\([^)]*\))$/.test(r.args.join(' ')) ? [] : r.args,
        startTime: Math.floor(r.when.getTime() / 1000),
      }));
      assert.deepEqual(parsePsTable(['  PID  PPID STARTED UCOMM UCOMM ARGS', ...lines].join(eol)), expected);
      for (const row of parsePsTable(junk)) {
        assert.ok(Number.isSafeInteger(row.pid) && Number.isSafeInteger(row.ppid) && row.comm !== '');
        assert.ok(row.startTime === undefined || Number.isFinite(row.startTime));
      }
      parsePsRow(junk);
    }),
  );

  fuzzIt('/proc stat parser', 'a stat line reads back with any command name, ")" and spaces included, and any text gives whole numbers or nothing', () =>
    fc.property(fc.integer({ min: 1, max: 4_194_304 }), commArb, fc.constantFrom('R', 'S', 'D', 'Z', 'T', 'I'), fc.nat(4_194_304), fc.nat(2 ** 40), fc.string({ maxLength: 80 }), (pid, comm, state, ppid, start, junk) => {
      const fields = [state, ppid, 1, 1, 0, -1, 4194304, 100, 0, 0, 0, 1, 2, 0, 0, 20, 0, 1, 0, start, 1000, 50];
      assert.deepEqual(parseProcStat(`${pid} (${comm}) ${fields.join(' ')}\n`), { pid, comm, state, ppid, startTime: start });
      const any = parseProcStat(junk);
      if (any !== undefined) {
        assert.ok(Number.isInteger(any.pid) && Number.isInteger(any.ppid) && any.state !== '');
        assert.ok(any.startTime === undefined || Number.isInteger(any.startTime));
      }
      assert.deepEqual(parseCmdline(`${[comm, junk].join('\0')}\0`), [comm, junk]);
    }),
  );

  fuzzIt('process tree', 'descendants of a torn snapshot (cycles, reused pids): each once, parents first, exactly those whose parent chain reaches the root', () =>
    fc.property(tableArb, fc.integer({ min: 0, max: 25 }), (table, root) => {
      const out = descendantsOf(table, root);
      const pids = out.map((p) => p.pid);
      assert.equal(new Set(pids).size, pids.length, 'a pid twice');
      assert.ok(!pids.includes(root), 'the root among its descendants');
      out.forEach((p, i) => assert.ok(p.ppid === root || pids.slice(0, i).includes(p.ppid), `${p.pid} before its parent ${p.ppid}`));
      // The same set by a fixpoint: a pid whose some row's parent is the root or already in.
      const reached = new Set<number>();
      for (let changed = true; changed; ) {
        changed = false;
        for (const p of table) {
          if (p.pid !== root && !reached.has(p.pid) && (p.ppid === root || reached.has(p.ppid))) {
            reached.add(p.pid);
            changed = true;
          }
        }
      }
      assert.deepEqual(new Set(pids), reached);
    }),
  );
});
