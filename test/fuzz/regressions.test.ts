/**
 * Inputs the fuzz properties found, shrunk, kept so that they run on every
 * `npm run test:fuzz` whatever the seed. Each case names the property that
 * found it and what went wrong.
 */
import { strict as assert } from 'node:assert';
import { lint } from '../../src/core/sshConfig/lint';

describe('fuzz regressions: ssh_config', () => {
  it('[F19] a 1 MB unknown keyword is reported at once, without a "did you mean" (it used to cost its length times every keyword)', () => {
    const junk = 'x'.repeat(1_000_000);
    const findings = lint(`${junk} y\nHost *\n  ServerAliveInterval 15\n  ConnectTimeout 5\n`, { side: 'client' });
    assert.deepEqual(findings.map((f) => f.code), ['unknown-keyword']);
    assert.deepEqual(findings[0]?.fixes, []);
    // A near miss still gets its suggestion.
    assert.match(lint('ServerAliveIntervall 15\n', { side: 'client' })[0]?.message ?? '', /Did you mean ServerAliveInterval\?/);
  });
});
