import { strict as assert } from 'node:assert';
import { looksLikeOtherSide } from '../../src/cli/sideCheck';
import { detectSide } from '../../src/node/configFiles';

describe('cli: which side a file is', () => {
  it('knows server files by name (sshd_config, its editor and package leftovers, sshd_config.d/*)', () => {
    assert.deepEqual(detectSide('/etc/ssh/sshd_config'), { side: 'server', detectedByName: true });
    assert.deepEqual(detectSide('/etc/ssh/sshd_config.ucf-dist'), { side: 'server', detectedByName: true });
    assert.deepEqual(detectSide('/etc/ssh/sshd_config.d/50-cloud-init.conf'), { side: 'server', detectedByName: true });
    assert.deepEqual(detectSide('sshd_config.d/x'), { side: 'server', detectedByName: true });
  });

  it('knows client files by name, and guesses client for the rest', () => {
    assert.deepEqual(detectSide('/home/u/.ssh/config'), { side: 'client', detectedByName: true });
    assert.deepEqual(detectSide('/etc/ssh/ssh_config'), { side: 'client', detectedByName: true });
    assert.deepEqual(detectSide('/etc/ssh/ssh_config.d/20-x.conf'), { side: 'client', detectedByName: true });
    assert.deepEqual(detectSide('/home/u/.ssh/work'), { side: 'client', detectedByName: true });
    assert.deepEqual(detectSide('/tmp/hardened.conf'), { side: 'client', detectedByName: false });
  });

  it('a guessed client file full of server keywords reads like a server file', () => {
    assert.equal(looksLikeOtherSide('Port 22\nClientAliveInterval 60\nPermitRootLogin no\n', 'client'), true);
    assert.equal(looksLikeOtherSide('Host a\n    ServerAliveInterval 60\n', 'server'), true);
  });

  it('but the classic mistake (a few server keywords in a client file with Host blocks) stays a client file', () => {
    assert.equal(looksLikeOtherSide('Host *\n    ClientAliveInterval 60\n    ClientAliveCountMax 3\n    ConnectTimeout 10\n', 'client'), false);
    assert.equal(looksLikeOtherSide('Host a\n    HostName b\n', 'client'), false);
    assert.equal(looksLikeOtherSide('', 'client'), false);
    assert.equal(looksLikeOtherSide('Port 22\n', 'client'), false);
  });
});
