import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { socketVerdict, type SocketVerdict, type StallThresholds } from '../../src/core/socket/verdict';
import { readSocketStats } from '../../src/node/socketProbe';
import { createTopology, type Topology } from '../fixtures/netns';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

interface Session {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  output(): string;
  readonly exited: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number): string => (ms / 1000).toFixed(2);

describe('faults: the session socket probe on a black-holed link', function () {
  let topo: Topology | undefined;
  let sshd: SshdFixture | undefined;
  const sessions: Session[] = [];

  const env = (): { topo: Topology; sshd: SshdFixture } => {
    assert.ok(topo && sshd, 'topology not set up');
    return { topo, sshd };
  };

  /** A terminal-like ssh (`-tt`) in the client namespace running `command` remotely. */
  function startSession(command: string): Session {
    const { topo: t, sshd: s } = env();
    const [cmd, ...args] = [...t.wrapClient, 'ssh', '-tt', ...s.sshArgs('--', command)];
    const child = spawn(cmd as string, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stdin.on('error', () => undefined);
    const session: Session = { child, pid: child.pid ?? -1, output: () => out, exited: new Promise((r) => child.once('close', () => r())) };
    sessions.push(session);
    return session;
  }

  async function waitForOutput(s: Session, re: RegExp, ms = 15_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!re.test(s.output())) {
      assert.ok(performance.now() < deadline && s.child.exitCode === null, `no ${String(re)} from ssh: ${s.output()}`);
      await sleep(50);
    }
  }

  /**
   * Verdicts from the /proc numbers plus ss run inside the client namespace, from /proc alone, and
   * as the editor reads them every interval: ss only while /proc shows data in flight (`ranSs` says whether it did).
   */
  async function look(pid: number, thresholds: Partial<StallThresholds> = {}): Promise<{ both?: SocketVerdict; procOnly?: SocketVerdict; editor?: SocketVerdict; ranSs?: boolean }> {
    const { topo: t } = env();
    const [withSs, procOnly, editor] = await Promise.all([
      readSocketStats(pid, { ss: [...t.wrapClient, 'ss'] }),
      readSocketStats(pid, { ss: false }),
      readSocketStats(pid, { ss: [...t.wrapClient, 'ss'], ssOnlyInFlight: true }),
    ]);
    return {
      ...(withSs === undefined ? {} : { both: socketVerdict(withSs.numbers, thresholds) }),
      ...(procOnly === undefined ? {} : { procOnly: socketVerdict(procOnly.numbers, thresholds) }),
      ...(editor === undefined ? {} : { editor: socketVerdict(editor.numbers, thresholds), ranSs: editor.ss !== undefined }),
    };
  }

  before(async function () {
    this.timeout(30_000);
    topo = await createTopology();
    sshd = await startSshd({ address: topo.serverAddress, wrap: topo.wrapServer, clientWrap: topo.wrapClient });
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) {
      s.child.kill('SIGKILL');
      await s.exited;
    }
    await topo?.heal();
  });

  after(async () => {
    try {
      await topo?.destroy();
    } finally {
      await sshd?.stop();
    }
  });

  it('[F2] a session sending data is stalled within seconds of a black hole, and healthy again after healing', async function () {
    this.timeout(90_000);
    const { topo: t } = env();
    const s = startSession('cat');
    let n = 0;
    const typing = setInterval(() => s.child.stdin.write(`line ${n++}\n`), 100);
    try {
      await waitForOutput(s, /line 3\r?\n[\s\S]*line 3\r?\n/);
      // `ip netns exec` execs ssh in place: the pid we hold is ssh's.
      assert.equal(readFileSync(`/proc/${s.pid}/comm`, 'utf8').trim(), 'ssh');
      const before = await look(s.pid);
      assert.equal(before.both?.verdict, 'healthy', before.both?.detail);
      assert.ok(before.procOnly?.verdict !== 'stalled', before.procOnly?.detail);

      await t.blackhole();
      const t0 = performance.now();
      let stalledBoth: number | undefined;
      let stalledProc: number | undefined;
      let stalledEditor: number | undefined;
      let editorRanSs = false;
      let last: { both?: SocketVerdict; procOnly?: SocketVerdict; editor?: SocketVerdict; ranSs?: boolean } = {};
      while ((stalledBoth === undefined || stalledProc === undefined || stalledEditor === undefined) && performance.now() - t0 < 20_000) {
        last = await look(s.pid);
        const at = performance.now() - t0;
        if (last.editor?.verdict === 'stalled') {
          stalledEditor ??= at;
        }
        editorRanSs ||= last.ranSs === true;
        if (last.both?.verdict === 'stalled') {
          stalledBoth ??= at;
        }
        if (last.procOnly?.verdict === 'stalled') {
          stalledProc ??= at;
        }
        await sleep(50);
      }
      assert.ok(stalledBoth !== undefined && stalledProc !== undefined, `not stalled within 20 s: ${JSON.stringify(last)}`);
      console.log(`      black hole → stalled after ${seconds(stalledBoth)} s (/proc + ss), ${seconds(stalledProc)} s (/proc only): ${last.both?.detail ?? ''}`);
      assert.ok(stalledBoth < 10_000 && stalledProc < 10_000, 'a few seconds, not minutes');
      assert.ok(stalledEditor !== undefined, `the editor's reading (ss only with data in flight) never said stalled: ${JSON.stringify(last)}`);
      assert.ok(editorRanSs, 'with data in flight the editor asked ss as well');

      await t.heal();
      const t1 = performance.now();
      let healthyAt: number | undefined;
      while (healthyAt === undefined && performance.now() - t1 < 60_000) {
        const v = await look(s.pid);
        if (v.both === undefined) {
          break; // the session is gone: also an answer
        }
        // Only an ACK resets the retransmission counters, so `healthy` means the link carries data again.
        if (v.both.verdict === 'healthy') {
          healthyAt = performance.now() - t1;
        }
        await sleep(50);
      }
      const gone = s.child.exitCode !== null;
      console.log(`      healed → ${gone ? 'session gone' : `healthy again after ${seconds(healthyAt ?? NaN)} s`}`);
      assert.ok(gone || healthyAt !== undefined, 'neither healthy nor gone a minute after healing');
      if (!gone) {
        // The echo resumed: the connection really recovered.
        await waitForOutput(s, new RegExp(`line ${n + 2}\\r?\\n`), 30_000);
      }
    } finally {
      clearInterval(typing);
    }
  });

  it('[F2] an idle session on a black-holed link is never stalled, only idle', async function () {
    this.timeout(60_000);
    const { topo: t } = env();
    const s = startSession('echo ready; exec cat');
    await waitForOutput(s, /ready/);
    await sleep(500);
    await t.blackhole();
    const t0 = performance.now();
    const seen = new Set<string>();
    // Judged with a 2 s memory of contact, so "idle" shows within the watch.
    const thresholds = { recentMs: 2000 };
    let last: { both?: SocketVerdict; procOnly?: SocketVerdict; editor?: SocketVerdict; ranSs?: boolean } = {};
    while (performance.now() - t0 < 8000) {
      last = await look(s.pid, thresholds);
      assert.ok(last.both && last.procOnly && last.editor, 'the ssh is still there');
      assert.equal(last.ranSs, false, 'nothing in flight: the editor starts no ss');
      assert.notEqual(last.editor.verdict, 'stalled', last.editor.detail);
      seen.add(`${last.both.verdict}/${last.both.reason}`);
      seen.add(`proc:${last.procOnly.verdict}/${last.procOnly.reason}`);
      assert.notEqual(last.both.verdict, 'stalled', last.both.detail);
      assert.notEqual(last.procOnly.verdict, 'stalled', last.procOnly.detail);
      await sleep(200);
    }
    console.log(`      8 s of an idle black-holed session: ${[...seen].join(', ')}`);
    assert.equal(last.both?.verdict, 'idle', last.both?.detail);
    assert.equal(last.procOnly?.verdict, 'idle', last.procOnly?.detail);
    assert.equal(s.child.exitCode, null, 'ssh itself noticed nothing either');
  });
});
