// Exposes the stores to Playwright (test/browser/store.test.ts), with fixtures and one scenario
// that is written to both the IndexedDB store and the in-memory reference so their reads can be
// compared.
import {
  IndexedDbStore,
  MemoryStore,
  SCHEMA_STEPS,
  type CheckpointRecord,
  type MetricPoint,
  type Store,
} from '../../../src/store/index.js';
import { checkpoint, decision, point, run, sweep } from '../../contract/store-fixtures.js';

/** Writes the same mix of every kind of record, out of order where order matters, to any store. */
async function scenario(store: Store): Promise<void> {
  await store.putExperiment({ workspace: 'w', name: 'e1', createdAt: 10 });
  await store.putExperiment({ workspace: 'w', name: 'e2', createdAt: 20 });
  await store.putExperiment({ workspace: 'w', name: 'e1', createdAt: 99 });
  await store.putExperiment({ workspace: 'w2', name: 'e3', createdAt: 5 });
  await store.putSweep(sweep('S1', 'w', 'e1', 300));
  await store.putSweep(sweep('S2', 'w', 'e1', 100, 'Completed'));
  await store.putSweep(sweep('S3', 'w', 'e2', 200));
  await store.putSweep(sweep('S4', 'w2', 'e3', 50));
  await store.putSweep(sweep('DEL', 'w', 'e1', 250));
  for (const index of [2, 0, 1]) await store.putRun(run('S1', index, 'Queued'));
  await store.putRun(run('S1', 0, 'Running'));
  await store.putRun(run('S2', 0, 'Completed', 0.9));
  await store.putRun(run('DEL', 0, 'Running'));
  const values = [0.1, Number.NaN, 0.3, Number.POSITIVE_INFINITY, -0, Number.NEGATIVE_INFINITY, 0.7];
  for (let step = 0; step < values.length; step++) {
    const value = values[step] ?? 0;
    await store.appendMetrics([point('S1', 'S1_0', step, value), point('S1', 'S1_1', step, value * 2)]);
    await store.appendMetrics([point('DEL', 'DEL_0', step, value), point('S2', 'S2_0', step, 1 - value, 'loss')]);
    await store.appendDecisions([decision('S1', step % 2 === 0 ? 'S1_0' : 'S1_1', step + 1, step === 5)]);
    await store.appendDecisions([decision('DEL', 'DEL_0', step + 1, false)]);
  }
  await store.appendMetrics([]);
  await store.putRun(run('S1', 1, 'Canceled', 0.6));
  await store.putRun(run('S1', 0, 'Completed', 0.7));
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 1));
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 3));
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 2));
  await store.putCheckpoint(checkpoint('S1', 'S1_1', 1));
  await store.putCheckpoint(checkpoint('S1', 'S1_1', 1, 9));
  await store.putCheckpoint(checkpoint('DEL', 'DEL_0', 4));
  await store.putSweep(sweep('S1', 'w', 'e1', 300, 'Completed'));
  await store.deleteSweep('DEL');
}

/** A checkpoint as plain data: ArrayBuffers do not cross page.evaluate. */
export interface CheckpointView {
  readonly record: Omit<CheckpointRecord, 'artifacts'>;
  readonly artifacts: Record<string, number[]>;
}

function viewCheckpoint(checkpoint: CheckpointRecord | undefined): CheckpointView | null {
  if (checkpoint === undefined) return null;
  const { artifacts, ...record } = checkpoint;
  const views: Record<string, number[]> = {};
  for (const [name, buffer] of Object.entries(artifacts)) {
    views[name] = name === 'weights' ? [...new Float32Array(buffer)] : [...new Uint8Array(buffer)];
  }
  return { record, artifacts: views };
}

/** Everything `scenario` wrote, read back through every read method. */
async function snapshot(store: Store): Promise<Record<string, unknown>> {
  return {
    experimentsW: await store.listExperiments('w'),
    experimentsW2: await store.listExperiments('w2'),
    experimentsNone: await store.listExperiments('nobody'),
    sweepsW: await store.listSweeps('w'),
    sweepsWE1: await store.listSweeps('w', 'e1'),
    sweepsW2: await store.listSweeps('w2'),
    sweepS1: (await store.getSweep('S1')) ?? null,
    sweepMissing: (await store.getSweep('missing')) ?? null,
    runsS1: await store.listRuns('S1'),
    runsS2: await store.listRuns('S2'),
    metricsS1: await store.listMetrics('S1'),
    metricsS1Run1: await store.listMetrics('S1', 'S1_1'),
    metricsS2: await store.listMetrics('S2'),
    decisionsS1: await store.listDecisions('S1'),
    checkpointS1_0: viewCheckpoint(await store.latestCheckpoint('S1_0')),
    checkpointS1_1: viewCheckpoint(await store.latestCheckpoint('S1_1')),
    checkpointNone: viewCheckpoint(await store.latestCheckpoint('nobody')),
    deleted: {
      sweep: (await store.getSweep('DEL')) ?? null,
      runs: await store.listRuns('DEL'),
      metrics: await store.listMetrics('DEL'),
      decisions: await store.listDecisions('DEL'),
      checkpoint: viewCheckpoint(await store.latestCheckpoint('DEL_0')),
    },
  };
}

/** Counts a raw object store's records, to see what a store has committed without going through it. */
function countRecords(dbName: string, storeName: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction(storeName).objectStore(storeName).count();
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  });
}

/** Every sweepId found in a raw object store, to check a delete left nothing behind. */
function sweepIdsIn(dbName: string, storeName: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction(storeName).objectStore(storeName).getAll();
      request.onsuccess = () => {
        db.close();
        const ids = new Set<string>();
        for (const record of request.result as Array<{ sweepId?: unknown }>) ids.add(String(record.sweepId));
        resolve([...ids].sort());
      };
      request.onerror = () => reject(request.error);
    };
  });
}

/** The points another connection sees: only what this page's stores have committed. */
async function committedMetrics(dbName: string, sweepId: string): Promise<MetricPoint[]> {
  const reader = await IndexedDbStore.open({ name: dbName });
  try {
    return await reader.listMetrics(sweepId);
  } finally {
    await reader.close();
  }
}

const harness = {
  IndexedDbStore,
  MemoryStore,
  SCHEMA_STEPS,
  fixtures: { sweep, run, point, decision, checkpoint },
  scenario,
  snapshot,
  viewCheckpoint,
  countRecords,
  sweepIdsIn,
  committedMetrics,
  /** Stores kept between page.evaluate calls, by the test's own names. */
  stores: new Map<string, IndexedDbStore>(),
  /** Callback calls, in order, e.g. `versionchange:a`, `blocked`. */
  events: [] as string[],
};

export type StoreHarness = typeof harness;

declare global {
  interface Window {
    /** Only on the store harness page, where it is set before any test touches it. */
    storeHarness: StoreHarness;
  }
}

window.storeHarness = harness;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
