import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  BanditPolicy,
  BayesianParameterSampling,
  Experiment,
  HyperDriveConfig,
  PrimaryMetricGoal,
  RandomParameterSampling,
  SeededRandom,
  Workspace,
  type ParamSet,
  type TrainFunction,
} from '../../src/index.js';
import { BayesianSampler, roleOf, SpaceEncoding } from '../../src/sampling/bayesian/index.js';
import { samplingFromRecord, type Sampler, type TrialObservation } from '../../src/sampling/index.js';
import {
  choice,
  createSearchSpace,
  loguniform,
  lognormal,
  normal,
  paramsKey,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  uniform,
  type SearchSpaceDefinition,
} from '../../src/space/index.js';
import { sequentialIds, tick } from './helpers.js';

type Goal = 'MINIMIZE' | 'MAXIMIZE';
const num = (params: ParamSet, name: string): number => params[name] as number;

function branin(p: ParamSet): number {
  const x1 = num(p, 'x1');
  const x2 = num(p, 'x2');
  return (
    (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 +
    10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) +
    10
  );
}
const BRANIN_SPACE = { x1: uniform(-5, 10), x2: uniform(0, 15) };
const BRANIN_MIN = 0.397887357729738;

/** Runs a sampler one configuration at a time on `f`, as a sweep with concurrency 1 would. */
async function drive(
  sampler: Sampler,
  f: (p: ParamSet) => number,
  n: number,
  goal: Goal = 'MINIMIZE',
): Promise<{ params: ParamSet[]; values: number[] }> {
  const observations: TrialObservation[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const params = await sampler.next({ observations, goal });
    if (params === null) throw new Error('the sampler ran out');
    const value = f(params);
    values.push(value);
    observations.push({ params, best: value, state: 'completed' });
  }
  return { params: observations.map((o) => o.params), values };
}

function rejection(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('BayesianParameterSampling', () => {
  it('describes itself as an unbounded Bayesian sampling over the validated space', () => {
    const sampling = new BayesianParameterSampling({ '--lr': loguniform(-7, -2), bs: choice(16, 32), epochs: 5 });
    expect(sampling.kind).toBe('bayesian');
    expect(sampling.size).toBeUndefined();
    expect(sampling.space.parameters.map((p) => p.name)).toEqual(['lr', 'bs', 'epochs']);
    expect(sampling.initialPoints).toBe(4);
    expect(
      new BayesianParameterSampling(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x${i}`, uniform(0, 1)])))
        .initialPoints,
    ).toBe(10);
  });

  it('rejects bad options naming the field, the rule and the value', () => {
    expect(rejection(() => new BayesianParameterSampling({ x: uniform(0, 1) }, { seed: 1.5 })).message).toBe(
      'BayesianParameterSampling.seed: must be a finite integer or a non-empty string (got 1.5)',
    );
    expect(rejection(() => new BayesianParameterSampling({ x: uniform(0, 1) }, { seed: '' })).field).toBe(
      'BayesianParameterSampling.seed',
    );
    const unknown = rejection(() => new BayesianParameterSampling({ x: uniform(0, 1) }, { seed: 1, xi: 0.1 } as never));
    expect(unknown.message).toBe('BayesianParameterSampling.xi: is not an option (the options are seed) (got 0.1)');
    expect(unknown.rule).toBe('is not an option (the options are seed)');
    expect(unknown.value).toBe(0.1);
    expect(rejection(() => new BayesianParameterSampling({ x: uniform(0, 1) }, 7 as never)).message).toBe(
      'BayesianParameterSampling.options: must be an object such as { seed: 42 } (got 7)',
    );
    expect(rejection(() => new BayesianParameterSampling({ x: uniform(1, 0) })).field).toBe('x');
  });

  it('round-trips through toRecord and samplingFromRecord, replaying the same suggestions', async () => {
    const definition = { lr: loguniform(-7, -2), model: choice({ kind: 'mlp', layers: randint(4) }, 'linear') };
    const original = new BayesianParameterSampling(definition, { seed: 'spec' });
    const stored = JSON.parse(JSON.stringify(original.toRecord()));
    expect(stored).toEqual({
      kind: 'bayesian',
      space: JSON.parse(JSON.stringify(definition)),
      options: { seed: 'spec' },
    });
    const rebuilt = samplingFromRecord(stored);
    expect(rebuilt).toBeInstanceOf(BayesianParameterSampling);
    expect(rebuilt.toRecord()).toEqual(original.toRecord());
    const f = (p: ParamSet) => (Math.log(num(p, 'lr')) + 4) ** 2 + (p['model'] === 'linear' ? 1 : 0);
    const a = await drive(original.createSampler(new SeededRandom(1)), f, 12);
    const b = await drive(rebuilt.createSampler(new SeededRandom(2)), f, 12);
    expect(b.params).toEqual(a.params);
    expect(new BayesianParameterSampling(definition).toRecord().options).toEqual({});
  });
});

describe('reproducibility', () => {
  it('gives the same sequence for the same seed, whatever source is injected', async () => {
    const a = await drive(
      new BayesianParameterSampling(BRANIN_SPACE, { seed: 42 }).createSampler(new SeededRandom('x')),
      branin,
      15,
    );
    const b = await drive(
      new BayesianParameterSampling(BRANIN_SPACE, { seed: 42 }).createSampler(new SeededRandom('y')),
      branin,
      15,
    );
    expect(b.params).toEqual(a.params);
    const c = await drive(
      new BayesianParameterSampling(BRANIN_SPACE, { seed: 43 }).createSampler(new SeededRandom('x')),
      branin,
      15,
    );
    expect(c.params).not.toEqual(a.params);
  });

  it('without a seed, follows the injected source', async () => {
    const sampling = new BayesianParameterSampling(BRANIN_SPACE);
    const a = await drive(sampling.createSampler(new SeededRandom(7)), branin, 12);
    const b = await drive(sampling.createSampler(new SeededRandom(7)), branin, 12);
    const c = await drive(sampling.createSampler(new SeededRandom(8)), branin, 12);
    expect(b.params).toEqual(a.params);
    expect(c.params).not.toEqual(a.params);
  });

  it('minimising f and maximising -f are the same search', async () => {
    const sampling = new BayesianParameterSampling(BRANIN_SPACE, { seed: 5 });
    const down = await drive(sampling.createSampler(new SeededRandom(0)), branin, 14, 'MINIMIZE');
    const up = await drive(sampling.createSampler(new SeededRandom(0)), (p) => -branin(p), 14, 'MAXIMIZE');
    expect(up.params).toEqual(down.params);
  });

  it('needs the goal to learn from results', async () => {
    const sampler = new BayesianParameterSampling(BRANIN_SPACE, { seed: 1 }).createSampler(new SeededRandom(0));
    expect(() => sampler.next({ observations: [] })).toThrow(/needs SamplerContext.goal/);
  });
});

describe('search quality', () => {
  it('on Branin, finds a clearly better best than random search with the same budget and seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const bayes = await drive(
        new BayesianParameterSampling(BRANIN_SPACE, { seed }).createSampler(new SeededRandom(0)),
        branin,
        30,
      );
      const random = await drive(
        new RandomParameterSampling(BRANIN_SPACE, { seed }).createSampler(new SeededRandom(0)),
        branin,
        30,
      );
      const bayesRegret = Math.min(...bayes.values) - BRANIN_MIN;
      const randomRegret = Math.min(...random.values) - BRANIN_MIN;
      expect(bayesRegret).toBeLessThan(0.05);
      expect(bayesRegret).toBeLessThan(randomRegret / 10);
    }
  });

  it('suggests a valid configuration for every expression type, nested choices included', async () => {
    const definition: SearchSpaceDefinition = {
      u: uniform(-1, 1),
      lu: loguniform(-5, 0),
      n: normal(0, 1),
      ln: lognormal(0, 0.5),
      qu: quniform(0, 10, 1),
      qlu: qloguniform(0, 4, 2),
      qn: qnormal(5, 2, 0.5),
      qln: qlognormal(1, 0.5, 0.25),
      r: randint(6),
      opt: choice('adam', 'sgd'),
      model: choice(
        { kind: 'mlp', layers: randint(4), width: quniform(16, 128, 16) },
        { kind: 'linear', l2: loguniform(-8, -1) },
      ),
      epochs: 3,
    };
    const space = createSearchSpace(definition);
    const encoding = new SpaceEncoding(space);
    // Best when the mlp branch has 2 layers and u is near 0.5; the linear branch is worse.
    const f = (p: ParamSet): number => {
      const model = p['model'] as ParamSet;
      const branch = model['kind'] === 'mlp' ? Math.abs(num(model, 'layers') - 2) : 2;
      return (num(p, 'u') - 0.5) ** 2 + branch + (p['opt'] === 'adam' ? 0 : 0.5) + 0.01 * num(p, 'r');
    };
    const { params, values } = await drive(
      new BayesianParameterSampling(definition, { seed: 3 }).createSampler(new SeededRandom(0)),
      f,
      30,
    );
    for (const p of params) {
      expect(encoding.encode(p)).not.toBeNull();
      expect(p['epochs']).toBe(3);
    }
    expect(new Set(params.map(paramsKey)).size).toBe(params.length);
    expect(Math.min(...values.slice(20))).toBeLessThan(Math.min(...values.slice(0, 8)));
  });
});

describe('what the observations say', () => {
  const space = createSearchSpace({ x: uniform(0, 1), y: uniform(0, 1) });
  const bowl = (p: ParamSet): number => (num(p, 'x') - 0.3) ** 2 + (num(p, 'y') - 0.6) ** 2;
  const distance = (a: ParamSet, b: ParamSet): number =>
    Math.hypot(num(a, 'x') - num(b, 'x'), num(a, 'y') - num(b, 'y'));

  function completed(sampler: BayesianSampler, n: number): TrialObservation[] {
    const observations: TrialObservation[] = [];
    for (let i = 0; i < n; i += 1) {
      const params = sampler.suggest(observations, 'MINIMIZE').params;
      observations.push({ params, best: bowl(params), state: 'completed' });
    }
    return observations;
  }

  it('reads each state of an observation as the model should', () => {
    const params = { x: 0.5 };
    expect(roleOf({ params, best: 1, state: 'completed' })).toEqual({ kind: 'complete', value: 1 });
    expect(roleOf({ params, best: undefined, state: 'completed' })).toEqual({ kind: 'failed' });
    expect(roleOf({ params, best: 0.5, state: 'canceled' })).toEqual({ kind: 'partial', value: 0.5 });
    expect(roleOf({ params, best: undefined, state: 'canceled' })).toEqual({ kind: 'ignored' });
    expect(roleOf({ params, best: 2, state: 'failed' })).toEqual({ kind: 'partial', value: 2 });
    expect(roleOf({ params, best: undefined, state: 'failed' })).toEqual({ kind: 'failed' });
    expect(roleOf({ params, best: 3, state: 'running' })).toEqual({ kind: 'pending' });
    expect(roleOf({ params, best: Number.NaN, state: 'completed' })).toEqual({ kind: 'failed' });
  });

  it('conditions on a running trial so the next suggestion moves away from it', () => {
    const sampler = new BayesianSampler({ space, seed: 'a', initialPoints: 4 });
    const observations = completed(sampler, 10);
    const first = sampler.suggest(observations, 'MINIMIZE').params;
    // Same number of observations (so the same random draws); only the state of `first` differs.
    const pending = sampler.suggest(
      [...observations, { params: first, best: undefined, state: 'running' }],
      'MINIMIZE',
    ).params;
    const forgotten = sampler.suggest(
      [...observations, { params: first, best: undefined, state: 'canceled' }],
      'MINIMIZE',
    ).params;
    expect(distance(forgotten, first)).toBeLessThan(0.01);
    expect(distance(pending, first)).toBeGreaterThan(0.03);
    expect(distance(pending, first)).toBeGreaterThan(10 * distance(forgotten, first));
  });

  it('gives distinct configurations to concurrent trials', () => {
    const sampler = new BayesianSampler({ space, seed: 'b', initialPoints: 4 });
    const observations = completed(sampler, 8);
    const concurrent: ParamSet[] = [];
    for (let i = 0; i < 4; i += 1) {
      const params = sampler.suggest(observations, 'MINIMIZE').params;
      concurrent.push(params);
      observations.push({ params, best: undefined, state: 'running' });
    }
    expect(new Set(concurrent.map(paramsKey)).size).toBe(4);
  });

  it('never measures improvement from a partial (stopped) run', () => {
    const sampler = new BayesianSampler({ space, seed: 'c', initialPoints: 4 });
    const observations = completed(sampler, 8);
    const lucky = { params: { x: 0.3, y: 0.6 }, best: -5 };
    const asCompleted = sampler.suggest([...observations, { ...lucky, state: 'completed' }], 'MINIMIZE');
    const asPartial = sampler.suggest([...observations, { ...lucky, state: 'canceled' }], 'MINIMIZE');
    if (asCompleted.kind !== 'model' || asPartial.kind !== 'model') throw new Error('expected model suggestions');
    expect(asPartial.incumbent).toBeGreaterThan(asCompleted.incumbent + 0.5);
  });

  it('steers away from where runs failed without a value', () => {
    const sampler = new BayesianSampler({ space, seed: 'd', initialPoints: 4 });
    const observations = completed(sampler, 6);
    // Everything with x > 0.5 crashes.
    for (let i = 0; i < 8; i += 1)
      observations.push({ params: { x: 0.55 + 0.05 * i, y: (i * 0.37) % 1 }, best: undefined, state: 'failed' });
    for (let i = 0; i < 6; i += 1) {
      const params = sampler.suggest(observations, 'MINIMIZE').params;
      expect(num(params, 'x')).toBeLessThan(0.55);
      observations.push({ params, best: bowl(params), state: 'completed' });
    }
  });

  it('keeps sampling quasi-randomly while no run has a value', () => {
    const sampler = new BayesianSampler({ space, seed: 'e', initialPoints: 2 });
    const failed: TrialObservation[] = Array.from({ length: 6 }, (_, i) => ({
      params: { x: i / 6, y: 0.5 },
      best: undefined,
      state: 'failed',
    }));
    const suggestion = sampler.suggest(failed, 'MINIMIZE');
    expect(suggestion.kind).toBe('initial');
  });

  it('learns from earlier runs as soon as they appear in the observations (warm start)', () => {
    const parent = new BayesianSampler({ space, seed: 'parent', initialPoints: 4 });
    const prior = completed(parent, 20);
    const child = new BayesianSampler({ space, seed: 'child', initialPoints: 4 });
    const first = child.suggest(prior, 'MINIMIZE');
    expect(first.kind).toBe('model');
    expect(distance(first.params, { x: 0.3, y: 0.6 })).toBeLessThan(0.1);
  });

  it('ignores observations that are not from its search space', () => {
    const observations = completed(new BayesianSampler({ space, seed: 'f', initialPoints: 4 }), 6);
    const foreign: TrialObservation[] = [
      { params: { x: 0.5, depth: 3 }, best: -100, state: 'completed' },
      { params: { x: 'a', y: 0.1 }, best: -100, state: 'completed' },
    ];
    // As many observations that carry nothing (so the same random draws), for comparison.
    const empty: TrialObservation[] = foreign.map(() => ({
      params: { x: 0.5, y: 0.5 },
      best: undefined,
      state: 'canceled',
    }));
    const withForeign = new BayesianSampler({ space, seed: 'f', initialPoints: 4 }).suggest(
      [...observations, ...foreign],
      'MINIMIZE',
    );
    const withEmpty = new BayesianSampler({ space, seed: 'f', initialPoints: 4 }).suggest(
      [...observations, ...empty],
      'MINIMIZE',
    );
    expect(withForeign.kind).toBe('model');
    expect(withForeign.params).toEqual(withEmpty.params);
  });

  it('does not repeat a configuration of a small discrete space while untried ones remain', () => {
    const discrete = createSearchSpace({ a: choice(1, 2, 3), b: choice('x', 'y') });
    const sampler = new BayesianSampler({ space: discrete, seed: 'g', initialPoints: 2 });
    const observations: TrialObservation[] = [];
    for (let i = 0; i < 6; i += 1) {
      const params = sampler.suggest(observations, 'MINIMIZE').params;
      observations.push({ params, best: num(params, 'a') + (params['b'] === 'x' ? 0 : 1), state: 'completed' });
    }
    expect(new Set(observations.map((o) => paramsKey(o.params))).size).toBe(6);
  });
});

describe('a sweep with Bayesian sampling', () => {
  it('runs through Experiment and Workspace with a Bandit policy, learning from stopped runs', async () => {
    const definition = { lr: loguniform(Math.log(1e-4), Math.log(1)), momentum: uniform(0, 1) };
    // Accuracy climbs towards a ceiling set by how close lr is to 1e-2 and momentum to 0.9.
    const ceiling = (p: ParamSet): number =>
      1 - 0.08 * (Math.log10(num(p, 'lr')) + 2) ** 2 - 0.5 * (num(p, 'momentum') - 0.9) ** 2;
    const train: TrainFunction = async (params, run) => {
      for (let epoch = 1; epoch <= 6 && !run.isCanceled; epoch += 1) {
        run.log('accuracy', ceiling(params) * (1 - Math.exp(-epoch)));
        await tick();
      }
    };
    const config = new HyperDriveConfig({
      hyperparameterSampling: new BayesianParameterSampling(definition, { seed: 11 }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 24,
      maxConcurrentRuns: 3,
      policy: new BanditPolicy({ slackFactor: 0.05, evaluationInterval: 1, delayEvaluation: 2 }),
      train,
    });
    expect(config.warnings).toEqual([
      'Bayesian sampling works best with maxTotalRuns >= 20 x the number of parameters (40); got 24',
    ]);
    const workspace = new Workspace({ createSweepId: sequentialIds(), random: new SeededRandom(1) });
    const sweep = new Experiment(workspace, 'bayesian').submit(config);
    const result = await sweep.waitForCompletion();
    expect(result.status).toBe('Completed');
    const runs = sweep.getChildren();
    expect(runs).toHaveLength(24);
    expect(runs.some((r) => r.status === 'Canceled' && r.termination?.kind === 'policy')).toBe(true);
    expect(new Set(runs.map((r) => paramsKey(r.params))).size).toBe(24);
    const best = sweep.getBestRunByPrimaryMetric();
    expect(best?.bestMetric ?? 0).toBeGreaterThan(0.95 * 0.99);
    // The later half, chosen with the model, does better on average than the quasi-random start.
    const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const ceilings = runs.map((r) => ceiling(r.params));
    expect(mean(ceilings.slice(12))).toBeGreaterThan(mean(ceilings.slice(0, 4)));
  });
});
