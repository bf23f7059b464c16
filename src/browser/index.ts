// The browser runtime: IndexedDB persistence and the Web Worker pool, on top of the engine core.
export {
  BrowserWorkspace,
  FUNCTION_TRIAL_RULE,
  type BrowserWorkspaceOptions,
  type RunningSweep,
  type SubmitOptions,
} from './browser-workspace.js';
export { IndexedDbStore, type IndexedDbStoreOptions } from '../store/indexeddb-store.js';
export { WorkerPool, type WorkerPoolOptions } from '../pool/worker-pool.js';
export { trialAssets, WASM_FILES, type AssetOptions } from '../pool/assets.js';
export type { CalibrationCache } from '../pool/options.js';
export {
  bestRunWithModel,
  exportRunModel,
  runModelFiles,
  type ModelDestination,
  type ModelExport,
  type ModelPreparation,
  PREPARATION_METADATA_KEY,
  preparationFileName,
  type RunModelFiles,
} from './model-export.js';
export {
  loadTryModel,
  type ModelSource,
  parseModelPreparation,
  type Prediction,
  type TryImage,
  type TryModel,
} from './try-model.js';
export {
  listSavedModels,
  removeSavedModel,
  requestPersistence,
  savedModelExists,
  storageReport,
  type SavedModel,
  type StorageReport,
} from './storage.js';
export {
  DataClient,
  DATASET_DATABASE,
  DatasetStore,
  OPFS_THRESHOLD_BYTES,
  type DataInspection,
  type DatasetStoreOptions,
  type DatasetSummary,
  type ImageFile,
  type ImageInspection,
  type StoredDataset,
  type TableInspection,
} from './datasets/index.js';
