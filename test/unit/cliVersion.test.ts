import { strict as assert } from 'node:assert';
import { parseOpenSshVersion } from '../../src/core/sshConfig/version';
import { localOpenSshVersion } from '../../src/node/configFiles';

describe('cli: OpenSSH version from ssh -V / sshd -V', () => {
  it('reads ssh -V (Debian 12), sshd -V (no portable suffix), macOS and Windows banners', () => {
    assert.deepEqual(parseOpenSshVersion('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\n'), {
      release: '9.2',
      full: '9.2p1',
      line: 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026',
    });
    assert.equal(parseOpenSshVersion('OpenSSH_9.2, OpenSSL 3.0.19 27 Jan 2026')?.full, '9.2');
    assert.equal(parseOpenSshVersion('OpenSSH_9.8p1, LibreSSL 3.3.6')?.release, '9.8');
    assert.equal(parseOpenSshVersion('OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2')?.release, '9.5');
    assert.equal(parseOpenSshVersion('OpenSSH_10.2p1 Ubuntu-1, OpenSSL 3.5.0')?.release, '10.2');
  });

  it('finds the version inside an older sshd usage text', () => {
    const out = 'unknown option -- V\nOpenSSH_8.4p1 Debian-5+deb11u3, OpenSSL 1.1.1w  11 Sep 2023\nusage: sshd [-46DdeiqTt] [-C connection_spec] [-c host_cert_file]\n';
    assert.equal(parseOpenSshVersion(out)?.release, '8.4');
  });

  it('gives up on other implementations and on errors', () => {
    assert.equal(parseOpenSshVersion('Dropbear v2022.83'), undefined);
    assert.equal(parseOpenSshVersion('Sun_SSH_1.1.4, SSH protocols 1.5/2.0'), undefined);
    assert.equal(parseOpenSshVersion(''), undefined);
  });

  it('asks sshd for server files and falls back to ssh; runs nothing but "-V"', () => {
    const asked: string[] = [];
    const runner = (answers: Record<string, string | undefined>) => (program: string): string | undefined => {
      asked.push(program);
      return answers[program];
    };
    assert.equal(localOpenSshVersion('server', runner({ '/usr/sbin/sshd': 'OpenSSH_9.2, OpenSSL 3.0.19', ssh: 'OpenSSH_9.9p1' }))?.release, '9.2');
    assert.deepEqual(asked, ['/usr/sbin/sshd']);
    asked.length = 0;
    assert.equal(localOpenSshVersion('server', runner({ ssh: 'OpenSSH_9.9p1 x' }))?.release, '9.9');
    assert.deepEqual(asked, ['/usr/sbin/sshd', '/usr/local/sbin/sshd', 'sshd', 'ssh']);
    asked.length = 0;
    assert.equal(localOpenSshVersion('client', runner({ '/usr/sbin/sshd': 'OpenSSH_9.2', ssh: 'OpenSSH_10.0p2' }))?.release, '10.0');
    assert.deepEqual(asked, ['ssh']);
    assert.equal(localOpenSshVersion('client', runner({})), undefined);
  });
});
