/**
 * The process table from `ps`, where there is no Linux `/proc` (macOS,
 * FreeBSD). Best effort: `ps` gives less than `/proc`, as said below.
 *
 * The command is `ps -A -ww -o pid=,ppid=,lstart=,ucomm=,ucomm=,args=` with
 * `LC_TIME=C`; every keyword and option exists in Linux procps-ng, macOS ps(1)
 * and FreeBSD ps(1) (`-A` is the POSIX spelling of `-ax`; `-ww`: no width
 * limit; `=` after each keyword: no header). Quirks of that output:
 *
 * - `args` is the argument vector joined with single spaces, so the argv is
 *   recovered by splitting on whitespace, which is lossy: an argument that
 *   contains spaces (`-o 'ProxyCommand=ssh -W %h:%p jump'`, a remote command
 *   given as one word) comes back as several words, and the ssh command line
 *   parsed from it may be misread. `/proc/<pid>/cmdline` (Linux) has no such
 *   loss; the command line from shell integration is the other exact source.
 * - `ucomm`, not `comm`: on macOS `comm` is the executable's path or argv[0]
 *   (`/Applications/Visual Studio Code.app/…`, `-zsh`), full of spaces and not
 *   the kernel's name; `ucomm` is the kernel's short name on all three (Linux:
 *   an alias of `comm`, at most 15 bytes; macOS `p_comm`, at most 16), the
 *   name the `/proc` reader gives too. It may itself contain spaces
 *   (`Code Helper (Ren`, a script file named `my tool`), and no later column
 *   has a fixed number of words; so it is asked for twice, and the parser
 *   takes the shortest run of words that repeats at once.
 * - `lstart` is the start time as local wall-clock text, `Sat Nov 21 06:25:50 2026`
 *   (five words in the C locale, day padded with a space: `Nov  5`), with a
 *   resolution of one second. It is only an identity here (with the pid it
 *   names one process across rescans), so it is read as if it were UTC: a
 *   number that stays the same for the process's life, not a clock reading.
 * - A process without an argument vector shows its name in brackets on Linux
 *   (`[kthreadd]`, `[ssh] <defunct>`) and in parentheses on macOS (`(ssh)`:
 *   a zombie, or arguments ps may not read); such a row gets an empty argv,
 *   as the `/proc` reader gives for kernel threads and zombies.
 */
import type { ProcessInfo } from './processTree';

/** The arguments for `ps` (run without a shell, with `LC_TIME=C`) whose output {@link parsePsTable} reads. */
export const PS_TABLE_ARGS: readonly string[] = ['-A', '-ww', '-o', 'pid=,ppid=,lstart=,ucomm=,ucomm=,args='];

/** Where a platform's process table comes from: Linux `/proc`, `ps` (macOS, FreeBSD), or nowhere (Windows and the rest). */
export function processTableSource(platform: string): 'proc' | 'ps' | undefined {
  switch (platform) {
    case 'linux':
      return 'proc';
    case 'darwin':
    case 'freebsd':
      return 'ps';
    default:
      return undefined;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Reads a C-locale `lstart` (`Sat Nov 21 06:25:50 2026`, the weekday is not
 * checked) as seconds since 1970 as if it were UTC time; undefined for
 * anything else. See the module comment for why UTC.
 */
export function parseLstart(text: string): number | undefined {
  const m = /^[A-Za-z]{3} +([A-Za-z]{3}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2}) +(\d{4})$/.exec(text.trim());
  if (m === null) {
    return undefined;
  }
  const month = MONTHS.indexOf(m[1] as string);
  const [day, hour, minute, second, year] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (month === -1 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  return Date.UTC(year, month, day, hour, minute, second) / 1000;
}

const ROW = /^\s*(\d+)\s+(\d+)\s+([A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})\s+(.*)$/;

/** `[name]` / `[name] <defunct>` (procps) and `(name)` (macOS, FreeBSD): no argument vector. */
const NO_ARGV = /^(\[[^\]]*\](\s+<defunct>)?|\([^)]*\))$/;

/** One line of {@link PS_TABLE_ARGS} output; undefined for a line that is not one. */
export function parsePsRow(line: string): ProcessInfo | undefined {
  const m = ROW.exec(line);
  if (m === null) {
    return undefined;
  }
  const pid = Number(m[1]);
  const ppid = Number(m[2]);
  const startTime = parseLstart(m[3] as string);
  const words = (m[4] as string).trim().split(/\s+/);
  // ucomm twice, then args: the shortest run of words that repeats at once is ucomm.
  let k = 1;
  while (2 * k <= words.length && !words.slice(0, k).every((w, i) => w === words[k + i])) {
    k++;
  }
  if (2 * k > words.length || !Number.isSafeInteger(pid) || !Number.isSafeInteger(ppid)) {
    return undefined;
  }
  const comm = words.slice(0, k).join(' ');
  const args = words.slice(2 * k);
  const argv = NO_ARGV.test(args.join(' ')) ? [] : args;
  return { pid, ppid, comm, argv, ...(startTime === undefined ? {} : { startTime }) };
}

/** Every process row of {@link PS_TABLE_ARGS} output; other lines (a header, blank lines, junk) are skipped. */
export function parsePsTable(text: string): ProcessInfo[] {
  const rows: ProcessInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const row = parsePsRow(line);
    if (row !== undefined) {
      rows.push(row);
    }
  }
  return rows;
}
