import { describe, expect, it } from 'vitest';
import {
  BayesianParameterSampling,
  ConfigError,
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  InProcessRunner,
  ManualClock,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  SeededRandom,
  Workspace,
  choice,
  uniform,
  type HyperDriveConfigOptions,
  type TrainFunction,
} from '../../src/index.js';
import { exportSweep, sweepDocumentText } from '../../src/export/export-sweep.js';
import { importSweep } from '../../src/export/import-sweep.js';
import { parseSweepDocument } from '../../src/export/parse-sweep-document.js';
import { durationLeftMs, expectLimitsChange, expectNote, moreRunsConfig } from '../../src/experiment/steering.js';
import { MAX_NOTE_LENGTH } from '../../src/store/records.js';
import { sequentialIds, tick, untilCanceled, waitFor } from './helpers.js';

function workspace(store = new MemoryStore(), clock = new ManualClock(0)): Workspace {
  return new Workspace({
    store,
    clock,
    runner: new InProcessRunner({ clock }),
    createSweepId: sequentialIds('HD_s'),
    random: new SeededRandom(7),
  });
}

/** Trials that run until the test opens their gate, so the test decides what is running. */
class Gates {
  readonly open = new Set<string>();
  readonly started: string[] = [];
  readonly train: TrainFunction = async (params, run) => {
    const key = String(params['q']);
    this.started.push(key);
    const state = run.resumeFrom?.state as { epoch: number } | null | undefined;
    for (let epoch = (state?.epoch ?? 0) + 1; epoch <= 3; epoch++) {
      run.log('accuracy', Number(params['q']) * epoch);
      await run.checkpoint(null, { epoch });
      while (!this.open.has(key) && !run.signal.aborted) await tick();
      if (run.signal.aborted) return untilCanceled(run);
    }
  };
}

function config(train: TrainFunction, patch: Partial<HyperDriveConfigOptions> = {}): HyperDriveConfig {
  return new HyperDriveConfig({
    hyperparameterSampling: new GridParameterSampling({ q: choice(1, 2, 3, 4, 5, 6) }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 6,
    maxConcurrentRuns: 2,
    train,
    ...patch,
  });
}

function errorOf(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

async function rejectionOf(act: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await act();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const running = (sweep: { getChildren(): { status: string }[] }): number =>
  sweep.getChildren().filter((r) => r.status === 'Running' || r.status === 'Queued').length;

describe('steering commands as values (semantics §8, steering)', () => {
  it('checks limits with the same field, rule and message as HyperDriveConfig', () => {
    const fromConfig = errorOf(() => config(async () => {}, { maxConcurrentRuns: 0 }));
    const fromSteer = errorOf(() => expectLimitsChange({ maxConcurrentRuns: 0 }));
    expect(fromSteer.message).toBe(fromConfig.message);
    expect(fromSteer.field).toBe('maxConcurrentRuns');
    const durationConfig = errorOf(() => config(async () => {}, { maxDurationMinutes: -1 }));
    expect(errorOf(() => expectLimitsChange({ maxDurationMinutes: -1 })).message).toBe(durationConfig.message);
    expect(errorOf(() => expectLimitsChange({ maxTotalRuns: 3 })).message).toMatch(/maxTotalRuns/);
    expect(expectLimitsChange({ maxConcurrentRuns: 4 })).toEqual({ maxConcurrentRuns: 4 });
  });

  it('computes the time left under a new duration limit', () => {
    expect(durationLeftMs(10, 4 * 60_000)).toBe(6 * 60_000);
    expect(durationLeftMs(3, 4 * 60_000)).toBe(0);
  });

  it('bounds notes and keeps them as plain text', () => {
    expect(expectNote('note', '<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(expectNote('note', '   ')).toBeNull();
    const long = errorOf(() => expectNote('note', 'x'.repeat(MAX_NOTE_LENGTH + 1)));
    expect(long.message).toContain(`must be at most ${MAX_NOTE_LENGTH} characters (got ${MAX_NOTE_LENGTH + 1})`);
    expect(errorOf(() => expectNote('note', 42)).message).toMatch(/note: must be text/);
  });

  it('refuses more runs on a running sweep, a smaller budget and an exhausted grid', () => {
    const record = {
      status: 'Completed' as const,
      endReason: { kind: 'space-exhausted' as const, runs: 6 },
      config: config(async () => {}).toRecord(),
    };
    const facts = { sampled: 6, spaceSize: 6, elapsedMs: 0 };
    expect(errorOf(() => moreRunsConfig(record, { maxTotalRuns: 8 }, facts)).message).toMatch(
      /grid's 6 configurations have all run, so the search space is exhausted/,
    );
    expect(errorOf(() => moreRunsConfig(record, { maxTotalRuns: 6 }, { ...facts, sampled: 3 })).message).toMatch(
      /must be more than the sweep's current maxTotalRuns \(6\)/,
    );
    expect(errorOf(() => moreRunsConfig(record, { maxTotalRuns: 1001 }, { ...facts, sampled: 3 })).field).toBe(
      'maxTotalRuns',
    );
    expect(errorOf(() => moreRunsConfig({ ...record, status: 'Running' }, { maxTotalRuns: 8 }, facts)).message).toMatch(
      /must name a finished sweep/,
    );
    expect(
      errorOf(() =>
        moreRunsConfig(
          record,
          { maxTotalRuns: 8, maxDurationMinutes: 1 },
          { ...facts, sampled: 3, elapsedMs: 120_000 },
        ),
      ).field,
    ).toBe('maxDurationMinutes');
    expect(moreRunsConfig(record, { maxTotalRuns: 8 }, { ...facts, sampled: 3 }).maxTotalRuns).toBe(8);
  });
});

describe('changing limits while a sweep runs', () => {
  it('raising concurrency starts more runs at once; lowering it lets running ones finish', async () => {
    const gates = new Gates();
    const ws = workspace();
    const sweep = new Experiment(ws, 'steer').submit(config(gates.train));
    await waitFor(() => gates.started.length === 2, 'two runs started');
    const applied = sweep.setLimits({ maxConcurrentRuns: 4 });
    expect(applied).toMatchObject({ maxConcurrentRuns: 4, concurrency: 4, warning: null });
    await waitFor(() => gates.started.length === 4, 'four runs started');
    expect(sweep.getDetails().concurrency).toBe(4);
    expect((await ws.store.getSweep(sweep.id))?.config.maxConcurrentRuns).toBe(4);
    sweep.setLimits({ maxConcurrentRuns: 1 });
    // Nothing running is stopped for it.
    gates.open.add('1');
    await waitFor(() => sweep.getChildren()[0]?.status === 'Completed', 'run 0 completed');
    for (let i = 0; i < 20; i++) await tick();
    expect(gates.started.length).toBe(4);
    expect(running(sweep)).toBe(3);
    for (const q of ['2', '3']) gates.open.add(q);
    await waitFor(() => running(sweep) === 1, 'one run left');
    for (let i = 0; i < 20; i++) await tick();
    expect(gates.started.length).toBe(4);
    gates.open.add('4');
    await waitFor(() => gates.started.length === 5, 'the fifth run, alone');
    expect(running(sweep)).toBe(1);
    for (const q of ['5', '6']) gates.open.add(q);
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Completed');
    expect(sweep.getChildren().map((r) => r.params['q'])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a new duration limit counts from the sweep start; one already passed stops it now', async () => {
    const clock = new ManualClock(0);
    const ws = workspace(new MemoryStore(), clock);
    const gates = new Gates();
    const sweep = new Experiment(ws, 'steer').submit(config(gates.train, { maxDurationMinutes: 10 }));
    await waitFor(() => gates.started.length === 2, 'two runs started');
    clock.advance(4 * 60_000);
    expect(sweep.setLimits({ maxDurationMinutes: 5 }).durationLeftMs).toBe(60_000);
    clock.advance(59_000);
    expect(sweep.getStatus()).toBe('Running');
    clock.advance(1_000);
    const record = await sweep.waitForCompletion();
    expect(record.endReason).toEqual({ kind: 'max-duration', minutes: 5 });
    expect(record.config.maxDurationMinutes).toBe(5);
    expect(() => sweep.setLimits({ maxConcurrentRuns: 3 })).toThrow(/must name a sweep that is still running/);

    const other = new Experiment(ws, 'steer').submit(config(new Gates().train, { maxDurationMinutes: 10 }));
    await waitFor(() => other.getChildren().length === 2, 'started');
    clock.advance(4 * 60_000);
    expect(other.setLimits({ maxDurationMinutes: 3 }).durationLeftMs).toBe(0);
    clock.advance(0);
    expect((await other.waitForCompletion()).endReason).toEqual({ kind: 'max-duration', minutes: 3 });
  });
});

describe('pause and resume', () => {
  it('finish-running: no new run starts, running ones complete, the stored sweep says paused; continuing loses nothing', async () => {
    const store = new MemoryStore();
    const ws = workspace(store);
    const gates = new Gates();
    const sweep = new Experiment(ws, 'steer').submit(config(gates.train));
    await waitFor(() => gates.started.length === 2, 'two runs started');
    expect(sweep.pause('finish-running')).toBe(true);
    expect(sweep.pause('stop-now')).toBe(false);
    expect(sweep.pausing).toBe('finish-running');
    for (const q of ['1', '2']) gates.open.add(q);
    const paused = await sweep.waitForCompletion();
    expect(paused.status).toBe('Running');
    expect(paused.paused).toMatchObject({ mode: 'finish-running' });
    expect(gates.started).toEqual(['1', '2']);
    expect((await store.getSweep(sweep.id))?.paused?.mode).toBe('finish-running');
    const stored = await store.listRuns(sweep.id);
    expect(stored.map((r) => r.status)).toEqual(['Completed', 'Completed']);

    for (const q of ['3', '4', '5', '6']) gates.open.add(q);
    const resumed = await new Experiment(ws, 'steer').continueSweep(sweep.id, config(gates.train));
    const record = await resumed.waitForCompletion();
    expect(record.status).toBe('Completed');
    expect(record.paused).toBeUndefined();
    const runs = await store.listRuns(sweep.id);
    expect(runs.map((r) => r.params['q'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(runs.every((r) => r.status === 'Completed' && r.intervals === 3)).toBe(true);
  });

  it('unpause takes back a finish-running pause while its runs still run', async () => {
    const gates = new Gates();
    const sweep = new Experiment(workspace(), 'steer').submit(config(gates.train));
    await waitFor(() => gates.started.length === 2, 'two runs started');
    sweep.pause('finish-running');
    gates.open.add('1');
    await waitFor(() => sweep.getChildren()[0]?.status === 'Completed', 'run 0 completed');
    for (let i = 0; i < 10; i++) await tick();
    expect(gates.started.length).toBe(2);
    expect(sweep.unpause()).toBe(true);
    await waitFor(() => gates.started.length === 3, 'launching goes on');
    for (const q of ['2', '3', '4', '5', '6']) gates.open.add(q);
    expect((await sweep.waitForCompletion()).status).toBe('Completed');
  });

  it('stop-now: running runs stop and wait (Queued) and re-run from their checkpoints on resume, within the budget', async () => {
    const store = new MemoryStore();
    const ws = workspace(store);
    const gates = new Gates();
    const sweep = new Experiment(ws, 'steer').submit(config(gates.train));
    await waitFor(
      () => sweep.getChildren().length === 2 && sweep.getChildren().every((r) => r.checkpoint?.sequence === 1),
      'two runs checkpointed',
    );
    expect(sweep.pause('stop-now')).toBe(true);
    expect(sweep.unpause()).toBe(false);
    const paused = await sweep.waitForCompletion();
    expect(paused.paused?.mode).toBe('stop-now');
    const parked = await store.listRuns(sweep.id);
    expect(parked.map((r) => [r.status, r.intervals, r.termination])).toEqual([
      ['Queued', 1, null],
      ['Queued', 1, null],
    ]);

    for (const q of ['1', '2', '3', '4', '5', '6']) gates.open.add(q);
    const resumed = await new Experiment(ws, 'steer').continueSweep(sweep.id, config(gates.train));
    expect(resumed.warnings.join(' ')).toMatch(/resumed after a pause: 2 stopped run\(s\) re-run/);
    await resumed.waitForCompletion();
    const runs = await store.listRuns(sweep.id);
    expect(runs.map((r) => r.params['q'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(runs.every((r) => r.status === 'Completed')).toBe(true);
    expect(runs.slice(0, 2).map((r) => [r.attempt, r.intervals, r.resumedFrom?.sequence])).toEqual([
      [2, 3, 1],
      [2, 3, 1],
    ]);
    // Their curves go on from the checkpoint: epoch 1 carried over, epochs 2-3 trained again.
    const points = (await store.listMetrics(sweep.id)).filter((p) => p.runId === runs[0]?.id && p.attempt === 2);
    expect(points.map((p) => p.value)).toEqual([1, 2, 3]);
  });
});

describe('continue with more runs', () => {
  it('a finished Sobol sweep goes on with the same sequence, as if it had asked for more at first', async () => {
    const sobol = (): RandomParameterSampling =>
      new RandomParameterSampling({ x: uniform(0, 1), y: uniform(0, 1) }, { rule: 'sobol', seed: 3 });
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', Number(params['x']) + Number(params['y']));
    };
    const base = { hyperparameterSampling: sobol(), maxTotalRuns: 3, maxConcurrentRuns: 1, train };
    const ws = workspace();
    const first = new Experiment(ws, 'more').submit(config(train, base));
    expect((await first.waitForCompletion()).endReason).toEqual({ kind: 'max-total-runs', runs: 3 });
    const more = await new Experiment(ws, 'more').continueWithMoreRuns(
      first.id,
      config(train, { ...base, hyperparameterSampling: sobol(), maxTotalRuns: 6 }),
    );
    const record = await more.waitForCompletion();
    expect(record.endReason).toEqual({ kind: 'max-total-runs', runs: 6 });
    expect(record.config.maxTotalRuns).toBe(6);
    expect(record.warnings.join(' ')).toMatch(/continued with more runs: maxTotalRuns 3 → 6, 3 run\(s\) kept/);

    const once = new Experiment(workspace(), 'more').submit(
      config(train, { ...base, hyperparameterSampling: sobol(), maxTotalRuns: 6 }),
    );
    await once.waitForCompletion();
    expect(more.getChildren().map((r) => r.params)).toEqual(once.getChildren().map((r) => r.params));
    expect(more.getChildren().map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  // The Bayesian sampler keeps no state between suggestions: each is a function of its seed and
  // the observations (bayesian-sampler.ts seeds every draw with the observation count), so it is
  // replay-deterministic, and a continued sweep must suggest exactly what an uninterrupted sweep
  // of the larger budget would have, which it can only do if it sees every earlier run.
  it('a finished Bayesian sweep goes on from all its observations, as if it had asked for more at first', async () => {
    const bayesian = (): BayesianParameterSampling =>
      new BayesianParameterSampling({ x: uniform(0, 1), y: uniform(0, 1) }, { seed: 11 });
    // A peak away from the first Sobol points, so the model's suggestions depend on the results.
    const train: TrainFunction = async (params, run) => {
      const x = Number(params['x']);
      const y = Number(params['y']);
      run.log('accuracy', 1 - (x - 0.7) ** 2 - (y - 0.2) ** 2);
    };
    // Four quasi-random starts (two dimensions + 1, at least 4), then the model: the first sweep
    // ends after two model suggestions, the continued one adds three more.
    const base = { hyperparameterSampling: bayesian(), maxTotalRuns: 6, maxConcurrentRuns: 1, train };
    const ws = workspace();
    const first = new Experiment(ws, 'bayes').submit(config(train, base));
    expect((await first.waitForCompletion()).endReason).toEqual({ kind: 'max-total-runs', runs: 6 });
    const more = await new Experiment(ws, 'bayes').continueWithMoreRuns(
      first.id,
      config(train, { ...base, hyperparameterSampling: bayesian(), maxTotalRuns: 9 }),
    );
    const record = await more.waitForCompletion();
    expect(record.endReason).toEqual({ kind: 'max-total-runs', runs: 9 });
    expect(record.warnings.join(' ')).toMatch(/continued with more runs: maxTotalRuns 6 → 9, 6 run\(s\) kept/);

    const once = new Experiment(workspace(), 'bayes').submit(
      config(train, { ...base, hyperparameterSampling: bayesian(), maxTotalRuns: 9 }),
    );
    await once.waitForCompletion();
    const params = more.getChildren().map((r) => r.params);
    expect(params).toEqual(once.getChildren().map((r) => r.params));
    expect(more.getChildren().map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(params.map((p) => JSON.stringify(p))).size).toBe(9);
    // The first continued suggestion is the model's answer to all six earlier runs and their
    // results: other results for the same six runs give another suggestion.
    const sampler = bayesian().createSampler(new SeededRandom(0));
    const observed = more.getChildren().map((r) => ({
      params: r.params,
      best: r.bestMetric ?? undefined,
      state: 'completed' as const,
    }));
    const goal = PrimaryMetricGoal.MAXIMIZE;
    expect(await sampler.next({ goal, observations: observed.slice(0, 6) })).toEqual(params[6]);
    const reversed = observed.slice(0, 6).map((o) => ({ ...o, best: o.best === undefined ? undefined : -o.best }));
    expect(await sampler.next({ goal, observations: reversed })).not.toEqual(params[6]);
  });

  it('a finished random sweep with a seed goes on with the same draws, none repeated', async () => {
    const random = (): RandomParameterSampling =>
      new RandomParameterSampling({ x: uniform(0, 1), q: choice(1, 2, 3) }, { rule: 'random', seed: 5 });
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', Number(params['x']) * Number(params['q']));
    };
    const base = { hyperparameterSampling: random(), maxTotalRuns: 4, maxConcurrentRuns: 2, train };
    const ws = workspace();
    const first = new Experiment(ws, 'random').submit(config(train, base));
    await first.waitForCompletion();
    const more = await new Experiment(ws, 'random').continueWithMoreRuns(
      first.id,
      config(train, { ...base, hyperparameterSampling: random(), maxTotalRuns: 7 }),
    );
    expect((await more.waitForCompletion()).endReason).toEqual({ kind: 'max-total-runs', runs: 7 });
    const once = new Experiment(workspace(), 'random').submit(
      config(train, { ...base, hyperparameterSampling: random(), maxTotalRuns: 7 }),
    );
    await once.waitForCompletion();
    const byIndex = (runs: readonly { index: number; params: unknown }[]) =>
      [...runs].sort((a, b) => a.index - b.index).map((r) => r.params);
    expect(byIndex(more.getChildren())).toEqual(byIndex(once.getChildren()));
    expect(new Set(byIndex(more.getChildren()).map((p) => JSON.stringify(p))).size).toBe(7);
  });

  it('a grid continues at its position, and an exhausted grid says so', async () => {
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', Number(params['q']));
    };
    const ws = workspace();
    const first = new Experiment(ws, 'grid').submit(config(train, { maxTotalRuns: 4 }));
    await first.waitForCompletion();
    const notSame = await rejectionOf(() =>
      new Experiment(ws, 'grid').continueWithMoreRuns(
        first.id,
        config(train, { maxTotalRuns: 12, primaryMetricName: 'loss' }),
      ),
    );
    expect(notSame.field).toBe('config');
    const more = await new Experiment(ws, 'grid').continueWithMoreRuns(first.id, config(train, { maxTotalRuns: 10 }));
    const record = await more.waitForCompletion();
    expect(more.getChildren().map((r) => r.params['q'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(record.endReason).toEqual({ kind: 'space-exhausted', runs: 6 });
    const error = await rejectionOf(() =>
      new Experiment(ws, 'grid').continueWithMoreRuns(first.id, config(train, { maxTotalRuns: 12 })),
    );
    expect(error.field).toBe('maxTotalRuns');
    expect(error.message).toMatch(/search space is exhausted/);
  });
});

describe('notes', () => {
  it('are stored on the sweep and its runs, survive a continue, and travel through export and import', async () => {
    const store = new MemoryStore();
    const ws = workspace(store);
    const gates = new Gates();
    const sweep = new Experiment(ws, 'notes').submit(config(gates.train, { maxTotalRuns: 2 }));
    await waitFor(() => gates.started.length === 2, 'started');
    const payload = '<script>alert("x")</script> & <b>bold</b>';
    sweep.setNote(payload);
    expect(sweep.setRunNote(`${sweep.id}_1`, 'run note')).toBe(true);
    expect(sweep.setRunNote('nope', 'x')).toBe(false);
    expect(() => sweep.setNote('x'.repeat(MAX_NOTE_LENGTH + 1))).toThrow(ConfigError);
    gates.open.add('1');
    gates.open.add('2');
    const record = await sweep.waitForCompletion();
    expect(record.note).toBe(payload);
    expect((await store.getSweep(sweep.id))?.note).toBe(payload);
    expect((await store.listRuns(sweep.id)).map((r) => r.note)).toEqual([undefined, 'run note']);

    const text = sweepDocumentText(await exportSweep(store, sweep.id));
    const other = new MemoryStore();
    const imported = await importSweep(other, parseSweepDocument(text), { workspace: 'w2' });
    expect((await other.getSweep(imported.sweepId))?.note).toBe(payload);
    expect((await other.listRuns(imported.sweepId)).map((r) => r.note)).toEqual([undefined, 'run note']);

    // A document from before notes existed still loads; one with an over-long note is refused by field.
    const old = JSON.parse(text) as { sweep: Record<string, unknown> };
    delete old.sweep['note'];
    expect(parseSweepDocument(JSON.stringify(old)).sweep.note).toBeUndefined();
    old.sweep['note'] = 'x'.repeat(MAX_NOTE_LENGTH + 1);
    expect(() => parseSweepDocument(JSON.stringify(old))).toThrow(/sweep\.note: must be at most 2000 characters/);
  });
});
