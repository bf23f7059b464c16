export { exportArtifacts, modelFiles, modelFileStem, type ModelFiles } from './model-files.js';
