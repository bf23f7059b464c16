import {
  choice,
  lognormal,
  loguniform,
  normal,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  randint,
  uniform,
} from './constructors.js';
import { decimalsOf } from '../math/quantize.js';
import type { ChoiceExpression, Expression, ExpressionKind } from './expression.js';

/** One argument of an expression: the engine's name (on the expression object) and the sweep file's (also Azure's). */
export interface ExpressionArgument {
  readonly name: string;
  readonly fileKey: string;
  /** The builder's label for the input. */
  readonly label: string;
  /**
   * What a sweep file's field must hold: `values` the choice list, `count` an integer >= 1,
   * `finite` a finite number, `upper` a finite number above the argument before it,
   * `positive` a finite number > 0, `nonnegative` a finite number >= 0.
   */
  readonly file: 'values' | 'count' | 'finite' | 'upper' | 'positive' | 'nonnegative';
}

/** What an expression's Optuna writer is given for one parameter (to-optuna-script.ts). */
export interface OptunaSuggest {
  /** The parameter's Optuna name, as a Python literal. */
  readonly name: string;
  /** The Optuna name of a draw that is then transformed (`path:raw`), as a Python literal. */
  readonly raw: string;
  /** The row's arguments in row order (none for `choice`). */
  readonly args: readonly number[];
  /** `choice` only: its values as a Python list literal. */
  readonly values: string;
  /** A number as a Python literal. */
  readonly py: (x: number) => string;
}

interface ExpressionRowBase {
  readonly kind: ExpressionKind;
  /** In constructor order, which is also the order a sweep file writes them. */
  readonly args: readonly ExpressionArgument[];
  /** Azure's Bayesian sampling accepts it (Azure ML docs, "Bayesian sampling"). */
  readonly azureBayesian: boolean;
  /** Its bounds are natural-log exponents (the sample is exp of a draw between them). */
  readonly exponentBounds: boolean;
  /**
   * The Python expression that suggests this parameter through an Optuna `trial` with
   * Overdrive's exact distribution (the script's `_quantize`, `_normal` and `_exp` helpers).
   */
  readonly optuna: (s: OptunaSuggest) => string;
}

/** A numeric expression: built from its arguments alone. */
export interface NumericExpressionRow extends ExpressionRowBase {
  readonly kind: Exclude<ExpressionKind, 'choice'>;
  readonly create: (...args: number[]) => Expression;
}

/** `choice`, whose one argument is a list of values or sub-spaces. */
export interface ChoiceExpressionRow extends ExpressionRowBase {
  readonly kind: 'choice';
  readonly create: (options: Parameters<typeof choice>[0]) => ChoiceExpression;
}

export type ExpressionRow = ChoiceExpressionRow | NumericExpressionRow;

const LOW: ExpressionArgument = { name: 'low', fileKey: 'min_value', label: 'min', file: 'finite' };
const HIGH: ExpressionArgument = { name: 'high', fileKey: 'max_value', label: 'max', file: 'upper' };
const Q: ExpressionArgument = { name: 'q', fileKey: 'q', label: 'q (step)', file: 'positive' };
const MU: ExpressionArgument = { name: 'mu', fileKey: 'mu', label: 'mu', file: 'finite' };
const SIGMA: ExpressionArgument = { name: 'sigma', fileKey: 'sigma', label: 'sigma', file: 'nonnegative' };

/** Overdrive's q-rounding of a Python expression (the script's `_quantize`). */
const quantized = (inner: string, q: number | undefined, s: OptunaSuggest): string =>
  `_quantize(${inner}, ${s.py(q as number)}, ${decimalsOf(q as number)})`;
/** A uniform draw mapped through the inverse normal CDF (the script's `_normal`). */
const normalDraw = (s: OptunaSuggest): string =>
  `_normal(trial.suggest_float(${s.raw}, 0.0, 1.0), ${s.py(s.args[0] as number)}, ${s.py(s.args[1] as number)})`;
/** suggest_float over [min, max]; with `log`, over [e^min, e^max] log-uniformly (bounds are exponents). */
const floatDraw = (name: string, s: OptunaSuggest, log: boolean): string => {
  const [low, high] = s.args as [number, number];
  return log
    ? `trial.suggest_float(${name}, math.exp(${s.py(low)}), math.exp(${s.py(high)}), log=True)`
    : `trial.suggest_float(${name}, ${s.py(low)}, ${s.py(high)})`;
};

// The constructors validate their arguments; `create` only spreads them.
/** One row per search-space expression; the sweep file, its writer, Azure and the builder read these. */
export const EXPRESSION_REGISTRY: readonly ExpressionRow[] = [
  {
    kind: 'choice',
    args: [{ name: 'options', fileKey: 'values', label: 'values (comma-separated)', file: 'values' }],
    azureBayesian: true,
    exponentBounds: false,
    optuna: (s) => `trial.suggest_categorical(${s.name}, ${s.values})`,
    create: (options) => choice(options),
  },
  {
    kind: 'randint',
    args: [{ name: 'upper', fileKey: 'upper', label: 'upper (exclusive)', file: 'count' }],
    azureBayesian: false,
    exponentBounds: false,
    optuna: (s) => `trial.suggest_int(${s.name}, 0, ${(s.args[0] as number) - 1})`,
    create: (u) => randint(u),
  },
  {
    kind: 'uniform',
    args: [LOW, HIGH],
    azureBayesian: true,
    exponentBounds: false,
    optuna: (s) => floatDraw(s.name, s, false),
    create: (l, h) => uniform(l, h),
  },
  {
    kind: 'loguniform',
    args: [LOW, HIGH],
    azureBayesian: false,
    exponentBounds: true,
    optuna: (s) => floatDraw(s.name, s, true),
    create: (l, h) => loguniform(l, h),
  },
  {
    kind: 'quniform',
    args: [LOW, HIGH, Q],
    azureBayesian: true,
    exponentBounds: false,
    optuna: (s) => quantized(floatDraw(s.raw, s, false), s.args[2], s),
    create: (l, h, q) => quniform(l, h, q),
  },
  {
    kind: 'qloguniform',
    args: [LOW, HIGH, Q],
    azureBayesian: false,
    exponentBounds: true,
    optuna: (s) => quantized(floatDraw(s.raw, s, true), s.args[2], s),
    create: (l, h, q) => qloguniform(l, h, q),
  },
  {
    kind: 'normal',
    args: [MU, SIGMA],
    azureBayesian: false,
    exponentBounds: false,
    optuna: (s) => normalDraw(s),
    create: (m, s) => normal(m, s),
  },
  {
    kind: 'lognormal',
    args: [MU, SIGMA],
    azureBayesian: false,
    exponentBounds: false,
    optuna: (s) => `_exp(${normalDraw(s)})`,
    create: (m, s) => lognormal(m, s),
  },
  {
    kind: 'qnormal',
    args: [MU, SIGMA, Q],
    azureBayesian: false,
    exponentBounds: false,
    optuna: (s) => quantized(normalDraw(s), s.args[2], s),
    create: (m, s, q) => qnormal(m, s, q),
  },
  {
    kind: 'qlognormal',
    args: [MU, SIGMA, Q],
    azureBayesian: false,
    exponentBounds: false,
    optuna: (s) => quantized(`_exp(${normalDraw(s)})`, s.args[2], s),
    create: (m, s, q) => qlognormal(m, s, q),
  },
];

/** The expression kinds, in registry order (the order error messages list them in). */
export const EXPRESSION_KINDS: readonly ExpressionKind[] = EXPRESSION_REGISTRY.map((row) => row.kind);

export function expressionRow(kind: ExpressionKind): ExpressionRow {
  const row = EXPRESSION_REGISTRY.find((r) => r.kind === kind);
  // Unreachable while every ExpressionKind has a row; the registry test checks that.
  if (row === undefined) throw new Error(`no registry row for expression ${kind}`);
  return row;
}

/** The sweep-file fields of each expression besides `type`, in the order Azure documents them. */
export const EXPRESSION_FILE_FIELDS: Readonly<Record<ExpressionKind, readonly string[]>> = Object.fromEntries(
  EXPRESSION_REGISTRY.map((row) => [row.kind, row.args.map((a) => a.fileKey)]),
) as unknown as Record<ExpressionKind, readonly string[]>;

/** The row of a numeric expression (every kind but `choice`). */
export function numericExpressionRow(kind: NumericExpressionRow['kind']): NumericExpressionRow {
  const row = expressionRow(kind);
  // Unreachable: only `choice` has the choice row.
  if (row.kind === 'choice') throw new Error(`expression ${kind} has the choice row`);
  return row;
}

/** The builder's label of each expression argument, by its sweep-file name. */
export const EXPRESSION_FIELD_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  EXPRESSION_REGISTRY.flatMap((row) => row.args.map((a): [string, string] => [a.fileKey, a.label])),
);
