/**
 * Whole-process measurements: wall time of one run (spawn to exit, output
 * drained) and peak resident set size. Every tool is started the same way, so
 * the cost of starting a process from this benchmark is the same for all of
 * them; `node -e 0` and `ssh -V` give the floor each side starts from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessRun {
  readonly ms: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Generous: `lint --format json` on a huge file prints megabytes. */
const MAX_BUFFER = 1024 * 1024 * 1024;

export interface RunOptions {
  readonly cwd?: string;
  /** SIGKILL after this long (the run then has `signal` set and no status). */
  readonly timeoutMs?: number;
}

export function timeProcess(command: string, args: readonly string[], options: RunOptions = {}): ProcessRun {
  const start = performance.now();
  const r = spawnSync(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const }),
    encoding: 'utf8',
    maxBuffer: MAX_BUFFER,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - start;
  // A timeout shows as error ETIMEDOUT plus the signal; report it as a run that was killed.
  if (r.error !== undefined && r.signal === null) {
    throw new Error(`cannot run ${command}: ${r.error.message}`);
  }
  return { ms, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export const GNU_TIME = '/usr/bin/time';

/**
 * Whether GNU time is here and reports `%M` (peak RSS in KiB, from the
 * kernel's wait4 rusage: exact, no sampling). Undefined when usable, else why not.
 */
export function peakRssUnavailable(): string | undefined {
  if (!existsSync(GNU_TIME)) {
    return `${GNU_TIME} is missing: install the Debian package "time" (apt-get install time) for peak RSS`;
  }
  const r = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  if (r.status !== 0 || !/^\d+\s*$/.test(r.stderr.trim().split('\n').pop() ?? '')) {
    return `${GNU_TIME} does not look like GNU time (no %M): install the Debian package "time"`;
  }
  return undefined;
}

export interface RssRun {
  /** Peak resident set size, KiB. */
  readonly kib: number;
  readonly status: number | null;
  readonly stdout: string;
}

/**
 * Runs the command under GNU time; its report goes to a file so the command's
 * own stderr stays apart. No timeout: killing GNU time would orphan the
 * command, so measure only what is known to finish.
 */
export function peakRss(command: string, args: readonly string[], tmpDir: string, cwd?: string): RssRun {
  const report = join(tmpDir, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  try {
    const r = spawnSync(GNU_TIME, ['-f', '%M', '-o', report, command, ...args], {
      ...(cwd === undefined ? {} : { cwd }),
      encoding: 'utf8',
      maxBuffer: MAX_BUFFER,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error !== undefined) {
      throw new Error(`cannot run ${GNU_TIME} ${command}: ${r.error.message}`);
    }
    // GNU time writes "Command exited with non-zero status N" before the figure when N != 0.
    const last = readFileSync(report, 'utf8').trim().split('\n').pop() ?? '';
    const kib = Number.parseInt(last, 10);
    if (!Number.isFinite(kib)) {
      throw new Error(`${GNU_TIME} printed no %M figure for ${command}: ${JSON.stringify(last)}`);
    }
    return { kib, status: r.status, stdout: r.stdout };
  } finally {
    rmSync(report, { force: true });
  }
}
