import { userInfo, hostname } from 'node:os';
import { BANNER_MIN_SPACING_MS } from '../../core/probe/banner';
import { probeTargetFromEffective, type ProbeTarget } from '../../core/probe/target';
import type { HeartbeatSettings } from '../../core/health/health';
import type { EffectiveOptions } from '../../core/sshConfig/effective';
import { probeBanner } from '../probe/bannerProbe';
import type { HostRegistration } from './heartbeat';
import type * as SshProbeModule from '../probe/sshProbe';

let sshProbeModule: typeof SshProbeModule | undefined;

/**
 * The ssh2 probe, loaded at the first probe: ssh2 is most of the code we ship
 * (the build keeps it in dist/ssh2.js), and an editor with no SSH session, or
 * `ssh-lifeline lint`, never needs it. A plain `require`, which the bundler
 * turns into a lazy initialiser; `import()` would be an ES module load that
 * the CommonJS test runner cannot resolve to the TypeScript source.
 */
function loadSshProbe(): typeof SshProbeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sshProbeModule ??= require('../probe/sshProbe') as typeof SshProbeModule;
  return sshProbeModule;
}

export interface RegistrationOptions {
  readonly settings: HeartbeatSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** The `-F` file the options came from. */
  readonly configFile?: string;
  /** Use the banner probe when no key is accepted (default true). */
  readonly bannerFallback?: boolean;
  readonly bannerSpacingMs?: number;
  /** The ssh that carries jump-host and ProxyCommand probes (`sshLifeline.ssh.path`); `ssh` on PATH by default. */
  readonly sshPath?: string;
  readonly log: (line: string) => void;
}

export type Registration =
  | { readonly kind: 'probe'; readonly target: ProbeTarget; readonly registration: HostRegistration }
  | { readonly kind: 'not-probed'; readonly target: ProbeTarget; readonly message: string };

/**
 * The host a probe connection reaches, as one key: sessions to the same place
 * share one probe. Behind a ProxyCommand the same HostName may be another
 * machine (a private address behind another bastion), and the probe goes
 * through the alias's own config: the alias is part of the key.
 */
export function hostKeyFor(target: ProbeTarget): string {
  const via = target.proxyCommand !== undefined ? ` via ProxyCommand of ${target.alias}` : target.proxyJump !== undefined ? ` via ${target.proxyJump}` : '';
  return `${target.user}@${target.hostName}:${target.port}${via}`;
}

function localFacts(): { localUser?: string; uid?: number; localHostName?: string } {
  try {
    const info = userInfo();
    return { localUser: info.username, uid: info.uid, localHostName: hostname() };
  } catch {
    return { localHostName: hostname() };
  }
}

/**
 * How to watch the host behind one set of effective options: the ssh2
 * keepalive probe, with the banner probe as fallback for direct hosts. Hosts
 * behind a ProxyCommand are probed through the system ssh, which alone runs
 * the command (see `connectSshProbe`); callers decide whether that ssh may be
 * started at all (the editor: only in a trusted workspace).
 */
export function registrationFor(options: EffectiveOptions, alias: string, o: RegistrationOptions): Registration {
  const authSock = o.env['SSH_AUTH_SOCK'];
  const target = probeTargetFromEffective(options, alias, {
    home: o.home,
    ...(authSock === undefined ? {} : { authSock }),
    ...localFacts(),
    vars: o.env,
    ...(o.configFile === undefined ? {} : { configFile: o.configFile }),
  });
  const log = o.log;
  const direct = target.proxyJump === undefined && target.proxyCommand === undefined;
  const registration: HostRegistration = {
    label: alias,
    settings: o.settings,
    bannerSpacingMs: Math.max(o.bannerSpacingMs ?? BANNER_MIN_SPACING_MS, BANNER_MIN_SPACING_MS),
    connect: async (signal) => loadSshProbe().connectSshProbe(target, { signal, log: (line) => log(`[probe] ${alias}: ${line}`), ...(o.sshPath === undefined ? {} : { sshPath: o.sshPath }) }),
    // Through a jump host or a ProxyCommand the banner would not be the target's: no fallback there.
    ...(o.bannerFallback !== false && direct
      ? {
          banner: async (signal: AbortSignal) => {
            const r = await probeBanner({ host: target.hostName, port: target.port, timeoutMs: Math.min(target.connectTimeoutMs, 10_000), signal });
            return r.ok ? { ok: true as const, connectMs: r.connectMs } : { ok: false as const, reason: r.reason, message: r.message };
          },
        }
      : {}),
  };
  return { kind: 'probe', target, registration };
}
