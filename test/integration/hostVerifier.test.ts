import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { Client } from 'ssh2';
import { strictHostVerifier } from '../../src/core/probe/hostVerifier';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

/**
 * Fault-matrix row 9 against the installed ssh2 and a real sshd: ssh2 takes a
 * non-boolean answer from `hostVerifier` as "accept" (the reason the wrapper
 * exists), and the wrapper turns it into a rejection before authentication.
 */
function connect(sshd: SshdFixture, identity: Buffer, hostVerifier: (key: Buffer) => boolean): Promise<'ready' | string> {
  return new Promise((resolve) => {
    const client = new Client();
    client.once('ready', () => {
      client.end();
      resolve('ready');
    });
    client.once('error', (err) => resolve(err.message));
    client.connect({ host: '127.0.0.1', port: sshd.port, username: sshd.user, privateKey: identity, readyTimeout: 10_000, hostVerifier });
  });
}

describe('host key verifier answers (installed ssh2, real sshd)', function () {
  this.timeout(30_000);
  let sshd: SshdFixture | undefined;
  let identity = Buffer.alloc(0);

  before(async () => {
    sshd = await startSshd();
    identity = await readFile(sshd.identityPath);
  });
  after(async () => sshd?.stop());

  it('[F9] ssh2 alone accepts a verifier that answers 0; wrapped, the same verifier is refused before authentication', async () => {
    const s = sshd as SshdFixture;
    const zero = (_key: Buffer): boolean => 0 as unknown as boolean;
    assert.equal(await connect(s, identity, zero), 'ready', 'ssh2 takes 0 as accept (if this changes, FACTS.md changes)');
    const logBefore = (await readFile(s.logPath, 'utf8')).length;
    const refused = await connect(s, identity, strictHostVerifier(zero));
    assert.match(refused, /verification failed|denied/i);
    const sshdLog = (await readFile(s.logPath, 'utf8')).slice(logBefore);
    assert.doesNotMatch(sshdLog, /Accepted publickey|userauth-request/, sshdLog);
  });
});
