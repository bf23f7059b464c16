// Exposes the public API plus the browser runtime to Playwright tests.
import * as overdrive from '../../../src/index.js';
import { BrowserWorkspace } from '../../../src/browser/index.js';
import { IndexedDbStore } from '../../../src/store/indexeddb-store.js';

const runtime = { ...overdrive, BrowserWorkspace, IndexedDbStore };

declare global {
  interface Window {
    runtime: typeof runtime;
    /** URL of the scripted-curve training module, for trials driven by their params. */
    scriptedTrialUrl: string;
  }
}
window.runtime = runtime;
window.scriptedTrialUrl = new URL('./scripted-trial.js', import.meta.url).href;
