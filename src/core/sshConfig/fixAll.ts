/**
 * "Fix all": the preferred edit fixes, applied pass after pass until the text
 * is stable. Shared by the editor's Fix All and the CLI's `--fix`.
 */
import type { Fix, TextEdit } from './findings';
import { lint, type LintOptions } from './lint';
import { applyEdits, lineStarts, offsetAt } from './textEdits';

/** Enough for fixes that enable further fixes (a rename that creates a duplicate, a new `Host *` then an option added to it). */
export const maxFixPasses = 8;

export interface FixAllResult {
  readonly text: string;
  /** How many fixes were applied over all passes. */
  readonly applied: number;
  readonly passes: number;
}

/**
 * Applies every preferred edit fix to `text`. Within a pass a fix is taken only
 * if none of its edits overlaps or touches an edit already taken (two inserts
 * at the end of the file would otherwise both add a `Host *` block); the rest
 * wait for the next pass, which lints the new text.
 */
export function fixAllText(text: string, options: LintOptions, maxPasses: number = maxFixPasses): FixAllResult {
  let current = text;
  let applied = 0;
  let passes = 0;
  while (passes < maxPasses) {
    const fixes = lint(current, options)
      .flatMap((f) => f.fixes)
      .filter((fix): fix is Extract<Fix, { kind: 'edit' }> => fix.kind === 'edit' && fix.preferred && fix.edits.length > 0);
    const starts = lineStarts(current);
    const taken: { from: number; to: number }[] = [];
    const edits: TextEdit[] = [];
    let count = 0;
    for (const fix of fixes) {
      const spans = fix.edits.map((e) => ({ from: offsetAt(starts, current, e.range.start), to: offsetAt(starts, current, e.range.end) }));
      if (spans.some((s) => taken.some((t) => s.from <= t.to && t.from <= s.to))) {
        continue;
      }
      taken.push(...spans);
      edits.push(...fix.edits);
      count++;
    }
    if (edits.length === 0) {
      break;
    }
    const next = applyEdits(current, edits);
    passes++;
    if (next === current) {
      break;
    }
    current = next;
    applied += count;
  }
  return { text: current, applied, passes };
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
