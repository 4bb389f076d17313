/**
 * Where a terminal's ssh session really goes: the effective options for its
 * own command line, from `ssh -G` (trusted workspaces) or from our own
 * evaluation of the config files (untrusted: nothing is ever spawned).
 */
import { existsSync, statSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { commandLineUserAndPort, isValidCommandLineHost, parseSshArgs, type SshInvocation } from '../core/sshArgs/parse';
import type { ResolveErrorReason, TargetResolution } from '../core/session/tracked';
import { parseSshG } from '../core/sshConfig/effective';
import { configFileOption, evaluateSshConfig, type ConfigSource } from '../core/sshConfig/evaluate';
import { includePattern, MAX_INCLUDE_DEPTH, type IncludeFiles } from '../core/sshConfig/includes';
import { buildModel } from '../core/sshConfig/model';
import { localIncludeFiles } from './includeFiles';
import { runSshGArgs, type SshGResult } from './sshEffective';

export interface ResolveOptions {
  /** `vscode.workspace.isTrusted`: only then may `ssh -G` run (it runs the config's `Match exec`). */
  readonly trusted: boolean;
  /** Working directory for spawning: the extension's own folder, never a workspace folder. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** The ssh process's working directory (`/proc/<pid>/cwd`), for a relative `-F` or `-i`. */
  readonly processCwd?: string;
  /** For `ssh -G`; default 5 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The ssh program (tests); default `ssh` on PATH. */
  readonly program?: string;
  /** `/etc/ssh` unless a test says otherwise. */
  readonly systemDir?: string;
}

export type { ResolveErrorReason, TargetResolution } from '../core/session/tracked';

/** Options that make no sense for `-G` or do something besides printing: fork, log to a file, stdio forward, subsystem, version, query, control commands. */
const DROPPED = new Set(['f', 'E', 'y', 'W', 's', 'V', 'Q', 'O', 'G']);

/**
 * The `ssh -G` argument vector for a session's command line: its options
 * (remote command dropped), the command-line user and port first so that
 * moving options from after the destination to before it changes nothing,
 * relative `-F`/`-i` made absolute against the process's cwd, then `--` and
 * the destination as typed. Undefined with a reason when that is not possible.
 */
export function sshGArgsFor(inv: SshInvocation, processCwd: string | undefined): { readonly args: string[] } | { readonly error: { reason: ResolveErrorReason; message: string } } {
  const d = inv.destination;
  if (d === undefined || !isValidCommandLineHost(d.host) || d.raw.startsWith('-')) {
    return { error: { reason: 'invalid-destination', message: `no destination ssh would accept${d === undefined ? '' : `: ${JSON.stringify(d.raw)}`}` } };
  }
  const { user, port } = commandLineUserAndPort(inv);
  const args = ['-G', ...(user === undefined ? [] : ['-l', user]), ...(port === undefined ? [] : ['-p', port])];
  for (const o of inv.options) {
    if (DROPPED.has(o.flag) || o.flag === 'l' || o.flag === 'p') {
      continue;
    }
    if (o.flag === 'o' && /^\s*(user|port)\s*(=|\s)/i.test(o.value ?? '')) {
      continue; // already settled by commandLineUserAndPort
    }
    let value = o.value;
    if ((o.flag === 'F' || o.flag === 'i') && value !== undefined && value !== 'none' && !path.isAbsolute(value) && !(o.flag === 'i' && value.startsWith('~'))) {
      if (processCwd === undefined) {
        if (o.flag === 'F') {
          return { error: { reason: 'relative-config', message: `-F ${value} is relative and the ssh process's working directory is unknown` } };
        }
      } else {
        value = path.resolve(processCwd, value);
      }
    }
    args.push(value === undefined ? `-${o.flag}` : `-${o.flag}${value}`);
  }
  args.push('--', d.raw);
  return { args };
}

/** The config files a command line reads, as ssh would: the `-F` file, or the user's then the system's. */
function configSources(inv: SshInvocation, options: ResolveOptions, read: (file: string) => string | undefined): ConfigSource[] | { error: { reason: ResolveErrorReason; message: string } } {
  const f = configFileOption(inv);
  if (f === 'none') {
    return [];
  }
  if (f !== undefined) {
    if (!path.isAbsolute(f) && options.processCwd === undefined) {
      return { error: { reason: 'relative-config', message: `-F ${f} is relative and the ssh process's working directory is unknown` } };
    }
    const file = path.resolve(options.processCwd ?? '/', f);
    return [{ path: file, text: read(file), userFile: true }];
  }
  const user = path.join(options.home, '.ssh', 'config');
  const system = path.join(options.systemDir ?? '/etc/ssh', 'ssh_config');
  return [
    { path: user, text: read(user), userFile: true },
    { path: system, text: read(system), userFile: false },
  ];
}

/** Every file the sources read, Includes followed (for the cache's change check). */
function filesRead(sources: readonly ConfigSource[], files: IncludeFiles, options: ResolveOptions): string[] {
  const out: string[] = [];
  const visit = (file: string, text: string | undefined, userFile: boolean, depth: number): void => {
    if (out.includes(file) || depth > MAX_INCLUDE_DEPTH) {
      return;
    }
    out.push(file);
    if (text === undefined) {
      return;
    }
    for (const d of buildModel(text, 'client').blocks.flatMap((b) => b.directives)) {
      if (d.key !== 'include' || d.line.error !== undefined) {
        continue;
      }
      for (const arg of d.args) {
        const pattern = includePattern(arg.value, 'client', { home: options.home, env: options.env, userFile });
        for (const included of pattern === undefined ? [] : files.glob(pattern)) {
          visit(included, files.read(included), userFile, depth + 1);
        }
      }
    }
  };
  for (const s of sources) {
    visit(s.path, s.text, s.userFile, 0);
  }
  return out;
}

function signature(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${f}:${st.mtimeMs}:${st.size}:${st.ino}`;
      } catch {
        return `${f}:-`;
      }
    })
    .join('\n');
}

/**
 * Resolves session targets, remembering each answer until one of the config
 * files it read (Includes followed) changes, so rescans never respawn ssh.
 */
export class TargetResolver {
  private readonly cache = new Map<string, { readonly signature: string; readonly result: TargetResolution }>();
  private readonly files: IncludeFiles = localIncludeFiles();

  constructor(private readonly maxEntries = 64) {}

  async resolve(sshArgs: readonly string[], options: ResolveOptions): Promise<TargetResolution> {
    const inv = parseSshArgs(sshArgs);
    const sources = configSources(inv, options, (f) => this.files.read(f));
    if ('error' in sources) {
      return sources;
    }
    const key = JSON.stringify([options.trusted, options.processCwd ?? '', options.home, options.program ?? 'ssh', sshArgs]);
    const sig = signature(filesRead(sources, this.files, options));
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.signature === sig) {
      return hit.result;
    }
    const result = await resolveUncached(inv, sources, this.files, options);
    if (!('error' in result && result.error.reason === 'cancelled')) {
      this.cache.delete(key);
      this.cache.set(key, { signature: sig, result });
      if (this.cache.size > this.maxEntries) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
    }
    return result;
  }
}

async function resolveUncached(inv: SshInvocation, sources: readonly ConfigSource[], files: IncludeFiles, options: ResolveOptions): Promise<TargetResolution> {
  const own = (fallback?: string): TargetResolution => {
    const info = userInfo();
    const evaluation = evaluateSshConfig({
      invocation: inv,
      configs: sources,
      files,
      local: { user: info.username, uid: info.uid, home: options.home, hostname: hostname(), env: options.env },
      debian: existsSync('/etc/debian_version'),
      fileExists: (p) => existsSync(options.processCwd === undefined ? p : path.resolve(options.processCwd, p)),
    });
    return { source: 'own', options: evaluation.options, unevaluated: evaluation.unevaluated, ...(fallback === undefined ? {} : { fallback }) };
  };
  if (inv.destination === undefined || !isValidCommandLineHost(inv.destination.host)) {
    return { error: { reason: 'invalid-destination', message: 'no destination ssh would accept' } };
  }
  if (!options.trusted) {
    return own();
  }
  const built = sshGArgsFor(inv, options.processCwd);
  if ('error' in built) {
    return built;
  }
  const result: SshGResult = await runSshGArgs(built.args, {
    cwd: options.cwd,
    timeoutMs: options.timeoutMs ?? 5_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.program === undefined ? {} : { program: options.program }),
  });
  switch (result.kind) {
    case 'ok':
      return { source: 'ssh -G', options: parseSshG(result.stdout), unevaluated: [] };
    case 'missing':
      return own('ssh is not on the extension host’s PATH');
    case 'timeout':
      return own(`ssh -G did not answer within ${result.timeoutMs} ms (a slow Match exec?)`);
    case 'cancelled':
      return { error: { reason: 'cancelled', message: 'cancelled' } };
    case 'invalid-host':
      return { error: { reason: 'invalid-destination', message: 'no destination ssh would accept' } };
    case 'failed':
      return { error: { reason: 'ssh-refused', message: result.message } };
  }
}

/** A process's working directory (Linux `/proc/<pid>/cwd`), for its relative `-F`/`-i`; undefined when unreadable. */
export async function readProcessCwd(pid: number, procRoot = '/proc'): Promise<string | undefined> {
  try {
    return await readlink(`${procRoot}/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** One-off resolution without a cache (see {@link TargetResolver} for repeated use). */
export function resolveSessionTarget(session: { readonly sshArgs: readonly string[] }, options: ResolveOptions): Promise<TargetResolution> {
  return new TargetResolver(1).resolve(session.sshArgs, options);
}
