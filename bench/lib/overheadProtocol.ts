/**
 * What the overhead scenario's runner (bench/scenarios/overhead.ts, a plain
 * Node process) and its extension-tests entry inside the VS Code extension host
 * (overheadHost.ts) say to each other. The entry long-polls `POST /next` on the
 * runner with its last report and gets its next action in the answer, so the
 * runner drives the extension host step by step while it samples /proc from
 * outside. Plain data only: this file is bundled into the entry.
 */

/** Written at the root of the workspace the workbench opens; the entry reads it from the first workspace folder. */
export const hostConfigFileName = '.lifeline-bench.json';

export interface HostConfig {
  /** `http://127.0.0.1:PORT` of the runner's control server. */
  readonly controlUrl: string;
}

/** One `performance.mark` of VS Code's own (`code/extHost/willActivateExtension/<id>` …), epoch milliseconds. */
export interface PerfMark {
  readonly name: string;
  readonly startTime: number;
}

export interface TerminalSpec {
  readonly name: string;
  /** Typed into the terminal's shell once it has started, as a person would. */
  readonly command: string;
}

export type HostAction =
  /** Wait until each extension id is active (or the timeout), then report VS Code's performance marks. */
  | { readonly kind: 'activation'; readonly extensionIds: readonly string[]; readonly timeoutMs: number }
  /** Open integrated terminals and type a command into each. */
  | { readonly kind: 'open'; readonly terminals: readonly TerminalSpec[] }
  /** Record the event loop's delay (perf_hooks.monitorEventLoopDelay) for this long. */
  | { readonly kind: 'measure'; readonly ms: number; readonly resolutionMs: number }
  /** Close the terminals and end the run (the workbench then calls codeAutomationExit). */
  | { readonly kind: 'done' };

/** perf_hooks histogram figures, milliseconds (the histogram counts in nanoseconds). */
export interface LoopDelay {
  readonly samples: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The timer resolution of the monitor: delays are measured beyond it. */
  readonly resolutionMs: number;
}

export type HostReport =
  | { readonly kind: 'hello'; readonly pid: number; readonly node: string; readonly vscode: string }
  | { readonly kind: 'activation'; readonly active: Readonly<Record<string, boolean>>; readonly marks: readonly PerfMark[]; readonly marksAvailable: boolean }
  | { readonly kind: 'opened'; readonly shellPids: readonly number[] }
  | { readonly kind: 'measured'; readonly delay: LoopDelay }
  | { readonly kind: 'error'; readonly action: HostAction['kind']; readonly message: string };
