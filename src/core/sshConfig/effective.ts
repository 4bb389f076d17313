/**
 * What OpenSSH itself says about a config file, as plain data: the output of
 * `ssh -G` (the effective client options for one host) and the stderr of
 * `sshd -t` (a server file's errors), plus the policy for when either may run.
 * Running the programs is src/node's job; this module only parses and decides.
 */
import { isValidCommandLineHost } from '../sshArgs/parse';
import type { IncludeFiles } from './includes';
import { includePattern, MAX_INCLUDE_DEPTH } from './includes';
import { buildModel } from './model';
import type { Range, Token } from './tokenizer';
import { tokenize } from './tokenizer';
import { formatDuration } from './values';

// ---------------------------------------------------------------- when a program may run

/** Why OpenSSH is not asked about a document; `undefined` from the gates means it may be. */
export type GateRefusal = 'untrusted' | 'disabled' | 'not-a-file' | 'wrong-language' | 'not-own-config';

export interface EffectiveGateInput {
  /** `vscode.workspace.isTrusted`. */
  readonly trusted: boolean;
  /** `sshLifeline.lint.effectiveValues` and `sshLifeline.lint.enabled` both on. */
  readonly enabled: boolean;
  readonly scheme: string;
  readonly languageId: string;
  /**
   * Whether the file is the user's own client config: `~/.ssh/config`, a file
   * under `~/.ssh`, `/etc/ssh/ssh_config(.d)`, or a file one of those includes.
   * Asked last, and only when everything else passes (it reads files).
   */
  readonly isOwnConfig: () => Promise<boolean>;
}

/**
 * Whether `ssh -G` may run on a document. `ssh -G` runs the file's `Match exec`
 * commands (FACTS.md), so: only in a trusted workspace, only on a saved file,
 * and only on the user's own ssh configuration — never on some other ssh_config
 * that happens to sit in a trusted workspace (a cloned repository's example
 * file, say), because trusting a folder's code is not agreeing to run the
 * commands in every config file in it.
 */
export async function effectiveValuesGate(input: EffectiveGateInput): Promise<GateRefusal | undefined> {
  return programGate(input, 'ssh_config') ?? ((await input.isOwnConfig()) ? undefined : 'not-own-config');
}

/** The checks both program-running features share, in the order that refuses cheapest first. */
function programGate(input: { readonly trusted: boolean; readonly enabled: boolean; readonly scheme: string; readonly languageId: string }, language: string): GateRefusal | undefined {
  if (!input.trusted) {
    return 'untrusted';
  }
  if (!input.enabled) {
    return 'disabled';
  }
  if (input.scheme !== 'file') {
    return 'not-a-file';
  }
  return input.languageId === language ? undefined : 'wrong-language';
}

export interface SshdGateInput {
  readonly trusted: boolean;
  /** `sshLifeline.lint.sshdValidation` and `sshLifeline.lint.enabled` both on. */
  readonly enabled: boolean;
  readonly scheme: string;
  readonly languageId: string;
}

/**
 * Whether `sshd -t` may check a document's text. sshd runs nothing from the
 * file, but the text still reaches a program (and its Includes are read with
 * the user's rights), so only in a trusted workspace, and only for files (the
 * check runs on open and save).
 */
export function sshdValidationGate(input: SshdGateInput): GateRefusal | undefined {
  return programGate(input, 'sshd_config');
}

/**
 * Whether `host` may be handed to `ssh -G -- host` and mean exactly that host:
 * OpenSSH's own rules ({@link isValidCommandLineHost}), and
 * additionally no `@` and no `ssh://` (ssh would read a user or a URI out of
 * it, so the options shown would be for another name).
 */
export function isValidHostArgument(host: string): boolean {
  // Beyond ssh's byte-wise check: no Unicode whitespace or C1 controls either.
  return isValidCommandLineHost(host) && !/[\s\p{Cc}]/u.test(host) && !host.includes('@') && !/^ssh:/i.test(host);
}

// ---------------------------------------------------------------- ssh -G

/**
 * `ssh -G` output: one `keyword value` per line, keywords in lower case, values
 * as ssh holds them (times in seconds, `none` for unset). Multi-valued options
 * (`identityfile`, `sendenv`, `localforward`, …) repeat the keyword; each value
 * is kept, in order.
 */
export type EffectiveOptions = ReadonlyMap<string, readonly string[]>;

export function parseSshG(stdout: string): EffectiveOptions {
  const options = new Map<string, string[]>();
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
    if (m === null) {
      continue;
    }
    const key = (m[1] as string).toLowerCase();
    const list = options.get(key) ?? [];
    list.push(m[2] ?? '');
    options.set(key, list);
  }
  return options;
}

/** How long an idle ssh on a dead link takes to give up, from its keepalive settings. */
export interface DeadLink {
  /** The usual figure: ServerAliveInterval × ServerAliveCountMax (at least one interval). */
  readonly seconds: number;
  /** The worst case, one more interval: ssh gives up at the check after the last unanswered one. */
  readonly upToSeconds: number;
}

/**
 * clientloop.c `server_alive_check`: every `interval` seconds of silence ssh
 * counts one unanswered keepalive and gives up when the count exceeds
 * `countMax`. So a dead link is noticed after about interval × countMax (up to
 * one interval more, depending on when the last packet came), and with
 * `countMax 0` after the first interval. Undefined when keepalives are off.
 */
export function deadLinkAfter(interval: number, countMax: number): DeadLink | undefined {
  if (!(interval > 0) || !Number.isFinite(interval) || !(countMax >= 0) || !Number.isFinite(countMax)) {
    return undefined;
  }
  return { seconds: interval * Math.max(countMax, 1), upToSeconds: interval * (countMax + 1) };
}

/** The options the config doctor shows for a host. */
export interface EffectiveSummary {
  /** The name asked about (`host` line). */
  readonly host: string;
  readonly hostName: string | undefined;
  readonly user: string | undefined;
  readonly port: string | undefined;
  /** Seconds; 0 = no keepalive. */
  readonly serverAliveInterval: number;
  readonly serverAliveCountMax: number;
  readonly deadLink: DeadLink | undefined;
  readonly tcpKeepAlive: boolean;
  /** Seconds, or undefined for `none` (the kernel's connect timeout). */
  readonly connectTimeout: number | undefined;
  readonly proxyJump: string | undefined;
  readonly proxyCommand: string | undefined;
}

export function summarizeEffective(options: EffectiveOptions): EffectiveSummary {
  const one = (key: string): string | undefined => {
    const value = options.get(key)?.[0];
    return value === undefined || value === '' || value === 'none' ? undefined : value;
  };
  const number = (key: string, fallback: number): number => {
    const value = one(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
  };
  const serverAliveInterval = number('serveraliveinterval', 0);
  const serverAliveCountMax = number('serveralivecountmax', 3);
  const timeout = one('connecttimeout');
  return {
    host: options.get('host')?.[0] ?? '',
    hostName: one('hostname'),
    user: one('user'),
    port: one('port'),
    serverAliveInterval,
    serverAliveCountMax,
    deadLink: deadLinkAfter(serverAliveInterval, serverAliveCountMax),
    tcpKeepAlive: !['no', 'false'].includes(one('tcpkeepalive') ?? 'yes'),
    connectTimeout: timeout !== undefined && /^\d+$/.test(timeout) ? Number(timeout) : undefined,
    proxyJump: one('proxyjump'),
    proxyCommand: one('proxycommand'),
  };
}

/**
 * One line above a `Host` block, e.g. "ServerAliveInterval 30 × ServerAliveCountMax 4
 * → a dead link is noticed after ≈ 2 min · ConnectTimeout none · HostName
 * prod.example.com User deploy Port 22".
 */
export function effectiveLensTitle(s: EffectiveSummary): string {
  const keepalive =
    s.deadLink !== undefined
      ? `ServerAliveInterval ${s.serverAliveInterval} × ServerAliveCountMax ${s.serverAliveCountMax} → a dead link is noticed after ≈ ${formatDuration(s.deadLink.seconds)}`
      : s.tcpKeepAlive
        ? 'no keepalive: a dead link is noticed only by TCP (hours)'
        : 'no keepalive and TCPKeepAlive no: a dead link is never noticed';
  const target = [
    s.hostName === undefined ? undefined : `HostName ${s.hostName}`,
    s.user === undefined ? undefined : `User ${s.user}`,
    s.port === undefined ? undefined : `Port ${s.port}`,
    s.proxyJump === undefined ? undefined : `ProxyJump ${s.proxyJump}`,
    s.proxyCommand === undefined ? undefined : 'via ProxyCommand',
  ].filter((p): p is string => p !== undefined);
  return [keepalive, `ConnectTimeout ${s.connectTimeout === undefined ? 'none' : String(s.connectTimeout)}`, target.join(' ')].filter((p) => p !== '').join(' · ');
}

/** The lens tooltip: where the values come from, and the keepalive arithmetic in full. */
export function effectiveLensTooltip(s: EffectiveSummary, commandLine: string): string {
  const lines = [`Effective options for "${s.host}", from ${commandLine} on the file as saved.`];
  if (s.deadLink !== undefined) {
    lines.push(
      `On a dead link ssh sends a keepalive after each ${formatDuration(s.serverAliveInterval)} of silence and gives up after ${s.serverAliveCountMax} unanswered: ` +
        (s.deadLink.upToSeconds === s.deadLink.seconds
          ? `after ${formatDuration(s.deadLink.seconds)}.`
          : `after ${formatDuration(s.deadLink.seconds)} to ${formatDuration(s.deadLink.upToSeconds)} of silence.`),
    );
  } else if (s.tcpKeepAlive) {
    lines.push('Without ServerAliveInterval an idle ssh on a dead link waits for the kernel: TCP keepalive sends its first probe after 2 h idle (Linux).');
  } else {
    lines.push('Without ServerAliveInterval and with TCPKeepAlive no, nothing checks an idle connection: a dead one is never noticed.');
  }
  if (s.connectTimeout === undefined) {
    lines.push('ConnectTimeout none: connecting to an unreachable host waits for the kernel (about 2 min on Linux).');
  }
  lines.push('Click to see every option.');
  return lines.join('\n');
}

/**
 * The files that belong to the user's own ssh configuration: the roots
 * (`~/.ssh/config`, `/etc/ssh/ssh_config`) and every file they include,
 * transitively, as ssh would find them (lexical order, depth limit 16).
 * Conditional Includes (inside Host/Match) count: they are the user's files.
 * Reads files through `files`; runs nothing.
 */
export function ownConfigFiles(
  roots: readonly { readonly path: string; readonly userFile: boolean }[],
  files: IncludeFiles,
  ctx: { readonly home: string; readonly env: Readonly<Record<string, string | undefined>> },
): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string, userFile: boolean, depth: number): void => {
    if (seen.has(file) || depth > MAX_INCLUDE_DEPTH) {
      return;
    }
    const text = files.read(file);
    if (text === undefined) {
      return;
    }
    seen.add(file);
    for (const d of buildModel(text, 'client').blocks.flatMap((b) => b.directives)) {
      if (d.key !== 'include' || d.line.error !== undefined) {
        continue;
      }
      for (const token of d.args) {
        const pattern = includePattern(token.value, 'client', { ...ctx, userFile });
        for (const next of pattern === undefined ? [] : files.glob(pattern)) {
          visit(next, userFile, depth + 1);
        }
      }
    }
  };
  for (const root of roots) {
    visit(root.path, root.userFile, 0);
  }
  return seen;
}

// ---------------------------------------------------------------- sshd -t

export type SshdSeverity = 'error' | 'warning';

/** One complaint of `sshd -t`. */
export interface SshdMessage {
  /** The file it names, as printed; undefined when the message names none. */
  readonly file: string | undefined;
  /** One-based line number, when given. */
  readonly line: number | undefined;
  readonly text: string;
  readonly severity: SshdSeverity;
}

export interface SshdReport {
  readonly messages: readonly SshdMessage[];
  /** Lines left out: about the environment of the check, not the file (logged, not shown). */
  readonly ignored: readonly string[];
}

/**
 * Complaints that are about the machine the check runs on, not the file: the
 * host keys a file names are the server's (unreadable to a user, or absent on
 * this machine; the check supplies its own key with -h), and the privilege
 * separation account and directory belong to the local installation.
 */
const environmentMessages = [/^Unable to load host key/, /^Could not load host key/, /^Privilege separation user .* does not exist/, /^Missing privilege separation directory/];

/**
 * Parses what `sshd -t -f FILE -h KEY` prints on stderr (OpenSSH 9.2, servconf.c):
 *  - `FILE: line N: Bad configuration option: Foo` (collected; sshd goes on, then
 *    `FILE: terminating, K bad configuration options`);
 *  - `FILE line N: <problem>` (no colon after the file name) for everything
 *    else: `invalid time value.`, `Directive 'Port' is not allowed within a
 *    Match block`, `no argument after keyword "X"`, `invalid quotes`, … — fatal,
 *    so only the first such problem is ever printed;
 *  - `FILE line N: Deprecated option X` / `Unsupported option X`: ignored by
 *    sshd, which starts anyway (warnings);
 *  - `Invalid Match address argument '…' at line N` (no file);
 *  - lines without a position, e.g. `Unsupported Match attribute Foo` just
 *    before the `line N: Bad Match condition` it explains: such a line is added
 *    to the next positioned message as its detail.
 * File names are printed with `%.200s`, so they may be cut at 200 characters.
 * With `exitCode` 0 sshd accepted the file, so nothing is an error.
 */
export function parseSshdTestOutput(stderr: string, exitCode: number | null): SshdReport {
  const messages: SshdMessage[] = [];
  const ignored: string[] = [];
  let pending: string[] = [];
  const add = (file: string | undefined, line: number | undefined, text: string): void => {
    const detail = pending.length === 0 ? '' : ` (${pending.join('; ')})`;
    pending = [];
    const warning = /^(Deprecated|Unsupported) option /.test(text) || /^ignoring /.test(text) || exitCode === 0;
    messages.push({ file, line, text: `${text.replace(/\.$/, '')}${detail}`, severity: warning ? 'warning' : 'error' });
  };
  for (const raw of stderr.split('\n')) {
    const text = raw.replace(/\r$/, '').trim();
    if (text === '') {
      continue;
    }
    if (environmentMessages.some((re) => re.test(text)) || /: terminating, \d+ bad configuration options$/.test(text)) {
      ignored.push(text);
      continue;
    }
    const located = /^(.*?\S):? line (\d+): (.*)$/.exec(text);
    if (located !== null) {
      add(located[1], Number(located[2]), located[3] as string);
      continue;
    }
    const atLine = /^(.*) at line (\d+)$/.exec(text);
    if (atLine !== null) {
      add(undefined, Number(atLine[2]), atLine[1] as string);
      continue;
    }
    pending.push(text);
  }
  for (const text of pending) {
    messages.push({ file: undefined, line: undefined, text, severity: exitCode === 0 ? 'warning' : 'error' });
  }
  return { messages, ignored };
}

/** A `sshd -t` message placed in the checked text. */
export interface SshdFinding {
  readonly range: Range;
  readonly severity: SshdSeverity;
  readonly message: string;
}

/** Messages that are about the keyword itself rather than its value. */
const aboutKeyword = [/^Bad configuration option: /, /^(Deprecated|Unsupported) option /, /^Directive '.*' is not allowed within a Match block/, /^no argument after keyword /];

/**
 * Places the messages of a check of `text` (written to `checkedFile` for sshd)
 * on its lines: a keyword complaint on the keyword, a value complaint on the
 * arguments. Messages about an included file go on the first `Include` line,
 * naming the file; messages without a position on the first directive.
 */
export function placeSshdMessages(text: string, checkedFile: string, report: SshdReport): SshdFinding[] {
  const lines = tokenize(text).lines;
  const whole = (index: number): Range => {
    const line = lines[index];
    if (line === undefined) {
      return { start: { line: index, character: 0 }, end: { line: index, character: 0 } };
    }
    const first = line.keyword?.range.start ?? { line: index, character: line.text.length - line.text.trimStart().length };
    const last = line.args[line.args.length - 1]?.range.end ?? line.keyword?.range.end ?? { line: index, character: line.text.length };
    return { start: first, end: last };
  };
  const firstDirective = Math.max(0, lines.findIndex((l) => l.keyword !== undefined));
  const include = lines.find((l) => l.keyword?.value.toLowerCase() === 'include');
  const ownFile = (file: string | undefined): boolean =>
    file === undefined || file === checkedFile || (checkedFile.length > 200 && file === checkedFile.slice(0, 200));
  return report.messages.map((m): SshdFinding => {
    if (m.line === undefined) {
      return { range: whole(firstDirective), severity: m.severity, message: m.text };
    }
    if (!ownFile(m.file)) {
      const at = include === undefined ? whole(firstDirective) : whole(include.line);
      return { range: at, severity: m.severity, message: `${m.file ?? ''} line ${m.line}: ${m.text}` };
    }
    const index = Math.min(m.line - 1, Math.max(lines.length - 1, 0));
    const line = lines[index];
    if (line?.keyword !== undefined) {
      if (aboutKeyword.some((re) => re.test(m.text)) || line.args.length === 0) {
        return { range: line.keyword.range, severity: m.severity, message: m.text };
      }
      const first = line.args[0] as Token;
      const last = line.args[line.args.length - 1] as Token;
      return { range: { start: first.range.start, end: last.range.end }, severity: m.severity, message: m.text };
    }
    return { range: whole(index), severity: m.severity, message: m.text };
  });
}
