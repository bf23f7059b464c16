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
  choice,
  loguniform,
  uniform,
  type TrainFunction,
} from '../../src/index.js';
import { normalizeSweepFile, parseSweepFile } from '../../src/sweep-file/parse-sweep-file.js';
import {
  fromRecord,
  literal,
  numberField,
  splitList,
  toSweepFileInput,
  type BuilderState,
} from '../../src/studio/builder/form-state.js';
import { paramColumns, spaceHints } from '../../src/studio/view-model/param-columns.js';
import { SweepModel } from '../../src/studio/view-model/sweep-model.js';
import { sequentialIds, tick } from './helpers.js';

const immediate = (callback: () => void): void => callback();

async function storedSweep(): Promise<{ store: MemoryStore; id: string; live: SweepModel }> {
  const store = new MemoryStore();
  const workspace = new Workspace({ store, createSweepId: sequentialIds('HD_m'), random: new SeededRandom(3) });
  const train: TrainFunction = async (params, run) => {
    for (let i = 1; i <= 5; i++) {
      run.log('loss', 1 / i);
      run.log('accuracy', Number(params['q']) * i);
      await tick();
    }
  };
  const sweep = new Experiment(workspace, 'model').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        {
          q: uniform(0.05, 0.2),
          lr: loguniform(-7, -2),
          opt: choice('adam', 'sgd'),
          model: choice({ kind: 'mlp', units: choice(8, 16) }, { kind: 'linear' }),
        },
        { seed: 9 },
      ),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 6,
      maxConcurrentRuns: 2,
      policy: new BanditPolicy({ slackFactor: 0.05, evaluationInterval: 1, delayEvaluation: 2 }),
      train,
    }),
  );
  const live = new SweepModel(sweep.getDetails(), immediate);
  sweep.subscribe((event) => live.apply([event]));
  await sweep.waitForCompletion();
  return { store, id: sweep.id, live };
}

describe('SweepModel', () => {
  it('shows the same sweep whether fed live events or read from the store', async () => {
    const { store, id, live } = await storedSweep();
    const stored = await SweepModel.load(store, id, immediate);
    if (stored === null) throw new Error('not stored');
    expect(stored.rows().map((r) => r.run)).toEqual(live.rows().map((r) => r.run));
    expect(stored.record.status).toBe('Completed');
    expect(live.record.status).toBe('Completed');
    for (const row of stored.rows()) {
      expect(stored.curve(row.run.id, 'accuracy')).toEqual(live.curve(row.run.id, 'accuracy'));
      expect(stored.curve(row.run.id, 'accuracy')).toHaveLength(row.run.intervals);
    }
    expect(stored.metricNames).toEqual(['accuracy', 'loss']);
    expect(stored.decisions.length).toBeGreaterThan(0);
    // Runs stopped by the policy are marked for the charts, with their reason in words.
    const data = stored.chartData();
    const terminated = data.runs.filter((r) => r.terminated);
    expect(terminated.length).toBeGreaterThan(0);
    for (const run of terminated) expect(run.reason).toMatch(/Bandit/);
    expect(data.primaryMetric).toBe('accuracy');
    expect(data.goal).toBe('MAXIMIZE');
  });

  it('derives chart columns from the search space: log axes, categories, nested leaves', async () => {
    const { store, id } = await storedSweep();
    const model = await SweepModel.load(store, id, immediate);
    const columns = model?.chartData().params ?? [];
    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    expect(byName['lr']).toMatchObject({ kind: 'number', log: true });
    expect(byName['q']).toMatchObject({ kind: 'number', log: false });
    expect(byName['opt']).toEqual({ name: 'opt', kind: 'category', values: ['adam', 'sgd'] });
    expect(byName['model.kind']?.kind).toBe('category');
    const units = byName['model.units'];
    expect(units?.kind).toBe('category');
    if (units?.kind === 'category') expect(units.values).toEqual([8, 16]);
  });

  it('notifies at most once per scheduled frame however many events arrive', async () => {
    const { store, id } = await storedSweep();
    const queued: (() => void)[] = [];
    const model = await SweepModel.load(store, id, (cb) => queued.push(cb));
    if (model === null) throw new Error('not stored');
    let calls = 0;
    model.subscribe(() => (calls += 1));
    for (const cb of queued.splice(0)) cb();
    calls = 0;
    const run = model.rows()[0]?.run;
    if (run === undefined) throw new Error('no run');
    for (let i = 0; i < 50; i++) {
      model.apply([
        {
          kind: 'metric',
          point: { sweepId: id, runId: run.id, attempt: run.attempt, name: 'extra', step: i, value: i, time: i },
        },
      ]);
    }
    expect(queued).toHaveLength(1);
    for (const cb of queued.splice(0)) cb();
    expect(calls).toBe(1);
    expect(model.curve(run.id, 'extra')).toHaveLength(50);
  });

  it('drops an earlier attempt’s curve when a run is re-run after an interruption', async () => {
    const { store, id } = await storedSweep();
    const model = await SweepModel.load(store, id, immediate);
    const run = model?.rows()[0]?.run;
    if (model === null || run === undefined) throw new Error('no run');
    model.apply([{ kind: 'run', run: { ...run, attempt: run.attempt + 1, status: 'Running', intervals: 0 } }]);
    expect(model.curve(run.id, 'accuracy')).toEqual([]);
    model.apply([
      {
        kind: 'metric',
        point: { sweepId: id, runId: run.id, attempt: run.attempt, name: 'accuracy', step: 9, value: 1, time: 0 },
      },
    ]);
    expect(model.curve(run.id, 'accuracy')).toEqual([]);
  });
});

describe('param columns without a space', () => {
  it('numbers become a numeric axis, anything else categories (1, "1" and true kept apart)', () => {
    const columns = paramColumns(
      [
        { a: 1, b: 'x', c: 1 },
        { a: 2.5, b: 'y', c: '1' },
        { a: 3, b: true, c: true },
      ],
      spaceHints('not a space'),
    );
    expect(columns).toEqual([
      { name: 'a', kind: 'number', min: 1, max: 3, log: false },
      { name: 'b', kind: 'category', values: ['x', 'y', true] },
      { name: 'c', kind: 'category', values: [1, '1', true] },
    ]);
  });
});

describe('the builder form state', () => {
  it('reads numbers, literals and lists as typed, leaving bad text for the parser to name', () => {
    expect(numberField(' 0.5 ')).toBe(0.5);
    expect(numberField('1e-3')).toBe(0.001);
    expect(numberField('')).toBeUndefined();
    expect(numberField('1e')).toBe('1e');
    expect(numberField('0x10')).toBe('0x10');
    expect(literal('true')).toBe(true);
    expect(literal('"32"')).toBe('32');
    expect(literal('adam')).toBe('adam');
    expect(splitList('1, "a,b", {"k": [1, 2]}, x')).toEqual(['1', '"a,b"', '{"k": [1, 2]}', 'x']);
    expect(splitList('')).toEqual([]);
  });

  it('round-trips every example spec through the form without changing what it means', async () => {
    for (const file of ['digits-mlp', 'digits-cnn', 'spiral']) {
      const { default: data } = (await import(`../../examples/${file}.json`)) as { default: unknown };
      const spec = normalizeSweepFile(data, { builtinTrials: ['digits-mlp', 'digits-cnn', 'spiral'] });
      const state: BuilderState = fromRecord(spec);
      const again = parseSweepFile(toSweepFileInput(state), {
        builtinTrials: ['digits-mlp', 'digits-cnn', 'spiral'],
      }).spec;
      expect(again.search_space, file).toEqual(spec.search_space);
      expect(again.sampling_algorithm, file).toEqual(spec.sampling_algorithm);
      expect(again.early_termination, file).toEqual(spec.early_termination);
      expect(again.objective, file).toEqual(spec.objective);
      expect(again.limits.max_total_trials, file).toBe(spec.limits.max_total_trials);
      expect(again.limits.timeout, file).toBe(spec.limits.timeout);
      expect(again.limits.trial_timeout, file).toBe(spec.limits.trial_timeout);
    }
  });

  it('trial timeout (s): optional, written as limits.trial_timeout, read back, and checked by the parser', () => {
    const builtins = { builtinTrials: ['spiral'] };
    const spec = normalizeSweepFile(
      {
        trial: 'spiral',
        search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 } },
        sampling_algorithm: 'random',
        objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
      },
      builtins,
    );
    const state = fromRecord(spec);
    // Empty: no limit, and none in the spec.
    expect(state.limits.trialTimeoutSeconds).toBe('');
    expect(toSweepFileInput(state)['limits']).not.toHaveProperty('trial_timeout');
    expect(parseSweepFile(toSweepFileInput(state), builtins).hyperDriveConfigOptions).not.toHaveProperty(
      'trialTimeoutSeconds',
    );
    const timed: BuilderState = { ...state, limits: { ...state.limits, trialTimeoutSeconds: ' 600 ' } };
    expect(toSweepFileInput(timed)['limits']).toMatchObject({ trial_timeout: 600 });
    const parsed = parseSweepFile(toSweepFileInput(timed), builtins);
    expect(parsed.hyperDriveConfigOptions.trialTimeoutSeconds).toBe(600);
    expect(fromRecord(parsed.spec).limits.trialTimeoutSeconds).toBe('600');
    // Bad text reaches the parser as text, which names the field, the rule and the value.
    const typo: BuilderState = { ...state, limits: { ...state.limits, trialTimeoutSeconds: '10s' } };
    expect(() => parseSweepFile(toSweepFileInput(typo), builtins)).toThrow(
      'limits.trial_timeout: must be a finite number of seconds > 0 (got "10s")',
    );
    const zero: BuilderState = { ...state, limits: { ...state.limits, trialTimeoutSeconds: '0' } };
    expect(() => parseSweepFile(toSweepFileInput(zero), builtins)).toThrow(
      'limits.trial_timeout: must be a finite number of seconds > 0 (got 0)',
    );
  });

  it('a typo reaches the parser as text, so its message names the field, the rule and the value', () => {
    const spec = normalizeSweepFile(
      {
        trial: 'spiral',
        search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 } },
        sampling_algorithm: 'random',
        objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
      },
      { builtinTrials: ['spiral'] },
    );
    const state = fromRecord(spec);
    const row = state.parameters[0];
    if (row === undefined) throw new Error('no row');
    const broken: BuilderState = { ...state, parameters: [{ ...row, fields: { ...row.fields, max_value: '1,5' } }] };
    expect(() => parseSweepFile(toSweepFileInput(broken), { builtinTrials: ['spiral'] })).toThrow(
      'search_space.lr.max_value: must be a finite number (got "1,5")',
    );
  });
});
