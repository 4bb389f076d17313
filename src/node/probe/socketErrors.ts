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
