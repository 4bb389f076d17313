import { readdir, readFile } from 'node:fs/promises';
import { parseCmdline, parseProcStat, type ProcessInfo } from '../core/process/processTree';

export type { ProcessInfo } from '../core/process/processTree';
export { descendantsOf } from '../core/process/processTree';

/**
 * A snapshot of the Linux process table from `/proc`. Processes that exit while
 * being read are left out; nothing here throws for a vanished pid.
 */
export async function readProcessTable(procRoot = '/proc'): Promise<ProcessInfo[]> {
  const entries = await readdir(procRoot);
  const rows = await Promise.all(
    entries.filter((name) => /^[0-9]+$/.test(name)).map(async (name): Promise<ProcessInfo | undefined> => {
      try {
        const [stat, cmdline] = await Promise.all([
          readFile(`${procRoot}/${name}/stat`, 'utf8'),
          readFile(`${procRoot}/${name}/cmdline`, 'utf8'),
        ]);
        const parsed = parseProcStat(stat);
        if (parsed === undefined) {
          return undefined;
        }
        return {
          pid: parsed.pid,
          ppid: parsed.ppid,
          comm: parsed.comm,
          argv: parseCmdline(cmdline),
          ...(parsed.startTime === undefined ? {} : { startTime: parsed.startTime }),
        };
      } catch {
        return undefined;
      }
    }),
  );
  return rows.filter((row): row is ProcessInfo => row !== undefined);
}
