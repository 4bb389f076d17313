/**
 * Argument syntax as OpenSSH parses it (misc.c `atoi_err`, `convtime`,
 * `a2port`; readconf.c `parse_forward`; servconf.c `MaxStartups`;
 * cipher.c/mac.c/kex.c/sshkey.c name lists, and kex.c `kex_assemble_names`),
 * checked against OpenSSH 9.2 by test/integration/valueChecksVsOpenssh.test.ts.
 * Each check answers what OpenSSH does with a value; nothing here is stricter
 * than OpenSSH.
 */
import { parseUserHostPort } from '../sshArgs/parse';
import { compareOpenSshVersions } from './keywords';
import { CIPHERS, KEX, KEY_SHORT_NAMES, KEY_SIGNATURES, MACS, SIGNATURES, type AlgorithmName } from './keywordData/algorithms';
import { matchPattern } from './model';

const INT_MAX = 2147483647;

/** C isspace in the C locale. */
const isCSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * strtol(3) in base 10 from `at`: leading whitespace, an optional sign, digits.
 * `end` is where it stopped (`at` when there were no digits); `value` may
 * exceed the C range (callers compare it with their limits).
 */
function strtol(text: string, at: number): { value: number; end: number } {
  let i = at;
  while (i < text.length && isCSpace(text.charCodeAt(i))) {
    i++;
  }
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    sign = text[i] === '-' ? -1 : 1;
    i++;
  }
  const digits = i;
  let value = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) {
    // Past 2^53 precision no longer matters: the value is out of every range checked.
    value = value * 10 + (text.charCodeAt(i) - 48);
    i++;
  }
  return i === digits ? { value: 0, end: at } : { value: sign * value, end: i };
}

/** Why strtonum(3) refuses a number, as OpenSSH prints it ("integer value too small"). */
export type IntegerProblem = 'invalid' | 'too small' | 'too large';

/** OpenBSD strtonum(3): the whole text a base-10 number (sign and leading blanks allowed) within [min, max]. */
export function strtonum(text: string, min: number, max: number): number | IntegerProblem {
  const { value, end } = strtol(text, 0);
  if (end === 0 || end !== text.length) {
    return 'invalid';
  }
  return value < min ? 'too small' : value > max ? 'too large' : value;
}

/** misc.c `atoi_err`: what `parse_int` accepts, 0 to INT_MAX. */
export function atoiErr(text: string): number | IntegerProblem {
  return strtonum(text, 0, INT_MAX);
}

/**
 * misc.c `convtime`: a sequence of `number[unit]` (s, m, h, d, w in either
 * case; each number read by strtol, so blanks and a sign before it pass; a
 * negative number does not), the total at most INT_MAX seconds. Undefined
 * where OpenSSH returns -1 ("invalid time value").
 */
export function convtime(text: string): number | undefined {
  if (text === '') {
    return undefined;
  }
  let total = 0;
  let p = 0;
  while (p < text.length) {
    const { value: secs, end } = strtol(text, p);
    if (end === p || secs < 0 || secs > INT_MAX) {
      return undefined;
    }
    let multiplier: number;
    switch (text[end]) {
      case undefined:
        multiplier = 1;
        break;
      case 's':
      case 'S':
        multiplier = 1;
        break;
      case 'm':
      case 'M':
        multiplier = 60;
        break;
      case 'h':
      case 'H':
        multiplier = 3600;
        break;
      case 'd':
      case 'D':
        multiplier = 86400;
        break;
      case 'w':
      case 'W':
        multiplier = 604800;
        break;
      default:
        return undefined;
    }
    if (secs > Math.floor(INT_MAX / multiplier) || total > INT_MAX - secs * multiplier) {
      return undefined;
    }
    total += secs * multiplier;
    p = end === text.length ? end : end + 1;
  }
  return total;
}

/** A word getservbyname(3) might know; which ones it does depends on the machine's /etc/services. */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * misc.c `a2port`: a number 0–65535 (as strtonum reads it), else a service
 * name. Service names cannot be looked up here: a plausible one counts as a
 * valid port (`'service'`), anything else is -1 as in OpenSSH.
 */
export function a2port(text: string): number | 'service' {
  const n = strtonum(text, 0, 65535);
  if (typeof n === 'number') {
    return n;
  }
  return SERVICE_NAME.test(text) ? 'service' : -1;
}

/** `Port` (both sides): a2port must give a port above 0. */
export function isValidPort(text: string): boolean {
  const p = a2port(text);
  return p === 'service' || p > 0;
}

/** inet_aton(3) (what glibc's numeric getaddrinfo takes for IPv4): `a.b.c.d`, `a.b.c`, `a.b`, `a`, each part decimal, octal or hex. */
function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length > 4) {
    return undefined;
  }
  const numbers: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) {
      n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    } else if (/^0[0-7]*$/.test(p)) {
      n = parseInt(p, 8);
    } else if (/^[1-9][0-9]*$/.test(p)) {
      n = Number(p);
    } else {
      return undefined;
    }
    numbers.push(n);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255) || last >= 2 ** (8 * (4 - numbers.length))) {
    return undefined;
  }
  let value = last;
  numbers.forEach((n, i) => {
    value += n * 2 ** (8 * (3 - i));
  });
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

/** An IPv6 address in text form (`::` once, an IPv4 tail allowed) as 16 bytes; undefined when it is not one. */
function ipv6Bytes(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (half: string): number[] | undefined => {
    if (half === '') {
      return [];
    }
    const out: number[] = [];
    const words = half.split(':');
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (i === words.length - 1 && w.includes('.')) {
        const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(w) ? w.split('.').map(Number) : undefined;
        if (v4 === undefined || v4.some((n) => n > 255)) {
          return undefined;
        }
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(w)) {
        out.push(parseInt(w, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) {
    return undefined;
  }
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail].flatMap((g) => [g >> 8, g & 255]);
}

/**
 * addrmatch.c `addr_match_list(NULL, list)`, what sshd checks of a `Match
 * Address`/`LocalAddress` list: no empty entry (`a,,b`, a trailing comma, a
 * bare `!`), and an entry that reads as an address with a mask length
 * (`10.0.0.0/8`) must have a length the family allows and no host bits set
 * (`10.0.0.1/8` is refused). Anything that does not read as an address is a
 * wildcard pattern and fine.
 */
export function isValidAddressList(list: string): boolean {
  for (const raw of list.split(',')) {
    const entry = raw.startsWith('!') ? raw.slice(1) : raw;
    if (entry === '') {
      return false;
    }
    // addr_pton_cidr copies into a 64-byte buffer; anything longer is a pattern.
    if (entry.length >= 64) {
      continue;
    }
    const slash = entry.indexOf('/');
    let masklen: number | undefined;
    const address = slash === -1 ? entry : entry.slice(0, slash);
    if (slash !== -1) {
      const m = entry.slice(slash + 1);
      if (!/^[0-9]+$/.test(m) || Number(m) > 128) {
        continue;
      }
      masklen = Number(m);
    }
    // getaddrinfo(AI_NUMERICHOST): an IPv4 address in inet_aton form, or IPv6 (a zone index is not modelled: taken as a pattern).
    const bytes = address.includes(':') ? ipv6Bytes(address) : ipv4Bytes(address);
    if (bytes === undefined) {
      continue;
    }
    const bits = bytes.length * 8;
    const len = masklen ?? bits;
    if (len > bits) {
      return false;
    }
    for (let bit = len; bit < bits; bit++) {
      if ((((bytes[bit >> 3] as number) >> (7 - (bit & 7))) & 1) !== 0) {
        return false;
      }
    }
  }
  return true;
}

/**
 * readconf.c oPermitRemoteOpen, servconf.c sPermitOpen/sPermitListen (9.2):
 * `any` or `none` alone (ssh compares them case-insensitively, sshd does
 * not), else `host:port` entries (split at the first `:`, `[…]` around an
 * IPv6 address; the port above 0, `*`, or a service name, which is not
 * looked up here); PermitListen also takes a bare port. The problem, or
 * undefined. Checked with ssh -G and sshd -t 9.2.
 */
export function permitOpenProblem(args: readonly string[], keyword: 'permitopen' | 'permitlisten' | 'permitremoteopen'): string | undefined {
  const word = (a: string | undefined): string => (keyword === 'permitremoteopen' ? (a ?? '').toLowerCase() : (a ?? ''));
  if (word(args[0]) === 'any' || word(args[0]) === 'none') {
    return args.length > 1 ? `"${args[0] ?? ''}" must appear alone` : undefined;
  }
  for (const arg of args) {
    if (arg === '') {
      break;
    }
    const spec = keyword === 'permitlisten' && !arg.includes(':') ? `*:${arg}` : arg;
    let port: string | undefined;
    if (spec.startsWith('[')) {
      const close = spec.indexOf(']');
      const after = close === -1 ? 'x' : spec.slice(close + 1);
      if (after !== '' && !after.startsWith(':')) {
        return `"${arg}" has no host`;
      }
      port = after === '' ? undefined : after.slice(1);
    } else {
      const colon = spec.indexOf(':');
      port = colon === -1 ? undefined : spec.slice(colon + 1);
    }
    const n = port === undefined || port === '*' ? port : a2port(port);
    if (n === undefined || (typeof n === 'number' && n <= 0)) {
      return `"${arg}" has no valid port (host:port, the port a number from 1 to 65535 or *)`;
    }
  }
  return undefined;
}

/**
 * OpenBSD fmt_scaled.c `scan_scaled`: blanks, a sign, digits with an optional
 * fraction, an optional unit B K M G T P E (powers of 1024, either case) not
 * followed by a letter or digit; the fraction counts only with a unit.
 * Undefined where it fails (EINVAL, ERANGE).
 */
export function scanScaled(text: string): bigint | undefined {
  let p = 0;
  while (p < text.length && isCSpace(text.charCodeAt(p))) {
    p++;
  }
  let sign = 0n;
  while (text[p] === '-' || text[p] === '+') {
    if (sign !== 0n) {
      return undefined;
    }
    sign = text[p] === '-' ? -1n : 1n;
    p++;
  }
  let whole = 0n;
  let digits = 0;
  let fraction = '';
  let dot = false;
  for (; p < text.length && (isDigit(text.charCodeAt(p)) || text[p] === '.'); p++) {
    if (text[p] === '.') {
      if (dot) {
        return undefined;
      }
      dot = true;
    } else if (dot) {
      fraction += text[p] as string;
    } else {
      // MAX_DIGITS: 19 digits of a long long.
      if (++digits >= 19) {
        return undefined;
      }
      whole = whole * 10n + BigInt(text.charCodeAt(p) - 48);
    }
  }
  if (sign !== 0n) {
    whole *= sign;
  }
  if (p === text.length) {
    return whole;
  }
  const unit = 'BKMGTPE'.indexOf((text[p] as string).toUpperCase());
  const next = text.charCodeAt(p + 1);
  if (unit === -1 || isDigit(next) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122)) {
    return undefined;
  }
  const factor = 1024n ** BigInt(unit);
  const max = 2n ** 63n - 1n;
  if (whole * factor > max || whole * factor < -max - 1n) {
    return undefined;
  }
  // The fraction only adds less than one unit; it cannot change a verdict here except by its own scaling, which is bounded.
  const part = fraction === '' ? 0n : (BigInt(fraction.slice(0, 17)) * factor) / 10n ** BigInt(Math.min(fraction.length, 17));
  return sign === -1n ? whole * factor - part : whole * factor + part;
}

/**
 * readconf.c oRekeyLimit / servconf.c sRekeyLimit: `default` or a size
 * (scan_scaled, 0 or at least 16 bytes), then optionally `none` or a time
 * (convtime). The problem, or undefined. Checked with ssh -G and sshd -t 9.2.
 */
export function rekeyLimitProblem(args: readonly string[]): string | undefined {
  const [size, interval] = args;
  if (size !== 'default') {
    const n = scanScaled(size ?? '');
    if (n === undefined) {
      return `"${size ?? ''}" is not a size (a number with an optional K, M, G, T, P or E) or "default"`;
    }
    if (n !== 0n && n < 16n) {
      return `a limit of "${size ?? ''}" is below 16 bytes`;
    }
  }
  if (interval !== undefined && interval !== 'none' && convtime(interval) === undefined) {
    return `"${interval}" is not a time (such as 1h) or "none"`;
  }
  return undefined;
}

/**
 * misc.c `valid_domain`, for CanonicalDomains: not empty, starting with a
 * letter or digit, letters, digits, `-`, `_` and `.` only, no `..`.
 */
export function isValidDomain(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..');
}

/** misc.c `parse_ipqos`: a DSCP or legacy ToS name (any case), or a number 0–255 in C notation (strtol base 0). */
function isIpqos(word: string): boolean {
  if (/^(af[1-4][1-3]|cs[0-7]|ef|le|lowdelay|throughput|reliability|none)$/i.test(word)) {
    return true;
  }
  const m = /^[ \t\n\v\f\r]*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(word);
  if (m === null) {
    return false;
  }
  const body = word.trim().replace(/^\+/, '');
  const n = body.startsWith('-') ? -1 : /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : /^0/.test(body) ? parseInt(body, 8) : Number(body);
  return n >= 0 && n <= 255;
}

/** C `sscanf("%d")` at `at`: blanks, a sign, digits; the value and where it stopped, or undefined without digits. */
function scanfInt(text: string, at: number): { value: number; end: number } | undefined {
  const { value, end } = strtol(text, at);
  return end === at ? undefined : { value, end };
}

/**
 * The values of keywords with a syntax of their own, as readconf.c and
 * servconf.c (and misc.c) of OpenSSH 9.2 parse them; `args` are the
 * directive's arguments (their count is checked elsewhere). The problem, or
 * undefined (also for keywords not handled here). Each checked value by value
 * with ssh -G and sshd -t.
 */
export function specialValueProblem(keyword: string, args: readonly string[]): string | undefined {
  const [a, b] = args;
  const arg = a ?? '';
  switch (keyword) {
    case 'addkeystoagent': {
      // yes/no/ask/confirm (any case), "confirm TIME", or a TIME alone (a lifetime, meaning yes).
      const word = ['yes', 'no', 'ask', 'confirm', 'true', 'false'].includes(arg.toLowerCase());
      if (args.length > 2 || (b !== undefined && arg.toLowerCase() !== 'confirm')) {
        return b === undefined ? undefined : `"${arg} ${b}": only "confirm" takes a time after it`;
      }
      if (b !== undefined) {
        return convtime(b) === undefined ? `"${b}" is not a time` : undefined;
      }
      return word || convtime(arg) !== undefined ? undefined : `"${arg}" is not yes, no, ask, confirm or a time`;
    }
    case 'escapechar':
      // One byte (strlen 1: a non-ASCII character is several), ^ and a character from @ to DEL, or "none" (strcmp).
      return (arg.length === 1 && arg.charCodeAt(0) < 128) || arg === 'none' || (arg.length === 2 && arg[0] === '^' && arg.charCodeAt(1) >= 64 && arg.charCodeAt(1) < 128) ? undefined : `"${arg}" is not one character, ^X or none`;
    case 'streamlocalbindmask': {
      // strtol base 8: at least one octal digit after blanks and a sign, then anything; 0 to 0777.
      const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)/.exec(arg);
      const n = m === null ? -1 : (m[1] === '-' ? -1 : 1) * parseInt(m[2] as string, 8);
      return m !== null && n >= 0 && n <= 0o777 ? undefined : `"${arg}" is not an octal mask from 0 to 0777`;
    }
    case 'tunneldevice': {
      // misc.c a2tun: "any" (any case) or 0–2147483645, then optionally ":" and the remote one likewise.
      const one = (t: string): boolean => t.toLowerCase() === 'any' || typeof strtonum(t, 0, 0x7ffffffd) === 'number';
      const colon = arg.indexOf(':');
      const ok = colon === -1 ? one(arg) : one(arg.slice(0, colon)) && one(arg.slice(colon + 1));
      return ok ? undefined : `"${arg}" is not a tunnel device (any, a number, or local:remote)`;
    }
    case 'ipqos': {
      const bad = args.find((w) => !isIpqos(w));
      return bad === undefined ? undefined : `"${bad}" is not an IPQoS value (af11…af43, cs0…cs7, ef, le, lowdelay, throughput, reliability, none, or 0–255)`;
    }
    case 'persourcemaxstartups':
      return arg === 'none' || typeof atoiErr(arg) === 'number' ? undefined : `"${arg}" is not a number or none`;
    case 'persourcenetblocksize': {
      // sscanf "%d:%d", anything after the numbers ignored; IPv4 length 0–32, IPv6 0–128.
      const v4 = scanfInt(arg, 0);
      if (v4 === undefined || v4.value < 0 || v4.value > 32) {
        return `"${arg}" is not an IPv4 prefix length 0–32, optionally :IPv6 length 0–128`;
      }
      const v6 = arg[v4.end] === ':' ? scanfInt(arg, v4.end + 1) : undefined;
      return v6 !== undefined && (v6.value < 0 || v6.value > 128) ? `"${arg}": the IPv6 prefix length is not 0–128` : undefined;
    }
    case 'pubkeyauthoptions': {
      const bad = args.find((w) => !['none', 'touch-required', 'verify-required'].includes(w.toLowerCase()));
      return bad === undefined ? undefined : `"${bad}" is not none, touch-required or verify-required`;
    }
    case 'channeltimeout': {
      // "none" (any case) alone in first place, else type=time words (time by convtime).
      if (arg.toLowerCase() === 'none') {
        return args.length > 1 ? '"none" must appear alone' : undefined;
      }
      const bad = args.find((w) => {
        const eq = w.indexOf('=');
        return w.toLowerCase() !== 'none' && (eq <= 0 || convtime(w.slice(eq + 1)) === undefined);
      });
      return bad === undefined ? undefined : `"${bad}" is not TYPE=TIME (such as session=30m)`;
    }
    default:
      return undefined;
  }
}

/**
 * The words ssh 9.2 reads ProxyJump's hops from: the raw value up to the
 * first blank ("ProxyJump a b:0" is the jump host a, "\"a b\"" is `"a`;
 * checked with ssh -G).
 */
export function jumpWord(value: string): string {
  return value.split(/[ \t]/, 1)[0] as string;
}

/**
 * readconf.c `parse_jump` on ProxyJump's raw value after the keyword (blanks
 * and "=" skipped, quotes and all): "none" (any case), else comma-separated hops, a comment and trailing
 * blanks removed, each `[user@]host[:port]` or an `ssh://` URI.
 */
export function isValidProxyJump(raw: string): boolean {
  const value = raw.replace(/^[ \t\r\n=]+/, '').replace(/[ \t\r\n\f\v]+$/, '');
  if (value.toLowerCase() === 'none') {
    return true;
  }
  const hash = value.indexOf('#');
  const cleaned = jumpWord((hash === -1 ? value : value.slice(0, hash)).replace(/[ \t\r\n\f\v]+$/, ''));
  return cleaned.split(',').every((hop) => parseUserHostPort(hop) !== undefined);
}

interface FwdField {
  readonly arg: string;
  readonly isPath: boolean;
}

/** readconf.c `parse_fwd_field`: one `:`-separated field, `[...]` literal, `\` escaping the next character. */
function fwdField(spec: string, at: number): { field: FwdField; next: number } | 'end' | 'bad' {
  if (at >= spec.length) {
    return 'end';
  }
  if (spec[at] === '[') {
    const close = spec.indexOf(']', at + 1);
    if (close === -1 || (close + 1 < spec.length && spec[close + 1] !== ':')) {
      return 'bad';
    }
    const arg = spec.slice(at + 1, close);
    return { field: { arg, isPath: arg.includes('/') }, next: close + 1 < spec.length ? close + 2 : close + 1 };
  }
  let arg = '';
  let isPath = false;
  for (let i = at; i < spec.length; i++) {
    const c = spec[i] as string;
    if (c === '\\') {
      if (i + 1 >= spec.length) {
        return 'bad';
      }
      arg += spec[i + 1] as string;
      i++;
      continue;
    }
    if (c === '/') {
      isPath = true;
    }
    if (c === ':') {
      return { field: { arg, isPath }, next: i + 1 };
    }
    arg += c;
  }
  return { field: { arg, isPath }, next: spec.length };
}

/** NI_MAXHOST and sizeof(sockaddr_un.sun_path) on Linux: the length limits parse_forward applies. */
const NI_MAXHOST = 1025;
const PATH_MAX_SUN = 108;

/**
 * readconf.c `parse_forward`: whether OpenSSH takes a forwarding
 * specification (`[bind:]port host:hostport`, Unix socket paths, `[...]`
 * for IPv6). `spec` is what readconf.c builds: the two arguments of
 * LocalForward/RemoteForward joined by `:`, or the one of DynamicForward (and
 * of a one-argument RemoteForward, which is dynamic). Port service names are
 * taken as valid (they depend on the machine). Undefined when it cannot be
 * decided here (a `${VAR}` that OpenSSH expands from the environment first).
 */
export function isValidForward(spec: string, dynamic: boolean, remote: boolean): boolean | undefined {
  if (spec.includes('${')) {
    return undefined;
  }
  let at = 0;
  while (at < spec.length && isCSpace(spec.charCodeAt(at))) {
    at++;
  }
  const fields: FwdField[] = [];
  let rest = true;
  for (let i = 0; i < 4; i++) {
    const f = fwdField(spec, at);
    if (f === 'end') {
      rest = false;
      break;
    }
    if (f === 'bad') {
      break;
    }
    fields.push(f.field);
    at = f.next;
  }
  // Trailing garbage (a fifth field, or a field that did not parse) fails the whole spec.
  if (rest && at < spec.length) {
    return false;
  }
  const port = (s: string): number => {
    const p = a2port(s);
    return p === 'service' ? 1 : p;
  };
  const [f0, f1, f2, f3] = fields;
  let listenHost: string | undefined;
  let listenPath: string | undefined;
  let listenPort = -1;
  let connectHost: string | undefined;
  let connectPath: string | undefined;
  let connectPort = 0;
  switch (fields.length) {
    case 1:
      if ((f0 as FwdField).isPath) {
        listenPath = (f0 as FwdField).arg;
      } else {
        listenPort = port((f0 as FwdField).arg);
      }
      connectHost = 'socks';
      break;
    case 2:
      if ((f0 as FwdField).isPath && (f1 as FwdField).isPath) {
        listenPath = (f0 as FwdField).arg;
        connectPath = (f1 as FwdField).arg;
      } else if ((f1 as FwdField).isPath) {
        listenPort = port((f0 as FwdField).arg);
        connectPath = (f1 as FwdField).arg;
      } else {
        listenHost = (f0 as FwdField).arg;
        listenPort = port((f1 as FwdField).arg);
        connectHost = 'socks';
      }
      break;
    case 3:
      if ((f0 as FwdField).isPath) {
        listenPath = (f0 as FwdField).arg;
        connectHost = (f1 as FwdField).arg;
        connectPort = port((f2 as FwdField).arg);
      } else if ((f2 as FwdField).isPath) {
        listenHost = (f0 as FwdField).arg;
        listenPort = port((f1 as FwdField).arg);
        connectPath = (f2 as FwdField).arg;
      } else {
        listenPort = port((f0 as FwdField).arg);
        connectHost = (f1 as FwdField).arg;
        connectPort = port((f2 as FwdField).arg);
      }
      break;
    case 4:
      listenHost = (f0 as FwdField).arg;
      listenPort = port((f1 as FwdField).arg);
      connectHost = (f2 as FwdField).arg;
      connectPort = port((f3 as FwdField).arg);
      break;
    default:
      return false;
  }
  const n = fields.length;
  if (dynamic) {
    if (n !== 1 && n !== 2) {
      return false;
    }
  } else {
    if (n !== 3 && n !== 4 && connectPath === undefined && listenPath === undefined) {
      return false;
    }
    if (connectPort <= 0 && connectPath === undefined) {
      return false;
    }
  }
  if ((listenPort < 0 && listenPath === undefined) || (!remote && listenPort === 0 && listenPath === undefined)) {
    return false;
  }
  return !(
    (connectHost?.length ?? 0) >= NI_MAXHOST ||
    (connectPath?.length ?? 0) >= PATH_MAX_SUN ||
    (listenHost?.length ?? 0) >= NI_MAXHOST ||
    (listenPath?.length ?? 0) >= PATH_MAX_SUN
  );
}

/** sscanf(3) `%d:%d:%d`: the numbers read before the first mismatch. */
function scanColonInts(text: string): number[] {
  const out: number[] = [];
  let at = 0;
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (text[at] !== ':') {
        break;
      }
      at++;
    }
    const { value, end } = strtol(text, at);
    if (end === at) {
      break;
    }
    out.push(value);
    at = end;
  }
  return out;
}

/** servconf.c `MaxStartups`: `start:rate:full` (start ≤ full, rate 1–100) or one number, all above 0; anything after the numbers is ignored. */
export function isValidMaxStartups(text: string): boolean {
  const n = scanColonInts(text);
  const [begin, rate, full] = n;
  if (n.length === 3) {
    if ((begin as number) > (full as number) || (rate as number) > 100 || (rate as number) < 1) {
      return false;
    }
  } else if (n.length !== 1) {
    return false;
  }
  return (full ?? (begin as number)) > 0 && (begin as number) > 0;
}

/** Which names an algorithm keyword takes: its parser's list, and whether patterns and key short names are allowed. */
interface AlgorithmKind {
  /** What the parser checks names against. */
  readonly known: readonly AlgorithmName[];
  /** What kex_assemble_names selects from (`all`). */
  readonly selectable: readonly AlgorithmName[];
  /** sshkey_names_valid2 with allow_wildcard: patterns (also negated) pass when they match a known name. */
  readonly patterns: boolean;
  /** For messages: "a cipher", and the `ssh -Q` query that lists them. */
  readonly what: string;
  readonly query: string;
}

const CIPHER_KIND: AlgorithmKind = { known: CIPHERS, selectable: CIPHERS, patterns: false, what: 'a cipher', query: 'cipher' };
const MAC_KIND: AlgorithmKind = { known: MACS, selectable: MACS, patterns: false, what: 'a MAC', query: 'mac' };
const KEX_KIND: AlgorithmKind = { known: KEX, selectable: KEX, patterns: false, what: 'a key exchange algorithm', query: 'kex' };
const KEY_KIND: AlgorithmKind = { known: KEY_SIGNATURES, selectable: KEY_SIGNATURES, patterns: true, what: 'a key type or signature algorithm', query: 'key-sig' };
const CA_KIND: AlgorithmKind = { known: KEY_SIGNATURES, selectable: SIGNATURES, patterns: true, what: 'a key type or signature algorithm', query: 'sig' };

/** Algorithm keywords by lower-case name (aliases included), on both sides. */
const ALGORITHM_KINDS: Readonly<Record<string, AlgorithmKind>> = {
  ciphers: CIPHER_KIND,
  macs: MAC_KIND,
  kexalgorithms: KEX_KIND,
  hostkeyalgorithms: KEY_KIND,
  pubkeyacceptedalgorithms: KEY_KIND,
  pubkeyacceptedkeytypes: KEY_KIND,
  hostbasedacceptedalgorithms: KEY_KIND,
  hostbasedkeytypes: KEY_KIND,
  hostbasedacceptedkeytypes: KEY_KIND,
  casignaturealgorithms: CA_KIND,
};

const knownIn = (a: AlgorithmName, version: string): boolean =>
  (a.since === undefined || compareOpenSshVersions(version, a.since) >= 0) && (a.removed === undefined || compareOpenSshVersions(version, a.removed) < 0);

/** What is wrong with an algorithm list, as OpenSSH would find it. */
export interface AlgorithmProblem {
  /**
   * `parse`: the parser refuses the line (both sides refuse the file).
   * `select`: the line parses, but the list selects no algorithm or has a
   * negation, which kex_assemble_names refuses when it builds the list.
   */
  readonly stage: 'parse' | 'select';
  /** The offending name (or the whole list for `select`). */
  readonly name: string;
  readonly message: string;
}

/**
 * Checks one algorithm keyword's list for OpenSSH `version`. Lists starting
 * with `-` are not checked by OpenSSH (removing an unknown name is fine);
 * `+` and `^` lists are checked without their prefix. As in OpenSSH, names
 * after an empty element (`a,,b`) are not checked by the parser.
 */
/** The GSSAPI key exchange methods of the gsskex patch (Debian, Ubuntu, Fedora …), as `GSSAPIKexAlgorithms` names them. */
const GSS_KEX = ['gss-gex-sha1-', 'gss-group1-sha1-', 'gss-group14-sha1-', 'gss-group14-sha256-', 'gss-group16-sha512-', 'gss-nistp256-sha256-', 'gss-curve25519-sha256-'];

/**
 * The gsskex patch's `kex_gss_names_valid`: comma-separated names up to the
 * first empty one, each starting with one of GSS_KEX (kex_alg_by_name
 * compares GSS names by prefix); no `+`/`-`/`^`, no patterns, case matters
 * (checked with ssh -G and sshd -t 9.2, Debian).
 */
function gssKexProblem(list: string): AlgorithmProblem | undefined {
  if (list === '') {
    return { stage: 'parse', name: list, message: 'an empty list is not a GSSAPI key exchange list' };
  }
  for (const element of list.split(',')) {
    if (element === '') {
      break;
    }
    if (!GSS_KEX.some((g) => element.startsWith(g))) {
      return { stage: 'parse', name: element, message: `"${element}" is not a GSSAPI key exchange method (${GSS_KEX.join(', ')}; no +, - or ^ forms)` };
    }
  }
  return undefined;
}

export function algorithmProblem(keyword: string, list: string, version: string): AlgorithmProblem | undefined {
  if (keyword === 'gssapikexalgorithms') {
    return gssKexProblem(list);
  }
  const kind = ALGORITHM_KINDS[keyword];
  if (kind === undefined || list.startsWith('-')) {
    return undefined;
  }
  const prefixed = list.startsWith('+') || list.startsWith('^');
  const body = prefixed ? list.slice(1) : list;
  const known = kind.known.filter((a) => knownIn(a, version));
  const shortNames = kind.patterns ? KEY_SHORT_NAMES.filter((a) => knownIn(a, version)).map((a) => a.name.toLowerCase()) : [];
  const elements = body.split(',');
  if (body === '') {
    return { stage: 'parse', name: body, message: `an empty list is not ${kind.what} list` };
  }
  for (const element of elements) {
    if (element === '') {
      break;
    }
    if (known.some((a) => a.name === element) || shortNames.includes(element.toLowerCase())) {
      continue;
    }
    if (kind.patterns) {
      const pattern = element.startsWith('!') ? element.slice(1) : element;
      if (known.some((a) => matchPattern(a.name, pattern))) {
        continue;
      }
    }
    return { stage: 'parse', name: element, message: `"${element}" is not ${kind.what} this OpenSSH knows (\`ssh -Q ${kind.query}\` lists them)` };
  }
  // kex_assemble_names: no negations; an explicit list must select something.
  const negated = elements.find((e) => e.startsWith('!'));
  if (negated !== undefined) {
    return { stage: 'select', name: negated, message: `"${negated}": a negation is only allowed in a list that starts with "-"` };
  }
  if (!prefixed) {
    const selectable = kind.selectable.filter((a) => knownIn(a, version));
    if (!elements.some((e) => e !== '' && selectable.some((a) => matchPattern(a.name, e)))) {
      return { stage: 'select', name: list, message: `"${list}" selects no algorithm (${kind.patterns ? 'short key type names such as RSA are not algorithm names; ' : ''}\`ssh -Q ${kind.query}\` lists them)` };
    }
  }
  return undefined;
}
