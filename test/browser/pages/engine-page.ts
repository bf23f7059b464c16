// Exposes the engine core (Workspace, InProcessRunner, MemoryStore, ...) to Playwright, plus the
// browser runtime's workspace only so a test can check that it refuses training functions.
import * as overdrive from '../../../src/index.js';
import { BrowserWorkspace, FUNCTION_TRIAL_RULE } from '../../../src/browser/index.js';
import { IndexedDbStore } from '../../../src/store/indexeddb-store.js';

const engine = { ...overdrive, BrowserWorkspace, FUNCTION_TRIAL_RULE, IndexedDbStore };

declare global {
  interface Window {
    engine: typeof engine;
  }
}
window.engine = engine;
