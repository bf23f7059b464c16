// What every `Store` must do, written once and run over each implementation: the in-memory store
// in Node (test/unit/store-contract.test.ts) and the IndexedDB store in real Chromium
// (test/browser/store-contract.test.ts, through test/browser/pages/store-contract-page.ts).
// It depends on no test framework, so that the same module runs inside a page: each case is a
// named async function that throws on the first broken promise.
import type { Store } from '../../src/store/store.js';
import { checkpoint, decision, point, run, sweep } from './store-fixtures.js';
import type {
  DecisionRecord,
  MetricPoint,
  RunRecord,
  SweepBackendReport,
  SweepRecord,
} from '../../src/store/records.js';

export type StoreKind = 'memory' | 'indexeddb';

export interface StoreUnderTest {
  readonly kind: StoreKind;
  /** A new, empty store that no other case sees. */
  open(): Promise<Store>;
}

export interface StoreContractCase {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** Larger than one IndexedDB metric chunk (MAX_CHUNK_POINTS, 4096), so appends span chunks. */
const MANY_POINTS = 9000;

export function storeContract(subject: StoreUnderTest): StoreContractCase[] {
  const cases: Array<[string, (store: Store) => Promise<void>]> = [
    ['experiments: the first record for a workspace and name stays, listed oldest first, ties by name', experiments],
    ['sweeps: get and list by workspace and experiment, oldest first; a missing id reads undefined', sweeps],
    ['sweeps: a later putSweep replaces the record', sweepReplaced],
    ['sweeps: a record without a backendReport keeps the stored one', backendReportKept],
    ['runs: listed by index whatever the write order, a later putRun replaces by id', runs],
    ['metrics: listed in logged order, by sweep and by run, non-finite values and -0 kept', metrics],
    ['metrics: thousands of points across many appends read back whole and in order', manyMetrics],
    ['metrics: an empty append writes nothing', emptyAppend],
    ['decisions: listed per sweep in appended order, evidence kept exactly', decisions],
    ['checkpoints: the highest sequence is the latest, an equal sequence replaces', checkpoints],
    ['checkpoints: artifacts come back byte for byte', checkpointArtifacts],
    ['deleteSweep: removes the sweep with its runs, metrics, decisions and checkpoints only', deleteSweep],
    ['deleteSweep: an unknown id is harmless', deleteUnknown],
    ['reads see writes not yet flushed, and flush changes nothing read', unflushedReads],
    ['records are copied in and out: mutating them changes nothing stored', isolation],
    ['a record that cannot be cloned is rejected by the call that brought it', uncloneable],
    ['known difference: a record whose key IndexedDB cannot index', badKey(subject.kind)],
    ['known difference: writes after close', writeAfterClose(subject.kind)],
  ];
  return cases.map(([name, body]) => ({
    name,
    run: async () => {
      const store = await subject.open();
      try {
        await body(store);
      } finally {
        await store.close().catch(() => undefined);
      }
    },
  }));
}

// ---------------------------------------------------------------------------------------------
// Cases

async function experiments(store: Store): Promise<void> {
  await store.putExperiment({ workspace: 'w', name: 'e2', createdAt: 20 });
  await store.putExperiment({ workspace: 'w', name: 'e1', createdAt: 10 });
  await store.putExperiment({ workspace: 'w', name: 'e1', createdAt: 99 });
  await store.putExperiment({ workspace: 'w', name: 'e0', createdAt: 20 });
  await store.putExperiment({ workspace: 'w2', name: 'e3', createdAt: 5 });
  equal(
    await store.listExperiments('w'),
    [
      { workspace: 'w', name: 'e1', createdAt: 10 },
      { workspace: 'w', name: 'e0', createdAt: 20 },
      { workspace: 'w', name: 'e2', createdAt: 20 },
    ],
    'listExperiments(w)',
  );
  equal(await store.listExperiments('w2'), [{ workspace: 'w2', name: 'e3', createdAt: 5 }], 'listExperiments(w2)');
  equal(await store.listExperiments('nobody'), [], 'listExperiments(nobody)');
}

async function sweeps(store: Store): Promise<void> {
  await store.putSweep(sweep('S1', 'w', 'e1', 300));
  await store.putSweep(sweep('S2', 'w', 'e1', 100, 'Completed'));
  await store.putSweep(sweep('S3', 'w', 'e2', 200));
  await store.putSweep(sweep('S4', 'w2', 'e1', 50));
  equal(await store.getSweep('S2'), sweep('S2', 'w', 'e1', 100, 'Completed'), 'getSweep(S2)');
  equal(await store.getSweep('missing'), undefined, 'getSweep(missing)');
  equal(ids(await store.listSweeps('w')), ['S2', 'S3', 'S1'], 'listSweeps(w)');
  equal(ids(await store.listSweeps('w', 'e1')), ['S2', 'S1'], 'listSweeps(w, e1)');
  equal(ids(await store.listSweeps('w2')), ['S4'], 'listSweeps(w2)');
  equal(await store.listSweeps('w', 'none'), [], 'listSweeps(w, none)');
}

async function sweepReplaced(store: Store): Promise<void> {
  await store.putSweep(sweep('S1', 'w', 'e1', 300));
  await store.putSweep(sweep('S1', 'w', 'e1', 300, 'Completed'));
  equal((await store.getSweep('S1'))?.status, 'Completed', 'status after the second putSweep');
  equal(ids(await store.listSweeps('w')), ['S1'], 'one sweep listed');
}

async function backendReportKept(store: Store): Promise<void> {
  const report = backendReport(1);
  await store.putSweep({ ...sweep('S1', 'w', 'e1', 300), backendReport: report });
  await store.putSweep(sweep('S1', 'w', 'e1', 300, 'Completed'));
  const stored = await store.getSweep('S1');
  equal(stored?.status, 'Completed', 'status');
  equal(stored?.backendReport, report, 'backendReport kept');
  await store.putSweep({ ...sweep('S1', 'w', 'e1', 300, 'Completed'), backendReport: backendReport(2) });
  equal((await store.getSweep('S1'))?.backendReport, backendReport(2), 'backendReport replaced');
}

async function runs(store: Store): Promise<void> {
  for (const index of [2, 0, 1]) await store.putRun(run('S1', index, 'Queued'));
  await store.putRun(run('S2', 0, 'Running'));
  await store.putRun(run('S1', 1, 'Completed', 0.5));
  const listed = await store.listRuns('S1');
  equal(
    listed.map((r) => [r.index, r.status]),
    [
      [0, 'Queued'],
      [1, 'Completed'],
      [2, 'Queued'],
    ],
    'listRuns(S1)',
  );
  equal(listed[1], run('S1', 1, 'Completed', 0.5), 'the replaced run, whole');
  equal(ids(await store.listRuns('S2')), ['S2_0'], 'listRuns(S2)');
  equal(await store.listRuns('none'), [], 'listRuns(none)');
}

const VALUES = [0.1, Number.NaN, 0.3, Number.POSITIVE_INFINITY, -0, Number.NEGATIVE_INFINITY, 0.7];

async function metrics(store: Store): Promise<void> {
  for (let step = 0; step < VALUES.length; step++) {
    const value = VALUES[step] ?? 0;
    await store.appendMetrics([point('S1', 'S1_0', step, value), point('S1', 'S1_1', step, value * 2)]);
    await store.appendMetrics([point('S2', 'S2_0', step, 1 - value, 'loss')]);
  }
  const expected = VALUES.flatMap((value, step) => [
    point('S1', 'S1_0', step, value),
    point('S1', 'S1_1', step, value * 2),
  ]);
  equal(await store.listMetrics('S1'), expected, 'listMetrics(S1)');
  equal(
    await store.listMetrics('S1', 'S1_1'),
    expected.filter((p) => p.runId === 'S1_1'),
    'listMetrics(S1, S1_1)',
  );
  equal(
    await store.listMetrics('S2'),
    VALUES.map((value, step) => point('S2', 'S2_0', step, 1 - value, 'loss')),
    'listMetrics(S2)',
  );
  equal(await store.listMetrics('S1', 'nobody'), [], 'listMetrics(S1, nobody)');
  equal(await store.listMetrics('none'), [], 'listMetrics(none)');
}

async function manyMetrics(store: Store): Promise<void> {
  const written: MetricPoint[] = [];
  // One large append, then many small ones interleaving two runs and two metric names.
  const large = Array.from({ length: MANY_POINTS / 2 }, (_, i) => point('M', 'M_0', i, i / 7));
  await store.appendMetrics(large);
  written.push(...large);
  for (let i = 0; i < MANY_POINTS / 2; i += 50) {
    const batch = Array.from({ length: 50 }, (_, j) =>
      point('M', `M_${(i + j) % 2}`, MANY_POINTS + i + j, i + j, (i + j) % 3 === 0 ? 'loss' : 'accuracy'),
    );
    await store.appendMetrics(batch);
    written.push(...batch);
  }
  await store.flush();
  const all = await store.listMetrics('M');
  equal(all.length, written.length, 'how many points');
  equal(all, written, 'listMetrics(M)');
  equal(
    await store.listMetrics('M', 'M_1'),
    written.filter((p) => p.runId === 'M_1'),
    'listMetrics(M, M_1)',
  );
}

async function emptyAppend(store: Store): Promise<void> {
  await store.appendMetrics([]);
  await store.appendDecisions([]);
  await store.flush();
  equal(await store.listMetrics('S1'), [], 'metrics');
  equal(await store.listDecisions('S1'), [], 'decisions');
}

async function decisions(store: Store): Promise<void> {
  const written: DecisionRecord[] = [];
  for (let interval = 1; interval <= 6; interval++) {
    const record = decision('S1', interval % 2 === 0 ? 'S1_0' : 'S1_1', interval, interval === 5);
    await store.appendDecisions([record, decision('S2', 'S2_0', interval, false)]);
    written.push(record);
  }
  const listed = await store.listDecisions('S1');
  equal(listed, written, 'listDecisions(S1)');
  equal(listed.length, 6, 'how many');
  equal((await store.listDecisions('S2')).length, 6, 'listDecisions(S2)');
  equal(await store.listDecisions('none'), [], 'listDecisions(none)');
}

async function checkpoints(store: Store): Promise<void> {
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 1));
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 3));
  await store.putCheckpoint(checkpoint('S1', 'S1_0', 2));
  await store.putCheckpoint(checkpoint('S1', 'S1_1', 1));
  await store.putCheckpoint(checkpoint('S1', 'S1_1', 1, 9));
  equal(await store.latestCheckpoint('S1_0'), checkpoint('S1', 'S1_0', 3), 'latest of S1_0');
  equal(await store.latestCheckpoint('S1_1'), checkpoint('S1', 'S1_1', 1, 9), 'latest of S1_1');
  equal(await store.latestCheckpoint('nobody'), undefined, 'latest of nobody');
}

async function checkpointArtifacts(store: Store): Promise<void> {
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
  await store.putCheckpoint({ ...checkpoint('S1', 'S1_0', 1), artifacts: { 'weights.bin': bytes.buffer } });
  const stored = await store.latestCheckpoint('S1_0');
  const buffer = stored?.artifacts['weights.bin'];
  if (!(buffer instanceof ArrayBuffer)) fail(`weights.bin: expected an ArrayBuffer, got ${show(buffer)}`);
  equal(new Uint8Array(buffer), bytes, 'weights.bin');
}

async function deleteSweep(store: Store): Promise<void> {
  for (const id of ['KEEP', 'DEL']) {
    await store.putSweep(sweep(id, 'w', 'e1', id === 'KEEP' ? 1 : 2));
    await store.putRun(run(id, 0, 'Running'));
    await store.appendMetrics([point(id, `${id}_0`, 0, 0.5)]);
    await store.appendDecisions([decision(id, `${id}_0`, 1, false)]);
    await store.putCheckpoint(checkpoint(id, `${id}_0`, 1));
  }
  await store.deleteSweep('DEL');
  equal(await store.getSweep('DEL'), undefined, 'sweep');
  equal(await store.listRuns('DEL'), [], 'runs');
  equal(await store.listMetrics('DEL'), [], 'metrics');
  equal(await store.listDecisions('DEL'), [], 'decisions');
  equal(await store.latestCheckpoint('DEL_0'), undefined, 'checkpoint');
  equal(ids(await store.listSweeps('w')), ['KEEP'], 'the other sweep');
  equal((await store.listRuns('KEEP')).length, 1, "the other sweep's runs");
  equal((await store.listMetrics('KEEP')).length, 1, "the other sweep's metrics");
  equal((await store.listDecisions('KEEP')).length, 1, "the other sweep's decisions");
  equal((await store.latestCheckpoint('KEEP_0'))?.sequence, 1, "the other sweep's checkpoint");
  // Writing the sweep again after its delete starts it afresh.
  await store.putSweep(sweep('DEL', 'w', 'e1', 2));
  equal(await store.listRuns('DEL'), [], 'runs of the sweep written again');
}

async function deleteUnknown(store: Store): Promise<void> {
  await store.putSweep(sweep('S1', 'w', 'e1', 1));
  await store.deleteSweep('unknown');
  equal(ids(await store.listSweeps('w')), ['S1'], 'sweeps');
}

async function unflushedReads(store: Store): Promise<void> {
  await store.putExperiment({ workspace: 'w', name: 'e1', createdAt: 1 });
  await store.putSweep(sweep('S1', 'w', 'e1', 1));
  await store.putRun(run('S1', 0, 'Running'));
  await store.appendMetrics([point('S1', 'S1_0', 0, 0.25)]);
  await store.appendDecisions([decision('S1', 'S1_0', 1, false)]);
  const before = await snapshot(store);
  equal(before.experiments.length, 1, 'experiments before flush');
  equal(before.sweep?.id, 'S1', 'sweep before flush');
  equal(before.runs.length, 1, 'runs before flush');
  equal(before.metrics.length, 1, 'metrics before flush');
  equal(before.decisions.length, 1, 'decisions before flush');
  await store.flush();
  equal(await snapshot(store), before, 'after flush');
}

async function isolation(store: Store): Promise<void> {
  const written = run('S', 0, 'Running');
  const metric = point('S', 'S_0', 0, 0.5);
  const saved = checkpoint('S', 'S_0', 1);
  const stored = sweep('S', 'w', 'e', 1);
  await store.putSweep(stored);
  await store.putRun(written);
  await store.appendMetrics([metric]);
  await store.putCheckpoint(saved);
  // Mutate what was written...
  mutable(written)['status'] = 'Failed';
  mutable(written.params)['lr'] = 99;
  mutable(metric)['value'] = 99;
  mutable(stored.warnings as unknown as Record<string, unknown>)['0'] = 'changed';
  new Float32Array(saved.artifacts['weights'] ?? new ArrayBuffer(4))[0] = 99;
  // ...and what was read.
  const first = await store.listRuns('S');
  mutable(first[0] ?? {})['status'] = 'Canceled';
  const firstSweep = await store.getSweep('S');
  mutable(firstSweep ?? {})['status'] = 'Canceled';
  equal(await store.listRuns('S'), [run('S', 0, 'Running')], 'runs');
  equal(await store.getSweep('S'), sweep('S', 'w', 'e', 1), 'sweep');
  equal(await store.listMetrics('S'), [point('S', 'S_0', 0, 0.5)], 'metrics');
  equal(await store.latestCheckpoint('S_0'), checkpoint('S', 'S_0', 1), 'checkpoint');
}

async function uncloneable(store: Store): Promise<void> {
  const withFunction = { ...run('S', 0, 'Running'), params: { lr: 0.1, f: () => 1 } } as unknown as RunRecord;
  await rejects(() => store.putRun(withFunction), 'putRun with a function inside');
  await store.flush();
  equal(await store.listRuns('S'), [], 'nothing stored');
}

/**
 * IndexedDB refuses keys it cannot index (NaN, an object) in the call that brings them; the
 * in-memory store, a Map, accepts any value as an id. The Store interface promises neither.
 */
function badKey(kind: StoreKind): (store: Store) => Promise<void> {
  return async (store) => {
    const record = { ...sweep('S', 'w', 'e', 1), id: Number.NaN } as unknown as SweepRecord;
    if (kind === 'indexeddb') {
      await rejects(() => store.putSweep(record), 'putSweep with a NaN id');
      equal(await store.listSweeps('w'), [], 'nothing stored');
    } else {
      await store.putSweep(record);
      equal((await store.listSweeps('w')).length, 1, 'stored under NaN');
    }
  };
}

/**
 * The IndexedDB store rejects every call after `close` (its connection is gone); the in-memory
 * store has nothing to close and goes on working. The Store interface promises neither.
 */
function writeAfterClose(kind: StoreKind): (store: Store) => Promise<void> {
  return async (store) => {
    await store.close();
    await store.close();
    if (kind === 'indexeddb') {
      await rejects(() => store.putRun(run('S', 0, 'Running')), 'putRun after close');
      await rejects(() => store.listRuns('S'), 'listRuns after close');
    } else {
      await store.putRun(run('S', 0, 'Running'));
      equal((await store.listRuns('S')).length, 1, 'runs after close');
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

function backendReport(updatedAt: number): SweepBackendReport {
  return {
    requested: 'auto',
    pool: { requested: 4, size: 2, deviceLimit: 2, clampedBecause: 'two GPU workers at most' },
    calibrations: [],
    notes: [{ time: updatedAt, runId: null, message: 'a note' }],
    updatedAt,
  };
}

async function snapshot(store: Store) {
  return {
    experiments: await store.listExperiments('w'),
    sweep: await store.getSweep('S1'),
    runs: await store.listRuns('S1'),
    metrics: await store.listMetrics('S1'),
    decisions: await store.listDecisions('S1'),
  };
}

function ids(records: readonly { readonly id: string }[]): string[] {
  return records.map((record) => record.id);
}

function mutable(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// A small assertion kit: no framework is available inside the page.

export class ContractFailure extends Error {
  override readonly name = 'ContractFailure';
}

function fail(message: string): never {
  throw new ContractFailure(message);
}

async function rejects(call: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await call();
  } catch {
    return;
  }
  fail(`${what}: expected a rejection, but it resolved`);
}

/** Deep equality with Object.is on numbers (NaN equals NaN, -0 differs from 0) and byte-wise buffers. */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const difference = differ(actual, expected, '');
  if (difference !== null) fail(`${what}${difference}`);
}

function differ(actual: unknown, expected: unknown, path: string): string | null {
  if (Object.is(actual, expected)) return null;
  const here = (detail: string) => `${path === '' ? '' : ` at ${path}`}: ${detail}`;
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return here(`expected ${show(expected)}, got ${show(actual)}`);
  }
  if (expected instanceof ArrayBuffer || ArrayBuffer.isView(expected)) {
    const want = bytesOf(expected);
    const got = actual instanceof ArrayBuffer || ArrayBuffer.isView(actual) ? bytesOf(actual) : null;
    if (got === null) return here(`expected binary data, got ${show(actual)}`);
    if (got.length !== want.length) return here(`expected ${want.length} bytes, got ${got.length}`);
    const at = want.findIndex((byte, i) => got[i] !== byte);
    return at === -1 ? null : here(`bytes differ from byte ${at}`);
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) {
    return here(`expected ${show(expected)}, got ${show(actual)}`);
  }
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
  for (const key of keys) {
    const inner = differ(got[key], want[key], path === '' ? key : `${path}.${key}`);
    if (inner !== null) return inner;
  }
  return null;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return String(value);
  }
}
