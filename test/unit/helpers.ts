import type { Run } from '../../src/index.js';
import type { SweepRecord } from '../../src/store/records.js';

/** Lets other trials and the orchestrator advance, as a real training step would. */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Resolves when the run is cancelled; for trials that should only end by cancellation. */
export const untilCanceled = (run: Run): Promise<void> =>
  new Promise((resolve) => {
    if (run.signal.aborted) resolve();
    run.signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Sequential sweep ids so tests can name runs. */
export function sequentialIds(prefix = 'HD_test'): () => string {
  let n = 0;
  return () => `${prefix}${n++}`;
}

/** Waits until `predicate` holds, polling on macrotasks; fails loudly instead of hanging. */
export async function waitFor(predicate: () => boolean, what: string, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (predicate()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A minimal stored sweep record (random sampling, no policy, one run) for store-level tests. */
export function sweepRecord(id: string, status: SweepRecord['status']): SweepRecord {
  return {
    id,
    workspace: 'w',
    experiment: 'e',
    status,
    config: {
      sampling: { kind: 'random', space: {}, options: {} },
      primaryMetricName: 'acc',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 1,
      maxConcurrentRuns: 1,
      maxDurationMinutes: 10080,
      policy: { kind: 'no-termination', options: {} },
      trial: { kind: 'builtin', name: 'x' },
    },
    concurrency: 1,
    warnings: [],
    createdAt: 1,
    startedAt: null,
    endedAt: null,
    endReason: null,
    error: null,
  };
}
