// Datasets on a page: the data worker's client and the store of datasets in this origin.
export {
  DataClient,
  type DataInspection,
  type ImageFile,
  type ImageInspection,
  type TableInspection,
} from './data-client.js';
export {
  DATASET_DATABASE,
  DatasetStore,
  type DatasetStoreOptions,
  type DatasetSummary,
  OPFS_THRESHOLD_BYTES,
  type StoredDataset,
} from './dataset-store.js';
