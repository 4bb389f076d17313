/**
 * Config files with known mistakes for the config doctor suite. Plain data:
 * setup.ts writes them into the test workspace, the suite asserts against them.
 */

/** A user-style ssh_config with one mistake per rule on known lines (positions in the suite). */
export const clientFixture = [
  '# Config doctor fixture: known mistakes on known lines.',
  'Host *',
  '    ServerAliveInterval 30',
  '    ClientAliveInterval 60',
  '    IPQoS throughput',
  '',
  'Host prod',
  '    HostName prod.example.org',
  '    ServerAliveInterval 15',
  '    Port 22',
  '    Port 2222',
  '    Compresion yes',
  '',
].join('\n');

/** An sshd_config with a client keyword, a zero count and a keyword Match does not allow. */
export const serverFixture = [
  '# sshd fixture',
  'Port 2222',
  'ServerAliveInterval 30',
  'ClientAliveCountMax 0',
  'Match User alice',
  '    Port 2200',
  '',
].join('\n');

/** Clean except for its mode, which setup.ts makes group-writable. */
export const looseModeFixture = ['Host *', '    ServerAliveInterval 15', '    ServerAliveCountMax 4', '    ConnectTimeout 10', '    IPQoS throughput', ''].join('\n');
export const looseMode = 0o664;

/** Clean except for the UTF-8 byte order mark in front, which OpenSSH reads as part of "Host". */
export const bomFixture = ['\uFEFFHost *', '    ServerAliveInterval 15', '    ServerAliveCountMax 4', '    ConnectTimeout 10', ''].join('\n');

/** Includes a file that does not exist and, by absolute path, itself. */
export function includeFixture(selfPath: string): string {
  return ['Include /nonexistent-lifeline/extra.conf', `Include ${selfPath}`, 'Host *', '    ServerAliveInterval 15', '    ConnectTimeout 10', ''].join('\n');
}

/** Workspace-relative paths of the fixtures; each test owns its own file so edits do not leak between tests. */
export const doctorPaths = {
  diagnostics: 'doctor/diagnostics/ssh_config',
  quickFix: 'doctor/quickfix/ssh_config',
  fixAll: 'doctor/fixall/ssh_config',
  settings: 'doctor/settings/ssh_config',
  server: 'doctor/server/sshd_config',
  serverFixAll: 'doctor/serverfix/sshd_config',
  looseMode: 'doctor/ssh_config.d/loose.conf',
  include: 'doctor/include/ssh_config',
  bom: 'doctor/bom/ssh_config',
} as const;
