/**
 * The parameter expressions of semantics §2 as a discriminated union of plain, frozen data.
 *
 * Expressions carry a symbol brand instead of relying on `kind` alone: a nested sub-space may
 * legitimately hold a constant parameter called `kind` (e.g. `{ kind: 'svm', C: uniform(...) }`),
 * and the brand is what tells an expression from such an object.
 */
export const EXPRESSION: unique symbol = Symbol.for('overdrive.expression');

export type Primitive = number | string | boolean;

/** A sampled configuration: what the training function receives as `params`. */
export interface ParamSet {
  readonly [name: string]: ParamValue;
}
/** A sampled value: a primitive, or the chosen sub-configuration of a nested `choice`. */
export type ParamValue = Primitive | ParamSet;

/** `range(start, stop, step)`: expanded by `choice` like Python's `range`. */
export interface RangeSpec {
  readonly kind: 'range';
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** A nested (conditional) sub-space offered as one option of a `choice` (Azure ML v2 style). */
export interface SubSpaceDefinition {
  readonly [name: string]: Expression | Primitive;
}

export type ChoiceOption = Primitive | SubSpaceDefinition;

interface Branded {
  readonly [EXPRESSION]: true;
}

export interface ChoiceExpression extends Branded {
  readonly kind: 'choice';
  /** The options as given; a `range(...)` stays unexpanded until the space is validated. */
  readonly options: readonly ChoiceOption[] | RangeSpec;
}
export interface RandintExpression extends Branded {
  readonly kind: 'randint';
  readonly upper: number;
}
export interface UniformExpression extends Branded {
  readonly kind: 'uniform';
  readonly low: number;
  readonly high: number;
}
export interface LoguniformExpression extends Branded {
  readonly kind: 'loguniform';
  readonly low: number;
  readonly high: number;
}
export interface NormalExpression extends Branded {
  readonly kind: 'normal';
  readonly mu: number;
  readonly sigma: number;
}
export interface LognormalExpression extends Branded {
  readonly kind: 'lognormal';
  readonly mu: number;
  readonly sigma: number;
}
export interface QuniformExpression extends Branded {
  readonly kind: 'quniform';
  readonly low: number;
  readonly high: number;
  readonly q: number;
}
export interface QloguniformExpression extends Branded {
  readonly kind: 'qloguniform';
  readonly low: number;
  readonly high: number;
  readonly q: number;
}
export interface QnormalExpression extends Branded {
  readonly kind: 'qnormal';
  readonly mu: number;
  readonly sigma: number;
  readonly q: number;
}
export interface QlognormalExpression extends Branded {
  readonly kind: 'qlognormal';
  readonly mu: number;
  readonly sigma: number;
  readonly q: number;
}

export type Expression =
  | ChoiceExpression
  | RandintExpression
  | UniformExpression
  | LoguniformExpression
  | NormalExpression
  | LognormalExpression
  | QuniformExpression
  | QloguniformExpression
  | QnormalExpression
  | QlognormalExpression;

export type ExpressionKind = Expression['kind'];

/** What a user passes as a search space: parameter name (dashes allowed) to expression. */
export interface SearchSpaceDefinition {
  readonly [name: string]: Expression | Primitive;
}

export function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && (value as Partial<Branded>)[EXPRESSION] === true;
}
