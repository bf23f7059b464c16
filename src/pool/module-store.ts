/**
 * Training modules picked from disk, kept in this origin's IndexedDB with their neighbour files.
 *
 * Why: a module picked as a file used to live as a `blob:` URL, which dies with the tab, so a
 * reload could not continue its sweep; and a module that imports `./helpers.js` could not be
 * picked at all. Here the picked files (several, or a whole folder) are stored together under
 * the SHA-256 of their paths and bytes, and the sweep names the entry file by a URL of its own
 * scheme, `overdrive-module://sha256-<hex>/<path>`: relative imports and
 * `new URL('./data.csv', import.meta.url)` resolve inside it like in a folder, and the sandbox
 * host (src/pool/sandbox) answers a trial worker's request for such a URL from this store. The
 * same files always get the same id, so picking them again stores nothing new.
 *
 * Only the page reads and writes this store: sandboxed trial workers cannot reach IndexedDB.
 */

export const STORED_MODULE_PROTOCOL = 'overdrive-module:';
const DB_NAME = 'overdrive-modules';
const STORE = 'modules';
/** Files in one module; a folder of sources, not a data set. */
export const MAX_MODULE_FILES = 500;
/** Bytes of one module's files together (a module may ship a small data file beside it). */
export const MAX_MODULE_BYTES = 50 * 1024 * 1024;
const ID = /^sha256-[0-9a-f]{64}$/;

export interface ModuleFile {
  /** The path inside the picked folder (`webkitRelativePath`) or the file's name, with `/` separators. */
  readonly path: string;
  readonly bytes: ArrayBuffer;
}

export interface StoredModuleRef {
  readonly id: string;
  /** The entry file's path. */
  readonly entry: string;
  /** What a sweep's `trial.module` names. */
  readonly url: string;
  readonly files: number;
  readonly bytes: number;
}

interface StoredModule {
  readonly id: string;
  readonly entry: string;
  readonly storedAt: string;
  readonly files: readonly ModuleFile[];
}

/** The store refused the files: the message names the file and the rule. */
export class ModuleStoreError extends Error {
  override readonly name = 'ModuleStoreError';
}

/** The URL a sweep names a stored module's file by. */
export function storedModuleUrl(id: string, path: string): string {
  return `overdrive-module://${id}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The stored module and file a URL names, or null when it is not such a URL. */
export function storedModuleLocation(url: string): { readonly id: string; readonly path: string } | null {
  if (!url.startsWith(`${STORED_MODULE_PROTOCOL}//`)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!ID.test(parsed.host)) return null;
  const path = parsed.pathname.replace(/^\//, '').split('/').map(decodeURIComponent).join('/');
  return path === '' ? null : { id: parsed.host, path };
}

/** Checks the picked files' paths and sizes: a clear error before anything is stored. */
function checkFiles(files: readonly ModuleFile[], entry: string): ModuleFile[] {
  if (files.length === 0) throw new ModuleStoreError('no files were picked');
  if (files.length > MAX_MODULE_FILES) {
    throw new ModuleStoreError(
      `${files.length} files were picked; a training module may have at most ${MAX_MODULE_FILES} (pick its folder of sources, not a data set)`,
    );
  }
  const seen = new Set<string>();
  let total = 0;
  const normalised = files.map((file) => {
    const path = file.path.replaceAll('\\', '/');
    const segments = path.split('/');
    if (path === '' || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new ModuleStoreError(`${JSON.stringify(file.path)} is not a file path inside the picked folder`);
    }
    if (seen.has(path)) throw new ModuleStoreError(`${JSON.stringify(path)} was picked twice`);
    seen.add(path);
    total += file.bytes.byteLength;
    return { path, bytes: file.bytes };
  });
  if (total > MAX_MODULE_BYTES) {
    throw new ModuleStoreError(
      `the picked files hold ${total} bytes; a training module may hold at most ${MAX_MODULE_BYTES} (${MAX_MODULE_BYTES / 1024 / 1024} MiB): pick the data as a dataset instead`,
    );
  }
  if (!seen.has(entry)) {
    throw new ModuleStoreError(`the entry ${JSON.stringify(entry)} is not one of the picked files`);
  }
  if (!/\.m?js$/i.test(entry)) {
    throw new ModuleStoreError(`the entry ${JSON.stringify(entry)} must be a JavaScript file (.js or .mjs)`);
  }
  return normalised.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** SHA-256 over each file's path, length and bytes in path order: the same files, the same id. */
async function contentId(files: readonly ModuleFile[]): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const file of files) {
    parts.push(encoder.encode(`${file.path}\u0000${file.bytes.byteLength}\u0000`), new Uint8Array(file.bytes));
  }
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
  return `sha256-${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

let database: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  database ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => {
      // Another tab deleting or upgrading the database: let go, and open again next time.
      request.result.onversionchange = () => {
        request.result.close();
        database = null;
      };
      resolve(request.result);
    };
    request.onerror = () => reject(request.error ?? new Error(`could not open IndexedDB ${DB_NAME}`));
  });
  database.catch(() => {
    database = null;
  });
  return database;
}

function settle<T>(request: IDBRequest<T>, transaction: IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB request failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Stores the picked files as one module whose entry is `entry`, and returns the URL a sweep names
 * it by. Nothing is stored when a path, the size or the entry is wrong.
 */
export async function storeModuleFiles(files: readonly ModuleFile[], entry: string): Promise<StoredModuleRef> {
  const checked = checkFiles(files, entry.replaceAll('\\', '/'));
  const id = await contentId(checked);
  const db = await open();
  const transaction = db.transaction(STORE, 'readwrite');
  const record: StoredModule = { id, entry, storedAt: new Date().toISOString(), files: checked };
  await settle(transaction.objectStore(STORE).put(record), transaction);
  return {
    id,
    entry,
    url: storedModuleUrl(id, entry),
    files: checked.length,
    bytes: checked.reduce((n, f) => n + f.bytes.byteLength, 0),
  };
}

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

export type StoredModuleFile =
  | { readonly kind: 'found'; readonly bytes: ArrayBuffer; readonly contentType: string }
  | { readonly kind: 'missing'; readonly message: string };

/** A stored module's file, by the URL a trial asks for; `missing` says whether the module or the file is. */
export async function readStoredModuleFile(url: string): Promise<StoredModuleFile> {
  const location = storedModuleLocation(url);
  if (location === null) return { kind: 'missing', message: `${url} is not a stored module's file` };
  const db = await open();
  const transaction = db.transaction(STORE, 'readonly');
  const stored = (await settle(transaction.objectStore(STORE).get(location.id), transaction)) as
    | StoredModule
    | undefined;
  if (stored === undefined) {
    return {
      kind: 'missing',
      message: `the training module ${location.id} is not stored in this browser (it was picked in another browser, or its storage was cleared): pick its files again`,
    };
  }
  const file = stored.files.find((f) => f.path === location.path);
  if (file === undefined) {
    return {
      kind: 'missing',
      message: `the picked module has no file ${JSON.stringify(location.path)} (it has ${stored.files.map((f) => f.path).join(', ')})`,
    };
  }
  const extension = /\.([a-z0-9]+)$/i.exec(location.path)?.[1]?.toLowerCase() ?? '';
  return { kind: 'found', bytes: file.bytes, contentType: TYPES[extension] ?? 'application/octet-stream' };
}

/**
 * The entry to run among picked files: the only script, else a conventional name (main, index,
 * train) nearest the top of the folder, else the first script by path.
 */
export function defaultModuleEntry(paths: readonly string[]): string | undefined {
  const scripts = paths.filter((p) => /\.m?js$/i.test(p)).sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  const conventional = scripts.find((p) => /^(?:main|index|train)\.m?js$/i.test(p.slice(p.lastIndexOf('/') + 1)));
  return conventional ?? scripts[0];
}

function depth(path: string): number {
  return path.split('/').length;
}
