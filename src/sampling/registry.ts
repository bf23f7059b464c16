import type { SearchSpaceDefinition } from '../space/expression.js';
import { BayesianParameterSampling, type BayesianSamplingOptions } from './bayesian.js';
import { GridParameterSampling } from './grid.js';
import { RandomParameterSampling, type RandomSamplingOptions, type RandomSamplingRule } from './random.js';
import type { ParameterSampling, SamplingKind } from './sampler.js';

/**
 * One option of a sampling method. The engine, the stored record and the sweep file spell it
 * alike. In the sweep-file types (`SweepFileSamplingAlgorithm`), an option with `choices` takes one
 * of them and is always written out (its default filled in); one without is a seed, a number
 * or a string, and may be absent.
 */
export interface SamplingOption {
  readonly name: string;
  /** Azure ML's schema has it for this method. */
  readonly azure: boolean;
  /** For an option with a fixed set of values: each value and the builder's words for it. */
  readonly choices?: Readonly<Record<string, string>>;
}

/** A sweep-file field Azure defines that is read but not kept: its name and the one value accepted. */
export interface SamplingFileOnlyField {
  readonly name: string;
  readonly value: string;
  /** Why any other value is refused (the sweep file's error message). */
  readonly rule: string;
}

/** What a sampling's Optuna sampler is written with (to-optuna-script.ts). */
export interface SamplingOptunaContext {
  /** The seed as Optuna's integer, if the sweep has one. */
  readonly seed: number | undefined;
  /** The search space has a choice parameter at its top level. */
  readonly hasChoice: boolean;
  readonly warn: (field: string, message: string) => void;
}

/** The Optuna sampler nearest to a sampling method, like each policy's Optuna pruner. */
export interface SamplingOptuna {
  /** The script needs scipy besides Optuna. */
  readonly scipy: (options: Readonly<Record<string, unknown>>) => boolean;
  /** The `sampler=...,` lines inside create_study(), comments first. */
  readonly lines: (options: Readonly<Record<string, unknown>>, context: SamplingOptunaContext) => string[];
}

/**
 * What the Studio's teaching layer says of a sampling method: the same shape as a policy's
 * `MethodTeaching` (src/policy/row.ts), declared here because sampling does not import policy.
 */
export interface SamplingTeaching {
  /** One or two plain sentences: how the method picks the next configuration. */
  readonly summary: string;
  /** Its rule as a formula, in plain text (Unicode symbols, no markup). */
  readonly rule: string;
  /** What each symbol of the rule stands for, in the rule's order. */
  readonly symbols: readonly (readonly [symbol: string, meaning: string])[];
}

const SAME_STREAM = 'the same seed gives a reproducible study, not the configurations Overdrive draws from it';

export interface SamplingRow {
  /** Also `sampling_algorithm.type` in a sweep file and in an Azure job. */
  readonly kind: SamplingKind;
  /** The builder's name for the method. */
  readonly label: string;
  /** How "is not a known field of …" names the method in a sweep file. */
  readonly noun: string;
  readonly options: readonly SamplingOption[];
  /**
   * Azure's version is its Bayesian sampling: it takes only the expressions whose row says
   * `azureBayesian`, and no early termination policy.
   */
  readonly azureBayesian: boolean;
  /**
   * It visits every configuration of a space of choices (a grid): a sweep file's space may hold
   * only choices and constants, and max_total_trials defaults to the number of configurations.
   */
  readonly enumerates: boolean;
  /**
   * A model-based method: a sweep config warns when maxTotalRuns is under `runsPerParameter` x
   * the sampled parameters (HyperDrive's advice, semantics §3), and a resumed sweep warm-starts
   * only from sweeps over the same space.
   */
  readonly model: { readonly runsPerParameter: number } | null;
  /**
   * Its Optuna sampler; `every-configuration`: the writer lists the grid's configurations
   * (Optuna's GridSampler), which needs the sweep-file space.
   */
  readonly optuna: SamplingOptuna | 'every-configuration';
  /** Sweep-file fields Azure defines that are read but not kept (random's `logbase`, which must be "e"). */
  readonly fileOnly: readonly SamplingFileOnlyField[];
  /** Validates the space and the options, like every constructor. */
  readonly create: (definition: SearchSpaceDefinition, options: Readonly<Record<string, unknown>>) => ParameterSampling;
  /** The Studio's explanation of it (the builder's teaching panel). */
  readonly teaching: SamplingTeaching;
}

const SEED_OPTION = { name: 'seed', azure: true } as const satisfies SamplingOption;

// The casts in `create` only satisfy the compiler: each constructor validates its options.
/**
 * One row per sampling method; the sweep file, the stored record, Azure and the builder read
 * these. The kind is declared by the implementation file (`SamplingKinds`, sampler.ts).
 */
const ROWS = [
  {
    kind: 'random',
    label: 'Random',
    noun: 'random sampling',
    options: [
      SEED_OPTION,
      {
        name: 'rule',
        azure: true,
        choices: {
          random: 'independent draws',
          sobol: 'scrambled Sobol sequence',
        } satisfies Record<RandomSamplingRule, string>,
      },
    ],
    azureBayesian: false,
    optuna: {
      scipy: (options) => options['rule'] === 'sobol',
      lines: (options, { seed, hasChoice, warn }) => {
        if (options['rule'] !== 'sobol') {
          return [
            '# Independent draws, as in Overdrive;',
            `# ${SAME_STREAM}.`,
            `sampler=optuna.samplers.RandomSampler(${seed === undefined ? '' : `seed=${seed}`}),`,
          ];
        }
        if (hasChoice) {
          warn(
            'sampling_algorithm.rule',
            "Optuna's QMCSampler draws categorical (choice) parameters at random, not from the Sobol sequence",
          );
        }
        return [
          '# Scrambled Sobol, as in Overdrive (QMCSampler needs scipy). Optuna draws categorical',
          '# parameters at random beside the Sobol dimensions; and',
          `# ${SAME_STREAM}.`,
          `sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True${seed === undefined ? '' : `, seed=${seed}`}),`,
        ];
      },
    },
    enumerates: false,
    model: null,
    fileOnly: [
      {
        name: 'logbase',
        value: 'e',
        // Azure's logbase changes the base of loguniform; here bounds are always natural-log exponents.
        rule: 'must be "e": loguniform bounds are natural-log exponents, and no other base is supported',
      },
    ],
    teaching: {
      summary:
        'Each configuration is drawn on its own from the search space, ignoring earlier results. The Sobol rule draws from a scrambled low-discrepancy sequence instead, which covers the space more evenly with few runs.',
      rule: 'x_i ~ p(x), independently for i = 1..n   (Sobol: x_i = scrambled Sobol point i)',
      symbols: [
        ['p(x)', 'each parameter’s distribution (uniform, loguniform, choice …)'],
        ['n', 'max total runs'],
      ],
    },
    create: (definition, options) => new RandomParameterSampling(definition, options as RandomSamplingOptions),
  },
  {
    kind: 'grid',
    label: 'Grid (every combination)',
    noun: 'grid sampling (it takes no options)',
    options: [],
    azureBayesian: false,
    optuna: 'every-configuration',
    enumerates: true,
    model: null,
    fileOnly: [],
    // A grid has no options; a stored record's are not passed on (as before the registry).
    teaching: {
      summary:
        'Every combination of the choice values, each once, in order. Exhaustive and reproducible; the number of runs grows as the product of the choices.',
      rule: 'configurations = V_1 × V_2 × … × V_d   (|grid| = |V_1| · |V_2| · … · |V_d|)',
      symbols: [['V_1, …, V_d', 'the values of each of the d choice parameters']],
    },
    create: (definition) => new GridParameterSampling(definition),
  },
  {
    kind: 'bayesian',
    label: 'Bayesian (Gaussian process)',
    noun: 'bayesian sampling',
    // Overdrive extension: Azure's Bayesian sampling takes no seed, ours replays with one.
    options: [{ ...SEED_OPTION, azure: false }],
    azureBayesian: true,
    optuna: {
      scipy: () => false,
      lines: (_options, { seed, warn }) => {
        warn(
          'sampling_algorithm',
          "Optuna's TPESampler stands in for Overdrive's Gaussian-process Bayesian sampling (GPSampler, Optuna >= 3.6, is closer)",
        );
        return [
          "# Overdrive's Bayesian sampling is a Gaussian-process model; TPE is Optuna's model-based",
          '# default in every version (optuna.samplers.GPSampler, Optuna >= 3.6, is the closer match).',
          `sampler=optuna.samplers.TPESampler(${seed === undefined ? '' : `seed=${seed}`}),`,
        ];
      },
    },
    enumerates: false,
    model: { runsPerParameter: 20 },
    fileOnly: [],
    teaching: {
      summary:
        'A Gaussian process models the primary metric as a function of the hyperparameters from the runs so far; the next configuration is the one with the largest expected improvement over the best. Needs about 20 runs per parameter to pay off.',
      rule: 'x_next = argmax_x EI(x),   EI(x) = E[ max(0, f(x) − f*) ]',
      symbols: [
        ['f(x)', 'the model’s belief about the metric at configuration x'],
        ['f*', 'the best metric found so far'],
      ],
    },
    create: (definition, options) => new BayesianParameterSampling(definition, options as BayesianSamplingOptions),
  },
] as const satisfies readonly SamplingRow[];

export const SAMPLING_REGISTRY: readonly SamplingRow[] = ROWS;

/**
 * Every kind an implementation declares (in `SamplingKinds`) has a row: where one lacks it,
 * the compiler names it here.
 */
export type SamplingKindsWithoutRow = Exclude<SamplingKind, (typeof ROWS)[number]['kind']>;
const EVERY_KIND_HAS_A_ROW: Readonly<Record<SamplingKindsWithoutRow, never>> = {};
void EVERY_KIND_HAS_A_ROW;

// The sweep file's shapes of a sampling method, read off the rows.
type RowDeclaration = (typeof ROWS)[number];
type OptionOf<R extends RowDeclaration> = R['options'][number];
type OptionValue<O> = O extends { readonly choices: infer C } ? keyof C & string : number | string;
/** Spells an intersection out as one object type, so editors show the fields. */
type Spelled<T> = { readonly [K in keyof T]: T[K] };

type ParsedSampling<R extends RowDeclaration> = Spelled<
  { readonly type: R['kind'] } & {
    readonly [O in OptionOf<R> as O extends { readonly choices: object } ? O['name'] : never]: OptionValue<O>;
  } & {
    readonly [O in OptionOf<R> as O extends { readonly choices: object } ? never : O['name']]?: OptionValue<O>;
  }
>;

type WrittenSampling<R extends RowDeclaration> = Spelled<
  { readonly type: R['kind'] } & { readonly [O in OptionOf<R> as O['name']]?: OptionValue<O> } & {
    readonly [F in R['fileOnly'][number] as F['name']]?: F['value'];
  }
>;

/** `sampling_algorithm` in a parsed sweep file (`SweepFileSamplingAlgorithm`), one member per row. */
export type SweepFileSampling = {
  [K in RowDeclaration['kind']]: ParsedSampling<Extract<RowDeclaration, { readonly kind: K }>>;
}[RowDeclaration['kind']];

/** `sampling_algorithm` as a person may write it: a method's name, or the object with any option left out. */
export type WrittenSweepFileSampling =
  | RowDeclaration['kind']
  | {
      [K in RowDeclaration['kind']]: WrittenSampling<Extract<RowDeclaration, { readonly kind: K }>>;
    }[RowDeclaration['kind']];

export const SAMPLING_KINDS: readonly SamplingKind[] = SAMPLING_REGISTRY.map((row) => row.kind);

export function isSamplingKind(value: unknown): value is SamplingKind {
  return typeof value === 'string' && (SAMPLING_KINDS as readonly string[]).includes(value);
}

export function samplingRow(kind: SamplingKind): SamplingRow {
  const row = SAMPLING_REGISTRY.find((r) => r.kind === kind);
  // Unreachable while every SamplingKind has a row; the registry test checks that.
  if (row === undefined) throw new Error(`no registry row for sampling ${kind}`);
  return row;
}

/** The stored record's option names for `kind` (what a reader of a stored sampling accepts). */
export function samplingOptionNames(kind: SamplingKind): readonly string[] {
  return samplingRow(kind).options.map((o) => o.name);
}
