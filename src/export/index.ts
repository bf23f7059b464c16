export { exportArtifacts, modelFiles, modelFileStem, type ModelFiles } from './model-files.js';
export {
  MODELS_NOT_INCLUDED,
  SWEEP_DOCUMENT_FORMAT,
  SWEEP_DOCUMENT_LIMITS,
  SWEEP_DOCUMENT_VERSION,
  decodeNonFinite,
  type MetricSeries,
  type SweepDocument,
} from './sweep-document.js';
export {
  DEFAULT_GENERATOR,
  exportSweep,
  metricSeries,
  seriesPoints,
  seriesSteps,
  sweepDocumentText,
  type ExportSweepOptions,
} from './export-sweep.js';
export { SweepDocumentError, parseSweepDocument, validateSweepDocument } from './parse-sweep-document.js';
export { DOCUMENT_FIELD } from './document-fields.js';
export { importSweep, type ImportChange, type ImportResult, type ImportSweepOptions } from './import-sweep.js';
export { csvCell, csvText, type CsvOptions, type CsvValue } from './csv.js';
export { sweepMetricsCsv, sweepRunsCsv } from './sweep-csv.js';
