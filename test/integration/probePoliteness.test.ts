import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);
const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Fault-matrix row 24: a heartbeat beating every second against an sshd that
 * punishes eager clients — one unauthenticated connection at a time
 * (`MaxStartups 1:100:1`, `PerSourceMaxStartups 1`), `MaxAuthTries 2` — must
 * never lock the user's own ssh out. It is polite by construction: one
 * authenticated connection that carries every beat, never a connection per
 * beat. (OpenSSH 9.8's PerSourcePenalties punishes the same eagerness; the
 * banner fallback's 30 s spacing for it is a unit test.)
 */
describe('probe politeness against a strict sshd (built CLI, real sshd)', function () {
  this.timeout(90_000);
  let sshd: SshdFixture | undefined;
  let watch: ChildProcess | undefined;

  before(async () => {
    sshd = await startSshd({ sshdOptions: { MaxStartups: '1:100:1', PerSourceMaxStartups: '1', MaxAuthTries: '2', LogLevel: 'VERBOSE' } });
  });

  after(async () => {
    watch?.kill('SIGTERM');
    await sshd?.stop();
  });

  it('[F24] 1 s beats for 20 s: the user’s own ssh gets in every time, and the probe used one connection and one authentication', async () => {
    const s = sshd as SshdFixture;
    const logStart = (await readFile(s.logPath, 'utf8')).length;
    let stdout = '';
    const w = spawn(process.execPath, [cli, 'watch', '--json', '--interval', '1', '-F', s.configPath, s.host], { stdio: ['ignore', 'pipe', 'pipe'] });
    watch = w;
    w.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    for (let i = 0; i < 100 && !/"state":"up"/.test(stdout); i++) await sleep(100);
    assert.match(stdout, /"state":"up"/, 'the heartbeat came up');

    const results: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = Date.now();
      try {
        await execFileAsync('ssh', ['-F', s.configPath, '-o', 'BatchMode=yes', s.host, 'true'], { timeout: 15_000 });
        results.push(0);
      } catch (err) {
        results.push(typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1);
      }
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
    const beats = stdout.split('\n').filter((l) => l.includes('"event":"beat"')).length;
    w.kill('SIGTERM');
    await new Promise((r) => w.once('close', r));

    const log = (await readFile(s.logPath, 'utf8')).slice(logStart);
    const connections = (log.match(/Connection from /g) ?? []).length;
    const accepted = (log.match(/Accepted publickey/g) ?? []).length;
    console.log(`      ${beats} beats; user ssh exits ${JSON.stringify(results)}; sshd saw ${connections} connections, ${accepted} authentications`);
    assert.deepEqual(results, new Array<number>(20).fill(0), 'every one of the user’s ssh runs got in');
    assert.ok(beats >= 15, `only ${beats} beats in 20 s at 1 s`);
    assert.equal(connections, 21, 'the 20 user runs and one probe connection');
    assert.equal(accepted, 21, 'one authentication for the probe');
    assert.doesNotMatch(log, /drop connection|beginning MaxStartups throttling|Failed publickey|Too many authentication failures/, log);
  });
});
