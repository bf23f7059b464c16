import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
  ConfigError,
  Experiment,
  HyperDriveConfig,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  SeededRandom,
  Workspace,
  uniform,
  type MetricPoint,
  type Store,
  type TrainFunction,
} from '../../src/index.js';
import {
  exportSweep,
  importSweep,
  parseSweepDocument,
  seriesPoints,
  sweepDocumentText,
  type SweepDocument,
} from '../../src/export/index.js';
import type {
  CheckpointRecord,
  DecisionRecord,
  ExperimentRecord,
  RunRecord,
  SweepRecord,
} from '../../src/store/records.js';
import { richSweep, storeSnapshot } from './export-fixtures.js';
import { sequentialIds, tick, waitFor } from './helpers.js';

const EXPORTED_AT = Date.UTC(2024, 5, 1);

/** The document's points, as the store would list them, sorted for comparison. */
function docPoints(doc: SweepDocument): MetricPoint[] {
  return sortPoints(doc.metrics.flatMap((series) => seriesPoints(series, doc.sweep.id, series.runId)));
}

function sortPoints(points: readonly MetricPoint[]): MetricPoint[] {
  const key = (p: MetricPoint): string =>
    `${p.runId}\u0000${p.attempt}\u0000${p.name}\u0000${String(p.step).padStart(8, '0')}`;
  return [...points].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The document as it would read had the sweep been stored under `to`. */
function renamed(doc: SweepDocument, to: string): SweepDocument {
  const runId = (id: string): string => `${to}${id.slice(doc.sweep.id.length)}`;
  return {
    ...doc,
    sweep: { ...doc.sweep, id: to },
    runs: doc.runs.map((run) => ({ ...run, id: runId(run.id), sweepId: to })),
    metrics: doc.metrics.map((series) => ({ ...series, runId: runId(series.runId) })),
    decisions: doc.decisions.map((d) => ({ ...d, sweepId: to, runId: runId(d.runId) })),
  };
}

describe('exporting a sweep', () => {
  it('holds the sweep, every run, every metric point and every decision, with models left out', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId, { now: EXPORTED_AT });
    expect(doc).toMatchObject({
      format: 'overdrive-sweep',
      version: 1,
      exportedAt: '2024-06-01T00:00:00.000Z',
      generator: 'Overdrive',
      models: 'not included',
    });
    expect(doc.sweep).toStrictEqual(await store.getSweep(sweepId));
    expect(doc.sweep.warnings.length).toBeGreaterThan(0);
    expect(doc.runs).toStrictEqual(await store.listRuns(sweepId));
    expect(doc.decisions).toStrictEqual(await store.listDecisions(sweepId));
    expect(docPoints(doc)).toStrictEqual(sortPoints(await store.listMetrics(sweepId)));
    // The fixture covers what the round trip must carry.
    const statuses = new Set(doc.runs.map((r) => r.status));
    expect(statuses).toEqual(new Set(['Completed', 'Canceled', 'Failed']));
    expect(doc.runs.some((r) => r.termination?.kind === 'policy')).toBe(true);
    expect(doc.runs.some((r) => r.checkpoint !== null && r.checkpoint !== undefined)).toBe(true);
    expect(doc.runs.some((r) => typeof r.params['model'] === 'object')).toBe(true);
    const values = doc.metrics.flatMap((s) => s.values);
    expect(values.some(Number.isNaN)).toBe(true);
    expect(values).toContain(Number.POSITIVE_INFINITY);
    expect(values).toContain(Number.NEGATIVE_INFINITY);
    // One series per run, attempt and metric, steps implied.
    for (const series of doc.metrics) {
      expect(series.steps).toBeUndefined();
      expect(series.times).toHaveLength(series.values.length);
    }
  });

  it('writes non-finite numbers as strings, one record per line', async () => {
    const { store, sweepId } = await richSweep();
    const text = sweepDocumentText(await exportSweep(store, sweepId, { now: EXPORTED_AT }));
    expect(text).toContain('"NaN"');
    expect(text).toContain('"Infinity"');
    expect(text).toContain('"-Infinity"');
    expect(text).not.toMatch(/[:,[]\s*(NaN|-?Infinity)\b/);
    expect(text).not.toContain('null,null');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\{"format":"overdrive-sweep","version":1,/);
    expect(lines[1]).toMatch(/^"sweep":\{"id":"HD_rich0",/);
    expect(lines[2]).toBe('"runs":[');
    expect(lines[3]).toMatch(/^\{"id":"HD_rich0_0",/);
  });

  it('refuses an unknown sweep id', async () => {
    const error = await exportSweep(new MemoryStore(), 'HD_nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('sweepId: must name a stored sweep (got "HD_nope")');
  });
});

describe('round trip', () => {
  it('export, text, parse, import, export again gives the same document', async () => {
    const { store, sweepId } = await richSweep();
    const original = await exportSweep(store, sweepId, { now: EXPORTED_AT });
    const parsed = parseSweepDocument(sweepDocumentText(original));
    expect(parsed).toStrictEqual(original);

    const target = new MemoryStore();
    const result = await importSweep(target, parsed, { workspace: 'lab' });
    expect(result).toMatchObject({
      sweepId,
      workspace: 'lab',
      experiment: 'export-rich',
      experimentCreated: true,
      changes: [],
    });
    expect(result.counts).toEqual({
      runs: original.runs.length,
      metricPoints: original.metrics.reduce((n, s) => n + s.values.length, 0),
      decisions: original.decisions.length,
    });
    expect([...result.runIds.values()]).toEqual(original.runs.map((r) => r.id));

    const again = await exportSweep(target, sweepId, { now: EXPORTED_AT });
    expect(again).toStrictEqual(original);
    // Point by point, in each series' logged order, attempts and non-finite values included.
    expect(await target.listMetrics(sweepId)).toHaveLength(result.counts.metricPoints);
    for (const run of original.runs) {
      const before = (await store.listMetrics(sweepId, run.id)).map(({ name, attempt, step, value, time }) => ({
        name,
        attempt,
        step,
        value,
        time,
      }));
      const after = (await target.listMetrics(sweepId, run.id)).map(({ name, attempt, step, value, time }) => ({
        name,
        attempt,
        step,
        value,
        time,
      }));
      const byName = (points: typeof before, name: string): typeof before => points.filter((p) => p.name === name);
      for (const name of ['accuracy', 'loss', 'grad_norm'])
        expect(byName(after, name)).toStrictEqual(byName(before, name));
    }
    expect(await target.listExperiments('lab')).toEqual([
      { workspace: 'lab', name: 'export-rich', createdAt: original.sweep.createdAt },
    ]);
  });

  it('keeps each run checkpoint summary, though the checkpoint itself stays behind', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId);
    const target = new MemoryStore();
    await importSweep(target, doc, { workspace: 'lab' });
    const withCheckpoint = (await target.listRuns(sweepId)).filter((r) => r.checkpoint != null);
    expect(withCheckpoint.length).toBeGreaterThan(0);
    for (const run of withCheckpoint) {
      expect(run.checkpoint).toStrictEqual(doc.runs.find((r) => r.id === run.id)?.checkpoint);
      expect(await target.latestCheckpoint(run.id)).toBeUndefined();
    }
  });

  it('keeps a hyperparameter called "constructor" as data and pollutes no prototype', async () => {
    const { store, sweepId } = await richSweep();
    const text = sweepDocumentText(await exportSweep(store, sweepId));
    const target = new MemoryStore();
    await importSweep(target, parseSweepDocument(text), { workspace: 'lab' });
    const run = (await target.listRuns(sweepId))[0];
    expect(Object.hasOwn(run!.params, 'constructor')).toBe(true);
    expect(run?.params['constructor']).toBe('data only');
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
  });
});

describe('importing', () => {
  it('gives a sweep whose id is taken a new id, rewrites its run ids, and leaves the original alone', async () => {
    const { store, sweepId } = await richSweep();
    const original = await exportSweep(store, sweepId, { now: EXPORTED_AT });
    const before = await storeSnapshot(store, ['lab']);
    const result = await importSweep(store, parseSweepDocument(sweepDocumentText(original)), {
      workspace: 'lab',
      createSweepId: sequentialIds('HD_copy'),
    });
    expect(result.sweepId).toBe('HD_copy0');
    expect(result.changes).toEqual([{ kind: 'sweep-id', from: sweepId, to: 'HD_copy0' }]);
    expect(result.runIds.get(`${sweepId}_4`)).toBe('HD_copy0_4');
    const copy = await exportSweep(store, 'HD_copy0', { now: EXPORTED_AT });
    expect(copy).toStrictEqual(renamed(original, 'HD_copy0'));
    expect(await exportSweep(store, sweepId, { now: EXPORTED_AT })).toStrictEqual(original);
    const after = (await storeSnapshot(store, ['lab'])) as { lab: { sweeps: unknown[]; experiments: unknown[] } };
    const beforeLab = (before as { lab: { sweeps: unknown[]; experiments: unknown[] } }).lab;
    expect(after.lab.sweeps[0]).toStrictEqual(beforeLab.sweeps[0]);
    expect(after.lab.experiments).toStrictEqual(beforeLab.experiments);
    expect(result.experimentCreated).toBe(false);
  });

  it('skips a generated id that is taken too', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId);
    const ids = [sweepId, 'HD_free'];
    const result = await importSweep(store, doc, { workspace: 'lab', createSweepId: () => ids.shift() ?? 'HD_never' });
    expect(result.sweepId).toBe('HD_free');
  });

  it('two imports at once of the same file get different ids and both stay whole', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId, { now: EXPORTED_AT });
    const target = new MemoryStore();
    const [a, b] = await Promise.all([
      importSweep(target, doc, { workspace: 'lab', createSweepId: () => 'HD_second' }),
      importSweep(target, doc, { workspace: 'lab', createSweepId: () => 'HD_second' }),
    ]);
    expect([a.sweepId, b.sweepId]).toEqual([sweepId, 'HD_second']);
    expect(await exportSweep(target, sweepId, { now: EXPORTED_AT })).toStrictEqual(doc);
    expect(await exportSweep(target, 'HD_second', { now: EXPORTED_AT })).toStrictEqual(renamed(doc, 'HD_second'));
  });

  it('refuses a taken id with onConflict "error", writing nothing', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId);
    const before = await storeSnapshot(store, ['lab']);
    const error = await importSweep(store, doc, { workspace: 'lab', onConflict: 'error' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('sweep.id');
    expect((error as ConfigError).message).toBe(
      `sweep.id: must not name a sweep the store already holds (onConflict is "error") (got "${sweepId}")`,
    );
    expect(await storeSnapshot(store, ['lab'])).toStrictEqual(before);
  });

  it('imports into another workspace and experiment when asked, and says so', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId);
    const target = new MemoryStore();
    await target.putExperiment({ workspace: 'team', name: 'archive', createdAt: 5 });
    const result = await importSweep(target, doc, { workspace: 'team', experiment: 'archive' });
    expect(result.experimentCreated).toBe(false);
    expect(result.changes).toEqual([
      { kind: 'workspace', from: 'lab', to: 'team' },
      { kind: 'experiment', from: 'export-rich', to: 'archive' },
    ]);
    expect(await target.listSweeps('team', 'archive')).toHaveLength(1);
    expect(await target.listExperiments('team')).toEqual([{ workspace: 'team', name: 'archive', createdAt: 5 }]);
  });

  it('refuses bad options before writing', async () => {
    const { store, sweepId } = await richSweep();
    const doc = await exportSweep(store, sweepId);
    const target = new MemoryStore();
    await expect(importSweep(target, doc, { workspace: '' })).rejects.toThrow(
      'options.workspace: must be a non-empty string (got "")',
    );
    await expect(importSweep(target, doc, { workspace: 'lab', onConflict: 'merge' as 'error' })).rejects.toThrow(
      'options.onConflict: must be one of "new-id", "error" (got "merge")',
    );
    expect(await target.listSweeps('lab')).toEqual([]);
  });

  it('stores a sweep exported while it ran as Canceled, its unfinished runs too', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({
      name: 'lab',
      store,
      random: new SeededRandom(2),
      createSweepId: sequentialIds('HD_live'),
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const train: TrainFunction = async (_params, run) => {
      run.log('accuracy', 0.5);
      run.log('accuracy', Number.NaN);
      await gate;
    };
    const sweep = new Experiment(workspace, 'live').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }, { seed: 1 }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 4,
        maxConcurrentRuns: 2,
        train,
      }),
    );
    let running: RunRecord[] = [];
    await waitFor(() => {
      void store.listRuns(sweep.id).then((runs) => {
        running = runs.filter((r) => r.status === 'Running' && r.intervals === 2);
      });
      return running.length === 2;
    }, 'two running runs in the store');
    const doc = await exportSweep(store, sweep.id, { now: EXPORTED_AT });
    release();
    await sweep.waitForCompletion();
    expect(doc.sweep.status).toBe('Running');
    // A run queued when exported is imported the same way.
    const queued: SweepDocument = {
      ...doc,
      runs: [
        ...doc.runs,
        {
          ...(doc.runs[0] as RunRecord),
          id: `${sweep.id}_2`,
          index: 2,
          status: 'Queued',
          startedAt: null,
          intervals: 0,
          bestMetric: null,
        },
      ],
    };

    const target = new MemoryStore();
    const result = await importSweep(target, parseSweepDocument(sweepDocumentText(queued)), { workspace: 'lab' });
    const stored = await target.getSweep(result.sweepId);
    expect(stored?.status).toBe('Canceled');
    expect(stored?.endReason).toEqual({
      kind: 'imported-unfinished',
      status: 'Running',
      exportedAt: '2024-06-01T00:00:00.000Z',
    });
    expect(stored?.endedAt).toBe(EXPORTED_AT);
    const runs = await target.listRuns(result.sweepId);
    expect(runs.map((r) => [r.status, r.termination])).toEqual([
      ['Canceled', { kind: 'imported-unfinished', status: 'Running' }],
      ['Canceled', { kind: 'imported-unfinished', status: 'Running' }],
      ['Canceled', { kind: 'imported-unfinished', status: 'Queued' }],
    ]);
    expect(runs.map((r) => r.endedAt)).toEqual([EXPORTED_AT, EXPORTED_AT, null]);
    expect(result.changes).toEqual([
      { kind: 'sweep-status', from: 'Running', to: 'Canceled' },
      { kind: 'run-status', runId: `${sweep.id}_0`, from: 'Running', to: 'Canceled' },
      { kind: 'run-status', runId: `${sweep.id}_1`, from: 'Running', to: 'Canceled' },
      { kind: 'run-status', runId: `${sweep.id}_2`, from: 'Queued', to: 'Canceled' },
    ]);
    // Nothing in the target says Queued or Running, so no page offers to continue it.
    expect((await target.listSweeps('lab')).filter((s) => s.status === 'Queued' || s.status === 'Running')).toEqual([]);
    // Its metrics came along, NaN included.
    expect((await target.listMetrics(result.sweepId, `${sweep.id}_0`)).map((p) => p.value)).toEqual([0.5, Number.NaN]);
  });
});

/** A Store that passes everything to a MemoryStore but fails its Nth write: a failing disk. */
class FailingStore implements Store {
  writes = 0;
  constructor(
    readonly inner: MemoryStore,
    private readonly failAt: number,
  ) {}
  private write(): void {
    this.writes += 1;
    if (this.writes === this.failAt) throw new Error(`disk full at write ${this.writes}`);
  }
  async putExperiment(record: ExperimentRecord): Promise<void> {
    this.write();
    return this.inner.putExperiment(record);
  }
  async putSweep(record: SweepRecord): Promise<void> {
    this.write();
    return this.inner.putSweep(record);
  }
  async putRun(record: RunRecord): Promise<void> {
    this.write();
    return this.inner.putRun(record);
  }
  async appendMetrics(points: readonly MetricPoint[]): Promise<void> {
    this.write();
    return this.inner.appendMetrics(points);
  }
  async appendDecisions(records: readonly DecisionRecord[]): Promise<void> {
    this.write();
    return this.inner.appendDecisions(records);
  }
  async putCheckpoint(record: CheckpointRecord): Promise<void> {
    this.write();
    return this.inner.putCheckpoint(record);
  }
  async flush(): Promise<void> {
    // A buffered store reports a lost batch here; count it as a write that can fail.
    this.write();
  }
  listExperiments = (workspace: string): Promise<ExperimentRecord[]> => this.inner.listExperiments(workspace);
  getSweep = (id: string): Promise<SweepRecord | undefined> => this.inner.getSweep(id);
  listSweeps = (workspace: string, experiment?: string): Promise<SweepRecord[]> =>
    this.inner.listSweeps(workspace, experiment);
  listRuns = (sweepId: string): Promise<RunRecord[]> => this.inner.listRuns(sweepId);
  listMetrics = (sweepId: string, runId?: string): Promise<MetricPoint[]> => this.inner.listMetrics(sweepId, runId);
  listDecisions = (sweepId: string): Promise<DecisionRecord[]> => this.inner.listDecisions(sweepId);
  latestCheckpoint = (runId: string): Promise<CheckpointRecord | undefined> => this.inner.latestCheckpoint(runId);
  deleteSweep = (id: string): Promise<void> => this.inner.deleteSweep(id);
  close = (): Promise<void> => this.inner.close();
}

describe('all or nothing', () => {
  it('removes what it wrote when any write fails, whichever it is, and throws that error', async () => {
    const { store: source, sweepId } = await richSweep();
    const doc = await exportSweep(source, sweepId);
    // A dry run counts the writes an import makes into a store that already has this sweep.
    const counting = new FailingStore(new MemoryStore(), 0);
    await richSweep(counting.inner);
    await importSweep(counting, doc, { workspace: 'lab', experiment: 'new-one' });
    const total = counting.writes;
    expect(total).toBeGreaterThan(doc.runs.length + 3);

    for (let failAt = 1; failAt <= total; failAt++) {
      const inner = new MemoryStore();
      await richSweep(inner);
      const store = new FailingStore(inner, failAt);
      const before = await storeSnapshot(inner, ['lab']);
      const error = await importSweep(store, doc, {
        workspace: 'lab',
        experiment: 'new-one',
        createSweepId: () => 'HD_new',
      }).catch((e: unknown) => e);
      expect((error as Error).message, `write ${failAt}`).toBe(`disk full at write ${failAt}`);
      expect(await inner.getSweep('HD_new')).toBeUndefined();
      expect(await inner.listRuns('HD_new')).toEqual([]);
      expect(await inner.listMetrics('HD_new')).toEqual([]);
      expect(await inner.listDecisions('HD_new')).toEqual([]);
      if (failAt < total) {
        expect(await storeSnapshot(inner, ['lab']), `write ${failAt}`).toStrictEqual(before);
      } else {
        // The last write is the flush after the experiment record. A buffered store that fails
        // it has lost that record with its batch; this double wrote it through already, and the
        // Store interface has no way to delete an experiment. The sweep is gone all the same.
        expect(await inner.listSweeps('lab')).toStrictEqual(
          await Promise.resolve((before as { lab: { sweeps: { sweep: unknown }[] } }).lab.sweeps.map((s) => s.sweep)),
        );
      }
    }
  });
});

describe('a large sweep', () => {
  it('1000 runs x 100 intervals x 4 metrics export and import quickly (times printed)', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({
      name: 'lab',
      store,
      random: new SeededRandom(3),
      createSweepId: sequentialIds('HD_big'),
    });
    const train: TrainFunction = async (params, run) => {
      const lr = Number(params['lr']);
      for (let i = 1; i <= 100; i++) {
        run.log('accuracy', i === 50 ? Number.NaN : lr * i);
        run.log('loss', 1 / i);
        run.log('val_accuracy', lr * i * 0.9);
        run.log('val_loss', i === 100 ? Number.POSITIVE_INFINITY : 1.1 / i);
        if (i % 25 === 0) await tick();
      }
    };
    const started = performance.now();
    const sweep = new Experiment(workspace, 'big').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }, { seed: 5 }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1000,
        maxConcurrentRuns: 50,
        // Judges every 10th interval and never cancels: 10 000 decisions with their numbers.
        policy: new BanditPolicy({ slackAmount: 1e9, evaluationInterval: 10, delayEvaluation: 0 }),
        train,
      }),
    );
    await sweep.waitForCompletion();
    const buildMs = performance.now() - started;

    const time = async <T>(work: () => T | Promise<T>): Promise<[T, number]> => {
      const start = performance.now();
      const result = await work();
      return [result, performance.now() - start];
    };
    const [doc, exportMs] = await time(() => exportSweep(store, sweep.id));
    const [text, textMs] = await time(() => sweepDocumentText(doc));
    const [parsed, parseMs] = await time(() => parseSweepDocument(text));
    const target = new MemoryStore();
    const [result, importMs] = await time(() => importSweep(target, parsed, { workspace: 'lab' }));
    const again = await exportSweep(target, sweep.id, { now: Date.parse(doc.exportedAt) });
    console.log(
      `1000 runs x 100 intervals x 4 metrics (${result.counts.metricPoints} points, ${result.counts.decisions} decisions): ` +
        `sweep itself ${buildMs.toFixed(0)} ms; exportSweep ${exportMs.toFixed(0)} ms, sweepDocumentText ${textMs.toFixed(0)} ms ` +
        `(${(text.length / 1e6).toFixed(1)} MB), parseSweepDocument ${parseMs.toFixed(0)} ms, importSweep ${importMs.toFixed(0)} ms`,
    );
    expect(result.counts.metricPoints).toBe(400_000);
    expect(again).toStrictEqual(doc);
  }, 120_000);
});
