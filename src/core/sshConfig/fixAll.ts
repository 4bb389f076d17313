/**
 * Fix all: apply the preferred edit fix of every finding that has one, lint
 * again, repeat until nothing is left to do (at most `maxPasses`). Shared by
 * the CLI's `--fix` and the editor's Fix All. Pure: the caller supplies the
 * lint function and writes the result.
 *
 * Each pass applies the fixes of the most severe findings that have one (see
 * below). Within one pass, fixes whose edits overlap (or insert at the same place) are
 * not combined: the first one wins and the others are re-evaluated on the
 * next pass against the fixed text — e.g. keepalive-missing and
 * connecttimeout-missing both append a `Host *` block; the second one then
 * adds its line to the block the first one made.
 */
import type { Finding, Fix, FindingCode, Severity, TextEdit } from './findings';
import { lint, type LintOptions } from './lint';
import { applyEdits, lineStarts, offsetAt } from './textEdits';
import type { Range } from './tokenizer';

export interface AppliedFix {
  readonly code: FindingCode;
  readonly title: string;
  /** The finding's range in the text of the pass that fixed it. */
  readonly range: Range;
  readonly pass: number;
}

export interface FixLoopResult {
  readonly text: string;
  readonly applied: readonly AppliedFix[];
  /** Passes that changed the text. */
  readonly passes: number;
  /** Why the loop ended: nothing left, the pass limit, or a pass that would have added an error (reverted). */
  readonly stopped: 'done' | 'limit' | 'would-add-errors';
}

type EditFix = Extract<Fix, { kind: 'edit' }>;

export function preferredEditFix(f: Finding): EditFix | undefined {
  return f.fixes.find((x): x is EditFix => x.kind === 'edit' && x.preferred && x.edits.length > 0);
}

interface Span {
  readonly from: number;
  readonly to: number;
}

/** Overlapping, or touching where one of them is an insertion (order would be ambiguous). */
function conflicts(a: Span, b: Span): boolean {
  const lo = Math.max(a.from, b.from);
  const hi = Math.min(a.to, b.to);
  return lo < hi || (lo === hi && (a.from === a.to || b.from === b.to));
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

const errorCount = (findings: readonly Finding[]): number => findings.filter((f) => f.severity === 'error').length;

/** The line ending most of the text's line breaks use; undefined when it has none. */
function lineEndingOf(text: string): '\n' | '\r\n' | undefined {
  const lf = text.split('\n').length - 1;
  if (lf === 0) {
    return undefined;
  }
  const crlf = text.split('\r\n').length - 1;
  return crlf > lf - crlf ? '\r\n' : '\n';
}

export function fixLoop(text: string, lintText: (text: string) => readonly Finding[], maxPasses = 10): FixLoopResult {
  // Fixes write the line ending of the text they were made for; once a pass has removed the last line break
  // (the second line of a two-line CRLF file), the next pass could only guess LF. Keep the original's.
  const eol = lineEndingOf(text);
  const inEol = (e: TextEdit): TextEdit => (eol === undefined ? e : { range: e.range, newText: e.newText.replace(/\r?\n/g, eol) });
  const applied: AppliedFix[] = [];
  let current = text;
  let findings = lintText(current);
  for (let pass = 1; pass <= maxPasses; pass++) {
    const starts = lineStarts(current);
    const taken: Span[] = [];
    const edits: TextEdit[] = [];
    const fixedNow: AppliedFix[] = [];
    // Only the most severe fixable findings in each pass: fixing an error
    // (say, ClientAliveInterval renamed to ServerAliveInterval) often settles
    // the warnings and infos about the same option, whose own fixes would
    // otherwise add a second, duplicate line.
    const fixable = findings.filter((f) => preferredEditFix(f) !== undefined);
    const worst = Math.min(...fixable.map((f) => severityRank[f.severity]));
    for (const f of fixable) {
      const fix = preferredEditFix(f);
      if (fix === undefined || severityRank[f.severity] !== worst) {
        continue;
      }
      const spans = fix.edits.map((e) => ({ from: offsetAt(starts, current, e.range.start), to: offsetAt(starts, current, e.range.end) }));
      if (spans.some((s) => taken.some((t) => conflicts(s, t))) || spans.some((s, i) => spans.some((t, j) => i !== j && conflicts(s, t)))) {
        continue;
      }
      taken.push(...spans);
      edits.push(...fix.edits.map(inEol));
      fixedNow.push({ code: f.code, title: fix.title, range: f.range, pass });
    }
    if (edits.length === 0) {
      return { text: current, applied, passes: pass - 1, stopped: 'done' };
    }
    const next = applyEdits(current, edits);
    const nextFindings = lintText(next);
    if (next === current) {
      return { text: current, applied, passes: pass - 1, stopped: 'done' };
    }
    if (errorCount(nextFindings) > errorCount(findings)) {
      return { text: current, applied, passes: pass - 1, stopped: 'would-add-errors' };
    }
    current = next;
    findings = nextFindings;
    applied.push(...fixedNow);
  }
  return { text: current, applied, passes: maxPasses, stopped: findings.some((f) => preferredEditFix(f) !== undefined) ? 'limit' : 'done' };
}

/** Enough for fixes that enable further fixes (a rename that creates a duplicate, a new `Host *` then an option added to it). */
export const maxFixPasses = 8;

export interface FixAllResult {
  readonly text: string;
  /** How many fixes were applied over all passes. */
  readonly applied: number;
  readonly passes: number;
}

/** {@link fixLoop} with the core linter: what the editor's Fix All applies. */
export function fixAllText(text: string, options: LintOptions, maxPasses: number = maxFixPasses): FixAllResult {
  const result = fixLoop(text, (t) => lint(t, options), maxPasses);
  return { text: result.text, applied: result.applied.length, passes: result.passes };
}

/**
 * The smallest single replacement that turns `before` into `after`: offsets
 * into `before` and the text to put there. Keeps the cursor and folding of the
 * untouched parts where they were.
 */
export function minimalReplacement(before: string, after: string): { from: number; to: number; newText: string } {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
    suffix++;
  }
  // Never split a surrogate pair or a CRLF.
  while (prefix > 0 && (isLowSurrogate(before.charCodeAt(prefix)) || (before[prefix - 1] === '\r' && before[prefix] === '\n'))) {
    prefix--;
  }
  while (suffix > 0 && (isLowSurrogate(before.charCodeAt(before.length - suffix)) || (before[before.length - suffix - 1] === '\r' && before[before.length - suffix] === '\n'))) {
    suffix--;
  }
  return { from: prefix, to: before.length - suffix, newText: after.slice(prefix, after.length - suffix) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
