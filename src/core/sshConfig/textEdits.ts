import type { TextEdit } from './findings';
import type { Position } from './tokenizer';

/** Offsets of the start of every line in `text` (after each '\n'). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

export function offsetAt(starts: readonly number[], text: string, pos: Position): number {
  const lineStart = starts[pos.line];
  if (lineStart === undefined) {
    return text.length;
  }
  return Math.min(lineStart + pos.character, text.length);
}

/**
 * Applies non-overlapping edits to `text`. Throws on overlapping edits: a fix
 * that produced them is a bug, and applying half of them could corrupt a file.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e) => ({ from: offsetAt(starts, text, e.range.start), to: offsetAt(starts, text, e.range.end), newText: e.newText }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.from < at || s.to < s.from) {
      throw new Error('overlapping or inverted edits');
    }
    out += text.slice(at, s.from) + s.newText;
    at = s.to;
  }
  return out + text.slice(at);
}
