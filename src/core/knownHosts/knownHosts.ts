/**
 * known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT",
 * hostfile.c, match.c): parsing, the names a host is looked up under, and the
 * verdict on a key a server offers. Pure: files are read by the caller.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { matchPattern } from '../sshConfig/model';

/** How the host field of a line names hosts. */
export type KnownHostsHosts =
  /** Comma-separated patterns (`*`, `?`, `!negation`, `[host]:port`), lower-cased as OpenSSH compares them. */
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] }
  /** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by `ssh-keygen -H` or `HashKnownHosts yes`. */
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

/** One usable line of a known_hosts file. */
export interface KnownHostsEntry {
  readonly file: string;
  /** One-based line number in {@link file}. */
  readonly line: number;
  /** `@cert-authority` or `@revoked`; undefined for an ordinary host key. */
  readonly marker: 'cert-authority' | 'revoked' | undefined;
  readonly hosts: KnownHostsHosts;
  /** The key type as written, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  readonly keyType: string;
  /** The key blob (the base64 field, decoded). */
  readonly key: Buffer;
  readonly comment: string | undefined;
}

/** Why a line was skipped. OpenSSH skips the same lines (with a debug message) and reads on. */
export type KnownHostsProblemReason =
  | 'bad-marker'
  | 'missing-fields'
  | 'bad-hashed-host'
  | 'bad-key-type'
  | 'bad-key-data'
  | 'key-type-mismatch';

/** A line that was skipped, with where it is. */
export interface KnownHostsProblem {
  readonly file: string;
  readonly line: number;
  readonly reason: KnownHostsProblemReason;
}

export interface ParsedKnownHosts {
  readonly entries: readonly KnownHostsEntry[];
  readonly problems: readonly KnownHostsProblem[];
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
const keyTypeName = /^[A-Za-z0-9][A-Za-z0-9@._+-]*$/;
const SHA1_LENGTH = 20;

/** Strict base64 (OpenSSH uses `b64_pton`, which refuses what Node's decoder would tolerate). */
function decodeBase64(text: string): Buffer | undefined {
  if (!base64.test(text) || text.length % 4 !== 0) {
    return undefined;
  }
  return Buffer.from(text, 'base64');
}

/** The type name at the start of an SSH public key blob (RFC 4253 §6.6: a uint32-length string). */
export function keyTypeOfBlob(blob: Uint8Array): string | undefined {
  if (blob.length < 4) {
    return undefined;
  }
  const length = ((blob[0] as number) << 24) | ((blob[1] as number) << 16) | ((blob[2] as number) << 8) | (blob[3] as number);
  if (length <= 0 || length > 64 || blob.length < 4 + length) {
    return undefined;
  }
  return Buffer.from(blob.subarray(4, 4 + length)).toString('latin1');
}

/**
 * Parses the text of one known_hosts file. Never throws: lines OpenSSH would
 * skip are reported in `problems` and left out. Accepts LF and CRLF line ends,
 * blank lines and `#` comments (after optional whitespace).
 */
export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const fields = (lines[i] as string).split(/[ \t\r]+/).filter((f) => f !== '');
    if (fields.length === 0 || (fields[0] as string).startsWith('#')) {
      continue;
    }
    const problem = (reason: KnownHostsProblemReason): void => {
      problems.push({ file, line, reason });
    };
    let marker: KnownHostsEntry['marker'];
    if ((fields[0] as string).startsWith('@')) {
      const word = fields.shift() as string;
      if (word === '@cert-authority') {
        marker = 'cert-authority';
      } else if (word === '@revoked') {
        marker = 'revoked';
      } else {
        problem('bad-marker');
        continue;
      }
    }
    const [hostField, keyType, keyText, ...rest] = fields;
    if (hostField === undefined || keyType === undefined || keyText === undefined) {
      problem('missing-fields');
      continue;
    }
    let hosts: KnownHostsHosts;
    if (hostField.startsWith('|')) {
      const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(hostField);
      const salt = hashed === null ? undefined : decodeBase64(hashed[1] as string);
      const hash = hashed === null ? undefined : decodeBase64(hashed[2] as string);
      if (salt === undefined || hash === undefined || salt.length !== SHA1_LENGTH || hash.length !== SHA1_LENGTH) {
        problem('bad-hashed-host');
        continue;
      }
      hosts = { kind: 'hashed', salt, hash };
    } else {
      hosts = { kind: 'patterns', patterns: hostField.split(',').filter((p) => p !== '').map((p) => p.toLowerCase()) };
    }
    if (!keyTypeName.test(keyType)) {
      problem('bad-key-type');
      continue;
    }
    const key = decodeBase64(keyText);
    if (key === undefined) {
      problem('bad-key-data');
      continue;
    }
    // sshkey_read refuses a line whose type word and blob disagree.
    if (keyTypeOfBlob(key) !== keyType) {
      problem('key-type-mismatch');
      continue;
    }
    entries.push({ file, line, marker, hosts, keyType, key, comment: rest.length === 0 ? undefined : rest.join(' ') });
  }
  return { entries, problems };
}

/**
 * The names OpenSSH looks a host up under (sshconnect.c
 * `get_hostfile_hostname_ipaddr`): `HostKeyAlias` verbatim when set (no port:
 * the alias replaces both); otherwise the host name, lower-cased as ssh does,
 * bare for port 22 and `[host]:port` for any other port. (`CheckHostIP`, off by
 * default since OpenSSH 8.5, would add the address; it is not looked up here.)
 */
export function knownHostsNames(host: string, port: number, hostKeyAlias?: string): string[] {
  if (hostKeyAlias !== undefined && hostKeyAlias !== '') {
    return [hostKeyAlias];
  }
  const name = host.toLowerCase();
  return [port === 22 || port === 0 ? name : `[${name}]:${port}`];
}

/**
 * Whether a line names `name` (match.c `match_hostname`): a hashed field
 * matches when the HMAC agrees; a pattern list matches when some pattern
 * matches and no negated one does (a matching `!pattern` excludes the line).
 */
export function entryMatchesName(entry: KnownHostsEntry, name: string): boolean {
  if (entry.hosts.kind === 'hashed') {
    const mac = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return timingSafeEqual(mac, entry.hosts.hash);
  }
  let positive = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (matchPattern(name, negated ? pattern.slice(1) : pattern)) {
      if (negated) {
        return false;
      }
      positive = true;
    }
  }
  return positive;
}

function matchesAny(entry: KnownHostsEntry, names: readonly string[]): boolean {
  return names.some((name) => entryMatchesName(entry, name));
}

/**
 * What known_hosts says about a key a server offered.
 * - `trusted`: an ordinary line for the host holds this very key.
 * - `revoked`: an `@revoked` line for the host holds this key; wins over any
 *   other line, as in OpenSSH.
 * - `changed`: the host has lines for this key type, none with this key —
 *   OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED". `file`/`line` point at
 *   the first such line.
 * - `unknown`: no line for the host with this key type. `otherKeyTypes` lists
 *   the key types the host is known with (empty for a host never seen).
 *
 * `@cert-authority` lines are not used yet: a host key signed by a trusted CA
 * comes out `unknown` (certificates are not offered for, so a plain key is
 * what the server shows).
 */
export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly file: string; readonly line: number }
  | { readonly kind: 'revoked'; readonly file: string; readonly line: number }
  | { readonly kind: 'changed'; readonly file: string; readonly line: number }
  | { readonly kind: 'unknown'; readonly otherKeyTypes: readonly string[] };

/** Judges `key` (blob or its base64) of type `keyType`, offered by the host known as `names`. */
export function verifyHostKey(
  entries: readonly KnownHostsEntry[],
  names: readonly string[],
  keyType: string,
  key: Uint8Array | string,
): HostKeyVerdict {
  const blob = typeof key === 'string' ? decodeBase64(key) ?? Buffer.alloc(0) : Buffer.from(key);
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && matchesAny(e, names));
  const sameKey = (e: KnownHostsEntry): boolean => e.keyType === keyType && e.key.equals(blob);
  const revoked = forHost.find((e) => e.marker === 'revoked' && sameKey(e));
  if (revoked !== undefined) {
    return { kind: 'revoked', file: revoked.file, line: revoked.line };
  }
  const plain = forHost.filter((e) => e.marker === undefined);
  const trusted = plain.find(sameKey);
  if (trusted !== undefined) {
    return { kind: 'trusted', file: trusted.file, line: trusted.line };
  }
  const sameType = plain.find((e) => e.keyType === keyType);
  if (sameType !== undefined) {
    return { kind: 'changed', file: sameType.file, line: sameType.line };
  }
  return { kind: 'unknown', otherKeyTypes: knownKeyTypes(entries, names) };
}

/** The key types known (ordinary lines, file order, no repeats) for the host known as `names`. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], names: readonly string[]): string[] {
  const types: string[] = [];
  for (const e of entries) {
    if (e.marker === undefined && !types.includes(e.keyType) && matchesAny(e, names)) {
      types.push(e.keyType);
    }
  }
  return types;
}

/**
 * Host key algorithm names (as ssh2 and OpenSSH negotiate them) for known key
 * types, in order, to put first in the offer — OpenSSH does the same
 * (sshconnect2.c `order_hostkeyalgs`), else a host known only by its ed25519
 * key could answer with ecdsa and look unknown. An RSA key is used with
 * rsa-sha2-512, rsa-sha2-256 or the old ssh-rsa signature. Types the probe
 * cannot verify (security keys, DSA which OpenSSH no longer offers) are left out.
 */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  const out: string[] = [];
  for (const type of keyTypes) {
    const algorithms =
      type === 'ssh-rsa'
        ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
        : ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'].includes(type)
          ? [type]
          : [];
    for (const a of algorithms) {
      if (!out.includes(a)) {
        out.push(a);
      }
    }
  }
  return out;
}

/** A key's fingerprint as `ssh-keygen -l` prints it by default: `SHA256:` and unpadded base64. */
export function sha256Fingerprint(key: Uint8Array | string): string {
  const blob = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
