import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

async function lint(args: readonly string[], cwd: string): Promise<Run> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, 'lint', '--openssh-version', '9.2', ...args], { cwd, maxBuffer: 256 << 20, timeout: 120_000 });
    return { code: 0, stdout, stderr, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', ms: performance.now() - t0 };
  }
}

/** Fault-matrix row 19 through the built CLI: a 50,000-host config and a 10 MB line are linted whole, without a crash. */
describe('huge input (built CLI)', function () {
  this.timeout(180_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-huge-'));
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('[F19] a 50,000-host config: every block read, findings on the last one, no stack trace', async () => {
    const blocks: string[] = [];
    for (let i = 0; i < 50_000; i++) blocks.push(`Host h${i}\n    HostName 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n    User u${i % 7}\n`);
    // A mistake in the very last block must still be found.
    blocks.push('Host last\n    Portt 22\n');
    await writeFile(join(dir, 'big.conf'), blocks.join(''));
    const r = await lint(['--format', 'json', 'big.conf'], dir);
    console.log(`      50,000 hosts linted in ${(r.ms / 1000).toFixed(1)} s (whole CLI process)`);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const report = JSON.parse(r.stdout) as { findings: { code: string; line: number }[] }[];
    const findings = report.flatMap((f) => f.findings);
    assert.ok(findings.some((f) => f.code === 'unknown-keyword' && f.line === 150_002), JSON.stringify(findings.slice(-3)));
  });

  it('[F19] a 10 MB line: linted whole, its finding reported, the output stays short', async () => {
    await writeFile(join(dir, 'longline.conf'), `Host a\n    SendEnv ${'X'.repeat(10 * 1024 * 1024)}\n    Portt 22\n`);
    const r = await lint(['longline.conf'], dir);
    console.log(`      a 10 MB line linted in ${(r.ms / 1000).toFixed(1)} s; output ${r.stdout.length} bytes`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /longline\.conf:3:\d+: error unknown-keyword/);
    assert.ok(r.stdout.length < 64 * 1024, `output of ${r.stdout.length} bytes echoes the line`);
  });
});
