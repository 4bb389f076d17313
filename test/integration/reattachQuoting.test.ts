import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as fc from 'fast-check';
import { attachTargetOf, listSessionsCommand } from '../../src/core/reattach/commands';
import { checkSessionName, shellQuote } from '../../src/core/reattach/names';
import { relaunchArgs } from '../../src/core/reattach/relaunch';
import { chooseLostSession, parseScreenSessions, parseTmuxSessions } from '../../src/core/reattach/remoteSessions';
import { parseSshArgs } from '../../src/core/sshArgs/parse';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

/** Names meant to break out of quoting: each would create the file M if it ever reached a shell unquoted. */
const HOSTILE = [
  'x$(touch M);y',
  '$(touch M)',
  '`touch M`',
  "'; touch M; '",
  "it's",
  '"; touch M; "',
  'a\ntouch M',
  'a b',
  '-t',
  'foo',
  'foobar',
  'c.d',
  'a'.repeat(65),
  'héllo',
  '\\',
  "\\'",
  '*',
  '~',
  '$HOME',
  '!!',
  '',
  "''",
  'a\u202eb',
];

const SHELLS = ['/bin/sh', '/bin/bash'];

/** Strings dense in what shells treat specially, so a quoting mistake shows within a few runs. */
const shellHeavy = fc.string({ unit: fc.constantFrom(...`'"$\`\\ ;|&()<>*?~!#{}[]=%\n\tMtouch`.split('')), maxLength: 30 });

function requireProgram(name: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
  } catch {
    assert.fail(`${name} is not installed: install the Debian package "${name}" to run these tests`);
  }
}

describe('reattach quoting against real shells', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-quote-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs printf '%s' WORD in `shell`, with cwd the empty temp dir; returns the bytes printed. */
  function echoThrough(shell: string, word: string): Buffer {
    return execFileSync(shell, ['-c', `printf '%s' ${shellQuote(word)}`], { cwd: dir });
  }

  it('[F13] every hostile name comes back byte for byte from sh and bash, and nothing runs', () => {
    for (const shell of SHELLS) {
      for (const name of HOSTILE) {
        assert.deepEqual(echoThrough(shell, name), Buffer.from(name, 'utf8'), `${shell}: ${JSON.stringify(name)}`);
      }
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  it('[F13] any string (no NUL) comes back byte for byte, and no file appears (property)', () => {
    fc.assert(
      fc.property(fc.oneof(shellHeavy, fc.string({ unit: 'binary', maxLength: 40 })).filter((s) => !s.includes('\0')), fc.constantFrom(...SHELLS), (word, shell) => {
        assert.deepEqual(echoThrough(shell, word), Buffer.from(word, 'utf8'));
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('every name the allow-list accepts is one word a shell passes on unchanged', () => {
    for (const name of HOSTILE) {
      for (const kind of ['tmux', 'screen'] as const) {
        const r = checkSessionName(kind, name);
        if (r.ok) {
          assert.equal(echoThrough('/bin/sh', r.name).toString('utf8'), r.name);
        }
      }
    }
  });
});

describe('reattach commands against real tmux and screen', () => {
  let dir: string;
  const socket = `lifeline-it-${process.pid}`;

  before(() => {
    requireProgram('tmux');
    requireProgram('screen');
    dir = mkdtempSync(join(tmpdir(), 'lifeline-mux-'));
  });

  after(() => {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // no server left
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists tmux sessions as stored even without a UTF-8 locale (tmux -u), names with spaces and dots included', () => {
    for (const name of ['a b', 'c.d', 'héllo', 'x$(touch M);y']) {
      execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-s', name], { cwd: dir });
    }
    const out = execFileSync('/bin/sh', ['-c', listSessionsCommand('tmux', { flag: '-L', value: socket })], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: dir },
    }).toString('utf8');
    const sessions = parseTmuxSessions(out);
    assert.deepEqual(sessions.map((s) => s.name).sort(), ['a b', 'c_d', 'héllo', 'x$(touch M);y'], out);
    assert.ok(sessions.every((s) => s.attached === 0 && s.lastAttached === undefined && typeof s.created === 'number'), out);
    assert.equal(chooseLostSession(sessions).kind, 'ambiguous');
    assert.deepEqual(readdirSync(dir), []);
    // The name attachTargetOf returns for c.d is the one tmux stored.
    const t = attachTargetOf('tmux', 'c.d', { flag: '-L', value: socket });
    assert.ok(t.ok);
    execFileSync('tmux', ['-L', socket, 'has-session', '-t', `=${t.target.name}`]);
  });

  it('reads the screen sessions screen -ls prints', () => {
    const name = `lifeline-it-${process.pid}.x`;
    execFileSync('screen', ['-S', name, '-dm', 'sleep', '30'], { cwd: dir });
    try {
      let out = '';
      try {
        out = execFileSync('/bin/sh', ['-c', listSessionsCommand('screen')], { cwd: dir }).toString('utf8');
      } catch (err) {
        // screen -ls exits non-zero on some builds even when it lists sessions.
        out = String((err as { stdout?: Buffer }).stdout ?? '');
      }
      const mine = parseScreenSessions(out).filter((s) => s.name === name);
      assert.deepEqual(mine, [{ name, attached: 0, lastAttached: undefined, activity: undefined, created: undefined }], out);
    } finally {
      execFileSync('screen', ['-S', name, '-X', 'quit'], { stdio: 'ignore' });
    }
  });
});

describe('reattach: a quoted name through a real ssh and the remote login shell', () => {
  let sshd: SshdFixture;

  before(async () => {
    sshd = await startSshd();
  });

  after(async () => {
    await sshd?.stop();
  });

  it('[F13,F14] relaunchArgs carries the remote command as one word, and the remote shell gets each hostile name unchanged', async () => {
    const names = ['x$(touch M);y', "it's", 'a b', '`touch M`', 'a\ntouch M', 'héllo', ''];
    // In an empty temp dir; `ls -A` would print M if any name ran as a command.
    const remote = `d=$(mktemp -d) && cd "$d" && for w in ${names.map(shellQuote).join(' ')}; do printf '[%s]' "$w"; done; ls -A; cd / && rm -rf "$d"`;
    const built = relaunchArgs(parseSshArgs(sshd.sshArgs()), { remoteCommand: remote });
    assert.ok(built.ok);
    // No terminal here: drop -t so ssh does not warn about it (the words are what is tested).
    const args = built.args.filter((a) => a !== '-t');
    const { stdout } = await execFileAsync('ssh', args, { timeout: 20_000 });
    assert.equal(stdout, names.map((n) => `[${n}]`).join(''));
  });
});
