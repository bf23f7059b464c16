// The data step's core (issue 15): parse a CSV/TSV or JSON file, profile its columns, prepare
// it for training as data (not code). Plain TypeScript, tested in Node; the data worker runs
// it off the page's thread.
export type {
  Cell,
  ColumnKind,
  ColumnProfile,
  DataFormat,
  NumericSummary,
  RawTable,
  TableProfile,
  TaskKind,
} from './table.js';
export { TASK_KINDS } from './table.js';
export { DataError, type DataLocation, type RowUnit } from './data-error.js';
export {
  MAX_CATEGORIES,
  MAX_CLASSES,
  MAX_COLUMNS,
  MAX_DATA_FILE_BYTES,
  MAX_IMAGE_FILES,
  checkFileSize,
  formatBytes,
} from './limits.js';
export { cellDate, cellNumber, isMissingCell } from './cells.js';
export { decodeUtf8 } from './decode.js';
export { CSV_DELIMITERS, parseCsv } from './parse-csv.js';
export { parseJsonRecords } from './parse-json.js';
export {
  analyseTable,
  type ColumnData,
  countDistinct,
  profileTable,
  STRAY_TEXT_SHARE,
  suggestTask,
  type TableAnalysis,
} from './profile.js';
export {
  CATEGORICAL_MODES,
  DEFAULT_SPLIT_SEED,
  DEFAULT_VALIDATION_FRACTION,
  IMAGE_PREPARATION_FIELDS,
  IMAGE_SIDE,
  type ImagePreparationSpec,
  MISSING_MODES,
  PREPARATION_FIELDS,
  type PreparationSpec,
  parseImagePreparationSpec,
  parsePreparationSpec,
  preparationSpec,
} from './preparation-spec.js';
export {
  encodeRecord,
  type FeatureEncoding,
  type FitOptions,
  type FittedPreparation,
  featureWidth,
  fitPreparation,
  type ImagePreparation,
  type PreparedData,
} from './preparation.js';
export { type RowSplit, splitRows } from './split.js';
export { type ImageFolderEntry, type ImageManifest, type ImageType, imageType, validateImageFolder } from './images.js';
export { contentId, folderContentId, isContentId } from './hash.js';
