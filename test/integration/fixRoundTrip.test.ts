/**
 * The quick-fix round trip over the fixture corpus (FAULTS.md rows 17, 18, 20),
 * against the real OpenSSH on this machine:
 * - lint reports what each fixture's `.expected.json` says;
 * - OpenSSH's verdict on the original (`ssh -G -F` / `sshd -t -f … -h key`)
 *   is the expected one, and agrees with whether lint reports an error;
 * - every preferred edit fix removes its finding, adds no error, changes no
 *   byte outside its edit ranges, keeps the file's line endings, and leaves a
 *   file on which OpenSSH and lint still agree;
 * - fixing everything (the CLI's loop) converges, and a result without errors
 *   is accepted by OpenSSH.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fixLoop, preferredEditFix } from '../../src/core/sshConfig/fixAll';
import type { Finding, TextEdit } from '../../src/core/sshConfig/findings';
import { applyEdits } from '../../src/core/sshConfig/textEdits';
import type { Side } from '../../src/core/sshConfig/keywords';
import { lint, type LintOptions } from '../../src/core/sshConfig/lint';
import { includeContextFor, localOpenSshVersion } from '../../src/node/configFiles';
import { CORPUS_DIR, copyCorpus, opensshVerdict, SSHD, type Fixture } from '../fixtures/configs/corpus';

const execFileAsync = promisify(execFile);

/** Fixture names, read when the suite is defined (the copies are made in `before`). */
const names = (['client', 'server'] as const).flatMap((side) =>
  readdirSync(join(CORPUS_DIR, side))
    .filter((f) => f.endsWith('.conf'))
    .map((f) => ({ side, name: f.slice(0, -'.conf'.length) })),
);

/** Character offsets of line starts, computed here independently of the core's textEdits. */
function offsetOf(text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) {
      return text.length;
    }
    at = nl + 1;
  }
  return Math.min(at + character, text.length);
}

/** Asserts, byte by byte, that `after` is `before` with exactly `edits` applied and nothing else changed. */
function assertOnlyEditsChanged(before: string, after: string, edits: readonly TextEdit[], what: string): void {
  const spans = edits
    .map((e) => ({ from: offsetOf(before, e.range.start.line, e.range.start.character), to: offsetOf(before, e.range.end.line, e.range.end.character), text: e.newText }))
    .sort((a, b) => a.from - b.from);
  const out = Buffer.from(after, 'utf8');
  let pos = 0;
  let prev = 0;
  const expectBytes = (chunk: Buffer, label: string): void => {
    assert.ok(out.subarray(pos, pos + chunk.length).equals(chunk), `${what}: ${label} differs at byte ${pos}`);
    pos += chunk.length;
  };
  for (const s of spans) {
    expectBytes(Buffer.from(before.slice(prev, s.from), 'utf8'), 'text before an edit');
    expectBytes(Buffer.from(s.text, 'utf8'), 'the edit');
    prev = s.to;
  }
  expectBytes(Buffer.from(before.slice(prev), 'utf8'), 'text after the last edit');
  assert.equal(pos, out.length, `${what}: extra bytes at the end`);
}

function eolOf(text: string): 'crlf' | 'lf' | 'none' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf + lf === 0 ? 'none' : crlf > lf ? 'crlf' : 'lf';
}

const errors = (findings: readonly Finding[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const f of findings.filter((x) => x.severity === 'error')) {
    m.set(f.code, (m.get(f.code) ?? 0) + 1);
  }
  return m;
};

const count = (findings: readonly Finding[], code: string): number => findings.filter((f) => f.code === code).length;

describe('quick-fix round trip over the fixture corpus (real OpenSSH)', function () {
  this.timeout(120_000);
  let dir: string;
  let hostKey: string;
  let fixtures: Map<string, Fixture>;
  const versions = new Map<Side, string | undefined>();

  before(async () => {
    for (const [bin, args] of [['ssh', ['-V']], [SSHD, ['-V']], ['ssh-keygen', ['-?']]] as const) {
      await execFileAsync(bin, [...args]).catch((err: { code?: unknown }) => {
        if (err.code === 'ENOENT') {
          throw new Error(`${bin} not found: install openssh-client and openssh-server (node scripts/ensureSystem.mjs integration)`);
        }
      });
    }
    if (process.getuid?.() === 0) {
      // sshd -t as root insists on its privilege separation directory.
      await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    }
    dir = await mkdtemp(join(tmpdir(), 'lifeline-corpus-'));
    fixtures = new Map((await copyCorpus(join(dir))).map((f) => [`${f.side}/${f.name}`, f]));
    hostKey = join(dir, 'host_ed25519');
    await execFileAsync('ssh-keygen', ['-q', '-N', '', '-t', 'ed25519', '-f', hostKey]);
    for (const side of ['client', 'server'] as const) {
      versions.set(side, localOpenSshVersion(side)?.release);
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const optionsFor = (fx: Fixture): LintOptions => {
    const version = versions.get(fx.side);
    return {
      side: fx.side,
      ...(version === undefined ? {} : { opensshVersion: version }),
      includes: includeContextFor(fx.path, { home: homedir(), env: process.env }),
    };
  };

  /** Lint a text as the fixture, and ask OpenSSH about the same text in a file next to the fixture (so Includes resolve alike). */
  const check = async (fx: Fixture, text: string, tag: string): Promise<{ findings: Finding[]; verdict: string | undefined }> => {
    const path = join(dir, fx.side, `.roundtrip-${fx.name}-${tag}.conf`);
    await writeFile(path, text);
    return { findings: lint(text, optionsFor(fx)), verdict: await opensshVerdict(fx.side, path, hostKey) };
  };

  it('the corpus has client and server fixtures, each with an expectation', () => {
    assert.ok(names.filter((n) => n.side === 'client').length >= 15, 'too few client fixtures');
    assert.ok(names.filter((n) => n.side === 'server').length >= 10, 'too few server fixtures');
    assert.equal(fixtures.size, names.length);
  });

  it('the corpus exercises every finding code that has a preferred edit fix, and a fix of each', async () => {
    const fixed = new Set<string>();
    for (const fx of fixtures.values()) {
      for (const f of lint(await readFile(fx.path, 'utf8'), optionsFor(fx))) {
        if (preferredEditFix(f) !== undefined) {
          fixed.add(f.code);
        }
      }
    }
    const wanted = [
      'bom', 'unknown-keyword', 'server-only-keyword', 'client-only-keyword', 'deprecated-keyword', 'duplicate-keyword', 'keepalive-missing',
      'tcpkeepalive-off-no-alive', 'connecttimeout-missing', 'ipqos-deprecated', 'clientalive-missing', 'clientalive-countmax-zero',
    ];
    assert.deepEqual(wanted.filter((c) => !fixed.has(c)), []);
  });

  for (const { side, name } of names) {
    const key = `${side}/${name}`;
    describe(key, () => {
      it('lint reports the expected findings', async () => {
        const fx = fixtures.get(key) as Fixture;
        const bytes = await readFile(fx.path);
        const guards = fx.expected.bytes ?? {};
        if (guards.crlf !== undefined) {
          assert.equal(bytes.includes('\r\n'), guards.crlf, 'CRLF line endings in the fixture (was it normalised on checkout?)');
        }
        if (guards.bom !== undefined) {
          assert.equal(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, guards.bom, 'byte order mark in the fixture');
        }
        if (guards.finalNewline !== undefined) {
          assert.equal(bytes[bytes.length - 1] === 0x0a, guards.finalNewline, 'final newline in the fixture');
        }
        const found = lint(bytes.toString('utf8'), optionsFor(fx));
        assert.deepEqual(
          found.map((f) => [f.code, f.range.start.line + 1]),
          fx.expected.findings,
          found.map((f) => `${f.range.start.line + 1}: ${f.code}: ${f.message}`).join('\n'),
        );
      });

      it("OpenSSH's verdict is the expected one and agrees with lint's errors", async () => {
        const fx = fixtures.get(key) as Fixture;
        const { findings, verdict } = await check(fx, await readFile(fx.path, 'utf8'), 'original');
        assert.equal(verdict === undefined ? 'accepted' : 'refused', fx.expected.openssh, verdict ?? 'OpenSSH accepted the file');
        const ours = findings.filter((f) => f.severity === 'error').map((f) => `${f.code} (line ${f.range.start.line + 1})`);
        assert.equal(ours.length > 0, verdict !== undefined, `OpenSSH: ${verdict ?? 'accepted'}; lint errors: ${ours.join(', ') || 'none'}`);
      });

      it('[F20] every preferred fix removes its finding, adds no error, changes only its edits, keeps line endings, and OpenSSH agrees', async () => {
        const fx = fixtures.get(key) as Fixture;
        const text = await readFile(fx.path, 'utf8');
        const before = lint(text, optionsFor(fx));
        let i = 0;
        for (const f of before) {
          const fix = preferredEditFix(f);
          if (fix === undefined) {
            continue;
          }
          const what = `${f.code} at ${f.range.start.line + 1}:${f.range.start.character + 1} (${fix.title})`;
          const fixed = applyEdits(text, fix.edits);
          assertOnlyEditsChanged(text, fixed, fix.edits, what);
          for (const e of fix.edits) {
            const empty = e.range.start.line === e.range.end.line && e.range.start.character === e.range.end.character;
            const wholeLine = e.range.start.character === 0 && e.range.end.character === 0 && e.range.end.line === e.range.start.line + 1;
            assert.ok(
              empty || (e.range.start.line >= f.range.start.line && (e.range.end.line <= f.range.end.line || (wholeLine && e.range.start.line <= f.range.end.line))),
              `${what}: replaces text outside the finding's lines`,
            );
          }
          const commentLines = text.split(/\r?\n/).filter((l) => l.trimStart().startsWith('#'));
          const keptLines = new Set(fixed.split(/\r?\n/));
          assert.deepEqual(commentLines.filter((l) => !keptLines.has(l)), [], `${what}: a comment line was lost`);
          const eol = eolOf(text);
          for (const e of fix.edits) {
            if (eol === 'crlf') {
              assert.doesNotMatch(e.newText, /(^|[^\r])\n/, `${what}: inserts a bare LF into a CRLF file`);
            } else {
              assert.doesNotMatch(e.newText, /\r/, `${what}: inserts a CR into an LF file`);
            }
          }
          const { findings: after, verdict } = await check(fx, fixed, `fix${i++}`);
          assert.ok(count(after, f.code) < count(before, f.code), `${what}: the finding is still there`);
          const errBefore = errors(before);
          for (const [code, n] of errors(after)) {
            assert.ok(n <= (errBefore.get(code) ?? 0), `${what}: adds an error ${code}`);
          }
          const ourErrors = after.filter((x) => x.severity === 'error');
          assert.equal(ourErrors.length > 0, verdict !== undefined, `${what}: OpenSSH says ${verdict ?? 'accepted'}, lint errors: ${ourErrors.map((x) => x.code).join(', ') || 'none'}`);
        }
      });

      it('[F20] fixing everything converges; OpenSSH accepts the result when lint reports no error', async () => {
        const fx = fixtures.get(key) as Fixture;
        const text = await readFile(fx.path, 'utf8');
        const result = fixLoop(text, (t) => lint(t, optionsFor(fx)));
        assert.equal(result.stopped, 'done');
        const { findings, verdict } = await check(fx, result.text, 'all');
        assert.deepEqual(findings.filter((f) => preferredEditFix(f) !== undefined).map((f) => f.code), [], 'a preferred fix is left over');
        const ourErrors = findings.filter((f) => f.severity === 'error');
        assert.equal(ourErrors.length > 0, verdict !== undefined, `OpenSSH says ${verdict ?? 'accepted'}, lint errors: ${ourErrors.map((x) => x.code).join(', ') || 'none'}`);
        if (fx.expected.bytes?.finalNewline === false) {
          assert.ok(!result.text.endsWith('\n'), 'the missing final newline was added');
        }
        if (fx.expected.bytes?.crlf === true) {
          assert.equal(eolOf(result.text), 'crlf');
        }
      });
    });
  }
});
