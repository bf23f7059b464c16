import type { PrimaryMetricGoal } from '../metric/goal.js';
import type { RandomSource } from '../random/random-source.js';
import type { ParamSet } from '../space/expression.js';
import type { SearchSpace } from '../space/search-space.js';

/**
 * The sampling methods' names. Empty here: each implementation file declares its own
 * (`declare module './sampler.js' { interface SamplingKinds { … } }`), and its registry row
 * (registry.ts) uses it; the compiler requires every declared kind to have a row.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each implementation file (declaration merging)
export interface SamplingKinds {}

export type SamplingKind = keyof SamplingKinds & string;

/** What a sampler may learn from: every trial the sweep has created so far (and warm-start parents). */
export interface TrialObservation {
  readonly params: ParamSet;
  /** Best primary metric so far (finite), or undefined when none. */
  readonly best: number | undefined;
  readonly state: 'running' | 'completed' | 'canceled' | 'failed';
}

export interface SamplerContext {
  readonly observations: readonly TrialObservation[];
  /**
   * Which way `best` improves. The orchestrator always passes it; it is optional so that
   * samplers that ignore results (random, grid) can be driven with `{ observations: [] }`,
   * and a sampler that learns from results refuses to run without it.
   */
  readonly goal?: PrimaryMetricGoal;
  /**
   * Runs of the sweeps this one warm-starts from (`resumeFrom`, semantics §8), finished: prior
   * knowledge for a model-based sampler, configurations a grid need not train again.
   */
  readonly priors?: readonly TrialObservation[];
}

/** One sweep's stream of configurations. */
export interface Sampler {
  /** The next configuration, or `null` when there are no more (an exhausted grid). */
  next(context: SamplerContext): ParamSet | null | Promise<ParamSet | null>;
}

/** A JSON description of a sampling, stored with the sweep. */
export interface SamplingRecord {
  readonly kind: SamplingKind;
  readonly space: unknown;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The `hyperparameterSampling` of a `HyperDriveConfig` (semantics §3). */
export interface ParameterSampling {
  readonly kind: SamplingKind;
  readonly space: SearchSpace;
  /** Number of distinct configurations when finite (grid); `undefined` when unbounded. */
  readonly size: number | undefined;
  /**
   * A fresh sampler for one sweep. `random` is the orchestrator's injected source; a sampling
   * built with its own seed ignores it so that the same seed replays the same sequence.
   */
  createSampler(random: RandomSource): Sampler;
  toRecord(): SamplingRecord;
}

/**
 * Where a sweep's sampler is made and run: by default `sampling.createSampler(random)` in the
 * orchestrator's own thread; the browser runtime supplies one that runs model-based samplers
 * in a dedicated worker (`SamplerConnection`), so that no suggestion blocks the page.
 */
export type SamplerHost = (sampling: ParameterSampling, random: RandomSource) => Sampler;
