/**
 * The OpenSSH client's command-line grammar (ssh.c, OpenSSH 9.x/10.x):
 * getopt string "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy".
 *
 * Quirks reproduced here:
 * - options may be bundled (`-tt`, `-vp22`), and an option's argument may be
 *   attached (`-p22`, `-oPort=22`) or the next word (`-p 22`);
 * - ssh re-runs getopt after the destination, so options may follow it
 *   (`ssh host -p 22`); the first word after the destination that is not an
 *   option starts the remote command, and everything after it belongs to the command;
 * - `--` ends option parsing for good: `ssh -- host -p 22` runs the command `-p 22`;
 * - the destination is `[user@]host` (split at the last `@`) or
 *   `ssh://[user@]host[:port]` (IPv6 in brackets).
 */

/** Flags without an argument. `1` and `2` are accepted for old scripts. */
const FLAGS = new Set('1246AaCfGgKkMNnqsTtVvXxYy');
/** Options that take an argument. */
const WITH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw');

export interface Destination {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  /** Given as an `ssh://` URI. */
  readonly uri: boolean;
  /** The word as typed. */
  readonly raw: string;
}

export interface SshOption {
  readonly flag: string;
  readonly value?: string;
}

export interface SshInvocation {
  /** Every option in order, as getopt saw it. */
  readonly options: readonly SshOption[];
  readonly destination?: Destination;
  /** Words after the destination: ssh joins them with spaces for the remote shell. */
  readonly command: readonly string[];
  /** `-o Key=Value` (or `Key Value`) pairs, keys lower-cased as ssh compares them. */
  readonly configOptions: readonly { readonly key: string; readonly value: string }[];
  /** Problems ssh itself would refuse the command line for. */
  readonly errors: readonly string[];
  /** How many of {@link options} came before the destination. */
  readonly optionsBeforeDestination: number;
}

export function parseSshArgs(args: readonly string[]): SshInvocation {
  const options: SshOption[] = [];
  const errors: string[] = [];
  let destination: Destination | undefined;
  let optionsBeforeDestination = 0;
  const command: string[] = [];
  let i = 0;
  let optionsDone = false;
  while (i < args.length) {
    const word = args[i] as string;
    if (!optionsDone && word === '--') {
      optionsDone = true;
      i++;
      continue;
    }
    if (!optionsDone && word.length > 1 && word.startsWith('-')) {
      // A bundle of flags, possibly ending in an option with an argument.
      let j = 1;
      for (; j < word.length; j++) {
        const c = word[j] as string;
        if (FLAGS.has(c)) {
          options.push({ flag: c });
          continue;
        }
        if (WITH_ARG.has(c)) {
          const attached = word.slice(j + 1);
          if (attached !== '') {
            options.push({ flag: c, value: attached });
          } else if (i + 1 < args.length) {
            options.push({ flag: c, value: args[i + 1] as string });
            i++;
          } else {
            errors.push(`option requires an argument -- ${c}`);
          }
          break;
        }
        errors.push(`unknown option -- ${c}`);
        break;
      }
      i++;
      continue;
    }
    if (destination === undefined) {
      optionsBeforeDestination = options.length;
      const parsed = parseDestination(word);
      if (parsed === undefined) {
        errors.push(`invalid destination: ${word}`);
        destination = { host: word, uri: false, raw: word };
      } else {
        destination = parsed;
      }
      // getopt starts again after the destination (ssh.c "goto again"),
      // unless "--" ended option parsing (opt_terminated).
      i++;
      continue;
    }
    command.push(...args.slice(i));
    break;
  }
  return {
    options,
    ...(destination === undefined ? {} : { destination }),
    command,
    configOptions: configOptionsOf(options),
    errors,
    optionsBeforeDestination: destination === undefined ? options.length : optionsBeforeDestination,
  };
}

function configOptionsOf(options: readonly SshOption[]): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const o of options) {
    if (o.flag !== 'o' || o.value === undefined) {
      continue;
    }
    // readconf.c process_config_line: keyword, then whitespace or one '='.
    const m = /^\s*([^\s=]+)\s*(?:=\s*|\s+)(.*)$/.exec(o.value);
    if (m !== null) {
      out.push({ key: (m[1] as string).toLowerCase(), value: (m[2] as string).trim() });
    }
  }
  return out;
}

/** misc.c `hpdelim`: `[address]:port`, `[address]`, or up to the first `:`; undefined when malformed. */
export function splitHostPort(text: string): { readonly host: string; readonly portText: string | undefined } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) {
      return undefined;
    }
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      return undefined;
    }
    return { host: text.slice(1, close), portText: after === '' ? undefined : after.slice(1) };
  }
  const colon = text.indexOf(':');
  return colon === -1 ? { host: text, portText: undefined } : { host: text.slice(0, colon), portText: text.slice(colon + 1) };
}

/** A port as ssh's `a2port` reads it: 1–65535, digits only; undefined otherwise. */
function portNumber(text: string): number | undefined {
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 1 && port <= 65535 ? port : undefined;
}

/** One `[user@]host[:port]` or `ssh://[user@]host[:port]` (a ProxyJump hop: readconf.c `parse_jump`, misc.c `parse_user_host_port` / `parse_uri`). */
export interface UserHostPort {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

/** Parses a {@link UserHostPort}; undefined when OpenSSH would refuse it (empty user or host, bad port, a path in a URI). */
export function parseUserHostPort(text: string): UserHostPort | undefined {
  let rest = text;
  const uri = /^ssh:\/\//i.test(rest);
  if (uri) {
    rest = rest.slice(6).replace(/\/$/, '');
    if (rest.includes('/')) {
      return undefined;
    }
  }
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') {
      return undefined;
    }
    if (uri) {
      // parse_uri: the user part is URL-decoded, and `;` starts connection parameters.
      user = urlDecode(user.split(';')[0] as string);
      if (user === undefined) {
        return undefined;
      }
    }
  }
  const split = splitHostPort(rest);
  // misc.c hpdelim2 also stops a host at "/", which parse_user_host_port refuses (ssh -G 9.2: "Invalid ProxyJump \"a/22\""); inside [...] it is part of the host.
  if (split === undefined || split.host === '' || (!rest.startsWith('[') && split.host.includes('/'))) {
    return undefined;
  }
  const port = split.portText === undefined ? undefined : portNumber(split.portText);
  if (split.portText !== undefined && port === undefined) {
    return undefined;
  }
  return { host: split.host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

/**
 * The user part of an `ssh://` URI decoded; undefined when ssh refuses it:
 * misc.c `urldecode` fails on a `%` without two hex digits after it. Escapes
 * that do not spell UTF-8 (`%ff`) are refused too: a string cannot hold the byte.
 */
function urlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** `[user@]host` or `ssh://[user@]host[:port]`; undefined when malformed. */
export function parseDestination(word: string): Destination | undefined {
  if (word === '') {
    return undefined;
  }
  if (word.toLowerCase().startsWith('ssh://')) {
    let rest = word.slice(6);
    if (rest.endsWith('/')) {
      rest = rest.slice(0, -1);
    }
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at !== -1) {
      user = urlDecode(rest.slice(0, at).split(';')[0] as string);
      if (user === undefined) {
        return undefined;
      }
      rest = rest.slice(at + 1);
    }
    const split = splitHostPort(rest);
    if (split === undefined) {
      return undefined;
    }
    const { host, portText } = split;
    if (host === '' || rest.includes('/')) {
      return undefined;
    }
    const port = portText === undefined ? undefined : portNumber(portText);
    if (portText !== undefined && port === undefined) {
      return undefined;
    }
    return { host, uri: true, raw: word, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
  }
  const at = word.lastIndexOf('@');
  if (at === -1) {
    return { host: word, uri: false, raw: word };
  }
  const host = word.slice(at + 1);
  return host === '' ? undefined : { host, user: word.slice(0, at), uri: false, raw: word };
}

/**
 * User and port as the command line sets them. ssh.c keeps the first value it
 * meets, in argv order, whether it comes from `-l`/`-p`, `-o User=`/`-o Port=`,
 * or the destination (`user@`, `ssh://…:port`); the config file only fills
 * what is still unset.
 */
export function commandLineUserAndPort(inv: SshInvocation): { user?: string; port?: string } {
  let user: string | undefined;
  let port: string | undefined;
  const take = (o: SshOption): void => {
    if (o.flag === 'l' && o.value !== undefined) {
      user ??= o.value;
    } else if (o.flag === 'p' && o.value !== undefined) {
      port ??= o.value;
    } else if (o.flag === 'o' && o.value !== undefined) {
      const [kv] = configOptionsOf([o]);
      if (kv?.key === 'user') {
        user ??= kv.value;
      } else if (kv?.key === 'port') {
        port ??= kv.value;
      }
    }
  };
  inv.options.slice(0, inv.optionsBeforeDestination).forEach(take);
  if (inv.destination !== undefined) {
    user ??= inv.destination.user;
    port ??= inv.destination.port === undefined ? undefined : String(inv.destination.port);
  }
  inv.options.slice(inv.optionsBeforeDestination).forEach(take);
  return { ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

/** The last value given for an option letter. */
export function lastOption(inv: SshInvocation, flag: string): string | undefined {
  let v: string | undefined;
  for (const o of inv.options) {
    if (o.flag === flag) {
      v = o.value;
    }
  }
  return v;
}

/** How many times a flag was given (`-tt` → 2). */
export function flagCount(inv: SshInvocation, flag: string): number {
  return inv.options.filter((o) => o.flag === flag).length;
}

/**
 * OpenSSH's check for host names given on the command line (ssh.c
 * `valid_hostname`, 8.x+): no leading '-', and none of the shell and
 * separator characters or whitespace/control characters.
 */
export function isValidCommandLineHost(host: string): boolean {
  if (host === '' || host.startsWith('-')) {
    return false;
  }
  for (const ch of host) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f || "'\"$\\;&<>|(){},` \t".includes(ch)) {
      return false;
    }
  }
  return true;
}
