import { strict as assert } from 'node:assert';
import type { ProcessInfo } from '../../src/core/process/processTree';
import { diffSessions, sessionsUnder, sshProgramOf, typedSshCommand, type SshSession } from '../../src/core/session/sessions';

/** A process row: `p(pid, ppid, 'ssh -p22 host')`; argv split on spaces unless given as an array. */
function p(pid: number, ppid: number, argv: string | readonly string[], extra: { comm?: string; argv?: readonly string[]; startTime?: number | undefined } = {}): ProcessInfo {
  const words = typeof argv === 'string' ? argv.split(' ') : argv;
  const startTime = 'startTime' in extra ? extra.startTime : pid * 10;
  return {
    pid,
    ppid,
    comm: extra.comm ?? (words[0] ?? '').split('/').pop()?.slice(0, 15) ?? '',
    argv: extra.argv ?? words,
    ...(startTime === undefined ? {} : { startTime }),
  };
}

const SHELL = 100;
/** A table with init, the terminal's shell, an unrelated process, and `rows` below the shell. */
const table = (...rows: ProcessInfo[]): ProcessInfo[] => [p(1, 0, '/sbin/init'), p(SHELL, 1, '/bin/bash'), p(50, 1, 'ssh elsewhere'), ...rows];

function only(sessions: readonly SshSession[]): SshSession {
  assert.equal(sessions.length, 1, `sessions: ${sessions.map((s) => s.argv.join(' ')).join(' | ')}`);
  return sessions[0] as SshSession;
}

describe('sessions under a terminal', () => {
  const cases: { name: string; rows: ProcessInfo[]; expect: Partial<Omit<SshSession, 'helpers'>> & { helpers?: number[] } }[] = [
    {
      name: 'options before the destination, user and port from the command line, a tmux command after --',
      rows: [p(200, SHELL, 'ssh -p22 -l u host -- tmux new -A -s main')],
      expect: { alias: 'host', user: 'u', port: '22', remoteCommand: ['tmux', 'new', '-A', '-s', 'main'], kind: 'ssh', sshPid: 200, probe: true },
    },
    {
      name: 'bundled flags and a ProxyJump list, with both hop processes inside the session',
      rows: [
        p(200, SHELL, 'ssh -tt -J a,b host'),
        p(201, 200, ['ssh', '-J', 'a', '-W', '[host]:22', 'b']),
        p(202, 201, ['ssh', '-W', '[b]:22', 'a']),
      ],
      expect: { alias: 'host', user: undefined, port: undefined, helpers: [201, 202], sshPid: 200 },
    },
    {
      name: 'an ssh:// URI with user and port',
      rows: [p(200, SHELL, 'ssh ssh://u@h:2222')],
      expect: { alias: 'h', user: 'u', port: '2222' },
    },
    {
      name: 'options after the destination',
      rows: [p(200, SHELL, 'ssh host -p 2200 -l carol')],
      expect: { alias: 'host', user: 'carol', port: '2200', remoteCommand: [] },
    },
    {
      name: 'a ProxyCommand child ssh (via /bin/sh -c "exec ssh …") belongs to its parent',
      rows: [p(200, SHELL, ['ssh', '-o', 'ProxyCommand=ssh -W %h:%p j', 'h']), p(201, 200, ['ssh', '-W', 'h:22', 'j'])],
      expect: { alias: 'h', helpers: [201] },
    },
    {
      name: 'a ProxyCommand ssh below a shell below ssh still belongs to the session',
      rows: [p(200, SHELL, 'ssh -o ProxyCommand=x h'), p(201, 200, ['/bin/sh', '-c', 'ssh -W h:22 j | tee log']), p(202, 201, ['ssh', '-W', 'h:22', 'j'])],
      expect: { alias: 'h', helpers: [202] },
    },
    {
      name: 'autossh: labelled, not probed, its ssh child carries the connection and the arguments',
      rows: [p(200, SHELL, 'autossh -M 0 -f -o ServerAliveInterval=10 prod'), p(201, 200, ['/usr/bin/ssh', '-o', 'ServerAliveInterval=10', 'prod'])],
      expect: { kind: 'autossh', alias: 'prod', probe: false, sshPid: 201, helpers: [201], sshArgs: ['-o', 'ServerAliveInterval=10', 'prod'] },
    },
    {
      name: 'autossh between restarts: its own arguments minus -M',
      rows: [p(200, SHELL, 'autossh -M20000 -l u prod')],
      expect: { kind: 'autossh', alias: 'prod', user: 'u', sshPid: undefined, sshArgs: ['-l', 'u', 'prod'] },
    },
    {
      name: 'mosh (a Perl script) with its bootstrap ssh, a tmux command and --ssh options',
      rows: [
        p(200, SHELL, ['/usr/bin/perl', '/usr/bin/mosh', '--ssh=ssh -p 2222', '-p', '60001', 'u@box', '--', 'tmux', 'attach', '-t', 'work'], { comm: 'mosh' }),
        p(201, 200, ['ssh', '-n', '-tt', '-S', 'none', '-p', '2222', '--', 'u@box', '--', 'mosh-server', 'new']),
      ],
      expect: { kind: 'mosh', alias: 'box', user: 'u', port: '2222', probe: false, sshPid: undefined, multiplexer: { kind: 'tmux', session: 'work', createsIfMissing: false } },
    },
    {
      name: 'mosh once it has become mosh-client (same pid, the original command line after -#)',
      rows: [p(200, SHELL, ['mosh-client', '-# u@box tmux new -s x |', '192.0.2.1', '60001'])],
      expect: { kind: 'mosh', alias: 'box', user: 'u', probeRefusal: { reason: 'mosh', message: 'mosh carries the session over UDP and reconnects by itself; ssh only starts it' } },
    },
    {
      name: 'Eternal Terminal: host without its own port, not probed',
      rows: [p(200, SHELL, 'et -c ls u@devbox:2022')],
      expect: { kind: 'et', alias: 'devbox', user: 'u', probe: false },
    },
    {
      name: 'exec -a: argv[0] renamed, the kernel’s command name still says ssh',
      rows: [p(200, SHELL, ['myconn', 'prod'], { comm: 'ssh' })],
      expect: { kind: 'ssh', alias: 'prod', sshPid: 200 },
    },
    {
      name: 'a wrapper script named ssh: the real ssh below it carries the connection',
      rows: [p(200, SHELL, ['/bin/bash', '/home/u/bin/ssh', 'prod'], { comm: 'ssh' }), p(201, 200, ['/usr/bin/ssh', '-o', 'LogLevel=ERROR', 'prod'])],
      expect: { kind: 'ssh', alias: 'prod', sshPid: 201, sshArgs: ['-o', 'LogLevel=ERROR', 'prod'], helpers: [201] },
    },
    {
      name: 'an ssh below a local program (a Makefile, a script) is still the terminal’s',
      rows: [p(200, SHELL, 'make deploy'), p(201, 200, ['/bin/sh', '-c', 'ssh deploy@web1 ./deploy.sh']), p(202, 201, 'ssh deploy@web1 ./deploy.sh')],
      expect: { alias: 'web1', user: 'deploy', remoteCommand: ['./deploy.sh'], pid: 202 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = only(sessionsUnder(table(...c.rows), SHELL));
      const { helpers, ...fields } = c.expect;
      for (const [key, value] of Object.entries(fields)) {
        assert.deepEqual((s as unknown as Record<string, unknown>)[key], value, key);
      }
      if (helpers !== undefined) {
        assert.deepEqual(
          s.helpers.map((h) => h.pid),
          helpers,
        );
      }
    });
  }

  it('does not count ssh -G, -V, -Q, -O control commands, ssh-keygen, ssh-add or a bare ssh as sessions', () => {
    const rows = [
      p(200, SHELL, 'ssh -G prod'),
      p(201, SHELL, 'ssh -V'),
      p(202, SHELL, 'ssh -Q cipher'),
      p(203, SHELL, 'ssh -O check prod'),
      p(204, SHELL, 'ssh -O exit prod'),
      p(205, SHELL, 'ssh-keygen -R prod'),
      p(206, SHELL, 'ssh-add -l'),
      p(207, SHELL, 'ssh'),
      p(208, SHELL, ['ssh'], { argv: [] }), // a zombie: exited, not yet reaped
    ];
    assert.deepEqual(sessionsUnder(table(...rows), SHELL), []);
  });

  it('keeps ssh -O proxy, which carries a session through a master', () => {
    assert.equal(only(sessionsUnder(table(p(200, SHELL, 'ssh -O proxy prod')), SHELL)).alias, 'prod');
  });

  it('finds several sessions under one shell and none of another terminal’s', () => {
    const rows = [p(200, SHELL, 'ssh a'), p(300, 1, '/bin/bash'), p(301, 300, 'ssh b'), p(201, SHELL, 'ssh c')];
    assert.deepEqual(
      sessionsUnder(table(...rows), SHELL).map((s) => s.alias),
      ['a', 'c'],
    );
    assert.deepEqual(
      sessionsUnder(table(...rows), 300).map((s) => s.alias),
      ['b'],
    );
  });

  it('finds the session of a terminal whose own process is ssh (no shell above it), with its ProxyJump hop', () => {
    const rows = [p(400, 1, ['/usr/bin/ssh', '-t', '-J', 'jump', '--', 'host', 'tmux attach -t =main']), p(401, 400, ['ssh', '-W', '[host]:22', 'jump'])];
    const s = only(sessionsUnder(table(...rows), 400));
    assert.equal(s.alias, 'host');
    assert.equal(s.sshPid, 400);
    assert.deepEqual(
      s.helpers.map((h) => h.pid),
      [401],
    );
    assert.deepEqual(sessionsUnder(table(...rows), SHELL), [], 'not under an unrelated shell');
  });

  it('names a session by pid and start time, so a reused pid is a new session', () => {
    const first = only(sessionsUnder(table(p(200, SHELL, 'ssh a', { startTime: 5000 })), SHELL));
    const reused = only(sessionsUnder(table(p(200, SHELL, 'ssh a', { startTime: 9000 })), SHELL));
    assert.equal(first.id, '200@5000');
    assert.notEqual(first.id, reused.id);
    assert.equal(only(sessionsUnder(table(p(200, SHELL, 'ssh a', { startTime: undefined })), SHELL)).id, '200');
  });
});

describe('session diff', () => {
  it('sorts sessions into started, still running and ended by id', () => {
    const s = (id: string): { id: string; n: number } => ({ id, n: 0 });
    const d = diffSessions([s('a'), s('b')], [{ id: 'b', n: 1 }, s('c')]);
    assert.deepEqual(
      d.started.map((x) => x.id),
      ['c'],
    );
    assert.deepEqual(d.running, [{ id: 'b', n: 1 }], 'the current scan’s view');
    assert.deepEqual(
      d.ended.map((x) => x.id),
      ['a'],
    );
  });
});

describe('ssh-like commands typed at a prompt', () => {
  it('reads the first simple command after assignments and prefixes', () => {
    const t = typedSshCommand("LANG=C exec ssh -p 2222 'u@h' -- tmux new -A -s main; echo done");
    assert.equal(t?.program.kind, 'ssh');
    assert.equal(t?.invocation.destination?.host, 'h');
    assert.deepEqual(t?.invocation.command, ['tmux', 'new', '-A', '-s', 'main']);
    assert.equal(t?.compound, true);
    assert.equal(typedSshCommand('ssh h')?.compound, false);
  });

  it('recognises autossh and mosh, and refuses what is not a session or not ssh', () => {
    assert.equal(typedSshCommand('autossh -M 0 prod')?.invocation.destination?.host, 'prod');
    assert.equal(typedSshCommand('mosh u@box')?.invocation.destination?.host, 'box');
    assert.equal(typedSshCommand('ssh -G prod'), undefined);
    assert.equal(typedSshCommand('ls -l'), undefined);
    assert.equal(typedSshCommand('ssh $(pick-host)'), undefined);
    assert.equal(typedSshCommand('echo ssh host'), undefined);
  });

  it('tells ssh from names that only look like it', () => {
    assert.equal(sshProgramOf(p(1, 0, 'ssh-agent -s')), undefined);
    assert.equal(sshProgramOf(p(1, 0, ['/usr/bin/python3', 'tool.py', 'ssh'])), undefined);
    assert.equal(sshProgramOf(p(1, 0, '/usr/bin/ssh h'))?.kind, 'ssh');
  });
});
