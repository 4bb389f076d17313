/**
 * A tokenizer for ssh_config and sshd_config that keeps exact positions.
 *
 * It reproduces OpenSSH's own lexing (readconf.c `process_config_line_depth`,
 * `strdelim`, and misc.c `argv_split`, OpenSSH 8.7 and later):
 * - trailing whitespace (space, tab, CR, LF, form feed) is dropped, so CRLF files work;
 * - the keyword ends at whitespace or `=`; after it, whitespace, at most one
 *   `=`, and whitespace again separate it from the arguments. A double quote in
 *   the keyword is strdelim's: it is dropped, the keyword runs on to the next
 *   quote and ends there, and then only whitespace separates (`"User"=x` is
 *   User `=x`, `User"x"` is the keyword `Userx`); a quote left open in the
 *   keyword makes OpenSSH skip the line silently;
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

/**
 * `ignored-line`: an unbalanced quote in the keyword, which OpenSSH's strdelim
 * reads as no keyword at all, so the line is skipped without a word (checked
 * with ssh and sshd 9.2). `comment-only`: nothing but a comment after the
 * keyword; most keywords then miss their argument, but those that take a
 * list (and the commands, which get the comment) accept the line, so whether
 * it is an error depends on the keyword.
 */
export type LexicalErrorCode = 'invalid-quotes' | 'missing-argument' | 'comment-only' | 'ignored-line';

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

/** What went wrong on a line (ScannedConfig.errorKind). */
const enum ErrorKind {
  None = 0,
  /** An unbalanced double quote (in the keyword or an argument). */
  DoubleQuote = 1,
  SingleQuote = 2,
  /** Nothing after the keyword. */
  NoArgument = 3,
  /** Only a comment after the keyword. */
  CommentOnly = 4,
  /** A quote left open in the keyword: OpenSSH ignores the line. */
  KeywordQuote = 5,
}

/** Trailing whitespace OpenSSH strips first: space, tab, CR, LF, form feed. */
const isTrailingSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10 || c === 12;
/** strdelim's whitespace: space, tab, CR, LF. */
const isStrdelimSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/**
 * The whole text lexed into offsets: per line, where its keyword, `=`,
 * arguments, comment and error are; per argument, its span and (only when
 * quotes or escapes make it differ from the source) its value. Nothing is
 * sliced until asked, so a 50,000-host file costs a few typed arrays rather
 * than millions of small objects. Offsets are into `text`; columns are an
 * offset minus its line's start.
 */
export class ScannedConfig {
  readonly lineCount: number;
  /** Offset of each line's first character. */
  readonly lineStart: Int32Array;
  /** Offset just past each line's text (its line ending excluded). */
  readonly lineEnd: Int32Array;
  /** 0: no line ending (last line), 1: LF, 2: CRLF. */
  readonly lineEol: Uint8Array;
  /** Keyword span as written (quotes included), -1 when the line has none. */
  readonly kwStart: Int32Array;
  readonly kwEnd: Int32Array;
  /** 1 when the keyword is in double quotes (its value is the span without them). */
  readonly kwQuoted: Uint8Array;
  /** Keywords with a quote inside (`Us"er"`): their value, which is not a span of the text. */
  private readonly kwValues = new Map<number, string>();
  /** Offset of the `=` separator, -1 when none. */
  readonly equalsAt: Int32Array;
  /** Index of the line's first argument, and how many it has. */
  readonly argFirst: Int32Array;
  readonly argCount: Int32Array;
  /** Comment span (whole-line comment or the tail after the arguments), -1 when none. */
  readonly commentStart: Int32Array;
  readonly commentEnd: Int32Array;
  readonly errorKind: Uint8Array;
  /** Lines with a lexical error, in order. */
  readonly errorLines: number[] = [];
  private readonly errorSpans = new Map<number, readonly [number, number]>();
  argTotal = 0;
  argStart: Int32Array;
  argEnd: Int32Array;
  /** -1: the value is the source span; else an index into `values`. */
  argValueIndex: Int32Array;
  readonly values: string[] = [];
  readonly bom: boolean;
  readonly finalNewline: boolean;
  readonly eol: '\n' | '\r\n';

  constructor(readonly text: string) {
    let newlines = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      newlines++;
    }
    const cap = newlines + 1;
    this.lineStart = new Int32Array(cap);
    this.lineEnd = new Int32Array(cap);
    this.lineEol = new Uint8Array(cap);
    this.kwStart = new Int32Array(cap);
    this.kwEnd = new Int32Array(cap);
    this.kwQuoted = new Uint8Array(cap);
    this.equalsAt = new Int32Array(cap);
    this.argFirst = new Int32Array(cap);
    this.argCount = new Int32Array(cap);
    this.commentStart = new Int32Array(cap);
    this.commentEnd = new Int32Array(cap);
    this.errorKind = new Uint8Array(cap);
    const argCap = cap * 2 + 16;
    this.argStart = new Int32Array(argCap);
    this.argEnd = new Int32Array(argCap);
    this.argValueIndex = new Int32Array(argCap);
    this.bom = text.charCodeAt(0) === 0xfeff;
    let crlf = 0;
    let lf = 0;
    let start = 0;
    let line = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      let end = nl === -1 ? text.length : nl;
      let eol = 0;
      if (nl !== -1) {
        if (end > start && text.charCodeAt(end - 1) === 13) {
          end--;
          eol = 2;
          crlf++;
        } else {
          eol = 1;
          lf++;
        }
      }
      if (nl === -1 && end === start && line > 0) {
        break;
      }
      this.lineStart[line] = start;
      this.lineEnd[line] = end;
      this.lineEol[line] = eol;
      this.scanLine(line, line === 0 && this.bom ? start + 1 : start, end);
      line++;
      if (nl === -1) {
        break;
      }
      start = nl + 1;
    }
    this.lineCount = line;
    this.finalNewline = text.endsWith('\n');
    this.eol = crlf > lf ? '\r\n' : '\n';
  }

  private pushArg(start: number, end: number, value: string | undefined): void {
    if (this.argTotal === this.argStart.length) {
      const size = this.argStart.length * 2;
      this.argStart = grow(this.argStart, size);
      this.argEnd = grow(this.argEnd, size);
      this.argValueIndex = grow(this.argValueIndex, size);
    }
    const a = this.argTotal++;
    this.argStart[a] = start;
    this.argEnd[a] = end;
    if (value === undefined) {
      this.argValueIndex[a] = -1;
    } else {
      this.argValueIndex[a] = this.values.length;
      this.values.push(value);
    }
  }

  private fail(line: number, kind: ErrorKind, start: number, end: number): void {
    this.errorKind[line] = kind;
    this.errorLines.push(line);
    this.errorSpans.set(line, [start, end]);
  }

  /** Lexes text[from, end) of one line, as readconf.c does (see the top of this file). */
  private scanLine(line: number, from: number, end: number): void {
    const text = this.text;
    this.kwStart[line] = -1;
    this.equalsAt[line] = -1;
    this.commentStart[line] = -1;
    this.argFirst[line] = this.argTotal;
    this.argCount[line] = 0;
    // OpenSSH strips trailing whitespace before anything else.
    let limit = end;
    while (limit > from && isTrailingSpace(text.charCodeAt(limit - 1))) {
      limit--;
    }
    let i = from;
    while (i < limit && isStrdelimSpace(text.charCodeAt(i))) {
      i++;
    }
    if (i >= limit) {
      return;
    }
    if (text.charCodeAt(i) === 35 /* # */) {
      this.commentStart[line] = i;
      this.commentEnd[line] = limit;
      return;
    }
    const kwStart = i;
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (isStrdelimSpace(c) || c === 34 || c === 61) {
        break;
      }
    }
    // strdelim: a double quote in the keyword is dropped and the keyword runs to the next quote (`"Host" x`, `Ho"st" x`).
    const quoted = i < limit && text.charCodeAt(i) === 34;
    if (quoted) {
      const open = i;
      let close = open + 1;
      while (close < limit && text.charCodeAt(close) !== 34) {
        close++;
      }
      if (close >= limit) {
        this.fail(line, ErrorKind.KeywordQuote, kwStart, limit);
        return;
      }
      i = close + 1;
      if (open === kwStart) {
        this.kwQuoted[line] = 1;
      } else {
        this.kwValues.set(line, text.slice(kwStart, open) + text.slice(open + 1, close));
      }
    }
    this.kwStart[line] = kwStart;
    this.kwEnd[line] = i;
    // strdelim: skip whitespace, then at most one '=', then whitespace; after a quote, whitespace only.
    if (quoted || (i < limit && text.charCodeAt(i) !== 61)) {
      while (i < limit && isStrdelimSpace(text.charCodeAt(i))) {
        i++;
      }
    }
    if (!quoted && i < limit && text.charCodeAt(i) === 61) {
      this.equalsAt[line] = i;
      i++;
      while (i < limit && isStrdelimSpace(text.charCodeAt(i))) {
        i++;
      }
    }
    if (i >= limit) {
      this.fail(line, ErrorKind.NoArgument, kwStart, this.kwEnd[line] as number);
      return;
    }

    // argv_split with terminate_on_comment.
    let count = 0;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (c === 35 /* # */) {
        this.commentStart[line] = i;
        this.commentEnd[line] = limit;
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
        this.pushArg(argStart, j, undefined);
        count++;
        this.argCount[line] = count;
        i = j;
        continue;
      }
      let value = '';
      let quote = 0;
      let quoteStart = -1;
      for (; i < limit; i++) {
        const ch = text.charCodeAt(i);
        // Past the line's end `next` is a line ending or nothing: never a quote, backslash or space.
        const next = i + 1 < end ? text.charCodeAt(i + 1) : -1;
        if (ch === 92 /* \ */) {
          if (next === 39 || next === 34 || next === 92 || (quote === 0 && next === 32)) {
            i++;
            value += String.fromCharCode(next);
          } else {
            value += '\\';
          }
        } else if (quote === 0 && (ch === 32 || ch === 9)) {
          break;
        } else if (quote === 0 && (ch === 34 || ch === 39)) {
          quote = ch;
          quoteStart = i;
        } else if (quote !== 0 && ch === quote) {
          quote = 0;
        } else {
          value += text[i] as string;
        }
      }
      if (quote !== 0) {
        this.fail(line, quote === 34 ? ErrorKind.DoubleQuote : ErrorKind.SingleQuote, quoteStart, limit);
        return;
      }
      this.pushArg(argStart, i, value);
      count++;
      this.argCount[line] = count;
    }
    if (count === 0) {
      // Only a comment after the keyword: OpenSSH says "Missing argument".
      this.fail(line, ErrorKind.CommentOnly, kwStart, this.kwEnd[line] as number);
    }
  }

  /** The keyword's value (quotes removed), or undefined. */
  keyword(line: number): string | undefined {
    const s = this.kwStart[line] as number;
    if (s < 0) {
      return undefined;
    }
    const odd = this.kwValues.get(line);
    if (odd !== undefined) {
      return odd;
    }
    const q = this.kwQuoted[line] as number;
    return this.text.slice(s + q, (this.kwEnd[line] as number) - q);
  }

  /** The value of a keyword with a quote inside it, which is not a span of the text; undefined for all others. */
  keywordWithQuote(line: number): string | undefined {
    return this.kwValues.get(line);
  }

  /** Start and end of the keyword's value (inside quotes when quoted). */
  keywordValueStart(line: number): number {
    return (this.kwStart[line] as number) + (this.kwQuoted[line] as number);
  }

  keywordValueEnd(line: number): number {
    return (this.kwEnd[line] as number) - (this.kwQuoted[line] as number);
  }

  /** What OpenSSH sees of argument `a`: quotes removed, escapes resolved. */
  argValue(a: number): string {
    const v = this.argValueIndex[a] as number;
    return v < 0 ? this.text.slice(this.argStart[a] as number, this.argEnd[a] as number) : (this.values[v] as string);
  }

  argRaw(a: number): string {
    return this.text.slice(this.argStart[a] as number, this.argEnd[a] as number);
  }

  /** The line's text without its line ending. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart[line] as number, this.lineEnd[line] as number);
  }

  lineLength(line: number): number {
    return (this.lineEnd[line] as number) - (this.lineStart[line] as number);
  }

  /** A range on `line` between two offsets in the text. */
  range(line: number, from: number, to: number): Range {
    const base = this.lineStart[line] as number;
    return { start: { line, character: from - base }, end: { line, character: to - base } };
  }

  keywordRange(line: number): Range {
    return this.range(line, this.kwStart[line] as number, this.kwEnd[line] as number);
  }

  argRange(line: number, a: number): Range {
    return this.range(line, this.argStart[a] as number, this.argEnd[a] as number);
  }

  /** The lexical error on a line, as the tokenizer reports it. */
  error(line: number): LexicalError | undefined {
    const kind = this.errorKind[line] as ErrorKind;
    if (kind === ErrorKind.None) {
      return undefined;
    }
    const [from, to] = this.errorSpans.get(line) as readonly [number, number];
    const range = this.range(line, from, to);
    switch (kind) {
      case ErrorKind.DoubleQuote:
        return { code: 'invalid-quotes', message: 'unbalanced double quote', range };
      case ErrorKind.SingleQuote:
        return { code: 'invalid-quotes', message: 'unbalanced single quote', range };
      case ErrorKind.NoArgument:
        return { code: 'missing-argument', message: `no argument after keyword "${this.keyword(line) ?? ''}"`, range };
      case ErrorKind.KeywordQuote:
        return { code: 'ignored-line', message: 'unbalanced double quote in the keyword', range };
      default:
        return { code: 'comment-only', message: 'missing argument', range };
    }
  }

  /** The line as a `Line` object (what `tokenize` returns). */
  toLine(line: number): Line {
    const text = this.text;
    const base = this.lineStart[line] as number;
    const eolKind = this.lineEol[line] as number;
    const l: { -readonly [K in keyof Line]: Line[K] } = {
      line,
      text: this.lineText(line),
      eol: eolKind === 2 ? '\r\n' : eolKind === 1 ? '\n' : '',
      args: NO_ARGS,
    };
    const ks = this.kwStart[line] as number;
    // Optional properties are left out rather than set to undefined (exactOptionalPropertyTypes).
    if (ks >= 0) {
      l.keyword = new LazyToken(text, line, base, ks, this.kwEnd[line] as number, this.keyword(line) as string);
    }
    const eq = this.equalsAt[line] as number;
    if (eq >= 0) {
      l.equals = this.range(line, eq, eq + 1);
    }
    const count = this.argCount[line] as number;
    if (count > 0) {
      const args: Token[] = [];
      const first = this.argFirst[line] as number;
      for (let a = first; a < first + count; a++) {
        args.push(new LazyToken(text, line, base, this.argStart[a] as number, this.argEnd[a] as number, this.argValue(a)));
      }
      l.args = args;
    }
    const cs = this.commentStart[line] as number;
    if (cs >= 0) {
      l.comment = new LazyToken(text, line, base, cs, this.commentEnd[line] as number, text.slice(cs, this.commentEnd[line] as number));
    }
    const error = this.error(line);
    if (error !== undefined) {
      l.error = error;
    }
    return l;
  }
}

/** Lexes a whole config into offsets (see ScannedConfig). */
export function scanConfig(text: string): ScannedConfig {
  return new ScannedConfig(text);
}

export function tokenize(text: string): TokenizedConfig {
  const scan = new ScannedConfig(text);
  const lines: Line[] = [];
  for (let l = 0; l < scan.lineCount; l++) {
    lines.push(scan.toLine(l));
  }
  return { lines, bom: scan.bom, finalNewline: scan.finalNewline, eol: scan.eol };
}

/**
 * Tokens keep offsets and build their Range and raw text on demand: a large
 * config has hundreds of thousands of tokens, and most are never reported.
 */
class LazyToken implements Token {
  constructor(
    private readonly source: string,
    private readonly line: number,
    private readonly base: number,
    private readonly from: number,
    private readonly to: number,
    readonly value: string,
  ) {}

  get raw(): string {
    return this.source.slice(this.from, this.to);
  }

  get range(): Range {
    return { start: { line: this.line, character: this.from - this.base }, end: { line: this.line, character: this.to - this.base } };
  }

  toJSON(): { raw: string; value: string; range: Range } {
    return { raw: this.raw, value: this.value, range: this.range };
  }
}

const NO_ARGS: readonly Token[] = Object.freeze([]);

/** OpenSSH compares keywords case-insensitively. */
export function keywordKey(line: Line): string | undefined {
  return line.keyword?.value.toLowerCase();
}
