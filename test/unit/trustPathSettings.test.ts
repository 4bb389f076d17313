import { strict as assert } from 'node:assert';
import { checkPathSetting, isInside, parseJsonc, settingInJson, untrustedRefusal } from '../../src/core/trust/pathSettings';

const home = '/home/alice';

describe('trust: program and config-file settings', () => {
  it('treats unset, null and blank values as the default', () => {
    for (const raw of [undefined, null, '', '   ']) {
      assert.deepEqual(checkPathSetting('ssh.path', raw, home), { kind: 'default' });
    }
  });

  it('[F16] accepts absolute program paths, normalised', () => {
    assert.deepEqual(checkPathSetting('ssh.path', '/opt/openssh/bin//ssh', home), { kind: 'ok', value: '/opt/openssh/bin/ssh' });
    assert.deepEqual(checkPathSetting('sshd.path', '/usr/sbin/sshd', home), { kind: 'ok', value: '/usr/sbin/sshd' });
  });

  it('[F16] refuses a bare or relative program name, which PATH or the current folder would decide', () => {
    for (const raw of ['ssh', './bin/ssh', 'bin/ssh', '~/bin/ssh']) {
      const checked = checkPathSetting('ssh.path', raw, home);
      assert.equal(checked.kind, 'invalid', raw);
      assert.match(checked.kind === 'invalid' ? checked.problem : '', /absolute path \(such as \/usr\/bin\/ssh\)/);
    }
    assert.match(JSON.stringify(checkPathSetting('sshd.path', 'sshd', home)), /such as \/usr\/sbin\/sshd/);
  });

  it('[F16] refuses line breaks and NUL in any of the three', () => {
    for (const key of ['ssh.path', 'sshd.path', 'ssh.configFile'] as const) {
      for (const raw of ['/usr/bin/ssh\n-oProxyCommand=x', '/tmp/a\rb', '/tmp/a\0b']) {
        assert.deepEqual(checkPathSetting(key, raw, home), { kind: 'invalid', problem: 'it contains a line break or NUL' });
      }
    }
  });

  it('refuses values that are not strings', () => {
    assert.deepEqual(checkPathSetting('ssh.configFile', 42, home), { kind: 'invalid', problem: 'expected a path, got number' });
    assert.equal(checkPathSetting('ssh.path', ['/usr/bin/ssh'], home).kind, 'invalid');
  });

  it('expands ~/ for the config file only', () => {
    assert.deepEqual(checkPathSetting('ssh.configFile', '~/.ssh/work', home), { kind: 'ok', value: '/home/alice/.ssh/work' });
    assert.deepEqual(checkPathSetting('ssh.configFile', '/etc/ssh/ssh_config', home), { kind: 'ok', value: '/etc/ssh/ssh_config' });
    assert.match(JSON.stringify(checkPathSetting('ssh.configFile', 'work_config', home)), /absolute path or one starting with ~\//);
  });

  it('tells inside from outside by whole path components', () => {
    assert.equal(isInside('/w/repo', '/w/repo'), true);
    assert.equal(isInside('/w/repo', '/w/repo/.ssh/config'), true);
    assert.equal(isInside('/w/repo', '/w/repo/../other/config'), false);
    assert.equal(isInside('/w/repo', '/w/repo-2/config'), false);
    assert.equal(isInside('/w/repo', '/w/..repo/x'), false);
    assert.equal(isInside('/w/repo', '/w/repo/..x/config'), true);
  });

  it('parses settings JSON with comments and trailing commas, and finds flat and nested keys', () => {
    const text = [
      '\uFEFF{',
      '  // a comment with "quotes" and a comma,',
      '  "sshLifeline.ssh.path": "/w/evil // not a comment",',
      '  /* block, */ "sshLifeline": { "sshd": { "path": "/w/sshd", }, },',
      '  "escaped": "a\\"b,",',
      '}',
    ].join('\n');
    const tree = parseJsonc(text);
    assert.equal(settingInJson(tree, 'sshLifeline.ssh.path'), '/w/evil // not a comment');
    assert.equal(settingInJson(tree, 'sshLifeline.sshd.path'), '/w/sshd');
    assert.equal(settingInJson(tree, 'sshLifeline.ssh.configFile'), undefined);
    assert.equal(settingInJson(tree, 'escaped'), 'a"b,');
    assert.equal(parseJsonc('{ "a": '), undefined);
    assert.equal(settingInJson('not an object', 'a'), undefined);
  });

  it('says what was refused and that trusting the workspace allows it', () => {
    assert.equal(
      untrustedRefusal.sshG('repo/ssh_config'),
      'SSH Lifeline: the workspace is not trusted, so it will not run ssh -G on repo/ssh_config. Trust the workspace to see effective values.',
    );
    for (const message of [
      untrustedRefusal.sshdT('sshd_config'),
      untrustedRefusal.persistentTerminal('trust/ssh_config', 'prod'),
      untrustedRefusal.reconnect('trust/ssh_config', 'prod', 'workspace'),
      untrustedRefusal.reconnect('conf', 'prod', 'unknown'),
    ]) {
      assert.match(message, /^SSH Lifeline: the workspace is not trusted, so it will not (run|start) (ssh|sshd) .*\. Trust the workspace to /);
    }
  });
});
