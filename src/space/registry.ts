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
import type { ChoiceExpression, Expression, ExpressionKind } from './expression.js';

/** One argument of an expression: the engine's name (on the expression object) and the sweep file's (also Azure's). */
export interface ExpressionArgument {
  readonly name: string;
  readonly fileKey: string;
  /** The builder's label for the input. */
  readonly label: string;
}

interface ExpressionRowBase {
  readonly kind: ExpressionKind;
  /** In constructor order, which is also the order a sweep file writes them. */
  readonly args: readonly ExpressionArgument[];
  /** Azure's Bayesian sampling accepts it (Azure ML docs, "Bayesian sampling"). */
  readonly azureBayesian: boolean;
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

const LOW: ExpressionArgument = { name: 'low', fileKey: 'min_value', label: 'min' };
const HIGH: ExpressionArgument = { name: 'high', fileKey: 'max_value', label: 'max' };
const Q: ExpressionArgument = { name: 'q', fileKey: 'q', label: 'q (step)' };
const MU: ExpressionArgument = { name: 'mu', fileKey: 'mu', label: 'mu' };
const SIGMA: ExpressionArgument = { name: 'sigma', fileKey: 'sigma', label: 'sigma' };

// The constructors validate their arguments; `create` only spreads them.
/** One row per search-space expression; the sweep file, its writer, Azure and the builder read these. */
export const EXPRESSION_REGISTRY: readonly ExpressionRow[] = [
  {
    kind: 'choice',
    args: [{ name: 'options', fileKey: 'values', label: 'values (comma-separated)' }],
    azureBayesian: true,
    create: (options) => choice(options),
  },
  {
    kind: 'randint',
    args: [{ name: 'upper', fileKey: 'upper', label: 'upper (exclusive)' }],
    azureBayesian: false,
    create: (u) => randint(u),
  },
  { kind: 'uniform', args: [LOW, HIGH], azureBayesian: true, create: (l, h) => uniform(l, h) },
  {
    kind: 'loguniform',
    args: [LOW, HIGH],
    azureBayesian: false,
    create: (l, h) => loguniform(l, h),
  },
  {
    kind: 'quniform',
    args: [LOW, HIGH, Q],
    azureBayesian: true,
    create: (l, h, q) => quniform(l, h, q),
  },
  {
    kind: 'qloguniform',
    args: [LOW, HIGH, Q],
    azureBayesian: false,
    create: (l, h, q) => qloguniform(l, h, q),
  },
  { kind: 'normal', args: [MU, SIGMA], azureBayesian: false, create: (m, s) => normal(m, s) },
  { kind: 'lognormal', args: [MU, SIGMA], azureBayesian: false, create: (m, s) => lognormal(m, s) },
  {
    kind: 'qnormal',
    args: [MU, SIGMA, Q],
    azureBayesian: false,
    create: (m, s, q) => qnormal(m, s, q),
  },
  {
    kind: 'qlognormal',
    args: [MU, SIGMA, Q],
    azureBayesian: false,
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
