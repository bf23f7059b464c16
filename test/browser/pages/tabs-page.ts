// Plays a newer version of the app for the several-tabs tests: the browser runtime opened with
// one more schema step than this build ships, and the URL of a slow scripted training module.
import { BrowserWorkspace } from '../../../src/browser/index.js';
import { SCHEMA_STEPS, type UpgradeStep } from '../../../src/store/idb-schema.js';

/** The built-in schema history plus a step that adds an object store this build does not know. */
const newerSchema: readonly UpgradeStep[] = [
  ...SCHEMA_STEPS,
  {
    version: (SCHEMA_STEPS.at(-1)?.version ?? 0) + 1,
    description: 'a store from a newer version of the app',
    apply: (db) => {
      db.createObjectStore('from-a-newer-version');
    },
  },
];

const tabs = { BrowserWorkspace, newerSchema };

declare global {
  interface Window {
    tabs: typeof tabs;
    /** URL of the scripted-curve training module (its params set its curve and pace). */
    tabsTrialUrl: string;
  }
}
window.tabs = tabs;
window.tabsTrialUrl = new URL('./scripted-trial.js', import.meta.url).href;
