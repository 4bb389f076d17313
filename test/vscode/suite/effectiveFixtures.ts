/**
 * Files for the effective-values / sshd -t suite. Plain data: setup.ts writes
 * the workspace ones, the suite writes the one that must live under ~/.ssh.
 */

/** An sshd_config with what the real sshd complains about on known lines (positions in the suite). */
export const sshdBrokenFixture = [
  '# sshd -t fixture: what the real sshd says, on known lines.',
  'Port 2222',
  'UsePrivilegeSeparation sandbox',
  'ServerAliveInterval 30',
  'ClientAliveInterval soon',
  '',
].join('\n');

/** The same file, repaired. */
export const sshdFixedFixture = ['# sshd -t fixture: what the real sshd says, on known lines.', 'Port 2222', 'ClientAliveInterval 30', ''].join('\n');

/** The user's own ssh config the lens suite writes under ~/.ssh (lines: Host at 0, 6, 9). */
export const ownConfigFixture = [
  'Host build-box',
  '    HostName build.example.org',
  '    User alice',
  '    ServerAliveInterval 15',
  '    ServerAliveCountMax 4',
  '',
  'Host *.internal',
  '    ProxyJump bastion.example.org',
  '',
  'Host *',
  '    ConnectTimeout 10',
  '',
].join('\n');

/** Workspace-relative paths; each test owns its file. */
export const effectivePaths = {
  sshdBroken: 'effective/sshd/sshd_config',
  sshdGated: 'effective/sshd-gated/sshd_config',
  /** An ssh_config in the workspace that is not the user's: ssh -G must never run on it. */
  workspaceSshConfig: 'effective/repo/.ssh/config',
} as const;

/** A workspace ssh_config whose Match exec would leave a mark if anything ran it. */
export function workspaceSshConfigFixture(marker: string): string {
  return [`Match exec "touch ${marker}"`, '    User pwned', 'Host *', '    ServerAliveInterval 15', ''].join('\n');
}

/** Where the workspace fixture's Match exec would leave its mark, relative to the workspace. */
export const workspaceMarker = 'effective/repo/MATCH-EXEC-RAN';
