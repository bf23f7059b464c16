import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  JsonTextError,
  MAX_JSON_DEPTH,
  parseLocatedJson,
  parseSweepFileText,
  SweepFileError,
} from '../../src/sweep-file/index.js';

const examplesDir = join(import.meta.dirname, '../../examples');

function errorOf(run: () => unknown): SweepFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SweepFileError);
    expect(error).toBeInstanceOf(ConfigError);
    return error as SweepFileError;
  }
  throw new Error('expected an error');
}

const VALID = `{
  "search_space": {
    "lr": { "type": "uniform", "min_value": 0.01, "max_value": 0.1 }
  },
  "sampling_algorithm": "random",
  "objective": { "primary_metric": "accuracy", "goal": "maximize" },
  "trial": "spiral"
}`;

describe('parseLocatedJson', () => {
  it('reads what JSON.parse reads, for every example and a zoo of values', () => {
    const texts = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFileSync(join(examplesDir, f), 'utf8'));
    texts.push(
      VALID,
      '[1, -0.5, 1e3, 2E-2, -0, 0, true, false, null, "a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude80", [], {}, {"":1}]',
      ' \r\n\t"x" \n',
      '{"a":{"b":[{"c":[[[]]]}]}}',
      '123456789012345678901234567890',
    );
    for (const text of texts) expect(parseLocatedJson(text).value).toEqual(JSON.parse(text));
  });

  it('gives each path a line and column (CRLF and astral characters counted once)', () => {
    const { positions } = parseLocatedJson('{\r\n  "a": [10,\r\n    {"🚀b": 2, "c": 3}]\n}');
    expect(positions.get('')).toEqual({ line: 1, column: 1, offset: 0 });
    expect(positions.get('a')).toMatchObject({ line: 2, column: 3 });
    expect(positions.get('a[0]')).toMatchObject({ line: 2, column: 9 });
    expect(positions.get('a[1]')).toMatchObject({ line: 3, column: 5 });
    expect(positions.get('a[1].🚀b')).toMatchObject({ line: 3, column: 6 });
    expect(positions.get('a[1].c')).toMatchObject({ line: 3, column: 15 });
  });

  it('ignores a byte-order mark', () => {
    expect(parseLocatedJson('\uFEFF{"a": 1}').value).toEqual({ a: 1 });
  });

  it('keeps "__proto__" as a plain data key, as JSON.parse does', () => {
    const value = parseLocatedJson('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('turns out-of-range numbers into Infinity (the spec rules then refuse them by field)', () => {
    expect(parseLocatedJson('[1e400, -1e400]').value).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  const syntaxCases: [string, string, RegExp, number, number, string][] = [
    ['empty text', '', /the text is empty/, 1, 1, ''],
    ['whitespace only', '  \n ', /the text is empty/, 2, 2, ''],
    ['missing comma', '{"a": 1\n "b": 2}', /expected ',' or '}' after the value of "a"/, 2, 2, ''],
    ['trailing comma in an object', '{"a": 1,}', /trailing commas are not allowed/, 1, 9, ''],
    ['trailing comma in an array', '{"a": [1, 2,]}', /trailing commas are not allowed/, 1, 13, 'a'],
    ['a comment', '{\n  // note\n  "a": 1}', /comments are not allowed/, 2, 3, ''],
    ['single quotes', "{'a': 1}", /property names must use double quotes/, 1, 2, ''],
    ['a single-quoted value', '{"a": \'x\'}', /strings must use double quotes/, 1, 7, 'a'],
    ['NaN', '{"a": NaN}', /NaN and Infinity are not JSON numbers/, 1, 7, 'a'],
    ['-Infinity', '{"a": -Infinity}', /NaN and Infinity are not JSON numbers/, 1, 7, 'a'],
    ['Python literals', '{"a": True}', /JSON literals are true, false and null/, 1, 7, 'a'],
    ['unquoted key', '{a: 1}', /expected a property name in double quotes/, 1, 2, ''],
    ['missing colon', '{"a" 1}', /expected ':' after the property name "a"/, 1, 6, 'a'],
    ['a leading zero', '{"a": 012}', /invalid number/, 1, 7, 'a'],
    ['a trailing dot', '{"a": 1.}', /invalid number/, 1, 7, 'a'],
    ['hex', '{"a": 0x1F}', /invalid number/, 1, 7, 'a'],
    ['a plus sign', '{"a": +1}', /expected a value/, 1, 7, 'a'],
    ['unterminated string', '{"a": "abc', /unterminated string/, 1, 7, 'a'],
    ['raw newline in a string', '{"a": "x\ny"}', /control characters .* must be escaped/, 1, 9, 'a'],
    ['bad escape', '{"a": "\\x41"}', /invalid escape sequence/, 1, 8, 'a'],
    ['short unicode escape', '{"a": "\\u12"}', /four hexadecimal digits/, 1, 8, 'a'],
    ['text after the value', '{"a": 1} {"b": 2}', /unexpected text after the end/, 1, 10, ''],
    ['unclosed object', '{"a": 1', /unexpected end of the text: expected ',' or '}'/, 1, 8, ''],
    ['unclosed array', '{"a": [1', /unexpected end of the text: expected ',' or ']'/, 1, 9, 'a'],
    ['missing value', '{"a": }', /expected a value/, 1, 7, 'a'],
    ['nested path', '{"limits": {"timeout": 5,, "x": 1}}', /expected a property name/, 1, 26, 'limits'],
  ];
  it.each(syntaxCases)('syntax error: %s', (_name, text, problem, line, column, path) => {
    let caught: unknown;
    try {
      parseLocatedJson(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonTextError);
    const error = caught as JsonTextError;
    expect(error.problem).toMatch(problem);
    expect(error.position).toMatchObject({ line, column });
    expect(error.path).toBe(path);
  });

  it('refuses duplicate keys (JSON.parse silently keeps the last)', () => {
    const text = '{\n  "limits": {"max_total_trials": 5},\n  "limits": {"max_total_trials": 500}\n}';
    expect(() => JSON.parse(text)).not.toThrow();
    let caught: unknown;
    try {
      parseLocatedJson(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonTextError);
    expect((caught as JsonTextError).problem).toMatch(/the key "limits" appears twice/);
    expect((caught as JsonTextError).position).toMatchObject({ line: 3, column: 3 });
    expect((caught as JsonTextError).path).toBe('limits');
  });

  it('refuses nesting deeper than MAX_JSON_DEPTH instead of overflowing the stack', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 2) + ']'.repeat(MAX_JSON_DEPTH + 2);
    expect(() => parseLocatedJson(deep)).toThrow(/nesting is deeper than 256 levels/);
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(() => parseLocatedJson(ok)).not.toThrow();
    expect(() => parseLocatedJson('['.repeat(100_000))).toThrow(JsonTextError);
  });
});

describe('parseSweepFileText', () => {
  it('parses a valid spec', () => {
    expect(parseSweepFileText(VALID).hyperDriveConfigOptions.primaryMetricName).toBe('accuracy');
  });

  it('reports a syntax error with source, line, column, the path and the text found', () => {
    const text = VALID.replace('"sampling_algorithm": "random",', '"sampling_algorithm": "random"');
    const error = errorOf(() => parseSweepFileText(text, { source: 'specs/a.json' }));
    expect(error.field).toBe('spec');
    expect(error.rule).toBe("must be valid JSON: expected ',' or '}' after the value of \"sampling_algorithm\"");
    expect(error.value).toBe('"objective"');
    expect([error.source, error.line, error.column]).toEqual(['specs/a.json', 6, 3]);
    expect(error.message).toBe(
      'specs/a.json:6:3: spec: must be valid JSON: expected \',\' or \'}\' after the value of "sampling_algorithm" (got "objective")',
    );
  });

  it('names the enclosing path of a syntax error, and the end of the text', () => {
    const error = errorOf(() => parseSweepFileText('{"limits": {"timeout": 60,'));
    expect(error.field).toBe('limits');
    expect(error.message).toBe(
      "line 1, column 27: limits: must be valid JSON: unexpected end of the text: expected a property name or '}' (got the end of the text)",
    );
  });

  it('locates a spec error at its field', () => {
    const text = VALID.replace('"max_value": 0.1', '"max_value": 0.001');
    const error = errorOf(() => parseSweepFileText(text, { source: 'a.json' }));
    expect(error.field).toBe('search_space.lr.min_value');
    expect([error.line, error.column]).toEqual([3, 32]);
    expect(error.message).toBe(
      'a.json:3:32: search_space.lr.min_value: must be less than max_value (0.001) (got 0.01)',
    );
  });

  it('locates a missing field at the object that should hold it', () => {
    const text = VALID.replace('"primary_metric": "accuracy", ', '');
    const error = errorOf(() => parseSweepFileText(text));
    expect(error.field).toBe('objective.primary_metric');
    expect([error.line, error.column]).toEqual([6, 3]);
    expect(error.message).toMatch(/^line 6, column 3: objective\.primary_metric: is required/);
  });

  it('locates a whole-document error at the start', () => {
    const error = errorOf(() => parseSweepFileText('\n\n  [1, 2]', { source: 'x.json' }));
    expect(error.field).toBe('spec');
    expect(error.message).toBe('x.json:3:3: spec: must be a JSON object describing a sweep job (got [1,2])');
  });

  it('refuses an out-of-range number at its field', () => {
    const text = VALID.replace('"trial": "spiral"', '"trial": "spiral",\n  "limits": {"timeout": 1e400}');
    const error = errorOf(() => parseSweepFileText(text));
    expect(error.field).toBe('limits.timeout');
    expect(error.message).toBe(
      'line 8, column 14: limits.timeout: must be a finite number of seconds > 0 (got Infinity)',
    );
  });

  it('refuses duplicate keys with the path', () => {
    const text = VALID.replace('"trial": "spiral"', '"trial": "spiral",\n  "trial": "digits-mlp"');
    const error = errorOf(() => parseSweepFileText(text, { source: 'dup.json' }));
    expect(error.field).toBe('trial');
    expect(error.message).toBe(
      'dup.json:8:3: trial: must be valid JSON: the key "trial" appears twice in the same object; keys must be unique (got "trial")',
    );
  });

  it('refuses a parameter named __proto__ without touching any prototype', () => {
    const text = VALID.replace('"lr":', '"__proto__":');
    const error = errorOf(() => parseSweepFileText(text));
    expect(error.field).toBe('search_space.__proto__');
    expect(error.rule).toBe('must not be __proto__, a name JavaScript reserves');
    expect(({} as Record<string, unknown>)['type']).toBeUndefined();
  });

  it('accepts Bayesian sampling and locates a bad seed of it', () => {
    expect(parseSweepFileText(VALID.replace('"random"', '"bayesian"')).spec.sampling_algorithm).toMatchObject({
      type: 'bayesian',
    });
    const error = errorOf(() => parseSweepFileText(VALID.replace('"random"', '{ "type": "bayesian", "seed": true }')));
    expect(error.field).toBe('sampling_algorithm.seed');
    expect(error.message).toMatch(/^line \d+, column \d+: sampling_algorithm\.seed: must be an integer/);
  });

  it('refuses a non-string', () => {
    expect(() => parseSweepFileText(42 as unknown as string)).toThrow('spec: must be the text of a JSON file (got 42)');
  });
});
