import { parseImagePreparationSpec, parsePreparationSpec } from '../data/index.js';
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
      return (await store.get(id))?.summary.name ?? null;
    },
    async prepare(id, preparation) {
      const { store, client } = await open();
      const stored = await store.get(id);
      if (stored === null) throw new Error(`dataset ${id} is not stored in this browser`);
      // The binding was checked when the sweep was configured; checked again against the
      // dataset's kind, so a table spec never meets an image folder.
      if (stored.format === 'images') {
        return client.prepareImages(
          stored.files,
          parseImagePreparationSpec(preparation, 'data.preparation'),
          stored.summary.name,
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
