import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DIGITS_FEATURES,
  DIGITS_SAMPLES,
  parseDigitsCsv,
  selectDigits,
  splitDigits,
  takeDigits,
} from '../../src/datasets/digits.js';

const csv = readFileSync(resolve(import.meta.dirname, '../../public/datasets/digits.csv'), 'utf8');

describe('the shipped digits CSV', () => {
  const set = parseDigitsCsv(csv);

  it('parses to 1797 samples of 64 pixels scaled to [0, 1], with every label 0..9', () => {
    expect(set.size).toBe(DIGITS_SAMPLES);
    expect(set.features.length).toBe(DIGITS_SAMPLES * DIGITS_FEATURES);
    expect(set.labels.length).toBe(DIGITS_SAMPLES);
    expect(Math.min(...set.features)).toBe(0);
    expect(Math.max(...set.features)).toBe(1);
    expect([...new Set(set.labels)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps each row as written: the first row is a 0 whose pixels are value / 16', () => {
    const firstLine = csv.split('\n')[0] ?? '';
    const cells = firstLine.split(',').map(Number);
    expect(set.labels[0]).toBe(cells[64]);
    expect(Array.from(set.features.subarray(0, 64))).toEqual(cells.slice(0, 64).map((v) => Math.fround(v / 16)));
  });

  it('splits 80/20, stratified, disjoint and covering every row', () => {
    const { train, validation } = splitDigits(set);
    expect(train.size + validation.size).toBe(DIGITS_SAMPLES);
    expect(validation.size).toBeGreaterThanOrEqual(355);
    expect(validation.size).toBeLessThanOrEqual(365);
    const counts = (labels: Int32Array): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const l of labels) c[l] = (c[l] ?? 0) + 1;
      return c;
    };
    const all = counts(set.labels);
    for (const [label, n] of counts(validation.labels).entries())
      expect(Math.abs(n - (all[label] ?? 0) * 0.2)).toBeLessThanOrEqual(0.5);
    // Every row lands in exactly one part: compare row fingerprints as multisets.
    const rows = (s: { features: Float32Array; labels: Int32Array; size: number }): string[] =>
      Array.from(
        { length: s.size },
        (_, i) => `${Array.from(s.features.subarray(i * 64, i * 64 + 64)).join(',')}|${s.labels[i]}`,
      );
    expect([...rows(train), ...rows(validation)].sort()).toEqual(rows(set).sort());
  });

  it('splits deterministically for a seed, and differently for another seed', () => {
    const a = splitDigits(set);
    const b = splitDigits(parseDigitsCsv(csv));
    expect(Array.from(a.validation.labels)).toEqual(Array.from(b.validation.labels));
    expect(a.train.features).toEqual(b.train.features);
    const c = splitDigits(set, 0.2, 'another seed');
    expect(Array.from(c.validation.labels)).not.toEqual(Array.from(a.validation.labels));
  });

  it('interleaves classes so a small training prefix still holds every digit', () => {
    const prefix = takeDigits(splitDigits(set).train, 100);
    expect(prefix.size).toBe(100);
    expect(new Set(prefix.labels).size).toBe(10);
  });
});

describe('parseDigitsCsv rejects malformed rows with the line number', () => {
  const row = (pixels: number[], label: number | string): string => [...pixels, label].join(',');
  const zeros = new Array<number>(64).fill(0);

  it('accepts blank lines and CRLF endings', () => {
    const set = parseDigitsCsv(
      `${row(zeros, 3)}\r\n\r\n${row(
        zeros.map(() => 16),
        9,
      )}\n`,
    );
    expect(set.size).toBe(2);
    expect(Array.from(set.labels)).toEqual([3, 9]);
    expect(set.features[64]).toBe(1);
  });

  it('a row with the wrong number of values', () => {
    expect(() => parseDigitsCsv(`${row(zeros, 1)}\n${row(zeros.slice(1), 1)}`)).toThrow(
      /line 2: expected 65 values, got 64/,
    );
  });

  it('a pixel out of range or not an integer', () => {
    expect(() => parseDigitsCsv(row([17, ...zeros.slice(1)], 1))).toThrow(
      /line 1: pixel 0 must be an integer 0\.\.16 \(got "17"\)/,
    );
    expect(() => parseDigitsCsv(row([0.5, ...zeros.slice(1)], 1))).toThrow(/pixel 0 must be an integer/);
  });

  it('a label out of range', () => {
    expect(() => parseDigitsCsv(row(zeros, 10))).toThrow(/line 1: label must be an integer 0\.\.9 \(got "10"\)/);
    expect(() => parseDigitsCsv(row(zeros, 'x'))).toThrow(/label must be an integer/);
  });

  it('selectDigits refuses rows that do not exist', () => {
    expect(() => selectDigits(parseDigitsCsv(row(zeros, 1)), [1])).toThrow(/row 1 is out of range/);
  });

  it('splitDigits refuses a fraction outside (0, 1)', () => {
    expect(() => splitDigits(parseDigitsCsv(row(zeros, 1)), 1)).toThrow(/between 0 and 1/);
  });
});
