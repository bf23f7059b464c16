import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/random/index.js';
import {
  type ColumnProfile,
  cellDate,
  cellNumber,
  checkFileSize,
  countDistinct,
  DataError,
  decodeUtf8,
  isMissingCell,
  MAX_DATA_FILE_BYTES,
  parseCsv,
  parseJsonRecords,
  profileTable,
  suggestTask,
} from '../../src/data/index.js';

const fixture = (name: string): string => readFileSync(resolve(import.meta.dirname, '../fixtures/data', name), 'utf8');
const column = (profile: { columns: readonly ColumnProfile[] }, name: string): ColumnProfile => {
  const found = profile.columns.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no column ${name}`);
  return found;
};
function dataError(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv', () => {
  it('reads a BOM, CRLF, semicolons and quoted fields holding delimiters, quotes and newlines', () => {
    const text = '\uFEFFname;note;score\r\n"Ann";"says ""hi""; twice";1,5\r\nBob;"two\r\nlines";2\r\n\r\n';
    const table = parseCsv(text, 'people.csv');
    expect(table.columns).toEqual(['name', 'note', 'score']);
    expect(table.rows).toEqual([
      ['Ann', 'says "hi"; twice', '1,5'],
      ['Bob', 'two\r\nlines', '2'],
    ]);
  });

  it.each([
    ['tab', 'a\tb\n1\t2\n3\t4\n'],
    ['pipe', 'a|b\n1|2\n3|4\n'],
    ['comma', 'a,b\n1,2\n3,4\n'],
  ])('detects a %s delimiter', (_name, text) => {
    expect(parseCsv(text, 'x.csv')).toEqual({
      columns: ['a', 'b'],
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    });
  });

  it('reads a one-column file (no delimiter to detect)', () => {
    expect(parseCsv('y\n1\n2\n', 'y.csv').rows).toEqual([['1'], ['2']]);
  });

  it('reads the penguins CSV as the JSON records it was written from', () => {
    const csv = parseCsv(fixture('penguins.csv'), 'penguins.csv');
    const json = parseJsonRecords(fixture('penguins.json'), 'penguins.json');
    expect(csv.columns).toEqual(json.columns);
    expect(csv.rows.length).toBe(344);
    expect(csv.rows[3]).toEqual(['Adelie', 'Torgersen', '', '', '', '', '']);
    expect(json.rows[3]).toEqual(['Adelie', 'Torgersen', null, null, null, null, null]);
  });

  it('refuses an empty file, a header without rows, ragged rows, duplicate and empty column names', () => {
    expect(dataError(() => parseCsv('', 'e.csv')).message).toBe('e.csv: the file is empty (no header row)');
    expect(dataError(() => parseCsv('\uFEFF \r\n', 'e.csv')).message).toContain('empty');
    expect(dataError(() => parseCsv('a,b\n', 'h.csv')).message).toBe(
      'h.csv: the file has a header row but no data rows',
    );
    const ragged = dataError(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n', 'r.csv'));
    expect(ragged.row).toBe(3);
    expect(ragged.message).toBe(
      'r.csv row 3: has 2 fields but the header has 3 (delimiter ","); every row needs one field per column',
    );
    const duplicate = dataError(() => parseCsv('id,x,id\n1,2,3\n', 'd.csv'));
    expect(duplicate.message).toBe(
      'd.csv row 1, column "id": the column name is used twice (columns 1 and 3); column names must be unique',
    );
    expect(dataError(() => parseCsv('a,,c\n1,2,3\n', 'n.csv')).message).toContain('column 2 has no name');
  });

  it('refuses an unclosed quote, naming the row', () => {
    const error = dataError(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n', 'q.csv'));
    expect(error.message).toMatch(/^q\.csv row \d+: a quoted field is not closed/);
  });
});

describe('parseJsonRecords', () => {
  it('unites the keys of all records in first-seen order; a key a record lacks is missing', () => {
    const table = parseJsonRecords('[{"a":1,"b":"x"},{"c":true,"a":2},{"b":null}]', 'r.json');
    expect(table.columns).toEqual(['a', 'b', 'c']);
    expect(table.rows).toEqual([
      [1, 'x', null],
      [2, null, true],
      [null, null, null],
    ]);
  });

  it('refuses what is not an array of flat records, naming the record', () => {
    expect(dataError(() => parseJsonRecords('{"a":1}', 'o.json')).message).toBe(
      'o.json: must be a JSON array of records ([{"column": value, ...}, ...]); got object',
    );
    expect(dataError(() => parseJsonRecords('[]', 'o.json')).message).toBe('o.json: the array holds no records');
    expect(dataError(() => parseJsonRecords('[{"a":1},7]', 'o.json')).message).toBe(
      'o.json record 2: must be an object of column: value; got 7',
    );
    expect(dataError(() => parseJsonRecords('[{"a":1},{"a":[1]}]', 'o.json')).message).toBe(
      'o.json record 2, column "a": holds a nested array; each value must be a number, string, true/false or null',
    );
    expect(dataError(() => parseJsonRecords('[{"a":1,}]', 'o.json')).message).toMatch(/^o\.json: is not valid JSON: /);
    expect(dataError(() => parseJsonRecords('  ', 'o.json')).message).toBe('o.json: the file is empty');
  });
});

describe('decodeUtf8', () => {
  it('drops a BOM and refuses bytes that are not UTF-8, naming the offset and line', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a]), 'a.csv')).toBe('a\n');
    // "Zürich" in Latin-1: 0xfc is not UTF-8.
    const latin1 = new Uint8Array([0x63, 0x69, 0x74, 0x79, 0x0a, 0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x0a]);
    expect(dataError(() => decodeUtf8(latin1, 'cities.csv')).message).toBe(
      'cities.csv: is not UTF-8 text: byte 0xfc at offset 6 (line 2) is not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel) and pick it again',
    );
  });
});

describe('checkFileSize', () => {
  it('refuses a file over the limit and an empty file by their size alone, stating the limit', () => {
    expect(() => checkFileSize('ok.csv', MAX_DATA_FILE_BYTES)).not.toThrow();
    expect(dataError(() => checkFileSize('huge.csv', MAX_DATA_FILE_BYTES + 1)).message).toBe(
      'huge.csv: the file is 200.0 MiB (209715201 bytes); the limit is 200.0 MiB (209715200 bytes)',
    );
    expect(dataError(() => checkFileSize('huge.csv', 250 * 1024 * 1024)).message).toBe(
      'huge.csv: the file is 250.0 MiB; the limit is 200.0 MiB (209715200 bytes)',
    );
    expect(dataError(() => checkFileSize('e.csv', 0)).message).toBe('e.csv: the file is empty (0 bytes)');
  });
});

describe('cells', () => {
  it('reads missing words, numbers (with thousands commas, not radix prefixes) and dates', () => {
    for (const m of [null, '', '  ', 'NA', 'n/a', 'N/A', 'null', '?', 'NaN']) expect(isMissingCell(m)).toBe(true);
    for (const p of ['0', 'None', '-', 'x', false]) expect(isMissingCell(p)).toBe(false);
    expect(cellNumber(' 12.5 ')).toBe(12.5);
    expect(cellNumber('-1e3')).toBe(-1000);
    expect(cellNumber('1,234,567.5')).toBe(1234567.5);
    expect(cellNumber('1,5')).toBeNull();
    expect(cellNumber('0x1A')).toBeNull();
    expect(cellNumber('Infinity')).toBeNull();
    expect(cellNumber(true)).toBeNull();
    expect(cellDate('1970-01-02')).toBe(1);
    expect(cellDate('1970-01-01T12:00')).toBe(0.5);
    expect(cellDate('1970-01-01T12:00+12:00')).toBe(0);
    expect(cellDate('1970/01/11')).toBe(10);
    expect(cellDate('02/01/1970', 'mdy')).toBe(31);
    expect(cellDate('02/01/1970', 'dmy')).toBe(1);
    expect(cellDate('02.01.1970')).toBe(1);
    expect(cellDate('2023-02-29')).toBeNull();
    expect(cellDate('20230101')).toBeNull();
  });

  it('reads plain decimals by hand exactly as Number() does (property)', () => {
    // cellNumber reads `-12.34`-shaped cells without Number(); it must give the very same double.
    const random = new SeededRandom('simple-decimals');
    const digits = (n: number): string =>
      Array.from({ length: n }, () => String(Math.floor(random.next() * 10))).join('');
    const edge = [
      '0',
      '-0',
      '+7',
      '.5',
      '-.5',
      '1.',
      '007',
      '0.1',
      '0.30000000000000004',
      '9007199254740993',
      '123456789012345.6',
    ];
    const cases = [...edge];
    for (let i = 0; i < 5_000; i += 1) {
      const sign = ['', '-', '+'][Math.floor(random.next() * 3)] as string;
      const whole = digits(Math.floor(random.next() * 9));
      const fraction = random.next() < 0.7 ? `.${digits(1 + Math.floor(random.next() * 9))}` : '';
      if (whole === '' && fraction === '') continue;
      cases.push(`${sign}${whole}${fraction}`);
    }
    for (const text of cases) {
      const got = cellNumber(text);
      expect(Object.is(got, Number(text)), `${text}: ${got} against ${Number(text)}`).toBe(true);
    }
  });
});

describe('countDistinct', () => {
  it('counts the distinct numbers as a Set does, and lists each one by its text when few (property)', () => {
    const random = new SeededRandom('distinct');
    for (let trial = 0; trial < 50; trial += 1) {
      const spread = 1 + Math.floor(random.next() * 40);
      const values = Float64Array.from({ length: 1 + Math.floor(random.next() * 500) }, () =>
        random.next() < 0.05 ? -0 : Math.round((random.next() - 0.5) * spread * 100) / 100,
      );
      const expected = new Map<string, number>();
      for (const v of values) expected.set(String(v), (expected.get(String(v)) ?? 0) + 1);
      const { distinct, counts } = countDistinct(values, 20);
      expect(distinct).toBe(expected.size);
      if (expected.size <= 20) expect(counts).toEqual(expected);
      else expect(counts).toBeNull();
    }
  });
});

describe('profileTable', () => {
  it('profiles the penguins: kinds, missing, class balance, numeric summary, preview', () => {
    const table = parseCsv(fixture('penguins.csv'), 'penguins.csv');
    const profile = profileTable(table, 'penguins.csv');
    expect(profile.rows).toBe(344);
    expect(profile.preview.length).toBe(20);
    expect(profile.columns.map((c) => [c.name, c.kind, c.missing])).toEqual([
      ['Species', 'categorical', 0],
      ['Island', 'categorical', 0],
      ['Beak Length (mm)', 'numeric', 2],
      ['Beak Depth (mm)', 'numeric', 2],
      ['Flipper Length (mm)', 'numeric', 2],
      ['Body Mass (g)', 'numeric', 2],
      ['Sex', 'categorical', 10],
    ]);
    expect(column(profile, 'Species').categories).toEqual([
      { value: 'Adelie', count: 152 },
      { value: 'Gentoo', count: 124 },
      { value: 'Chinstrap', count: 68 },
    ]);
    const mass = column(profile, 'Body Mass (g)').numeric;
    expect(mass?.min).toBe(2700);
    expect(mass?.max).toBe(6300);
    expect(mass?.histogram.counts.reduce((a, b) => a + b, 0)).toBe(342);
    expect(mass?.histogram.edges.length).toBe(21);
    expect(mass?.mean).toBeCloseTo(4201.754, 3);
    expect(suggestTask(column(profile, 'Species'))).toBe('classification');
    expect(suggestTask(column(profile, 'Body Mass (g)'))).toBe('regression');
    // The JSON copy of the same records profiles the same.
    const json = profileTable(parseJsonRecords(fixture('penguins.json'), 'penguins.json'), 'penguins.json', 'record');
    expect(json.columns.map((c) => [c.kind, c.missing, c.distinct])).toEqual(
      profile.columns.map((c) => [c.kind, c.missing, c.distinct]),
    );
  });

  it('profiles the cars: text names, a date column, a regression target with missing values', () => {
    const profile = profileTable(parseJsonRecords(fixture('cars.json'), 'cars.json'), 'cars.json', 'record');
    expect(column(profile, 'Name').kind).toBe('text');
    expect(column(profile, 'Year').kind).toBe('date');
    expect(column(profile, 'Year').numeric?.min).toBe(0);
    expect(column(profile, 'Origin').kind).toBe('categorical');
    const mpg = column(profile, 'Miles_per_Gallon');
    expect([mpg.kind, mpg.missing]).toEqual(['numeric', 8]);
    expect(suggestTask(mpg)).toBe('regression');
    expect(suggestTask(column(profile, 'Cylinders'))).toBe('classification');
  });

  it('calls a column empty when nothing is present, and keeps the histogram of a constant column', () => {
    const profile = profileTable(
      {
        columns: ['e', 'k'],
        rows: [
          ['', 3],
          ['NA', 3],
        ],
      },
      'c.csv',
    );
    expect(profile.columns[0]?.kind).toBe('empty');
    expect(profile.columns[1]?.numeric?.histogram).toEqual({ edges: [2.5, 3.5], counts: [2] });
  });

  it('refuses a mostly numeric column with stray text, naming the rows', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [
      String(i),
      i === 16 ? 'n/a x' : i === 30 ? 'twelve' : String(i * 2),
    ]);
    const error = dataError(() => profileTable({ columns: ['id', 'Body Mass (g)'], rows }, 'penguins.csv'));
    expect(error.message).toBe(
      'penguins.csv row 18, column "Body Mass (g)": "n/a x" is not a number in a numeric column (2 of 40 values are text; rows 18, 32); correct them, or leave the cells empty (or write NA) to mark them missing',
    );
    expect([error.row, error.column]).toEqual([18, 'Body Mass (g)']);
    const records = dataError(() =>
      profileTable({ columns: ['v'], rows: rows.map((r) => [r[1] ?? null]) }, 'v.json', 'record'),
    );
    expect(records.message).toMatch(/^v\.json record 17, column "v": "n\/a x" is not a number/);
  });
});
