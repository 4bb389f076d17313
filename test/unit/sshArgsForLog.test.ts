import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { sshArgsForLog } from '../../src/core/sshArgs/forLog';

describe('ssh command lines for the log', () => {
  it('[F25] keeps options and the destination, shows a remote command only by its word count', () => {
    assert.equal(sshArgsForLog(['-p', '2222', 'db', 'mysql', '-pHunter2']), '-p 2222 db [remote command: 2 words]');
    assert.equal(sshArgsForLog(['db', 'PGPASSWORD=s3cret psql']), 'db [remote command: 1 word]');
    assert.equal(sshArgsForLog(['-t', 'web']), '-t web');
  });

  it('[F25] hides -o values that are commands or environment values (ProxyCommand tokens, SetEnv)', () => {
    const shown = sshArgsForLog(['-o', 'ProxyCommand=cloudflared access ssh --hostname %h --token T0KEN', '-oSetEnv=API_KEY=abc123', '-o', 'ServerAliveInterval=15', 'h']);
    assert.equal(shown, '-o proxycommand=[hidden] -o setenv=[hidden] -o ServerAliveInterval=15 h');
  });

  it('[F25] names a tmux or screen command and its session (the reattach log needs them), nothing else of it', () => {
    assert.equal(sshArgsForLog(['-t', 'h', 'tmux', 'new-session', '-A', '-s', 'main']), '-t h [remote tmux command, session main]');
    assert.equal(sshArgsForLog(['h', 'screen', '-dr', 'work']), 'h [remote screen command, session work]');
  });

  it('[F25] never shows a word that came after the destination, unless it is an option ssh reads (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((s) => `SECRET${s}`);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('-t', '-v', '-4', '-p22'), { maxLength: 3 }), secret, fc.array(fc.constantFrom('echo', 'sudo', 'mysql', "'x y'"), { maxLength: 3 }), (opts, pw, words) => {
        const shown = sshArgsForLog([...opts, 'host', ...words, pw]);
        assert.ok(!shown.includes(pw), shown);
      }),
    );
  });
});
