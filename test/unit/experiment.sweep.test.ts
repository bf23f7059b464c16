import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  InProcessRunner,
  ManualClock,
  MedianStoppingPolicy,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  RunCanceledError,
  SeededRandom,
  TruncationSelectionPolicy,
  Workspace,
  choice,
  uniform,
  type HyperDriveConfigOptions,
  type ParamSet,
  type Run,
  type TrainFunction,
} from '../../src/index.js';
import { sequentialIds, tick, untilCanceled, waitFor } from './helpers.js';

function workspace(extra: Partial<ConstructorParameters<typeof Workspace>[0]> = {}): Workspace {
  return new Workspace({ createSweepId: sequentialIds(), random: new SeededRandom(1), ...extra });
}

function config(train: TrainFunction, patch: Partial<HyperDriveConfigOptions> = {}): HyperDriveConfig {
  return new HyperDriveConfig({
    hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }, { seed: 3 }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 5,
    train,
    ...patch,
  });
}

/** A trial whose curve is `curve(params, interval)`, one report per tick. */
function curveTrial(intervals: number, curve: (params: ParamSet, interval: number) => number): TrainFunction {
  return async (params, run) => {
    for (let i = 1; i <= intervals; i++) {
      run.log('accuracy', curve(params, i));
      await tick();
    }
  };
}

describe('scheduling and limits', () => {
  it('never runs more than maxConcurrentRuns at once and creates exactly maxTotalRuns', async () => {
    let running = 0;
    let peak = 0;
    const train: TrainFunction = async (_p, run) => {
      running += 1;
      peak = Math.max(peak, running);
      for (let i = 0; i < 3; i++) {
        run.log('accuracy', i);
        await tick();
      }
      running -= 1;
    };
    const sweep = new Experiment(workspace(), 'limits').submit(
      config(train, { maxTotalRuns: 10, maxConcurrentRuns: 3 }),
    );
    const result = await sweep.waitForCompletion();
    expect(peak).toBe(3);
    expect(sweep.getChildren()).toHaveLength(10);
    expect(sweep.getChildren().every((r) => r.status === 'Completed')).toBe(true);
    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'max-total-runs', runs: 10 });
    expect(sweep.concurrency).toBe(3);
  });

  it('returns the handle immediately, before any training starts', async () => {
    let started = false;
    const sweep = new Experiment(workspace(), 'async').submit(
      config(
        () => {
          started = true;
        },
        { maxTotalRuns: 1 },
      ),
    );
    expect(started).toBe(false);
    expect(['Queued', 'Running']).toContain(sweep.getStatus());
    await sweep.waitForCompletion();
    expect(started).toBe(true);
  });

  it('ends after an exhausted grid, in grid order (semantics §3 6-configuration example)', async () => {
    const seen: ParamSet[] = [];
    const grid = new GridParameterSampling({ num_hidden_layers: choice(1, 2, 3), batch_size: choice(16, 32) });
    const sweep = new Experiment(workspace(), 'grid').submit(
      config(
        (params, run) => {
          seen.push(params);
          run.log('accuracy', 1);
        },
        { hyperparameterSampling: grid, maxTotalRuns: 20, maxConcurrentRuns: 1 },
      ),
    );
    const result = await sweep.waitForCompletion();
    expect(result.endReason).toEqual({ kind: 'space-exhausted', runs: 6 });
    expect(seen).toEqual([
      { num_hidden_layers: 1, batch_size: 16 },
      { num_hidden_layers: 1, batch_size: 32 },
      { num_hidden_layers: 2, batch_size: 16 },
      { num_hidden_layers: 2, batch_size: 32 },
      { num_hidden_layers: 3, batch_size: 16 },
      { num_hidden_layers: 3, batch_size: 32 },
    ]);
    expect(result.warnings).toContain(
      'the search space has 6 configurations, fewer than maxTotalRuns 20: the sweep ends after 6 runs',
    );
  });

  it('runs at the pool size and says so when maxConcurrentRuns exceeds it', async () => {
    let running = 0;
    let peak = 0;
    const train: TrainFunction = async (_p, run) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      run.log('accuracy', 1);
      running -= 1;
    };
    const ws = workspace({ runner: new InProcessRunner({ capacity: 2 }) });
    const sweep = new Experiment(ws, 'clamp').submit(config(train, { maxTotalRuns: 6, maxConcurrentRuns: 5 }));
    await sweep.waitForCompletion();
    expect(peak).toBe(2);
    expect(sweep.concurrency).toBe(2);
    expect(sweep.warnings).toContain(
      "maxConcurrentRuns 5 exceeds what this device's pool holds (2): running 2 at a time",
    );
  });

  it('cancels every unfinished run when maxDurationMinutes elapses (injected clock)', async () => {
    const clock = new ManualClock(1_000);
    const ws = workspace({ clock, runner: new InProcessRunner({ clock }) });
    const train: TrainFunction = async (_p, run) => {
      run.log('accuracy', 0.5);
      await untilCanceled(run);
    };
    const sweep = new Experiment(ws, 'duration').submit(
      config(train, { maxTotalRuns: 10, maxConcurrentRuns: 3, maxDurationMinutes: 2 }),
    );
    await waitFor(() => sweep.getChildren().filter((r) => r.status === 'Running').length === 3, 'three running trials');
    clock.advance(2 * 60_000 - 1);
    await tick();
    expect(sweep.getStatus()).toBe('Running');
    clock.advance(1);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'max-duration', minutes: 2 });
    const runs = sweep.getChildren();
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run.status).toBe('Canceled');
      expect(run.termination).toEqual({ kind: 'max-duration', minutes: 2 });
      expect(run.endedAt).toBe(1_000 + 120_000);
    }
    expect(result.endedAt).toBe(1_000 + 120_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('ends on max duration, not on a never-logged metric, when time runs out before any report', async () => {
    const clock = new ManualClock(0);
    const ws = workspace({ clock, runner: new InProcessRunner({ clock }) });
    // Slow to start (a worker loading TF.js): nothing is reported before the time limit.
    const train: TrainFunction = async (_p, run) => {
      await untilCanceled(run);
    };
    const sweep = new Experiment(ws, 'slow-start').submit(
      config(train, { maxConcurrentRuns: 2, maxDurationMinutes: 1 }),
    );
    await waitFor(() => sweep.getChildren().filter((r) => r.status === 'Running').length === 2, 'two running trials');
    clock.advance(60_000);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'max-duration', minutes: 1 });
    expect(result.error).toBeNull();
  });

  it('reclaims the slot of a trial that ignores cancellation after the grace period', async () => {
    const clock = new ManualClock(0);
    const ws = workspace({ clock, runner: new InProcessRunner({ clock, cancelGraceMs: 5_000 }) });
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    let lateLogError: unknown;
    const train: TrainFunction = async (_p, run) => {
      run.log('accuracy', 0.1);
      await stuck; // ignores run.signal
      try {
        run.log('accuracy', 0.2);
      } catch (error) {
        lateLogError = error;
      }
    };
    const sweep = new Experiment(ws, 'grace').submit(config(train, { maxTotalRuns: 1 }));
    await waitFor(() => sweep.getChildren()[0]?.intervals === 1, 'first report');
    sweep.cancel();
    await tick();
    expect(sweep.getStatus()).toBe('Running');
    clock.advance(5_000);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Canceled');
    release();
    await tick();
    expect(lateLogError).toBeInstanceOf(RunCanceledError);
    expect(sweep.getChildren()[0]?.intervals).toBe(1);
  });

  it('records Queued/Running/ended timestamps from the injected clock', async () => {
    const clock = new ManualClock(5_000);
    const ws = workspace({ clock, runner: new InProcessRunner({ clock }) });
    const sweep = new Experiment(ws, 'times').submit(
      config(
        async (_p, run) => {
          run.log('accuracy', 1);
          await tick();
          clock.advance(250);
        },
        { maxTotalRuns: 1 },
      ),
    );
    const result = await sweep.waitForCompletion();
    const [run] = sweep.getChildren();
    expect(run).toMatchObject({ status: 'Completed', createdAt: 5_000, startedAt: 5_000, endedAt: 5_250 });
    expect(result).toMatchObject({ createdAt: 5_000, startedAt: 5_000, endedAt: 5_250 });
  });
});

describe('cancellation', () => {
  it('cancel() stops the sweep and cancels running runs; their logs then throw', async () => {
    const errors: unknown[] = [];
    const train: TrainFunction = async (_p, run) => {
      for (;;) {
        try {
          run.log('accuracy', 0.5);
        } catch (error) {
          errors.push(error);
          throw error;
        }
        await tick();
      }
    };
    const sweep = new Experiment(workspace(), 'cancel').submit(
      config(train, { maxTotalRuns: 10, maxConcurrentRuns: 2 }),
    );
    await waitFor(() => sweep.getChildren().filter((r) => r.intervals >= 2).length === 2, 'two runs reporting');
    const result = await sweep.cancel();
    expect(result.status).toBe('Canceled');
    expect(result.endReason).toEqual({ kind: 'canceled' });
    expect(sweep.getChildren()).toHaveLength(2);
    expect(sweep.getChildren().map((r) => r.termination)).toEqual([
      { kind: 'sweep-canceled' },
      { kind: 'sweep-canceled' },
    ]);
    expect(errors.length).toBe(2);
    expect(errors.every((e) => e instanceof RunCanceledError)).toBe(true);
  });

  it('cancelRun() cancels one run and the sweep carries on', async () => {
    const train: TrainFunction = async (_p, run) => {
      for (let i = 0; i < 20 && !run.isCanceled; i++) {
        run.log('accuracy', i / 20);
        await tick();
      }
    };
    const sweep = new Experiment(workspace(), 'cancel-one').submit(
      config(train, { maxTotalRuns: 3, maxConcurrentRuns: 3 }),
    );
    await waitFor(() => sweep.getChildren().length === 3, 'three runs');
    expect(sweep.cancelRun('HD_test0_1')).toBe(true);
    expect(sweep.cancelRun('nope')).toBe(false);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(sweep.getChildren().map((r) => r.status)).toEqual(['Completed', 'Canceled', 'Completed']);
    expect(sweep.getChildren()[1]?.termination).toEqual({ kind: 'run-canceled' });
    expect(sweep.cancelRun('HD_test0_1')).toBe(false);
  });
});

describe('metrics, intervals and the run logger', () => {
  it('counts each primary-metric report as an interval and returns metrics as value or list', async () => {
    const train: TrainFunction = async (_p, run) => {
      run.log('final_loss', 0.25);
      run.logList('accuracy', [0.1, 0.5, 0.3]);
      run.log('accuracy', 0.4);
      run.logList('lr_schedule', [0.1, 0.01]);
    };
    const sweep = new Experiment(workspace(), 'metrics').submit(config(train, { maxTotalRuns: 1 }));
    await sweep.waitForCompletion();
    const [run] = sweep.getChildren();
    expect(run?.intervals).toBe(4);
    expect(run?.bestMetric).toBe(0.5);
    expect(sweep.getMetrics()).toEqual({
      HD_test0_0: { final_loss: 0.25, accuracy: [0.1, 0.5, 0.3, 0.4], lr_schedule: [0.1, 0.01] },
    });
    expect(Object.keys(sweep.getHyperparameters())).toEqual(['HD_test0_0']);
  });

  it('records non-finite values but never makes them the best', async () => {
    const train: TrainFunction = (_p, run) => {
      run.log('accuracy', Number.NaN);
      run.log('accuracy', 0.2);
      run.log('accuracy', Number.POSITIVE_INFINITY);
    };
    const sweep = new Experiment(workspace(), 'nan').submit(config(train, { maxTotalRuns: 1 }));
    await sweep.waitForCompletion();
    expect(sweep.getChildren()[0]?.bestMetric).toBe(0.2);
    expect(sweep.getMetrics()['HD_test0_0']?.['accuracy']).toEqual([Number.NaN, 0.2, Number.POSITIVE_INFINITY]);
  });

  it('fails only the run that logs a non-number, with a message naming it', async () => {
    let n = 0;
    const train: TrainFunction = (_p, run) => {
      if (n++ === 1) run.log('accuracy', 'high' as unknown as number);
      else run.log('accuracy', 0.7);
    };
    const sweep = new Experiment(workspace(), 'bad-log').submit(
      config(train, { maxTotalRuns: 3, maxConcurrentRuns: 1 }),
    );
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Failed', 'Completed']);
    expect(runs[1]?.error?.message).toBe('TypeError: run.log("accuracy"): value must be a number (got "high")');
  });

  it('records nothing from a logList with a bad element', async () => {
    const sweep = new Experiment(workspace(), 'bad-list').submit(
      config(
        (_p, run) => {
          run.log('accuracy', 1);
          run.logList('accuracy', [0.5, Number('x'), 'y' as unknown as number]);
        },
        { maxTotalRuns: 1 },
      ),
    );
    await sweep.waitForCompletion();
    expect(sweep.getChildren()[0]?.intervals).toBe(1);
    expect(sweep.getChildren()[0]?.error?.message).toBe(
      'TypeError: run.logList("accuracy"): values[2] must be a number (got "y")',
    );
  });
});

describe('failure isolation', () => {
  it('a throwing training function fails its run with message and stack; the sweep goes on', async () => {
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', Number(params['lr']));
      if (Number(params['lr']) > 0.5) throw new RangeError('exploding gradients');
    };
    const sweep = new Experiment(workspace(), 'fail').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ lr: choice(0.1, 0.9, 0.2) }),
        maxTotalRuns: 3,
      }),
    );
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Failed', 'Completed']);
    expect(runs[1]?.error?.message).toBe('RangeError: exploding gradients');
    expect(runs[1]?.error?.stack).toContain('exploding gradients');
    expect(sweep.getBestRunByPrimaryMetric()?.id).toBe('HD_test0_1');
    expect(sweep.getBestRunByPrimaryMetric({ includeFailed: false })?.id).toBe('HD_test0_2');
  });

  it('a sweep whose every run failed is Failed and says why', async () => {
    const sweep = new Experiment(workspace(), 'all-fail').submit(
      config(
        () => {
          throw new Error('no GPU');
        },
        { maxTotalRuns: 3 },
      ),
    );
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Failed');
    expect(result.error?.message).toBe('all 3 runs failed; the first with: Error: no GPU');
  });

  it('a primary metric that no run logs ends the sweep naming it and listing what was logged', async () => {
    const sweep = new Experiment(workspace(), 'never').submit(
      config(
        (_p, run) => {
          run.log('val_acc', 0.9);
          run.log('loss', 0.1);
        },
        { maxTotalRuns: 50, maxConcurrentRuns: 1 },
      ),
    );
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Failed');
    expect(result.error?.message).toBe(
      'primary metric "accuracy" was never logged by any run; metrics that were logged: loss, val_acc',
    );
    expect(result.endReason).toEqual({ kind: 'metric-never-logged', metric: 'accuracy', logged: ['loss', 'val_acc'] });
    // It stops at the first completed run instead of spending the whole budget.
    expect(sweep.getChildren()).toHaveLength(1);
  });

  it('says so when no metric at all was logged', async () => {
    const sweep = new Experiment(workspace(), 'silent').submit(config(() => {}, { maxTotalRuns: 2 }));
    const result = await sweep.waitForCompletion();
    expect(result.error?.message).toBe(
      'primary metric "accuracy" was never logged by any run, and no run logged any metric',
    );
  });
});

describe('a run that ends before the primary metric is logged anywhere', () => {
  /** A promise the test resolves by hand, so trials advance only when told (deterministic). */
  function gate(): { readonly wait: Promise<void>; readonly open: () => void } {
    let open!: () => void;
    const wait = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { wait, open };
  }

  function injected(): Workspace {
    const clock = new ManualClock(0);
    return workspace({ clock, runner: new InProcessRunner({ clock }) });
  }

  it('lets the running runs finish, holds new launches, and resumes once one logs the metric', async () => {
    const first = gate();
    const started: number[] = [];
    const train: TrainFunction = async (params, run) => {
      const epochs = Number(params['epochs']);
      started.push(epochs);
      if (epochs === 5) await first.wait;
      for (let i = 1; i <= epochs; i++) {
        run.log('accuracy', i / 10);
        await tick();
      }
    };
    const sweep = new Experiment(injected(), 'epochs').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ epochs: choice(5, 0, 3) }),
        maxConcurrentRuns: 2,
      }),
    );
    // The epochs=0 run completes first, before any run has logged "accuracy".
    await waitFor(() => sweep.getChildren()[1]?.status === 'Completed', 'the epochs=0 run to complete');
    for (let i = 0; i < 20; i++) await tick();
    // Launching is held (no third run), but the epochs=5 run is not cancelled.
    expect(sweep.getStatus()).toBe('Running');
    expect(sweep.getChildren()).toHaveLength(2);
    expect(sweep.getChildren()[0]).toMatchObject({ status: 'Running', termination: null });
    expect(started).toEqual([5, 0]);
    first.open();
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'space-exhausted', runs: 3 });
    expect(result.error).toBeNull();
    expect(started).toEqual([5, 0, 3]);
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Completed', 'Completed']);
    expect(runs.map((r) => r.intervals)).toEqual([5, 0, 3]);
    expect(sweep.getBestRunByPrimaryMetric()?.params).toEqual({ epochs: 5 });
  });

  it('choice(5, 0) at concurrency 2: the epochs=0 run ending first cancels nothing', async () => {
    const train: TrainFunction = async (params, run) => {
      const epochs = Number(params['epochs']);
      // The longer run needs a few turns before its first report (loading data); the epochs=0
      // run ends at once, before any run has logged "accuracy".
      if (epochs > 0) for (let i = 0; i < 3; i++) await tick();
      for (let i = 1; i <= epochs; i++) {
        run.log('accuracy', i / 10);
        await tick();
      }
    };
    const sweep = new Experiment(injected(), 'spec-case').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ epochs: choice(5, 0) }),
        maxConcurrentRuns: 2,
      }),
    );
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'space-exhausted', runs: 2 });
    const runs = sweep.getChildren();
    expect(runs.map((r) => [r.params['epochs'], r.status, r.intervals, r.termination])).toEqual([
      [5, 'Completed', 5, null],
      [0, 'Completed', 0, null],
    ]);
  });

  it('ends with the never-logged message once the last running run ends without it, cancelling nothing', async () => {
    const slow = gate();
    const train: TrainFunction = async (params, run) => {
      if (params['k'] === 'slow') {
        await slow.wait;
        run.log('val_acc', 0.8);
        return;
      }
      run.log('loss', 0.3);
    };
    const sweep = new Experiment(injected(), 'never-held').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ k: choice('slow', 'fast', 'third', 'fourth') }),
        maxConcurrentRuns: 2,
        maxTotalRuns: 4,
      }),
    );
    await waitFor(() => sweep.getChildren()[1]?.status === 'Completed', 'the fast run to complete');
    for (let i = 0; i < 20; i++) await tick();
    expect(sweep.getStatus()).toBe('Running');
    expect(sweep.getChildren()).toHaveLength(2);
    slow.open();
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Failed');
    expect(result.endReason).toEqual({ kind: 'metric-never-logged', metric: 'accuracy', logged: ['loss', 'val_acc'] });
    expect(result.error?.message).toBe(
      'primary metric "accuracy" was never logged by any run; metrics that were logged: loss, val_acc',
    );
    // Only the first round ran (no budget spent on the misnamed metric), and nothing was cancelled.
    const runs = sweep.getChildren();
    expect(runs.map((r) => [r.params['k'], r.status, r.termination])).toEqual([
      ['slow', 'Completed', null],
      ['fast', 'Completed', null],
    ]);
  });

  it('a held sweep whose last running run fails still ends with the never-logged message', async () => {
    const slow = gate();
    const train: TrainFunction = async (params, run) => {
      if (params['k'] === 'slow') {
        await slow.wait;
        throw new Error('out of memory');
      }
      run.log('loss', 0.3);
    };
    const sweep = new Experiment(injected(), 'never-held-fail').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ k: choice('slow', 'fast', 'third') }),
        maxConcurrentRuns: 2,
        maxTotalRuns: 3,
      }),
    );
    await waitFor(() => sweep.getChildren()[1]?.status === 'Completed', 'the fast run to complete');
    slow.open();
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Failed');
    expect(result.endReason).toEqual({ kind: 'metric-never-logged', metric: 'accuracy', logged: ['loss'] });
    expect(sweep.getChildren().map((r) => r.status)).toEqual(['Failed', 'Completed']);
  });

  it('a held sweep that runs out of time names the never-logged metric, not max duration', async () => {
    const clock = new ManualClock(0);
    const ws = workspace({ clock, runner: new InProcessRunner({ clock }) });
    const train: TrainFunction = async (params, run) => {
      if (params['k'] === 'slow') {
        await untilCanceled(run);
        return;
      }
      run.log('loss', 0.3);
    };
    const sweep = new Experiment(ws, 'never-held-time').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ k: choice('slow', 'fast', 'third') }),
        maxConcurrentRuns: 2,
        maxTotalRuns: 3,
        maxDurationMinutes: 1,
      }),
    );
    await waitFor(() => sweep.getChildren()[1]?.status === 'Completed', 'the fast run to complete');
    expect(sweep.getChildren()[0]?.status).toBe('Running');
    clock.advance(60_000);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Failed');
    expect(result.endReason).toEqual({ kind: 'metric-never-logged', metric: 'accuracy', logged: ['loss'] });
    expect(sweep.getChildren().map((r) => [r.status, r.termination])).toEqual([
      ['Canceled', { kind: 'max-duration', minutes: 1 }],
      ['Completed', null],
    ]);
  });
});

describe('policies applied by the orchestrator', () => {
  // Run i's curve: a plateau at quality q_i reached linearly over 4 intervals.
  const qualities = [0.9, 0.3, 0.85, 0.2, 0.88];
  const grid = new GridParameterSampling({ q: choice(...qualities) });
  const curve = (params: ParamSet, interval: number): number => (Number(params['q']) * Math.min(interval, 4)) / 4;

  it('Bandit cancels runs below best/(1+slack) from the delay on, with the reason in numbers', async () => {
    const sweep = new Experiment(workspace(), 'bandit').submit(
      config(curveTrial(8, curve), {
        hyperparameterSampling: grid,
        maxConcurrentRuns: 1,
        policy: new BanditPolicy({ slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 3 }),
      }),
    );
    await sweep.waitForCompletion();
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Canceled', 'Completed', 'Canceled', 'Completed']);
    const cut = runs[1];
    expect(cut?.intervals).toBe(3);
    expect(cut?.termination?.kind).toBe('policy');
    if (cut?.termination?.kind !== 'policy') throw new Error('unreachable');
    const decision = cut.termination.decision;
    expect(decision.interval).toBe(3);
    // best_3 is the best over every run's first 3 intervals: run 0 had reached 0.9 * 3/4.
    expect(decision.evidence).toMatchObject({ policy: 'bandit', best: 0.675, slackFactor: 0.2 });
    if (decision.evidence.policy !== 'bandit') throw new Error('unreachable');
    expect(decision.evidence.value).toBeCloseTo(0.225, 12);
    expect(decision.evidence.threshold).toBeCloseTo(0.5625, 12);
    expect(sweep.getStatus()).toBe('Completed');
  });

  it('Median stopping cancels runs worse than the median of running averages', async () => {
    const sweep = new Experiment(workspace(), 'median').submit(
      config(curveTrial(6, curve), {
        hyperparameterSampling: grid,
        maxConcurrentRuns: 1,
        policy: new MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 5 }),
      }),
    );
    await sweep.waitForCompletion();
    const statuses = sweep.getChildren().map((r) => r.status);
    expect(statuses).toEqual(['Completed', 'Canceled', 'Completed', 'Canceled', 'Completed']);
    const cut = sweep.getChildren()[3];
    expect(cut?.intervals).toBe(5);
  });

  it('Truncation selection cuts the lowest percentage among runs that reached the interval', async () => {
    const sweep = new Experiment(workspace(), 'truncation').submit(
      config(curveTrial(4, curve), {
        hyperparameterSampling: grid,
        maxConcurrentRuns: 1,
        policy: new TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 2, delayEvaluation: 2 }),
      }),
    );
    await sweep.waitForCompletion();
    // Run 0, compared only with itself, is never cut; at interval 2 run 1 is the worse of 2
    // (cut 1) and run 3 the worst of 4 (cut 2).
    const runs = sweep.getChildren();
    expect(runs[0]?.status).toBe('Completed');
    expect(runs[1]?.status).toBe('Canceled');
    expect(runs[1]?.intervals).toBe(2);
    expect(runs[3]?.status).toBe('Canceled');
  });

  it('persists every evaluated decision and every metric point to the store', async () => {
    const store = new MemoryStore();
    const sweep = new Experiment(workspace({ store }), 'stored').submit(
      config(curveTrial(8, curve), {
        hyperparameterSampling: grid,
        maxConcurrentRuns: 1,
        policy: new BanditPolicy({ slackAmount: 0.2, delayEvaluation: 3 }),
      }),
    );
    await sweep.waitForCompletion();
    const [stored] = await store.listSweeps('overdrive', 'stored');
    expect(stored?.status).toBe('Completed');
    const runs = await store.listRuns(sweep.id);
    expect(runs).toEqual(sweep.getChildren());
    const points = await store.listMetrics(sweep.id);
    expect(points).toHaveLength(runs.reduce((n, r) => n + r.intervals, 0));
    const decisions = await store.listDecisions(sweep.id);
    expect(decisions.filter((d) => d.decision.kind === 'cancel').map((d) => d.runId)).toEqual(
      runs.filter((r) => r.status === 'Canceled').map((r) => r.id),
    );
    expect(decisions.every((d) => d.decision.kind !== 'skip')).toBe(true);
    expect(await store.listExperiments('overdrive')).toEqual([expect.objectContaining({ name: 'stored' })]);
  });
});

describe('finding the best run', () => {
  async function finished(goal: PrimaryMetricGoal): Promise<ReturnType<Experiment['submit']>> {
    const values: Record<string, number[] | 'fail' | 'none'> = {
      a: [0.2, 0.6],
      b: [0.9],
      c: 'fail',
      d: 'none',
      e: [0.4, Number.NaN],
    };
    const sweep = new Experiment(workspace(), `best-${goal}`).submit(
      config(
        (params, run) => {
          const v = values[String(params['k'])];
          if (v === 'none') return;
          if (v === 'fail') {
            run.log('accuracy', 0.95);
            throw new Error('boom');
          }
          run.logList('accuracy', v ?? []);
        },
        {
          hyperparameterSampling: new GridParameterSampling({ k: choice('a', 'b', 'c', 'd', 'e') }),
          primaryMetricGoal: goal,
          maxConcurrentRuns: 1,
        },
      ),
    );
    await sweep.waitForCompletion();
    return sweep;
  }

  it('MAXIMIZE: best, filters and sorted children', async () => {
    const sweep = await finished(PrimaryMetricGoal.MAXIMIZE);
    expect(sweep.getBestRunByPrimaryMetric()?.params).toEqual({ k: 'c' });
    expect(sweep.getBestRunByPrimaryMetric({ includeFailed: false })?.params).toEqual({ k: 'b' });
    const sorted = sweep.getChildrenSortedByPrimaryMetric();
    expect(sorted.map((r) => r.hyperparameters['k'])).toEqual(['c', 'b', 'a', 'e', 'd']);
    expect(sorted[0]).toEqual({
      runId: 'HD_test0_2',
      hyperparameters: { k: 'c' },
      bestPrimaryMetric: 0.95,
      status: 'Failed',
    });
    expect(sweep.getChildrenSortedByPrimaryMetric({ top: 2 }).map((r) => r.hyperparameters['k'])).toEqual(['c', 'b']);
    expect(sweep.getChildrenSortedByPrimaryMetric({ reverse: true }).map((r) => r.hyperparameters['k'])).toEqual([
      'e',
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(
      sweep.getChildrenSortedByPrimaryMetric({ discardNoMetric: true }).map((r) => r.hyperparameters['k']),
    ).toEqual(['c', 'b', 'a', 'e']);
    expect(() => sweep.getChildrenSortedByPrimaryMetric({ top: -1 })).toThrow(
      'top: must be an integer >= 0 (0 returns all runs) (got -1)',
    );
  });

  it('MINIMIZE: the smallest value wins', async () => {
    const sweep = await finished(PrimaryMetricGoal.MINIMIZE);
    expect(sweep.getBestRunByPrimaryMetric()?.params).toEqual({ k: 'a' });
    expect(sweep.getChildrenSortedByPrimaryMetric({ discardNoMetric: true }).map((r) => r.bestPrimaryMetric)).toEqual([
      0.2, 0.4, 0.9, 0.95,
    ]);
  });

  it('includeCanceled: false leaves out a Canceled run holding the best value', async () => {
    const train: TrainFunction = async (params, run) => {
      const k = String(params['k']);
      if (k === 'top') {
        run.log('accuracy', 0.99);
        await untilCanceled(run);
        return;
      }
      run.log('accuracy', k === 'mid' ? 0.7 : 0.5);
    };
    const sweep = new Experiment(workspace(), 'best-canceled').submit(
      config(train, {
        hyperparameterSampling: new GridParameterSampling({ k: choice('top', 'mid', 'low') }),
        maxConcurrentRuns: 3,
      }),
    );
    await waitFor(() => sweep.getChildren()[0]?.intervals === 1, 'the top run to report');
    expect(sweep.cancelRun('HD_test0_0')).toBe(true);
    await sweep.waitForCompletion();
    expect(sweep.getChildren().map((r) => r.status)).toEqual(['Canceled', 'Completed', 'Completed']);
    expect(sweep.getBestRunByPrimaryMetric()?.params).toEqual({ k: 'top' });
    expect(sweep.getBestRunByPrimaryMetric({ includeCanceled: true })?.params).toEqual({ k: 'top' });
    expect(sweep.getBestRunByPrimaryMetric({ includeCanceled: false })?.params).toEqual({ k: 'mid' });
    // Failed runs are still in unless excluded separately.
    expect(sweep.getBestRunByPrimaryMetric({ includeFailed: false })?.params).toEqual({ k: 'top' });
  });

  it('returns null when no run has a metric', async () => {
    const sweep = new Experiment(workspace(), 'empty').submit(config(() => {}, { maxTotalRuns: 1 }));
    await sweep.waitForCompletion();
    expect(sweep.getBestRunByPrimaryMetric()).toBeNull();
  });
});

describe('reproducibility and live events', () => {
  it('the same seed replays the same configurations', async () => {
    const sample = async (): Promise<ParamSet[]> => {
      const sweep = new Experiment(workspace(), 'seed').submit(
        config((_p, run: Run) => run.log('accuracy', 1), {
          hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1), n: choice(1, 2, 3) }, { seed: 42 }),
          maxTotalRuns: 6,
        }),
      );
      await sweep.waitForCompletion();
      return Object.values(sweep.getHyperparameters());
    };
    const first = await sample();
    expect(await sample()).toEqual(first);
    expect(new Set(first.map((p) => p['lr'])).size).toBe(6);
  });

  it('emits sweep, run, metric and decision events while running', async () => {
    const kinds = new Set<string>();
    const sweep = new Experiment(workspace(), 'events').submit(
      config(
        curveTrial(4, () => 0.5),
        { policy: new BanditPolicy({ slackFactor: 0.1 }), maxTotalRuns: 2 },
      ),
    );
    sweep.subscribe((event) => {
      kinds.add(event.kind);
      throw new Error('a broken listener must not break the sweep');
    });
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect([...kinds].sort()).toEqual(['decision', 'metric', 'run', 'sweep']);
  });
});

describe('continuing an interrupted sweep', () => {
  it('keeps finished runs, re-runs unfinished ones in place and honours the budget exactly', async () => {
    const store = new MemoryStore();
    const grid = new GridParameterSampling({ k: choice(0, 1, 2, 3, 4, 5) });
    const attempts: string[] = [];
    let hang = true;
    const train: TrainFunction = async (params, run) => {
      attempts.push(`${run.id}:${String(params['k'])}`);
      run.log('accuracy', Number(params['k']) / 10);
      // Runs 2 and 3 are mid-training when the "page" goes away in the first session.
      if (hang && Number(params['k']) >= 2) await new Promise(() => {});
      run.log('accuracy', Number(params['k']) / 5);
    };
    const make = (): HyperDriveConfig =>
      config(train, { hyperparameterSampling: grid, maxTotalRuns: 5, maxConcurrentRuns: 2 });

    const first = new Experiment(workspace({ store }), 'reload').submit(make());
    await waitFor(
      () => first.getChildren().filter((r) => r.status === 'Running' && r.intervals === 1).length === 2,
      'two runs hanging mid-training',
    );
    // The first page is gone: nothing more of it runs or writes. A new page opens the store.
    hang = false;
    const before = await store.listRuns(first.id);
    expect(before.map((r) => r.status)).toEqual(['Completed', 'Completed', 'Running', 'Running']);
    const pointsBefore = await store.listMetrics(first.id);

    const second = await new Experiment(workspace({ store }), 'reload').continueSweep(first.id, make());
    const result = await second.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(result.id).toBe(first.id);
    const runs = second.getChildren();
    // Budget exact: 5 runs, not 5 + the 2 interrupted ones.
    expect(runs.map((r) => [r.id, r.params['k'], r.attempt, r.status])).toEqual([
      [`${first.id}_0`, 0, 1, 'Completed'],
      [`${first.id}_1`, 1, 1, 'Completed'],
      [`${first.id}_2`, 2, 2, 'Completed'],
      [`${first.id}_3`, 3, 2, 'Completed'],
      [`${first.id}_4`, 4, 1, 'Completed'],
    ]);
    expect(runs.map((r) => r.intervals)).toEqual([2, 2, 2, 2, 2]);
    // The grid went on where it stopped: k = 4 is the 5th configuration, not k = 0 again.
    expect(attempts.slice(4)).toEqual([`${first.id}_2:2`, `${first.id}_3:3`, `${first.id}_4:4`]);
    // Every point flushed before the interruption is still stored, tagged with its attempt.
    const after = await store.listMetrics(first.id);
    for (const point of pointsBefore) expect(after).toContainEqual(point);
    expect(after.filter((p) => p.runId === `${first.id}_2`).map((p) => p.attempt)).toEqual([1, 2, 2]);
    expect(result.warnings.at(-1)).toBe(
      'continued after an interruption: 2 unfinished run(s) re-run, 2 finished run(s) kept',
    );
  });

  it('refuses to continue a finished sweep or a different configuration', async () => {
    const store = new MemoryStore();
    const done = new Experiment(workspace({ store }), 'x').submit(config((_p, run) => run.log('accuracy', 1)));
    await done.waitForCompletion();
    const experiment = new Experiment(workspace({ store }), 'x');
    await expect(
      experiment.continueSweep(
        done.id,
        config(() => {}),
      ),
    ).rejects.toThrow(`sweepId: must name an interrupted sweep; this one is Completed (got "${done.id}")`);
    await expect(
      experiment.continueSweep(
        'nope',
        config(() => {}),
      ),
    ).rejects.toThrow('sweepId: must name a stored sweep of experiment "x" (got "nope")');
  });
});
