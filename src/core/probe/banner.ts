/**
 * Incremental, bounded parser of the SSH identification exchange
 * (RFC 4253 §4.2): what a server sends first after the TCP connection opens.
 *
 * ```
 * [other lines, none starting with "SSH-"]
 * SSH-protoversion-softwareversion[ SP comments] CR LF
 * ```
 *
 * Limits, so a server (or anything else listening on the port) can never make
 * us read or keep much:
 * - at most 8 KiB in all before the identification line has ended;
 * - at most 1024 lines before it (OpenSSH's SSH_MAX_PRE_BANNER_LINES);
 * - the identification line at most 255 bytes including CR LF (the RFC's
 *   maximum);
 * - CR LF or a bare LF ends a line (OpenSSH accepts both); a CR not followed
 *   by LF, or a NUL anywhere, is an error, as in OpenSSH.
 *
 * Protocol versions `2.0` and `1.99` (a server that also speaks the long-gone
 * SSH-1, treated as 2.0 by OpenSSH) are accepted. Nothing the server sent is
 * trusted for display: every returned string is escaped by
 * {@link escapeForDisplay}.
 */

/**
 * Least time between two unauthenticated probes of one host. sshd's
 * `PerSourcePenalties` (OpenSSH 9.8+) penalises a source address for each
 * connection that ends without authenticating (`noauth`), and past a
 * threshold refuses the whole address block for a while — which would lock
 * the user's own ssh out. A banner probe is exactly such a connection, so
 * they must be tens of seconds apart.
 */
export const BANNER_MIN_SPACING_MS = 30_000;

/** The parser's bounds, in bytes and lines. */
export const BANNER_LIMITS = {
  maxTotalBytes: 8192,
  maxPreBannerLines: 1024,
  maxBannerLineBytes: 255,
} as const;

/** A parsed identification line. Every string is escaped for display. */
export interface SshBanner {
  readonly protoVersion: '2.0' | '1.99';
  /** `OpenSSH_9.2p1`: the part after `SSH-2.0-` up to the first space. */
  readonly software: string;
  /** After the first space, e.g. `Debian-2+deb12u3`. */
  readonly comments?: string;
  /** Lines the server sent before the identification line. */
  readonly preBannerLines: readonly string[];
}

export type BannerErrorReason =
  /** 8 KiB without a complete identification line. */
  | 'too-long'
  /** More than 1024 lines before the identification line. */
  | 'too-many-lines'
  /** The identification line is longer than 255 bytes. */
  | 'line-too-long'
  /** A NUL byte, or a CR not followed by LF. */
  | 'invalid-character'
  /** `SSH-` without `protoversion-softwareversion`. */
  | 'malformed'
  /** A protocol version other than 2.0 or 1.99. */
  | 'unsupported-version'
  /** The connection ended before the identification line. */
  | 'closed';

export type BannerResult =
  | { readonly kind: 'need-more' }
  | ({ readonly kind: 'banner' } & SshBanner)
  | { readonly kind: 'error'; readonly reason: BannerErrorReason; readonly message: string };

const CR = 0x0d;
const LF = 0x0a;
const SSH_DASH = [0x53, 0x53, 0x48, 0x2d];

/**
 * Makes text from a server safe to show: control characters (C0, DEL, C1),
 * bidirectional overrides and isolates, and invisible separators become
 * `\xNN` / `\u{NNNN}` escapes, and `\` becomes `\\`, so the result can never
 * move the cursor, recolour a terminal or reorder what is around it.
 */
export function escapeForDisplay(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') {
      out += '\\\\';
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      out += `\\x${c.toString(16).padStart(2, '0')}`;
    } else if (
      c === 0x061c ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2069) ||
      c === 0xfeff
    ) {
      out += `\\u{${c.toString(16)}}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Bytes of the identification line, which RFC 4253 says are US-ASCII: others are shown as `\xNN`. */
function asciiForDisplay(bytes: readonly number[]): string {
  let s = '';
  for (const b of bytes) {
    s += b >= 0x80 ? `\\x${b.toString(16)}` : escapeForDisplay(String.fromCharCode(b));
  }
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Feed it what the socket delivers with {@link push}, and {@link end} when
 * the connection ends. Once it has answered `banner` or `error`, it answers
 * the same for ever and reads nothing more: bytes after the identification
 * line (the server's key exchange) are not its business. Never throws.
 */
export class BannerParser {
  private line: number[] = [];
  private readonly preBanner: string[] = [];
  private total = 0;
  private pendingCr = false;
  private result: BannerResult | undefined;

  /** Bytes read so far, up to and including the end of the identification line. */
  get bytesConsumed(): number {
    return this.total;
  }

  push(chunk: Uint8Array): BannerResult {
    for (let i = 0; i < chunk.length && this.result === undefined; i++) {
      this.byte(chunk[i] as number);
    }
    return this.result ?? { kind: 'need-more' };
  }

  end(): BannerResult {
    this.result ??= {
      kind: 'error',
      reason: 'closed',
      message:
        this.total === 0
          ? 'the connection closed before the server sent anything'
          : `the connection closed after ${this.total} bytes without an SSH identification line`,
    };
    return this.result;
  }

  private fail(reason: BannerErrorReason, message: string): void {
    this.result = { kind: 'error', reason, message };
  }

  private isIdentLine(): boolean {
    return this.line.length >= 4 && SSH_DASH.every((b, i) => this.line[i] === b);
  }

  private byte(b: number): void {
    this.total++;
    if (this.total > BANNER_LIMITS.maxTotalBytes) {
      this.fail('too-long', `no SSH identification line within the first ${BANNER_LIMITS.maxTotalBytes} bytes`);
      return;
    }
    if (this.pendingCr) {
      if (b !== LF) {
        this.fail('invalid-character', 'a carriage return not followed by a line feed before the SSH identification line');
        return;
      }
      this.endLine(2);
      return;
    }
    if (b === CR) {
      this.pendingCr = true;
      return;
    }
    if (b === LF) {
      this.endLine(1);
      return;
    }
    if (b === 0) {
      this.fail('invalid-character', 'a NUL byte before the SSH identification line');
      return;
    }
    this.line.push(b);
    // Fail as soon as an identification line cannot fit any more, not at its end.
    if (this.isIdentLine() && this.line.length + 1 > BANNER_LIMITS.maxBannerLineBytes) {
      this.failLineTooLong();
    }
  }

  private failLineTooLong(): void {
    this.fail('line-too-long', `the SSH identification line is longer than ${BANNER_LIMITS.maxBannerLineBytes} bytes`);
  }

  private endLine(terminatorBytes: number): void {
    const line = this.line;
    this.line = [];
    this.pendingCr = false;
    if (line.length >= 4 && SSH_DASH.every((b, i) => line[i] === b)) {
      if (line.length + terminatorBytes > BANNER_LIMITS.maxBannerLineBytes) {
        this.failLineTooLong();
        return;
      }
      this.result = identification(line, this.preBanner);
      return;
    }
    if (this.preBanner.length >= BANNER_LIMITS.maxPreBannerLines) {
      this.fail('too-many-lines', `more than ${BANNER_LIMITS.maxPreBannerLines} lines before the SSH identification line`);
      return;
    }
    this.preBanner.push(escapeForDisplay(utf8.decode(Uint8Array.from(line))));
  }
}

/** Parses a complete `SSH-…` line (without its terminator). */
function identification(line: readonly number[], preBannerLines: readonly string[]): BannerResult {
  // "SSH-" protoversion "-" softwareversion [SP comments]
  const afterSsh = line.slice(4);
  const dash = afterSsh.indexOf(0x2d);
  const shown = asciiForDisplay(line);
  if (dash <= 0) {
    return { kind: 'error', reason: 'malformed', message: `not an SSH identification line: ${shown}` };
  }
  const proto = String.fromCharCode(...afterSsh.slice(0, dash));
  const rest = afterSsh.slice(dash + 1);
  const space = rest.indexOf(0x20);
  const softwareBytes = space < 0 ? rest : rest.slice(0, space);
  if (softwareBytes.length === 0) {
    return { kind: 'error', reason: 'malformed', message: `no software version in the SSH identification line: ${shown}` };
  }
  if (proto !== '2.0' && proto !== '1.99') {
    return {
      kind: 'error',
      reason: 'unsupported-version',
      message: `SSH protocol version ${asciiForDisplay(afterSsh.slice(0, dash))} is not supported (2.0 expected): ${shown}`,
    };
  }
  const comments = space < 0 ? undefined : asciiForDisplay(rest.slice(space + 1));
  return {
    kind: 'banner',
    protoVersion: proto,
    software: asciiForDisplay(softwareBytes),
    ...(comments !== undefined ? { comments } : {}),
    preBannerLines: [...preBannerLines],
  };
}

/** One-shot: parses everything the server sent; `ended` when the connection closed after it. */
export function parseBanner(bytes: Uint8Array, ended = false): BannerResult {
  const parser = new BannerParser();
  const r = parser.push(bytes);
  return r.kind === 'need-more' && ended ? parser.end() : r;
}
