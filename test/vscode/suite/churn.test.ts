import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import {
  allPids,
  argvOf,
  commonMetrics,
  descendantsOf,
  describeKinds,
  heapNeedle,
  heldInHeap,
  liveObjects,
  processListeners,
  reading,
  settles,
  socketsTo,
  writeSoakRecord,
  type SoakMetric,
  type SoakRecord,
  Census,
} from '../../fixtures/soak';
import { sessionsUnder } from '../../../src/core/session/sessions';
import { readProcessTable } from '../../../src/node/processTable';
import { alive } from '../../fixtures/processes';
import { testConfigFileName, type TestConfig } from '../testConfig';
import { capture, readTestConfig, shellQuote, workspaceRoot } from './harness';

/** Terminals per run of `npm test` when the runner names no count (`npm run soak` asks for 100). */
const defaultTerminals = 20;
/** Terminals opened and closed first, unmeasured: the first ones load and compile the code paths. */
const warmup = 4;
/**
 * Heap growth allowed in the extension host, after GC. It holds the
 * workbench's side of every terminal API and the code the JIT compiles as
 * paths turn hot; a per-terminal leak of the size of a session record with
 * its terminal (tens of KB: a terminal object, its shell execution, output
 * tail, tracker and view entries) exceeds it over 100 terminals, and the
 * census of terminal objects below catches retention at any count.
 */
const heapSlackMb = 4;

/** A pause before each reading, so both find the extension host equally idle. */
const settleMs = 3000;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The ssh processes (anywhere) run with the fixture's config: the terminals' sessions. */
function fixtureSshProcesses(configPath: string): number[] {
  return allPids().filter((pid) => {
    const argv = argvOf(pid);
    return argv[0] === 'ssh' && argv.includes(configPath);
  });
}

/** The per-connection processes of the fixture's sshd (found by its config file, next to the client config). */
function sshdSessions(sshConfigPath: string): number[] {
  const sshdConfig = path.join(path.dirname(sshConfigPath), 'sshd_config');
  const listener = allPids().find((pid) => {
    const argv = argvOf(pid);
    return argv[0]?.endsWith('sshd') === true && argv.includes(sshdConfig);
  });
  return listener === undefined ? [] : descendantsOf(listener);
}

/**
 * The id the extension's tracker gives the ssh session `pid` under `shellPid`
 * (`PID@STARTTIME`), as a heap needle: bytes only, so the test itself never
 * holds the id as a string (which would keep it in the heap it looks for it
 * in). The tracker builds the id by concatenation, so its first part `PID@`
 * is the other form it may be held in.
 */
async function sessionNeedle(shellPid: number, pid: number): Promise<Buffer[]> {
  const session = sessionsUnder(await readProcessTable(), shellPid).find((s) => s.pid === pid);
  if (session === undefined) throw new Error(`ssh ${pid} is not a session under shell ${shellPid}`);
  const at = session.id.indexOf('@');
  return at < 0 ? heapNeedle(session.id) : heapNeedle(session.id, session.id.slice(0, at + 1));
}

/**
 * Declared in the development pass only: the packaged extension runs the same
 * code, and a second churn would double the tier's longest suite.
 */
export function churnSuite(): void {
  const { pass } = JSON.parse(readFileSync(path.join(workspaceRoot(), testConfigFileName), 'utf8')) as TestConfig;
  if (pass !== 'development') return;
  suite('Terminal churn', () => {
    test('[F26] terminals running ssh, opened and closed one after another, leave no fds, heap, listeners, terminals, sessions, probes, processes or sockets behind', async function () {
      const config = await readTestConfig();
      const count = config.churnTerminals ?? defaultTerminals;
      this.timeout((count + warmup) * 15_000 + 120_000);
      const port = Number(/^\s*Port\s+(\d+)/im.exec(await readFile(config.sshConfigPath, 'utf8'))?.[1]);
      assert.ok(port > 0, `no Port in ${config.sshConfigPath}`);
      const host = config.sshHost;
      const terminals = new Census();
      const executions = new Census();
      // The extension's tracker keeps (weakly) what shell integration hands it; so does this census.
      const onExecution = vscode.window.onDidStartTerminalShellExecution((e) => executions.track(e.execution));
      const shells: number[] = [];
      const open = new Set<vscode.Terminal>();

      /** Heap needles of the sessions' ids (see sessionNeedle), warm-up and measured. */
      const warmupNeedles: Buffer[][] = [];
      const churnNeedles: Buffer[][] = [];

      /**
       * One terminal named `name`: open it, ssh to the fixture host, wait until
       * the extension probes the host, run `check`, close it, and wait until its
       * ssh and the probe connection are gone.
       */
      const cycle = async (name: string, needles: Buffer[][], check?: (needle: Buffer[]) => Promise<void>): Promise<void> => {
        const terminal = vscode.window.createTerminal({ name, cwd: workspaceRoot() });
        open.add(terminal);
        terminals.track(terminal);
        const shellPid = await terminal.processId;
        assert.ok(shellPid !== undefined && shellPid > 0, `${name}: processId ${String(shellPid)}`);
        shells.push(shellPid);
        // Typed at the prompt, as a person would, so shell integration reports the command too (its
        // executions are state the tracker keeps); process scanning alone finds the ssh if it never comes.
        await settles(() => terminal.shellIntegration !== undefined, 30_000);
        // The second line waits in the terminal until the remote shell reads it: closing the terminal
        // only after that never cuts a remote shell short in its rc files (a killed `pyenv init` leaves
        // its lock behind, and every later login waits a minute for it).
        const marker = path.join(config.scratchDir, `${name.replace(/\W+/g, '-')}.marker`);
        terminal.sendText(`ssh -F ${shellQuote(config.sshConfigPath)} ${host}`);
        terminal.sendText(`touch ${shellQuote(marker)}`);
        let ssh = 0;
        await until(`ssh under the shell of ${name}`, () => {
          ssh = descendantsOf(shellPid).find((pid) => argvOf(pid)[0] === 'ssh') ?? 0;
          return ssh !== 0;
        });
        // The extension's heartbeat connects to the host once its tracker has the session and resolved its target.
        await until(`the extension's probe connection to ${host} (${name})`, () => socketsTo(port).some((e) => e.state === 'ESTABLISHED'));
        await until(`the line typed into the ssh session of ${name} to run`, () => existsSync(marker), 30_000);
        rmSync(marker);
        const needle = await sessionNeedle(shellPid, ssh);
        needles.push(needle);
        await check?.(needle);
        terminal.dispose();
        open.delete(terminal);
        await until(`the ssh of ${name} to end`, () => !alive(ssh));
        await until(`the probe connection to close after ${name}`, () => socketsTo(port).length === 0);
      };

      const sessionsView = async (name: string, rows: number, statusbar?: string): Promise<{ rows: readonly string[]; statusbar: readonly string[] }> => {
        await vscode.commands.executeCommand('sshLifeline.sessions.focus');
        const seen = await capture({
          name: `${config.pass}-churn-${name}`,
          viewTitle: 'SSH Sessions',
          viewRowCount: rows,
          ...(statusbar === undefined ? {} : { statusbarMatch: statusbar }),
          timeoutMs: 20_000,
        });
        if (seen === undefined) return { rows: [], statusbar: [] }; // no page to look at (desktop runner)
        assert.ok(seen.viewRows !== undefined, `the SSH Sessions view is not on screen (${name})`);
        return { rows: seen.viewRows, statusbar: seen.statusbarTexts };
      };

      try {
        let heldBefore: number[] = [];
        for (let i = 0; i < warmup; i++) {
          // While the last warm-up session runs: the view, the status bar and the heap search must see it, so not
          // seeing sessions later means something; the heap search also counts the ended warm-up sessions still held.
          const last = i === warmup - 1;
          await cycle(
            `churn warm-up ${i + 1}`,
            warmupNeedles,
            !last
              ? undefined
              : async (needle) => {
                  const held = await heldInHeap([...warmupNeedles.slice(0, -1), needle]);
                  assert.ok(held.includes(warmup - 1), 'the id of a running session is found in the extension host’s heap');
                  heldBefore = held.filter((index) => index !== warmup - 1);
                  const live = await sessionsView('live', 1, `^${host} \\d+(\\.\\d+)? ms$`);
                  if (config.controlUrl === undefined) return;
                  assert.equal(live.rows.length, 1, `SSH Sessions rows: ${live.rows.join(' | ')}`);
                  assert.match(live.rows[0] ?? '', new RegExp(host));
                  assert.ok(live.statusbar.some((t) => new RegExp(`^${host} \\d+(\\.\\d+)? ms$`).test(t)), `status bar: ${live.statusbar.join(' | ')}`);
                },
          );
        }
        const viewBefore = await sessionsView('before', 0);
        const sshBefore = new Set(fixtureSshProcesses(config.sshConfigPath));
        const sshdBefore = new Set(sshdSessions(config.sshConfigPath));
        const childrenBefore = new Set(descendantsOf(process.pid));
        // The last warm-up's closing work (a scan, a view refresh) ends; the same pause comes before the reading after.
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        // A first reading runs the measuring code once, so its compiled code is in both readings.
        await reading();
        liveObjects(vscode.EventEmitter);
        const before = await reading();
        const counts = (): Record<string, number> => ({
          'event listeners (process)': processListeners(),
          'live vscode.EventEmitters': liveObjects(vscode.EventEmitter),
          'open terminals': vscode.window.terminals.length,
          'terminal objects not yet collected': terminals.alive,
          'shell executions not yet collected': executions.alive,
        });
        const countsBefore = counts();

        const started = performance.now();
        for (let i = 0; i < count; i++) await cycle(`churn ${i + 1}`, churnNeedles);
        const durationMs = Math.round(performance.now() - started);

        const viewAfter = await sessionsView('after', 0);
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        const after = await reading();
        const countsAfter = counts();
        const heldAfter = await heldInHeap([...warmupNeedles, ...churnNeedles]);
        const leftoverSsh = fixtureSshProcesses(config.sshConfigPath).filter((pid) => !sshBefore.has(pid));
        const leftoverShells = shells.filter((pid) => alive(pid));
        // sshd ends a session's processes once its client is gone; give it the time a loaded machine needs.
        await settles(() => sshdSessions(config.sshConfigPath).every((pid) => sshdBefore.has(pid)), 10_000);
        const leftoverSshd = sshdSessions(config.sshConfigPath).filter((pid) => !sshdBefore.has(pid));
        const leftoverChildren = descendantsOf(process.pid).filter((pid) => !childrenBefore.has(pid));
        const heldName = 'ended sessions whose id the extension host still holds';
        const metrics: SoakMetric[] = [
          ...commonMetrics(before, after),
          ...Object.keys(countsBefore).map((name) => ({ name, before: countsBefore[name] ?? 0, after: countsAfter[name] ?? 0, unit: '' })),
          { name: 'rows in the SSH Sessions view', before: viewBefore.rows.length, after: viewAfter.rows.length, unit: '' },
          { name: heldName, before: heldBefore.length, after: heldAfter.length, unit: '' },
        ];
        const record: SoakRecord = {
          name: 'terminal-churn',
          what: `${count.toLocaleString('en-US')} terminals running ssh opened and closed in a real VS Code extension host`,
          cycles: count,
          durationMs,
          source: config.soakSource ?? 'npm test',
          metrics,
          leftovers: { processes: leftoverSsh.length + leftoverShells.length + leftoverChildren.length + leftoverSshd.length, sockets: socketsTo(port).length },
        };
        writeSoakRecord(config.repoRoot, record);

        const problems: string[] = [];
        if (after.fds > before.fds + 2) problems.push(`open fds grew from ${before.fds} to ${after.fds}`);
        if (after.handles > before.handles + 2) problems.push(`active handles grew from ${before.handles} (${describeKinds(before.handleKinds)}) to ${after.handles} (${describeKinds(after.handleKinds)})`);
        const heapGrowthMb = (after.heapUsed - before.heapUsed) / (1024 * 1024);
        if (heapGrowthMb > heapSlackMb) problems.push(`heap used after GC grew by ${heapGrowthMb.toFixed(2)} MB over ${count} terminals (bound ${heapSlackMb} MB)`);
        // The extension host's own emitters come and go with the workbench (a few); a leak of ours grows with the count.
        if (after.eventEmitters > before.eventEmitters + 10) problems.push(`live EventEmitters grew from ${before.eventEmitters} to ${after.eventEmitters}`);
        for (const name of Object.keys(countsBefore)) {
          const slack = name === 'live vscode.EventEmitters' ? 10 : 0;
          if ((countsAfter[name] ?? 0) > (countsBefore[name] ?? 0) + slack) problems.push(`${name}: ${countsBefore[name]} before, ${countsAfter[name]} after`);
        }
        if (heldAfter.length > heldBefore.length) {
          const which = heldAfter.map((i) => (i < warmup ? `warm-up ${i + 1}` : `churn ${i - warmup + 1}`));
          problems.push(`${heldName}: ${heldBefore.length} of ${warmup - 1} before, ${heldAfter.length} of ${warmup + count} after (${which.join(', ')})`);
        }
        if (config.controlUrl !== undefined) {
          if (viewAfter.rows.length !== 0) problems.push(`the SSH Sessions view still shows ${viewAfter.rows.join(' | ')}`);
          if (viewAfter.statusbar.some((t) => t.startsWith(host))) problems.push(`the status bar still shows ${viewAfter.statusbar.filter((t) => t.startsWith(host)).join(' | ')}`);
        }
        if (leftoverSsh.length > 0) problems.push(`ssh processes left behind: ${leftoverSsh.join(', ')}`);
        if (leftoverShells.length > 0) problems.push(`terminal shells left behind: ${leftoverShells.join(', ')}`);
        if (leftoverSshd.length > 0) problems.push(`sshd session processes left behind: ${leftoverSshd.map((pid) => argvOf(pid).join(' ')).join('; ')}`);
        if (leftoverChildren.length > 0) problems.push(`extension host children left behind: ${leftoverChildren.map((pid) => argvOf(pid).join(' ')).join('; ')}`);
        if (record.leftovers.sockets !== 0) problems.push(`${record.leftovers.sockets} sockets of the extension host to the sshd port left open`);
        assert.deepEqual(problems, [], JSON.stringify(record, null, 2));
      } finally {
        onExecution.dispose();
        for (const t of open) t.dispose();
      }
    });
  });
}
