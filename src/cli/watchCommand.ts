import { defaultHeartbeatSettings, type HealthState, type HeartbeatSettings } from '../core/health/health';
import { formatRtt } from '../core/health/present';
import { isValidHostArgument, parseSshG } from '../core/sshConfig/effective';
import { Heartbeat } from '../node/heartbeat/heartbeat';
import { hostKeyFor, registrationFor } from '../node/heartbeat/probes';
import { runSshG } from '../node/sshEffective';

export interface WatchArgs {
  readonly intervalSeconds: number | undefined;
  readonly json: boolean;
  readonly configFile: string | undefined;
  readonly hosts: readonly string[];
}

export type ParsedWatchArgs = { readonly kind: 'run'; readonly args: WatchArgs } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

export const watchUsage = `Usage: ssh-lifeline watch [options] HOST...

Shows a heartbeat for each HOST: a keepalive over an SSH connection of its
own every interval, with the round trip and the host's state (up, degraded,
down, unknown, untrusted-host-key). HOST is resolved with ssh -G, exactly as
"ssh HOST" would; authentication works like ssh -o BatchMode=yes (agent,
then unencrypted keys; never a prompt), and the host key must already be in
known_hosts.

Options:
  --interval SECONDS   Time between beats (default ${defaultHeartbeatSettings.intervalMs / 1000}); the degraded and
                       down thresholds scale with it
  --json               One JSON object per line on every beat and state change:
                       {"time","host","state","rttMs","event":"beat"|"state"},
                       beats with "lossPercent" (late or lost beats of the
                       recent ones), state changes with "reason"
  -F CONFIG            The ssh config file to resolve HOST with (as ssh -F)
  -h, --help           Show this help

Runs until interrupted (SIGINT or SIGTERM: exit 0). Exit 2 on a usage error
or when no HOST can be resolved.
`;

export function parseWatchArgs(argv: readonly string[]): ParsedWatchArgs {
  let intervalSeconds: number | undefined;
  let json = false;
  let configFile: string | undefined;
  const hosts: string[] = [];
  const error = (message: string): ParsedWatchArgs => ({ kind: 'error', message });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      hosts.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      return { kind: 'help' };
    }
    if (arg === '--json') {
      json = true;
    } else if (arg === '--interval' || arg.startsWith('--interval=')) {
      const value = arg === '--interval' ? argv[++i] : arg.slice('--interval='.length);
      const n = Number(value);
      if (value === undefined || value === '' || !Number.isFinite(n) || n < 0.2 || n > 3600) {
        return error(`--interval needs a number of seconds between 0.2 and 3600, not '${value ?? ''}'`);
      }
      intervalSeconds = n;
    } else if (arg === '-F' || (arg.startsWith('-F') && arg.length > 2)) {
      const value = arg === '-F' ? argv[++i] : arg.slice(2);
      if (value === undefined || value === '') {
        return error('-F needs a file');
      }
      configFile = value;
    } else if (arg.startsWith('-')) {
      return error(`unknown option '${arg}'`);
    } else {
      hosts.push(arg);
    }
  }
  if (hosts.length === 0) {
    return error('no HOST given');
  }
  const bad = hosts.find((h) => !isValidHostArgument(h));
  if (bad !== undefined) {
    return error(`'${bad}' is not a host name ssh would accept`);
  }
  return { kind: 'run', args: { intervalSeconds, json, configFile, hosts } };
}

/** Thresholds scaled from the defaults to another beat interval. */
export function settingsForInterval(intervalSeconds: number | undefined): HeartbeatSettings {
  if (intervalSeconds === undefined) {
    return defaultHeartbeatSettings;
  }
  const d = defaultHeartbeatSettings;
  const scale = (intervalSeconds * 1000) / d.intervalMs;
  return { ...d, intervalMs: d.intervalMs * scale, degradedAfterMs: d.degradedAfterMs * scale, downAfterMs: d.downAfterMs * scale };
}

export interface WatchIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** Folder to run ssh in (never a folder we do not control). */
  readonly programCwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
}

const stateWords: Record<HealthState, string> = {
  up: 'up',
  degraded: 'degraded',
  down: 'DOWN',
  unknown: 'unknown',
  'untrusted-host-key': 'UNTRUSTED HOST KEY',
};

function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `ssh-lifeline watch`: resolves each host with ssh -G, then prints beats and state changes until stopped. */
export async function runWatch(args: WatchArgs, io: WatchIo): Promise<number> {
  const settings = settingsForInterval(args.intervalSeconds);
  const log = (line: string): void => {
    if (!args.json) {
      io.err(`${clockTime(Date.now())} ${line}\n`);
    }
  };
  const heartbeat = new Heartbeat({ log: (line) => (/^\[(probe|wake)\]/.test(line) ? log(line) : undefined) });
  const releases: (() => void)[] = [];
  const lastState = new Map<string, HealthState>();
  const lastRtt = new Map<string, number>();

  for (const host of args.hosts) {
    const result = await runSshG({ host, configFile: args.configFile }, { cwd: io.programCwd, signal: io.stop });
    if (io.stop.aborted) {
      break;
    }
    if (result.kind !== 'ok') {
      const why =
        result.kind === 'failed' ? result.message : result.kind === 'missing' ? 'ssh is not installed' : result.kind === 'timeout' ? 'ssh -G timed out' : result.kind;
      io.err(`ssh-lifeline watch: cannot resolve ${host}: ${why}\n`);
      continue;
    }
    const registration = registrationFor(parseSshG(result.stdout), host, {
      settings,
      env: io.env,
      home: io.home,
      ...(args.configFile === undefined ? {} : { configFile: args.configFile }),
      log,
    });
    if (registration.kind === 'not-probed') {
      io.err(`ssh-lifeline watch: ${host}: ${registration.message}\n`);
      continue;
    }
    const key = hostKeyFor(registration.target);
    const owned = heartbeat.acquire(key, registration.registration);
    lastState.set(host, owned.monitor.snapshot().state);
    const unsubscribe = [
      owned.monitor.onBeat((e) => {
        lastRtt.set(host, e.rttMs);
        const snapshot = owned.monitor.snapshot();
        const state = snapshot.state;
        if (args.json) {
          const lossPercent = snapshot.loss === undefined ? null : Math.round(snapshot.loss * 1000) / 10;
          io.out(`${JSON.stringify({ time: new Date(e.time).toISOString(), host, state, rttMs: round(e.rttMs), event: 'beat', lossPercent })}\n`);
        } else {
          io.out(`${clockTime(e.time)}  ${host}  ${stateWords[state]}  ${formatRtt(e.rttMs)}\n`);
        }
      }),
      owned.monitor.onStateChange((e) => {
        lastState.set(host, e.to);
        if (args.json) {
          const rtt = lastRtt.get(host);
          io.out(`${JSON.stringify({ time: new Date(e.time).toISOString(), host, state: e.to, rttMs: rtt === undefined || e.to === 'down' ? null : round(rtt), event: 'state', reason: e.reason })}\n`);
        } else {
          io.out(`${clockTime(e.time)}  ${host}  ${stateWords[e.from]} → ${stateWords[e.to]}: ${e.reason}\n`);
        }
      }),
    ];
    releases.push(() => {
      unsubscribe.forEach((u) => u());
      owned.release();
    });
  }

  if (releases.length === 0) {
    heartbeat.dispose();
    return io.stop.aborted ? 0 : 2;
  }
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) {
      resolve();
    } else {
      io.stop.addEventListener('abort', () => resolve(), { once: true });
    }
  });
  releases.forEach((r) => r());
  heartbeat.dispose();
  return 0;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
