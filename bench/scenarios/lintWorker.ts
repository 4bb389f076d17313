/**
 * Child process for the in-process lint measurement (started by ./lint.ts as
 * `node --import tsx bench/scenarios/lintWorker.ts FILE RUNS VERSION CAP_MS`).
 *
 * It times `lint()` on text already in memory: one warm-up, then RUNS timed
 * calls. It runs in its own process so that a pathologically slow linter can
 * be stopped by a timeout and so every size starts from a fresh heap; the
 * process start is not part of any figure. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/core/sshConfig/findings';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import type { InProcessReport } from './lint';

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
  const options: LintOptions = { side: 'client', ...(version === '' ? {} : { opensshVersion: version }) };

  let start = performance.now();
  const findings = lint(text, options);
  const warmupMs = performance.now() - start;
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
  return { warmupMs, samples, findings: findings.length, byCode: byCode(findings), unstable, heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

try {
  process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
} catch (err) {
  process.stderr.write(`lintWorker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
