import type { PreparedData } from '../data/index.js';
import { ConfigError } from '../errors.js';
import type { HyperDriveConfig } from '../experiment/config.js';
import type { SweepRecord } from '../store/records.js';
import { DATASET_ID } from '../pool/protocol.js';
import type { UserDataSource } from '../pool/user-data.js';

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
  /** Ends what it opened (the store's connection, the data worker). */
  close?(): void;
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
 * Prepared datasets, keyed by dataset and preparation: one sweep's trials share one
 * preparation, computed once. The arrays are kept while a sweep that asked for them runs (its
 * next workers ask too) and dropped when the last such sweep ends, since a long-lived page may
 * run many sweeps on many datasets; the small fitted preparation is kept for exports, so
 * exporting the best model later does not prepare the dataset again. Failures are not kept, so
 * storing the file again and retrying works.
 */
export class PreparedDataCache {
  private readonly entries = new Map<string, { readonly data: Promise<PreparedData>; readonly users: Set<string> }>();
  private readonly fitted = new Map<string, PreparedData['preparation']>();

  constructor(private readonly preparer: DatasetPreparer) {}

  /** The prepared arrays, for a sweep's trial (`sweepId`: kept until `sweepEnded`). */
  get(id: string, name: string, preparation: unknown, sweepId?: string): Promise<PreparedData> {
    const key = keyOf(id, preparation);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const data = this.load(id, name, preparation);
      const created = { data, users: new Set<string>() };
      entry = created;
      data.then(
        (prepared) => this.fitted.set(key, prepared.preparation),
        () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
        },
      );
      this.entries.set(key, entry);
    }
    if (sweepId !== undefined) entry.users.add(sweepId);
    return entry.data;
  }

  /** The fitted preparation (column order, encodings, classes), for a model's export. */
  async preparation(id: string, name: string, preparation: unknown): Promise<PreparedData['preparation']> {
    const key = keyOf(id, preparation);
    const known = this.fitted.get(key);
    if (known !== undefined) return known;
    const fitted = (await this.get(id, name, preparation)).preparation;
    this.dropUnused(key);
    return fitted;
  }

  /** A sweep ended: the arrays only it asked for are dropped (its workers are gone). */
  sweepEnded(sweepId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.users.delete(sweepId)) this.dropUnused(key);
    }
  }

  /** How many datasets' arrays are held (what a page keeps in memory between sweeps). */
  get held(): number {
    return this.entries.size;
  }

  /** Drops everything (the workspace closed). */
  clear(): void {
    this.entries.clear();
    this.fitted.clear();
  }

  private dropUnused(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.users.size === 0) this.entries.delete(key);
  }

  private async load(id: string, name: string, preparation: unknown): Promise<PreparedData> {
    if ((await this.preparer.storedName(id)) === null) throw new Error(missingDatasetMessage(id, name));
    return this.preparer.prepare(id, preparation);
  }
}

function keyOf(id: string, preparation: unknown): string {
  return `${id}\n${stableJson(preparation)}`;
}

/**
 * The pool's data source for one sweep: no id means the sweep's binding; an id names another
 * stored dataset, prepared by the same spec (a module comparing two files of the same shape).
 * A sweep without a binding can still ask for a stored dataset by id only if a spec is known:
 * it has none, so that fails saying so.
 */
export function sweepDataSource(binding: SweepDataBinding | null, cache: PreparedDataCache): UserDataSource {
  return async ({ sweepId, dataset }) => {
    if (binding === null) {
      throw new Error(
        `env.datasets.user(${dataset === null ? '' : JSON.stringify(dataset)}): this sweep has no data binding, so there is no preparation to apply: add "data" to the sweep (the Data step, or "data": { "path", "target" } in the spec)`,
      );
    }
    const id = dataset ?? binding.dataset;
    return cache.get(id, id === binding.dataset ? binding.name : id, binding.preparation, sweepId);
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
