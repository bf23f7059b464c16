import type * as tfjs from '@tensorflow/tfjs';

export interface StorageReport {
  /** Bytes this site stores (all of it: sweeps, checkpoints, saved models), when the browser says. */
  readonly usage: number | null;
  readonly quota: number | null;
  /** True once the browser agreed not to evict this site's data when space runs low. */
  readonly persisted: boolean | null;
}

/** How much this site stores, of how much, and whether the browser may evict it. */
export async function storageReport(): Promise<StorageReport> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (storage === undefined) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => null),
    typeof storage.persisted === 'function' ? storage.persisted().catch(() => null) : Promise.resolve(null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

/**
 * Asks the browser to keep this site's data when space runs low. Browsers may say no (or ask
 * the person); the answer is returned, never assumed. Without it, a browser under storage
 * pressure may evict everything: sweeps, checkpoints and models saved to indexeddb://.
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (storage === undefined || typeof storage.persist !== 'function') return false;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}

export interface SavedModel {
  readonly url: string;
  readonly savedAt: Date | null;
  readonly bytes: number;
}

/** Models saved to `indexeddb://` on this site (TF.js's own store), newest first. */
export async function listSavedModels(): Promise<SavedModel[]> {
  const tf: typeof tfjs = await import('@tensorflow/tfjs');
  const models = await tf.io.listModels();
  return Object.entries(models)
    .filter(([url]) => url.startsWith('indexeddb://'))
    .map(([url, info]) => ({
      url,
      savedAt: info.dateSaved instanceof Date ? info.dateSaved : null,
      bytes: (info.modelTopologyBytes ?? 0) + (info.weightSpecsBytes ?? 0) + (info.weightDataBytes ?? 0),
    }))
    .sort((a, b) => (b.savedAt?.getTime() ?? 0) - (a.savedAt?.getTime() ?? 0));
}

export async function removeSavedModel(url: string): Promise<void> {
  const tf: typeof tfjs = await import('@tensorflow/tfjs');
  await tf.io.removeModel(url);
}

/**
 * Whether a saved model is still there. A model saved earlier can vanish when the browser
 * evicts the site's storage or the person clears site data; say so rather than fail obscurely.
 */
export async function savedModelExists(url: string): Promise<boolean> {
  return (await listSavedModels()).some((m) => m.url === url);
}
