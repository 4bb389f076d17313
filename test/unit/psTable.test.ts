import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { descendantsOf } from '../../src/core/process/processTree';
import { parseLstart, parsePsRow, parsePsTable, processTableSource, PS_TABLE_ARGS } from '../../src/core/process/psTable';

/**
 * Real output of `LC_TIME=C ps -A -ww -o pid=,ppid=,lstart=,ucomm=,ucomm=,args=`
 * on Debian 12 (procps-ng 4.0.2), captured with a few processes started for
 * it: a script file named `my ssh tool`, `sh -c 'sleep 1000; :' 'name with  two spaces'`,
 * `bash -c 'exec -a -renamed sleep 1000'`, and a zombie (`bash -c 'sleep 0 & exec sleep 1000'`).
 */
const LINUX = `    2     0 Sat Nov 21 06:25:50 2026 kthreadd        kthreadd        [kthreadd]
    3     2 Sat Nov 21 06:25:50 2026 pool_workqueue_ pool_workqueue_ [pool_workqueue_release]
   10     2 Sat Nov 21 06:25:50 2026 kworker/0:0H-ev kworker/0:0H-ev [kworker/0:0H-events_highpri]
18578 18577 Sat Nov 21 08:23:01 2026 my ssh tool     my ssh tool     /bin/sh ./my ssh tool
18579 18577 Sat Nov 21 08:23:01 2026 sh              sh              sh -c sleep 1000; : name with  two spaces
18580 18577 Sat Nov 21 08:23:01 2026 sleep           sleep           -renamed 1000
18581 18579 Sat Nov 21 08:23:01 2026 sleep           sleep           sleep 1000
18582 18577 Sat Nov 21 08:23:01 2026 sleep           sleep           sleep 1000
18583 18578 Sat Nov 21 08:23:01 2026 sleep           sleep           sleep 1000
18585 18582 Sat Nov 21 08:23:01 2026 sleep           sleep           [sleep] <defunct>
`;

/**
 * Hand-written, not captured (no Mac here): lines shaped as macOS ps(1)
 * documents and prints them — `ucomm` is the kernel's p_comm (at most 16
 * bytes, may hold spaces, e.g. a truncated `Code Helper (Renderer)`),
 * `lstart` is strftime `%c` in the C locale (day padded with a space), `args`
 * shows a login shell's `-zsh` and `(name)` where ps cannot read the arguments.
 */
const MACOS = `    1     0 Thu Nov 19 08:12:03 2026 launchd          launchd          /sbin/launchd
  612     1 Thu Nov 19 08:13:10 2026 Electron         Electron         /Applications/Visual Studio Code.app/Contents/MacOS/Electron
  640   612 Thu Nov 19 08:13:11 2026 Code Helper (Ren Code Helper (Ren /Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Renderer).app/Contents/MacOS/Code Helper (Renderer) --type=renderer
  700   640 Thu Nov 19 08:14:00 2026 zsh              zsh              -zsh
  702   700 Thu Nov  5 09:01:02 2026 ssh              ssh              ssh -o ServerAliveInterval=30 prod tmux new -A -s main
  703   700 Thu Nov 19 08:15:00 2026 ssh              ssh              (ssh)
`;

describe('ps process table', () => {
  it('asks ps for columns that procps, macOS and FreeBSD all have, the short name twice, without a header', () => {
    assert.deepEqual(PS_TABLE_ARGS, ['-A', '-ww', '-o', 'pid=,ppid=,lstart=,ucomm=,ucomm=,args=']);
  });

  it('uses /proc on Linux, ps on macOS and FreeBSD, and nothing on Windows', () => {
    assert.equal(processTableSource('linux'), 'proc');
    assert.equal(processTableSource('darwin'), 'ps');
    assert.equal(processTableSource('freebsd'), 'ps');
    assert.equal(processTableSource('win32'), undefined);
  });

  describe('captured procps output (Linux)', () => {
    const table = parsePsTable(LINUX);

    it('reads every row', () => {
      assert.deepEqual(
        table.map((p) => p.pid),
        [2, 3, 10, 18578, 18579, 18580, 18581, 18582, 18583, 18585],
      );
    });

    it('reads pid, ppid, the short name and the argv of an ordinary process', () => {
      assert.deepEqual(table.find((p) => p.pid === 18581), { pid: 18581, ppid: 18579, comm: 'sleep', argv: ['sleep', '1000'], startTime: Date.UTC(2026, 10, 21, 8, 23, 1) / 1000 });
    });

    it('finds where a short name with spaces ends, because it is printed twice', () => {
      const script = table.find((p) => p.pid === 18578);
      assert.equal(script?.comm, 'my ssh tool');
      assert.deepEqual(script?.argv, ['/bin/sh', './my', 'ssh', 'tool']);
    });

    it('splits args at whitespace, losing the boundaries of arguments that held spaces', () => {
      // The real argv was ['sh', '-c', 'sleep 1000; :', 'name with  two spaces'].
      assert.deepEqual(table.find((p) => p.pid === 18579)?.argv, ['sh', '-c', 'sleep', '1000;', ':', 'name', 'with', 'two', 'spaces']);
    });

    it('keeps the kernel name when argv[0] was changed (exec -a)', () => {
      const renamed = table.find((p) => p.pid === 18580);
      assert.equal(renamed?.comm, 'sleep');
      assert.deepEqual(renamed?.argv, ['-renamed', '1000']);
    });

    it('gives kernel threads and zombies an empty argv, as /proc does', () => {
      for (const pid of [2, 3, 10, 18585]) {
        assert.deepEqual(table.find((p) => p.pid === pid)?.argv, [], String(pid));
      }
      assert.equal(table.find((p) => p.pid === 3)?.comm, 'pool_workqueue_');
    });

    it('gives the tree a walk can follow', () => {
      assert.deepEqual(
        descendantsOf(table, 18577).map((p) => p.pid),
        [18578, 18579, 18580, 18582, 18583, 18581, 18585],
      );
    });
  });

  describe('macOS-shaped lines (hand-written from ps(1))', () => {
    const table = parsePsTable(MACOS);

    it('reads a short name with spaces and parentheses, and a path with spaces in args', () => {
      const helper = table.find((p) => p.pid === 640);
      assert.equal(helper?.comm, 'Code Helper (Ren');
      assert.equal(helper?.ppid, 612);
      assert.equal(helper?.argv[0], '/Applications/Visual');
      assert.equal(helper?.argv[helper.argv.length - 1], '--type=renderer');
      assert.equal(table.find((p) => p.pid === 612)?.comm, 'Electron');
    });

    it('reads a login shell and an ssh below it, with a day padded by a space', () => {
      assert.deepEqual(table.find((p) => p.pid === 700)?.argv, ['-zsh']);
      const ssh = table.find((p) => p.pid === 702);
      assert.deepEqual(ssh?.argv, ['ssh', '-o', 'ServerAliveInterval=30', 'prod', 'tmux', 'new', '-A', '-s', 'main']);
      assert.equal(ssh?.startTime, Date.UTC(2026, 10, 5, 9, 1, 2) / 1000);
      assert.deepEqual(
        descendantsOf(table, 700).map((p) => p.pid),
        [702, 703],
      );
    });

    it('gives an empty argv where ps shows (name)', () => {
      const hidden = table.find((p) => p.pid === 703);
      assert.equal(hidden?.comm, 'ssh');
      assert.deepEqual(hidden?.argv, []);
    });
  });

  describe('start times and junk', () => {
    it('reads lstart as UTC seconds: the same text, the same number', () => {
      assert.equal(parseLstart('Sat Nov 21 06:25:50 2026'), Date.UTC(2026, 10, 21, 6, 25, 50) / 1000);
      assert.equal(parseLstart('Thu Jan  1 00:00:00 1970'), 0);
      assert.equal(parseLstart('Sa 21 Nov 2026 06:25:50 CET'), undefined);
      assert.equal(parseLstart('Sat Foo 21 06:25:50 2026'), undefined);
      assert.equal(parseLstart('Sat Nov 21 25:25:50 2026'), undefined);
    });

    it('skips a header, blank lines, CRLF ends and rows it cannot split', () => {
      const text = '  PID  PPID                  STARTED UCOMM UCOMM ARGS\r\n\r\n   42     1 Sat Nov 21 06:25:50 2026 ssh ssh ssh host\r\n   43     1 Sat Nov 21 06:25:50 2026 lonely\n';
      assert.deepEqual(parsePsTable(text), [{ pid: 42, ppid: 1, comm: 'ssh', argv: ['ssh', 'host'], startTime: Date.UTC(2026, 10, 21, 6, 25, 50) / 1000 }]);
    });

    it('property: never throws on arbitrary text, and every row it returns has integer pids and a name', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 400 }), (text) => {
          for (const row of parsePsTable(text)) {
            assert.ok(Number.isSafeInteger(row.pid) && Number.isSafeInteger(row.ppid) && row.comm !== '');
          }
        }),
      );
      fc.assert(
        fc.property(fc.array(fc.stringMatching(/^[a-z() ]{1,16}$/)), fc.array(fc.stringMatching(/^[!-~]{1,12}$/), { maxLength: 6 }), (names, args) => {
          for (const name of names) {
            const words = name.trim().split(/\s+/);
            const twice = [...words, ...words];
            // A name that starts with a run of words repeated at once (`a a b`) cannot be told apart: skip those.
            if (name.trim() === '' || words.some((_w, k) => k > 0 && twice.slice(0, k).every((w, i) => w === twice[k + i]))) {
              continue;
            }
            const comm = words.join(' ');
            const row = parsePsRow(`  7  1 Sat Nov 21 06:25:50 2026 ${name} ${name} ${args.join(' ')}`);
            assert.equal(row?.comm, comm);
          }
        }),
      );
    });
  });
});
