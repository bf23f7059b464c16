import { describe, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeContract } from '../contract/store-contract.js';

// The shared Store contract (test/contract/store-contract.ts) over the in-memory store; the same
// cases run over the IndexedDB store in Chromium (test/browser/store-contract.test.ts).
describe('Store contract: MemoryStore', () => {
  for (const { name, run } of storeContract({ kind: 'memory', open: async () => new MemoryStore() })) {
    it(name, run);
  }
});
