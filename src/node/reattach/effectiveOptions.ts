/**
 * What the user's own configuration already says about keepalives, connect
 * timeouts and the escape character, from `ssh -G` with their options: the
 * wrapper adds its defaults only where the user has none.
 */
import type { SshInvocation } from '../../core/sshArgs/parse';
import { parseSshG } from '../../core/sshConfig/effective';
import { sshGArgsFor } from '../resolveTarget';
import { runSshGArgs } from '../sshEffective';

/** The effective values the wrapper decides on. */
export interface EffectiveConnectOptions {
  /** `serveraliveinterval` in seconds; 0 = never. */
  readonly serverAliveInterval: number;
  /** `connecttimeout` in seconds; undefined for `none` (the kernel's SYN retries, minutes). */
  readonly connectTimeout: number | undefined;
  /** `escapechar`: the character of `~.`; undefined for `none`. */
  readonly escapeChar: string | undefined;
}

export type EffectiveConnectResult =
  | { readonly kind: 'ok'; readonly options: EffectiveConnectOptions }
  /** ssh refused the command line or the configuration: the interactive ssh would refuse it too. */
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'missing' }
  /** ssh -G did not answer in time (a slow `Match exec`): go on without knowing. */
  | { readonly kind: 'unknown'; readonly message: string };

export interface EffectiveConnectRequest {
  /** Where the user's relative `-F`/`-i` paths point from. */
  readonly cwd: string;
  /** A folder of ours to run ssh -G in. */
  readonly programCwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** Default 15 s: `ssh -G` runs the config's `Match exec` commands. */
  readonly timeoutMs?: number;
}

function seconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * `ssh -G` prints the escape character through vis(3): `~` as itself, a
 * control character as `\^]`. Undefined for `none` or anything unreadable.
 */
export function escapeCharOf(value: string | undefined): string | undefined {
  if (value === undefined || value === 'none') {
    return undefined;
  }
  if ([...value].length === 1) {
    return value;
  }
  const control = /^\\\^([@-_?])$/.exec(value);
  if (control !== null) {
    const c = (control[1] as string).charCodeAt(0);
    return String.fromCharCode(c === 0x3f ? 0x7f : c - 0x40);
  }
  return undefined;
}

/** Runs `ssh -G <the user's options> -- HOST` and reads the three values. */
export async function effectiveConnectOptions(inv: SshInvocation, request: EffectiveConnectRequest): Promise<EffectiveConnectResult> {
  const built = sshGArgsFor(inv, request.cwd);
  if ('error' in built) {
    return { kind: 'refused', message: built.error.message };
  }
  const result = await runSshGArgs(built.args, {
    cwd: request.programCwd,
    timeoutMs: request.timeoutMs ?? 15_000,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
  switch (result.kind) {
    case 'ok': {
      const options = parseSshG(result.stdout);
      const first = (key: string): string | undefined => options.get(key)?.[0];
      return {
        kind: 'ok',
        options: {
          serverAliveInterval: seconds(first('serveraliveinterval')) ?? 0,
          connectTimeout: seconds(first('connecttimeout')),
          escapeChar: escapeCharOf(first('escapechar')),
        },
      };
    }
    case 'failed':
      return { kind: 'refused', message: result.message };
    case 'invalid-host':
      return { kind: 'refused', message: 'no destination ssh would accept' };
    case 'missing':
      return { kind: 'missing' };
    case 'timeout':
      return { kind: 'unknown', message: `ssh -G did not answer within ${result.timeoutMs / 1000} s (a slow Match exec?)` };
    case 'cancelled':
      return { kind: 'unknown', message: 'cancelled' };
  }
}
