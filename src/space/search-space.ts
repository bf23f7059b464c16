import type { Expression, Primitive } from './expression.js';

/**
 * A validated search space: names stripped of leading dashes, expressions checked, nested
 * choices normalised. Built only by `createSearchSpace`, so everything downstream trusts it.
 */
export interface SearchSpace {
  readonly parameters: readonly SpaceParameter[];
  /**
   * Every sampled quantity in a fixed depth-first order (a nested choice's own dimension comes
   * before the dimensions of its options' sub-spaces, options in order). Quasi-random and
   * model-based samplers address the unit cube by these indices.
   */
  readonly dimensions: readonly Dimension[];
}

export interface SpaceParameter {
  /** The name the training function sees (leading dashes stripped). */
  readonly name: string;
  /** The name as the user wrote it, for messages. */
  readonly givenName: string;
  /** Dotted path from the root, e.g. `model[1].C`, for messages and flattened columns. */
  readonly path: string;
  readonly value: NormalizedValue;
}

export type NormalizedValue =
  | { readonly kind: 'constant'; readonly value: Primitive }
  | { readonly kind: 'expression'; readonly expression: NormalizedExpression; readonly dimension: number };

/** Same as `Expression`, except a choice's sub-space options are validated `SearchSpace`s. */
export type NormalizedExpression =
  | Exclude<Expression, { kind: 'choice' }>
  | { readonly kind: 'choice'; readonly options: readonly NormalizedOption[] };

export type NormalizedOption =
  | { readonly kind: 'value'; readonly value: Primitive }
  | { readonly kind: 'space'; readonly space: SearchSpace };

export interface Dimension {
  readonly index: number;
  readonly path: string;
  readonly expression: NormalizedExpression;
}
