// Runs the shared Store contract (test/contract/store-contract.ts) over the IndexedDB store in
// this page, for test/browser/store-contract.test.ts. Each case gets its own database, deleted
// afterwards, so cases never see each other's data.
import { IndexedDbStore } from '../../../src/store/indexeddb-store.js';
import { storeContract } from '../../contract/store-contract.js';

export interface ContractResult {
  readonly name: string;
  /** null when the case passed. */
  readonly error: string | null;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    // A leftover database only costs disk space in a throwaway profile: never fail a case on it.
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

async function runContract(prefix: string): Promise<ContractResult[]> {
  const names: string[] = [];
  const cases = storeContract({
    kind: 'indexeddb',
    open: () => {
      const name = `${prefix}-${names.length}`;
      names.push(name);
      return IndexedDbStore.open({ name });
    },
  });
  const results: ContractResult[] = [];
  for (const { name, run } of cases) {
    try {
      await run();
      results.push({ name, error: null });
    } catch (error) {
      results.push({ name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  for (const name of names) await deleteDatabase(name);
  return results;
}

const harness = { runContract };

export type StoreContractHarness = typeof harness;

declare global {
  interface Window {
    /** Only on the store contract page. */
    storeContractHarness: StoreContractHarness;
  }
}

window.storeContractHarness = harness;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
