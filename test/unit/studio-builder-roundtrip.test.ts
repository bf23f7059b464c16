import { describe, expect, it } from 'vitest';
import { BUILTIN_EXAMPLES } from '../../src/examples/registry.js';
import { normalizeSweepFile, parseSweepFile, type SweepFile } from '../../src/sweep-file/index.js';
import {
  formatLiteral,
  formChanges,
  formChangesText,
  fromRecord,
  literal,
  option,
  seedText,
  seedValue,
  splitList,
  toSweepFileInput,
} from '../../src/studio/builder/form-state.js';
import { generateSpecs } from './sweep-file-generator.js';

// Spec → form → spec is the identity for every spec the parser accepts: the builder shows each
// value as text, and that text must read back as the same value (the generator is the one the
// parser's and the exports' property tests use).

const options = { builtinTrials: BUILTIN_EXAMPLES };
const throughForm = (spec: SweepFile): SweepFile => parseSweepFile(toSweepFileInput(fromRecord(spec)), options).spec;

describe('the builder round-trips every accepted spec exactly', () => {
  it('spec → form → spec is the identity over the generator', () => {
    const specs = generateSpecs(400, 77);
    for (const [i, input] of specs.entries()) {
      const spec = normalizeSweepFile(input, options);
      expect(throughForm(spec), `spec ${i}: ${JSON.stringify(input)}`).toEqual(spec);
      if (i % 20 === 0) expect(formChanges(spec)).toEqual([]);
    }
  });

  it('the cases that changed silently before', () => {
    const base = {
      trial: 'spiral',
      objective: { primary_metric: 'loss', goal: 'minimize' },
      sampling_algorithm: 'random',
    };
    const cases: Record<string, unknown>[] = [
      { ...base, search_space: { x: { type: 'choice', values: ["it's", 'plain'] } } },
      { ...base, search_space: { x: { type: 'choice', values: ['a\\b', 'c\\\\d'] }, k: 'e\\f' } },
      { ...base, search_space: { x: { type: 'choice', values: ['{"units":64}', 'small'] }, k: '{"units":64}' } },
      { ...base, sampling_algorithm: { type: 'random', seed: '42' }, search_space: { x: 1 } },
      { ...base, limits: { timeout: 90.5 }, search_space: { x: 1 } },
      {
        ...base,
        sampling_algorithm: { type: 'bayesian', seed: 5 },
        search_space: { x: { type: 'uniform', min_value: 0, max_value: 1 } },
      },
      { ...base, display_name: 'kept', tags: { a: 1 }, description: 'two\nlines', search_space: { x: -0 } },
    ];
    for (const input of cases) {
      const spec = normalizeSweepFile(input, options);
      expect(throughForm(spec), JSON.stringify(input)).toEqual(spec);
    }
  });

  it('shows values plainly where that reads back, quoted where it would not', () => {
    expect(formatLiteral("it's", true)).toBe("it's");
    expect(formatLiteral('adam', true)).toBe('adam');
    expect(formatLiteral('42', true)).toBe('"42"');
    expect(formatLiteral('a, b', true)).toBe('"a, b"');
    expect(formatLiteral('{"units":64}', true)).toBe('"{\\"units\\":64}"');
    expect(formatLiteral('a\\b', true)).toBe('a\\b');
    expect(formatLiteral('"a\\b"', true)).toBe('"\\"a\\\\b\\""');
    expect(formatLiteral(-0)).toBe('-0');
    expect(splitList(`it's, "a, b", {"k": "x}, y"}, 'q,r'`)).toEqual(["it's", '"a, b"', '{"k": "x}, y"}', "'q,r'"]);
    expect(splitList('"a\\", b", c')).toEqual(['"a\\", b"', 'c']);
    expect(literal('"a\\\\b"')).toBe('a\\b');
    expect(option('"{\\"units\\":64}"')).toBe('{"units":64}');
    expect(seedText('42')).toBe('"42"');
    expect(seedValue('"42"')).toBe('42');
    expect(seedValue(' 42 ')).toBe(42);
    expect(seedValue('class-of-2024')).toBe('class-of-2024');
    expect(seedText('class-of-2024')).toBe('class-of-2024');
  });

  it('a field the form cannot hold is named, not changed silently', () => {
    const spec = normalizeSweepFile(
      {
        trial: 'spiral',
        objective: { primary_metric: 'loss', goal: 'minimize' },
        sampling_algorithm: 'random',
        search_space: { x: 1 },
      },
      options,
    );
    // A field a newer spec version might add, which this form has no input for.
    const future = { ...spec, limits: { ...spec.limits, max_retries: 3 } } as unknown as SweepFile;
    expect(formChanges(future)).toEqual(['limits.max_retries']);
    expect(formChangesText(future)).toContain('cannot hold these values exactly');
    expect(formChangesText(spec)).toBe('');
  });
});
