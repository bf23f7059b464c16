import type { Run } from '../../src/index.js';

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
