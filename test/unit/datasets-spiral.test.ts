import { describe, expect, it } from 'vitest';
import { loadSpiralSplit, spiralSplit } from '../../src/datasets/spiral.js';
import { cachedDataset, loadedDatasets } from '../../src/datasets/cache.js';

describe('the built-in spiral split', () => {
  it('is 300 points, 225 for training and 75 for validation, the same every time', () => {
    const a = spiralSplit();
    const b = spiralSplit();
    expect(a.train.size).toBe(225);
    expect(a.validation.size).toBe(75);
    expect(a.train.features).toEqual(b.train.features);
    expect(a.validation.labels).toEqual(b.validation.labels);
  });

  it('is generated once per thread and then served from the cache', async () => {
    const first = await loadSpiralSplit();
    expect(await loadSpiralSplit()).toBe(first);
    expect(loadedDatasets()).toContain('spiral');
  });
});

describe('cachedDataset', () => {
  it('loads once, and retries after a failure instead of caching it', async () => {
    let calls = 0;
    const flaky = (): Promise<number> => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('offline')) : Promise.resolve(42);
    };
    await expect(cachedDataset('flaky', flaky)).rejects.toThrow('offline');
    expect(await cachedDataset('flaky', flaky)).toBe(42);
    expect(await cachedDataset('flaky', flaky)).toBe(42);
    expect(calls).toBe(2);
  });
});
