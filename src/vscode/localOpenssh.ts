import type * as vscode from 'vscode';
import { detectOpensshVersion } from '../node/opensshVersion';

/**
 * The local OpenSSH release, from one `ssh -V` per session.
 *
 * This runs even in an untrusted workspace: the program is the `ssh` on PATH
 * (no setting can name another), the argument is fixed, the working directory
 * is the extension's own folder, and `ssh -V` reads no file. Nothing from the
 * workspace reaches it.
 */
export class LocalOpenssh {
  private detected: Promise<string | undefined> | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The release (e.g. "9.2"), or undefined when ssh is missing or unreadable. */
  version(): Promise<string | undefined> {
    this.detected ??= detectOpensshVersion({ cwd: this.extensionPath }).then((result) => {
      if (result.kind === 'found') {
        this.log.info(`[openssh] local ssh: ${result.banner} → rules assume OpenSSH ${result.version}`);
        return result.version;
      }
      this.log.info(`[openssh] ssh -V failed (${result.reason}): version-aware rules assume the newest OpenSSH; set sshLifeline.lint.opensshVersion to choose one`);
      return undefined;
    });
    return this.detected;
  }
}
