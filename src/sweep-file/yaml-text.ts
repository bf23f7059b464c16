import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { childPath, indexPath, type JsonPosition, type LocatedJson } from './json-text.js';

/**
 * A YAML reader with the same contract as the JSON one (json-text.ts): the value, plain data
 * only, and where each path starts, so that spec errors in a YAML sweep job point at a line and
 * column too. It reads YAML 1.2 with the core schema (`yes` is a string, `0x1F` a number), as
 * Azure's own loader does for these files.
 *
 * Merge keys (`<<: *defaults`) are applied (see Walker.merge), as Azure's loader does.
 *
 * Refused, with the position: syntax errors, duplicate keys, more than one document, unknown
 * tags (`!foo`), keys that are not strings or numbers, nesting deeper than MAX_YAML_DEPTH, and
 * aliases that expand to more than MAX_YAML_NODES nodes (a "billion laughs" document).
 */

export const MAX_YAML_DEPTH = 256;
/** Far beyond any sweep job; an alias bomb passes it within a few levels. */
export const MAX_YAML_NODES = 100_000;

/** A YAML syntax error (or a refused construct) with its position and the path it was found in. */
export class YamlTextError extends Error {
  override readonly name = 'YamlTextError';
  constructor(
    /** What is wrong, in words (no position). */
    readonly problem: string,
    /** The source text there (a short excerpt), or `undefined` at the end of the text. */
    readonly found: string | undefined,
    readonly position: JsonPosition,
    /** The path of the value being read (`''` for the root). */
    readonly path: string,
  ) {
    super(`${problem} at line ${position.line}, column ${position.column}`);
  }
}

/** Parses `text` as one YAML document holding plain data (a leading byte-order mark is ignored). */
export function parseLocatedYaml(text: string): LocatedJson {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    version: '1.2',
    schema: 'core',
    merge: false,
  });
  const at = (offset: number): JsonPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col, offset };
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const offset = problem.pos[0];
    throw new YamlTextError(
      lowerFirst(problem.message),
      excerpt(text, offset),
      at(offset),
      pathAt(doc.contents, offset, ''),
    );
  }
  if (doc.contents === null) {
    throw new YamlTextError('the text is empty: expected a YAML mapping', undefined, at(0), '');
  }
  return new Walker(doc, text, at).document(doc.contents);
}

class Walker {
  private readonly positions = new Map<string, JsonPosition>();
  private nodes = 0;

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly at: (offset: number) => JsonPosition,
  ) {}

  document(root: Node): LocatedJson {
    this.positions.set('', this.at(root.range?.[0] ?? 0));
    const value = this.value(root, '', 0);
    return { value, positions: this.positions };
  }

  private value(node: Node, path: string, depth: number): unknown {
    this.nodes += 1;
    const start = node.range?.[0] ?? 0;
    if (this.nodes > MAX_YAML_NODES) {
      throw this.error(`the document expands to more than ${MAX_YAML_NODES} values (through aliases?)`, start, path);
    }
    if (depth > MAX_YAML_DEPTH) throw this.error(`nesting is deeper than ${MAX_YAML_DEPTH} levels`, start, path);
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (target === undefined) throw this.error(`the alias *${node.source} names no anchor before it`, start, path);
      return this.value(target, path, depth + 1);
    }
    if (isScalar(node)) {
      const v: unknown = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      throw this.error('expected a string, number, boolean or null', start, path);
    }
    if (isSeq(node)) {
      const result: unknown[] = [];
      for (const item of node.items) {
        const itemPath = indexPath(path, result.length);
        if (!isNode(item)) throw this.error('expected a value', start, itemPath);
        this.positions.set(itemPath, this.at(item.range?.[0] ?? start));
        result.push(this.value(item, itemPath, depth + 1));
      }
      return result;
    }
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      // Merge keys first, so that the mapping's own keys (and their positions) override them.
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) this.merge(pair.value, result, path, depth, pair.key.range?.[0] ?? start);
      }
      const own = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key;
        if (isMergeKey(keyNode)) continue;
        const keyStart = isNode(keyNode) ? (keyNode.range?.[0] ?? start) : start;
        const key = isScalar(keyNode) ? keyNode.value : undefined;
        if (typeof key !== 'string' && typeof key !== 'number') {
          throw this.error('mapping keys must be strings (or numbers)', keyStart, path);
        }
        const name = String(key);
        const memberPath = childPath(path, name);
        if (own.has(name)) {
          // `1` and `"1"` are different YAML keys but the same property.
          throw this.error(
            `the key ${JSON.stringify(name)} appears twice in the same mapping; keys must be unique`,
            keyStart,
            memberPath,
          );
        }
        own.add(name);
        this.positions.set(memberPath, this.at(keyStart));
        const item = pair.value;
        // `key:` with nothing after it is null in YAML.
        const value = isNode(item) ? this.value(item, memberPath, depth + 1) : null;
        // defineProperty, not assignment: a key "__proto__" must stay data.
        Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    throw this.error('expected a mapping, a sequence or a scalar', start, path);
  }

  /**
   * A YAML merge key (`<<: *defaults` or `<<: [*a, *b]`): the named mappings' keys join this
   * mapping unless it has them already; of several, the earlier one wins (the YAML 1.1 merge
   * type, which Azure's and PyYAML's loaders apply). The values are walked like any alias, so
   * the node budget still stops an alias bomb.
   */
  private merge(source: unknown, into: Record<string, unknown>, path: string, depth: number, offset: number): void {
    const rule = 'a merge key (<<) must name a mapping through an alias (`<<: *defaults`) or a list of them';
    const sources = isSeq(source) ? [...source.items].reverse() : [source];
    if (isSeq(source) && source.items.length === 0) throw this.error(`${rule}; the list is empty`, offset, path);
    for (const item of sources) {
      const at = isNode(item) ? (item.range?.[0] ?? offset) : offset;
      if (!isAlias(item) && !isMap(item)) {
        throw this.error(`${rule}; found ${describeNode(item)}`, at, path);
      }
      const target = isAlias(item) ? item.resolve(this.doc) : item;
      if (target === undefined) throw this.error(`the alias in the merge key names no anchor before it`, at, path);
      if (!isMap(target)) throw this.error(`${rule}; the alias names ${describeNode(target)}`, at, path);
      const merged = this.value(target, path, depth + 1) as Record<string, unknown>;
      for (const [name, value] of Object.entries(merged)) {
        Object.defineProperty(into, name, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  }

  private error(problem: string, offset: number, path: string): YamlTextError {
    return new YamlTextError(problem, excerpt(this.text, offset), this.at(offset), path);
  }
}

/** `<<` written plainly; a quoted `"<<"` stays an ordinary key, as in YAML 1.1. */
function isMergeKey(key: unknown): key is Node {
  return isScalar(key) && key.value === '<<' && key.type === 'PLAIN';
}

function describeNode(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `the scalar ${JSON.stringify(node.value)}`;
  if (isMap(node)) return 'a mapping';
  return 'no value';
}

function isNode(value: unknown): value is Node {
  return isAlias(value) || isScalar(value) || isSeq(value) || isMap(value);
}

/** The path of the innermost value whose source range holds `offset`, for syntax errors. */
function pathAt(node: unknown, offset: number, path: string): string {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      const value = pair.value;
      const keyText =
        isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number')
          ? String(key.value)
          : undefined;
      if (keyText === undefined) continue;
      // An error inside a key belongs to the mapping; only one inside a value goes deeper.
      if (!isNode(value) || value.range === undefined || value.range === null) continue;
      if (offset >= value.range[0] && offset <= value.range[2]) return pathAt(value, offset, childPath(path, keyText));
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i += 1) {
      const item = node.items[i];
      if (!isNode(item) || item.range === undefined || item.range === null) continue;
      if (offset >= item.range[0] && offset <= item.range[2]) return pathAt(item, offset, indexPath(path, i));
    }
  }
  return path;
}

function lowerFirst(message: string): string {
  return message.length > 0 ? message[0]?.toLowerCase() + message.slice(1) : message;
}

/** A short, quoted excerpt of the source at `offset` (one line at most), or undefined at the end. */
function excerpt(text: string, offset: number): string | undefined {
  if (offset >= text.length) return undefined;
  const line = text.slice(offset, offset + 40).split(/\r?\n/)[0] ?? '';
  // At a line break the line is empty; name the break rather than show nothing.
  return line === '' ? 'a line break' : `'${line}'`;
}
