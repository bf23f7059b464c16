import { describe, expect, it } from 'vitest';
import {
  AshaPolicy,
  BanditPolicy,
  Experiment,
  HyperbandPolicy,
  HyperDriveConfig,
  MedianStoppingPolicy,
  PrimaryMetricGoal,
  RandomParameterSampling,
  RunCanceledError,
  SeededRandom,
  TruncationSelectionPolicy,
  Workspace,
  uniform,
  type EarlyTerminationPolicy,
  type TrainFunction,
  type TrialRunner,
} from '../../src/index.js';
import { buildSweepReport } from '../../src/report/sweep-report.js';
import { renderSweepReport } from '../../src/report/text-table.js';
import { createRunContext } from '../../src/run-logger/run-context.js';
import type { Verdict, VerdictPlan } from '../../src/run-logger/verdicts.js';
import type { RunRecord } from '../../src/store/records.js';
import { readRunRecord } from '../../src/export/record-fields.js';
import { sequentialIds, tick } from './helpers.js';

const POLICIES: ReadonlyArray<readonly [string, () => EarlyTerminationPolicy]> = [
  ['Bandit', () => new BanditPolicy({ slackFactor: 0.05, evaluationInterval: 1, delayEvaluation: 2 })],
  ['Median', () => new MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 2 })],
  ['Truncation', () => new TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 2 })],
  ['ASHA', () => new AshaPolicy({ reductionFactor: 2, minInterval: 2 })],
  ['Hyperband', () => new HyperbandPolicy({ reductionFactor: 2, minInterval: 1, maxInterval: 8 })],
];

/** A training loop that awaits every report and never yields otherwise: the hard case for a cut. */
const awaitingTrial: TrainFunction = async (params, run) => {
  const quality = params['quality'] as number;
  for (let i = 1; i <= 8; i++) await run.log('accuracy', (quality * i) / 8);
};

function sweepOf(policy: EarlyTerminationPolicy, train: TrainFunction, runner?: TrialRunner) {
  const workspace = new Workspace({
    createSweepId: sequentialIds(),
    random: new SeededRandom(1),
    ...(runner === undefined ? {} : { runner }),
  });
  return new Experiment(workspace, 'exact').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling({ quality: uniform(0.2, 1) }, { seed: 11 }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 12,
      maxConcurrentRuns: 4,
      policy,
      train,
    }),
  );
}

describe('exact decisions in process (semantics §5)', () => {
  for (const [name, make] of POLICIES) {
    it(`${name}: a run stopped at interval k records no primary-metric interval after k, and never becomes the best`, async () => {
      const sweep = sweepOf(make(), awaitingTrial);
      await sweep.waitForCompletion();
      const runs = sweep.getChildren();
      const stopped = runs.filter((r) => r.termination?.kind === 'policy');
      expect(stopped.length).toBeGreaterThan(0);
      for (const run of stopped) {
        if (run.termination?.kind !== 'policy') throw new Error('unreachable');
        expect(run.status).toBe('Canceled');
        expect(run.intervals).toBe(run.termination.decision.interval);
        expect(run.afterDecision).toBeUndefined();
      }
      const best = sweep.getBestRunByPrimaryMetric();
      expect(best?.termination?.kind).not.toBe('policy');
    });
  }
});

/**
 * A runner whose trials ignore cancellation and keep reporting for a while (what a worker
 * looping without awaiting `run.log` does): their late reports must not change the record.
 */
function lateRunner(): TrialRunner {
  return {
    capacity: Number.POSITIVE_INFINITY,
    start(request, listener) {
      let canceled = false;
      const outcome = (async () => {
        await tick();
        listener([{ kind: 'started', time: 0, backend: null }]);
        const quality = request.params['quality'] as number;
        for (let i = 1; i <= 8; i++) {
          // A slow starter that ends best: stopped early, it would have won.
          const value = quality < 0.5 ? (i <= 3 ? 0.05 : 0.99) : quality * 0.6;
          listener([
            { kind: 'metric', name: 'loss', value: 1 - value, time: i },
            { kind: 'metric', name: 'accuracy', value, time: i },
          ]);
          await tick();
        }
        return canceled ? { kind: 'canceled' as const, reason: 'late' } : { kind: 'completed' as const };
      })();
      return {
        outcome,
        cancel: () => {
          canceled = true;
        },
      };
    },
    dispose: async () => {},
  };
}

describe('honest records', () => {
  it("a stopped run's best is its best up to the decision; later reports are kept, flagged, and never make it the best", async () => {
    const sweep = sweepOf(
      new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 3 }),
      () => {},
      lateRunner(),
    );
    await sweep.waitForCompletion();
    const runs = sweep.getChildren();
    const stopped = runs.filter((r) => r.termination?.kind === 'policy');
    expect(stopped.length).toBeGreaterThan(0);
    const metrics = sweep.getMetrics();
    for (const run of stopped) {
      if (run.termination?.kind !== 'policy') throw new Error('unreachable');
      const k = run.termination.decision.interval;
      const values = metrics[run.id]?.['accuracy'] as number[];
      // Kept: all 8 reports are stored.
      expect(run.intervals).toBe(8);
      expect(values).toHaveLength(8);
      expect(run.bestMetric).toBe(Math.max(...values.slice(0, k)));
      expect(run.afterDecision).toEqual({
        interval: k,
        intervals: 8 - k,
        bestMetric: Math.max(...values.slice(k)),
        // The loss of interval k + 1 is the first value after the decision, like accuracy's.
        firstSteps: { loss: k, accuracy: k },
      });
      // The evidence says what the record says.
      expect(run.termination.decision.evidence).toMatchObject({ policy: 'bandit', value: run.bestMetric });
    }
    // Slow starters were stopped at 3 and went on to 0.99, above every other run: not counted.
    const slow = stopped.filter((r) => r.afterDecision?.bestMetric === 0.99);
    expect(slow.length).toBeGreaterThan(0);
    for (const run of slow) expect(run.bestMetric).toBe(0.05);
    const best = sweep.getBestRunByPrimaryMetric();
    expect(best).not.toBeNull();
    expect(best?.termination).toBeNull();
    expect(best?.bestMetric).toBeLessThan(0.99);

    // The CLI says "Stopped early (Bandit, interval 3)"; the API status stays Canceled.
    const report = buildSweepReport(sweep.getDetails(), runs);
    const shown = report.runs.find((r) => r.id === slow[0]?.id);
    expect(shown?.status).toBe('Canceled');
    expect(shown?.statusText).toBe('Stopped early (Bandit, interval 3)');
    expect(renderSweepReport(report)).toContain('Stopped early (Bandit, interval 3)');
  });

  it('a stored run record without the new field still loads, and one with it reads back the same', () => {
    const old: RunRecord = {
      id: 'HD_1_0',
      sweepId: 'HD_1',
      index: 0,
      attempt: 1,
      params: { quality: 0.3 },
      status: 'Canceled',
      createdAt: 1,
      startedAt: 2,
      endedAt: 3,
      intervals: 8,
      bestMetric: 0.05,
      termination: { kind: 'run-canceled' },
      error: null,
      backend: null,
    };
    expect(readRunRecord('runs[0]', old)).toEqual(old);
    const flagged: RunRecord = {
      ...old,
      afterDecision: { interval: 3, intervals: 5, bestMetric: 0.99, firstSteps: { accuracy: 3 } },
    };
    expect(readRunRecord('runs[0]', JSON.parse(JSON.stringify(flagged)))).toEqual(flagged);
    expect(() =>
      readRunRecord('runs[0]', { ...flagged, afterDecision: { ...flagged.afterDecision, intervals: -1 } }),
    ).toThrow(/runs\[0\]\.afterDecision\.intervals/);
  });
});

describe('run.log and the verdict', () => {
  const plan: VerdictPlan = { metric: 'acc', intervalsBefore: 0, points: { kind: 'periodic', every: 2, from: 2 } };

  function context(answer: (interval: number) => Verdict) {
    const emitted: string[] = [];
    let asked = 0;
    const controller = new AbortController();
    const run = createRunContext({
      id: 'r',
      params: {},
      signal: controller.signal,
      emit: (name, value) => emitted.push(`${name}=${value}`),
      verdicts: {
        plan,
        ask: async () => {
          asked += 1;
          return answer(emitted.filter((e) => e.startsWith('acc=')).length);
        },
      },
    });
    return { run, emitted, asked: () => asked };
  }

  it('waits only at evaluation points and rejects with RunCanceledError on a stop', async () => {
    const { run, asked } = context((interval) =>
      interval === 4 ? { kind: 'stop', reason: 'stopped at interval 4' } : { kind: 'continue' },
    );
    await run.log('loss', 1);
    await run.log('acc', 0.1);
    expect(asked()).toBe(0);
    await run.log('acc', 0.2);
    expect(asked()).toBe(1);
    await run.log('acc', 0.3);
    const stop = run.log('acc', 0.4);
    await expect(stop).rejects.toBeInstanceOf(RunCanceledError);
    await expect(stop).rejects.toThrow('stopped at interval 4');
    expect(asked()).toBe(2);
  });

  it('logList stops at the evaluation point that stops the run: the values after it are never sent', async () => {
    const { run, emitted } = context((interval) =>
      interval === 2 ? { kind: 'stop', reason: 'stop' } : { kind: 'continue' },
    );
    await expect(run.logList('acc', [1, 2, 3, 4])).rejects.toBeInstanceOf(RunCanceledError);
    expect(emitted).toEqual(['acc=1', 'acc=2']);
  });

  it('a loop that does not await gets no unhandled rejection', async () => {
    const { run } = context(() => ({ kind: 'stop', reason: 'stop' }));
    void run.log('acc', 1);
    run.log('acc', 2); // judged: rejects, but handled
    await tick();
  });

  it('without a policy nothing waits: every log is already resolved', async () => {
    const run = createRunContext({ id: 'r', params: {}, signal: new AbortController().signal, emit: () => {} });
    const first = run.log('acc', 1);
    expect(run.log('acc', 2)).toBe(first);
    await first;
  });
});
