import { describe, expect, it } from 'vitest';
import type { ColumnProfile, TableProfile } from '../../src/studio/engine.js';
import { pickedFromDrop, pickedFromInput, pickedName } from '../../src/studio/data/picked-data.js';
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

/**
 * A dropped folder as Chromium hands it over: FileSystemEntry objects whose directory reader
 * answers in batches and then an empty batch (node has no FileSystemEntry, so these stand in with
 * the same callback shapes).
 */
function directory(name: string, children: readonly FileSystemEntry[], batch = 2): FileSystemDirectoryEntry {
  return {
    isDirectory: true,
    isFile: false,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (done: (entries: FileSystemEntry[]) => void) => {
          const next = children.slice(at, at + batch);
          at += batch;
          queueMicrotask(() => done([...next]));
        },
      };
    },
  } as unknown as FileSystemDirectoryEntry;
}

function fileEntry(file: File): FileSystemFileEntry {
  return {
    isDirectory: false,
    isFile: true,
    name: file.name,
    file: (done: (f: File) => void) => queueMicrotask(() => done(file)),
  } as unknown as FileSystemFileEntry;
}

function dropOf(entries: readonly FileSystemEntry[], files: readonly File[] = []): DataTransfer {
  return {
    items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })),
    files,
  } as unknown as DataTransfer;
}

describe('what was dropped', () => {
  it('a folder is walked through every batch of its reader, class sub-folders and all', async () => {
    const images = ['c1', 'c2', 'c3'].map((n) => new File(['x'], `${n}.png`));
    const dog = new File(['y'], 'd1.png');
    const pets = directory('pets', [directory('cat', images.map(fileEntry)), directory('dog', [fileEntry(dog)])]);
    const picked = await pickedFromDrop(dropOf([pets]));
    expect(picked?.kind).toBe('folder');
    if (picked?.kind !== 'folder') return;
    expect(picked.name).toBe('pets');
    expect(picked.files.map((f) => f.path)).toEqual(['cat/c1.png', 'cat/c2.png', 'cat/c3.png', 'dog/d1.png']);
    expect(picked.files[3]?.file).toBe(dog);
  });

  it('a file is the file; two dropped things are refused, naming how many', async () => {
    const csv = new File(['a,b\n1,2\n'], 'small.csv');
    expect(await pickedFromDrop(dropOf([fileEntry(csv)], [csv]))).toEqual({ kind: 'file', file: csv });
    await expect(pickedFromDrop(dropOf([fileEntry(csv), fileEntry(csv)], [csv, csv]))).rejects.toThrow(
      'Drop one file or one folder (2 items were dropped).',
    );
  });
});
