/**
 * What the heartbeat probe needs to reach a host, taken from the host's
 * effective options (`ssh -G`): the same host, port, user, keys, agent and
 * known_hosts files the user's own ssh would use.
 */
import type { EffectiveOptions } from '../sshConfig/effective';

/** Where and how to open a probe connection. */
export interface ProbeTarget {
  /** The name the user typed (`ssh -G`'s `host` line), for logs and labels. */
  readonly alias: string;
  readonly hostName: string;
  readonly port: number;
  readonly user: string;
  /** Private key files in the order ssh tries them (missing or passphrase-protected ones are skipped). */
  readonly identityFiles: readonly string[];
  /** Agent socket path; `'none'` disables the agent; undefined → `SSH_AUTH_SOCK` of the process. */
  readonly identityAgent: string | undefined;
  /** `IdentitiesOnly yes`: offer only agent keys that belong to {@link identityFiles}. */
  readonly identitiesOnly?: boolean;
  readonly userKnownHostsFiles: readonly string[];
  readonly globalKnownHostsFiles: readonly string[];
  readonly hostKeyAlias?: string;
  /** As `ssh -G` prints it: a comma list of `[user@]host[:port]` or `ssh://` hops. */
  readonly proxyJump?: string;
  /**
   * Set when the host is reached through a ProxyCommand. The probe never runs
   * it: it starts the system ssh for {@link alias}, which does (`proxyCommandCarrier`).
   */
  readonly proxyCommand?: string;
  /** The `-F` file the options came from, handed to the system ssh that carries jumps. */
  readonly configFile?: string;
  readonly connectTimeoutMs: number;
}

/** The local facts `%` tokens and `~` need; unknown ones leave their token as written. */
export interface ProbeEnvironment {
  /** The local user's home directory (`~`, `%d`). */
  readonly home: string;
  /** `SSH_AUTH_SOCK` of the process. */
  readonly authSock?: string;
  /** Local user name (`%u`). */
  readonly localUser?: string;
  /** Local host name (`%L` is its first label, `%l` the whole name). */
  readonly localHostName?: string;
  /** Local numeric user id (`%i`). */
  readonly uid?: number;
  /** Environment variables, for `${NAME}` in paths and `IdentityAgent $NAME`. */
  readonly vars?: Readonly<Record<string, string | undefined>>;
  /** The `-F` file given to `ssh -G`, if any. */
  readonly configFile?: string;
}

/** Used when the host has `ConnectTimeout none`: VS Code Remote-SSH's own choice. */
export const DEFAULT_PROBE_CONNECT_TIMEOUT_MS = 15_000;

/**
 * `~` at the start of a path: `~` and `~/…` become the home directory. `~user`
 * would need the password database, so it is left as written (that path then
 * does not exist and is skipped, as any missing file is).
 */
export function expandTilde(path: string, home: string): string {
  if (path === '~') {
    return home;
  }
  return path.startsWith('~/') ? `${home.replace(/\/+$/, '')}${path.slice(1)}` : path;
}

/**
 * OpenSSH's `percent_expand` with the tokens of ssh_config(5) TOKENS that can
 * be known without I/O: `%%`, `%d` (local home), `%u` (local user), `%h`
 * (remote host name), `%p` (port), `%r` (remote user), `%n` (the name as
 * typed), `%k` (HostKeyAlias, else the name as typed), `%l`/`%L` (local host
 * name, full/first label), `%i` (local uid), and `${NAME}` environment
 * variables. `%C` and `%j` (hashes and the jump host) and tokens whose value is
 * not given are left as written, so such a path names no file and is skipped.
 */
export function expandTokens(path: string, tokens: Readonly<Record<string, string | undefined>>, vars: Readonly<Record<string, string | undefined>> = {}): string {
  return path.replace(/%(.)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, token: string | undefined, name: string | undefined) => {
    if (token !== undefined) {
      return token === '%' ? '%' : tokens[token] ?? whole;
    }
    return vars[name as string] ?? whole;
  });
}

/**
 * Maps `ssh -G` output for `alias` to a probe target.
 *
 * Paths: `IdentityFile` is printed raw by `ssh -G` and gets `~` and the tokens
 * of {@link expandTokens}; `UserKnownHostsFile` and `IdentityAgent` are printed
 * already expanded (OpenSSH 8.4+), so only a leading `~` is expanded there (a
 * second token pass would misread a literal `%` left from `%%`);
 * `GlobalKnownHostsFile` takes no tokens, only `~`.
 *
 * The agent: no `identityagent` line, or `SSH_AUTH_SOCK`, means the
 * environment's socket; `$NAME` names another variable; `none` disables it.
 */
export function probeTargetFromEffective(options: EffectiveOptions, alias: string, env: ProbeEnvironment): ProbeTarget {
  const first = (key: string): string | undefined => {
    const value = options.get(key)?.[0];
    return value === undefined || value === '' || value === 'none' ? undefined : value;
  };
  const list = (key: string): string[] => (options.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter((p) => p !== '' && p !== 'none');
  const hostName = first('hostname') ?? alias;
  const portText = first('port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : 22;
  const user = first('user') ?? env.localUser ?? '';
  const hostKeyAlias = first('hostkeyalias');
  const vars = env.vars ?? {};
  const localHost = env.localHostName;
  const tokens: Record<string, string | undefined> = {
    d: env.home,
    u: env.localUser,
    h: hostName,
    p: String(port),
    r: user,
    n: alias,
    k: hostKeyAlias ?? alias,
    l: localHost,
    L: localHost?.split('.')[0],
    i: env.uid === undefined ? undefined : String(env.uid),
  };
  const identityFiles = (options.get('identityfile') ?? []).filter((p) => p !== '' && p !== 'none').map((p) => expandTokens(expandTilde(p, env.home), tokens, vars));

  const agentValue = options.get('identityagent')?.[0];
  let identityAgent: string | undefined;
  if (agentValue === undefined || agentValue === '' || agentValue === 'SSH_AUTH_SOCK') {
    identityAgent = env.authSock;
  } else if (agentValue === 'none') {
    identityAgent = 'none';
  } else if (agentValue.startsWith('$')) {
    const name = agentValue.slice(1).replace(/^\{(.*)\}$/, '$1');
    // ssh.c: an unset variable means no agent at all.
    identityAgent = name === 'SSH_AUTH_SOCK' ? env.authSock : vars[name] ?? 'none';
  } else {
    identityAgent = expandTilde(agentValue, env.home);
  }

  const timeoutText = first('connecttimeout');
  const connectTimeoutMs = timeoutText !== undefined && /^\d+$/.test(timeoutText) && Number(timeoutText) > 0 ? Number(timeoutText) * 1000 : DEFAULT_PROBE_CONNECT_TIMEOUT_MS;
  const proxyJump = first('proxyjump');
  const proxyCommand = first('proxycommand');
  const identitiesOnly = ['yes', 'true'].includes(first('identitiesonly') ?? 'no');
  return {
    alias,
    hostName,
    port,
    user,
    identityFiles,
    identityAgent,
    ...(identitiesOnly ? { identitiesOnly } : {}),
    userKnownHostsFiles: list('userknownhostsfile').map((p) => expandTilde(p, env.home)),
    globalKnownHostsFiles: list('globalknownhostsfile').map((p) => expandTilde(p, env.home)),
    ...(hostKeyAlias === undefined ? {} : { hostKeyAlias }),
    ...(proxyJump === undefined ? {} : { proxyJump }),
    ...(proxyCommand === undefined ? {} : { proxyCommand }),
    ...(env.configFile === undefined ? {} : { configFile: env.configFile }),
    connectTimeoutMs,
  };
}
