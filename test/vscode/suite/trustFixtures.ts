/**
 * The restricted pass's workspace (fault-matrix rows 15 and 16): a workspace
 * that is not trusted, whose settings aim `sshLifeline.ssh.path`,
 * `sshLifeline.sshd.path` and `sshLifeline.ssh.configFile` at its own hostile
 * files. Each of them leaves a marker file if anything runs it. The runner
 * writes these next to what setup.ts writes; the suite reads the paths.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Workspace-relative paths. */
export const trustPaths = {
  /** The hostile `sshLifeline.ssh.path`: a script that leaves a marker. */
  sshProgram: 'trust/bin/ssh',
  /** The hostile `sshLifeline.sshd.path`. */
  sshdProgram: 'trust/bin/sshd',
  /** The hostile `sshLifeline.ssh.configFile`: `Match exec` and a ProxyCommand that leave markers. */
  sshConfig: 'trust/ssh_config',
  /** An sshd_config with what `sshd -t` would complain about (and our own rules too). */
  sshdConfig: 'trust/sshd_config',
  /** The suite copies the fixture sshd's client config here, for a session whose `-F` file is in the workspace. */
  reconnectConfig: 'trust/reconnect/ssh_config',
  /** Where the markers would appear; the directory exists and must stay empty. */
  markers: 'trust/markers',
} as const;

/** Each way something could have run, and the marker it would leave (relative to {@link trustPaths.markers}). */
export const trustMarkers = {
  sshProgram: 'ssh-path-ran',
  sshdProgram: 'sshd-path-ran',
  matchExec: 'config-match-exec-ran',
  proxyCommand: 'config-proxycommand-ran',
} as const;

/** The ssh_config the hostile setting names (also opened in the editor: lint, hover and quick-fixes run nothing). */
export function hostileSshConfig(markersDir: string): string {
  return [
    '# A workspace ssh_config that runs commands if anything evaluates it.',
    `Match exec "touch ${path.join(markersDir, trustMarkers.matchExec)}"`,
    '    User pwned',
    '',
    'Host *',
    `    ProxyCommand touch ${path.join(markersDir, trustMarkers.proxyCommand)}`,
    '    ClientAliveInterval 30',
    '',
  ].join('\n');
}

/** Positions in {@link hostileSshConfig} the suite checks (zero-based). */
export const hostileSshConfigLines = { proxyCommand: 5, clientAliveInterval: 6 } as const;

/** An sshd_config with a client keyword (our rule) and a bad time value (sshd's own complaint). */
export const hostileSshdConfig = ['# sshd_config in an untrusted workspace.', 'Port 2222', 'ServerAliveInterval 30', 'ClientAliveInterval soon', ''].join('\n');

/** The settings the workspace tries to impose (absolute paths into the workspace). */
export function hostileSettings(workspace: string): Record<string, string> {
  return {
    'sshLifeline.ssh.path': path.join(workspace, trustPaths.sshProgram),
    'sshLifeline.sshd.path': path.join(workspace, trustPaths.sshdProgram),
    'sshLifeline.ssh.configFile': path.join(workspace, trustPaths.sshConfig),
  };
}

/** Writes the hostile files and adds the hostile settings to the workspace's `.vscode/settings.json` (written by setup.ts). */
export async function writeRestrictedWorkspace(workspace: string): Promise<void> {
  const at = (relativePath: string): string => path.join(workspace, relativePath);
  const markersDir = at(trustPaths.markers);
  await mkdir(markersDir, { recursive: true });
  await mkdir(path.dirname(at(trustPaths.sshProgram)), { recursive: true });
  await mkdir(path.dirname(at(trustPaths.reconnectConfig)), { recursive: true });
  const script = (marker: string): string => `#!/bin/sh\ntouch '${path.join(markersDir, marker)}'\nexit 0\n`;
  await writeFile(at(trustPaths.sshProgram), script(trustMarkers.sshProgram));
  await writeFile(at(trustPaths.sshdProgram), script(trustMarkers.sshdProgram));
  await chmod(at(trustPaths.sshProgram), 0o755);
  await chmod(at(trustPaths.sshdProgram), 0o755);
  await writeFile(at(trustPaths.sshConfig), hostileSshConfig(markersDir));
  await writeFile(at(trustPaths.sshdConfig), hostileSshdConfig);
  const settingsFile = at('.vscode/settings.json');
  const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
  await writeFile(settingsFile, `${JSON.stringify({ ...settings, ...hostileSettings(workspace) }, null, 2)}\n`);
}
