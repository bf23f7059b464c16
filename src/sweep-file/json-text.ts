/**
 * A strict JSON (RFC 8259) reader that remembers where each value came from.
 *
 * `JSON.parse` is not enough for a spec file: its error positions differ between engines (and
 * Safari gives none), it keeps the last of two duplicate keys without a word, and it cannot say
 * on which line a well-formed but invalid field sits. This reader gives every path a line and
 * column, names the path where a syntax error happened, and refuses duplicate keys.
 *
 * Paths use the spec's error notation: `limits.max_total_trials`, `search_space.model.values[1]`.
 * The root value's path is the empty string.
 */

export interface JsonPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in code points. */
  readonly column: number;
  /** 0-based index into the text (UTF-16 code units). */
  readonly offset: number;
}

export interface LocatedJson {
  readonly value: unknown;
  /** Where each path starts: an object member at its key, an array element at its value. */
  readonly positions: ReadonlyMap<string, JsonPosition>;
}

/** A syntax error, or a duplicate key, with its position and the path it was found in. */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
  constructor(
    /** What is wrong, in words (no position). */
    readonly problem: string,
    /** The text found there (a token, or a short excerpt), or `undefined` at the end of the text. */
    readonly found: string | undefined,
    readonly position: JsonPosition,
    /** The path of the value being read when it happened (`''` for the root). */
    readonly path: string,
  ) {
    super(`${problem} at line ${position.line}, column ${position.column}`);
  }
}

/** Nesting deeper than this is refused rather than risking the call stack. */
export const MAX_JSON_DEPTH = 256;

export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Parses `text` as one JSON value (a leading byte-order mark is ignored). */
/** The position of `path`, or of its nearest ancestor present in the text (a missing key's object). */
export function nearestPosition(positions: ReadonlyMap<string, JsonPosition>, path: string): JsonPosition | undefined {
  let current = path;
  for (;;) {
    const position = positions.get(current);
    if (position !== undefined) return position;
    if (current === '') return undefined;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut <= 0 ? '' : current.slice(0, cut);
  }
}

export function parseLocatedJson(text: string): LocatedJson {
  return new Reader(text).document();
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  private index = 0;
  private line = 1;
  private lineStart = 0;
  /** The column last computed, to count on from (see `position`). */
  private columnAt = { lineStart: -1, index: 0, column: 1 };
  private readonly positions = new Map<string, JsonPosition>();

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.index = 1;
    this.lineStart = this.index;
  }

  document(): LocatedJson {
    this.skipWhitespace();
    if (this.index >= this.text.length) {
      throw this.error('the text is empty: expected a JSON object', '');
    }
    this.positions.set('', this.position());
    const value = this.value('', 0);
    this.skipWhitespace();
    if (this.index < this.text.length) {
      throw this.error('unexpected text after the end of the JSON value', '');
    }
    return { value, positions: this.positions };
  }

  private value(path: string, depth: number): unknown {
    if (depth > MAX_JSON_DEPTH) throw this.error(`nesting is deeper than ${MAX_JSON_DEPTH} levels`, path);
    const c = this.text[this.index];
    switch (c) {
      case '{':
        return this.object(path, depth);
      case '[':
        return this.array(path, depth);
      case '"':
        return this.string(path);
      case 't':
        return this.literal('true', true, path);
      case 'f':
        return this.literal('false', false, path);
      case 'n':
        return this.literal('null', null, path);
      case undefined:
        throw this.error('unexpected end of the text: expected a value', path);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number(path);
        throw this.error(this.unexpectedValueProblem(), path);
    }
  }

  /** Names the usual non-JSON habits (JavaScript, YAML, Python) so the fix is obvious. */
  private unexpectedValueProblem(): string {
    const rest = this.text.slice(this.index, this.index + 9);
    if (/^(NaN|Infinity|-Infinity)/.test(rest)) return 'NaN and Infinity are not JSON numbers: expected a value';
    if (rest.startsWith("'")) return 'strings must use double quotes: expected a value';
    if (rest.startsWith('/')) return 'comments are not allowed in JSON: expected a value';
    if (/^(True|False|None|undefined)\b/.test(rest)) return 'JSON literals are true, false and null: expected a value';
    return 'expected a value (an object, array, string, number, true, false or null)';
  }

  private object(path: string, depth: number): Record<string, unknown> {
    this.index += 1;
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.index] === '}') {
      this.index += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      const c = this.text[this.index];
      if (c !== '"') {
        let problem = 'expected a property name in double quotes';
        if (c === '}') problem = 'trailing commas are not allowed in JSON: expected a property name';
        else if (c === "'") problem = 'property names must use double quotes';
        else if (c === '/') problem = 'comments are not allowed in JSON: expected a property name';
        else if (c === undefined) problem = "unexpected end of the text: expected a property name or '}'";
        throw this.error(problem, path);
      }
      const keyPosition = this.position();
      const key = this.string(path);
      const memberPath = childPath(path, key);
      if (seen.has(key)) {
        throw new JsonTextError(
          `the key ${JSON.stringify(key)} appears twice in the same object; keys must be unique`,
          JSON.stringify(key),
          keyPosition,
          memberPath,
        );
      }
      seen.add(key);
      this.positions.set(memberPath, keyPosition);
      this.skipWhitespace();
      if (this.text[this.index] !== ':')
        throw this.error(`expected ':' after the property name ${JSON.stringify(key)}`, memberPath);
      this.index += 1;
      this.skipWhitespace();
      // defineProperty, not assignment: a key "__proto__" must stay data, as with JSON.parse.
      Object.defineProperty(result, key, {
        value: this.value(memberPath, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const next = this.text[this.index];
      if (next === ',') {
        this.index += 1;
        continue;
      }
      if (next === '}') {
        this.index += 1;
        return result;
      }
      throw this.error(
        next === undefined
          ? "unexpected end of the text: expected ',' or '}'"
          : `expected ',' or '}' after the value of ${JSON.stringify(key)}`,
        path,
      );
    }
  }

  private array(path: string, depth: number): unknown[] {
    this.index += 1;
    const result: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.index] === ']') {
      this.index += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] === ']')
        throw this.error('trailing commas are not allowed in JSON: expected a value', path);
      const elementPath = indexPath(path, result.length);
      this.positions.set(elementPath, this.position());
      result.push(this.value(elementPath, depth + 1));
      this.skipWhitespace();
      const next = this.text[this.index];
      if (next === ',') {
        this.index += 1;
        continue;
      }
      if (next === ']') {
        this.index += 1;
        return result;
      }
      throw this.error(
        next === undefined
          ? "unexpected end of the text: expected ',' or ']'"
          : "expected ',' or ']' after an array element",
        path,
      );
    }
  }

  private string(path: string): string {
    const start = this.index;
    this.index += 1;
    let result = '';
    let chunkStart = this.index;
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (Number.isNaN(code)) {
        this.index = start;
        throw this.error('unterminated string', path);
      }
      if (code === 0x22) {
        result += this.text.slice(chunkStart, this.index);
        this.index += 1;
        return result;
      }
      if (code < 0x20) {
        throw this.error('control characters (such as a line break or tab) must be escaped inside a string', path);
      }
      if (code === 0x5c) {
        result += this.text.slice(chunkStart, this.index);
        const escaped = this.text[this.index + 1];
        if (escaped === 'u') {
          const hex = this.text.slice(this.index + 2, this.index + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('\\u must be followed by four hexadecimal digits', path);
          result += String.fromCharCode(Number.parseInt(hex, 16));
          this.index += 6;
        } else {
          const replacement = escaped === undefined ? undefined : ESCAPES[escaped];
          if (replacement === undefined) throw this.error('invalid escape sequence in a string', path);
          result += replacement;
          this.index += 2;
        }
        chunkStart = this.index;
        continue;
      }
      this.index += 1;
    }
  }

  private number(path: string): number {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(
      this.text.slice(this.index, this.index + 400),
    );
    const token = match?.[0] ?? '';
    const after = this.text[this.index + token.length];
    if (token === '' || token === '-' || (after !== undefined && /[0-9.eExX+\-A-Za-z]/.test(after))) {
      if (this.text.startsWith('-Infinity', this.index))
        throw this.error('NaN and Infinity are not JSON numbers', path);
      throw this.error(
        'invalid number (JSON numbers have no leading zeros, "+", hex or trailing "."; write e.g. 0.5, 1e-3)',
        path,
      );
    }
    this.index += token.length;
    // Out-of-range literals such as 1e400 become ±Infinity, which the spec rules then refuse
    // with the field named; that message is clearer than a syntax error would be.
    return Number(token);
  }

  private literal<T>(word: string, value: T, path: string): T {
    if (!this.text.startsWith(word, this.index) || /[A-Za-z0-9_]/.test(this.text[this.index + word.length] ?? '')) {
      throw this.error(this.unexpectedValueProblem(), path);
    }
    this.index += word.length;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text[this.index];
      if (c === ' ' || c === '\t') {
        this.index += 1;
      } else if (c === '\n') {
        this.newLineAt(this.index + 1);
      } else if (c === '\r') {
        this.newLineAt(this.text[this.index + 1] === '\n' ? this.index + 2 : this.index + 1);
      } else {
        return;
      }
    }
  }

  private newLineAt(index: number): void {
    this.index = index;
    this.line += 1;
    this.lineStart = index;
  }

  private position(): JsonPosition {
    // Strings cannot hold raw line breaks, so lines only ever start in whitespace.
    let column = 1;
    let i = this.lineStart;
    // Positions are asked for in increasing order, so counting on from the last one keeps a
    // long line (a minified multi-megabyte document) linear instead of quadratic.
    if (this.columnAt.lineStart === this.lineStart && this.columnAt.index <= this.index) {
      ({ index: i, column } = this.columnAt);
    }
    for (; i < this.index; i += 1) {
      const code = this.text.charCodeAt(i);
      // A surrogate pair is one character on screen.
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < this.index) i += 1;
      column += 1;
    }
    this.columnAt = { lineStart: this.lineStart, index: i, column };
    return { line: this.line, column, offset: this.index };
  }

  private error(problem: string, path: string): JsonTextError {
    const found = this.index >= this.text.length ? undefined : excerpt(this.text, this.index);
    return new JsonTextError(problem, found, this.position(), path);
  }
}

/**
 * The source text at `index` as it appears in the file: a whole string literal, a word or
 * number, or one character, quoted unless it is a string literal (which carries its quotes).
 */
function excerpt(text: string, index: number): string {
  const rest = text.slice(index, index + 40);
  const string = /^"(?:[^"\\\n]|\\.)*"/.exec(rest)?.[0];
  if (string !== undefined) return string;
  const token = /^[A-Za-z0-9_.+\-$]+/.exec(rest)?.[0] ?? String.fromCodePoint(text.codePointAt(index) ?? 0);
  return `'${token}'`;
}
