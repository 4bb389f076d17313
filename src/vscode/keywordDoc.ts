/**
 * A keyword's documentation as Markdown, from the catalogue. Pure (no
 * `vscode`), so what a hover says can be read without an editor.
 */
import { compareOpenSshVersions, defaultFor, isAllowedInMatchIn, type KeywordInfo, type ValueType } from '../core/sshConfig/keywords';

const takes: Partial<Record<ValueType, string>> = {
  'yes-no': 'yes or no',
  enum: 'one of the values below',
  integer: 'a whole number',
  time: 'a time: seconds, or with units as in `30`, `90s`, `10m`, `1h30m`',
  string: 'one word',
  command: 'the rest of the line, run by your shell',
  path: 'a file path',
  'path-list': 'file paths separated by spaces',
  algorithms: 'comma-separated algorithm names; a leading `+`, `-` or `^` appends to, removes from or puts in front of the default list',
  list: 'a comma-separated list',
  'word-list': 'words separated by spaces',
  'pattern-list': 'patterns (`*`, `?`, `!` to negate)',
  host: 'a host name or address',
  port: 'a port number or service name',
  address: 'an address, optionally with a port',
  forward: 'a forwarding specification',
  env: '`NAME=VALUE` pairs',
};

const vendors: Record<NonNullable<KeywordInfo['vendor']>, string> = {
  gsskex: 'the GSSAPI key-exchange patch (Debian, Ubuntu, Fedora, RHEL, SUSE builds)',
  debian: "Debian's and Ubuntu's own patches",
};

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

/**
 * Markdown for a hover over `info`'s keyword. `version` is the OpenSSH release
 * the rules assume (undefined: the newest the catalogue knows).
 */
export function keywordDoc(info: KeywordInfo, version: string | undefined): string {
  const file = info.side === 'client' ? 'ssh_config' : 'sshd_config';
  const program = info.side === 'client' ? 'ssh' : 'sshd';
  const out: string[] = [`**${info.name}** (${file})`, '', info.summary, ''];
  const facts: string[] = [];
  const type = takes[info.type];
  if (type !== undefined) {
    facts.push(`Takes ${type}.`);
  }
  if (info.values !== undefined && info.values.length > 0) {
    facts.push(`${info.type === 'enum' || info.type === 'yes-no' ? 'Values' : 'Also accepts'}: ${info.values.map(code).join(', ')}`);
  }
  const def = defaultFor(info, version ?? '999');
  if (def !== undefined) {
    facts.push(`Default: ${code(def)}${version === undefined ? '' : ` (OpenSSH ${version})`}`);
  }
  if (info.side === 'server' && info.type !== 'criteria') {
    facts.push(isAllowedInMatchIn(info, version ?? '999') ? 'Allowed inside `Match` blocks.' : 'Not allowed inside `Match` blocks.');
  }
  if (info.type !== 'criteria') {
    facts.push(info.multi ? 'Every occurrence adds to the setting.' : `The first value ${program} finds is the one it uses.`);
  }
  if (info.since !== undefined) {
    facts.push(`Since OpenSSH ${info.since}.`);
  }
  out.push(facts.join('  \n'), '');

  const warnings: string[] = [];
  if (version !== undefined && info.since !== undefined && compareOpenSshVersions(version, info.since) < 0) {
    warnings.push(`**Not in OpenSSH ${version}**: added in ${info.since}.`);
  }
  const removed = info.removed;
  if (removed !== undefined && (removed.since === undefined || version === undefined || compareOpenSshVersions(version, removed.since) >= 0)) {
    warnings.push(`**No longer has any effect**${removed.since === undefined ? '' : ` since OpenSSH ${removed.since}`}: ${removed.note}${replacement(removed.replacement)}`);
  } else if (removed !== undefined) {
    warnings.push(`**Removed in OpenSSH ${removed.since ?? '?'}** (still works in ${version ?? 'this version'}): ${removed.note}${replacement(removed.replacement)}`);
  } else if (info.deprecated !== undefined) {
    warnings.push(`**Deprecated**${info.deprecated.since === undefined ? '' : ` since OpenSSH ${info.deprecated.since}`}: ${info.deprecated.note}${replacement(info.deprecated.replacement)}`);
  }
  // Values deprecated together share one sentence (IPQoS's three ToS names).
  const groups = new Map<string, { values: string[]; since: string; note: string; replacement: string | undefined }>();
  for (const v of info.deprecatedValues ?? []) {
    const key = `${v.since}\n${v.note}\n${v.replacement ?? ''}`;
    const group = groups.get(key) ?? { values: [], since: v.since, note: v.note, replacement: v.replacement };
    group.values.push(v.value);
    groups.set(key, group);
  }
  for (const g of groups.values()) {
    warnings.push(`${g.values.map(code).join(', ')} ${g.values.length === 1 ? 'is' : 'are'} deprecated since OpenSSH ${g.since}: ${g.note}${replacement(g.replacement)}`);
  }
  if (info.aliasOf !== undefined && info.deprecated === undefined && info.removed === undefined) {
    warnings.push(`Another name for ${info.aliasOf}.`);
  }
  if (info.vendor !== undefined) {
    warnings.push(`Only in builds with ${vendors[info.vendor]}; elsewhere ${program} rejects it.`);
  }
  if (info.requires !== undefined) {
    warnings.push(`Needs ${program} built with ${info.requires} support; without it the line is ignored as unsupported.`);
  }
  if (info.platform === 'openbsd') {
    warnings.push('Works only on OpenBSD.');
  }
  if (warnings.length > 0) {
    out.push(warnings.join('  \n'), '');
  }
  if (info.notes !== undefined && info.notes.length > 0) {
    out.push(...info.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n').trimEnd();
}

function replacement(to: string | undefined): string {
  if (to === undefined) {
    return '';
  }
  return /^[A-Za-z]+$/.test(to) ? ` Use ${code(to)} instead.` : ` Use ${to} instead.`;
}
