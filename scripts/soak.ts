/**
 * `npm run soak`: the churn soak of fault-matrix row 26 at full counts.
 *
 * - probe churn: 1,000 connect/drop cycles of the heartbeat (the monitor the
 *   extension and `ssh-lifeline watch` run) against a real sshd, in this
 *   process, dropped in turn by the client and by the server;
 * - terminal churn: 100 terminals running ssh opened and closed in a real
 *   VS Code extension host, through the vscode runner (development pass; the
 *   pass runs the other suites too).
 *
 * Each writes `test-results/soak/<name>.json` (read into docs/reliability.md
 * by `npm run reliability`) and the before/after figures are printed.
 * `npm test` runs the same churns, the terminal one with fewer terminals.
 *
 *   tsx scripts/soak.ts [--only probe-churn|terminal-churn]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { probeChurnProblems, runProbeChurn } from '../test/fixtures/probeChurn';
import { formatRecord, writeSoakRecord, type SoakName, type SoakRecord } from '../test/fixtures/soak';
import { startSshd } from '../test/fixtures/sshd';

const repoRoot = path.join(__dirname, '..');
const probeCycles = 1000;
const terminals = 100;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function selected(argv: readonly string[]): SoakName[] {
  if (argv.length === 0) return ['probe-churn', 'terminal-churn'];
  const only = argv[0] === '--only' ? argv[1] : undefined;
  if (argv.length === 2 && (only === 'probe-churn' || only === 'terminal-churn')) return [only];
  throw new Error(`usage: soak.ts [--only probe-churn|terminal-churn]  (got ${argv.join(' ')})`);
}

interface Outcome {
  readonly name: SoakName;
  readonly record: SoakRecord | undefined;
  readonly problems: readonly string[];
}

async function probeChurn(): Promise<Outcome> {
  say(`\n── probe churn: ${probeCycles.toLocaleString('en-US')} connect/drop cycles against a real sshd ──`);
  const sshd = await startSshd();
  try {
    const result = await runProbeChurn({ sshd, cycles: probeCycles, source: 'npm run soak', progress: say });
    writeSoakRecord(repoRoot, result.record);
    return { name: 'probe-churn', record: result.record, problems: probeChurnProblems(result) };
  } finally {
    await sshd.stop();
  }
}

/** The vscode runner, development pass, with the churn suite at the full count; its leak checks run inside the suite. */
async function terminalChurn(): Promise<Outcome> {
  say(`\n── terminal churn: ${terminals} terminals running ssh in a real extension host (vscode runner, development pass) ──`);
  const started = Date.now();
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(tsx, [path.join('test', 'vscode', 'runTests.ts'), '--pass', 'development'], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: {
        ...process.env,
        LIFELINE_SOAK: '1',
        LIFELINE_CHURN_TERMINALS: String(terminals),
        // The other suites take a few minutes, the churn about 3 s a terminal.
        LIFELINE_VSCODE_PASS_TIMEOUT_MS: process.env['LIFELINE_VSCODE_PASS_TIMEOUT_MS'] ?? String(40 * 60_000),
      },
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
  });
  const file = path.join(repoRoot, 'test-results', 'soak', 'terminal-churn.json');
  const fresh = existsSync(file) && statSync(file).mtimeMs >= started;
  const record = fresh ? (JSON.parse(readFileSync(file, 'utf8')) as SoakRecord) : undefined;
  const problems: string[] = [];
  if (record === undefined) problems.push('the churn suite wrote no results (see the runner output above)');
  else if (record.source !== 'npm run soak' || record.cycles !== terminals) problems.push(`the churn suite ran ${record.cycles} terminals for ${record.source}, not ${terminals} for npm run soak`);
  if (code !== 0) problems.push(`the vscode runner failed (exit code ${code}): a failure of the churn suite is its leak check; other suites' failures are listed above`);
  return { name: 'terminal-churn', record, problems };
}

async function main(): Promise<number> {
  const names = selected(process.argv.slice(2));
  const outcomes: Outcome[] = [];
  for (const name of names) outcomes.push(name === 'probe-churn' ? await probeChurn() : await terminalChurn());
  say('\n── soak ──');
  for (const o of outcomes) {
    say('');
    say(o.record === undefined ? `${o.name}: no figures` : formatRecord(o.record));
    say(o.problems.length === 0 ? `${o.name}: no growth beyond noise, nothing left behind` : o.problems.map((p) => `${o.name}: ${p}`).join('\n'));
  }
  say(`\nresults in ${path.join('test-results', 'soak')}/; \`npm run reliability\` puts them into docs/reliability.md`);
  return outcomes.every((o) => o.problems.length === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
