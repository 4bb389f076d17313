import { createConnection, type Socket } from 'node:net';
import { BannerParser, type BannerResult, type SshBanner } from '../../core/probe/banner';
import { socketFailureMessage, socketFailureReason } from './socketErrors';

export interface BannerProbeOptions {
  readonly host: string;
  readonly port: number;
  /** Bound on the whole probe: connect plus identification line. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export type BannerProbeFailureReason = 'refused' | 'timeout' | 'reset' | 'unreachable' | 'protocol' | 'other';

export type BannerProbeResult =
  | {
      readonly ok: true;
      /** From the start of the probe until the TCP connection was established. */
      readonly connectMs: number;
      /** From the established connection until the identification line had ended. */
      readonly bannerMs: number;
      readonly banner: SshBanner;
    }
  | { readonly ok: false; readonly reason: BannerProbeFailureReason; readonly message: string };

/**
 * One unauthenticated look at an SSH server: open a TCP connection, read the
 * identification line (bounded by the core parser: 8 KiB, 1024 lines), close.
 * Sends nothing. Always resolves; every socket and timer is gone when it does.
 *
 * Each probe counts as a connection that never authenticated for sshd's
 * `PerSourcePenalties`: space probes of one host by at least
 * `BANNER_MIN_SPACING_MS`.
 */
export function probeBanner(options: BannerProbeOptions): Promise<BannerProbeResult> {
  const { host, port, timeoutMs, signal } = options;
  if (signal?.aborted === true) {
    return Promise.resolve({ ok: false, reason: 'other', message: 'the probe was cancelled' });
  }
  return new Promise<BannerProbeResult>((resolve) => {
    const start = performance.now();
    let connectedAt: number | undefined;
    let socket: Socket | undefined;
    let settled = false;
    const parser = new BannerParser();

    const finish = (result: BannerProbeResult): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish({ ok: false, reason: 'other', message: 'the probe was cancelled' });
    const onParsed = (r: BannerResult): void => {
      if (r.kind === 'banner') {
        const banner: SshBanner = {
          protoVersion: r.protoVersion,
          software: r.software,
          ...(r.comments !== undefined ? { comments: r.comments } : {}),
          preBannerLines: r.preBannerLines,
        };
        const at = performance.now();
        finish({ ok: true, connectMs: (connectedAt ?? at) - start, bannerMs: at - (connectedAt ?? at), banner });
      } else if (r.kind === 'error') {
        finish({ ok: false, reason: 'protocol', message: `${host} port ${port}: ${r.message}` });
      }
    };
    const timer = setTimeout(() => {
      finish({
        ok: false,
        reason: 'timeout',
        message:
          connectedAt === undefined
            ? `no connection to ${host} port ${port} within ${timeoutMs} ms`
            : `${host} port ${port} sent no SSH identification line within ${timeoutMs} ms`,
      });
    }, Math.max(0, timeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });

    try {
      socket = createConnection({ host, port });
    } catch (err) {
      // Bad port or host argument: thrown synchronously by node.
      finish({ ok: false, reason: 'other', message: (err as Error).message });
      return;
    }
    socket.on('connect', () => {
      connectedAt = performance.now();
    });
    socket.on('data', (chunk: Buffer) => onParsed(parser.push(chunk)));
    socket.on('end', () => onParsed(parser.end()));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const reason = socketFailureReason(err.code);
      const during = connectedAt === undefined ? 'connecting to' : 'reading from';
      finish({ ok: false, reason, message: `${during} ${host} port ${port}: ${socketFailureMessage(err, err.code)}` });
    });
    socket.on('close', () => onParsed(parser.end()));
  });
}
