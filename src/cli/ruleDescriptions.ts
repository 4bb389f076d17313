import type { FindingCode } from '../core/sshConfig/findings';

/**
 * One line per finding code for SARIF `rules[].shortDescription` (the same
 * words as the titles of docs/rules/<code>.md). A Record, so a new code does
 * not compile until it has one.
 */
export const ruleDescriptions: Readonly<Record<FindingCode, string>> = {
  syntax: 'OpenSSH cannot parse this line',
  bom: 'The file starts with a byte order mark',
  'unknown-keyword': 'OpenSSH does not know this keyword',
  'invalid-value': 'The keyword does not accept this value',
  'duplicate-keyword': 'This keyword is already set in the same block',
  'tcpkeepalive-off-no-alive': 'Nothing will ever notice a dead connection',
  'deprecated-keyword': 'An old name, or a keyword that no longer does anything',
  'server-only-keyword': 'An sshd_config keyword in ssh_config',
  'keepalive-missing': 'No ServerAliveInterval for these hosts',
  'keepalive-budget': 'Keepalive timing that is too short or too long',
  'ipqos-deprecated': 'IPQoS with old type-of-service names',
  'shadowed-setting': 'This setting never takes effect',
  'host-never-matches': 'A Host line that matches no host',
  'include-missing': 'An Include that adds nothing',
  'include-cycle': 'Includes that loop or nest too deep',
  'bad-permissions': 'ssh will refuse this file',
  'connecttimeout-missing': 'Connecting to an unreachable host waits minutes',
  'client-only-keyword': 'An ssh_config keyword in sshd_config',
  'not-allowed-in-match': 'sshd does not allow this keyword inside Match',
  'clientalive-missing': 'sshd never checks that clients are still there',
  'clientalive-countmax-zero': 'ClientAliveCountMax 0 does not drop idle clients',
};
