/**
 * The extension-tests entry point (`extensionTestsPath`): the extension host
 * calls `run()` once the workbench is up, and reports its outcome to whoever
 * launched it (`codeAutomationExit` in the web workbench, the process exit code
 * under @vscode/test-electron). Bundled by esbuild into
 * `out/test/vscode/suite/index.js`, with `vscode` and `mocha` left external.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type Mocha from 'mocha';
import type { SuiteSummary, TestConfig } from '../testConfig';
import { activationSuite } from './activation.test';
import { churnSuite } from './churn.test';
import { configDoctorSuite } from './configDoctor.test';
import { effectiveSuite } from './effective.test';
import { heartbeatSuite } from './heartbeat.test';
import { hugeInputSuite } from './hugeInput.test';
import { reattachSuite } from './reattach.test';
import { foregroundSuite } from './foreground.test';
import { sessionsSuite } from './sessions.test';
import { terminalSuite } from './terminal.test';
import { programSettingsSuite, restrictedSuite, restrictedSuiteTitle } from './trust.test';
import { readTestConfig } from './harness';
import { faultRecordOf, recordFaultTest } from '../../fixtures/faultRecorder';

/**
 * Mocha from the repository's node_modules at run time. Mocha 12 is an ES
 * module with a CommonJS core: Node 20.19+ `require`s it and hands back the
 * namespace (the class is `default`); older mochas export the class itself.
 */
function loadMocha(): typeof Mocha {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('mocha') as typeof Mocha & { default?: typeof Mocha };
  return loaded.default ?? loaded;
}

export async function run(): Promise<void> {
  const config = await readTestConfig();
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, slow: 10_000 });
  const out = reporterOutput(config);
  // Tests tagged with a fault-matrix row ([F12]) are recorded for the reliability report.
  const faultsDir = `${config.repoRoot}/test-results/faults`;
  const recordFault = (t: Mocha.Test): void => {
    const record = faultRecordOf(t, `vscode-${config.pass}`);
    if (record !== undefined) recordFaultTest(record, faultsDir);
  };
  // The suites call the global `suite`/`test`: define them, then let the suites declare their tests.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  // Order matters: activation first, before anything opens an ssh_config file.
  activationSuite();
  terminalSuite();
  // Constructs its own trackers (trusted and untrusted) and opens its own terminal.
  sessionsSuite();
  heartbeatSuite();
  churnSuite();
  // Changes and restores sshLifeline.reattach.mode; its tmux sessions live on the private remote server.
  reattachSuite();
  foregroundSuite();
  // Writes a test directory under ~/.ssh (and removes it); changes and restores a setting.
  effectiveSuite();
  // Sets and restores user-level and workspace values of sshLifeline.ssh.path, sshd.path and ssh.configFile.
  programSettingsSuite();
  // The restricted pass's workspace is not trusted: there this suite runs alone; the other passes never run it.
  restrictedSuite();
  mocha.grep(restrictedSuiteTitle);
  if (config.pass !== 'restricted') mocha.invert();
  // Writes and removes its own files under huge/.
  hugeInputSuite();
  // Last: it changes workspace settings and file modes (and restores the settings).
  configDoctorSuite();

  const started = Date.now();
  let passes = 0;
  let pending = 0;
  let depth = 0;
  const failed: { title: string; error: unknown }[] = [];
  const indent = (): string => '  '.repeat(depth);
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      failed.forEach(({ title, error }, i) => {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        out.line(`\n${i + 1}) ${title}\n${detail}`);
      });
      const summary: SuiteSummary = { tests: passes + failed.length + pending, passes, failures, pending, durationMs: Date.now() - started };
      out.line(`\n${passes} passing, ${failures} failing, ${pending} pending (${summary.durationMs} ms)`);
      writeFileSync(`${config.resultsFile}.json`, JSON.stringify(summary));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('suite', (s) => {
      if (s.title !== '') out.line(`${indent()}${s.title}`);
      depth += 1;
    });
    runner.on('suite end', () => {
      depth -= 1;
    });
    runner.on('pass', (t) => {
      passes += 1;
      recordFault(t);
      out.line(`${indent()}✔ ${t.title} (${t.duration ?? 0} ms)`);
    });
    runner.on('pending', (t) => {
      pending += 1;
      out.line(`${indent()}- ${t.title} (pending)`);
    });
    runner.on('fail', (t, error) => {
      failed.push({ title: t.fullTitle(), error });
      recordFault(Object.assign(t, { err: error }));
      out.line(`${indent()}✘ ${t.title}`);
    });
  });
}

/**
 * The reporter appends to a file that the runner prints as it grows. The
 * extension host has no stdout of its own worth reading: under the server its
 * `console` calls travel to the workbench and land in the browser's console
 * (where mocha's default spec reporter still writes a second copy, kept in
 * `test-results/vscode/<pass>-browser.log`), and the server logs nothing of them.
 */
function reporterOutput(config: TestConfig): { line(text: string): void } {
  writeFileSync(config.resultsFile, '');
  return {
    line(text: string): void {
      appendFileSync(config.resultsFile, `${text}\n`);
    },
  };
}
