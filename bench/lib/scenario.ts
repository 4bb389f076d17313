/**
 * What a benchmark scenario is. A scenario measures our code side by side
 * with its peers in the same run and reports figures and ratios; it never
 * decides pass/fail on a time (see TESTING.md, "Peers for side-by-side
 * benchmarks"). It fails only when a measurement is not what it claims to be
 * (a peer exited with an error, printed the wrong thing, …).
 */
import type { MachineInfo } from './machine';

export interface BenchOptions {
  /** Fewer sizes and runs: a smoke test that the scenario still works. */
  readonly quick: boolean;
  /** Repository root (the folder holding package.json). */
  readonly root: string;
  /** A fresh temp folder for this scenario; removed afterwards. */
  readonly tmpDir: string;
  /** Progress lines (stderr), so stdout carries only the report. */
  log(message: string): void;
}

export interface ScenarioResult {
  /** The report, Markdown. */
  readonly markdown: string;
  /** Everything measured, for `bench/results/<date>-<name>.json`. */
  readonly data: unknown;
  /** Sanity checks that failed: the figures are not trustworthy (exit status 1). */
  readonly problems: readonly string[];
}

/** One scenario's figures within a {@link BenchRun}. */
export interface ScenarioRecord {
  readonly description: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  /** Other work on the machine skews the figures: compare with the machine's cores. */
  readonly loadAverage1mAtStart: number;
  readonly loadAverage1mAtEnd: number;
  readonly problems: readonly string[];
  readonly data: unknown;
  readonly markdown: string;
}

/** `bench/results/<date>[-quick][-NAME].json`: one `bench/run.ts` invocation. */
export interface BenchRun {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly label?: string;
  readonly machine: MachineInfo;
  /** By scenario name, in the order run. */
  readonly scenarios: Record<string, ScenarioRecord>;
}

export interface Scenario {
  /** Selects the scenario on the command line and names its results file; [a-z0-9-]. */
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<ScenarioResult>;
}

/**
 * One tool's times in a side-by-side scenario (detection, recovery): what the
 * chart in docs/performance.md draws. `samples` holds the runs that ended
 * within the cap; `overCap` counts the runs that did not.
 */
export interface ToolTimes {
  /** Stable key: `lifeline`, `ssh`, `serveralive`, `autossh`, `mosh`. */
  readonly tool: string;
  /** What the report and chart call it, e.g. "ssh -o ServerAliveInterval=15 -o ServerAliveCountMax=3". */
  readonly label: string;
  /** Seconds, one per run that ended within the cap, in run order. */
  readonly samples: readonly number[];
  /** Runs that reached the cap without the event. */
  readonly overCap: number;
  /** The cap in seconds (a run stops waiting after this long). */
  readonly capSeconds: number;
  /** A note for the table, e.g. "never detaches: time until input echoes". */
  readonly note?: string;
}
