export {
  DATA_BINDING_KEYS,
  DATASET_ID_PATTERN,
  type DataBinding,
  type DataPreparation,
  isImagePreparation,
  MAX_DATASET_NAME,
  parseDataBinding,
  readDataPreparation,
  readDatasetId,
  readDatasetName,
} from './data-binding.js';
