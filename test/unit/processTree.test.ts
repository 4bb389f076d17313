import { strict as assert } from 'node:assert';
import { descendantsOf, parseCmdline, parseProcStat, type ProcessInfo } from '../../src/core/process/processTree';

describe('process tree', () => {
  it('reads pid, comm and ppid from a stat line', () => {
    assert.deepEqual(parseProcStat('4242 (ssh) S 4100 4242 4100 34816 4242 4194304 ...'), {
      pid: 4242,
      comm: 'ssh',
      state: 'S',
      ppid: 4100,
    });
  });

  it('reads the start time (field 22), which tells a reused pid from the first process', () => {
    const line = '14461 (ssh) S 14417 14417 9882 0 -1 4194304 123 0 0 0 0 0 0 0 20 0 1 0 540544 3133440 411 18446744073709551615';
    assert.equal(parseProcStat(line)?.startTime, 540544);
    assert.equal(parseProcStat('4242 (ssh) S 4100 4242')?.startTime, undefined);
  });

  it('takes the command name up to the last parenthesis (names may contain ") ")', () => {
    const parsed = parseProcStat('77 (evil) S 1 (x) R 5 77 77 0 -1');
    assert.equal(parsed?.comm, 'evil) S 1 (x');
    assert.equal(parsed?.ppid, 5);
  });

  it('rejects text that is not a stat line', () => {
    assert.equal(parseProcStat(''), undefined);
    assert.equal(parseProcStat('garbage'), undefined);
    assert.equal(parseProcStat('12 (x)'), undefined);
  });

  it('splits a NUL-separated command line and keeps empty arguments', () => {
    assert.deepEqual(parseCmdline('ssh\0-t\0\0host\0'), ['ssh', '-t', '', 'host']);
    assert.deepEqual(parseCmdline(''), []);
  });

  it('finds children and grandchildren, parents first, and nothing else', () => {
    const p = (pid: number, ppid: number, comm: string): ProcessInfo => ({ pid, ppid, comm, argv: [comm] });
    const table = [p(1, 0, 'init'), p(10, 1, 'bash'), p(11, 10, 'tmux'), p(12, 11, 'ssh'), p(20, 1, 'other'), p(13, 10, 'ssh')];
    assert.deepEqual(
      descendantsOf(table, 10).map((x) => x.pid),
      [11, 13, 12],
    );
    assert.deepEqual(descendantsOf(table, 12), []);
  });

  it('terminates on a pid cycle in a torn snapshot', () => {
    const table: ProcessInfo[] = [
      { pid: 2, ppid: 3, comm: 'a', argv: [] },
      { pid: 3, ppid: 2, comm: 'b', argv: [] },
    ];
    assert.deepEqual(descendantsOf(table, 2).map((x) => x.pid), [3]);
  });
});
