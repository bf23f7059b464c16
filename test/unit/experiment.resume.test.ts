import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
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
  type ParameterSampling,
  type PriorRun,
  type PriorSweep,
  type Sampler,
  type TrainFunction,
} from '../../src/index.js';
import type { SamplerContext } from '../../src/sampling/sampler.js';
import type { RunRecord } from '../../src/store/records.js';
import { sequentialIds, tick, untilCanceled, waitFor } from './helpers.js';

function workspace(store = new MemoryStore(), prefix = 'HD_'): Workspace {
  return new Workspace({ store, createSweepId: sequentialIds(prefix), random: new SeededRandom(1) });
}

/** A trial logging `quality * i` for `intervals` reports. */
const curve =
  (intervals: number): TrainFunction =>
  async (params, run) => {
    for (let i = 1; i <= intervals; i++) {
      run.log('accuracy', Number(params['quality']) * (i / intervals));
      await tick();
    }
  };

async function finishedSweep(
  ws: Workspace,
  qualities: number[],
  patch: Partial<HyperDriveConfigOptions> = {},
): Promise<PriorSweep> {
  const sweep = new Experiment(ws, 'parent').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new GridParameterSampling({ quality: choice(...qualities) }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: qualities.length,
      train: curve(3),
      ...patch,
    }),
  );
  await sweep.waitForCompletion();
  return sweep.toPrior();
}

function base(patch: Partial<HyperDriveConfigOptions> = {}): HyperDriveConfigOptions {
  return {
    hyperparameterSampling: new GridParameterSampling({ quality: choice(0.1, 0.2, 0.3, 0.4) }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 4,
    train: curve(3),
    ...patch,
  };
}

function configError(options: HyperDriveConfigOptions): ConfigError {
  try {
    new HyperDriveConfig(options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function withStatus(prior: PriorSweep, status: RunRecord['status']): PriorSweep {
  return { ...prior, record: { ...prior.record, status } };
}

describe('resumeFrom rules (semantics §8), each with its own message', () => {
  it('accepts up to 5 finished sweeps with the same metric and goal', async () => {
    const ws = workspace();
    const priors = [await finishedSweep(ws, [0.5]), await finishedSweep(ws, [0.6])];
    const config = new HyperDriveConfig(base({ resumeFrom: priors }));
    expect(config.resumeFrom).toHaveLength(2);
    expect(config.toRecord().resumeFrom).toEqual([priors[0]?.record.id, priors[1]?.record.id]);
  });

  it('refuses each broken rule naming the field, the rule and the value', async () => {
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.5, 0.6]);
    const minimize = await finishedSweep(ws, [0.5], { primaryMetricGoal: PrimaryMetricGoal.MINIMIZE });
    const other = await finishedSweep(ws, [0.5], {
      primaryMetricName: 'val_accuracy',
      train: async (_p, run) => run.log('val_accuracy', 1),
    });
    const six = await Promise.all(Array.from({ length: 6 }, () => finishedSweep(ws, [0.1])));
    const cases: [string, Partial<HyperDriveConfigOptions>, string][] = [
      [
        'not an array',
        { resumeFrom: 'HD_0' as never },
        'resumeFrom: must be an array of earlier sweeps (workspace.loadPriorSweep(id) or sweep.toPrior()) (got "HD_0")',
      ],
      [
        'an id instead of a sweep',
        { resumeFrom: ['HD_0'] as never },
        'resumeFrom[0]: must be an earlier sweep from workspace.loadPriorSweep(id) or sweep.toPrior() (got "HD_0")',
      ],
      ['more than 5', { resumeFrom: six }, 'resumeFrom: may name at most 5 earlier sweeps (got "6 sweeps")'],
      [
        'twice the same',
        { resumeFrom: [prior, prior] },
        `resumeFrom[1]: must not name a sweep already listed (got "${prior.record.id}")`,
      ],
      [
        'still running',
        { resumeFrom: [withStatus(prior, 'Running')] },
        `resumeFrom[0].status: must be Completed or Canceled to warm-start from sweep ${prior.record.id} (got "Running")`,
      ],
      [
        'failed',
        { resumeFrom: [withStatus(prior, 'Failed')] },
        `resumeFrom[0].status: must be Completed or Canceled to warm-start from sweep ${prior.record.id} (got "Failed")`,
      ],
      [
        'another metric',
        { resumeFrom: [other] },
        `resumeFrom[0].primaryMetricName: must be this sweep's primary metric "accuracy" (sweep ${other.record.id}) (got "val_accuracy")`,
      ],
      [
        'another goal',
        { resumeFrom: [minimize] },
        `resumeFrom[0].primaryMetricGoal: must be this sweep's goal MAXIMIZE (sweep ${minimize.record.id}) (got "MINIMIZE")`,
      ],
      [
        'over the ceiling',
        { resumeFrom: [prior], maxTotalRuns: 999 },
        'maxTotalRuns: together with the 2 runs of the resumeFrom sweeps must not exceed 1000 (at most 998 here) (got 999)',
      ],
    ];
    for (const [name, patch, message] of cases) {
      const error = configError(base(patch));
      expect(error.message, name).toBe(message);
      expect(error.field, name).toBe(message.slice(0, message.indexOf(':')));
    }
    expect(() => new HyperDriveConfig(base({ resumeFrom: [prior], maxTotalRuns: 998 }))).not.toThrow();
  });

  it('the early-termination policy judges new runs against the parents’ runs', async () => {
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.9]);
    const sweep = new Experiment(ws, 'child').submit(
      new HyperDriveConfig(
        base({
          hyperparameterSampling: new GridParameterSampling({ quality: choice(0.5) }),
          maxTotalRuns: 1,
          policy: new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 1 }),
          resumeFrom: [prior],
        }),
      ),
    );
    await sweep.waitForCompletion();
    const [run] = sweep.getChildren();
    // Alone in its own sweep it would never be cut; beside the parent's 0.9 run it is at once.
    expect(run?.status).toBe('Canceled');
    expect(run?.termination?.kind === 'policy' && run.termination.decision.interval).toBe(1);
    const evidence = run?.termination?.kind === 'policy' ? run.termination.decision.evidence : null;
    expect(evidence).toMatchObject({ policy: 'bandit', comparedRuns: 2 });
    expect(evidence !== null && 'best' in evidence && evidence.best).toBeCloseTo(0.3);
  });

  it('with random sampling too, the policy judges new runs against the parents’ runs', async () => {
    // Random draws of quality in [0.46, 0.5]: at interval 1 a run logs at most 0.5/3 ≈ 0.167, and
    // Bandit's bar beside the parent's 0.9 run is 0.3/(1+0.1) ≈ 0.273. Two draws are never more
    // than 10% apart (0.5/0.46 < 1.1), so without the parent no run is cut.
    const child = (resumeFrom: PriorSweep[]): HyperDriveConfig =>
      new HyperDriveConfig(
        base({
          hyperparameterSampling: new RandomParameterSampling({ quality: uniform(0.46, 0.5) }, { seed: 7 }),
          maxTotalRuns: 2,
          maxConcurrentRuns: 1,
          policy: new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 1 }),
          resumeFrom,
        }),
      );
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.9]);
    const warm = new Experiment(ws, 'child').submit(child([prior]));
    await warm.waitForCompletion();
    const runs = warm.getChildren();
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.status).toBe('Canceled');
      expect(run.termination?.kind === 'policy' && run.termination.decision.interval).toBe(1);
      const evidence = run.termination?.kind === 'policy' ? run.termination.decision.evidence : null;
      expect(evidence).toMatchObject({ policy: 'bandit' });
      // The best it is measured against is the parent's, not any run of its own sweep.
      expect(evidence !== null && 'best' in evidence && evidence.best).toBeCloseTo(0.3);
    }

    // The same sweep without the parent: both run to the end.
    const cold = new Experiment(workspace(), 'child').submit(child([]));
    await cold.waitForCompletion();
    expect(cold.getChildren().map((r) => [r.status, r.intervals])).toEqual([
      ['Completed', 3],
      ['Completed', 3],
    ]);
  });

  it('a grid skips configurations the parents completed (Beyond)', async () => {
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.1, 0.3]);
    const sweep = new Experiment(ws, 'child').submit(new HyperDriveConfig(base({ resumeFrom: [prior] })));
    const record = await sweep.waitForCompletion();
    expect(sweep.getChildren().map((r) => r.params['quality'])).toEqual([0.2, 0.4]);
    expect(record.endReason).toEqual({ kind: 'space-exhausted', runs: 2 });
  });

  it('a sampler is given the parents’ runs as priors', async () => {
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.1, 0.3]);
    const seen: SamplerContext[] = [];
    const inner = new RandomParameterSampling({ quality: uniform(0, 1) }, { seed: 1 });
    const recording: ParameterSampling = {
      kind: 'random',
      space: inner.space,
      size: undefined,
      toRecord: () => inner.toRecord(),
      createSampler: (random): Sampler => {
        const sampler = inner.createSampler(random);
        return {
          next: (context) => {
            seen.push(context);
            return sampler.next(context);
          },
        };
      },
    };
    const sweep = new Experiment(ws, 'child').submit(
      new HyperDriveConfig(base({ hyperparameterSampling: recording, maxTotalRuns: 1, resumeFrom: [prior] })),
    );
    await sweep.waitForCompletion();
    expect(seen[0]?.priors?.map((p) => [p.params['quality'], p.best, p.state])).toEqual([
      [0.1, 0.1, 'completed'],
      [0.3, 0.3, 'completed'],
    ]);
    expect(seen[0]?.goal).toBe(PrimaryMetricGoal.MAXIMIZE);
  });
});

/** A trial that counts epochs in its checkpoint state, starting after `run.resumeFrom`'s. */
function epochTrial(epochs: number, trained: string[]): TrainFunction {
  return async (params, run) => {
    const state = run.resumeFrom?.state as { epoch: number } | null | undefined;
    for (let epoch = (state?.epoch ?? 0) + 1; epoch <= epochs; epoch++) {
      trained.push(`${String(params['quality'])}@${epoch}`);
      run.log('loss', 1 / epoch);
      run.log('accuracy', Number(params['quality']) * epoch);
      await run.checkpoint(null, { epoch });
      await tick();
    }
  };
}

describe('resumeChildRuns (semantics §8)', () => {
  async function canceledParent(ws: Workspace, trained: string[]): Promise<{ id: string; runs: RunRecord[] }> {
    const clock = new ManualClock(0);
    const runnerWs = new Workspace({
      store: ws.store,
      clock,
      runner: new InProcessRunner({ clock }),
      createSweepId: sequentialIds('HD_parent'),
    });
    // Six epochs wanted; the sweep's time runs out after the third.
    const train: TrainFunction = async (params, run) => {
      await epochTrial(3, trained)(params, run);
      await untilCanceled(run);
    };
    const sweep = new Experiment(runnerWs, 'parent').submit(
      new HyperDriveConfig(
        base({
          hyperparameterSampling: new GridParameterSampling({ quality: choice(0.1, 0.2) }),
          maxTotalRuns: 2,
          maxDurationMinutes: 1,
          train,
        }),
      ),
    );
    await waitFor(
      () => sweep.getChildren().length === 2 && sweep.getChildren().every((r) => r.checkpoint?.sequence === 3),
      'three checkpoints per run',
    );
    clock.advance(60_000);
    await sweep.waitForCompletion();
    return { id: sweep.id, runs: sweep.getChildren() };
  }

  it('continues runs from their latest checkpoint with the same hyperparameters, their curves carried over', async () => {
    const store = new MemoryStore();
    const ws = workspace(store);
    const trained: string[] = [];
    const parent = await canceledParent(ws, trained);
    expect(parent.runs.map((r) => [r.status, r.intervals])).toEqual([
      ['Canceled', 3],
      ['Canceled', 3],
    ]);
    const priors = await ws.loadPriorRuns(parent.id);
    trained.length = 0;
    const sweep = new Experiment(ws, 'child').submit(
      new HyperDriveConfig(
        base({
          hyperparameterSampling: new GridParameterSampling({ quality: choice(0.7) }),
          maxTotalRuns: 3,
          resumeChildRuns: priors,
          train: epochTrial(6, trained),
        }),
      ),
    );
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Completed');
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.params['quality'])).toEqual([0.1, 0.2, 0.7]);
    // The resumed runs trained epochs 4-6 only, the new one all six: fewer steps, same end.
    expect(trained.filter((t) => t.startsWith('0.1@'))).toEqual(['0.1@4', '0.1@5', '0.1@6']);
    expect(trained.filter((t) => t.startsWith('0.7@'))).toHaveLength(6);
    for (const run of runs) expect(run.intervals).toBe(6);
    expect(runs[0]?.resumedFrom).toEqual({ sweepId: parent.id, runId: parent.runs[0]?.id, sequence: 3 });
    expect(runs[2]?.resumedFrom).toBeNull();
    const metrics = sweep.getMetrics()[runs[0]?.id ?? ''];
    expect(metrics?.['accuracy']).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001]);
    // The carried-over history is stored under the new run too.
    const stored = await store.listMetrics(sweep.id, runs[0]?.id);
    expect(stored.filter((p) => p.name === 'accuracy').map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await store.latestCheckpoint(runs[0]?.id ?? '')).toMatchObject({ sequence: 3, state: { epoch: 6 } });
  });

  it('refuses each broken rule naming the field, the rule and the value', async () => {
    const ws = workspace();
    const trained: string[] = [];
    const parent = await canceledParent(ws, trained);
    const priors = await ws.loadPriorRuns(parent.id);
    const first = priors[0] as PriorRun;
    const running: PriorRun = { ...first, run: { ...first.run, status: 'Running' } };
    const noCheckpoint: PriorRun = { ...first, run: { ...first.run, checkpoint: null } };
    const fromSweeps = Array.from(
      { length: 6 },
      (_, i): PriorRun => ({
        ...first,
        sweep: { ...first.sweep, id: `HD_other${i}` },
        run: { ...first.run, id: `HD_other${i}_0` },
      }),
    );
    const cases: [string, Partial<HyperDriveConfigOptions>, string][] = [
      ['not an array', { resumeChildRuns: first as never }, 'resumeChildRuns: must be an array of earlier runs'],
      [
        'an id',
        { resumeChildRuns: ['HD_0_1'] as never },
        'resumeChildRuns[0]: must be an earlier run from workspace.loadPriorRuns(sweepId, runIds) or sweep.priorRun(id) (got "HD_0_1")',
      ],
      [
        'twice',
        { resumeChildRuns: [first, first] },
        `resumeChildRuns[1]: must not name a run already listed (got "${first.run.id}")`,
      ],
      [
        'not ended',
        { resumeChildRuns: [running] },
        `resumeChildRuns[0].status: must be Completed, Canceled or Failed to resume run ${first.run.id} (got "Running")`,
      ],
      [
        'no checkpoint',
        { resumeChildRuns: [noCheckpoint] },
        `resumeChildRuns[0].checkpoint: is required: run ${first.run.id} saved no checkpoint to resume from (run.checkpoint was never called) (got null)`,
      ],
      [
        'from 6 sweeps',
        { resumeChildRuns: fromSweeps, maxTotalRuns: 10 },
        'resumeChildRuns: may take runs from at most 5 sweeps',
      ],
      [
        'more than maxTotalRuns',
        { resumeChildRuns: priors, maxTotalRuns: 1 },
        'resumeChildRuns: must not hold more runs than maxTotalRuns (1): resumed runs are this sweep\'s first runs (got "2 runs")',
      ],
    ];
    for (const [name, patch, message] of cases) {
      const error = configError(base(patch));
      expect(error.message.startsWith(message), `${name}: ${error.message}`).toBe(true);
      expect(error.field, name).toBe(message.slice(0, message.indexOf(':')));
    }
  });

  it('a run whose checkpoint is gone fails with the reason; the sweep goes on', async () => {
    const store = new MemoryStore();
    const ws = workspace(store);
    const parent = await canceledParent(ws, []);
    const priors = await ws.loadPriorRuns(parent.id);
    await store.deleteSweep(parent.id);
    const sweep = new Experiment(ws, 'child').submit(
      new HyperDriveConfig(
        base({
          hyperparameterSampling: new GridParameterSampling({ quality: choice(0.7) }),
          maxTotalRuns: 3,
          resumeChildRuns: priors,
          train: epochTrial(2, []),
        }),
      ),
    );
    await sweep.waitForCompletion();
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Failed', 'Failed', 'Completed']);
    expect(runs[0]?.error?.message).toBe(
      `ResumeError: the checkpoint of run ${priors[0]?.run.id} is no longer stored (its sweep may have been deleted)`,
    );
  });
});

describe('continuing an interrupted sweep resumes unfinished runs from their own checkpoints', () => {
  it('carries the checkpointed part of the curve into the next attempt and trains only the rest', async () => {
    const store = new MemoryStore();
    const trained: string[] = [];
    const clock = new ManualClock(0);
    const first = new Workspace({
      store,
      clock,
      runner: new InProcessRunner({ clock }),
      createSweepId: sequentialIds('HD_int'),
    });
    // The page "goes away" after epoch 2: the trial never reports again and nothing ends it.
    const stall: TrainFunction = async (params, run) => {
      await epochTrial(2, trained)(params, run);
      await new Promise(() => {});
    };
    const options = base({
      hyperparameterSampling: new GridParameterSampling({ quality: choice(0.5) }),
      maxTotalRuns: 1,
    });
    const sweep = new Experiment(first, 'int').submit(new HyperDriveConfig({ ...options, train: stall }));
    await waitFor(() => sweep.getChildren()[0]?.checkpoint?.sequence === 2, 'two checkpoints');
    await store.flush();

    trained.length = 0;
    const second = new Workspace({ store, createSweepId: sequentialIds('unused') });
    const continued = await new Experiment(second, 'int').continueSweep(
      sweep.id,
      new HyperDriveConfig({ ...options, train: epochTrial(5, trained) }),
    );
    await continued.waitForCompletion();
    const [run] = continued.getChildren();
    expect(trained).toEqual(['0.5@3', '0.5@4', '0.5@5']);
    expect(run).toMatchObject({ attempt: 2, status: 'Completed', intervals: 5 });
    expect(run?.resumedFrom).toEqual({ sweepId: sweep.id, runId: run?.id, sequence: 2 });
    expect(continued.getMetrics()[run?.id ?? '']?.['accuracy']).toEqual([0.5, 1, 1.5, 2, 2.5]);
    expect(await store.latestCheckpoint(run?.id ?? '')).toMatchObject({ attempt: 2, sequence: 5, state: { epoch: 5 } });
  });
});

describe('Bayesian warm start', () => {
  const objective: TrainFunction = (params, run) => {
    const x = Number(params['x']);
    run.log('accuracy', 1 - (x - 0.7) ** 2);
  };

  it('uses the parents’ results as prior observations: its first suggestion is already near the optimum', async () => {
    const { BayesianParameterSampling } = await import('../../src/index.js');
    const ws = workspace();
    const parent = new Experiment(ws, 'bo').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new RandomParameterSampling({ x: uniform(0, 1) }, { seed: 5 }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 15,
        train: objective,
      }),
    );
    await parent.waitForCompletion();
    const prior = await parent.toPrior();
    const child = (resumeFrom: PriorSweep[]) =>
      new Experiment(ws, 'bo').submit(
        new HyperDriveConfig({
          hyperparameterSampling: new BayesianParameterSampling({ x: uniform(0, 1) }, { seed: 1 }),
          primaryMetricName: 'accuracy',
          primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
          maxTotalRuns: 1,
          train: objective,
          resumeFrom,
        }),
      );
    const warm = child([prior]);
    await warm.waitForCompletion();
    const x = Number(warm.getChildren()[0]?.params['x']);
    expect(Math.abs(x - 0.7)).toBeLessThan(0.1);
    const bestParent = Math.max(...parent.getChildren().map((r) => r.bestMetric ?? -Infinity));
    expect(warm.getChildren()[0]?.bestMetric).toBeGreaterThanOrEqual(bestParent - 0.01);
    const cold = child([]);
    await cold.waitForCompletion();
    expect(cold.getChildren()[0]?.params['x']).not.toBe(x);
  });

  it('refuses parents over another search space, naming the rule', async () => {
    const { BayesianParameterSampling } = await import('../../src/index.js');
    const ws = workspace();
    const prior = await finishedSweep(ws, [0.5]);
    const error = configError(
      base({ hyperparameterSampling: new BayesianParameterSampling({ x: uniform(0, 1) }), resumeFrom: [prior] }),
    );
    expect(error.field).toBe('resumeFrom[0].searchSpace');
    expect(error.message).toMatch(
      /^resumeFrom\[0\]\.searchSpace: must be this sweep's search space: Bayesian sampling warm-starts only from sweeps over the same space/,
    );
  });
});
