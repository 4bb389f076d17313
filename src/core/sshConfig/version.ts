/**
 * Reads the OpenSSH version out of what `ssh -V` or `sshd -V` prints.
 *
 * Both print to stderr, and the forms differ by program, version and vendor
 * (checked on Debian 12, OpenSSH 9.2p1):
 * - `ssh -V`:  `OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026` (exit 0);
 * - `sshd -V`: `OpenSSH_9.2, OpenSSL 3.0.19 27 Jan 2026` (exit 0; the portable
 *   `p1` suffix and the vendor patch level are left out);
 * - older sshd (no `-V`): `unknown option -- V`, then the version line, then
 *   the usage text (exit 1) — the version is still there;
 * - Windows: `OpenSSH_for_Windows_9.5p1, LibreSSL 3.8.2`.
 * Anything else (Dropbear, Sun_SSH, an error) gives undefined: the lint rules
 * then assume the newest OpenSSH.
 */
export interface OpenSshVersion {
  /** Release number as the version-aware rules compare it, e.g. "9.2". */
  readonly release: string;
  /** As printed, portable suffix included when present, e.g. "9.2p1". */
  readonly full: string;
  /** The whole line the version was found on. */
  readonly line: string;
}

const VERSION = /\bOpenSSH_(?:for_Windows_)?(\d+\.\d+)(p\d+)?/;

export function parseOpenSshVersion(output: string): OpenSshVersion | undefined {
  for (const line of output.split(/\r?\n/)) {
    const m = VERSION.exec(line);
    if (m?.[1] !== undefined) {
      return { release: m[1], full: m[1] + (m[2] ?? ''), line: line.trim() };
    }
  }
  return undefined;
}
