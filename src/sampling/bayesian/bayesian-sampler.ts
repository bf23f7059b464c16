import type { PrimaryMetricGoal } from '../../metric/goal.js';
import { SeededRandom } from '../../random/seeded-random.js';
import type { RandomSource } from '../../random/random-source.js';
import { decodePoint } from '../../space/decode.js';
import type { ParamSet } from '../../space/expression.js';
import { paramsKey } from '../../space/flatten.js';
import type { SearchSpace } from '../../space/search-space.js';
import type { Sampler, SamplerContext, TrialObservation } from '../sampler.js';
import { SobolSequence } from '../sobol-sequence.js';
import { searchAcquisition, type AcquisitionBudget, type Candidate } from './acquisition-search.js';
import { SpaceEncoding } from './encoding.js';
import { fitHyperparameters } from './fit-hyperparameters.js';
import { GaussianProcess, type Posterior } from './gaussian-process.js';
import { hyperparameterPriors, priorMode, type LogPrior } from './hyperparameters.js';
import { CATEGORICAL, CONTINUOUS } from './kernel.js';
import { logExpectedImprovement } from './log-expected-improvement.js';
import type { TrainingData } from './marginal-likelihood.js';
import { standardizeTargets } from './standardize-targets.js';

/** How an observation enters the model. */
export type ObservationRole =
  /** Completed with a value: a full observation. */
  | { readonly kind: 'complete'; readonly value: number }
  /**
   * Stopped early (a policy or a user) or crashed after reporting: its best so far is real
   * evidence, but of a run that did not finish, so it counts with extra noise and never
   * becomes the incumbent that improvement is measured against.
   */
  | { readonly kind: 'partial'; readonly value: number }
  /** Finished without any value (crashed, or completed without the metric): treated as bad. */
  | { readonly kind: 'failed' }
  /** Still running: conditioned on as a fantasy so concurrent suggestions spread out. */
  | { readonly kind: 'pending' }
  /** Nothing to learn (cancelled before reporting anything). */
  | { readonly kind: 'ignored' };

/** Decision: how each observed state is read (the table in `ObservationRole`). */
export function roleOf(observation: TrialObservation): ObservationRole {
  const { state, best } = observation;
  const value = best !== undefined && Number.isFinite(best) ? best : undefined;
  switch (state) {
    case 'running':
      return { kind: 'pending' };
    case 'completed':
      return value === undefined ? { kind: 'failed' } : { kind: 'complete', value };
    case 'canceled':
      return value === undefined ? { kind: 'ignored' } : { kind: 'partial', value };
    case 'failed':
      return value === undefined ? { kind: 'failed' } : { kind: 'partial', value };
  }
}

export interface BayesianSamplerSettings {
  readonly space: SearchSpace;
  /** Decides every random choice of the sampler (with the number of observations). */
  readonly seed: string;
  /** Quasi-random configurations before the model takes over. */
  readonly initialPoints: number;
  /**
   * How the model scales with the sweep (defaults: `MAX_MODEL_POINTS`, refits on a schedule
   * past `REFIT_EVERY_CALL_UNTIL`). `{ modelPoints: Infinity, refitEveryCallUntil: Infinity }`
   * is the exact GP refitted on every call, which the sampler benchmark compares against.
   */
  readonly scaling?: { readonly modelPoints: number; readonly refitEveryCallUntil: number } | undefined;
}

/** Extra noise variance (standardised units) of a partial observation. */
const PARTIAL_NOISE = 0.1;
/** Above this many observations the hyperparameters are fitted on a subset. */
const MAX_FIT_POINTS = 50;
/**
 * Above this many observations the acquisition model is a subset-of-data GP (see
 * `modelSubset`). Scoring one candidate costs O(m²) for m modelled points and a suggestion
 * scores several hundred, so m is what bounds the cost: at 1,000 observations the exact GP
 * spent ~450 ms per suggestion (refactorising K and solving against it for every candidate),
 * the subset keeps it to a few tens of milliseconds whatever the sweep's length.
 */
export const MAX_MODEL_POINTS = 128;
/** Full multi-start fits while the data set is small; afterwards every so often. */
const ALWAYS_FULL_FIT_UNTIL = 30;
const FULL_FIT_GROWTH = 0.25;
/**
 * Past this many observations the hyperparameters are refitted on a schedule, once the data
 * have grown by `REFIT_GROWTH` since the last fit, instead of on every call: one more point
 * among hundreds barely moves the MAP estimate, and the fit was a fixed ~10 % of every call.
 */
const REFIT_EVERY_CALL_UNTIL = 200;
const REFIT_GROWTH = 0.05;
const FULL_FIT_ITERATIONS = 50;
const WARM_FIT_ITERATIONS = 10;
const PRIOR_STARTS = 2;
/**
 * Improvement is counted from this far below the incumbent (standardised units). Without any,
 * once the noise is fitted near zero, the search kept re-polishing the incumbent's digits (a
 * dozen runs a hair apart on the mixed benchmark) instead of testing the next most promising
 * region. Lizotte's ξ = 0.01 went too far the other way: measured against Optuna's GPSampler
 * (bench/sampler, 20 seeds, 50 evaluations) it left the optima less refined, and 0.001 with the
 * lower noise prior (hyperparameters.ts) cut the median regret on Branin 1.1e-3 → 2.0e-4,
 * Hartmann-6 0.018 → 0.012, Rosenbrock-4 23 → 19 and mixed 1.7e-4 → 8.9e-6 (Ackley-5 5.0 vs 4.5).
 */
const IMPROVEMENT_MARGIN = 0.001;
/** Observations the acquisition search perturbs around. */
const ANCHORS = 5;

/**
 * Gaussian-process Bayesian optimisation over one search space (semantics §3):
 *
 * - the first `initialPoints` configurations come from a scrambled Sobol sequence (an even
 *   cover of the cube beats a model fitted to two points);
 * - then each suggestion fits a GP with a Matérn-5/2 ARD kernel to every observation
 *   (encoded by `SpaceEncoding`, targets by `standardizeTargets`), with maximum a posteriori
 *   hyperparameters, conditions on the running trials as fantasised observations whose value
 *   is the model's own prediction but never better than the incumbent ("kriging believer",
 *   floored), and maximises log expected improvement with `searchAcquisition`;
 * - the result is the best candidate that is not already observed or running.
 *
 * Every random choice is drawn from a generator seeded by the seed and the number of
 * observations, so the same seed and the same results give the same suggestions. The only
 * state kept between calls is the previous hyperparameters, which warm-start the next fit.
 */
export class BayesianSampler implements Sampler {
  private readonly space: SearchSpace;
  private readonly encoding: SpaceEncoding;
  private readonly seed: string;
  private readonly initialPoints: number;
  private readonly modelPoints: number;
  private readonly refitEveryCallUntil: number;
  private readonly sobol: SobolSequence | null;
  private readonly priors: LogPrior[];
  private previousTheta: Float64Array | null = null;
  private lastFullFit = 0;
  private lastFit = 0;
  /**
   * Each configuration's key and features, by object: a sweep passes the same params objects
   * on every call, and re-encoding 1,000 of them was a tenth of a suggestion's cost.
   */
  private readonly encoded = new WeakMap<ParamSet, { readonly key: string; readonly features: Float64Array | null }>();

  constructor(settings: BayesianSamplerSettings) {
    this.space = settings.space;
    this.encoding = new SpaceEncoding(settings.space);
    this.seed = settings.seed;
    this.initialPoints = settings.initialPoints;
    this.modelPoints = settings.scaling?.modelPoints ?? MAX_MODEL_POINTS;
    this.refitEveryCallUntil = settings.scaling?.refitEveryCallUntil ?? REFIT_EVERY_CALL_UNTIL;
    const size = this.encoding.size;
    this.sobol =
      size > 0 && size <= SobolSequence.MAX_DIMENSIONS
        ? new SobolSequence(size, { seed: new SeededRandom(`bayesian-sobol:${settings.seed}`).nextUint32() })
        : null;
    this.priors = hyperparameterPriors({ dimensions: size });
  }

  next(context: SamplerContext): ParamSet {
    const goal = context.goal;
    if (goal === undefined) {
      throw new TypeError(
        'BayesianParameterSampling needs SamplerContext.goal (MAXIMIZE or MINIMIZE) to learn from the observations',
      );
    }
    // Warm-start parents' runs are prior knowledge like any finished run; with enough of them
    // the quasi-random start is skipped, as it should be.
    const observations =
      context.priors === undefined || context.priors.length === 0
        ? context.observations
        : [...context.priors, ...context.observations];
    return this.suggest(observations, goal).params;
  }

  /** The suggestion and how it was reached; `next` without the goal check. */
  suggest(observations: readonly TrialObservation[], goal: PrimaryMetricGoal): Suggestion {
    const position = observations.length;
    const random = new SeededRandom(`bayesian:${this.seed}:${position}`);
    const model = position < this.initialPoints ? null : this.buildModel(observations, goal);
    if (model === null) return { kind: 'initial', params: this.initialPoint(position, random) };
    return this.modelSuggestion(model, position, random);
  }

  private initialPoint(position: number, random: RandomSource): ParamSet {
    const size = this.encoding.size;
    const point =
      this.sobol !== null && position < 2 ** 32
        ? this.sobol.pointAt(position)
        : Array.from({ length: size }, () => random.next());
    return decodePoint(this.space, point);
  }

  private buildModel(observations: readonly TrialObservation[], goal: PrimaryMetricGoal): Model | null {
    const sign = goal === 'MAXIMIZE' ? -1 : 1;
    const d = this.encoding.size;
    const rows: { features: Float64Array; value: number | null; partial: boolean }[] = [];
    const pending: Float64Array[] = [];
    const seen = new Set<string>();
    for (const observation of observations) {
      let encoded = this.encoded.get(observation.params);
      if (encoded === undefined) {
        encoded = { key: paramsKey(observation.params), features: this.encoding.encode(observation.params) };
        this.encoded.set(observation.params, encoded);
      }
      seen.add(encoded.key);
      const features = encoded.features;
      if (features === null) continue;
      const role = roleOf(observation);
      switch (role.kind) {
        case 'complete':
          rows.push({ features, value: sign * role.value, partial: false });
          break;
        case 'partial':
          rows.push({ features, value: sign * role.value, partial: true });
          break;
        case 'failed':
          rows.push({ features, value: null, partial: false });
          break;
        case 'pending':
          pending.push(features);
          break;
        case 'ignored':
          break;
      }
    }
    const valued = rows.filter((row) => row.value !== null).length;
    if (valued < 2 || d === 0) return null;

    const n = rows.length;
    const targets = standardizeTargets(rows.map((row) => row.value));
    const features = new Float64Array(n * d);
    const extraNoise = new Float64Array(n);
    rows.forEach((row, i) => {
      features.set(row.features, i * d);
      extraNoise[i] = row.partial ? PARTIAL_NOISE : 0;
    });
    const kinds = Uint8Array.from(this.encoding.dimensions, (dim) =>
      dim.kind === 'categorical' ? CATEGORICAL : CONTINUOUS,
    );
    const data: TrainingData = { features, count: n, dimensions: d, kinds, targets, extraNoise };
    // The incumbent is the best finished observation; partial ones only when nothing finished.
    const finished = rows.map((row, i) => (row.value !== null && !row.partial ? i : -1)).filter((i) => i >= 0);
    const incumbentRows = finished.length > 0 ? finished : rows.map((_, i) => i).filter((i) => rows[i]?.value !== null);
    return { data, pending, seen, incumbentRows };
  }

  private modelSuggestion(model: Model, position: number, random: RandomSource): Suggestion {
    const { data, pending } = model;
    const theta = this.fit(data, random);
    const subset = modelSubset(data, this.modelPoints);
    const gp = GaussianProcess.create(subset.data, theta, subset.data.count + pending.length);
    if (gp === null) return { kind: 'initial', params: this.initialPoint(position, random) };

    const posterior: Posterior = { mean: 0, variance: 0 };
    const d = data.dimensions;
    // The incumbent as the model believes it, so that a lucky noisy value does not make every
    // other point look hopeless. The subset always holds the best observations, so the
    // incumbent is among its rows.
    const modelRow = new Map(subset.rows.map((row, i) => [row, i]));
    let incumbent = Number.POSITIVE_INFINITY;
    for (const i of model.incumbentRows) {
      const row = modelRow.get(i);
      if (row !== undefined) incumbent = Math.min(incumbent, gp.trainingMean(row));
    }
    if (!Number.isFinite(incumbent))
      for (let i = 0; i < gp.count; i += 1) incumbent = Math.min(incumbent, gp.trainingMean(i));
    for (const features of pending) {
      const lie = Math.max(gp.predict(features, 0, posterior).mean, incumbent);
      gp.condition(features, lie);
    }

    const target = incumbent - IMPROVEMENT_MARGIN;
    const score = (features: Float64Array): number => {
      gp.predict(features, 0, posterior);
      return logExpectedImprovement(posterior.mean, posterior.variance, target);
    };
    const order = Array.from({ length: data.count }, (_, i) => i).sort(
      (a, b) => (data.targets[a] as number) - (data.targets[b] as number),
    );
    const anchors = order.slice(0, ANCHORS).map((i) => data.features.slice(i * d, (i + 1) * d));
    const candidates = searchAcquisition({
      space: this.space,
      encoding: this.encoding,
      score,
      anchors,
      random,
      budget: acquisitionBudget(data.count, d),
    });
    const fresh = candidates.find((candidate) => !model.seen.has(paramsKey(candidate.params)));
    if (fresh !== undefined) return { kind: 'model', params: fresh.params, candidate: fresh, theta, incumbent };
    // Every candidate is a configuration already tried (a small discrete space): any untried
    // one beats repeating, and if none turns up the best candidate is repeated.
    for (let i = 0; i < 200; i += 1) {
      const params = decodePoint(
        this.space,
        Array.from({ length: d }, () => random.next()),
      );
      if (!model.seen.has(paramsKey(params))) return { kind: 'exhausted', params };
    }
    const best = candidates[0];
    if (best === undefined) return { kind: 'initial', params: this.initialPoint(position, random) };
    return { kind: 'model', params: best.params, candidate: best, theta, incumbent };
  }

  /** MAP hyperparameters: a full multi-start fit while data are few or have grown, else a warm refit. */
  private fit(data: TrainingData, random: RandomSource): Float64Array {
    const subset = modelSubset(data, MAX_FIT_POINTS).data;
    const previous = this.previousTheta;
    if (
      previous !== null &&
      data.count > this.refitEveryCallUntil &&
      data.count >= this.lastFit &&
      data.count - this.lastFit < REFIT_GROWTH * this.lastFit
    ) {
      return previous;
    }
    this.lastFit = data.count;
    const small = data.count <= ALWAYS_FULL_FIT_UNTIL;
    const full = previous === null || small || data.count - this.lastFullFit >= FULL_FIT_GROWTH * this.lastFullFit;
    const starts: Float64Array[] = [];
    if (previous !== null) starts.push(previous);
    if (full) {
      // Once the data are plentiful the prior's mode is a poor start and one random draw
      // is enough to catch a better mode than the warm start's.
      if (small || previous === null) starts.push(priorMode(this.priors));
      const draws = small || previous === null ? PRIOR_STARTS : 1;
      for (let s = 0; s < draws; s += 1) starts.push(drawFromPrior(this.priors, random));
      this.lastFullFit = data.count;
    }
    const result = fitHyperparameters(subset, {
      starts,
      maxIterations: full ? FULL_FIT_ITERATIONS : WARM_FIT_ITERATIONS,
    });
    this.previousTheta = result.theta;
    return result.theta;
  }
}

export type Suggestion =
  | { readonly kind: 'initial'; readonly params: ParamSet }
  | { readonly kind: 'exhausted'; readonly params: ParamSet }
  | {
      readonly kind: 'model';
      readonly params: ParamSet;
      readonly candidate: Candidate;
      readonly theta: Float64Array;
      /** In standardised units. */
      readonly incumbent: number;
    };

interface Model {
  readonly data: TrainingData;
  readonly pending: readonly Float64Array[];
  readonly seen: ReadonlySet<string>;
  readonly incumbentRows: readonly number[];
}

/**
 * Fewer candidates as the data grow, since each costs O(n²) to score: the search stays within
 * a few tens of milliseconds at a few hundred observations.
 */
function acquisitionBudget(n: number, d: number): AcquisitionBudget {
  const large = n > 100;
  return {
    global: large ? 128 : 256,
    perAnchor: large ? 10 : 20,
    refineStarts: d <= 2 ? 3 : large ? 4 : 5,
    refineRounds: large ? 8 : 12,
    refineBatch: large ? 5 : 8,
  };
}

/**
 * Subset of data (Rasmussen and Williams 2006, §8.3.3; Chalupka, Williams and Murray 2013 found
 * it a strong baseline among GP approximations at equal cost): at most `size` observations,
 * the best half (where the acquisition's decisions are made, and where the lengthscales matter
 * most) and an even spread over the ranks of the rest, so that poor regions stay known to be
 * poor. With `size` or fewer observations it is the data itself: the model is then the exact
 * GP. `rows` maps the subset's rows to the data's, in increasing order.
 */
export function modelSubset(data: TrainingData, size: number): { data: TrainingData; rows: number[] } {
  const n = data.count;
  if (n <= size) return { data, rows: Array.from({ length: n }, (_, i) => i) };
  const d = data.dimensions;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (data.targets[a] as number) - (data.targets[b] as number),
  );
  const best = order.slice(0, Math.floor(size / 2));
  const rest = order.slice(best.length);
  const spread = Array.from(
    { length: size - best.length },
    (_, k) => rest[Math.floor((k * rest.length) / (size - best.length))] as number,
  );
  const chosen = [...best, ...spread].sort((a, b) => a - b);
  const features = new Float64Array(chosen.length * d);
  const targets = new Float64Array(chosen.length);
  const extraNoise = new Float64Array(chosen.length);
  chosen.forEach((row, i) => {
    features.set(data.features.subarray(row * d, (row + 1) * d), i * d);
    targets[i] = data.targets[row] as number;
    extraNoise[i] = data.extraNoise[row] as number;
  });
  return {
    data: { features, count: chosen.length, dimensions: d, kinds: data.kinds, targets, extraNoise },
    rows: chosen,
  };
}

function drawFromPrior(priors: readonly LogPrior[], random: RandomSource): Float64Array {
  return Float64Array.from(priors, (p) => {
    const u = 1 - random.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
    return Math.min(Math.max(p.mean + p.sd * z, p.lower), p.upper);
  });
}
