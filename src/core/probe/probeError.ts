/**
 * Why a heartbeat probe could not connect, or why its connection ended.
 * - `refused`, `reset`, `unreachable` (no route, no such network, DNS failure),
 *   `timeout` (ConnectTimeout or the handshake took too long), `closed` (the
 *   server or the network ended the connection), `protocol` (the peer spoke
 *   something else, or the SSH handshake failed);
 * - `proxy`: the system ssh that carries a ProxyJump or ProxyCommand
 *   connection failed (its stderr line in the message), e.g. the host refused
 *   the `-W` forward a ProxyCommand probe needs;
 * - `auth`: no key was accepted (BatchMode: nothing is ever prompted for);
 * - `host-key-unknown`, `host-key-changed`, `host-key-revoked`: known_hosts
 *   does not vouch for the key the server offered; nothing was sent to it;
 * - `unsupported`: this ssh2 version cannot be probed (missing internals);
 * - `aborted`: the caller's AbortSignal fired;
 * - `other`: anything else (the message says what).
 */
export type ProbeErrorReason =
  | 'refused'
  | 'timeout'
  | 'reset'
  | 'unreachable'
  | 'closed'
  | 'proxy'
  | 'protocol'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'unsupported'
  | 'aborted'
  | 'other';

/** A probe failure with a typed {@link reason}; the message is for people. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';

  constructor(
    readonly reason: ProbeErrorReason,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }

  static is(value: unknown, reason?: ProbeErrorReason): value is ProbeError {
    return value instanceof ProbeError && (reason === undefined || value.reason === reason);
  }
}
