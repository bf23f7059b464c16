export {
  EXPRESSION,
  isExpression,
  type ChoiceExpression,
  type ChoiceOption,
  type Expression,
  type ExpressionKind,
  type LognormalExpression,
  type LoguniformExpression,
  type NormalExpression,
  type ParamSet,
  type ParamValue,
  type Primitive,
  type QlognormalExpression,
  type QloguniformExpression,
  type QnormalExpression,
  type QuniformExpression,
  type RandintExpression,
  type RangeSpec,
  type SearchSpaceDefinition,
  type SubSpaceDefinition,
  type UniformExpression,
} from './expression.js';
export type {
  Dimension,
  NormalizedExpression,
  NormalizedOption,
  NormalizedValue,
  SearchSpace,
  SpaceParameter,
} from './search-space.js';
export {
  choice,
  isRangeSpec,
  loguniform,
  lognormal,
  normal,
  qloguniform,
  qlognormal,
  qnormal,
  quniform,
  randint,
  range,
  uniform,
} from './constructors.js';
export { createSearchSpace, MAX_RANGE_VALUES } from './create-search-space.js';
export { decodePoint, sampleSpace } from './decode.js';
export { describeExpression, describeRange, describeSpace, EXPRESSION_ARGUMENTS } from './describe.js';
export { flattenParams, paramsKey } from './flatten.js';
export { definitionToJson, reviveDefinition } from './serialize.js';
export {
  EXPRESSION_FIELD_LABELS,
  EXPRESSION_FILE_FIELDS,
  EXPRESSION_KINDS,
  EXPRESSION_REGISTRY,
  expressionRow,
  numericExpressionRow,
} from './registry.js';
export type { ChoiceExpressionRow, ExpressionArgument, ExpressionRow, NumericExpressionRow } from './registry.js';
