/**
 * The contract between a runner (`runTests.ts`, `runDesktop.ts`) and the suites
 * inside the extension host: the runner writes {@link testConfigFileName} at the
 * root of the test workspace, the suites read it from the first workspace folder.
 * Plain data only: this file is bundled into the suites and imported by runners.
 */
export const testConfigFileName = '.lifeline-test.json';

/**
 * Which installed copy of the extension the suites are looking at, and how:
 * `restricted` is the repository's copy in a workspace that is not trusted,
 * whose settings aim at hostile programs (only the Workspace Trust suite runs).
 */
export type TestPass = 'development' | 'vsix' | 'restricted';

export interface TestConfig {
  readonly pass: TestPass;
  /** The repository root (where the extension under development lives). */
  readonly repoRoot: string;
  /** vsix pass: the `--extensions-dir` the packaged extension was installed into. */
  readonly extensionsDir?: string;
  /** Client config of the fixture sshd, for `ssh -F`. */
  readonly sshConfigPath: string;
  /** The host alias defined in {@link sshConfigPath}. */
  readonly sshHost: string;
  /** The fixture sshd sets `TMUX_TMPDIR` to this for every session, so remote tmux servers are private to the run; the suites inspect them with the same variable. */
  readonly remoteTmuxTmpDir: string;
  /** A scratch directory the suites may write to (e.g. files created over ssh). */
  readonly scratchDir: string;
  /** The suites' reporter appends its lines here; the runner prints them. */
  readonly resultsFile: string;
  /** The runner's control endpoint (screenshots, DOM facts); absent under @vscode/test-electron. */
  readonly controlUrl?: string;
  /** The server's logs folder: the extension's own log channel is a file below it; absent under @vscode/test-electron. */
  readonly logsDir?: string;
  /** How many terminals the churn suite opens and closes (default: its own count for `npm test`); `npm run soak` asks for the full count. */
  readonly churnTerminals?: number;
  /** Which run the churn suite's results are reported under (default `npm test`). */
  readonly soakSource?: 'npm test' | 'npm run soak';
}

/** What the runner's `POST /capture` takes. */
export interface CaptureRequest {
  /** File name stem of the PNG, e.g. `development-workbench`. */
  readonly name: string;
  /** Wait (bounded) until the active editor tab has this label. */
  readonly activeTab?: string;
  /** Wait (bounded) until some status bar item shows exactly this text. */
  readonly statusbarText?: string;
  /** Wait (bounded) until some status bar item's text matches this regular expression (source). */
  readonly statusbarMatch?: string;
  /** Hover the status bar item whose text matches this regular expression, and wait for its hover to show. */
  readonly hoverStatusbar?: string;
  /** First run this command the way a person does: F1, type its title, Enter (e.g. `SSH Lifeline: Reconnect SSH`). */
  readonly palette?: string;
  /** Wait (bounded) until a notification toast's text matches this regular expression (source). */
  readonly notificationMatch?: string;
  /** How long to wait for the above (default 10 s, at most 60 s). */
  readonly timeoutMs?: number;
  /** Read the rows of the view with this title (e.g. `SSH Sessions`; the suite makes it visible first). */
  readonly viewTitle?: string;
  /** With {@link viewTitle}: wait (bounded) until the view shows this many rows. */
  readonly viewRowCount?: number;
}

/** What the runner's `POST /capture` answers: what a person would see. */
export interface CaptureResult {
  readonly screenshotPath: string;
  readonly activeTab: string | undefined;
  readonly statusbarTexts: readonly string[];
  /** The texts of the notification toasts on screen. */
  readonly notificationTexts: readonly string[];
  /** The text of the hover shown, when one was asked for. */
  readonly hoverText?: string;
  /** The rows of the view named by {@link CaptureRequest.viewTitle}, when it is on screen. */
  readonly viewRows?: readonly string[];
}

/** The suites' summary, written next to {@link TestConfig.resultsFile} as `<resultsFile>.json`. */
export interface SuiteSummary {
  readonly tests: number;
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
}
