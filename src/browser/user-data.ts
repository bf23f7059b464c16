import { type PreparedData, parseImagePreparationSpec, parsePreparationSpec } from '../data/index.js';
import { ConfigError } from '../errors.js';
import type { HyperDriveConfig } from '../experiment/config.js';
import type { SweepRecord } from '../store/records.js';
import { DATASET_ID } from '../pool/protocol.js';
import type { UserDataSource } from '../pool/user-data.js';
import { DataClient, DatasetStore } from './datasets/index.js';

/**
 * The page's side of `env.datasets.user(id)`: trials ask for a stored dataset, the page reads
 * its bytes (only the page can: sandboxed workers have no storage), prepares them in the data
 * worker by the sweep's PreparationSpec, once per sweep, and the pool hands each worker copies.
 */

/** A sweep's data binding as this module reads it (`HyperDriveConfig.data`, issue 15's contract). */
export interface SweepDataBinding {
  readonly dataset: string;
  readonly name: string;
  readonly preparation: unknown;
}

/** Where stored datasets are found and prepared: the workspace's DatasetStore and data worker. */
export interface DatasetPreparer {
  /** The stored dataset's name, or null when it is not stored in this browser (any more). */
  storedName(id: string): Promise<string | null>;
  /** The dataset prepared by `preparation` (a PreparationSpec or an image spec). */
  prepare(id: string, preparation: unknown): Promise<PreparedData>;
}

/**
 * The sweep's data binding (from a config, or a stored sweep's config record), or null for a
 * sweep without one. Read through this one accessor so the rest of the module does not depend
 * on where the config keeps it (DATA-SPEC adds `data` to both).
 */
export function dataBindingOf(config: HyperDriveConfig | SweepRecord['config']): SweepDataBinding | null {
  const data = (config as { readonly data?: unknown }).data;
  if (data === undefined || data === null) return null;
  if (typeof data !== 'object') throw new ConfigError('data', 'must be a data binding object', data);
  const { dataset, name, preparation } = data as Record<string, unknown>;
  if (typeof dataset !== 'string' || !DATASET_ID.test(dataset)) {
    throw new ConfigError('data.dataset', 'must be a stored dataset id (sha256- and 64 hex digits)', dataset);
  }
  return { dataset, name: typeof name === 'string' ? name : dataset, preparation };
}

/** Why a dataset cannot be handed out, in words a person can act on. */
export function missingDatasetMessage(id: string, name: string): string {
  return `dataset ${JSON.stringify(name)} (${id}) is not stored in this browser: pick the file ${JSON.stringify(name)} again in the Data step (stored datasets stay in this browser's storage for this site, and may have been deleted or cleared)`;
}

/**
 * Refuses a sweep whose dataset is not stored here, before anything is stored or any worker
 * starts: a ConfigError on `data.dataset` naming the dataset and saying to pick the file again.
 */
export async function checkDatasetStored(config: HyperDriveConfig, preparer: DatasetPreparer | null): Promise<void> {
  const binding = dataBindingOf(config);
  if (binding === null) return;
  const stored = preparer === null ? null : await preparer.storedName(binding.dataset);
  if (stored === null) {
    throw new ConfigError('data.dataset', missingDatasetMessage(binding.dataset, binding.name), binding.dataset);
  }
}

/**
 * Prepared datasets, keyed by dataset and preparation: one sweep's trials (and the export of its
 * best model, which needs the fitted preparation) share one preparation, computed once.
 * Failures are not kept, so storing the file again and retrying works.
 */
export class PreparedDataCache {
  private readonly entries = new Map<string, Promise<PreparedData>>();

  constructor(private readonly preparer: DatasetPreparer) {}

  get(id: string, name: string, preparation: unknown): Promise<PreparedData> {
    const key = `${id}\n${stableJson(preparation)}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = this.load(id, name, preparation);
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Drops what is cached (a sweep ended; its arrays may be large). */
  clear(): void {
    this.entries.clear();
  }

  private async load(id: string, name: string, preparation: unknown): Promise<PreparedData> {
    if ((await this.preparer.storedName(id)) === null) throw new Error(missingDatasetMessage(id, name));
    return this.preparer.prepare(id, preparation);
  }
}

/**
 * The pool's data source for one sweep: no id means the sweep's binding; an id names another
 * stored dataset, prepared by the same spec (a module comparing two files of the same shape).
 * A sweep without a binding can still ask for a stored dataset by id only if a spec is known:
 * it has none, so that fails saying so.
 */
export function sweepDataSource(binding: SweepDataBinding | null, cache: PreparedDataCache): UserDataSource {
  return async ({ dataset }) => {
    if (binding === null) {
      throw new Error(
        `env.datasets.user(${dataset === null ? '' : JSON.stringify(dataset)}): this sweep has no data binding, so there is no preparation to apply: add "data" to the sweep (the Data step, or "data": { "path", "target" } in the spec)`,
      );
    }
    const id = dataset ?? binding.dataset;
    return cache.get(id, id === binding.dataset ? binding.name : id, binding.preparation);
  };
}

/** JSON with object keys sorted, so two equal specs written in another key order share a key. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The workspace's DatasetStore (the one the Studio's Data step stores into) and a data worker
 * that prepares what it reads, both opened on first use: a page whose sweeps have no data never
 * starts the data worker. The store and worker are shared by every sweep of the workspace.
 */
export function workspaceDatasets(workspace: string): DatasetPreparer {
  let opened: Promise<{ store: DatasetStore; client: DataClient }> | null = null;
  const open = (): Promise<{ store: DatasetStore; client: DataClient }> => {
    if (opened === null) {
      const client = new DataClient();
      const opening = DatasetStore.open(workspace, { client }).then((store) => ({ store, client }));
      // A failed open is not kept: the next sweep tries again.
      opening.catch(() => {
        client.close();
        opened = null;
      });
      opened = opening;
    }
    return opened;
  };
  return {
    async storedName(id) {
      const { store } = await open();
      return (await store.list()).find((d) => d.id === id)?.name ?? null;
    },
    async prepare(id, preparation) {
      const { store, client } = await open();
      const stored = await store.get(id);
      if (stored === null) throw new Error(missingDatasetMessage(id, id));
      const isImages =
        typeof preparation === 'object' &&
        preparation !== null &&
        (preparation as { readonly kind?: unknown }).kind !== undefined;
      if (stored.format === 'images') {
        if (!isImages) {
          throw new ConfigError(
            'data.preparation',
            `dataset "${stored.summary.name}" is an image folder: the preparation must have kind "images"`,
            preparation,
          );
        }
        return client.prepareImages(
          stored.files,
          parseImagePreparationSpec(preparation, 'data.preparation'),
          stored.summary.name,
        );
      }
      if (isImages) {
        throw new ConfigError(
          'data.preparation',
          `dataset "${stored.summary.name}" is a table: an image preparation (kind "images") does not apply`,
          preparation,
        );
      }
      return client.prepare(stored.file, parsePreparationSpec(preparation, 'data.preparation'), stored.summary.name);
    },
  };
}
