/**
 * Types for the ssh_config / sshd_config keyword catalogues.
 *
 * The catalogues are plain data transcribed from OpenSSH's own keyword tables
 * (readconf.c `keywords[]` for the client, servconf.c `keywords[]` with its
 * SSHCFG_GLOBAL / SSHCFG_MATCH flags for the server), the ssh_config(5) and
 * sshd_config(5) manual pages and the OpenSSH release notes. Versions are
 * OpenSSH (OpenBSD) release numbers such as `'9.2'`; portable "p1"/"p2" suffixes
 * are not part of them.
 */

/** Which file a keyword belongs to: ssh_config (client) or sshd_config (server). */
export type Side = 'client' | 'server';

/**
 * The shape of a keyword's argument, as far as a linter needs it.
 *
 * Only `enum` promises that {@link KeywordInfo.values} is exhaustive; for the
 * other types `values` lists the special words accepted besides the general form
 * (for example `none` for a time).
 */
export type ValueType =
  /** A flag. The client also accepts `true`/`false` (readconf.c `multistate_flag`); the server only `yes`/`no`. */
  | 'yes-no'
  /** Exactly one of `values`, compared case-insensitively. */
  | 'enum'
  /** A decimal integer (OpenSSH uses strtonum/atoi_err). */
  | 'integer'
  /** A time as in sshd_config(5) "TIME FORMATS": `90`, `10m`, `1h30m`. */
  | 'time'
  /** One free-form word. */
  | 'string'
  /** The rest of the line, handed to the user's shell (ProxyCommand, ForceCommand, ...). */
  | 'command'
  /** One file or socket path; may use `~`, `%` tokens and `${ENV}` where the manual says so. */
  | 'path'
  /** Several paths separated by whitespace. */
  | 'path-list'
  /** Comma-separated algorithm names; a leading `+`, `-` or `^` appends, removes or prepends to the default set. */
  | 'algorithms'
  /** Comma-separated names without the `+`/`-`/`^` forms (PreferredAuthentications, KbdInteractiveDevices). */
  | 'list'
  /** Whitespace-separated words. */
  | 'word-list'
  /** Patterns (`*`, `?`, `!negation`) as in ssh_config(5) "PATTERNS". */
  | 'pattern-list'
  /** A host name or address. */
  | 'host'
  /** A port number or service name (since 7.9, getservbyname). */
  | 'port'
  /** `host[:port]` or an address (BindAddress, ListenAddress). */
  | 'address'
  /** A port-forwarding specification (`[bind_address:]port host:hostport`, Unix socket paths). */
  | 'forward'
  /** `NAME=VALUE` pairs. */
  | 'env'
  /** The criteria of `Host` or `Match`: these keywords open a block. */
  | 'criteria'
  /** A syntax of its own, described in the keyword's summary (IPQoS, RekeyLimit, ChannelTimeout, ...). */
  | 'special';

/** How OpenSSH treats a keyword whose function is gone. */
export type LegacyHandling =
  /** Accepted and ignored without a message (readconf.c `oIgnore`, servconf.c `sIgnore`). */
  | 'ignored'
  /**
   * Accepted and ignored with "Deprecated option" (client `oDeprecated`: debug level, so
   * normally silent; server `sDeprecated`: logged at INFO, visible in `sshd -t`).
   */
  | 'deprecated'
  /** Accepted and ignored with "Unsupported option" (client: error level but ssh still runs; server: INFO). */
  | 'unsupported';

/** The keyword still works but should be replaced (usually an old name kept as an alias). */
export interface Deprecation {
  /** OpenSSH version that deprecated it; absent when not known. */
  readonly since?: string;
  readonly note: string;
  /** The keyword to use instead. */
  readonly replacement?: string;
}

/** The keyword's function has been removed; OpenSSH still parses the word and ignores it. */
export interface Removal {
  /** OpenSSH version that removed the function; absent when not known. */
  readonly since?: string;
  readonly note: string;
  readonly handling: LegacyHandling;
  readonly replacement?: string;
}

/** One argument value that still parses but is deprecated or ignored. */
export interface DeprecatedValue {
  /** The value, lower-case. */
  readonly value: string;
  readonly since: string;
  readonly note: string;
  readonly replacement?: string;
}

/**
 * A change of the default. `value` is what OpenSSH printed (`ssh -G`/`sshd -T`)
 * for versions older than `before` (and not older than the previous change).
 */
export interface DefaultChange {
  readonly before: string;
  readonly value: string;
}

/**
 * A compile-time feature a keyword depends on. Without it OpenSSH maps the keyword
 * to "Unsupported option" (ignored with a message) instead of rejecting it.
 */
export type BuildFeature = 'gssapi' | 'kerberos' | 'afs' | 'pam' | 'pkcs11' | 'lastlog';

/**
 * Keywords that upstream OpenSSH does not have but widespread distribution
 * builds do. A config meant for other builds fails on them ("Bad configuration
 * option") unless preceded by `IgnoreUnknown` (client only).
 */
export type Vendor =
  /** The GSSAPI key-exchange patch (openssh-gsskex) shipped by Debian, Ubuntu, Fedora, RHEL and SUSE. */
  | 'gsskex'
  /** Debian and Ubuntu's own patches. */
  | 'debian';

/** One ssh_config or sshd_config keyword. */
export interface KeywordInfo {
  /** Canonical spelling as in the manual page, e.g. `ServerAliveInterval`. Lookups ignore case. */
  readonly name: string;
  readonly side: Side;
  readonly type: ValueType;
  /** Accepted words, lower-case as OpenSSH compares them. Exhaustive only for `enum`. */
  readonly values?: readonly string[];
  /**
   * The current (10.2) upstream default as `ssh -G -F /dev/null host` or `sshd -T`
   * prints it for an empty configuration. Absent where there is none, where it
   * depends on the build (paths, algorithm lists) or on the user, or where it
   * spans several output lines.
   */
  readonly default?: string;
  /** Earlier defaults, for version-aware checks (see `defaultFor`). */
  readonly defaultHistory?: readonly DefaultChange[];
  /**
   * True when every occurrence adds to the setting (IdentityFile, LocalForward,
   * SendEnv, ...); false when the first obtained value wins.
   */
  readonly multi: boolean;
  /** Server only: may appear inside a `Match` block (servconf.c SSHCFG_MATCH). */
  readonly allowedInMatch?: boolean;
  /** Server only: the version that first allowed it inside `Match`, when later than `since`. */
  readonly matchSince?: string;
  /** OpenSSH version that introduced the keyword, where known. */
  readonly since?: string;
  /** For an alias: the keyword OpenSSH maps it to (same opcode in the keyword table). */
  readonly aliasOf?: string;
  readonly deprecated?: Deprecation;
  readonly removed?: Removal;
  readonly deprecatedValues?: readonly DeprecatedValue[];
  /** The build feature without which OpenSSH treats the keyword as unsupported. */
  readonly requires?: BuildFeature;
  /** Set for keywords that exist only in vendor builds. */
  readonly vendor?: Vendor;
  /** The only platform where the keyword works; elsewhere sshd refuses it at start-up. */
  readonly platform?: 'openbsd';
  /** A valid argument, usable in a one-line test configuration. */
  readonly sample: string;
  /** Version-specific behaviour worth knowing. */
  readonly notes?: readonly string[];
  /** One short sentence. */
  readonly summary: string;
}
