import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  contentId,
  DataError,
  encodeRecord,
  type FittedPreparation,
  fitPreparation,
  folderContentId,
  imageType,
  parseCsv,
  parseImagePreparationSpec,
  parseJsonRecords,
  parsePreparationSpec,
  preparationSpec,
  type RawTable,
  splitRows,
  validateImageFolder,
} from '../../src/data/index.js';
import { SeededRandom } from '../../src/random/index.js';

const fixture = (name: string): string => readFileSync(resolve(import.meta.dirname, '../fixtures/data', name), 'utf8');
const penguins = (): RawTable => parseCsv(fixture('penguins.csv'), 'penguins.csv');
const cars = (): RawTable => parseJsonRecords(fixture('cars.json'), 'cars.json');
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an error');
}

describe('splitRows', () => {
  it('is a seeded partition; stratified, each class gives round(fraction × its rows) to validation', () => {
    const random = new SeededRandom('split-property');
    for (let trial = 0; trial < 50; trial += 1) {
      const count = 1 + Math.floor(random.next() * 300);
      const classes = 1 + Math.floor(random.next() * 6);
      const labels = Array.from({ length: count }, () => Math.floor(random.next() * classes));
      const fraction = 0.05 + random.next() * 0.45;
      const seed = Math.floor(random.next() * 1000);
      const split = splitRows(count, fraction, seed, labels);
      const all = [...split.train, ...split.validation].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
      for (let c = 0; c < classes; c += 1) {
        const rows = labels.filter((l) => l === c).length;
        expect(Array.from(split.validation).filter((i) => labels[i] === c).length).toBe(Math.round(rows * fraction));
      }
      expect(splitRows(count, fraction, seed, labels)).toEqual(split);
    }
    const a = splitRows(100, 0.2, 1, null);
    expect(a.validation.length).toBe(20);
    expect(splitRows(100, 0.2, 2, null).validation).not.toEqual(a.validation);
  });
});

describe('fitPreparation', () => {
  it('standardises with the training split only, and encodes each kind (known answers)', () => {
    const table: RawTable = {
      columns: ['x', 'colour', 'day', 'note', 'y'],
      rows: Array.from({ length: 10 }, (_, i) => [
        String(i * 10),
        i % 3 === 0 ? 'red' : 'blue',
        `1970-01-${String(i + 1).padStart(2, '0')}`,
        `free text ${i}`,
        String(i * 2 + 1),
      ]),
    };
    const spec = preparationSpec('y', 'regression', { validationFraction: 0.2, seed: 7 });
    const { fitted, data } = fitPreparation(table, spec, { file: 't.csv' });
    const split = splitRows(10, 0.2, 7, null);
    const trainX = Array.from(split.train, (i) => i * 10);
    const mean = trainX.reduce((a, b) => a + b, 0) / trainX.length;
    const std = Math.sqrt(trainX.reduce((a, b) => a + (b - mean) ** 2, 0) / trainX.length);
    expect(fitted.features[0]).toEqual({ kind: 'numeric', column: 'x', mean, std });
    expect(mean).not.toBe(45); // the mean of all ten rows: validation rows must not leak into it
    expect(fitted.features[1]).toEqual({
      kind: 'one-hot',
      column: 'colour',
      categories: ['blue', 'red'],
      fill: expect.any(String),
    });
    expect(fitted.features[2]).toMatchObject({ kind: 'date', column: 'day', order: 'mdy' });
    expect(fitted.ignored).toEqual([{ column: 'note', reason: 'free text (10 distinct values): not encoded' }]);
    expect(fitted.inputSize).toBe(4);
    expect(data.inputShape).toEqual([4]);
    expect(fitted.rows).toEqual({ train: 8, validation: 2 });
    // Row-major: the first training row is row split.train[0].
    const r = split.train[0] as number;
    expect(data.xTrain[0]).toBeCloseTo((r * 10 - mean) / std, 5);
    expect(Array.from(data.xTrain.subarray(1, 3))).toEqual(r % 3 === 0 ? [0, 1] : [1, 0]);
    // y: standardised with the training rows' numbers, kept to undo it.
    const ys = Array.from(split.train, (i) => i * 2 + 1);
    const yMean = ys.reduce((a, b) => a + b, 0) / ys.length;
    expect(fitted.target?.mean).toBeCloseTo(yMean, 10);
    expect((data.yTrain[0] as number) * (fitted.target?.std ?? 0) + yMean).toBeCloseTo(r * 2 + 1, 4);
  });

  it('prepares the penguins for classification: stratified split, imputation reported, classes in order', () => {
    const spec = parsePreparationSpec({ target: 'Species', task: 'classification', seed: 3 });
    const { fitted, data } = fitPreparation(penguins(), spec, { file: 'penguins.csv' });
    expect(fitted.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(fitted.rows).toEqual({ train: 275, validation: 69 });
    const counts = [0, 0, 0];
    for (const y of data.yValidation) counts[y] = (counts[y] as number) + 1;
    expect(counts).toEqual([30, 14, 25]); // round(0.2 × 152, 68, 124)
    expect(fitted.missingReport.droppedRows).toBe(0);
    expect(fitted.missingReport.imputed.map((i) => [i.column, i.count])).toEqual([
      ['Beak Length (mm)', 2],
      ['Beak Depth (mm)', 2],
      ['Flipper Length (mm)', 2],
      ['Body Mass (g)', 2],
      ['Sex', 10],
    ]);
    // Island one-hot (3) + 4 numbers + Sex one-hot (".", FEMALE, MALE).
    expect(fitted.inputSize).toBe(3 + 4 + 3);
    expect(fitted.features.find((f) => f.column === 'Sex')).toMatchObject({ categories: ['.', 'FEMALE', 'MALE'] });
    expect(data.xTrain.length).toBe(275 * 10);
    expect(data.xTrain.every(Number.isFinite)).toBe(true);
    // JSON-serialisable: what is exported as preparation.json reads back equal.
    expect(JSON.parse(JSON.stringify(fitted))).toEqual(fitted);
    // The same spec gives the same arrays; another seed another split.
    const again = fitPreparation(penguins(), spec).data;
    expect(again.xTrain).toEqual(data.xTrain);
    expect(again.yValidation).toEqual(data.yValidation);
    expect(fitPreparation(penguins(), { ...spec, seed: 4 }).data.xValidation).not.toEqual(data.xValidation);
  });

  it('drops rows with missing values when asked, and says how many', () => {
    const spec = preparationSpec('Species', 'classification', { missing: 'drop-rows', categorical: 'index' });
    const { fitted, data } = fitPreparation(penguins(), spec);
    expect(fitted.missingReport).toEqual({ droppedRows: 10, imputed: [] });
    expect(fitted.rows.train + fitted.rows.validation).toBe(334);
    expect(fitted.inputSize).toBe(1 + 4 + 1);
    expect(data.xTrain.every(Number.isFinite)).toBe(true);
  });

  it('encodes a record exactly as its training row', () => {
    const table = penguins();
    for (const categorical of ['one-hot', 'index'] as const) {
      const spec = preparationSpec('Species', 'classification', { categorical, seed: 11 });
      const { fitted, data } = fitPreparation(table, spec);
      // With impute every row is kept: the split is splitRows over the class indices.
      const labels = table.rows.map((row) => (fitted.classes ?? []).indexOf(String(row[0])));
      const split = splitRows(table.rows.length, 0.2, 11, labels);
      for (const i of [0, 5, 100, fitted.rows.train - 1]) {
        const row = table.rows[split.train[i] as number] ?? [];
        const record = Object.fromEntries(table.columns.map((c, k) => [c, row[k] ?? null]));
        const expected = data.xTrain.subarray(i * fitted.inputSize, (i + 1) * fitted.inputSize);
        expect(Array.from(encodeRecord(fitted, record))).toEqual(Array.from(expected));
        expect(data.yTrain[i]).toBe(labels[split.train[i] as number]);
      }
    }
  });

  it('fills a missing record cell as training did, and encodes unseen categories as nothing / the extra index', () => {
    const { fitted } = fitPreparation(
      penguins(),
      preparationSpec('Species', 'classification', { categorical: 'index' }),
    );
    const island = fitted.features.find((f) => f.column === 'Island');
    const x = encodeRecord(fitted, { Island: 'Atlantis', 'Beak Length (mm)': null, Sex: '' });
    expect(x[0]).toBe(3); // three islands seen: index 3 is "never seen"
    expect(x[1]).toBe(0); // missing number: the training mean, 0 once standardised
    expect(island).toMatchObject({ categories: ['Biscoe', 'Dream', 'Torgersen'] });
    const sex = fitted.features.find((f) => f.column === 'Sex');
    expect(sex?.kind === 'index' && x[5] === sex.categories.indexOf(sex.fill)).toBe(true);
    expect(thrown(() => encodeRecord(fitted, { 'Body Mass (g)': 'heavy' })).message).toBe(
      'the record, column "Body Mass (g)": "heavy" is not a number',
    );
    const strict = fitPreparation(
      penguins(),
      preparationSpec('Species', 'classification', { missing: 'drop-rows' }),
    ).fitted;
    expect(thrown(() => encodeRecord(strict, {})).message).toMatch(/^the record, column "Island": is missing/);
  });

  it('prepares the cars for regression: text left out, the date standardised, the target scaled with its numbers kept', () => {
    const spec = preparationSpec('Miles_per_Gallon', 'regression', { seed: 1 });
    const { fitted, data } = fitPreparation(cars(), spec, { file: 'cars.json', unit: 'record' });
    expect(fitted.missingReport.droppedRows).toBe(8);
    expect(fitted.ignored.map((i) => i.column)).toEqual(['Name']);
    expect(fitted.features.map((f) => `${f.column}:${f.kind}`)).toEqual([
      'Cylinders:numeric',
      'Displacement:numeric',
      'Horsepower:numeric',
      'Weight_in_lbs:numeric',
      'Acceleration:numeric',
      'Year:date',
      'Origin:one-hot',
    ]);
    expect(fitted.target?.mean).toBeGreaterThan(20);
    expect(fitted.target?.mean).toBeLessThan(26);
    const mean = Array.from(data.yTrain).reduce((a, b) => a + b, 0) / data.yTrain.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(data.classes).toBeNull();
  });

  it('refuses a bad target or column list, naming the column and the rule', () => {
    const table = penguins();
    expect(
      thrown(() => fitPreparation(table, preparationSpec('species', 'classification'), { file: 'p.csv' })).message,
    ).toBe(
      'p.csv, column "species": there is no such column (target); the columns are "Species", "Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex"',
    );
    expect(
      thrown(() =>
        fitPreparation(table, preparationSpec('Species', 'classification', { drop: ['Isle'] }), { file: 'p.csv' }),
      ).message,
    ).toMatch(/^p\.csv, column "Isle": there is no such column \(drop\)/);
    expect(
      thrown(() => fitPreparation(table, preparationSpec('Species', 'regression'), { file: 'p.csv' })).message,
    ).toBe(
      'p.csv, column "Species": the target is categorical; regression needs a numeric target (choose classification, or another column)',
    );
    const one: RawTable = {
      columns: ['x', 'y'],
      rows: [
        ['1', 'a'],
        ['2', 'a'],
        ['3', ''],
      ],
    };
    const error = thrown(() => fitPreparation(one, preparationSpec('y', 'classification'), { file: 'one.csv' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('one.csv, column "y": the target has one class ("a"); classification needs at least 2');
    const many: RawTable = {
      columns: ['x', 'id'],
      rows: Array.from({ length: 2002 }, (_, i) => [String(i), `c${i % 1001}`]),
    };
    expect(thrown(() => fitPreparation(many, preparationSpec('id', 'classification'), { file: 'm.csv' })).message).toBe(
      'm.csv, column "id": the target has 1001 classes; the limit is 1000',
    );
    const tiny: RawTable = {
      columns: ['x', 'y'],
      rows: [
        ['1', 'a'],
        ['2', 'b'],
      ],
    };
    expect(
      thrown(() => fitPreparation(tiny, preparationSpec('y', 'classification'), { file: 't.csv' })).message,
    ).toMatch(/^t\.csv: only 2 rows have a target value: too few for a training and a validation split/);
  });
});

describe('parsePreparationSpec', () => {
  it('fills the defaults and names the field it refuses', () => {
    expect(parsePreparationSpec({ target: 'y', task: 'regression' })).toEqual({
      target: 'y',
      task: 'regression',
      drop: [],
      missing: 'impute',
      categorical: 'one-hot',
      validationFraction: 0.2,
      seed: 0,
    });
    const cases: [unknown, string][] = [
      [{ task: 'regression' }, 'data.target: must be a column name (a non-empty string) (got undefined)'],
      [
        { target: 'y', task: 'clustering' },
        'data.task: must be one of "classification", "regression" (got "clustering")',
      ],
      [
        { target: 'y', task: 'regression', validationFraction: 0.7 },
        'data.validationFraction: must be a number in (0, 0.5] (got 0.7)',
      ],
      [
        { target: 'y', task: 'regression', drop: ['a', 3] },
        'data.drop[1]: must be a column name (a non-empty string) (got 3)',
      ],
      [
        { target: 'y', task: 'regression', missing: 'zero' },
        'data.missing: must be one of "drop-rows", "impute" (got "zero")',
      ],
      [
        { target: 'y', task: 'regression', seed: 1.5 },
        'data.seed: must be an integer between 0 and 4294967295 (got 1.5)',
      ],
    ];
    for (const [raw, message] of cases) {
      const error = thrown(() => parsePreparationSpec(raw, 'data'));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(message);
    }
    expect(thrown(() => parsePreparationSpec({ target: 'y', task: 'regression', targte: 1 }, 'data')).message).toMatch(
      /^data\.targte: is not a known option/,
    );
  });

  it('reads an image spec with its size', () => {
    expect(parseImagePreparationSpec({ kind: 'images' })).toEqual({
      kind: 'images',
      size: [32, 32],
      validationFraction: 0.2,
      seed: 0,
    });
    expect(parseImagePreparationSpec({ kind: 'images', size: [24, 16], seed: 5 }).size).toEqual([24, 16]);
    expect(thrown(() => parseImagePreparationSpec({ kind: 'images', size: [4, 32] })).message).toBe(
      'preparation.size[0]: must be an integer between 8 and 512 (got 4)',
    );
  });
});

describe('image folders', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]);
  const html = new TextEncoder().encode('<!doctype html>');

  it('reads one class per sub-folder, by signature bytes; hidden files are skipped', () => {
    expect([imageType(png), imageType(jpeg), imageType(html)]).toEqual(['png', 'jpeg', null]);
    const manifest = validateImageFolder(
      [
        { path: 'pets/dog/b.jpg', head: jpeg },
        { path: 'pets/cat/a.png', head: png },
        { path: 'pets/dog/a.png', head: jpeg },
        { path: 'pets/.DS_Store', head: html },
      ],
      'pets',
    );
    expect(manifest).toEqual({
      root: 'pets',
      classes: ['cat', 'dog'],
      files: [
        { path: 'pets/cat/a.png', label: 0, type: 'png' },
        { path: 'pets/dog/a.png', label: 1, type: 'jpeg' },
        { path: 'pets/dog/b.jpg', label: 1, type: 'jpeg' },
      ],
      skipped: ['pets/.DS_Store'],
    });
  });

  it('refuses a file that is not an image, a stray file, one class, and an empty folder, naming the file', () => {
    expect(
      thrown(() =>
        validateImageFolder(
          [
            { path: 'pets/cat/a.png', head: png },
            { path: 'pets/dog/page.png', head: html },
          ],
          'pets',
        ),
      ).message,
    ).toBe(
      'pets/dog/page.png: is not a PNG or JPEG image (its first bytes are 3c 21 64 6f 63 74 79 70); an image folder holds only PNG and JPEG files',
    );
    expect(
      thrown(() =>
        validateImageFolder(
          [
            { path: 'pets/cat/a.png', head: png },
            { path: 'pets/readme.png', head: png },
          ],
          'pets',
        ),
      ).message,
    ).toMatch(/^pets\/readme\.png: is beside the class folders/);
    expect(thrown(() => validateImageFolder([{ path: 'pets/cat/a.png', head: png }], 'pets')).message).toBe(
      'pets: has one class ("cat"); classification needs at least 2 sub-folders of images',
    );
    expect(thrown(() => validateImageFolder([], 'pets')).message).toBe('pets: the folder is empty');
  });
});

describe('content ids', () => {
  it('is the SHA-256 of the bytes; a folder by its paths and file hashes, in any order', async () => {
    expect(await contentId(new TextEncoder().encode('abc'))).toBe(
      'sha256-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const a = { path: 'cat/a.png', bytes: new Uint8Array([1, 2]) };
    const b = { path: 'dog/b.png', bytes: new Uint8Array([3]) };
    expect(await folderContentId([a, b])).toBe(await folderContentId([b, a]));
    expect(await folderContentId([a, b])).not.toBe(await folderContentId([a, { ...b, path: 'cat/b.png' }]));
  });
});

// The fitted preparation's type is what model export writes; keep a compile-time check on its version.
const version: FittedPreparation['version'] = 1;
void version;
