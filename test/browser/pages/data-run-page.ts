// Exposes what the data-template browser tests drive: the public API, the browser runtime, the
// stored datasets (DatasetStore, real IndexedDB, the real data worker) and the Try-it loader.
import * as overdrive from '../../../src/index.js';
import { BrowserWorkspace, loadTryModel } from '../../../src/browser/index.js';
import { DatasetStore } from '../../../src/browser/datasets/index.js';
import { encodeRecord, parseImagePreparationSpec, parsePreparationSpec } from '../../../src/data/index.js';

/** TF.js on the page's main thread, only for loading an exported model back as a user would. */
const loadTf = (): Promise<typeof import('@tensorflow/tfjs')> => import('@tensorflow/tfjs');

const dataRun = {
  ...overdrive,
  BrowserWorkspace,
  DatasetStore,
  loadTryModel,
  encodeRecord,
  parsePreparationSpec,
  parseImagePreparationSpec,
  loadTf,
};

declare global {
  interface Window {
    dataRun: typeof dataRun;
    /** A training module that reads the sweep's dataset through env.datasets.user(). */
    userDataTrialUrl: string;
  }
}
window.dataRun = dataRun;
window.userDataTrialUrl = new URL('./user-data-trial.js', import.meta.url).href;
