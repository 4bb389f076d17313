/**
 * Shaping lint results for people (text) and tools (JSON, SARIF 2.1.0). Pure:
 * everything about the machine (cwd, colour, version) comes in as arguments.
 *
 * Positions: the core's are 0-based lines and UTF-16 columns with an exclusive
 * end; every output here is 1-based, columns still in UTF-16 code units (the
 * SARIF default `columnKind` "utf16CodeUnits"), and the end column is the
 * column just after the last character, as in SARIF.
 */
import { findingCodes, type Finding, type Severity } from '../core/sshConfig/findings';
import { ruleDescriptions } from './ruleDescriptions';

export interface FileResult {
  /** The file as the user named it (`<stdin>` for standard input); shown in text and JSON. */
  readonly display: string;
  /** Absolute path, or undefined for standard input. */
  readonly path: string | undefined;
  readonly findings: readonly Finding[];
}

/** Whether `--fix` would do something about a finding: it has a preferred fix. */
export function isFixable(f: Finding): boolean {
  return f.fixes.some((x) => x.preferred);
}

export function hasErrors(results: readonly FileResult[]): boolean {
  return results.some((r) => r.findings.some((f) => f.severity === 'error'));
}

/** 2 for usage or I/O trouble, else 1 when any finding is an error, else 0. */
export function exitCodeFor(results: readonly FileResult[], failed: boolean): 0 | 1 | 2 {
  if (failed) {
    return 2;
  }
  return hasErrors(results) ? 1 : 0;
}

// ---------------------------------------------------------------- JSON

export interface JsonFinding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly fixable: boolean;
}

export interface JsonFileReport {
  readonly file: string;
  readonly findings: readonly JsonFinding[];
}

export function toJsonFinding(f: Finding): JsonFinding {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    fixable: isFixable(f),
  };
}

export function toJson(results: readonly FileResult[]): JsonFileReport[] {
  return results.map((r) => ({ file: r.display, findings: r.findings.map(toJsonFinding) }));
}

// ---------------------------------------------------------------- SARIF

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** The uriBaseId for paths inside the working directory (declared in `originalUriBaseIds`). */
export const SRCROOT = '%SRCROOT%';

export interface SarifContext {
  /** Absolute working directory; files inside it get relative URIs. */
  readonly cwd: string;
  readonly toolVersion: string;
  /** False when a file could not be read or written. */
  readonly executionSuccessful: boolean;
}

/** Percent-encodes one path segment for a URI (RFC 3986 pchar, minus what encodeURIComponent leaves alone but URIs reserve). */
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`);
}

/** `file:///abs/path` with each segment percent-encoded. */
export function fileUri(absolute: string, directory = false): string {
  const segments = absolute.split('/').filter((s, i) => i === 0 || s !== '');
  return `file://${segments.map(encodeSegment).join('/')}${directory && !absolute.endsWith('/') ? '/' : ''}`;
}

/**
 * Where a result's file is, for SARIF: relative to the working directory (with
 * `uriBaseId`) when inside it, else an absolute `file://` URI.
 */
export function artifactLocation(path: string | undefined, cwd: string): Record<string, unknown> {
  if (path === undefined) {
    return { description: { text: 'standard input' } };
  }
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
  if (path.startsWith(base)) {
    return { uri: path.slice(base.length).split('/').map(encodeSegment).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: fileUri(path) };
}

export function toSarif(results: readonly FileResult[], ctx: SarifContext): Record<string, unknown> {
  const rules = findingCodes.map((code) => ({ id: code, shortDescription: { text: ruleDescriptions[code] } }));
  const ruleIndex = new Map<string, number>(findingCodes.map((c, i) => [c, i]));
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => {
      const j = toJsonFinding(f);
      return {
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code) as number,
        level: sarifLevel[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(r.path, ctx.cwd),
              region: { startLine: j.line, startColumn: j.column, endLine: j.endLine, endColumn: j.endColumn },
            },
          },
        ],
      };
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ssh-lifeline', version: ctx.toolVersion, rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: fileUri(ctx.cwd, true) } },
        invocations: [{ executionSuccessful: ctx.executionSuccessful }],
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
}

// ---------------------------------------------------------------- text

export interface TextStyle {
  readonly color: boolean;
}

const ansi = { red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' } as const;
const severityColor: Record<Severity, string> = { error: ansi.red, warning: ansi.yellow, info: ansi.blue, hint: ansi.dim };

/** Control characters in a message or file name would drive the terminal; show them escaped. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${(c.codePointAt(0) as number).toString(16).padStart(2, '0')}`);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `file:line:col: severity code: message` per finding, then one summary line. */
export function toText(results: readonly FileResult[], style: TextStyle): string {
  const paint = (color: string, s: string): string => (style.color ? `${color}${s}${ansi.reset}` : s);
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let fixable = 0;
  for (const r of results) {
    for (const f of r.findings) {
      counts[f.severity]++;
      fixable += isFixable(f) ? 1 : 0;
      const where = `${printable(r.display)}:${f.range.start.line + 1}:${f.range.start.character + 1}:`;
      lines.push(`${paint(ansi.bold, where)} ${paint(severityColor[f.severity], f.severity)} ${f.code}: ${printable(f.message)}`);
    }
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const files = plural(results.length, 'file');
  if (total === 0) {
    lines.push(`No problems found in ${files}.`);
  } else {
    const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`, plural(counts.hint, 'hint')];
    lines.push(`${plural(total, 'finding')} (${parts.join(', ')}) in ${files}` + (fixable === 0 ? '.' : `; ${fixable} can be fixed with --fix.`));
  }
  return `${lines.join('\n')}\n`;
}
