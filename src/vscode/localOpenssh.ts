import type * as vscode from 'vscode';
import { detectOpensshVersion } from '../node/opensshVersion';

/**
 * The local OpenSSH release, from one `ssh -V` per program.
 *
 * This runs even in an untrusted workspace: the program is the `ssh` on PATH
 * or the user's own `sshLifeline.ssh.path` (a workspace value is never used
 * there, see Settings.programPaths), the argument is fixed, the working
 * directory is the extension's own folder, and `ssh -V` reads no file.
 * Nothing from the workspace reaches it.
 */
export class LocalOpenssh {
  private readonly detected = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The release (e.g. "9.2") of `program` (default: `ssh` on PATH), or undefined when it is missing or unreadable. */
  version(program?: string): Promise<string | undefined> {
    const key = program ?? '';
    let detected = this.detected.get(key);
    if (detected === undefined) {
      detected = detectOpensshVersion({ cwd: this.extensionPath, ...(program === undefined ? {} : { program }) }).then((result) => {
        const which = program === undefined ? 'local ssh' : program;
        if (result.kind === 'found') {
          this.log.info(`[openssh] ${which}: ${result.banner} → rules assume OpenSSH ${result.version}`);
          return result.version;
        }
        this.log.info(`[openssh] ${which} -V failed (${result.reason}): version-aware rules assume the newest OpenSSH; set sshLifeline.lint.opensshVersion to choose one`);
        return undefined;
      });
      this.detected.set(key, detected);
    }
    return detected;
  }
}
