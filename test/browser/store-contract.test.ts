import { expect, test } from '@playwright/test';
import { MemoryStore } from '../../src/store/memory-store.js';
import { storeContract } from '../contract/store-contract.js';

// The shared Store contract (test/contract/store-contract.ts) over the IndexedDB store in real
// Chromium, through test/browser/pages/store-contract-page.ts. The same cases run over the
// in-memory store in Node (test/unit/store-contract.test.ts).

test('IndexedDbStore keeps the Store contract', async ({ page }) => {
  await page.goto('/test/browser/pages/store-contract.html');
  await page.waitForFunction(() => 'storeContractHarness' in window);
  const prefix = `store-contract-${test.info().testId}-${Date.now()}`;
  const results = await page.evaluate((name) => window.storeContractHarness.runContract(name), prefix);
  // Every case ran (the list is the one Node sees), and none failed.
  const expected = storeContract({ kind: 'memory', open: async () => new MemoryStore() }).map((c) => c.name);
  expect(results.map((r) => r.name)).toEqual(expected);
  expect(results.filter((r) => r.error !== null)).toEqual([]);
});
