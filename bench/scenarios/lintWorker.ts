/**
 * Child process for the in-process lint measurement (started by ./lint.ts as
 * `node --import tsx bench/scenarios/lintWorker.ts FILE RUNS VERSION CAP_MS`).
 *
 * It times `lint()` on text already in memory, with the options the CLI
 * gives it for a file (include access and the file's permissions, so every
 * rule runs): untimed calls until WARMUP_CALLS and WARMUP_MS are reached (the
 * first one's time is reported: the linter cold, compiling), then RUNS timed calls. It runs in its own process so that a pathologically slow linter can
 * be stopped by a timeout and so every size starts from a fresh heap; the
 * process start is not part of any figure. Prints one JSON line.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Finding } from '../../src/core/sshConfig/findings';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import { includeContextFor } from '../../src/node/configFiles';
import type { InProcessReport } from './lint';

/**
 * Untimed calls before the timed ones, at least this many and for at least
 * this long: by then V8 has optimized the linter's hot functions (on 10,000
 * hosts the first calls took 100–300 ms, and with other work on both cores
 * the calls were still getting faster after five).
 */
const WARMUP_CALLS = 5;
const WARMUP_MS = 1500;

function byCode(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    counts[f.code] = (counts[f.code] ?? 0) + 1;
  }
  return counts;
}

function main(argv: readonly string[]): InProcessReport {
  const [file, runsArg, version, capArg] = argv;
  if (file === undefined || runsArg === undefined || version === undefined || capArg === undefined) {
    throw new Error('usage: lintWorker.ts FILE RUNS OPENSSH_VERSION CAP_MS');
  }
  const runs = Number.parseInt(runsArg, 10);
  const capMs = Number.parseInt(capArg, 10);
  const text = readFileSync(file, 'utf8');
  // As `ssh-lifeline lint FILE` does: a file given by name is not one ssh checks permissions on (like -F).
  const options: LintOptions = {
    side: 'client',
    ...(version === '' ? {} : { opensshVersion: version }),
    permissions: { mode: statSync(file).mode, checkedBySsh: false },
    includes: includeContextFor(file, { home: homedir(), env: process.env }),
  };

  let start = performance.now();
  const findings = lint(text, options);
  const warmupMs = performance.now() - start;
  // The JIT needs a few calls to compile the linter's loops, and on a busy machine its background compiler lags:
  // warm up for a number of calls and a minimum time before timing (the first call is reported on its own).
  let warmups = 1;
  let warmTotal = warmupMs;
  while ((warmups < WARMUP_CALLS || warmTotal < WARMUP_MS) && warmTotal <= capMs) {
    start = performance.now();
    lint(text, options);
    warmTotal += performance.now() - start;
    warmups += 1;
  }
  const samples: number[] = [];
  let unstable = false;
  if (warmupMs <= capMs) {
    for (let i = 0; i < runs; i += 1) {
      start = performance.now();
      const again = lint(text, options);
      samples.push(performance.now() - start);
      unstable ||= again.length !== findings.length;
    }
  }
  return { warmupMs, warmupCalls: warmups, samples, findings: findings.length, byCode: byCode(findings), unstable, heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

try {
  process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
} catch (err) {
  process.stderr.write(`lintWorker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
