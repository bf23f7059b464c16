import { describe, expect, it } from 'vitest';
import {
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  MemoryStore,
  PrimaryMetricGoal,
  Workspace,
  choice,
  type TrainFunction,
} from '../../src/index.js';
import type { CheckpointRecord, MetricPoint } from '../../src/store/records.js';
import { isStorageFull } from '../../src/store/storage-full.js';
import { sequentialIds, tick } from './helpers.js';

/** A real MemoryStore that starts refusing metric writes the way a full IndexedDB does. */
class FillingStore extends MemoryStore {
  points = 0;
  constructor(private readonly capacity: number) {
    super();
  }
  override async appendMetrics(points: readonly MetricPoint[]): Promise<void> {
    if (this.points + points.length > this.capacity) {
      const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      throw new Error('IndexedDbStore "x": appendMetrics failed: QuotaExceededError', { cause: quota });
    }
    this.points += points.length;
    await super.appendMetrics(points);
  }
}

describe('a full store pauses the sweep', () => {
  it('recognises a quota error however it is wrapped', () => {
    expect(isStorageFull(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(
      isStorageFull(
        new Error('outer', { cause: new Error('inner', { cause: new DOMException('q', 'QuotaExceededError') }) }),
      ),
    ).toBe(true);
    expect(isStorageFull(new Error('disk on fire'))).toBe(false);
  });

  it('stops with storage-full, leaves the stored sweep and its unfinished runs as Running, and says what to do', async () => {
    const store = new FillingStore(25);
    const workspace = new Workspace({ store, createSweepId: sequentialIds('HD_p') });
    const train: TrainFunction = async (params, run) => {
      for (let i = 1; i <= 20; i++) {
        run.log('accuracy', Number(params['q']) * i);
        await tick();
      }
    };
    const sweep = new Experiment(workspace, 'pause').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ q: choice(1, 2, 3) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 3,
        maxConcurrentRuns: 2,
        train,
      }),
    );
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Canceled');
    expect(record.endReason?.kind).toBe('storage-full');
    expect(record.error?.message).toMatch(/storage for this site is full.*continue this sweep/);
    const stored = await store.getSweep(sweep.id);
    expect(stored?.status).toBe('Running');
    const storedRuns = await store.listRuns(sweep.id);
    expect(storedRuns.every((r) => r.status !== 'Canceled')).toBe(true);
    for (const run of sweep.getChildren().filter((r) => r.status === 'Canceled'))
      expect(run.termination?.kind).toBe('sweep-paused');
  });

  it('a checkpoint that meets a full store pauses the sweep: no run Failed, the budget kept', async () => {
    /** A real MemoryStore whose checkpoint writes fail the way a full IndexedDB does. */
    class FullForCheckpoints extends MemoryStore {
      override async putCheckpoint(record: CheckpointRecord): Promise<void> {
        void record;
        const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        throw new Error('IndexedDbStore "x": putCheckpoint failed: QuotaExceededError', { cause: quota });
      }
    }
    const store = new FullForCheckpoints();
    const workspace = new Workspace({ store, createSweepId: sequentialIds('HD_c') });
    const train: TrainFunction = async (params, run) => {
      for (let i = 1; i <= 20; i++) {
        run.log('accuracy', Number(params['q']) * i);
        if (i === 3) await run.checkpoint(null, { i });
        await tick();
      }
    };
    const sweep = new Experiment(workspace, 'pause-checkpoint').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ q: choice(1, 2, 3, 4) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 4,
        maxConcurrentRuns: 2,
        train,
      }),
    );
    const record = await sweep.waitForCompletion();
    expect(record.endReason?.kind).toBe('storage-full');
    expect(record.error?.message).toMatch(/storage for this site is full/);
    const runs = sweep.getChildren();
    expect(runs.filter((r) => r.status === 'Failed')).toEqual([]);
    // The budget is kept: the runs not yet started were never started.
    expect(runs.filter((r) => r.status === 'Completed').length).toBeLessThan(4);
    expect((await store.getSweep(sweep.id))?.status).toBe('Running');
  });
});
