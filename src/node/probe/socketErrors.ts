/** Why a TCP connection failed, from Node's socket error codes. */
export type SocketFailureReason = 'refused' | 'reset' | 'timeout' | 'unreachable' | 'other';

/** Maps a socket error code (ECONNREFUSED, EHOSTUNREACH, a DNS failure, …) to the reason both probes report. */
export function socketFailureReason(code: string | undefined): SocketFailureReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return 'unreachable';
    default:
      return 'other';
  }
}

const words: Record<SocketFailureReason, string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'timed out',
  unreachable: 'host or network unreachable',
  other: 'socket error',
};

/**
 * A socket error in words a person reads in the status bar tooltip, with
 * Node's own text kept for the log: "connection reset (read ECONNRESET)".
 */
export function socketFailureMessage(err: Error, code: string | undefined): string {
  return `${words[socketFailureReason(code)]} (${err.message})`;
}
