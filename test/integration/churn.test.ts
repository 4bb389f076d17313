import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { probeChurnProblems, runProbeChurn } from '../fixtures/probeChurn';
import { formatRecord, soakSource, writeSoakRecord } from '../fixtures/soak';
import { startSshd, type SshdFixture } from '../fixtures/sshd';

const repoRoot = path.join(__dirname, '..', '..');

/** Cycles, as the fault matrix asks (about a minute on two cores). */
const cycles = 1000;

describe('Probe churn against a real sshd', () => {
  let sshd: SshdFixture | undefined;

  after(async () => {
    await sshd?.stop();
  });

  it(`[F26] ${cycles.toLocaleString('en-US')} probe connect/drop cycles, dropped in turn by the client and by the server, leave no fds, handles, listeners, heap, processes or sockets behind`, async function () {
    this.timeout(10 * 60_000);
    sshd = await startSshd();
    const result = await runProbeChurn({ sshd, cycles, source: soakSource() });
    const file = writeSoakRecord(repoRoot, result.record);
    process.stdout.write(`${formatRecord(result.record).replace(/^/gm, '      ')}\n      → ${path.relative(repoRoot, file)}\n`);
    assert.deepEqual(probeChurnProblems(result), []);
  });
});
