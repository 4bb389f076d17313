/**
 * Keyword catalogues for ssh_config (client) and sshd_config (server).
 *
 * Every keyword that OpenSSH's keyword tables know, through 10.2 (plus what the
 * 10.3 sources show for the server), including the deprecated and removed ones
 * that OpenSSH still parses and ignores, and the keywords that Debian/Ubuntu and
 * the GSSAPI key-exchange patch add. Sources and per-field semantics are in
 * ./keywordData/types.ts; the data is in ./keywordData/client.ts and
 * ./keywordData/server.ts.
 *
 * OpenSSH compares keywords case-insensitively (readconf.c lowercases the
 * keyword before the table lookup; servconf.c uses strcasecmp), so the lookups
 * here do too.
 */
import { clientKeywordData } from './keywordData/client';
import { serverKeywordData } from './keywordData/server';
import type { KeywordInfo, Side } from './keywordData/types';

export type {
  BuildFeature,
  DefaultChange,
  Deprecation,
  DeprecatedValue,
  KeywordInfo,
  LegacyHandling,
  Removal,
  Side,
  ValueType,
  Vendor,
} from './keywordData/types';

/** All ssh_config keywords, in a stable order (grouped by topic). */
export const clientKeywords: readonly KeywordInfo[] = clientKeywordData;
/** All sshd_config keywords, in a stable order (grouped by topic). */
export const serverKeywords: readonly KeywordInfo[] = serverKeywordData;

function index(list: readonly KeywordInfo[]): ReadonlyMap<string, KeywordInfo> {
  const map = new Map<string, KeywordInfo>();
  for (const info of list) {
    map.set(info.name.toLowerCase(), info);
  }
  return map;
}

const clientIndex = index(clientKeywords);
const serverIndex = index(serverKeywords);

/** The ssh_config keyword `name` (any case), or undefined if ssh does not know it. */
export function clientKeyword(name: string): KeywordInfo | undefined {
  return clientIndex.get(name.toLowerCase());
}

/** The sshd_config keyword `name` (any case), or undefined if sshd does not know it. */
export function serverKeyword(name: string): KeywordInfo | undefined {
  return serverIndex.get(name.toLowerCase());
}

/** The keyword `name` on the given side. */
export function keyword(side: Side, name: string): KeywordInfo | undefined {
  return side === 'client' ? clientKeyword(name) : serverKeyword(name);
}

/**
 * Compares two OpenSSH version numbers ("9.2", "10.0", "9.9p2", "OpenSSH_9.2p1").
 * Portable suffixes and prefixes are ignored. Returns <0, 0 or >0.
 */
export function compareOpenSshVersions(a: string, b: string): number {
  const parts = (v: string): number[] => {
    const m = /(\d+(?:\.\d+)*)/.exec(v);
    return m?.[1] === undefined ? [] : m[1].split('.').map(Number);
  };
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/**
 * Whether OpenSSH `version` accepts the keyword as a live option: introduced by
 * then (when known) and not removed by then. Vendor keywords are reported as
 * available; check `vendor` separately.
 */
export function isAvailableIn(info: KeywordInfo, version: string): boolean {
  if (info.since !== undefined && compareOpenSshVersions(version, info.since) < 0) {
    return false;
  }
  return info.removed?.since === undefined ? info.removed === undefined : compareOpenSshVersions(version, info.removed.since) < 0;
}

/** Whether a server keyword may appear inside a Match block in OpenSSH `version`. */
export function isAllowedInMatchIn(info: KeywordInfo, version: string): boolean {
  if (info.allowedInMatch !== true) {
    return false;
  }
  const since = info.matchSince ?? info.since;
  return since === undefined || compareOpenSshVersions(version, since) >= 0;
}

/**
 * The default that OpenSSH `version` prints (`ssh -G` / `sshd -T`) for the
 * keyword, following `defaultHistory`; undefined where the catalogue has none.
 */
export function defaultFor(info: KeywordInfo, version: string): string | undefined {
  if (info.default === undefined) {
    return undefined;
  }
  const changes = [...(info.defaultHistory ?? [])].sort((x, y) => compareOpenSshVersions(x.before, y.before));
  for (const change of changes) {
    if (compareOpenSshVersions(version, change.before) < 0) {
      return change.value;
    }
  }
  return info.default;
}
