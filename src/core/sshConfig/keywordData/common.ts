/**
 * Value sets shared by the client and server catalogues.
 */
import type { DeprecatedValue, KeywordInfo, Side, ValueType } from './types';

/** readconf.c `multistate_flag`: the client takes `true`/`false` as synonyms. */
export const CLIENT_YES_NO: readonly string[] = ['yes', 'no', 'true', 'false'];
/** servconf.c `multistate_flag`: the server takes only `yes`/`no` (case-insensitively since 7.7). */
export const SERVER_YES_NO: readonly string[] = ['yes', 'no'];

/** log.c `log_levels[]`, compared case-insensitively; `ssh -G` prints them upper-case. */
export const LOG_LEVELS: readonly string[] = ['quiet', 'fatal', 'error', 'info', 'verbose', 'debug', 'debug1', 'debug2', 'debug3'];

/** log.c `log_facilities[]` (AUTHPRIV only where the platform has it). */
export const SYSLOG_FACILITIES: readonly string[] = [
  'daemon', 'user', 'auth', 'authpriv',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];

/** misc.c `ipqos[]`: DSCP class names, the legacy IPv4 ToS names and `none`. A number is also accepted. */
export const IPQOS_VALUES: readonly string[] = [
  'af11', 'af12', 'af13', 'af21', 'af22', 'af23', 'af31', 'af32', 'af33', 'af41', 'af42', 'af43',
  'cs0', 'cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'cs7', 'ef', 'le',
  'lowdelay', 'throughput', 'reliability', 'none',
];

/** OpenSSH 10.1 release notes: ToS keywords in IPQoS are ignored (system default used, debug message). */
export const IPQOS_DEPRECATED_VALUES: readonly DeprecatedValue[] = ['lowdelay', 'throughput', 'reliability'].map((value) => ({
  value,
  since: '10.1',
  note: 'IPv4 type-of-service keyword: ignored since 10.1 (the system default marking is used and a debug message logged).',
  replacement: 'a DSCP class such as af21, cs1 or ef',
}));

/** The IPQoS default as printed, and its history (7.8 switched to DSCP, 10.1 to EF for interactive traffic). */
export const IPQOS_DEFAULT = 'ef cs0';
export const IPQOS_DEFAULT_HISTORY = [
  { before: '10.1', value: 'af21 cs1' },
  { before: '7.8', value: 'lowdelay throughput' },
] as const;

/** The optional fields of a catalogue entry. */
export type Extra = Partial<Omit<KeywordInfo, 'name' | 'side' | 'type' | 'sample' | 'summary'>>;

/** Builds one entry; flags get the side's yes/no words unless `values` is given. */
export function entry(side: Side, name: string, type: ValueType, sample: string, summary: string, extra: Extra = {}): KeywordInfo {
  const base: KeywordInfo = { name, side, type, sample, summary, multi: false, ...extra };
  if (type === 'yes-no' && extra.values === undefined) {
    return { ...base, values: side === 'client' ? CLIENT_YES_NO : SERVER_YES_NO };
  }
  return base;
}
