/** One process as the process table reports it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Kernel's short command name (at most 15 bytes on Linux, 16 on macOS). */
  readonly comm: string;
  /**
   * Full argument vector; empty for kernel threads and zombies. From `ps`
   * (macOS, FreeBSD) it is split at whitespace, so an argument that contained
   * spaces arrives as several (see psTable.ts).
   */
  readonly argv: readonly string[];
  /**
   * When the process started: on Linux in clock ticks since boot
   * (`/proc/<pid>/stat` field 22); from `ps`, `lstart`'s seconds (see
   * psTable.ts). Comparable only within one source. With the pid it names one
   * process even across pid reuse. Absent where the platform does not say.
   */
  readonly startTime?: number;
}

/**
 * Parses the text of Linux `/proc/<pid>/stat`.
 *
 * The second field is the command name in parentheses and may itself contain
 * spaces and `)` (a process can name itself `a) b`), so the name ends at the
 * *last* `)` of the line, as proc(5) advises. Returns undefined for text that
 * is not a stat line (the process may have exited mid-read).
 */
export function parseProcStat(text: string): { pid: number; comm: string; state: string; ppid: number; startTime?: number } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) {
    return undefined;
  }
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  const ppid = Number(rest[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || state === undefined || state === '') {
    return undefined;
  }
  // Field 22 (starttime) is the 20th after the command name.
  const startTime = Number(rest[19]);
  return { pid, comm: text.slice(open + 1, close), state, ppid, ...(rest[19] !== undefined && Number.isInteger(startTime) ? { startTime } : {}) };
}

/** Splits `/proc/<pid>/cmdline` (NUL-separated, usually NUL-terminated). */
export function parseCmdline(text: string): string[] {
  if (text === '') {
    return [];
  }
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts;
}

/**
 * Every descendant of `rootPid` (children, grandchildren, …), parents before
 * children. A pid cycle in a torn snapshot cannot loop: each pid is visited once.
 */
export function descendantsOf(table: readonly ProcessInfo[], rootPid: number): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid);
    if (list === undefined) {
      children.set(p.ppid, [p]);
    } else {
      list.push(p);
    }
  }
  const out: ProcessInfo[] = [];
  const seen = new Set<number>([rootPid]);
  const queue = [rootPid];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] as number) ?? []) {
      if (!seen.has(child.pid)) {
        seen.add(child.pid);
        out.push(child);
        queue.push(child.pid);
      }
    }
  }
  return out;
}
