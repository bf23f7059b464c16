import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';

// The data step's page API in real Chromium: the real data worker (parse, profile, prepare,
// decode off the page's thread), the real dataset store (IndexedDB, OPFS), real files.

const fixture = (name: string): string => readFileSync(resolve(import.meta.dirname, '../fixtures/data', name), 'utf8');

async function open(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/data.html');
  await page.waitForFunction(() => window.dataHarness !== undefined);
}

test('CSV with a BOM, CRLF, quoted newlines and semicolons, and JSON records, parse and prepare in the data worker', async ({
  page,
}) => {
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await open(page);
  const penguins = fixture('penguins.json');
  const outcome = await page.evaluate(async (penguinsJson) => {
    const { DataClient, data } = window.dataHarness;
    const client = new DataClient();
    const csv =
      '\uFEFFname;note;score;kind\r\n"Ann";"line one\r\nline two";1,5;a\r\nBob;"say ""hi""; once";2;b\r\nCy;x;3;a\r\nDee;y;4;b\r\n';
    const table = await client.inspect(new File([csv], 'people.csv'));
    const json = await client.inspect(new File([penguinsJson], 'penguins.json'));
    const prepared = await client.prepare(
      { id: json.id },
      data.preparationSpec('Species', 'classification', { seed: 3 }),
    );
    // Prepared from the file again (as after a reload): the same arrays.
    const again = await client.prepare(
      new File([penguinsJson], 'penguins.json'),
      data.preparationSpec('Species', 'classification', { seed: 3 }),
    );
    client.close();
    return {
      columns: table.profile.columns.map((c) => [c.name, c.kind]),
      preview: table.profile.preview,
      rows: table.profile.rows,
      format: [table.format, json.format],
      id: json.id,
      penguinKinds: json.profile.columns.map((c) => c.kind),
      shape: prepared.inputShape,
      counts: [prepared.xTrain.length, prepared.yTrain.length, prepared.yValidation.length],
      classes: prepared.classes,
      isFloat: prepared.xTrain instanceof Float32Array,
      same: prepared.xTrain.every((v, i) => v === again.xTrain[i]) && prepared.xTrain.length === again.xTrain.length,
    };
  }, penguins);
  expect(workers.some((url) => /data-worker/.test(url))).toBe(true);
  expect(outcome.format).toEqual(['csv', 'json']);
  expect(outcome.rows).toBe(4);
  expect(outcome.columns).toEqual([
    ['name', 'text'],
    ['note', 'text'],
    ['score', 'text'],
    ['kind', 'categorical'],
  ]);
  expect(outcome.preview[0]).toEqual(['Ann', 'line one\r\nline two', '1,5', 'a']);
  expect(outcome.preview[1]).toEqual(['Bob', 'say "hi"; once', '2', 'b']);
  expect(outcome.id).toMatch(/^sha256-[0-9a-f]{64}$/);
  expect(outcome.penguinKinds).toEqual([
    'categorical',
    'categorical',
    'numeric',
    'numeric',
    'numeric',
    'numeric',
    'categorical',
  ]);
  expect(outcome.shape).toEqual([10]);
  expect(outcome.counts).toEqual([275 * 10, 275, 69]);
  expect(outcome.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  expect(outcome.isFloat).toBe(true);
  expect(outcome.same).toBe(true);
});

test('a generated image folder is checked, decoded and resized in the worker; a file that does not decode is named', async ({
  page,
}) => {
  await open(page);
  const outcome = await page.evaluate(async () => {
    const { DataClient } = window.dataHarness;
    const client = new DataClient();
    const image = async (colour: string, width: number, height: number, type: string): Promise<Blob> => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      context.fillStyle = colour;
      context.fillRect(0, 0, width, height);
      return canvas.convertToBlob({ type, quality: 1 });
    };
    const files: { path: string; file: Blob }[] = [];
    for (let i = 0; i < 5; i += 1) {
      files.push({ path: `shapes/red/r${i}.png`, file: await image('#ff0000', 20 + i, 30, 'image/png') });
      files.push({ path: `shapes/blue/b${i}.jpg`, file: await image('#0000ff', 24, 16 + i, 'image/jpeg') });
    }
    files.push({ path: 'shapes/.DS_Store', file: new Blob(['junk']) });
    const inspection = await client.inspectImages(files);
    const prepared = await client.prepareImages(files, {
      kind: 'images',
      size: [8, 6],
      validationFraction: 0.2,
      seed: 1,
    });
    const pixel = (x: Float32Array, n: number): number[] => Array.from(x.subarray(n * 8 * 6 * 3, n * 8 * 6 * 3 + 3));
    const firstTrain = pixel(prepared.xTrain, 0);
    const broken = [
      ...files,
      {
        path: 'shapes/red/cut.png',
        file: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])]),
      },
    ];
    let error = '';
    try {
      await client.inspectImages(broken);
    } catch (caught) {
      error = `${(caught as Error).name}: ${(caught as Error).message}`;
    }
    client.close();
    return {
      name: inspection.name,
      classes: inspection.classes,
      skipped: inspection.skipped,
      shape: prepared.inputShape,
      sizes: [prepared.xTrain.length, prepared.yTrain.length, prepared.yValidation.length],
      labels: Array.from(prepared.yTrain),
      firstTrain,
      preparation: prepared.preparation,
      error,
    };
  });
  expect(outcome.name).toBe('shapes');
  expect(outcome.classes).toEqual([
    { name: 'blue', count: 5 },
    { name: 'red', count: 5 },
  ]);
  expect(outcome.skipped).toEqual(['shapes/.DS_Store']);
  expect(outcome.shape).toEqual([8, 6, 3]);
  expect(outcome.sizes).toEqual([8 * 8 * 6 * 3, 8, 2]);
  // The first training image's first pixel is its class's colour, in [0, 1].
  const expected = outcome.labels[0] === 0 ? [0, 0, 1] : [1, 0, 0];
  for (const [i, v] of outcome.firstTrain.entries()) expect(v).toBeCloseTo(expected[i] as number, 1);
  expect(outcome.preparation).toEqual({
    version: 1,
    kind: 'images',
    size: [8, 6],
    classes: ['blue', 'red'],
    validationFraction: 0.2,
    seed: 1,
  });
  expect(outcome.error).toMatch(/^DataError: shapes\/red\/cut\.png: could not be decoded as a PNG image/);
});

test('the store keeps a dataset across a reload (IndexedDB and OPFS), deduplicates it, and deletes it', async ({
  page,
}) => {
  await open(page);
  const csv = fixture('penguins.csv');
  const workspace = `data-store-${Date.now()}`;
  const stored = await page.evaluate(
    async ({ text, workspace }) => {
      const { DatasetStore } = window.dataHarness;
      const small = await DatasetStore.open(workspace);
      const first = await small.put('penguins.csv', new File([text], 'penguins.csv'));
      const again = await small.put('penguins copy.csv', new File([text], 'penguins copy.csv'));
      small.close();
      // OPFS: every dataset above 0 bytes goes there.
      const large = await DatasetStore.open(`${workspace}-opfs`, { opfsThresholdBytes: 0 });
      const opfs = await large.put(
        'cars.json',
        new File(
          [
            JSON.stringify([
              { a: 1, b: 'x' },
              { a: 2, b: 'y' },
            ]),
          ],
          'cars.json',
        ),
      );
      large.close();
      return { first, again, opfs: opfs.summary };
    },
    { text: csv, workspace },
  );
  expect(stored.first.duplicate).toBe(false);
  expect(stored.again.duplicate).toBe(true);
  expect(stored.again.summary).toEqual(stored.first.summary);
  expect(stored.first.summary).toMatchObject({
    name: 'penguins.csv',
    format: 'csv',
    rows: 344,
    columns: 7,
    where: 'indexeddb',
    bytes: Buffer.byteLength(csv),
  });
  expect(stored.opfs).toMatchObject({ format: 'json', rows: 2, columns: 2, where: 'opfs' });

  await page.reload();
  await page.waitForFunction(() => window.dataHarness !== undefined);
  const reloaded = await page.evaluate(
    async ({ workspace, id, opfsId }) => {
      const { DatasetStore, data } = window.dataHarness;
      const store = await DatasetStore.open(workspace);
      const list = await store.list();
      const dataset = await store.get(id);
      const text = dataset !== null && dataset.format !== 'images' ? await dataset.file.text() : null;
      const other = await DatasetStore.open(`${workspace}-other`);
      const elsewhere = await other.get(id);
      other.close();
      const opfsStore = await DatasetStore.open(`${workspace}-opfs`);
      const opfs = await opfsStore.get(opfsId);
      const opfsText = opfs !== null && opfs.format !== 'images' ? await opfs.file.text() : null;
      // Prepared from the stored bytes, as a sweep after a reload does.
      const client = new window.dataHarness.DataClient();
      const prepared =
        dataset !== null && dataset.format !== 'images'
          ? await client.prepare(dataset.file, data.preparationSpec('Species', 'classification'), dataset.summary.name)
          : null;
      client.close();
      const deleted = await store.delete(id);
      const deletedOpfs = await opfsStore.delete(opfsId);
      const afterDelete = { list: await store.list(), get: await store.get(id), opfs: await opfsStore.get(opfsId) };
      const root = await navigator.storage.getDirectory();
      const top = await root.getDirectoryHandle('overdrive-datasets');
      const folder = await top.getDirectoryHandle(encodeURIComponent(`${workspace}-opfs`));
      const left: string[] = [];
      for await (const key of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) left.push(key);
      store.close();
      opfsStore.close();
      return {
        list: list.map((d) => d.id),
        text,
        elsewhere,
        opfsText,
        trainRows: prepared?.yTrain.length,
        deleted,
        deletedOpfs,
        afterDelete,
        left,
      };
    },
    { workspace, id: stored.first.summary.id, opfsId: stored.opfs.id },
  );
  expect(reloaded.list).toEqual([stored.first.summary.id]);
  expect(reloaded.text).toBe(csv);
  expect(reloaded.elsewhere).toBeNull(); // per workspace
  expect(reloaded.opfsText).toBe(
    JSON.stringify([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]),
  );
  expect(reloaded.trainRows).toBe(275);
  expect([reloaded.deleted, reloaded.deletedOpfs]).toEqual([true, true]);
  expect(reloaded.afterDelete).toEqual({ list: [], get: null, opfs: null });
  expect(reloaded.left).toEqual([]);
});

test('bad files are refused by the real worker with a DataError naming the file, row and column, and nothing is stored', async ({
  page,
}) => {
  await open(page);
  const workspace = `data-bad-${Date.now()}`;
  const outcome = await page.evaluate(async (workspace) => {
    const { DatasetStore } = window.dataHarness;
    const store = await DatasetStore.open(workspace);
    const attempt = async (name: string, file: Blob): Promise<string> => {
      try {
        await store.put(name, file);
        return 'stored';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    const numbers = Array.from({ length: 30 }, (_, i) => `${i},${i === 16 ? 'n/a x' : i * 3}`).join('\n');
    // 201 MiB, made of one 1 MiB part repeated: larger than the limit without this test holding 201 MiB.
    const part = new Uint8Array(1024 * 1024).fill(0x41);
    const huge = new Blob(Array.from({ length: 201 }, () => part));
    const hugeMessage = await attempt('huge.csv', huge);
    const results = {
      empty: await attempt('empty.csv', new Blob([])),
      blank: await attempt('blank.csv', new Blob(['\r\n\r\n'])),
      latin1: await attempt(
        'cities.csv',
        new Blob([new Uint8Array([0x63, 0x69, 0x74, 0x79, 0x0a, 0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x0a])]),
      ),
      ragged: await attempt('ragged.csv', new Blob(['a,b,c\n1,2,3\n4,5\n'])),
      duplicate: await attempt('dup.csv', new Blob(['id;x;id\n1;2;3\n'])),
      stray: await attempt('mass.csv', new Blob([`id,Body Mass (g)\n${numbers}\n`])),
      json: await attempt('bad.json', new Blob(['[{"a": 1}, {"a": [2]}]'])),
      huge: hugeMessage,
      listed: (await store.list()).length,
    };
    store.close();
    return results;
  }, workspace);
  expect(outcome.empty).toBe('DataError: empty.csv: the file is empty (0 bytes)');
  expect(outcome.blank).toBe('DataError: blank.csv: the file is empty (no header row)');
  expect(outcome.latin1).toBe(
    'DataError: cities.csv: is not UTF-8 text: byte 0xfc at offset 6 (line 2) is not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel) and pick it again',
  );
  expect(outcome.ragged).toBe(
    'DataError: ragged.csv row 3: has 2 fields but the header has 3 (delimiter ","); every row needs one field per column',
  );
  expect(outcome.duplicate).toBe(
    'DataError: dup.csv row 1, column "id": the column name is used twice (columns 1 and 3); column names must be unique',
  );
  expect(outcome.stray).toBe(
    'DataError: mass.csv row 18, column "Body Mass (g)": "n/a x" is not a number in a numeric column (1 of 30 values are text); correct them, or leave the cells empty (or write NA) to mark them missing',
  );
  expect(outcome.json).toBe(
    'DataError: bad.json record 2, column "a": holds a nested array; each value must be a number, string, true/false or null',
  );
  expect(outcome.huge).toBe('DataError: huge.csv: the file is 201.0 MiB; the limit is 200.0 MiB (209715200 bytes)');
  expect(outcome.listed).toBe(0);
});
