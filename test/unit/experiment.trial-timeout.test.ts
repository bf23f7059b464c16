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
  SeededRandom,
  Workspace,
  choice,
  type HyperDriveConfigOptions,
  type TrainFunction,
} from '../../src/index.js';
import {
  exportSweep,
  importSweep,
  parseSweepDocument,
  sweepDocumentText,
  sweepRunsCsv,
} from '../../src/export/index.js';
import { terminationText } from '../../src/experiment/termination-text.js';
import { exportSweepJobYaml, parseSweepJobText, parseSweepFile, toOptunaScript } from '../../src/sweep-file/index.js';
import { buildSweepReport } from '../../src/report/sweep-report.js';
import type { Store } from '../../src/store/store.js';
import { sequentialIds, tick, untilCanceled, waitFor } from './helpers.js';

const TIMEOUT_S = 10;

function workspace(clock: ManualClock, store: Store = new MemoryStore(), cancelGraceMs = 5_000): Workspace {
  return new Workspace({
    store,
    clock,
    runner: new InProcessRunner({ clock, cancelGraceMs }),
    createSweepId: sequentialIds('HD_tt'),
    random: new SeededRandom(1),
  });
}

/** A grid whose runs are `kinds` in order: `slow` runs until cancelled, `fast` completes at once. */
function config(
  kinds: readonly string[],
  train: TrainFunction,
  patch: Partial<HyperDriveConfigOptions> = {},
): HyperDriveConfig {
  return new HyperDriveConfig({
    hyperparameterSampling: new GridParameterSampling({ i: choice(...kinds.map((_, i) => i)) }),
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: kinds.length,
    maxConcurrentRuns: 2,
    trialTimeoutSeconds: TIMEOUT_S,
    train,
    ...patch,
  });
}

function byKind(kinds: readonly string[]): TrainFunction {
  return async (params, run) => {
    run.log('accuracy', Number(params['i']) / 10);
    if (kinds[Number(params['i'])] === 'slow') await untilCanceled(run);
  };
}

describe('trialTimeoutSeconds (limits.trial_timeout) in the orchestrator', () => {
  it('cancels a run that reaches the limit, with the record and its text; the others complete and the sweep goes on', async () => {
    const clock = new ManualClock(1_000);
    const kinds = ['slow', 'fast', 'fast', 'slow', 'fast'];
    const sweep = new Experiment(workspace(clock), 'timeout').submit(config(kinds, byKind(kinds)));
    // Run 0 hangs; runs 1 and 2 complete; run 3 (slow) takes the second slot.
    await waitFor(
      () => sweep.getChildren().length === 4 && sweep.getChildren()[3]?.status === 'Running',
      'run 3 running',
    );
    expect(sweep.getChildren().map((r) => r.status)).toEqual(['Running', 'Completed', 'Completed', 'Running']);

    clock.advance(TIMEOUT_S * 1000 - 1);
    await tick();
    expect(sweep.getChildren()[0]?.status).toBe('Running');
    clock.advance(1);
    // Run 0 is cancelled at 10 s; its slot goes to run 4 (fast), run 3 started at the same time.
    await waitFor(() => sweep.getChildren()[0]?.status === 'Canceled', 'run 0 cancelled');
    const result = await sweep.waitForCompletion();

    expect(result.status).toBe('Completed');
    expect(result.endReason).toEqual({ kind: 'max-total-runs', runs: 5 });
    const runs = sweep.getChildren();
    expect(runs.map((r) => r.status)).toEqual(['Canceled', 'Completed', 'Completed', 'Canceled', 'Completed']);
    for (const run of [runs[0], runs[3]]) {
      expect(run?.termination).toEqual({ kind: 'trial-timeout', seconds: TIMEOUT_S });
      expect(run?.endedAt).toBe(1_000 + TIMEOUT_S * 1000);
      expect(run!.endedAt! - run!.startedAt!).toBe(TIMEOUT_S * 1000);
      expect(run?.intervals).toBe(1);
    }
    for (const run of [runs[1], runs[2], runs[4]]) expect(run?.termination).toBeNull();
    expect(terminationText({ kind: 'trial-timeout', seconds: 600 })).toBe(
      'stopped after 600 s: trial timeout (limits.trial_timeout)',
    );
    const report = buildSweepReport(result, runs);
    expect(report.runs[0]?.terminationReason).toBe('stopped after 10 s: trial timeout (limits.trial_timeout)');
    expect(clock.pendingTimers).toBe(0);
  });

  it('times each run from its own start: a run launched later gets its full limit', async () => {
    const clock = new ManualClock(0);
    const kinds = ['fast', 'slow', 'slow'];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', 0.5);
      if (params['i'] === 0) await gate;
      else await untilCanceled(run);
    };
    const sweep = new Experiment(workspace(clock), 'own-start').submit(config(kinds, train, { maxConcurrentRuns: 2 }));
    await waitFor(() => sweep.getChildren()[1]?.status === 'Running', 'run 1 running');
    clock.advance(4_000);
    // Run 0 finishes under its limit at 4 s; run 2 starts then.
    release();
    await waitFor(() => sweep.getChildren()[2]?.status === 'Running', 'run 2 running');
    expect(sweep.getChildren()[0]).toMatchObject({ status: 'Completed', termination: null });
    expect(sweep.getChildren()[2]?.startedAt).toBe(4_000);
    clock.advance(6_000);
    await waitFor(() => sweep.getChildren()[1]?.status === 'Canceled', 'run 1 cancelled at 10 s');
    expect(sweep.getChildren()[2]?.status).toBe('Running');
    clock.advance(3_999);
    await tick();
    expect(sweep.getChildren()[2]?.status).toBe('Running');
    clock.advance(1);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(sweep.getChildren().map((r) => [r.status, r.endedAt])).toEqual([
      ['Completed', 4_000],
      ['Canceled', 10_000],
      ['Canceled', 14_000],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('goes through the cooperative cancel, then reclaims the slot of a trial that ignores it after the grace period', async () => {
    const clock = new ManualClock(0);
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reason: unknown;
    const train: TrainFunction = async (_p, run) => {
      run.signal.addEventListener('abort', () => {
        reason = run.signal.reason;
      });
      run.log('accuracy', 0.1);
      await stuck; // ignores run.signal
    };
    const sweep = new Experiment(workspace(clock, new MemoryStore(), 2_000), 'stuck').submit(config(['slow'], train));
    await waitFor(() => sweep.getChildren()[0]?.intervals === 1, 'first report');
    clock.advance(TIMEOUT_S * 1000);
    await tick();
    expect(String(reason)).toContain('stopped after 10 s: trial timeout (limits.trial_timeout)');
    expect(sweep.getChildren()[0]?.status).toBe('Running');
    clock.advance(2_000);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(sweep.getChildren()[0]).toMatchObject({
      status: 'Canceled',
      termination: { kind: 'trial-timeout', seconds: TIMEOUT_S },
    });
    release();
  });

  it('without trialTimeoutSeconds, a run may run as long as the sweep does', async () => {
    const clock = new ManualClock(0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const train: TrainFunction = async (_p, run) => {
      run.log('accuracy', 0.5);
      await gate;
    };
    const untimed = new HyperDriveConfig({
      hyperparameterSampling: new GridParameterSampling({ i: choice(0) }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      train,
    });
    const sweep = new Experiment(workspace(clock), 'no-limit').submit(untimed);
    await waitFor(() => sweep.getChildren()[0]?.status === 'Running', 'run running');
    // Only the sweep's own maxDurationMinutes timer is pending.
    expect(clock.pendingTimers).toBe(1);
    clock.advance(3_600_000);
    await tick();
    expect(sweep.getChildren()[0]?.status).toBe('Running');
    release();
    const result = await sweep.waitForCompletion();
    expect(sweep.getChildren()[0]).toMatchObject({ status: 'Completed', termination: null });
    expect(result.status).toBe('Completed');
  });

  it('a run already being stopped keeps the first reason: a policy cancel is not turned into a timeout', async () => {
    const clock = new ManualClock(0);
    // Run 0 is the best and completes; run 1 is far below it and is cancelled by Bandit at once,
    // while it ignores the cancellation for the grace period, past its trial timeout.
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const train: TrainFunction = async (params, run) => {
      run.log('accuracy', params['i'] === 0 ? 0.9 : 0.1);
      if (params['i'] === 1) await stuck;
    };
    const sweep = new Experiment(workspace(clock, new MemoryStore(), 30_000), 'policy-first').submit(
      config(['fast', 'slow'], train, { maxConcurrentRuns: 1, policy: new BanditPolicy({ slackFactor: 0.1 }) }),
    );
    await waitFor(() => sweep.getChildren()[1]?.intervals === 1, 'run 1 reported');
    clock.advance(30_000);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    expect(sweep.getChildren()[1]?.termination?.kind).toBe('policy');
    release();
  });

  it('the sweep time limit still ends everything: runs cut by it say max-duration', async () => {
    const clock = new ManualClock(0);
    const kinds = ['slow'];
    const sweep = new Experiment(workspace(clock), 'sweep-first').submit(
      config(kinds, byKind(kinds), { trialTimeoutSeconds: 120, maxDurationMinutes: 1 }),
    );
    await waitFor(() => sweep.getChildren()[0]?.status === 'Running', 'run running');
    clock.advance(60_000);
    const result = await sweep.waitForCompletion();
    expect(result.endReason).toEqual({ kind: 'max-duration', minutes: 1 });
    expect(sweep.getChildren()[0]?.termination).toEqual({ kind: 'max-duration', minutes: 1 });
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('trialTimeoutSeconds in the config', () => {
  it('is validated at construction, naming the field, the rule and the value', () => {
    const base = {
      hyperparameterSampling: new GridParameterSampling({ i: choice(0) }),
      primaryMetricName: 'a',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      train: () => {},
    };
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '60', null]) {
      let error: unknown;
      try {
        new HyperDriveConfig({ ...base, trialTimeoutSeconds: value as number });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('trialTimeoutSeconds');
      expect((error as ConfigError).rule).toBe('must be a finite number > 0');
    }
    expect(new HyperDriveConfig({ ...base, trialTimeoutSeconds: 0.5 }).trialTimeoutSeconds).toBe(0.5);
  });
});

describe('a sweep with trial timeouts, exported and imported', () => {
  it('carries trialTimeoutSeconds and the trial-timeout terminations through the document, and the CSV says why', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const store = new MemoryStore();
    const kinds = ['slow', 'fast'];
    const sweep = new Experiment(workspace(clock, store), 'export-tt').submit(config(kinds, byKind(kinds)));
    await waitFor(() => sweep.getChildren()[1]?.status === 'Completed', 'run 1 completed');
    clock.advance(TIMEOUT_S * 1000);
    await sweep.waitForCompletion();

    const doc = await exportSweep(store, sweep.id, { now: Date.UTC(2024, 5, 1) });
    expect(doc.sweep.config.trialTimeoutSeconds).toBe(TIMEOUT_S);
    expect(doc.runs[0]?.termination).toEqual({ kind: 'trial-timeout', seconds: TIMEOUT_S });
    const text = sweepDocumentText(doc);
    const parsed = parseSweepDocument(text);
    expect(parsed).toStrictEqual(doc);
    const target = new MemoryStore();
    await importSweep(target, parsed, { workspace: doc.sweep.workspace });
    const again = await exportSweep(target, sweep.id, { now: Date.UTC(2024, 5, 1) });
    expect(again).toStrictEqual(doc);
    expect((await target.getSweep(sweep.id))?.config.trialTimeoutSeconds).toBe(TIMEOUT_S);

    const csv = sweepRunsCsv(doc);
    expect(csv).toContain('stopped after 10 s: trial timeout (limits.trial_timeout)');

    // The document's rules for the new kind and field.
    // biome-ignore lint/suspicious/noExplicitAny: the cases below edit arbitrary paths of a parsed document
    const broken = (edit: (d: Record<string, any>) => void): string => {
      // biome-ignore lint/suspicious/noExplicitAny: as above
      const d = JSON.parse(text) as Record<string, any>;
      edit(d);
      try {
        parseSweepDocument(JSON.stringify(d));
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(broken((d) => (d['runs'][0].termination.seconds = 0))).toContain(
      'runs[0].termination.seconds: must be a finite number > 0 (got 0)',
    );
    expect(broken((d) => delete d['runs'][0].termination.seconds)).toContain(
      'runs[0].termination.seconds: is required',
    );
    expect(broken((d) => (d['runs'][0].termination.minutes = 1))).toContain(
      'runs[0].termination.minutes: is not a field of a "trial-timeout" termination',
    );
    expect(broken((d) => (d['sweep'].config.trialTimeoutSeconds = -5))).toContain(
      'sweep.config.trialTimeoutSeconds: must be a finite number > 0 (got -5)',
    );
    expect(broken((d) => delete d['sweep'].config.trialTimeoutSeconds)).toBe('accepted');
  });
});

describe('limits.trial_timeout in the exports made from a spec', () => {
  it('the Azure job carries it as Azure’s own limit; the Optuna script says in a comment that Optuna has no equivalent', () => {
    const { spec } = parseSweepFile({
      trial: 'spiral',
      search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
      sampling_algorithm: 'random',
      objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
      limits: { max_total_trials: 4, trial_timeout: 600 },
    });
    const azure = exportSweepJobYaml(spec);
    expect(azure.text).toMatch(/^ {2}trial_timeout: 600$/m);
    expect(azure.warnings.map((w) => w.field)).not.toContain('limits.trial_timeout');
    expect(parseSweepJobText(azure.text).hyperDriveConfigOptions.trialTimeoutSeconds).toBe(600);
    const optuna = toOptunaScript(spec).text;
    expect(optuna).toContain(
      '# limits.trial_timeout = 600 s: Overdrive cancels a trial that runs this long; Optuna has no',
    );
    expect(optuna).not.toContain('not enforced (nor is it in Overdrive yet)');
  });
});
