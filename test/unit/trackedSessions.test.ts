import { strict as assert } from 'node:assert';
import type { ProcessInfo } from '../../src/core/process/processTree';
import { sessionsUnder, typedSshCommand } from '../../src/core/session/sessions';
import { OutputTail, SessionBook, stripTerminalControls, type FailureClassifier, type TerminalRef } from '../../src/core/session/tracked';

const SHELL = 100;
const terminal: TerminalRef = { key: 1, name: 'bash', shellPid: SHELL };
const proc = (pid: number, ppid: number, argv: string, startTime = pid): ProcessInfo => ({ pid, ppid, comm: argv.split(' ')[0] as string, argv: argv.split(' '), startTime });
const scanOf = (...rows: ProcessInfo[]): ReturnType<typeof sessionsUnder> => sessionsUnder([proc(SHELL, 1, 'bash'), ...rows], SHELL);
const line = (value: string): { value: string; confidence: 'high' } => ({ value, confidence: 'high' });

/** A stand-in for src/core/session/failure.ts: the unit under test only passes the text through. */
const classify: FailureClassifier = (text) => {
  const l = text.split('\n').find((x) => /Connection refused/.test(x));
  return l === undefined ? undefined : { reason: 'connection-refused', line: l };
};

describe('session book', () => {
  it('links a scanned ssh to the typed command it ran in, and ends it with the exit code', () => {
    const book = new SessionBook(true, classify);
    book.executionStarted(terminal, 7, typedSshCommand('ssh -p 2222 prod'), line('ssh -p 2222 prod'), 1000);
    const { started } = book.scan(terminal, scanOf(proc(200, SHELL, 'ssh -p 2222 prod')), 1200);
    assert.equal(started.length, 1);
    const s = started[0];
    assert.equal(s?.id, '200@200');
    assert.equal(s?.startedAt, 1000, 'started when the command was run');
    assert.deepEqual(s?.seenBy, { processTable: true, shellIntegration: true });
    assert.equal(s?.commandLine?.value, 'ssh -p 2222 prod');
    assert.equal(s?.state, 'running');

    // ssh exits; the scan notices first, then shell integration reports the code.
    assert.equal(book.scan(terminal, scanOf(), 5000).changed, true);
    assert.equal(book.get('200@200')?.state, 'exited');
    const { ended } = book.executionEnded(terminal, 7, 0, 'Connection to prod closed.\n', 5100);
    assert.equal(ended[0]?.exitCode, 0);
    assert.equal(ended[0]?.failure, undefined);
    assert.equal(ended[0]?.endedAt, 5000);
  });

  it('links a session the scan found just before the execution’s start event arrived', () => {
    const book = new SessionBook(true, classify);
    book.scan(terminal, scanOf(proc(200, SHELL, 'ssh prod')), 1000);
    book.executionStarted(terminal, 11, typedSshCommand('ssh prod'), line('ssh prod'), 1100);
    const { ended, created } = book.executionEnded(terminal, 11, 0, '', 2000);
    assert.equal(created.length, 0, 'no second record');
    assert.equal(ended[0]?.id, '200@200');
    assert.equal(ended[0]?.exitCode, 0);
    assert.equal(ended[0]?.commandLine?.value, 'ssh prod');
  });

  it('makes a session of a typed ssh that failed before any scan saw it, with the classified failure', () => {
    const book = new SessionBook(true, classify);
    book.executionStarted(terminal, 8, typedSshCommand('ssh -p 1 127.0.0.1'), line('ssh -p 1 127.0.0.1'), 1000);
    const { created, ended } = book.executionEnded(terminal, 8, 255, 'ssh: connect to host 127.0.0.1 port 1: Connection refused\n', 1050);
    assert.equal(created.length, 1);
    const s = ended[0];
    assert.equal(s?.id, 'si:1:1');
    assert.equal(s?.state, 'exited');
    assert.equal(s?.exitCode, 255);
    assert.deepEqual(s?.failure, { reason: 'connection-refused', line: 'ssh: connect to host 127.0.0.1 port 1: Connection refused' });
    assert.equal(s?.alias, '127.0.0.1');
    assert.equal(s?.commandLinePort, '1');
    assert.deepEqual(s?.seenBy, { processTable: false, shellIntegration: true });
  });

  it('does not take the exit code of a compound command line for ssh’s, but still reads the failure', () => {
    const book = new SessionBook(true, classify);
    book.executionStarted(terminal, 12, typedSshCommand('ssh -p 1 h; echo done'), line('ssh -p 1 h; echo done'), 1000);
    const { ended } = book.executionEnded(terminal, 12, 0, 'ssh: connect to host h port 1: Connection refused\ndone\n', 1100);
    assert.equal(ended[0]?.exitCode, undefined);
    assert.equal(ended[0]?.failure?.reason, 'connection-refused');
  });

  it('without process scanning, a typed ssh is a running session from the moment it starts', () => {
    const book = new SessionBook(false, undefined);
    const s = book.executionStarted(terminal, 9, typedSshCommand('ssh u@box'), line('ssh u@box'), 1000);
    assert.equal(s?.state, 'running');
    assert.equal(s?.commandLineUser, 'u');
    const { ended, created } = book.executionEnded(terminal, 9, 130, '', 2000);
    assert.equal(created.length, 0);
    assert.equal(ended[0]?.state, 'exited');
    assert.equal(ended[0]?.exitCode, 130);
  });

  it('ignores commands that are not ssh, and does not give a script’s exit code to the ssh it ran', () => {
    const book = new SessionBook(true, classify);
    book.executionStarted(terminal, 10, typedSshCommand('make deploy'), line('make deploy'), 1000);
    book.scan(terminal, scanOf(proc(200, SHELL, 'make deploy'), proc(201, 200, 'ssh web1 ./deploy.sh')), 1100);
    const { ended, created } = book.executionEnded(terminal, 10, 2, '', 1500);
    assert.deepEqual([ended, created], [[], []]);
    const s = book.get('201@201');
    assert.equal(s?.exitCode, undefined);
    assert.equal(s?.seenBy.shellIntegration, false);
  });

  it('keeps one record while mosh becomes mosh-client, refreshing its argv', () => {
    const book = new SessionBook(true, undefined);
    book.scan(terminal, scanOf(proc(200, SHELL, 'mosh box')), 1000);
    const { changed, started } = book.scan(terminal, scanOf({ ...proc(200, SHELL, 'mosh-client -#_box_| 192.0.2.1 60001'), argv: ['mosh-client', '-# box |', '192.0.2.1', '60001'] }), 2000);
    assert.equal(started.length, 0);
    assert.equal(changed, true);
    assert.equal(book.all().length, 1);
    assert.equal(book.all()[0]?.argv[0], 'mosh-client');
  });

  it('fills the target summary when the resolution arrives', () => {
    const book = new SessionBook(true, undefined);
    book.scan(terminal, scanOf(proc(200, SHELL, 'ssh prod')), 1000);
    const options = new Map([
      ['hostname', ['prod.example.org']],
      ['port', ['2200']],
      ['user', ['deploy']],
      ['serveraliveinterval', ['30']],
      ['serveralivecountmax', ['4']],
      ['proxyjump', ['bastion']],
    ]);
    const s = book.setResolution('200@200', { source: 'own', options, unevaluated: [] });
    assert.equal(s?.target?.hostName, 'prod.example.org');
    assert.equal(s?.target?.port, '2200');
    assert.equal(s?.target?.proxyJump, 'bastion');
    assert.equal(s?.target?.deadLink?.seconds, 120);
    assert.equal(s?.options, options);
  });

  it('ends a closed terminal’s sessions and prunes old records', () => {
    const book = new SessionBook(true, undefined);
    book.scan(terminal, scanOf(proc(200, SHELL, 'ssh a')), 1000);
    book.terminalClosed(1, 3000);
    assert.equal(book.get('200@200')?.state, 'exited');
    assert.equal(book.prune(0, new Set([1])), false, 'recent and its terminal is open');
    assert.equal(book.prune(0, new Set()), true);
    assert.deepEqual(book.all(), []);
  });
});

describe('terminal output', () => {
  it('strips colours, titles, shell-integration marks and carriage returns', () => {
    const raw = '\x1b]633;C\x07\x1b[1;31mssh: connect to host h port 1: Connection refused\x1b[0m\r\n\x1b]0;title\x07$ ';
    assert.equal(stripTerminalControls(raw), 'ssh: connect to host h port 1: Connection refused\n$ ');
  });

  it('keeps only the last few KiB', () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 100; i++) tail.append(`line ${i}\n`);
    assert.equal(tail.text(), '8\nline 99\n');
  });
});
