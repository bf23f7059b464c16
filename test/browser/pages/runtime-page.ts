// Exposes the public API plus the browser runtime to Playwright tests.
import * as overdrive from '../../../src/index.js';
import { BrowserWorkspace } from '../../../src/browser/index.js';
import { IndexedDbStore } from '../../../src/store/indexeddb-store.js';
import { loadDigitsSplit } from '../../../src/datasets/digits.js';

/** TF.js on the page's main thread, only for tests that check what an exported model predicts. */
const loadTf = (): Promise<typeof import('@tensorflow/tfjs')> => import('@tensorflow/tfjs');

const runtime = { ...overdrive, BrowserWorkspace, IndexedDbStore, loadTf, loadDigitsSplit };

declare global {
  interface Window {
    runtime: typeof runtime;
    /** URL of the scripted-curve training module, for trials driven by their params. */
    scriptedTrialUrl: string;
  }
}
window.runtime = runtime;
window.scriptedTrialUrl = new URL('./scripted-trial.js', import.meta.url).href;
