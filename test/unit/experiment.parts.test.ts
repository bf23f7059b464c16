import { describe, expect, it } from 'vitest';
import { GridParameterSampling, HyperDriveConfig, MemoryStore, PrimaryMetricGoal, choice } from '../../src/index.js';
import { SweepEvents, type SweepEvent } from '../../src/experiment/events.js';
import { restoreRuns } from '../../src/experiment/restore.js';
import { RunState } from '../../src/experiment/run-state.js';
import { Scheduler } from '../../src/experiment/scheduler.js';
import { SweepWriter, type WriteFailure } from '../../src/experiment/sweep-writer.js';
import { MathRandom } from '../../src/random/math-random.js';
import type { MetricPoint, RunRecord, SweepRecord, TerminationRecord } from '../../src/store/records.js';

function config(maxTotalRuns = 4, maxConcurrentRuns = 2): HyperDriveConfig {
  return new HyperDriveConfig({
    hyperparameterSampling: new GridParameterSampling({ q: choice(1, 2, 3) }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns,
    maxConcurrentRuns,
    maxDurationMinutes: 10,
    train: () => undefined,
  });
}

function scheduler(capacity = 8, onStop: (t: TerminationRecord) => void = () => undefined, c = config()): Scheduler {
  return new Scheduler(c, { capacity, capacityNote: 'two cores' }, new MathRandom(), onStop);
}

function run(index: number, status: RunState['status']): RunState {
  const r = new RunState(`S_${index}`, 'S', index, { q: index }, 0);
  r.status = status;
  return r;
}

describe('Scheduler: what runs next and how the sweep ends', () => {
  it('clamps concurrency to the runner and says so', () => {
    const s = scheduler(1);
    expect(s.concurrency).toBe(1);
    expect(s.warnings).toEqual([
      "maxConcurrentRuns 2 exceeds what this device's pool holds (1): running 1 at a time (two cores)",
    ]);
    expect(scheduler(8).warnings).toEqual([]);
  });

  it('launches up to concurrency and maxTotalRuns, and nothing once stopping', () => {
    const s = scheduler();
    expect(s.canLaunch(0)).toBe(true);
    s.runStarted();
    s.runStarted();
    expect(s.canLaunch(2)).toBe(false);
    s.runEnded('Failed');
    expect(s.canLaunch(2)).toBe(true);
    expect(s.canLaunch(4)).toBe(false);
    s.requestStop({ kind: 'canceled' });
    expect(s.canLaunch(2)).toBe(false);
  });

  it('keeps the first stop reason and cancels the runs with it once', () => {
    const terminations: TerminationRecord[] = [];
    const s = scheduler(8, (t) => terminations.push(t));
    s.requestStop({ kind: 'max-duration' });
    s.requestStop({ kind: 'canceled' });
    expect(terminations).toEqual([{ kind: 'max-duration', minutes: 10 }]);
    expect(s.stopping).toBe(true);
    expect(s.ending([run(0, 'Completed')]).endReason).toEqual({ kind: 'max-duration', minutes: 10 });
  });

  it('holds launching after a run completes without the primary metric, until one logs it', () => {
    const s = scheduler();
    s.runStarted();
    s.runStarted();
    s.metricLogged('loss');
    s.runEnded('Completed');
    expect(s.awaitingMetric()).toBe(true);
    expect(s.canLaunch(2)).toBe(false);
    s.metricLogged('accuracy');
    expect(s.awaitingMetric()).toBe(false);
    expect(s.canLaunch(2)).toBe(true);
  });

  it('ends as all-runs-failed, space-exhausted or max-total-runs from its runs', () => {
    const failed = run(0, 'Failed');
    failed.error = { message: 'boom', stack: null };
    expect(scheduler().ending([failed])).toEqual({
      status: 'Failed',
      endReason: { kind: 'all-runs-failed', runs: 1 },
      error: { message: 'all 1 runs failed; the first with: boom', stack: null },
    });
    const s = scheduler();
    s.metricLogged('accuracy');
    expect(s.ending([run(0, 'Completed')]).endReason).toEqual({ kind: 'max-total-runs', runs: 1 });
    s.spaceExhausted();
    expect(s.ending([run(0, 'Completed')]).endReason).toEqual({ kind: 'space-exhausted', runs: 1 });
  });

  it('ends as metric-never-logged naming what was logged', () => {
    const s = scheduler();
    s.metricLogged('loss');
    expect(s.ending([run(0, 'Completed')])).toEqual({
      status: 'Failed',
      endReason: { kind: 'metric-never-logged', metric: 'accuracy', logged: ['loss'] },
      error: {
        message: 'primary metric "accuracy" was never logged by any run; metrics that were logged: loss',
        stack: null,
      },
    });
  });
});

describe('restoreRuns: continuing an interrupted sweep', () => {
  const sweep = { id: 'S', createdAt: 0, startedAt: 100 } as SweepRecord;
  const stored = (index: number, status: RunRecord['status'], attempt = 1): RunRecord =>
    ({
      ...run(index, status).toRecord(),
      attempt,
      startedAt: 100,
      endedAt: status === 'Running' ? null : 500,
    }) as RunRecord;
  const point = (runId: string, attempt: number, value: number, time: number): MetricPoint => ({
    sweepId: 'S',
    runId,
    attempt,
    name: 'accuracy',
    step: 0,
    value,
    time,
  });

  it('keeps finished runs with their results and re-runs unfinished ones as their next attempt', () => {
    const restored = restoreRuns(
      {
        record: sweep,
        runs: [stored(1, 'Running', 2), stored(0, 'Completed')],
        metrics: [point('S_0', 1, 0.5, 300), point('S_1', 2, 0.7, 900)],
      },
      config(),
    );
    expect(restored.runs.map((r) => [r.runId, r.status, r.attempt, r.bestMetric])).toEqual([
      ['S_0', 'Completed', 1, 0.5],
      ['S_1', 'Queued', 3, null],
    ]);
    expect(restored.relaunch.map((r) => r.runId)).toEqual(['S_1']);
    expect(restored.replay).toBe(2);
    expect(restored.elapsedMs).toBe(800);
    expect(restored.progress).toMatchObject({ primaryLogged: true, heldForMetric: true, loggedNames: ['accuracy'] });
    expect(restored.warning).toBe(
      'continued after an interruption: 1 unfinished run(s) re-run, 1 finished run(s) kept',
    );
  });
});

describe('SweepWriter: every write in order, each announced', () => {
  const record = (termination: TerminationRecord | null): RunRecord => ({
    ...run(0, 'Canceled').toRecord(),
    termination,
  });

  it('stores and announces runs, except that a paused run is announced only', async () => {
    const store = new MemoryStore();
    const events = new SweepEvents();
    const seen: SweepEvent['kind'][] = [];
    events.subscribe((e) => seen.push(e.kind));
    const writer = new SweepWriter(store, events, () => undefined);
    writer.putRun(record({ kind: 'sweep-paused', message: 'full' }));
    writer.appendMetrics([]);
    await writer.settle(() => undefined);
    expect(await store.listRuns('S')).toEqual([]);
    writer.putRun(record(null));
    await writer.settle(() => undefined);
    expect((await store.listRuns('S')).map((r) => r.id)).toEqual(['S_0']);
    expect(seen).toEqual(['run', 'run']);
  });

  it('reports a failed write as a value: storage full or a store error', async () => {
    const failures: WriteFailure['kind'][] = [];
    const store = new MemoryStore();
    let error: Error = new DOMException('q', 'QuotaExceededError');
    store.putRun = () => Promise.reject(error);
    const writer = new SweepWriter(store, new SweepEvents(), (f) => failures.push(f.kind));
    writer.putRun(record(null));
    await writer.settle(() => undefined);
    error = new Error('disk on fire');
    writer.putRun(record(null));
    await writer.settle(() => undefined);
    expect(failures).toEqual(['storage-full', 'store-error']);
  });

  it('a listener that throws breaks nothing', () => {
    const events = new SweepEvents();
    const seen: string[] = [];
    events.subscribe(() => {
      throw new Error('broken UI');
    });
    const unsubscribe = events.subscribe((e) => seen.push(e.kind));
    events.emit({ kind: 'run', run: record(null) });
    unsubscribe();
    events.emit({ kind: 'run', run: record(null) });
    expect(seen).toEqual(['run']);
  });
});
