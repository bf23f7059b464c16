import { describe, expect, it } from 'vitest';
import type { ColumnProfile, TableProfile } from '../../src/studio/engine.js';
import { pickedFromInput, pickedName } from '../../src/studio/data/picked-data.js';
import { emptyShare, experimentStem, formatBytes, suggestTarget } from '../../src/studio/data/suggest.js';

function column(name: string, kind: ColumnProfile['kind'], missing = 0): ColumnProfile {
  return { name, kind, missing, distinct: 3 };
}

function table(columns: ColumnProfile[]): TableProfile {
  return { rows: 100, columns, preview: [] };
}

describe('the Data step suggests a target', () => {
  it('prefers a column named like a target, whatever its case and separators', () => {
    const profile = table([
      column('Species', 'categorical'),
      column('Island', 'categorical'),
      column('Mass', 'numeric'),
    ]);
    expect(suggestTarget(profile)?.name).toBe('Species');
    expect(suggestTarget(table([column('LABEL', 'numeric'), column('z', 'categorical')]))?.name).toBe('LABEL');
    expect(suggestTarget(table([column('is_label', 'numeric'), column('la bel', 'categorical')]))?.name).toBe('la bel');
  });

  it('else the last learnable column, never a text, date or empty one', () => {
    const profile = table([
      column('Horsepower', 'numeric'),
      column('Miles_per_Gallon', 'numeric'),
      column('Name', 'text'),
      column('Year', 'date'),
      column('blank', 'empty'),
    ]);
    expect(suggestTarget(profile)?.name).toBe('Miles_per_Gallon');
    expect(suggestTarget(table([column('Name', 'text')]))).toBeUndefined();
  });
});

describe('figures as a person reads them', () => {
  it('empty share', () => {
    expect(emptyShare(column('a', 'numeric', 0), 344)).toBe('0 %');
    expect(emptyShare(column('a', 'numeric', 2), 344)).toBe('<1 %');
    expect(emptyShare(column('a', 'numeric', 11), 344)).toBe('3 %');
    expect(emptyShare(column('a', 'numeric', 344), 344)).toBe('100 %');
  });

  it('bytes', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(200_000_000)).toBe('200.0 MB');
    expect(formatBytes(2_500_000_000)).toBe('2.50 GB');
  });

  it('an experiment name from a file name', () => {
    expect(experimentStem('penguins.csv')).toBe('penguins');
    expect(experimentStem('Penguins (2).csv')).toBe('penguins-2');
    expect(experimentStem('2024 sales.tsv')).toBe('data-2024-sales');
    expect(experimentStem('....json')).toBe('my-data');
    expect(experimentStem('flowers')).toBe('flowers');
  });
});

describe('what was picked', () => {
  it('a file, or a folder with paths below it', () => {
    const csv = new File(['a,b\n1,2\n'], 'small.csv');
    const one = pickedFromInput([csv], false);
    expect(one).toEqual({ kind: 'file', file: csv });
    expect(one === null ? '' : pickedName(one)).toBe('small.csv');
    const cat = new File(['x'], 'c1.png');
    const dog = new File(['y'], 'd1.png');
    Object.defineProperty(cat, 'webkitRelativePath', { value: 'pets/cat/c1.png' });
    Object.defineProperty(dog, 'webkitRelativePath', { value: 'pets/dog/d1.png' });
    const folder = pickedFromInput([cat, dog], true);
    expect(folder?.kind).toBe('folder');
    if (folder?.kind !== 'folder') return;
    expect(folder.name).toBe('pets');
    expect(folder.files.map((f) => f.path)).toEqual(['cat/c1.png', 'dog/d1.png']);
    expect(pickedFromInput([], false)).toBeNull();
  });
});
