/**
 * Benchmarks against peers, measured side by side in one run (TESTING.md,
 * "Peers for side-by-side benchmarks"): figures and ratios, never a pass/fail
 * on a time.
 *
 *   npx tsx bench/run.ts [--quick] [--label NAME] [SCENARIO...]
 *
 * Prints a Markdown report on stdout (progress on stderr) and writes the
 * figures of every scenario run, with the machine they were measured on, to
 * bench/results/<date>[-quick][-NAME].json (rewritten after each scenario, so
 * a run cut short keeps what it measured). A full (not --quick) run then
 * regenerates docs/performance.md, its chart and the README's performance
 * section from the latest results (bench/report.ts). Exit status: 0 done, 1 a
 * scenario's sanity checks failed (its figures are not trustworthy), 2 usage.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { machineInfo, type MachineInfo } from './lib/machine';
import type { BenchRun, Scenario } from './lib/scenario';
import { writePerformanceReport } from './report';
import { scenarios } from './scenarios';

const usage = `Usage: npx tsx bench/run.ts [--quick] [--label NAME] [SCENARIO...]

Runs the benchmark scenarios (all when none is named) and prints a Markdown
report; results go to bench/results/<date>[-quick][-NAME].json. A full run
then regenerates docs/performance.md and the README's performance section.

Options:
  --quick      Fewer sizes and runs: a smoke test that each scenario works
  --label NAME Add NAME to the results file name ([a-z0-9-]), to tell a run apart
               from earlier ones of the same day (e.g. before and after a change)
  --list       List the scenarios
  -h, --help   Show this help

Scenarios:
${scenarios.map((s) => `  ${s.name.padEnd(12)} ${s.description}`).join('\n')}
`;

interface Args {
  readonly quick: boolean;
  readonly label: string | undefined;
  readonly selected: readonly Scenario[];
}

function parseArgs(argv: readonly string[]): Args | { readonly exit: number; readonly message: string } {
  let quick = false;
  let label: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--quick') {
      quick = true;
    } else if (arg === '--label' || arg.startsWith('--label=')) {
      const value = arg === '--label' ? argv[++i] : arg.slice('--label='.length);
      if (value === undefined || !/^[a-z0-9][a-z0-9-]*$/.test(value)) {
        return { exit: 2, message: `bench: --label needs a name of lower-case letters, digits and dashes\n\n${usage}` };
      }
      label = value;
    } else if (arg === '-h' || arg === '--help') {
      return { exit: 0, message: usage };
    } else if (arg === '--list') {
      return { exit: 0, message: `${scenarios.map((s) => `${s.name}\t${s.description}`).join('\n')}\n` };
    } else if (arg.startsWith('-')) {
      return { exit: 2, message: `bench: unknown option ${arg}\n\n${usage}` };
    } else {
      names.push(arg);
    }
  }
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) {
    return { exit: 2, message: `bench: unknown scenario ${unknown.join(', ')}\n\n${usage}` };
  }
  return { quick, label, selected: names.length === 0 ? scenarios : scenarios.filter((s) => names.includes(s.name)) };
}

/** bench/results/2026-11-21[-NAME].json, then -2, -3 … so no earlier result is overwritten. */
function resultPath(dir: string, date: Date, name: string): string {
  const base = `${date.toISOString().slice(0, 10)}${name === '' ? '' : `-${name}`}`;
  for (let n = 1; ; n += 1) {
    const path = join(dir, `${base}${n === 1 ? '' : `-${n}`}.json`);
    if (!existsSync(path)) {
      return path;
    }
  }
}

function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, load ${m.loadAverage1m.toFixed(2)}; Node ${m.node}; ${m.openssh ?? 'no ssh'}; checkout ${m.git ?? 'unknown'}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('exit' in args) {
    (args.exit === 0 ? process.stdout : process.stderr).write(args.message);
    return args.exit;
  }
  const root = resolve(__dirname, '..');
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const machine = machineInfo(root);
  const log = (message: string): void => {
    process.stderr.write(`[bench] ${message}\n`);
  };

  console.log(`# SSH Lifeline benchmarks${args.quick ? ' (--quick)' : ''}\n`);
  console.log(`${describeMachine(machine)}\n`);
  let failed = false;
  const runStartedAt = new Date();
  const path = resultPath(resultsDir, runStartedAt, [...(args.quick ? ['quick'] : []), ...(args.label === undefined ? [] : [args.label])].join('-'));
  const run: BenchRun = {
    startedAt: runStartedAt.toISOString(),
    quick: args.quick,
    ...(args.label === undefined ? {} : { label: args.label }),
    machine,
    scenarios: {},
  };
  for (const scenario of args.selected) {
    const startedAt = new Date();
    const tmpDir = mkdtempSync(join(tmpdir(), `lifeline-bench-${scenario.name}-`));
    log(`${scenario.name}: ${scenario.description}`);
    const start = performance.now();
    const loadBefore = loadavg()[0] ?? Number.NaN;
    try {
      const result = await scenario.run({ quick: args.quick, root, tmpDir, log });
      const wallSeconds = (performance.now() - start) / 1000;
      run.scenarios[scenario.name] = {
        description: scenario.description,
        startedAt: startedAt.toISOString(),
        wallSeconds,
        loadAverage1mAtStart: loadBefore,
        loadAverage1mAtEnd: loadavg()[0] ?? Number.NaN,
        problems: result.problems,
        data: result.data,
        markdown: result.markdown,
      };
      writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
      console.log(`## ${scenario.name}: ${scenario.description}\n`);
      console.log(result.markdown);
      if (result.problems.length > 0) {
        failed = true;
        console.log(`\n**Problems (these figures are not trustworthy):**\n\n${result.problems.map((p) => `- ${p}`).join('\n')}`);
      }
      console.log(`\nWall time ${wallSeconds.toFixed(1)} s; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after (${machine.cores} cores). Results: ${relative(root, path)}\n`);
    } catch (err) {
      failed = true;
      console.log(`## ${scenario.name}: failed\n\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  if (!args.quick && Object.keys(run.scenarios).length > 0) {
    const written = await writePerformanceReport(root);
    log(`regenerated ${written.map((p) => relative(root, p)).join(', ')}`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
