import { describe, expect, it } from 'vitest';
import {
  BanditPolicy,
  Experiment,
  HyperDriveConfig,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  SeededRandom,
  Workspace,
  uniform,
  type TrainFunction,
} from '../../src/index.js';
import {
  AshaPolicy,
  HyperbandPolicy,
  MedianStoppingPolicy,
  TruncationSelectionPolicy,
} from '../../src/policy/index.js';
import type { PolicyDecision, RunHistory } from '../../src/policy/policy.js';
import { POLICY_REGISTRY } from '../../src/policy/registry.js';
import { SAMPLING_REGISTRY } from '../../src/sampling/registry.js';
import { exportSweep, importSweep, parseSweepDocument, sweepDocumentText } from '../../src/export/index.js';
import { checkSweepName, MAX_SWEEP_NAME_LENGTH, type SweepRecord } from '../../src/store/records.js';
import { demoSpec, describeSweepFile, PRESETS } from '../../src/studio/builder/presets.js';
import { normalizeSweepFile } from '../../src/sweep-file/parse-sweep-file.js';
import { explainDecision, type JudgedDecision } from '../../src/studio/teach/decision-math.js';
import { compareSweeps, sameSeedAndSampling } from '../../src/studio/teach/compare-sweeps.js';
import { idsOfCompareHash, compareHash } from '../../src/studio/pages/compare-page.js';
import { describeBatch, WriteBuffer } from '../../src/store/write-buffer.js';
import { sequentialIds, sweepRecord } from './helpers.js';

const judged = (decision: PolicyDecision): JudgedDecision => {
  if (decision.kind === 'skip') throw new Error(`expected a judged decision, got: ${decision.explanation}`);
  return decision;
};
const run = (runId: string, values: number[], finished = false): RunHistory => ({ runId, values, finished });

describe('the teaching text', () => {
  it('every policy and every sampling method has a summary, a rule, and symbols the rule uses', () => {
    for (const row of [...POLICY_REGISTRY, ...SAMPLING_REGISTRY]) {
      expect(row.teaching.summary.length, row.kind).toBeGreaterThan(40);
      expect(row.teaching.rule.length, row.kind).toBeGreaterThan(5);
      for (const [symbol] of row.teaching.symbols) {
        // Each explained symbol (or the first of a list of them) appears in the rule.
        expect(row.teaching.rule, `${row.kind}: ${symbol}`).toContain(symbol.split(',')[0]?.trim() ?? symbol);
      }
    }
  });
});

describe('a stop decision explained with its numbers', () => {
  it('Bandit: the cut-off best/(1+slack) with the best run, the slack and this run filled in', () => {
    const policy = new BanditPolicy({ slackFactor: 0.25, evaluationInterval: 1, delayEvaluation: 0 });
    const d = judged(
      policy.decide({
        goal: 'MAXIMIZE',
        run: run('a', [0.1, 0.5]),
        interval: 2,
        others: [run('b', [0.7, 0.8])],
      }),
    );
    expect(d.kind).toBe('cancel');
    const x = explainDecision(d, { goal: 'MAXIMIZE' });
    expect(x.stopped).toBe(true);
    expect(x.applied).toEqual([
      'cut-off = 0.8 / (1 + 0.25) = 0.64',
      "this run's best 0.5 < 0.64 → stopped at interval 2",
    ]);
    expect(x.numbers).toContainEqual({
      label: 'best run’s value (best of all runs up to this interval)',
      value: '0.8',
    });
    expect(x.numbers).toContainEqual({ label: 'slack', value: 'slack factor 0.25' });
    expect(x.numbers).toContainEqual({ label: 'cut-off', value: '0.64' });
    expect(x.rule).toContain('slack_factor');
  });

  it('Bandit minimising with a slack amount', () => {
    const policy = new BanditPolicy({ slackAmount: 0.1, evaluationInterval: 1, delayEvaluation: 0 });
    const d = judged(policy.decide({ goal: 'MINIMIZE', run: run('a', [0.9]), interval: 1, others: [run('b', [0.3])] }));
    expect(explainDecision(d, { goal: 'MINIMIZE' }).applied).toEqual([
      'cut-off = 0.3 + 0.1 = 0.4',
      "this run's best 0.9 > 0.4 → stopped at interval 1",
    ]);
  });

  it('Median: the running averages and their median, recomputed as the policy does', () => {
    const policy = new MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 0 });
    const others = [run('b', [0.6, 0.8]), run('c', [0.4, Number.NaN]), run('d', [0.9, 0.9])];
    const d = judged(policy.decide({ goal: 'MAXIMIZE', run: run('a', [0.2, 0.3]), interval: 2, others }));
    expect(d.kind).toBe('cancel');
    const x = explainDecision(d, { goal: 'MAXIMIZE', otherCurves: others.map((o) => o.values) });
    expect(x.applied[0]).toBe('median(0.4, 0.7, 0.9) = 0.7');
    expect(x.applied[1]).toBe("this run's best 0.3 is worse than 0.7 → stopped at interval 2");
    expect(x.numbers).toContainEqual({ label: 'median', value: '0.7' });
    expect(x.numbers).toContainEqual({ label: 'running averages of the other runs (1..N)', value: '0.4, 0.7, 0.9' });
    // Without the curves (or with a run that reached N later), only the count is shown.
    const late = [...others.map((o) => o.values), [0.1, 0.1]];
    expect(explainDecision(d, { goal: 'MAXIMIZE', otherCurves: late }).applied[0]).toBe(
      'median of 3 running averages = 0.7',
    );
  });

  it('Truncation: the rank, the percentile and the cut', () => {
    const policy = new TruncationSelectionPolicy({
      truncationPercentage: 50,
      evaluationInterval: 1,
      delayEvaluation: 0,
    });
    const others = [run('b', [0.9]), run('c', [0.8]), run('d', [0.7])];
    const d = judged(policy.decide({ goal: 'MAXIMIZE', run: run('a', [0.1]), interval: 1, others }));
    const x = explainDecision(d, { goal: 'MAXIMIZE' });
    expect(x.stopped).toBe(true);
    expect(x.applied).toEqual([
      'cut = ⌊4 · 50 / 100⌋ = 2 runs, so ranks above 2 are stopped',
      'this run ranks 4 of 4 (100th percentile from the top): 4 > 2 → stopped at interval 1',
    ]);
    expect(x.numbers).toContainEqual({ label: 'rank (1 = best)', value: '4' });
  });

  it('ASHA and Hyperband: the rung and the top-k', () => {
    const asha = new AshaPolicy({ reductionFactor: 2, minInterval: 1 });
    const others = [run('b', [0.9], true), run('c', [0.8], true), run('d', [0.7], true)];
    const d = judged(asha.decide({ goal: 'MAXIMIZE', run: run('a', [0.1]), interval: 1, others }));
    const x = explainDecision(d, { goal: 'MAXIMIZE' });
    expect(x.applied).toEqual([
      'rung 0 at interval 1: top-k = ⌊4 / 2⌋ = 2',
      'this run ranks 4: 4 > 2 → stopped at interval 1',
    ]);
    const hyperband = new HyperbandPolicy({ reductionFactor: 2, minInterval: 1, maxInterval: 4, brackets: 1 });
    const h = judged(
      hyperband.decide({
        goal: 'MAXIMIZE',
        run: { ...run('a', [0.1]), index: 0 },
        interval: 1,
        others: others.map((o, i) => ({ ...o, index: i + 1 })),
      }),
    );
    const hx = explainDecision(h, { goal: 'MAXIMIZE' });
    expect(hx.applied[0]).toMatch(/^bracket 0 of 1, rung 0 at interval 1: top-k = ⌊4 \/ 2⌋ = 2$/);
    expect(hx.numbers).toContainEqual({ label: 'bracket', value: '0 of 1' });
  });
});

describe('the demo description', () => {
  it('is written from the values the demo fills the form with', () => {
    const demo = demoSpec();
    expect(demo.limits.max_concurrent_trials).toBe(4);
    expect(demo.search_space['epochs']).toBe(6);
    expect(demo.description).toContain('12 random configurations, 4 at a time, 6 epochs each');
    expect(demo.description).toContain(
      'Bandit early termination (slack factor 0.15, evaluation interval 1, delay evaluation 3)',
    );
    expect(demo.description).not.toContain('8 epochs');
  });

  it('follows any change of the values (it cannot drift)', () => {
    const base = demoSpec();
    const changed = normalizeSweepFile({
      ...base,
      search_space: { ...base.search_space, epochs: 9 },
      limits: { ...base.limits, max_total_trials: 5, max_concurrent_trials: 1 },
      early_termination: undefined,
    });
    expect(describeSweepFile('X', changed)).toBe(
      'X: 5 random configurations, 1 at a time, 9 epochs each; every run trains to the end.',
    );
  });

  it('every preset describes its own spec', () => {
    for (const preset of PRESETS) {
      const { limits } = preset.spec;
      expect(preset.description, preset.name).toContain(`${limits.max_concurrent_trials} at a time`);
      const epochs = preset.spec.search_space['epochs'];
      if (typeof epochs === 'number') expect(preset.description, preset.name).toContain(`${epochs} epochs each`);
    }
  });
});

describe('sweep names', () => {
  it('are checked: length, one line, no surrounding spaces; the error names the field, the rule and the value', () => {
    expect(checkSweepName('Bandit, seed 42')).toBe('Bandit, seed 42');
    expect(checkSweepName('x'.repeat(MAX_SWEEP_NAME_LENGTH))).toHaveLength(MAX_SWEEP_NAME_LENGTH);
    for (const bad of ['', ' padded', 'two\nlines', 'x'.repeat(MAX_SWEEP_NAME_LENGTH + 1)]) {
      expect(() => checkSweepName(bad)).toThrow(/^name: must be 1 to 80 characters on one line/);
    }
  });

  it("in the IndexedDB store's write buffer: a buffered name is kept by a later record without one", () => {
    const buffer = new WriteBuffer();
    buffer.addSweepName('HD_x', 'named first');
    buffer.addSweep(sweepRecord('HD_x', 'Running'));
    buffer.addSweepName('HD_y', 'not buffered as a record');
    const batch = buffer.take();
    expect(batch.sweeps).toEqual([{ ...sweepRecord('HD_x', 'Running'), name: 'named first' }]);
    expect(batch.sweepNames).toEqual([{ sweepId: 'HD_y', name: 'not buffered as a record' }]);
    expect(describeBatch(batch)).toBe('1 sweep (putSweep), 1 sweep name (putSweepName)');
    buffer.addSweep({ ...sweepRecord('HD_z', 'Running'), name: 'a' });
    buffer.addSweep(sweepRecord('HD_z', 'Completed'));
    expect(buffer.take().sweeps[0]).toMatchObject({ status: 'Completed', name: 'a' });
  });

  it('survive status updates, export and import; an old document without one still loads', async () => {
    const store = new MemoryStore();
    const record: SweepRecord = sweepRecord('HD_a', 'Running');
    await store.putSweep(record);
    await store.putSweepName('HD_a', 'with bandit');
    // The orchestrator's next update carries no name: the stored one stays.
    await store.putSweep({ ...record, status: 'Completed' });
    expect(await store.getSweep('HD_a')).toMatchObject({ status: 'Completed', name: 'with bandit' });

    const text = sweepDocumentText(await exportSweep(store, 'HD_a'));
    const target = new MemoryStore();
    const { sweepId } = await importSweep(target, parseSweepDocument(text), { workspace: 'w' });
    expect((await target.getSweep(sweepId))?.name).toBe('with bandit');

    const old = JSON.parse(text) as { sweep: Record<string, unknown> };
    delete old.sweep['name'];
    const imported = await importSweep(target, parseSweepDocument(JSON.stringify(old)), { workspace: 'w' });
    expect((await target.getSweep(imported.sweepId))?.name).toBeUndefined();

    const bad = JSON.parse(text) as { sweep: Record<string, unknown> };
    bad.sweep['name'] = 'x'.repeat(81);
    expect(() => parseSweepDocument(JSON.stringify(bad))).toThrow(/sweep\.name: must be 1 to 80 characters/);
  });
});

describe('comparing sweeps', () => {
  /** Runs with lr ≥ 0.5 start badly and end best: what a strict policy stops and should not. */
  const train: TrainFunction = async (params, run) => {
    const lr = params['lr'] as number;
    for (let epoch = 1; epoch <= 5; epoch++) {
      await run.log('accuracy', lr >= 0.5 ? (epoch <= 2 ? 0.1 : lr) : 0.45 + epoch * 0.01);
    }
  };

  async function sweep(store: MemoryStore, seed: number, withPolicy: boolean): Promise<string> {
    const workspace = new Workspace({
      name: 'w',
      store,
      random: new SeededRandom(1),
      createSweepId: sequentialIds(withPolicy ? `HD_p${seed}_` : `HD_n${seed}_`),
    });
    const running = new Experiment(workspace, 'cmp').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new RandomParameterSampling({ lr: uniform(0, 1) }, { seed }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 8,
        maxConcurrentRuns: 1,
        train,
        ...(withPolicy
          ? { policy: new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 1 }) }
          : {}),
      }),
    );
    await running.waitForCompletion();
    return running.id;
  }

  async function load(store: MemoryStore, id: string) {
    const record = await store.getSweep(id);
    if (record === undefined) throw new Error(id);
    return { record, runs: await store.listRuns(id), points: await store.listMetrics(id) };
  }

  it('same seed, Bandit against none: compute, saving, stops, and the stopped runs that would have won', async () => {
    const store = new MemoryStore();
    const a = await load(store, await sweep(store, 7, true));
    const b = await load(store, await sweep(store, 7, false));
    const other = await load(store, await sweep(store, 8, false));
    expect(sameSeedAndSampling(a.record, b.record)).toBe(true);
    expect(sameSeedAndSampling(a.record, other.record)).toBe(false);

    const c = compareSweeps([a, b, other]);
    const [sa, sb] = c.sweeps;
    if (sa === undefined || sb === undefined) throw new Error('two summaries');
    // The no-policy twin is the baseline, whatever trained most.
    expect(sb.baseline).toBe(true);
    expect(c.baselineReason).toContain('no early termination, same seed and sampling');
    expect(sb.compute).toBe(8 * 5);
    const stopped = a.runs.filter((r) => r.termination?.kind === 'policy');
    expect(stopped.length).toBeGreaterThan(0);
    expect(sa.runsStopped).toBe(stopped.length);
    expect(sa.compute).toBe(a.runs.reduce((sum, r) => sum + r.intervals, 0));
    expect(sa.computeSavedPercent).toBeCloseTo((1 - sa.compute / 40) * 100, 10);
    expect(sa.computeSavedPercent).toBeGreaterThan(0);
    // The curve ends at the compute spent and the final best.
    expect(sa.curve.at(-1)).toEqual({ compute: sa.compute, best: sa.finalBest });
    expect(sb.curve.at(-1)?.best).toBe(Math.max(...b.runs.map((r) => r.bestMetric ?? -1)));
    expect(c.sameSeedPairs).toBe(1);

    // Independently: the stopped runs whose configuration beat b's best or a's best in b.
    const bBest = sb.finalBest ?? 0;
    const aBest = sa.finalBest ?? 0;
    const expected = stopped
      .map((r) => ({ r, twin: b.runs.find((t) => t.params['lr'] === r.params['lr']) }))
      .filter(({ twin }) => twin?.bestMetric != null && (twin.bestMetric >= bBest || twin.bestMetric > aBest));
    expect(expected.length).toBeGreaterThan(0);
    expect(c.stoppedWinners.map((w) => w.stoppedRunIndex).sort()).toEqual(expected.map(({ r }) => r.index).sort());
    for (const w of c.stoppedWinners) expect(w.ranIn).toBe(sb.label);
  });

  it('different goals are flagged, and hashes round-trip ids', () => {
    const a = { record: sweepRecord('A', 'Completed'), runs: [], points: [] };
    const bRecord = sweepRecord('B,1', 'Completed');
    const b = {
      record: { ...bRecord, config: { ...bRecord.config, primaryMetricGoal: 'MINIMIZE' as const } },
      runs: [],
      points: [],
    };
    expect(compareSweeps([a, b]).mismatch).toContain('not comparable');
    expect(idsOfCompareHash(compareHash(['A', 'B,1', 'x/y']))).toEqual(['A', 'B,1', 'x/y']);
  });
});
