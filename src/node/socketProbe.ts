import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import { parseProcNetTcp, socketInodeFromLink, type ProcTcpEntry } from '../core/socket/procNetTcp';
import { parseSs, type SsSocket } from '../core/socket/ss';
import { socketNumbers, type SocketNumbers } from '../core/socket/verdict';

export type { ProcTcpEntry } from '../core/socket/procNetTcp';
export type { SsSocket } from '../core/socket/ss';
export type { SocketNumbers } from '../core/socket/verdict';

/** An established TCP socket held by a process. */
export interface ProcessSocket {
  /** The descriptor number in the process; ssh's own connection is its lowest socket fd. */
  readonly fd: number;
  readonly inode: number;
  /** Its line in the process's view of `/proc/net/tcp{,6}`: addresses, queues, timer, counters. */
  readonly entry: ProcTcpEntry;
}

/** What the kernel says about one socket of a process. */
export interface SocketStats {
  readonly socket: ProcessSocket;
  /** `ss -tinHe` for the same inode, when ss could be asked (same network namespace, ss installed). */
  readonly ss?: SsSocket;
  /** Both merged, ready for `socketVerdict()`. */
  readonly numbers: SocketNumbers;
}

export type SocketProbeErrorReason =
  /** /proc/<pid>/fd is not readable (another user's process). */
  | 'permission-denied'
  /** No /proc: not Linux. */
  | 'unsupported-platform';

export class SocketProbeError extends Error {
  constructor(
    readonly reason: SocketProbeErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SocketProbeError';
  }
}

export interface FindSocketOptions {
  /** Default `/proc`. */
  readonly procRoot?: string;
}

export interface ReadSocketStatsOptions extends FindSocketOptions {
  /** Which socket of the process (default: the one with the lowest fd, ssh's connection). */
  readonly inode?: number;
  /**
   * How to run ss: an argv prefix such as `['ss']` (default) or
   * `['nsenter', '--net=/proc/PID/ns/net', 'ss']`; `false` never runs it.
   * With the default, ss runs only when the process shares our network
   * namespace (ss only sees its own namespace); an explicit prefix is used
   * as given.
   */
  readonly ss?: readonly string[] | false;
  /** Bound on the ss run (default 2000 ms). */
  readonly ssTimeoutMs?: number;
  /**
   * Run ss only when `/proc` shows unacknowledged bytes or a timeout
   * retransmission (default false: always). ss adds the last-ACK time and the
   * segments in flight, which only the `no-ack` rule of `socketVerdict` needs,
   * and that rule needs data in flight; with nothing in flight the verdict
   * is the same without it. A periodic reader saves a process start per
   * session per interval this way.
   */
  readonly ssOnlyInFlight?: boolean;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** A vanished process: undefined; not allowed: a typed error; anything else is rethrown. */
function gone(err: unknown, pid: number, procRoot: string): undefined {
  const code = errno(err);
  if (code === 'ENOENT' || code === 'ESRCH') {
    return undefined;
  }
  if (code === 'EACCES' || code === 'EPERM') {
    throw new SocketProbeError('permission-denied', `cannot read ${procRoot}/${pid}/fd: ${code} (a process of another user)`);
  }
  throw err;
}

async function readTable(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    // tcp6 is absent when IPv6 is disabled; a missing tcp means the process went (checked by the caller).
    if (errno(err) === 'ENOENT' && path.endsWith('6')) {
      return '';
    }
    throw err;
  }
}

/**
 * The ESTABLISHED TCP sockets of process `pid`, lowest fd first: the links
 * `/proc/<pid>/fd/* -> socket:[inode]` matched against the process's own view
 * of `/proc/<pid>/net/tcp{,6}`, which is its network namespace's, so this works
 * for an ssh in another namespace too. For an ssh client the first is its
 * connection to the server (forwarded connections come later).
 *
 * Undefined when the process does not exist or exits while being read; an
 * empty list when it holds no established TCP socket (not connected yet, or a
 * ControlMaster client talking over a Unix socket).
 */
export async function findSshSocket(pid: number, options: FindSocketOptions = {}): Promise<ProcessSocket[] | undefined> {
  const procRoot = options.procRoot ?? '/proc';
  if (!Number.isInteger(pid) || pid <= 0) {
    return undefined;
  }
  let fds: string[];
  try {
    fds = await readdir(`${procRoot}/${pid}/fd`);
  } catch (err) {
    if (errno(err) === 'ENOENT') {
      try {
        await readdir(procRoot);
      } catch {
        throw new SocketProbeError('unsupported-platform', `${procRoot} is not readable: socket statistics need Linux`);
      }
    }
    return gone(err, pid, procRoot);
  }
  const fdOfInode = new Map<number, number>();
  await Promise.all(
    fds.map(async (fd) => {
      try {
        const inode = socketInodeFromLink(await readlink(`${procRoot}/${pid}/fd/${fd}`));
        if (inode !== undefined && !fdOfInode.has(inode)) {
          fdOfInode.set(inode, Number(fd));
        }
      } catch {
        // the descriptor closed meanwhile
      }
    }),
  );
  if (fdOfInode.size === 0) {
    return [];
  }
  let text: string;
  try {
    const [v4, v6] = await Promise.all([readTable(`${procRoot}/${pid}/net/tcp`), readTable(`${procRoot}/${pid}/net/tcp6`)]);
    text = `${v4}\n${v6}`;
  } catch (err) {
    return gone(err, pid, procRoot);
  }
  const inodes = new Set(fdOfInode.keys());
  const littleEndian = endianness() === 'LE';
  return parseProcNetTcp(text, { inodes, littleEndian })
    .filter((entry) => entry.state === 'ESTABLISHED')
    .map((entry) => ({ fd: fdOfInode.get(entry.inode) ?? -1, inode: entry.inode, entry }))
    .sort((a, b) => a.fd - b.fd);
}

/** Whether `pid` is in this process's network namespace; false when that cannot be told. */
async function sameNetns(pid: number, procRoot: string): Promise<boolean> {
  try {
    const [ours, theirs] = await Promise.all([readlink(`${procRoot}/self/ns/net`), readlink(`${procRoot}/${pid}/ns/net`)]);
    return ours === theirs;
  } catch {
    return false;
  }
}

/** Runs ss for one connection (filtered by its ports); undefined on any failure, ss missing included. */
function runSs(prefix: readonly string[], entry: ProcTcpEntry, timeoutMs: number): Promise<SsSocket[] | undefined> {
  const [cmd, ...pre] = prefix;
  if (cmd === undefined) {
    return Promise.resolve(undefined);
  }
  const args = [...pre, '-tinHe', 'sport', '=', `:${entry.local.port}`, 'and', 'dport', '=', `:${entry.remote.port}`];
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20, encoding: 'utf8' }, (err, stdout) => {
      // ss prints "Failed to find cgroup2 mount" on stderr in some containers: not an error.
      resolve(err === null ? parseSs(stdout) : undefined);
    });
  });
}

/**
 * The kernel's numbers for one socket of `pid` (by default ssh's own
 * connection): its `/proc` line, plus `ss -tinHe` for the same inode when ss
 * is installed and can see the socket. A missing ss is never an error: the
 * `/proc` numbers alone still show retransmissions. Undefined when the
 * process is gone or holds no such established socket.
 */
export async function readSocketStats(pid: number, options: ReadSocketStatsOptions = {}): Promise<SocketStats | undefined> {
  const procRoot = options.procRoot ?? '/proc';
  const sockets = await findSshSocket(pid, options);
  const socket = options.inode === undefined ? sockets?.[0] : sockets?.find((s) => s.inode === options.inode);
  if (socket === undefined) {
    return undefined;
  }
  let ss: SsSocket | undefined;
  const quiet = socket.entry.txQueue === 0 && socket.entry.retransmits === 0;
  if (options.ss !== false && !(options.ssOnlyInFlight === true && quiet)) {
    const prefix = options.ss ?? ['ss'];
    if (options.ss !== undefined || (await sameNetns(pid, procRoot))) {
      const found = await runSs(prefix, socket.entry, options.ssTimeoutMs ?? 2000);
      ss = found?.find((s) => s.inode === socket.inode);
    }
  }
  const numbers = socketNumbers(socket.entry, ss) ?? { state: socket.entry.state };
  return ss === undefined ? { socket, numbers } : { socket, ss, numbers };
}
