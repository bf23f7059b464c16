import { parseImagePreparationSpec, parsePreparationSpec } from '../data/index.js';
import { ConfigError } from '../errors.js';
import type { DataClient, DatasetStore } from './datasets/index.js';
import type { DatasetPreparer } from './user-data.js';

/**
 * A workspace's stored datasets as the sweeps' data source: the DatasetStore (IndexedDB or
 * OPFS, by size) finds the bytes, and the data worker prepares them off the page's thread. Both
 * open on first use, so a page that never trains on a dataset loads neither; `close` ends them.
 */
export function workspaceDatasets(workspace: string): DatasetPreparer {
  let opened: Promise<{ store: DatasetStore; client: DataClient }> | null = null;
  const open = (): Promise<{ store: DatasetStore; client: DataClient }> => {
    opened ??= import('./datasets/index.js').then(async ({ DataClient, DatasetStore }) => {
      const client = new DataClient();
      try {
        return { store: await DatasetStore.open(workspace, { client }), client };
      } catch (error) {
        client.close();
        throw error;
      }
    });
    // A store that failed to open may open next time (another tab's upgrade finished).
    opened.catch(() => {
      opened = null;
    });
    return opened;
  };
  return {
    async storedName(id) {
      const { store } = await open();
      // The summaries only: the name is all that is asked, not the bytes.
      return (await store.list()).find((dataset) => dataset.id === id)?.name ?? null;
    },
    async prepare(id, preparation) {
      const { store, client } = await open();
      const stored = await store.get(id);
      if (stored === null) throw new Error(`dataset ${id} is not stored in this browser`);
      // The binding was checked when the sweep was configured; checked again against the
      // dataset's kind, so a table spec never meets an image folder, nor the other way round.
      const forImages =
        typeof preparation === 'object' &&
        preparation !== null &&
        (preparation as { readonly kind?: unknown }).kind !== undefined;
      if (stored.format === 'images') {
        if (!forImages) {
          throw new ConfigError(
            'data.preparation',
            `dataset ${JSON.stringify(stored.summary.name)} is an image folder: the preparation must have kind "images"`,
            preparation,
          );
        }
        return client.prepareImages(
          stored.files,
          parseImagePreparationSpec(preparation, 'data.preparation'),
          stored.summary.name,
        );
      }
      if (forImages) {
        throw new ConfigError(
          'data.preparation',
          `dataset ${JSON.stringify(stored.summary.name)} is a table: an image preparation (kind "images") does not apply`,
          preparation,
        );
      }
      return client.prepare(stored.file, parsePreparationSpec(preparation, 'data.preparation'), stored.summary.name);
    },
    close() {
      const current = opened;
      opened = null;
      void current?.then(
        ({ store, client }) => {
          store.close();
          client.close();
        },
        () => {},
      );
    },
  };
}
