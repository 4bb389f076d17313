import { strict as assert } from 'node:assert';
import type { HealthSnapshot } from '../../src/core/health/health';
import {
  accessibilityLabel,
  aggregateStatusText,
  escapeMarkdown,
  hostStatusText,
  tooltipMarkdown,
  worstState,
  type HostView,
} from '../../src/core/health/present';

const snap = (over: Partial<HealthSnapshot> = {}): HealthSnapshot => ({
  state: 'up',
  reason: 'answering',
  since: 0,
  lastRttMs: 0.42,
  medianRttMs: 0.5,
  p95RttMs: 1.25,
  loss: 0,
  lastContact: 9_000,
  history: [0.4, 0.5, null, 0.6],
  answered: 4,
  sent: 4,
  ...over,
});
const view = (label: string, s: Partial<HealthSnapshot> = {}, over: Partial<HostView> = {}): HostView => ({
  key: `u@${label}:22`,
  label,
  snapshot: snap(s),
  probe: 'ssh',
  sshNotices: { seconds: 45, upToSeconds: 60 },
  sessions: 1,
  ...over,
});
const commands = { showLog: 'command:sshLifeline.showLog', openConfig: 'command:sshLifeline.openSshConfig' };

describe('heartbeat presentation', () => {
  it('shows the host and its round trip when up, the state and its age otherwise', () => {
    assert.equal(hostStatusText(view('prod'), 10_000), '$(pulse) prod 0.42 ms');
    assert.equal(hostStatusText(view('prod', { state: 'down', since: 2_000 }), 14_000), '$(error) prod down 12 s');
    assert.equal(hostStatusText(view('prod', { state: 'degraded', lastRttMs: 1500 }), 0), '$(warning) prod degraded 1.5 s');
    assert.equal(hostStatusText(view('prod', { state: 'untrusted-host-key' }), 0), '$(shield) prod untrusted host key');
  });

  it('sums up several hosts by state, worst icon first', () => {
    const hosts = [view('a'), view('b', { state: 'down' }), view('c')];
    assert.equal(aggregateStatusText(hosts), '$(error) SSH 2 up · 1 down');
    assert.equal(worstState(['up', 'degraded', 'unknown']), 'degraded');
    assert.equal(worstState([]), undefined);
  });

  it('gives screen readers words, not icons', () => {
    assert.equal(accessibilityLabel([view('prod')], 0), 'SSH prod up, round trip 0 milliseconds');
    assert.equal(accessibilityLabel([view('db', { state: 'down', since: 0 })], 65_000), 'SSH db down for 65 s');
  });

  it('escapes everything that came from a config or a server in the tooltip', () => {
    const md = tooltipMarkdown([view('[x](command:evil)', { state: 'down', reason: '<img src=x> **bold** `code`' })], 10_000, commands);
    assert.ok(!md.includes('[x](command:evil)'), md);
    assert.ok(md.includes('\\[x\\]\\(command\\:evil\\)'), md);
    assert.ok(md.includes('\\<img') && !/[^\\]<img/.test(md), md);
    assert.equal(escapeMarkdown('a\u0007b\u001b[31m'), 'a\uFFFDb\uFFFD\\[31m');
  });

  it('lists RTT statistics, loss, last contact, the sparkline and what ssh itself would notice', () => {
    const md = tooltipMarkdown([view('prod', { loss: 0.25 })], 12_000, commands);
    assert.match(md, /\*\*prod\*\* — up/);
    assert.match(md, /round trip 0\.42 ms · median 0\.50 ms · p95 1\.25 ms/);
    assert.match(md, /late or lost 25 %/);
    assert.match(md, /last contact 3 s ago/);
    assert.match(md, /`[▁▂▃▄▅▆▇█·]+`/);
    assert.match(md, /ssh itself notices a dead link after ≈ 45 s–60 s/);
    assert.match(md, /\[Show log\]\(command:sshLifeline\.showLog\) · \[Open ssh config\]\(command:sshLifeline\.openSshConfig\)$/);
  });

  it('says when ssh itself would never notice, and how a banner-only host is checked', () => {
    assert.match(tooltipMarkdown([view('a', {}, { sshNotices: 'never' })], 0, commands), /never \(no ServerAliveInterval and TCPKeepAlive no\)/);
    assert.match(tooltipMarkdown([view('a', {}, { sshNotices: 'tcp-only' })], 0, commands), /after hours/);
    assert.match(tooltipMarkdown([view('a', {}, { probe: 'banner' })], 0, commands), /SSH banner/);
    assert.match(tooltipMarkdown([], 0, commands), /^No SSH session in a terminal\./);
  });
});
