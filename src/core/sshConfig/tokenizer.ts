/**
 * A tokenizer for ssh_config and sshd_config that keeps exact positions.
 *
 * It reproduces OpenSSH's own lexing (readconf.c `process_config_line_depth`,
 * `strdelim`, and misc.c `argv_split`, OpenSSH 8.7 and later):
 * - trailing whitespace (space, tab, CR, LF, form feed) is dropped, so CRLF files work;
 * - the keyword ends at whitespace, `"` or `=`; after it, whitespace, at most one
 *   `=`, and whitespace again separate it from the arguments;
 * - a line whose keyword starts with `#` is a comment;
 * - arguments are split on space and tab only; `"` and `'` quote (also in the
 *   middle of a token: `a"b c"d` is one argument `ab cd`); a backslash escapes a
 *   quote, a backslash, or (outside quotes) a space; any other backslash is kept;
 * - `#` starts a comment only at the start of an argument (`b#c` is one argument);
 * - a quote left open is an error for the whole line ("invalid quotes");
 * - a keyword with no argument is an error ("no argument after keyword").
 *
 * Positions are zero-based lines and UTF-16 code-unit columns, as in VS Code.
 */

/** Zero-based line and UTF-16 column. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface Token {
  /** The source text, quotes and escapes included. */
  readonly raw: string;
  /** What OpenSSH sees: quotes removed, escapes resolved. */
  readonly value: string;
  readonly range: Range;
}

export type LexicalErrorCode = 'invalid-quotes' | 'missing-argument';

export interface LexicalError {
  readonly code: LexicalErrorCode;
  readonly message: string;
  readonly range: Range;
}

export interface Line {
  /** Zero-based line number. */
  readonly line: number;
  /** The line's text without its line ending. */
  readonly text: string;
  /** The line ending that follows this line in the source ('' on the last line without one). */
  readonly eol: '\n' | '\r\n' | '';
  /** The keyword as written (case kept); undefined for blank and comment lines. */
  readonly keyword?: Token;
  /** The `=` between keyword and arguments, when one was used. */
  readonly equals?: Range;
  readonly args: readonly Token[];
  /** A comment: the whole line, or the tail after the arguments. */
  readonly comment?: Token;
  readonly error?: LexicalError;
}

export interface TokenizedConfig {
  readonly lines: readonly Line[];
  /** The text starts with a UTF-8 byte order mark (U+FEFF): fatal to OpenSSH. */
  readonly bom: boolean;
  /** The text ends with a line ending. */
  readonly finalNewline: boolean;
  /** The line ending used by most lines ('\n' when there are none). */
  readonly eol: '\n' | '\r\n';
}

const isTrailingSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f';
const isStrdelimSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

export function tokenize(text: string): TokenizedConfig {
  const bom = text.startsWith('\uFEFF');
  const lines: Line[] = [];
  let crlf = 0;
  let lf = 0;
  let start = 0;
  let lineNo = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    let body = text.slice(start, end);
    let eol: Line['eol'] = nl === -1 ? '' : '\n';
    if (eol === '\n' && body.endsWith('\r')) {
      body = body.slice(0, -1);
      eol = '\r\n';
      crlf++;
    } else if (eol === '\n') {
      lf++;
    }
    if (nl === -1 && body === '' && lineNo > 0) {
      break;
    }
    lines.push(tokenizeLine(body, lineNo, eol, lineNo === 0 && bom ? 1 : 0));
    if (nl === -1) {
      break;
    }
    start = nl + 1;
    lineNo++;
  }
  return { lines, bom, finalNewline: text.endsWith('\n'), eol: crlf > lf ? '\r\n' : '\n' };
}

function mkRange(line: number, a: number, b: number): Range {
  return { start: { line, character: a }, end: { line, character: b } };
}

/**
 * Tokens keep offsets and build their Range and raw text on demand: a large
 * config has hundreds of thousands of tokens, and most are never reported.
 */
class LazyToken implements Token {
  constructor(
    private readonly source: string,
    private readonly line: number,
    private readonly from: number,
    private readonly to: number,
    readonly value: string,
  ) {}

  get raw(): string {
    return this.source.slice(this.from, this.to);
  }

  get range(): Range {
    return mkRange(this.line, this.from, this.to);
  }

  toJSON(): { raw: string; value: string; range: Range } {
    return { raw: this.raw, value: this.value, range: this.range };
  }
}

function mkToken(text: string, line: number, a: number, b: number, value: string): Token {
  return new LazyToken(text, line, a, b, value);
}

function mkLine(line: number, text: string, eol: Line['eol'], keyword: Token | undefined, equals: Range | undefined, args: readonly Token[], comment: Token | undefined, error: LexicalError | undefined): Line {
  // Optional properties are left out rather than set to undefined (exactOptionalPropertyTypes).
  const l: { -readonly [K in keyof Line]: Line[K] } = { line, text, eol, args };
  if (keyword !== undefined) {
    l.keyword = keyword;
  }
  if (equals !== undefined) {
    l.equals = equals;
  }
  if (comment !== undefined) {
    l.comment = comment;
  }
  if (error !== undefined) {
    l.error = error;
  }
  return l;
}

const NO_ARGS: readonly Token[] = Object.freeze([]);

function tokenizeLine(text: string, line: number, eol: Line['eol'], from: number): Line {
  // OpenSSH strips trailing whitespace before anything else.
  let limit = text.length;
  while (limit > from && isTrailingSpace(text[limit - 1] as string)) {
    limit--;
  }
  let i = from;
  while (i < limit && isStrdelimSpace(text[i] as string)) {
    i++;
  }
  if (i >= limit) {
    return mkLine(line, text, eol, undefined, undefined, NO_ARGS, undefined, undefined);
  }
  if (text.charCodeAt(i) === 35 /* # */) {
    return mkLine(line, text, eol, undefined, undefined, NO_ARGS, mkToken(text, line, i, limit, text.slice(i, limit)), undefined);
  }
  const kwStart = i;
  let keyword: Token;
  if (text[i] === '"') {
    // strdelim accepts a quoted keyword: `"Host" x`.
    const close = text.indexOf('"', i + 1);
    if (close === -1 || close >= limit) {
      return mkLine(line, text, eol, undefined, undefined, NO_ARGS, undefined, { code: 'invalid-quotes', message: 'unbalanced double quote', range: mkRange(line, i, limit) });
    }
    i = close + 1;
    keyword = mkToken(text, line, kwStart, i, text.slice(kwStart + 1, close));
  } else {
    while (i < limit && !isStrdelimSpace(text[i] as string) && text[i] !== '"' && text[i] !== '=') {
      i++;
    }
    keyword = mkToken(text, line, kwStart, i, text.slice(kwStart, i));
  }
  // strdelim: skip whitespace, then at most one '=', then whitespace.
  let equals: Range | undefined;
  if (text[i] === '=') {
    equals = mkRange(line, i, i + 1);
    i++;
    while (i < limit && isStrdelimSpace(text[i] as string)) {
      i++;
    }
  } else {
    while (i < limit && isStrdelimSpace(text[i] as string)) {
      i++;
    }
    if (text[i] === '=') {
      equals = mkRange(line, i, i + 1);
      i++;
      while (i < limit && isStrdelimSpace(text[i] as string)) {
        i++;
      }
    }
  }
  if (i >= limit) {
    return mkLine(line, text, eol, keyword, equals, NO_ARGS, undefined, { code: 'missing-argument', message: `no argument after keyword "${keyword.value}"`, range: keyword.range });
  }

  // argv_split with terminate_on_comment.
  const args: Token[] = [];
  let comment: Token | undefined;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      comment = mkToken(text, line, i, limit, text.slice(i, limit));
      break;
    }
    const argStart = i;
    // Fast path: a plain word without quotes or backslashes is its own value.
    let j = i;
    let plain = true;
    for (; j < limit; j++) {
      const d = text.charCodeAt(j);
      if (d === 32 || d === 9) {
        break;
      }
      if (d === 34 || d === 39 || d === 92) {
        plain = false;
        break;
      }
    }
    if (plain) {
      args.push(mkToken(text, line, argStart, j, text.slice(argStart, j)));
      i = j;
      continue;
    }
    let value = '';
    let quote = '';
    let quoteStart = -1;
    for (; i < limit; i++) {
      const ch = text[i] as string;
      const next = text[i + 1];
      if (ch === '\\') {
        if (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' ')) {
          i++;
          value += next;
        } else {
          value += ch;
        }
      } else if (quote === '' && (ch === ' ' || ch === '\t')) {
        break;
      } else if (quote === '' && (ch === '"' || ch === "'")) {
        quote = ch;
        quoteStart = i;
      } else if (quote !== '' && ch === quote) {
        quote = '';
      } else {
        value += ch;
      }
    }
    if (quote !== '') {
      return mkLine(line, text, eol, keyword, equals, args, undefined, {
        code: 'invalid-quotes',
        message: `unbalanced ${quote === '"' ? 'double' : 'single'} quote`,
        range: mkRange(line, quoteStart, limit),
      });
    }
    args.push(mkToken(text, line, argStart, i, value));
  }
  if (args.length === 0) {
    // Only a comment after the keyword: OpenSSH says "Missing argument".
    return mkLine(line, text, eol, keyword, equals, args, comment, { code: 'missing-argument', message: 'missing argument', range: keyword.range });
  }
  return mkLine(line, text, eol, keyword, equals, args, comment, undefined);
}

/** OpenSSH compares keywords case-insensitively. */
export function keywordKey(line: Line): string | undefined {
  return line.keyword?.value.toLowerCase();
}
