import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { type DataFormat, formatBytes } from '../../data/index.js';
import { DataClient, type DataInspection, type ImageFile } from './data-client.js';

/** A stored dataset as the Sweeps page lists it. */
export interface DatasetSummary {
  /** `sha256-<hex>` of the bytes (an image folder: of its files' paths and hashes). */
  readonly id: string;
  /** The file or folder name as picked. */
  readonly name: string;
  readonly format: DataFormat;
  readonly bytes: number;
  /** Tables: data rows; image folders: images. */
  readonly rows: number;
  /** Tables: columns; image folders: classes. */
  readonly columns: number;
  /** ISO time of the first store. */
  readonly storedAt: string;
  readonly where: 'indexeddb' | 'opfs';
}

/** A stored dataset with its bytes, as blobs read lazily (a Blob from IndexedDB or OPFS is not loaded until read). */
export type StoredDataset =
  | { readonly format: 'csv' | 'json'; readonly summary: DatasetSummary; readonly file: File }
  | { readonly format: 'images'; readonly summary: DatasetSummary; readonly files: readonly ImageFile[] };

/**
 * Above this size a dataset's bytes go to the origin private file system (OPFS) instead of
 * IndexedDB: OPFS writes a stream to a file and reads it back as a File without a database
 * transaction holding the whole value, and a multi-hundred-megabyte IndexedDB value is where
 * browsers hit their per-value and transaction limits. Below it, IndexedDB keeps the bytes
 * with the record in one transaction (nothing half-written). Summaries are always in IndexedDB.
 */
export const OPFS_THRESHOLD_BYTES = 16 * 1024 * 1024;

export interface DatasetStoreOptions {
  /** The data worker's client; one is started (and closed with the store) when not given. */
  readonly client?: DataClient;
  /** Bytes above which OPFS is used (tests lower it to exercise OPFS with small files). */
  readonly opfsThresholdBytes?: number;
  /** The IndexedDB database's name (tests isolate themselves with another). */
  readonly databaseName?: string;
}

interface DatasetRecord extends DatasetSummary {
  readonly workspace: string;
  /** The stored files' paths, in storage order (a table: its name). */
  readonly paths: readonly string[];
}

interface ContentRecord {
  readonly workspace: string;
  readonly id: string;
  readonly blobs: readonly Blob[];
}

interface DatasetDb extends DBSchema {
  datasets: { key: [string, string]; value: DatasetRecord; indexes: { 'by-workspace': string } };
  contents: { key: [string, string]; value: ContentRecord };
}

export const DATASET_DATABASE = 'overdrive-datasets';
const OPFS_FOLDER = 'overdrive-datasets';

/**
 * Datasets stored in this origin, per workspace, by content hash: a reload, "continue" and a
 * re-run find the bytes again without the person picking the file. `put` validates through the
 * data worker first (parse, profile, image signatures), so bad input stores nothing; a
 * duplicate is the same id and is stored once. The page alone reads and writes it: sandboxed
 * trial workers cannot reach this origin's storage.
 */
export class DatasetStore {
  private constructor(
    readonly workspace: string,
    private readonly db: IDBPDatabase<DatasetDb>,
    private readonly client: DataClient,
    private readonly ownsClient: boolean,
    private readonly threshold: number,
  ) {}

  static async open(workspace: string, options: DatasetStoreOptions = {}): Promise<DatasetStore> {
    if (typeof workspace !== 'string' || workspace.trim() === '') {
      throw new Error(`DatasetStore.open: workspace must be a non-empty name (got ${JSON.stringify(workspace)})`);
    }
    const db = await openDB<DatasetDb>(options.databaseName ?? DATASET_DATABASE, 1, {
      upgrade(database) {
        const datasets = database.createObjectStore('datasets', { keyPath: ['workspace', 'id'] });
        datasets.createIndex('by-workspace', 'workspace');
        database.createObjectStore('contents', { keyPath: ['workspace', 'id'] });
      },
    });
    // Another tab upgrading the schema must not be blocked by this one.
    db.addEventListener('versionchange', () => db.close());
    const client = options.client ?? new DataClient();
    return new DatasetStore(
      workspace,
      db,
      client,
      options.client === undefined,
      options.opfsThresholdBytes ?? OPFS_THRESHOLD_BYTES,
    );
  }

  /**
   * Checks and stores a table file or an image folder. Returns the stored summary (the
   * existing one when the same bytes are already stored) and the inspection (profile or
   * class counts) the check produced. Throws the `DataError` of bad input, storing nothing.
   */
  async put(
    name: string,
    source: Blob | readonly ImageFile[] | readonly File[],
  ): Promise<{ summary: DatasetSummary; inspection: DataInspection; duplicate: boolean }> {
    const inspection: DataInspection =
      source instanceof Blob ? await this.client.inspect(source, name) : await this.client.inspectImages(source, name);
    const existing = await this.db.get('datasets', [this.workspace, inspection.id]);
    if (existing !== undefined) return { summary: summaryOf(existing), inspection, duplicate: true };
    const files: { path: string; blob: Blob }[] =
      source instanceof Blob
        ? [{ path: name, blob: source }]
        : (() => {
            const byPath = new Map(listImages(source).map((f) => [f.path, f.file]));
            return (inspection.kind === 'images' ? inspection.files : []).map((path) => ({
              path,
              blob: byPath.get(path) as Blob,
            }));
          })();
    const where = inspection.bytes > this.threshold && (await opfsRoot()) !== null ? 'opfs' : 'indexeddb';
    const record: DatasetRecord = {
      workspace: this.workspace,
      id: inspection.id,
      name,
      format: inspection.format,
      bytes: inspection.bytes,
      rows: inspection.kind === 'table' ? inspection.profile.rows : inspection.files.length,
      columns: inspection.kind === 'table' ? inspection.profile.columns.length : inspection.classes.length,
      storedAt: new Date().toISOString(),
      where,
      paths: files.map((f) => f.path),
    };
    try {
      if (where === 'opfs') {
        await this.writeOpfs(inspection.id, files);
        await this.db.put('datasets', record);
      } else {
        const tx = this.db.transaction(['datasets', 'contents'], 'readwrite');
        await Promise.all([
          tx
            .objectStore('contents')
            .put({ workspace: this.workspace, id: inspection.id, blobs: files.map((f) => f.blob) }),
          tx.objectStore('datasets').put(record),
          tx.done,
        ]);
      }
    } catch (error) {
      if (where === 'opfs') await this.removeOpfs(inspection.id);
      throw storageError(name, inspection.bytes, error);
    }
    return { summary: summaryOf(record), inspection, duplicate: false };
  }

  /** This workspace's datasets, newest first. */
  async list(): Promise<DatasetSummary[]> {
    const records = await this.db.getAllFromIndex('datasets', 'by-workspace', this.workspace);
    return records.map(summaryOf).sort((a, b) => (a.storedAt < b.storedAt ? 1 : a.storedAt > b.storedAt ? -1 : 0));
  }

  /** A stored dataset with its bytes, or null when this workspace has none with that id. */
  async get(id: string): Promise<StoredDataset | null> {
    const record = await this.db.get('datasets', [this.workspace, id]);
    if (record === undefined) return null;
    const blobs = record.where === 'opfs' ? await this.readOpfs(record) : await this.readIndexedDb(record);
    const summary = summaryOf(record);
    if (record.format === 'images') {
      return { format: 'images', summary, files: record.paths.map((path, i) => ({ path, file: blobs[i] as Blob })) };
    }
    const blob = blobs[0] as Blob;
    const file = blob instanceof File ? blob : new File([blob], record.name, { type: blob.type });
    return { format: record.format, summary, file };
  }

  /** Removes a dataset and its bytes; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const record = await this.db.get('datasets', [this.workspace, id]);
    if (record === undefined) return false;
    const tx = this.db.transaction(['datasets', 'contents'], 'readwrite');
    await Promise.all([
      tx.objectStore('datasets').delete([this.workspace, id]),
      tx.objectStore('contents').delete([this.workspace, id]),
      tx.done,
    ]);
    if (record.where === 'opfs') await this.removeOpfs(id);
    return true;
  }

  close(): void {
    this.db.close();
    if (this.ownsClient) this.client.close();
  }

  private async readIndexedDb(record: DatasetRecord): Promise<readonly Blob[]> {
    const content = await this.db.get('contents', [this.workspace, record.id]);
    if (content === undefined) throw missingBytes(record);
    return content.blobs;
  }

  private async folder(id: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
    const root = await opfsRoot();
    if (root === null) return null;
    try {
      const top = await root.getDirectoryHandle(OPFS_FOLDER, { create });
      const workspace = await top.getDirectoryHandle(encodeURIComponent(this.workspace), { create });
      return await workspace.getDirectoryHandle(id, { create });
    } catch (error) {
      if (!create && error instanceof DOMException && error.name === 'NotFoundError') return null;
      throw error;
    }
  }

  private async writeOpfs(id: string, files: readonly { path: string; blob: Blob }[]): Promise<void> {
    const folder = await this.folder(id, true);
    if (folder === null) throw new Error('the origin private file system is not available');
    // Files are numbered, not named by path: a path may hold characters a file name may not.
    for (let i = 0; i < files.length; i += 1) {
      const handle = await folder.getFileHandle(String(i), { create: true });
      const writable = await handle.createWritable();
      await writable.write((files[i] as { blob: Blob }).blob);
      await writable.close();
    }
  }

  private async readOpfs(record: DatasetRecord): Promise<readonly Blob[]> {
    const folder = await this.folder(record.id, false);
    if (folder === null) throw missingBytes(record);
    const blobs: Blob[] = [];
    for (let i = 0; i < record.paths.length; i += 1) {
      const file = await (await folder.getFileHandle(String(i))).getFile();
      blobs.push(record.format === 'images' ? file : new File([file], record.name, { type: file.type }));
    }
    return blobs;
  }

  private async removeOpfs(id: string): Promise<void> {
    const root = await opfsRoot();
    if (root === null) return;
    try {
      const top = await root.getDirectoryHandle(OPFS_FOLDER);
      const workspace = await top.getDirectoryHandle(encodeURIComponent(this.workspace));
      await workspace.removeEntry(id, { recursive: true });
    } catch {
      // Nothing there: nothing to remove.
    }
  }
}

function summaryOf(record: DatasetRecord): DatasetSummary {
  const { id, name, format, bytes, rows, columns, storedAt, where } = record;
  return { id, name, format, bytes, rows, columns, storedAt, where };
}

function listImages(files: readonly ImageFile[] | readonly File[]): ImageFile[] {
  return files.map((f) =>
    f instanceof File ? { path: f.webkitRelativePath !== '' ? f.webkitRelativePath : f.name, file: f } : f,
  );
}

async function opfsRoot(): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return null;
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

function missingBytes(record: DatasetRecord): Error {
  return new Error(
    `dataset ${JSON.stringify(record.name)} (${record.id}): its bytes are gone from ${record.where === 'opfs' ? 'the origin private file system' : 'IndexedDB'} (cleared by the browser?); pick the file again`,
  );
}

function storageError(name: string, bytes: number, error: unknown): Error {
  const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
  return new Error(
    quota
      ? `${name}: not enough storage for ${formatBytes(bytes)} in this browser (QuotaExceededError); free space (delete datasets or sweeps) and try again`
      : `${name}: could not be stored (${error instanceof Error ? error.message : String(error)})`,
    { cause: error },
  );
}
