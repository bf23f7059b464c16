import { ConfigError } from '../errors.js';
import type { Store } from '../store/store.js';
import { priorRunOf, priorSweepOf, type PriorRun, type PriorSweep } from './prior.js';

/** Reads an earlier sweep for `resumeFrom`; unknown ids are an error naming the field. */
export async function loadPriorSweep(store: Store, sweepId: string, field = 'sweepId'): Promise<PriorSweep> {
  // Buffered writes of a sweep that just ended must be readable before they are snapshotted.
  await store.flush();
  const record = await store.getSweep(sweepId);
  if (record === undefined) throw new ConfigError(field, 'must name a stored sweep', sweepId);
  const [runs, metrics] = await Promise.all([store.listRuns(sweepId), store.listMetrics(sweepId)]);
  return priorSweepOf(record, runs, metrics);
}

/** Reads earlier runs of one sweep for `resumeChildRuns` (all of its runs when `runIds` is absent). */
export async function loadPriorRuns(store: Store, sweepId: string, runIds?: readonly string[]): Promise<PriorRun[]> {
  await store.flush();
  const record = await store.getSweep(sweepId);
  if (record === undefined) throw new ConfigError('sweepId', 'must name a stored sweep', sweepId);
  const runs = await store.listRuns(sweepId);
  const chosen =
    runIds === undefined
      ? runs
      : runIds.map((id, i) => {
          const run = runs.find((r) => r.id === id);
          if (run === undefined) throw new ConfigError(`runIds[${i}]`, `must name a run of sweep ${sweepId}`, id);
          return run;
        });
  return Promise.all(chosen.map(async (run) => priorRunOf(record, run, await store.listMetrics(sweepId, run.id))));
}

/** The priors a stored sweep's config names, read again (to continue that sweep after a reload). */
export async function loadConfigPriors(
  store: Store,
  spec: {
    readonly resumeFrom?: readonly string[];
    readonly resumeChildRuns?: readonly { readonly sweepId: string; readonly runId: string }[];
  },
): Promise<{ resumeFrom: PriorSweep[]; resumeChildRuns: PriorRun[] }> {
  const resumeFrom = await Promise.all(
    (spec.resumeFrom ?? []).map((id, i) => loadPriorSweep(store, id, `resumeFrom[${i}]`)),
  );
  const resumeChildRuns: PriorRun[] = [];
  for (const { sweepId, runId } of spec.resumeChildRuns ?? [])
    resumeChildRuns.push(...(await loadPriorRuns(store, sweepId, [runId])));
  return { resumeFrom, resumeChildRuns };
}
