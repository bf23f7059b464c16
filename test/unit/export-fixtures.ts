import {
  BanditPolicy,
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
  type Store,
  type TrainFunction,
} from '../../src/index.js';
import { sequentialIds } from './helpers.js';

/** 2024-01-02T03:04:05.000Z: a fixed start so times in expected CSV text are readable. */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

/**
 * A sweep with everything an export must carry: a nested choice space, several metrics with
 * NaN and ±Infinity, logList, a failing run, runs cancelled by a Bandit policy, checkpoint
 * summaries and a sweep warning. Concurrency 2 on a manual clock, so it is reproducible.
 */
export async function richSweep(
  store: Store = new MemoryStore(),
  prefix = 'HD_rich',
): Promise<{ store: Store; sweepId: string }> {
  const clock = new ManualClock(T0);
  const workspace = new Workspace({
    name: 'lab',
    store,
    clock,
    // Smaller than maxConcurrentRuns, so the sweep carries a warning.
    runner: new InProcessRunner({ clock, capacity: 2 }),
    random: new SeededRandom(7),
    createSweepId: sequentialIds(prefix),
  });
  const train: TrainFunction = async (params, run) => {
    const lr = Number(params['lr']);
    const model = params['model'];
    const units = typeof model === 'object' && typeof model['units'] === 'number' ? model['units'] : 4;
    if (run.id.endsWith('_3')) {
      run.log('accuracy', 0.1);
      throw new Error('diverged: loss is "NaN", see the log');
    }
    for (let epoch = 1; epoch <= 6; epoch++) {
      clock.advance(250);
      run.log('accuracy', Math.min(0.99, lr * units * epoch * 0.05));
      run.log('loss', epoch === 2 ? Number.NaN : 1 / epoch);
      run.logList('grad_norm', [epoch, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      if (epoch === 3) await run.checkpoint(null, { epoch });
      await Promise.resolve();
    }
  };
  const sweep = new Experiment(workspace, 'export-rich').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        {
          lr: uniform(0.05, 1),
          model: choice({ kind: 'mlp', units: choice(8, 16, 32), act: choice('relu', 'tanh') }, { kind: 'linear' }),
          constructor: 'data only',
        },
        { seed: 11 },
      ),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 10,
      maxConcurrentRuns: 3,
      policy: new BanditPolicy({ slackFactor: 0.05, evaluationInterval: 1, delayEvaluation: 2 }),
      train,
    }),
  );
  await sweep.waitForCompletion();
  return { store, sweepId: sweep.id };
}

/**
 * The small sweep the CSV tests spell out by hand: a grid of 4 runs, one at a time on a manual
 * clock, with strings that need quoting and formula protection, a run the Bandit policy stops,
 * a failing run, and NaN / -Infinity values.
 */
export async function csvSweep(store: Store = new MemoryStore()): Promise<{ store: Store; sweepId: string }> {
  const clock = new ManualClock(T0);
  const workspace = new Workspace({
    name: 'lab',
    store,
    clock,
    runner: new InProcessRunner({ clock }),
    random: new SeededRandom(1),
    createSweepId: sequentialIds('HD_csv'),
  });
  const train: TrainFunction = async (params, run) => {
    const model = params['model'];
    const kind = typeof model === 'object' ? model['kind'] : undefined;
    const note = params['note'];
    const step = (name: string, value: number): void => {
      clock.advance(1000);
      run.log(name, value);
    };
    if (kind === 'mlp' && note === 'a,b "q"') {
      step('accuracy', 0.9);
      step('loss', Number.NaN);
      step('accuracy', 0.95);
    } else if (kind === 'mlp') {
      step('accuracy', 0.5);
      step('accuracy', 0.6);
    } else if (note === 'a,b "q"') {
      clock.advance(500);
      throw new Error('diverged, "badly"\nsee the log');
    } else {
      step('accuracy', 0.92);
      step('loss', Number.NEGATIVE_INFINITY);
    }
  };
  const sweep = new Experiment(workspace, 'export-csv').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new GridParameterSampling({
        model: choice({ kind: 'mlp', units: 8 }, { kind: 'linear' }),
        note: choice('a,b "q"', '=1+2'),
        offset: -0.5,
      }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 4,
      maxConcurrentRuns: 1,
      policy: new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 0 }),
      train,
    }),
  );
  await sweep.waitForCompletion();
  return { store, sweepId: sweep.id };
}

/** Everything a store holds for the given workspaces, to prove an import changed nothing. */
export async function storeSnapshot(store: Store, workspaces: readonly string[]): Promise<unknown> {
  const result: Record<string, unknown> = {};
  for (const workspace of workspaces) {
    const sweeps = await store.listSweeps(workspace);
    result[workspace] = {
      experiments: await store.listExperiments(workspace),
      sweeps: await Promise.all(
        sweeps.map(async (sweep) => ({
          sweep,
          runs: await store.listRuns(sweep.id),
          metrics: await store.listMetrics(sweep.id),
          decisions: await store.listDecisions(sweep.id),
        })),
      ),
    };
  }
  return result;
}
