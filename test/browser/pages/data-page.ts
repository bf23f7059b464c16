// Exposes the data step's page API to Playwright (test/browser/data.test.ts, bench/sections/data.ts):
// the real data worker's client, the real dataset store (IndexedDB and OPFS), and the core.
import { DataClient, DatasetStore } from '../../../src/browser/datasets/index.js';
import * as data from '../../../src/data/index.js';

declare global {
  interface Window {
    dataHarness: { DataClient: typeof DataClient; DatasetStore: typeof DatasetStore; data: typeof data };
  }
}

window.dataHarness = { DataClient, DatasetStore, data };
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
