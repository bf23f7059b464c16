export {
  CONFIG_BOUNDARY,
  expectIntegerInRange,
  expectName,
  expectOneOf,
  expectPlainObject,
  expectPositiveNumber,
  rejectUnknownKeys,
} from './config.js';
export { closestKey, didYouMean } from './did-you-mean.js';
export { childPath, itemPath } from './paths.js';
export {
  type Boundary,
  COMMON_WORDS,
  CONTROL_CHARACTERS,
  type FailFactory,
  type Fields,
  NOT_SHOWN,
  type Wording,
  checkKnownKeys,
  isPlainObject,
  isUnbounded,
  ownField,
  readArray,
  readBoolean,
  readFinite,
  readInteger,
  readNullable,
  readOneOf,
  readPositive,
  readRecord,
  readText,
} from './readers.js';
