import { execFile } from 'node:child_process';

/** What `ssh -V` told us. */
export type OpensshVersionResult =
  | { readonly kind: 'found'; readonly version: string; readonly banner: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * The release number in `ssh -V` output, which goes to stderr and looks like
 * `OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.11 19 Sep 2023`,
 * `OpenSSH_9.8p1, LibreSSL 3.3.6` (macOS) or
 * `OpenSSH_for_Windows_8.6p1, LibreSSL 3.4.3` (Windows). Portable suffixes
 * (`p1`) are dropped: the catalogues use OpenBSD release numbers.
 */
export function parseOpensshVersion(output: string): string | undefined {
  return /OpenSSH_(?:for_Windows_)?(\d+\.\d+)/.exec(output)?.[1];
}

export interface DetectOptions {
  /**
   * Working directory for the child. Windows looks for a bare program name in
   * the current directory before PATH, so this must be a folder we control
   * (the extension's own), never a workspace folder.
   */
  readonly cwd: string;
  readonly timeoutMs?: number;
  /** The program; `ssh` on PATH by default. */
  readonly program?: string;
}

/**
 * Runs `ssh -V` (the `ssh` on PATH unless told otherwise, no shell, a fixed argument) and reads the
 * version. `ssh -V` prints its banner and exits: it reads no configuration file
 * and opens no connection.
 */
export function detectOpensshVersion(options: DetectOptions): Promise<OpensshVersionResult> {
  return new Promise((resolve) => {
    execFile(
      options.program ?? 'ssh',
      ['-V'],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 5_000, windowsHide: true, shell: false, encoding: 'utf8', maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => {
        const banner = `${stderr}${stdout}`.trim().split(/\r?\n/)[0] ?? '';
        const version = parseOpensshVersion(banner);
        if (version !== undefined) {
          resolve({ kind: 'found', version, banner });
        } else if (error !== null) {
          const code = (error as NodeJS.ErrnoException).code;
          resolve({ kind: 'failed', reason: code === 'ENOENT' ? (options.program === undefined ? 'no ssh on PATH' : `no ${options.program}`) : error.message });
        } else {
          resolve({ kind: 'failed', reason: `unrecognised output ${JSON.stringify(banner.slice(0, 120))}` });
        }
      },
    );
  });
}
