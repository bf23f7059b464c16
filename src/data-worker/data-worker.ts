import * as Comlink from 'comlink';
import {
  analyseTable,
  checkFileSize,
  contentId,
  DataError,
  fitPreparation,
  folderContentId,
  formatBytes,
  type ImagePreparationSpec,
  MAX_DATA_FILE_BYTES,
  MAX_IMAGE_FILES,
  type PreparationSpec,
  type PreparedData,
  type RawTable,
  type RowUnit,
  type TableAnalysis,
  validateImageFolder,
} from '../data/index.js';
import type { DataWorkerApi, ImageFile, ImageInspection, TableInspection, TableSource, WorkerResult } from './api.js';
import { checkImagesDecode, prepareImageFolder } from './images.js';
import { readTable } from './read-file.js';

// The data worker: reading, parsing, profiling, hashing, preparing and decoding happen here,
// so a 100,000-row file never blocks the page's thread. The page alone stores datasets
// (src/browser/datasets/dataset-store.ts); this worker only computes.

interface Parsed {
  readonly name: string;
  readonly table: RawTable;
  readonly unit: RowUnit;
  readonly analysis: TableAnalysis;
}

/**
 * The tables parsed last, by id: inspecting then preparing (the usual sequence) parses once. Two
 * are kept (a sweep's table and the one being looked at); a parsed table takes several times
 * its file's size.
 */
const CACHE_SIZE = 2;
const cache = new Map<string, Parsed>();

function remember(id: string, parsed: Parsed): void {
  cache.delete(id);
  cache.set(id, parsed);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

/**
 * Runs one call, answering its value or its error as data. `transfers` names the buffers to move
 * rather than copy: Comlink looks its transfer list up by the object a call returns, so it must
 * be given for this wrapper, not for the value inside it (marked on the value, the arrays were
 * copied and the page's thread spent a long task deserialising them).
 */
async function guard<T>(
  work: () => Promise<T>,
  transfers: (value: T) => readonly Transferable[] = () => [],
): Promise<WorkerResult<T>> {
  try {
    const value = await work();
    const result: WorkerResult<T> = { ok: true, value };
    const moved = transfers(value);
    return moved.length === 0 ? result : Comlink.transfer(result, [...moved]);
  } catch (error) {
    if (error instanceof DataError) {
      return {
        ok: false,
        error: {
          name: 'DataError',
          file: error.file,
          row: error.row,
          unit: error.unit,
          column: error.column,
          rule: error.rule,
        },
      };
    }
    const name = error instanceof Error ? error.name : 'Error';
    return { ok: false, error: { name, message: error instanceof Error ? error.message : String(error) } };
  }
}

async function readBytes(file: Blob, name: string): Promise<Uint8Array<ArrayBuffer>> {
  // By its size alone, before reading: a 2 GB file is refused at once.
  checkFileSize(name, file.size);
  return new Uint8Array(await file.arrayBuffer());
}

async function parse(file: Blob, name: string): Promise<{ id: string; parsed: Parsed; format: 'csv' | 'json' }> {
  const bytes = await readBytes(file, name);
  const id = await contentId(bytes);
  const { table, format, unit } = readTable(bytes, name);
  const parsed: Parsed = { name, table, unit, analysis: analyseTable(table, name, unit) };
  remember(id, parsed);
  return { id, parsed, format };
}

/** The prepared arrays' buffers, each once (a buffer listed twice makes postMessage throw). */
function preparedBuffers(data: PreparedData): Transferable[] {
  return [...new Set([data.xTrain.buffer, data.yTrain.buffer, data.xValidation.buffer, data.yValidation.buffer])];
}

async function readFolder(files: readonly ImageFile[], folder: string) {
  if (files.length > MAX_IMAGE_FILES) {
    throw new DataError({ file: folder }, `holds ${files.length} files; the limit is ${MAX_IMAGE_FILES}`);
  }
  let total = 0;
  for (const f of files) total += f.file.size;
  if (total > MAX_DATA_FILE_BYTES) {
    throw new DataError(
      { file: folder },
      `holds ${formatBytes(total)} of files; the limit is ${formatBytes(MAX_DATA_FILE_BYTES)} (${MAX_DATA_FILE_BYTES} bytes)`,
    );
  }
  const heads = await Promise.all(
    files.map(async (f) => ({ path: f.path, head: new Uint8Array(await f.file.slice(0, 16).arrayBuffer()) })),
  );
  const manifest = validateImageFolder(heads, folder);
  const blobs = new Map(files.map((f) => [f.path, f.file]));
  return { manifest, blobs };
}

const api: DataWorkerApi = {
  inspectTable: (file, name) =>
    guard(async (): Promise<TableInspection> => {
      const { id, parsed, format } = await parse(file, name);
      return { kind: 'table', id, name, format, bytes: file.size, unit: parsed.unit, profile: parsed.analysis.profile };
    }),

  prepareTable: (source: TableSource, spec: PreparationSpec) =>
    guard(async () => {
      let parsed = source.kind === 'cached' ? cache.get(source.id) : undefined;
      if (parsed === undefined) {
        if (source.kind === 'cached')
          throw new Error(`the data worker no longer holds table ${source.id}; send the file`);
        parsed = (await parse(source.file, source.name)).parsed;
      }
      const { data } = fitPreparation(parsed.table, spec, {
        file: parsed.name,
        unit: parsed.unit,
        analysis: parsed.analysis,
      });
      return data;
    }, preparedBuffers),

  inspectImages: (files, folder) =>
    guard(async (): Promise<ImageInspection> => {
      const { manifest, blobs } = await readFolder(files, folder);
      await checkImagesDecode(manifest, blobs);
      const inFolder = (path: string): string => (manifest.root === '' ? path : path.slice(manifest.root.length + 1));
      const kept = new Set(manifest.files.map((f) => f.path));
      const id = await folderContentId(
        await Promise.all(
          files
            .filter((f) => kept.has(f.path))
            .map(async (f) => ({ path: inFolder(f.path), bytes: new Uint8Array(await f.file.arrayBuffer()) })),
        ),
      );
      const counts = manifest.classes.map((name) => ({ name, count: 0 }));
      for (const f of manifest.files) (counts[f.label] as { count: number }).count += 1;
      let bytes = 0;
      for (const f of files) if (kept.has(f.path)) bytes += f.file.size;
      return {
        kind: 'images',
        id,
        name: folder,
        format: 'images',
        bytes,
        classes: counts,
        files: manifest.files.map((f) => f.path),
        skipped: manifest.skipped,
      };
    }),

  prepareImages: (files, folder, spec: ImagePreparationSpec) =>
    guard(async () => {
      const { manifest, blobs } = await readFolder(files, folder);
      return prepareImageFolder(manifest, blobs, spec);
    }, preparedBuffers),
};

Comlink.expose(api);
