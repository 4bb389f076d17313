import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { descendantsOf, ProcessTableError, readProcessTable, readProcessTableProc, readProcessTablePs, type ProcessInfo } from '../../src/node/processTable';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

describe('process table (Linux /proc)', () => {
  let sshd: SshdFixture;

  before(async () => {
    sshd = await startSshd();
  });

  after(async () => {
    await sshd?.stop();
  });

  it('finds an ssh started by a shell among the shell\'s descendants, with its argv', async () => {
    // bash -c 'ssh …; true' keeps bash as the parent (no exec optimisation).
    const shell = spawn('bash', ['-c', `ssh -F '${sshd.configPath}' testhost 'sleep 30'; true`], { stdio: 'ignore' });
    try {
      let found: ProcessInfo | undefined;
      for (let i = 0; i < 100 && found === undefined; i++) {
        const table = await readProcessTable();
        found = descendantsOf(table, shell.pid ?? -1).find((p) => p.comm === 'ssh');
        if (found === undefined) {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.ok(found, 'ssh not found among the shell\'s descendants');
      assert.deepEqual(found.argv, ['ssh', '-F', sshd.configPath, 'testhost', 'sleep 30']);
      process.kill(found.pid, 'SIGTERM');
    } finally {
      shell.kill('SIGTERM');
      await once(shell, 'exit');
    }
  });

  it('includes this process with its parent', async () => {
    const table = await readProcessTable();
    const self = table.find((p) => p.pid === process.pid);
    assert.equal(self?.ppid, process.ppid);
    assert.equal(self?.argv[0], process.argv0);
  });
});

describe('process table from ps (the macOS and FreeBSD reader, run here on Linux procps)', () => {
  it('finds a spawned sleep with its parent, name, argv and a start time that stays the same, as /proc shows it', async () => {
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      const pid = child.pid as number;
      const first = (await readProcessTablePs()).find((p) => p.pid === pid);
      assert.ok(first, `sleep ${pid} not in the ps table`);
      assert.equal(first.ppid, process.pid);
      assert.equal(first.comm, 'sleep');
      assert.deepEqual(first.argv, ['sleep', '1000']);
      assert.ok(first.startTime !== undefined, 'no start time from lstart');
      const again = (await readProcessTablePs()).find((p) => p.pid === pid);
      assert.equal(again?.startTime, first.startTime);
      const proc = (await readProcessTableProc()).find((p) => p.pid === pid);
      assert.deepEqual({ ...proc, startTime: undefined }, { ...first, startTime: undefined });
      // The platform switch: ps for macOS, the same rows.
      const viaSwitch = (await readProcessTable('darwin')).find((p) => p.pid === pid);
      assert.deepEqual(viaSwitch, first);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('with argvUnder, reads argument vectors only in those subtrees: the rest of the table comes without', async () => {
    const shell = spawn('sh', ['-c', 'sleep 1001 & wait'], { stdio: 'ignore' });
    const outside = spawn('sleep', ['1002'], { stdio: 'ignore' });
    let grandchild: ProcessInfo | undefined;
    try {
      const shellPid = shell.pid as number;
      for (let i = 0; i < 100 && grandchild === undefined; i++) {
        grandchild = (await readProcessTableProc()).find((p) => p.ppid === shellPid && p.comm === 'sleep');
        if (grandchild === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(grandchild, 'the shell started its sleep');
      const all = await readProcessTableProc();
      const t0 = performance.now();
      const some = await readProcessTableProc('/proc', { argvUnder: [shellPid] });
      const ms = performance.now() - t0;
      const byPid = new Map(some.map((p) => [p.pid, p]));
      assert.deepEqual(byPid.get(shellPid)?.argv, ['sh', '-c', 'sleep 1001 & wait']);
      assert.deepEqual(byPid.get(grandchild.pid)?.argv, ['sleep', '1001']);
      assert.deepEqual(byPid.get(outside.pid as number)?.argv, [], 'outside the subtree: no argv');
      assert.equal(byPid.get(outside.pid as number)?.comm, 'sleep', 'but its name and parent are there');
      assert.ok(Math.abs(some.length - all.length) <= 5, `${some.length} vs ${all.length} processes`);
      console.log(`      ${some.length} processes, argv for ${some.filter((p) => p.argv.length > 0).length}, in ${ms.toFixed(1)} ms`);
    } finally {
      if (grandchild !== undefined) process.kill(grandchild.pid, 'SIGTERM');
      shell.kill('SIGKILL');
      outside.kill('SIGTERM');
      await Promise.all([once(shell, 'exit'), once(outside, 'exit')]);
    }
  });

  it('reads the same processes as /proc, and says how long each read takes', async () => {
    const t0 = performance.now();
    const ps = await readProcessTablePs();
    const t1 = performance.now();
    const proc = await readProcessTableProc();
    const t2 = performance.now();
    console.log(`      ${ps.length} processes from ps in ${(t1 - t0).toFixed(1)} ms, ${proc.length} from /proc in ${(t2 - t1).toFixed(1)} ms`);
    const procByPid = new Map(proc.map((p) => [p.pid, p]));
    // Processes that lived through both reads agree on parent and name.
    const both = ps.filter((p) => procByPid.has(p.pid));
    assert.ok(both.length > 10 && both.length >= ps.length - 5, `${both.length} of ${ps.length} ps rows also in /proc`);
    for (const p of both) {
      const q = procByPid.get(p.pid) as ProcessInfo;
      assert.equal(p.ppid, q.ppid, `ppid of ${p.pid}`);
      // A kernel worker renames itself with the work it picks up (kworker/1:2-events → -virtio…) between the two reads.
      if (q.ppid === 2 && q.comm.startsWith('kworker/')) continue;
      // procps cuts names at 15 bytes; /proc/<pid>/stat gives kernel threads longer ones.
      const procName = q.comm.replace(/\s+/g, ' ').trim();
      assert.ok(p.comm === procName || (p.comm.length === 15 && procName.startsWith(p.comm)), `name of ${p.pid}: ${p.comm} vs ${procName}`);
      // ps joins argv with spaces; the words agree where no argument held whitespace.
      if (q.argv.every((a) => a !== '' && !/\s/.test(a))) {
        assert.deepEqual(p.argv, q.argv, `argv of ${p.pid}`);
      }
    }
  });

  it('refuses platforms without a process table, and reports a ps that cannot run', async () => {
    await assert.rejects(readProcessTable('win32'), (err: unknown) => err instanceof ProcessTableError && err.reason === 'unsupported');
    await assert.rejects(readProcessTablePs('/nonexistent/ps'), (err: unknown) => err instanceof ProcessTableError && err.reason === 'ps' && /ENOENT/.test(err.message));
  });
});
