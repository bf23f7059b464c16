/**
 * Per-thread dataset cache. In a worker this is what makes a dataset load once per worker
 * rather than once per trial (semantics §7): module state outlives trials, not workers.
 */
const entries = new Map<string, Promise<unknown>>();
const loaded = new Set<string>();

export function cachedDataset<T>(name: string, load: () => Promise<T>): Promise<T> {
  let entry = entries.get(name) as Promise<T> | undefined;
  if (entry === undefined) {
    entry = load().then(
      (value) => {
        loaded.add(name);
        return value;
      },
      (error: unknown) => {
        // A failed fetch must not poison the cache: the next trial tries again.
        entries.delete(name);
        throw error;
      },
    );
    entries.set(name, entry);
  }
  return entry;
}

/** Names of the datasets loaded so far in this thread. */
export function loadedDatasets(): string[] {
  return [...loaded].sort();
}
