/**
 * The fuzz tier's harness: each property runs `LIFELINE_FUZZ_RUNS` cases
 * (10,000 by default, what CI runs; `npm run fuzz` asks for 200,000) from
 * one seed per run, printed so that a failure can be replayed with
 * `LIFELINE_FUZZ_SEED=<seed>` (add mocha's `--grep` to run one property).
 *
 * Every property writes `test-results/fuzz/<slug>.json` with its parser,
 * title, runs, seed, duration and outcome, for the reliability report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';

/** Cases per property. */
export const FUZZ_RUNS = positiveInteger('LIFELINE_FUZZ_RUNS', 10_000);

/** One seed for the whole run: given, or drawn once and printed. */
export const FUZZ_SEED = seedFromEnvironment();

export const fuzzResultsDir = path.join(__dirname, '..', '..', 'test-results', 'fuzz');

/** What each property leaves in test-results/fuzz. */
export interface FuzzResult {
  /** The parser family, e.g. `ssh_config tokenizer`. */
  readonly parser: string;
  /** The mocha title of the property. */
  readonly property: string;
  /** Cases actually run (fewer than asked when a failure stopped the run). */
  readonly runs: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly passed: boolean;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(raw)}`);
  }
  return n;
}

function seedFromEnvironment(): number {
  const raw = process.env['LIFELINE_FUZZ_SEED'];
  if (raw === undefined || raw === '') {
    // fast-check seeds are 32-bit integers.
    return (Math.random() * 0x1_0000_0000) | 0;
  }
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) {
    throw new Error(`LIFELINE_FUZZ_SEED must be a whole number, not ${JSON.stringify(raw)}`);
  }
  return n | 0;
}

let announced = false;

/** A file name for a property: lower-case words joined by dashes, row tags dropped. */
export function slugOf(parser: string, title: string): string {
  const words = `${parser} ${title.replace(/\[F[\d,\sF]+\]/g, '')}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.length <= 120 ? words : words.slice(0, 120).replace(/-+$/, '');
}

/**
 * Declares a mocha test that checks `property` over FUZZ_RUNS cases from
 * FUZZ_SEED, prints the figures, records them, and on failure throws
 * fast-check's report (the shrunk counterexample, seed and path).
 */
export function fuzzIt<Ts extends [unknown, ...unknown[]]>(parser: string, title: string, property: () => fc.IProperty<Ts>): void {
  it(title, function () {
    if (!announced) {
      announced = true;
      console.log(`      fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with LIFELINE_FUZZ_SEED=${FUZZ_SEED})`);
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    const details = fc.check(property(), { numRuns: FUZZ_RUNS, seed: FUZZ_SEED });
    const durationMs = Math.round(performance.now() - started);
    const used = process.cpuUsage(cpu);
    const cpuMs = Math.round((used.user + used.system) / 1000);
    const result: FuzzResult = {
      parser,
      property: title,
      runs: details.numRuns,
      seed: FUZZ_SEED,
      durationMs,
      passed: !details.failed,
    };
    mkdirSync(fuzzResultsDir, { recursive: true });
    writeFileSync(path.join(fuzzResultsDir, `${slugOf(parser, title)}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`      ${parser}: ${result.runs} runs in ${durationMs} ms (${cpuMs} ms CPU)${details.failed ? ' — FAILED' : ''}`);
    if (details.failed) {
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`${fc.defaultReportMessage(details) ?? `property failed (seed ${FUZZ_SEED})`}\n${cause}`);
    }
  });
}
