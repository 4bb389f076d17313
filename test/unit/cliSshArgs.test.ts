import { strict as assert } from 'node:assert';
import { connectAdditions, parseSshCommandArgs } from '../../src/cli/sshCommand';
import { parseSshArgs } from '../../src/core/sshArgs/parse';
import { escapeCharOf } from '../../src/node/reattach/effectiveOptions';

function run(argv: string[]): { kind: string; message?: string; name?: string; kindOf?: string; host?: string } {
  const r = parseSshCommandArgs(argv);
  if (r.kind === 'run') {
    return { kind: 'run', name: r.args.target.name, kindOf: r.args.target.kind, host: r.args.invocation.destination?.raw ?? '' };
  }
  return r.kind === 'error' ? { kind: 'error', message: r.message } : { kind: r.kind };
}

describe('ssh-lifeline ssh arguments', () => {
  it('takes --tmux NAME, --tmux=NAME or --screen NAME before the ssh arguments', () => {
    assert.deepEqual(run(['--tmux', 'main', '-p', '2222', 'user@host']), { kind: 'run', name: 'main', kindOf: 'tmux', host: 'user@host' });
    assert.deepEqual(run(['--tmux=work', 'host']), { kind: 'run', name: 'work', kindOf: 'tmux', host: 'host' });
    assert.deepEqual(run(['--screen', 'main', '-F', 'cfg', 'host', '-v']), { kind: 'run', name: 'main', kindOf: 'screen', host: 'host' });
  });

  it('stores a tmux name as tmux does: c.d is c_d', () => {
    assert.equal(run(['--tmux', 'c.d', 'host']).name, 'c_d');
  });

  it('needs exactly one session option', () => {
    assert.match(run(['host']).message ?? '', /--tmux NAME or --screen NAME/);
    assert.match(run(['--tmux', 'a', '--screen', 'b', 'host']).message ?? '', /exactly one/);
    assert.match(run(['--tmux']).message ?? '', /--tmux needs a session name/);
  });

  it('refuses hostile names with the name check’s own reason, the next word always being the name', () => {
    assert.match(run(['--tmux', 'x$(touch M);y', 'host']).message ?? '', /contains "\$"/);
    assert.match(run(['--tmux', 'a\nb', 'host']).message ?? '', /contains "\\n"/);
    assert.match(run(['--tmux', '-t', 'host']).message ?? '', /starts with "-"/);
    assert.match(run(['--tmux=', 'host']).message ?? '', /is empty/);
  });

  it('refuses a remote command, a missing host and a host ssh would not take', () => {
    assert.match(run(['--tmux', 'main', 'host', 'uptime']).message ?? '', /a remote command cannot be given/);
    assert.match(run(['--tmux', 'main', '-p', '22']).message ?? '', /no HOST given/);
    assert.match(run(['--tmux', 'main', '--', '-oProxyCommand=x']).message ?? '', /not a host name ssh accepts/);
    assert.match(run(['--tmux', 'main', 'a;b']).message ?? '', /not a host name ssh accepts/);
    assert.match(run(['--tmux', 'main', '-p']).message ?? '', /ssh would refuse these arguments: option requires an argument -- p/);
  });

  it('refuses ssh options that contradict an interactive session', () => {
    for (const flag of ['-N', '-f', '-T', '-W', '-n', '-s']) {
      const args = flag === '-W' ? [flag, 'h:1', 'host'] : [flag, 'host'];
      assert.match(run(['--tmux', 'main', ...args]).message ?? '', new RegExp(`ssh option ${flag} `), flag);
    }
  });

  it('answers --help only among its own options', () => {
    assert.deepEqual(run(['--help']), { kind: 'help' });
    assert.deepEqual(run(['--tmux', 'main', '-h']), { kind: 'help' });
  });
});

describe('ssh-lifeline ssh: what is added to the user’s options', () => {
  const effective = (serverAliveInterval: number, connectTimeout: number | undefined): { serverAliveInterval: number; connectTimeout: number | undefined; escapeChar: string } => ({
    serverAliveInterval,
    connectTimeout,
    escapeChar: '~',
  });

  it('adds keepalives only when the effective ServerAliveInterval is 0 and the command line does not set it', () => {
    assert.deepEqual(connectAdditions(parseSshArgs(['host']), effective(0, 7)), { keepalive: { intervalSeconds: 10, countMax: 3 } });
    assert.deepEqual(connectAdditions(parseSshArgs(['host']), effective(30, 7)), {});
    assert.deepEqual(connectAdditions(parseSshArgs(['-o', 'ServerAliveInterval=0', 'host']), effective(0, 7)), {});
  });

  it('adds a connect timeout only when there is none', () => {
    assert.deepEqual(connectAdditions(parseSshArgs(['host']), effective(15, undefined)), { connectTimeoutSeconds: 5 });
    assert.deepEqual(connectAdditions(parseSshArgs(['host']), undefined), {});
  });

  it('reads the escape character as ssh -G prints it', () => {
    assert.equal(escapeCharOf('~'), '~');
    assert.equal(escapeCharOf('none'), undefined);
    assert.equal(escapeCharOf('\\^]'), '\x1d');
    assert.equal(escapeCharOf(undefined), undefined);
  });
});
