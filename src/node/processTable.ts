import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { parseCmdline, parseProcStat, type ProcessInfo } from '../core/process/processTree';
import { parsePsTable, processTableSource, PS_TABLE_ARGS } from '../core/process/psTable';

export type { ProcessInfo } from '../core/process/processTree';
export { descendantsOf } from '../core/process/processTree';
export { processTableSource } from '../core/process/psTable';

/** Why the process table could not be read. */
export class ProcessTableError extends Error {
  override readonly name = 'ProcessTableError';

  constructor(
    /** `unsupported`: no source on this platform; `ps`: ps could not be run or failed. */
    readonly reason: 'unsupported' | 'ps',
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What to read of the process table. */
export interface ProcessTableOptions {
  /**
   * Read the argument vectors of these processes and their descendants only;
   * every other process comes with an empty `argv` (as a zombie would). The
   * `/proc` reader then reads one file per process instead of two, which is
   * most of the cost of a rescan on a busy machine. `ps` reads everything
   * in one run anyway and ignores this.
   */
  readonly argvUnder?: readonly number[];
}

/**
 * A snapshot of the process table: Linux `/proc`, `ps` on macOS and FreeBSD
 * (see {@link processTableSource}). Rejects with a {@link ProcessTableError}
 * elsewhere (Windows) or when ps fails.
 */
export function readProcessTable(platform: string = process.platform, options: ProcessTableOptions = {}): Promise<ProcessInfo[]> {
  switch (processTableSource(platform)) {
    case 'proc':
      return readProcessTableProc('/proc', options);
    case 'ps':
      return readProcessTablePs();
    default:
      return Promise.reject(new ProcessTableError('unsupported', `no process table on ${platform}`));
  }
}

/** ps prints one line per process; Electron apps' argument lists run to kilobytes each. */
const PS_MAX_BUFFER = 64 * 1024 * 1024;
const PS_TIMEOUT_MS = 10_000;

/**
 * A snapshot of the process table from `ps` (argv array, no shell), parsed by
 * `parsePsTable`: best effort, argument vectors split at whitespace (see
 * psTable.ts). `LC_TIME=C` makes `lstart` readable; the character locale is
 * kept so that arguments keep their own characters.
 */
export function readProcessTablePs(psPath = 'ps'): Promise<ProcessInfo[]> {
  const env: Record<string, string | undefined> = { ...process.env };
  // LC_ALL would override LC_TIME: keep its character set, drop the rest.
  const ctype = env['LC_ALL'] ?? env['LC_CTYPE'];
  delete env['LC_ALL'];
  env['LC_TIME'] = 'C';
  if (ctype !== undefined && ctype !== '') {
    env['LC_CTYPE'] = ctype;
  }
  return new Promise((resolve, reject) => {
    execFile(psPath, [...PS_TABLE_ARGS], { env, maxBuffer: PS_MAX_BUFFER, timeout: PS_TIMEOUT_MS, windowsHide: true }, (err, stdout, stderr) => {
      if (err !== null) {
        const why = String(stderr).trim().split('\n')[0] || err.message;
        reject(new ProcessTableError('ps', `${psPath} ${PS_TABLE_ARGS.join(' ')} failed: ${why}`, { cause: err }));
        return;
      }
      resolve(parsePsTable(String(stdout)));
    });
  });
}

/**
 * A snapshot of the Linux process table from `/proc`. Processes that exit while
 * being read are left out; nothing here throws for a vanished pid.
 */
export async function readProcessTableProc(procRoot = '/proc', options: ProcessTableOptions = {}): Promise<ProcessInfo[]> {
  const entries = await readdir(procRoot);
  const stats = await Promise.all(
    entries.filter((name) => /^[0-9]+$/.test(name)).map(async (name) => {
      try {
        return parseProcStat(await readFile(`${procRoot}/${name}/stat`, 'utf8'));
      } catch {
        return undefined;
      }
    }),
  );
  const present = stats.filter((s): s is NonNullable<typeof s> => s !== undefined);
  const withArgv = options.argvUnder === undefined ? undefined : subtreePids(present, options.argvUnder);
  const rows = await Promise.all(
    present.map(async (parsed): Promise<ProcessInfo | undefined> => {
      let argv: string[] = [];
      if (withArgv === undefined || withArgv.has(parsed.pid)) {
        try {
          argv = parseCmdline(await readFile(`${procRoot}/${parsed.pid}/cmdline`, 'utf8'));
        } catch {
          return undefined;
        }
      }
      return {
        pid: parsed.pid,
        ppid: parsed.ppid,
        comm: parsed.comm,
        argv,
        ...(parsed.startTime === undefined ? {} : { startTime: parsed.startTime }),
      };
    }),
  );
  return rows.filter((row): row is ProcessInfo => row !== undefined);
}

/** The pids of `roots` and of all their descendants. */
function subtreePids(table: readonly { readonly pid: number; readonly ppid: number }[], roots: readonly number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of table) {
    children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  }
  const out = new Set<number>(roots);
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] as number) ?? []) {
      if (!out.has(child)) {
        out.add(child);
        queue.push(child);
      }
    }
  }
  return out;
}
