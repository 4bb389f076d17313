/**
 * What the kernel says about a running process, read from outside it (proc(5)):
 * CPU time and resident memory over a window, its children, and the TCP
 * connections it holds. Linux only.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { findSshSocket } from '../../src/node/socketProbe';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** USER_HZ: the unit of the times in /proc/<pid>/stat (100 on every Linux architecture; asked anyway). */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

export interface CpuTimes {
  /** utime + stime of the process itself, in clock ticks. */
  readonly self: number;
  /** cutime + cstime: children it has waited for (short-lived helpers such as `ss`, `ssh -G`), in clock ticks. */
  readonly children: number;
  readonly ppid: number;
  readonly comm: string;
}

/** Fields of /proc/<pid>/stat; the command name is in parentheses and may hold spaces or parentheses itself. */
export function cpuTimes(pid: number): CpuTimes {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return { self: field(14) + field(15), children: field(16) + field(17), ppid: field(4), comm: text.slice(open + 1, close) };
}

export interface Memory {
  /** VmRSS, KiB. */
  readonly rssKiB: number;
  /** VmHWM (peak RSS since the process started), KiB. */
  readonly hwmKiB: number;
}

export function memory(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '').join(' ');
  } catch {
    return '';
  }
}

/** Every process as pid → (ppid, comm). */
export function processTable(): Map<number, { readonly ppid: number; readonly comm: string }> {
  const table = new Map<number, { ppid: number; comm: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const t = cpuTimes(Number(name));
      table.set(Number(name), { ppid: t.ppid, comm: t.comm });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** Children of `pid` named `comm`. */
export function childrenNamed(table: ReturnType<typeof processTable>, pid: number, comm: string): number[] {
  return [...table].filter(([, p]) => p.ppid === pid && p.comm === comm).map(([child]) => child);
}

/** Remote ports of the ESTABLISHED TCP connections `pid` holds (its own descriptors only). */
export async function connectedPorts(pid: number): Promise<number[]> {
  const sockets = (await findSshSocket(pid)) ?? [];
  return sockets.map((s) => s.entry.remote.port);
}

export interface ProcessWindow {
  readonly wallMs: number;
  /** Ticks of the process itself over the window. */
  readonly selfTicks: number;
  /** Ticks of children it reaped during the window. */
  readonly childTicks: number;
  readonly ticksPerSecond: number;
  /** % of one core: the process itself. */
  readonly selfPercent: number;
  /** % of one core: its reaped children. */
  readonly childPercent: number;
  /** VmRSS read every few seconds, KiB. */
  readonly rssKiB: readonly number[];
  /** VmHWM at the end, KiB. */
  readonly hwmKiB: number;
}

/** CPU time and RSS of `pid` over `ms` (RSS sampled every `everyMs`). */
export async function sampleProcess(pid: number, ms: number, everyMs = 5000): Promise<ProcessWindow> {
  const ticksPerSecond = clockTicksPerSecond();
  const rss: number[] = [memory(pid).rssKiB];
  const start = cpuTimes(pid);
  const t0 = performance.now();
  const end = t0 + ms;
  for (;;) {
    const left = end - performance.now();
    if (left <= 0) {
      break;
    }
    await sleep(Math.min(everyMs, left));
    rss.push(memory(pid).rssKiB);
  }
  const stop = cpuTimes(pid);
  const wallMs = performance.now() - t0;
  const selfTicks = stop.self - start.self;
  const childTicks = stop.children - start.children;
  const percent = (ticks: number): number => (ticks / ticksPerSecond / (wallMs / 1000)) * 100;
  return {
    wallMs,
    selfTicks,
    childTicks,
    ticksPerSecond,
    selfPercent: percent(selfTicks),
    childPercent: percent(childTicks),
    rssKiB: rss,
    hwmKiB: memory(pid).hwmKiB,
  };
}
