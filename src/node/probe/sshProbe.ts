/**
 * The primary heartbeat probe: an ssh2 connection to the host that answers
 * `keepalive@openssh.com` global requests, one round trip per beat.
 * Authentication as `ssh -o BatchMode=yes` would (agent, then key files that
 * need no passphrase; never a prompt), host keys checked against the user's
 * known_hosts (never written), ProxyJump and ProxyCommand carried by the
 * system ssh (which alone runs a ProxyCommand).
 * When a host is down is not decided here: ssh2's own keepalive stays off.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, type AnyAuthMethod, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import {
  hostKeyAlgorithmsFor,
  keyTypeOfBlob,
  knownHostsNames,
  knownKeyTypes,
  sha256Fingerprint,
  verifyHostKey,
  type HostKeyVerdict,
} from '../../core/knownHosts/knownHosts';
import { ProbeError, type ProbeErrorReason } from '../../core/probe/probeError';
import { carrierFailureLine, isForwardRefusal, PROXY_COMMAND_FORWARD_HOST, proxyCommandCarrier } from '../../core/probe/proxyCommand';
import { proxyJumpCommand } from '../../core/probe/proxyJump';
import type { ProbeTarget } from '../../core/probe/target';
import { loadIdentityFiles, ProbeAgent } from './identities';
import { loadKnownHosts } from './knownHostsFiles';
import { defaultSpawnProxy, ProxyStream, type SpawnProxy } from './proxyStream';
import { socketFailureMessage, socketFailureReason } from './socketErrors';
import { strictHostVerifier } from '../../core/probe/hostVerifier';

export type { ProbeTarget } from '../../core/probe/target';
export { ProbeError, type ProbeErrorReason } from '../../core/probe/probeError';

/** An authenticated probe connection. */
export interface SshProbeConnection {
  /**
   * Sends one `keepalive@openssh.com` global request with want-reply and
   * resolves on the server's answer (OpenSSH answers with a failure reply,
   * which counts: it is an answer). Rejects with a {@link ProbeError} if the
   * connection closes first. Several may be outstanding; they resolve in order.
   */
  ping(): Promise<{ readonly rttMs: number }>;
  /** Bytes written to / read from the transport (TCP socket or the jump process's stdio). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** The host key the server proved it holds, as `ssh-keygen -l` shows it. */
  readonly hostKey: { readonly type: string; readonly sha256: string };
  /** Milliseconds from the call to an authenticated connection. */
  readonly connectMs: number;
  /** Called once when the connection ends: with the reason, or without one when {@link close} ended it. */
  onClose(listener: (error?: ProbeError) => void): () => void;
  close(): void;
}

export interface SshProbeOptions {
  readonly signal?: AbortSignal;
  /** Progress and reasons, one line each; never key material or agent contents. */
  readonly log?: (line: string) => void;
  /** Starts the system ssh for ProxyJump and ProxyCommand hosts (default: `child_process.spawn` without a shell). */
  readonly spawnProxy?: SpawnProxy;
  /** The ssh program for ProxyJump and ProxyCommand hosts (default `ssh` from PATH). */
  readonly sshPath?: string;
  /** Where `SSH_AUTH_SOCK` is read when the target names no agent (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** ssh2 internals the keepalive needs; see {@link keepaliveInternals}. */
interface KeepaliveInternals {
  readonly _callbacks: ((error: Error | boolean | undefined, data?: unknown) => void)[];
  readonly _protocol: { ping(): void };
}

/**
 * ssh2 has no public want-reply keepalive. Its own keepalive (client.js,
 * ssh2 1.x) pushes a callback onto `client._callbacks` — answered in order by
 * REQUEST_SUCCESS/REQUEST_FAILURE, or with an Error when the connection
 * closes — and then calls `client._protocol.ping()`, which sends
 * `keepalive@openssh.com` with want-reply. The probe does the same; this
 * checks that those internals are still there.
 */
export function keepaliveInternals(client: unknown): KeepaliveInternals | undefined {
  const c = client as Partial<KeepaliveInternals> | null;
  if (c === null || typeof c !== 'object' || !Array.isArray(c._callbacks) || typeof c._protocol?.ping !== 'function') {
    return undefined;
  }
  return c as KeepaliveInternals;
}

const UNSUPPORTED_SSH2 =
  'this ssh2 version lacks the internals used for want-reply keepalives (client._callbacks, client._protocol.ping); the probe was written against ssh2 1.17';

function abortError(): ProbeError {
  return new ProbeError('aborted', 'probe connection aborted');
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e.code === 'string') {
    return e.code;
  }
  // Happy eyeballs (autoSelectFamily) fails with an AggregateError of each attempt.
  const inner = Array.isArray(e.errors) ? (e.errors[0] as { code?: unknown } | undefined) : undefined;
  return typeof inner?.code === 'string' ? inner.code : undefined;
}

function tcpConnect(host: string, port: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const sock = netConnect({ host, port });
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.removeListener('error', onError);
    };
    const fail = (err: ProbeError): void => {
      cleanup();
      sock.destroy();
      reject(err);
    };
    const onAbort = (): void => fail(abortError());
    const onError = (err: Error): void => {
      const code = errorCode(err);
      fail(new ProbeError(socketFailureReason(code), `connecting to ${host} port ${port}: ${socketFailureMessage(err, code)}`, { cause: err }));
    };
    const timer = setTimeout(() => fail(new ProbeError('timeout', `no TCP connection to ${host} port ${port} within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('error', onError);
    sock.once('connect', () => {
      cleanup();
      sock.setNoDelay(true);
      resolve(sock);
    });
  });
}

function hostKeyMessage(verdict: HostKeyVerdict, name: string, type: string, sha256: string): string {
  switch (verdict.kind) {
    case 'revoked':
      return `the ${type} host key of ${name} (${sha256}) is marked @revoked in ${verdict.file}:${verdict.line}`;
    case 'changed':
      return `the ${type} host key of ${name} has changed: the server offered ${sha256}, ${verdict.file}:${verdict.line} holds another key (REMOTE HOST IDENTIFICATION HAS CHANGED)`;
    case 'unknown':
      return (
        `the ${type} host key of ${name} (${sha256}) is not in known_hosts` +
        (verdict.otherKeyTypes.length === 0 ? '' : ` (known with ${verdict.otherKeyTypes.join(', ')})`) +
        '; connect once with ssh to check and add it'
      );
    case 'trusted':
      return `the host key of ${name} is trusted`;
  }
}

const verdictReason = { unknown: 'host-key-unknown', changed: 'host-key-changed', revoked: 'host-key-revoked' } as const;

/**
 * Opens a probe connection to `target`. Rejects with a {@link ProbeError}:
 * `unsupported` for ssh2 versions without the keepalive internals;
 * `host-key-*` when known_hosts does not vouch for the server's key (nothing
 * is sent to such a server: authentication starts only after the key is
 * accepted); `auth` when no key is accepted; `proxy` when the system ssh that
 * carries a ProxyJump or ProxyCommand connection fails (with its stderr line);
 * connection reasons otherwise.
 *
 * A ProxyCommand host is reached through `ssh … -W 127.0.0.1:PORT -- alias`
 * (see `proxyCommandCarrier`): ssh runs the ProxyCommand as the user's own ssh
 * would, logs in, and forwards stdio to the host's sshd as seen from the host
 * itself. The key ssh2 then sees is that sshd's own, and it is checked under
 * the host's usual known_hosts names (`[HostName]:Port` or HostKeyAlias), as
 * ssh checks a ProxyCommand connection: an sshd on loopback that holds another
 * key is refused, never trusted. Needs `AllowTcpForwarding` on the host and an
 * sshd listening on 127.0.0.1 at the same port; otherwise `proxy`.
 */
export async function connectSshProbe(target: ProbeTarget, options: SshProbeOptions = {}): Promise<SshProbeConnection> {
  const log = options.log ?? ((): void => undefined);
  const signal = options.signal;
  const started = performance.now();
  if (signal?.aborted) {
    throw abortError();
  }

  const names = knownHostsNames(target.hostName, target.port, target.hostKeyAlias);
  const entries = await loadKnownHosts([...target.userKnownHostsFiles, ...target.globalKnownHostsFiles], log);
  const knownTypes = knownKeyTypes(entries, names);
  const preferred = hostKeyAlgorithmsFor(knownTypes) as ServerHostKeyAlgorithm[];

  const identities = await loadIdentityFiles(target.identityFiles, log);
  const agentPath = target.identityAgent ?? (options.env ?? process.env)['SSH_AUTH_SOCK'];
  let agent: ProbeAgent | undefined;
  if (agentPath !== undefined && agentPath !== '' && agentPath !== 'none') {
    agent = await ProbeAgent.open(agentPath, {
      timeoutMs: Math.min(target.connectTimeoutMs, 5000),
      ...(target.identitiesOnly === true ? { only: identities.publicBlobs } : {}),
    });
    log(agent === undefined ? 'agent not reachable, not used' : agent.size === 0 ? 'agent offers no usable key' : 'agent available');
  }
  const agentBlobs = agent?.publicBlobs ?? [];
  // A key the agent holds was offered already; offering it again only spends one of MaxAuthTries.
  const fileKeys = identities.keys.filter((k) => !agentBlobs.some((b) => b.equals(k.key.getPublicSSH())));
  if (signal?.aborted) {
    throw abortError();
  }

  let transport: Socket | ProxyStream;
  let readyTimeoutMs = target.connectTimeoutMs;
  const sshPath = options.sshPath ?? 'ssh';
  if (target.proxyCommand !== undefined) {
    const command = proxyCommandCarrier({
      alias: target.alias,
      user: target.user,
      port: target.port,
      ...(target.configFile === undefined ? {} : { configFile: target.configFile }),
    });
    if (!command.ok) {
      throw new ProbeError('proxy', command.message);
    }
    log(`connecting to ${target.alias} through its ProxyCommand, run by ${sshPath}, and on to ${PROXY_COMMAND_FORWARD_HOST} port ${target.port} there (-W)`);
    transport = new ProxyStream((options.spawnProxy ?? defaultSpawnProxy)(sshPath, command.args));
    // ssh's own login to the host, then ssh2's through it.
    readyTimeoutMs = target.connectTimeoutMs * 2;
  } else if (target.proxyJump === undefined) {
    log(`connecting to ${target.hostName} port ${target.port}`);
    transport = await tcpConnect(target.hostName, target.port, target.connectTimeoutMs, signal);
  } else {
    const command = proxyJumpCommand({
      hostName: target.hostName,
      port: target.port,
      proxyJump: target.proxyJump,
      ...(target.configFile === undefined ? {} : { configFile: target.configFile }),
    });
    if (!command.ok) {
      throw new ProbeError('proxy', command.message);
    }
    log(`connecting to ${target.hostName} port ${target.port} through ${target.proxyJump} (${sshPath} -W)`);
    transport = new ProxyStream((options.spawnProxy ?? defaultSpawnProxy)(sshPath, command.args));
    // Each hop is a connection of its own, with its own ConnectTimeout.
    readyTimeoutMs = target.connectTimeoutMs * (target.proxyJump.split(',').length + 1);
  }

  return handshake({ target, transport, names, entries, preferred, agent, fileKeys, readyTimeoutMs, started, signal, log });
}

interface HandshakeInput {
  readonly target: ProbeTarget;
  readonly transport: Socket | ProxyStream;
  readonly names: readonly string[];
  readonly entries: Parameters<typeof verifyHostKey>[0];
  readonly preferred: readonly ServerHostKeyAlgorithm[];
  readonly agent: ProbeAgent | undefined;
  readonly fileKeys: Awaited<ReturnType<typeof loadIdentityFiles>>['keys'];
  readonly readyTimeoutMs: number;
  readonly started: number;
  readonly signal: AbortSignal | undefined;
  readonly log: (line: string) => void;
}

function handshake(input: HandshakeInput): Promise<SshProbeConnection> {
  const { target, transport, names, log, signal } = input;
  const where = names[0] as string;
  const client = new Client();
  let phase: 'kex' | 'auth' | 'ready' | 'closed' = 'kex';
  let verdict: HostKeyVerdict | undefined;
  let hostKey: { type: string; sha256: string } | undefined;
  let firstError: ProbeError | undefined;
  let closedByUs = false;
  let closeError: ProbeError | undefined;
  const closeListeners = new Set<(error?: ProbeError) => void>();

  const proxy = transport instanceof ProxyStream ? transport : undefined;
  const counters = (): { sent: number; received: number } => (proxy !== undefined ? { sent: proxy.bytesWritten, received: proxy.bytesRead } : { sent: (transport as Socket).bytesWritten, received: (transport as Socket).bytesRead });

  const attempts: AnyAuthMethod[] = [];
  if (input.agent !== undefined && input.agent.size > 0) {
    attempts.push({ type: 'agent', username: target.user, agent: input.agent });
  }
  for (const k of input.fileKeys) {
    attempts.push({ type: 'publickey', username: target.user, key: k.key });
  }
  const attemptNames = [...(input.agent !== undefined && input.agent.size > 0 ? ['the agent'] : []), ...input.fileKeys.map((k) => `key file ${k.path}`)];

  const classify = (err: Error & { level?: string; code?: unknown }): ProbeError | undefined => {
    switch (err.level) {
      case 'agent':
        log('agent failed during authentication, going on without it');
        return undefined;
      case 'client-authentication':
        if (/^All configured authentication methods failed/.test(err.message)) {
          return new ProbeError('auth', `${target.user}@${where}: no key was accepted (tried: ${attemptNames.length === 0 ? 'nothing usable — no agent, no key file without a passphrase' : attemptNames.join(', ')})`, { cause: err });
        }
        log(`authentication step failed: ${err.message}`);
        return undefined;
      case 'client-timeout':
        return new ProbeError('timeout', `${where}: no SSH session within ${input.readyTimeoutMs} ms (${phase === 'auth' ? 'authenticating' : 'key exchange'})`, { cause: err });
      case 'client-socket':
        return new ProbeError(socketFailureReason(errorCode(err)), `${where}: ${socketFailureMessage(err, errorCode(err))}`, { cause: err });
      case 'handshake':
        if (verdict !== undefined && verdict.kind !== 'trusted' && hostKey !== undefined) {
          return new ProbeError(verdictReason[verdict.kind], hostKeyMessage(verdict, where, hostKey.type, hostKey.sha256), { cause: err });
        }
        return new ProbeError('protocol', `${where}: SSH handshake failed: ${err.message}`, { cause: err });
      case 'protocol':
        if (/before handshake/.test(err.message)) {
          return new ProbeError('closed', `${where}: connection closed before the SSH handshake`, { cause: err });
        }
        return new ProbeError('protocol', `${where}: ${err.message}`, { cause: err });
      default:
        if (typeof err.code === 'number') {
          // A DISCONNECT from the server, e.g. "Too many authentication failures".
          const reason: ProbeErrorReason = phase === 'auth' && /auth/i.test(err.message) ? 'auth' : 'closed';
          return new ProbeError(reason, `${where}: the server disconnected: ${err.message}`, { cause: err });
        }
        return new ProbeError(phase === 'kex' ? 'protocol' : 'other', `${where}: ${err.message}`, { cause: err });
    }
  };

  return new Promise<SshProbeConnection>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      if (!settled) {
        settled = true;
        client.destroy();
        transport.destroy();
        reject(abortError());
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
    };

    const failBeforeReady = async (): Promise<void> => {
      let error = firstError;
      if (proxy !== undefined && !(error !== undefined && ['auth', 'timeout'].includes(error.reason)) && !error?.reason.startsWith('host-key-')) {
        // stdout's end can come just before the exit status.
        await Promise.race([proxy.exited(), new Promise((r) => setTimeout(r, 2000).unref())]);
        const failed = proxy.spawnError !== undefined || (proxy.exit !== undefined && proxy.exit.code !== 0);
        if (failed) {
          const why = proxy.spawnError?.message ?? carrierFailureLine(proxy.stderrLines) ?? `exit ${String(proxy.exit?.code ?? proxy.exit?.signal)}`;
          error = new ProbeError(
            'proxy',
            target.proxyCommand !== undefined
              ? `ssh with ${target.alias}'s ProxyCommand, forwarding to ${PROXY_COMMAND_FORWARD_HOST} port ${target.port} on the host, failed: ${why}` +
                (isForwardRefusal(why)
                  ? ` (the probe needs the host's sshd to allow TCP forwarding — AllowTcpForwarding, PermitOpen — and an sshd listening on ${PROXY_COMMAND_FORWARD_HOST} port ${target.port})`
                  : '')
              : `jump through ${target.proxyJump ?? ''} to ${where} failed: ${why}`,
          );
        }
      }
      proxy?.kill();
      reject(error ?? new ProbeError('closed', `${where}: connection closed during ${phase === 'auth' ? 'authentication' : 'the SSH handshake'}`));
    };

    client.on('handshake', () => {
      if (phase === 'kex') {
        phase = 'auth';
        if (hostKey !== undefined && verdict?.kind === 'trusted') {
          log(`host key ${hostKey.type} ${hostKey.sha256} trusted (${verdict.file}:${verdict.line})`);
        }
      }
    });
    client.on('error', (err: Error & { level?: string }) => {
      const mapped = classify(err);
      if (mapped !== undefined) {
        firstError ??= mapped;
      }
    });
    client.on('ready', () => {
      if (settled) {
        client.end();
        return;
      }
      settle();
      const internals = keepaliveInternals(client);
      if (internals === undefined) {
        closedByUs = true;
        client.end();
        proxy?.kill();
        reject(new ProbeError('unsupported', UNSUPPORTED_SSH2));
        return;
      }
      phase = 'ready';
      const connectMs = performance.now() - input.started;
      log(`ready in ${Math.round(connectMs)} ms`);
      const key = hostKey as { type: string; sha256: string };
      resolve({
        connectMs,
        hostKey: key,
        get bytesSent() {
          return counters().sent;
        },
        get bytesReceived() {
          return counters().received;
        },
        ping(): Promise<{ rttMs: number }> {
          if (phase === 'closed') {
            return Promise.reject(closeError ?? new ProbeError('closed', `${where}: connection closed`));
          }
          const live = keepaliveInternals(client);
          if (live === undefined) {
            return Promise.reject(new ProbeError('unsupported', UNSUPPORTED_SSH2));
          }
          return new Promise((resolvePing, rejectPing) => {
            const sent = performance.now();
            live._protocol.ping();
            // Pushed after the send: a reply cannot arrive before this turn ends,
            // and a send that threw leaves no stray callback to shift replies.
            live._callbacks.push((error) => {
              if (error instanceof Error) {
                rejectPing(closeError ?? new ProbeError('closed', `${where}: connection closed before the keepalive was answered`));
              } else {
                resolvePing({ rttMs: performance.now() - sent });
              }
            });
          });
        },
        onClose(listener: (error?: ProbeError) => void): () => void {
          if (phase === 'closed') {
            queueMicrotask(() => listener(closedByUs ? undefined : closeError));
            return () => undefined;
          }
          closeListeners.add(listener);
          return () => closeListeners.delete(listener);
        },
        close(): void {
          if (phase === 'closed' || closedByUs) {
            return;
          }
          closedByUs = true;
          client.end();
          // A server that no longer reads would hold the socket: do not wait for it.
          setTimeout(() => transport.destroy(), 1000).unref();
        },
      });
    });
    client.on('close', () => {
      const wasReady = phase === 'ready';
      phase = 'closed';
      proxy?.kill();
      if (!settled) {
        settle();
        void failBeforeReady();
        return;
      }
      if (!wasReady) {
        return;
      }
      closeError = closedByUs
        ? undefined
        : (firstError ??
          new ProbeError('closed', `${where}: connection closed${proxy?.lastStderrLine !== undefined ? ` (${proxy.lastStderrLine})` : ''}`));
      if (closedByUs) {
        log('closed');
      } else {
        log(`connection lost: ${closeError?.message ?? ''}`);
      }
      for (const listener of closeListeners) {
        listener(closedByUs ? undefined : closeError);
      }
      closeListeners.clear();
    });

    const preferred = [...input.preferred];
    const config: ConnectConfig = {
      sock: transport,
      username: target.user,
      readyTimeout: input.readyTimeoutMs,
      // The monitor decides when a host is down; ssh2 must not end the connection on its own.
      keepaliveInterval: 0,
      // ssh2 accepts anything but a strict false: only a strict true may pass.
      hostVerifier: strictHostVerifier((key: Buffer): boolean => {
        const type = keyTypeOfBlob(key) ?? 'unknown';
        hostKey = { type, sha256: sha256Fingerprint(key) };
        verdict = verifyHostKey(input.entries, names, type, key);
        if (verdict.kind !== 'trusted') {
          log(hostKeyMessage(verdict, where, type, hostKey.sha256));
        }
        return verdict.kind === 'trusted';
      }),
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft !== null && !methodsLeft.includes('publickey')) {
          log(`the server does not accept public keys here (offers: ${methodsLeft.join(', ')})`);
          next(false as unknown as AnyAuthMethod);
          return;
        }
        const attempt = attempts.shift();
        if (attempt === undefined) {
          next(false as unknown as AnyAuthMethod);
          return;
        }
        log(`authenticating as ${target.user} with ${attemptNames[attemptNames.length - attempts.length - 1] ?? attempt.type}`);
        next(attempt);
      },
      ...(preferred.length === 0
        ? {}
        : {
            // Known key types first, as OpenSSH orders its offer (remove then prepend moves them to the front).
            algorithms: { serverHostKey: { remove: preferred, prepend: preferred, append: [] } },
          }),
    };
    try {
      client.connect(config);
    } catch (err) {
      settle();
      transport.destroy();
      reject(new ProbeError('other', `${where}: ssh2 refused the connection settings: ${(err as Error).message}`, { cause: err }));
    }
  });
}
