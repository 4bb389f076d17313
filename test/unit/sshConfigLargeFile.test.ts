import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import type { Finding } from '../../src/core/sshConfig/findings';
import { lint } from '../../src/core/sshConfig/lint';

/**
 * A deterministic 2,000-host ssh_config with the mistakes people make spread
 * through it: Host blocks that share a name, wildcard and negated patterns, a
 * Match block now and then, duplicates, shadowed values, keepalive trouble,
 * typos, server keywords, removed keywords, quoting and `=` separators.
 */
function generated(hosts: number): string {
  const out = [
    '# generated for the large-file lint test',
    'IgnoreUnknown UseKeychain',
    'UseKeychain yes',
    'AddKeysToAgent yes',
    '',
    'Host bastion-1 bastion-2',
    '    HostName bastion.example.net',
    '    User jump',
    '',
    'Host web-* api-*',
    '    User deploy',
    '    IdentitiesOnly yes',
    '',
    'Host *.internal !db-*.internal',
    '    ProxyJump bastion-1',
    '',
  ];
  const roles = ['web', 'db', 'api', 'cache', 'ci'];
  for (let i = 0; i < hosts; i++) {
    // Every seventh block repeats the previous block's name: blocks that share a name.
    const n = i % 7 === 6 ? i - 1 : i;
    const role = roles[n % roles.length] as string;
    const alias = `${role}-${String(n).padStart(4, '0')}`;
    out.push(i % 120 === 19 ? `Host !${alias}` : `Host ${alias} ${alias}.internal`);
    out.push(i % 140 === 29 ? `    HostName="${alias}.example.com"` : `    HostName ${alias}.example.com`);
    out.push(`    User ${['deploy', 'ops', 'admin'][i % 3] as string}`);
    if (i % 2 === 0) {
      out.push(`    Port ${i % 90 === 11 ? '70000' : '2222'}`);
    }
    if (i % 50 === 5) {
      out.push('    IPQoS throughput');
    }
    if (i % 60 === 7) {
      out.push('    User root');
    }
    if (i % 70 === 3) {
      out.push('    ServerAliveInterval 2');
    }
    if (i % 80 === 9) {
      out.push('    ServerAliveInterval 0', '    TCPKeepAlive no');
    }
    if (i % 90 === 11) {
      out.push('    Compression maybe');
    }
    if (i % 100 === 13) {
      out.push('    ServerAliveIntervall 30');
    }
    if (i % 110 === 17) {
      out.push('    ClientAliveInterval 30');
    }
    if (i % 140 === 29) {
      out.push('    IdentityFile "~/.ssh/id ed25519"');
    }
    if (i % 150 === 31) {
      out.push('    Protocol 2');
    }
    if (i % 160 === 37) {
      out.push('    HostName b# c2');
    }
    if (i % 130 === 23) {
      out.push(`Match host ${alias}-m`, '    User matched');
    }
    out.push('');
  }
  out.push('Host *', '    ServerAliveInterval 30', '    ServerAliveCountMax 4', '    ConnectTimeout 10', '');
  return out.join('\n');
}

function summary(findings: readonly Finding[]): { counts: Record<string, number>; first: unknown[]; sha256: string } {
  const counts: Record<string, number> = {};
  for (const f of findings) {
    counts[f.code] = (counts[f.code] ?? 0) + 1;
  }
  return {
    counts,
    first: findings.slice(0, 4).map((f) => ({ code: f.code, severity: f.severity, range: f.range, message: f.message })),
    // Every finding in full: code, severity, message, range and fixes, in order.
    sha256: createHash('sha256').update(JSON.stringify(findings)).digest('hex'),
  };
}

/** What the linter reported on this file before its tokenizer and model were rewritten for speed. */
const expected = {
  counts: {
    'shadowed-setting': 1244,
    'keepalive-budget': 29,
    'ipqos-deprecated': 40,
    'duplicate-keyword': 47,
    'tcpkeepalive-off-no-alive': 25,
    'invalid-value': 23,
    'unknown-keyword': 20,
    'server-only-keyword': 19,
    'host-never-matches': 17,
    'deprecated-keyword': 14,
    'syntax': 13,
  },
  first: [
    {
      code: 'shadowed-setting',
      severity: 'warning',
      range: { start: { line: 18, character: 4 }, end: { line: 18, character: 15 } },
      message: "Never takes effect: \"Host web-* api-*\" on line 10 already sets User (deploy) for every host this block matches, and ssh uses the first value it finds. Put general defaults such as \"Host *\" at the end of the file.",
    },
    {
      code: 'shadowed-setting',
      severity: 'warning',
      range: { start: { line: 27, character: 4 }, end: { line: 27, character: 14 } },
      message: "Never takes effect: \"Host web-* api-*\" on line 10 already sets User (deploy) for every host this block matches, and ssh uses the first value it finds. Put general defaults such as \"Host *\" at the end of the file.",
    },
    {
      code: 'keepalive-budget',
      severity: 'info',
      range: { start: { line: 33, character: 4 }, end: { line: 33, character: 25 } },
      message: "A dead link is noticed after ≈ 8 s (ServerAliveInterval 2 × ServerAliveCountMax 4). That is so short that a brief Wi-Fi hiccup or a busy server ends the session.",
    },
    {
      code: 'shadowed-setting',
      severity: 'warning',
      range: { start: { line: 42, character: 4 }, end: { line: 42, character: 14 } },
      message: "Never takes effect: \"Host web-* api-*\" on line 10 already sets User (deploy) for every host this block matches, and ssh uses the first value it finds. Put general defaults such as \"Host *\" at the end of the file.",
    },
  ],
  // Since: the 25 tcpkeepalive-off-no-alive findings under `ServerAliveInterval 0` carry no fix (it was an empty edit that could not take effect).
  sha256: 'f038ed88dbb00b4fd0f8fd64a7e8767cf2d909ec09276883d2e55c1bcab05aaf',
};

describe('config lint on a large generated file', () => {
  it('[F19] reports the same findings on a 2,000-host config as before the rewrite for speed', () => {
    const findings = lint(generated(2000), { side: 'client', opensshVersion: '9.2' });
    assert.deepEqual(summary(findings), expected);
  });
});
