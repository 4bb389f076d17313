import type { Side } from '../core/sshConfig/keywords';
import { buildModel } from '../core/sshConfig/model';

/** Option lines in `text`, and how many of them `side` does not know (a `Host` line counts as an option on the server). */
export function keywordsUnknownTo(text: string, side: Side): { readonly unknown: number; readonly total: number } {
  const directives = buildModel(text, side).blocks.flatMap((b) => b.directives);
  return { unknown: directives.filter((d) => d.info === undefined && d.line.error === undefined).length, total: directives.length };
}

/**
 * Whether a file whose side was only guessed (its name says nothing) reads
 * better as the other side: the other side knows more of its keywords, and at
 * least half of them are unknown to the guessed side. `--fix` then refuses to
 * guess, because fixing a server file as a client file (or the reverse) would
 * rename every keyword to the wrong side's counterpart.
 */
export function looksLikeOtherSide(text: string, side: Side): boolean {
  const mine = keywordsUnknownTo(text, side);
  const theirs = keywordsUnknownTo(text, side === 'client' ? 'server' : 'client');
  return mine.total > 0 && mine.unknown > theirs.unknown && mine.unknown * 2 >= mine.total;
}
