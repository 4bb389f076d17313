import { strict as assert } from 'node:assert';
import { defaultHeartbeatSettings } from '../../src/core/health/health';
import { parseWatchArgs, settingsForInterval } from '../../src/cli/watchCommand';

describe('ssh-lifeline watch arguments', () => {
  it('takes hosts, --json, --interval and -F in any order', () => {
    assert.deepEqual(parseWatchArgs(['--json', 'a', '-F', 'cfg', '--interval', '5', 'b']), {
      kind: 'run',
      args: { json: true, intervalSeconds: 5, configFile: 'cfg', hosts: ['a', 'b'] },
    });
    assert.deepEqual(parseWatchArgs(['-Fcfg', '--interval=0.5', 'a']), {
      kind: 'run',
      args: { json: false, intervalSeconds: 0.5, configFile: 'cfg', hosts: ['a'] },
    });
  });

  it('treats words after -- as hosts, and still checks them as ssh would', () => {
    assert.deepEqual(parseWatchArgs(['--', 'host']), { kind: 'run', args: { json: false, intervalSeconds: undefined, configFile: undefined, hosts: ['host'] } });
    assert.deepEqual(parseWatchArgs(['--', '-oProxyCommand=x']).kind, 'error');
    assert.match(JSON.stringify(parseWatchArgs(['a;b'])), /not a host name ssh would accept/);
  });

  it('refuses a missing host, a bad interval and unknown options with a reason', () => {
    assert.match(JSON.stringify(parseWatchArgs([])), /no HOST given/);
    assert.match(JSON.stringify(parseWatchArgs(['--interval', 'x', 'a'])), /between 0\.2 and 3600/);
    assert.match(JSON.stringify(parseWatchArgs(['--interval', '0', 'a'])), /between 0\.2 and 3600/);
    assert.match(JSON.stringify(parseWatchArgs(['--interval'])), /between 0\.2 and 3600/);
    assert.match(JSON.stringify(parseWatchArgs(['-x', 'a'])), /unknown option '-x'/);
    assert.deepEqual(parseWatchArgs(['a', '--help']), { kind: 'help' });
  });

  it('scales the degraded and down thresholds with the interval', () => {
    assert.equal(settingsForInterval(undefined), defaultHeartbeatSettings);
    const s = settingsForInterval(10);
    assert.equal(s.intervalMs, 10_000);
    assert.equal(s.downAfterMs, (defaultHeartbeatSettings.downAfterMs * 10_000) / defaultHeartbeatSettings.intervalMs);
    assert.ok(s.degradedAfterMs > s.intervalMs && s.downAfterMs > s.degradedAfterMs);
  });
});
