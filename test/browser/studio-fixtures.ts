import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { exportSweep, sweepDocumentText, type SweepDocument } from '../../src/export/index.js';
import {
  Experiment,
  HyperDriveConfig,
  InProcessRunner,
  ManualClock,
  MemoryStore,
  PrimaryMetricGoal,
  RandomParameterSampling,
  SeededRandom,
  Workspace,
  choice,
  loguniform,
  type TrainFunction,
} from '../../src/index.js';

// Shared by the Studio's browser tests: opening the app in a fresh workspace, where screenshots
// go, a large exported sweep document, and moving focus with the keyboard alone.

/** Screenshots of every page, for a human look (page.screenshot makes the folder). */
export const SHOTS = join(process.env['OVERDRIVE_TEST_RESULTS'] ?? 'test-results', 'studio');

/** Opens the Studio in `workspace`; the returned list collects page errors and any dialog (none is expected). */
export async function openStudio(page: Page, workspace: string, hash = '#/'): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}${hash}`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  return errors;
}

export interface ExportedSweep {
  /** The document as the Studio's "Export JSON" writes it. */
  readonly text: string;
  readonly document: SweepDocument;
  /** Index of the run with the highest val_accuracy, and of the lowest (the goal is maximize). */
  readonly bestIndex: number;
  readonly worstIndex: number;
}

const exported = new Map<number, Promise<ExportedSweep>>();

/**
 * A real sweep of `runs` runs (random search over three hyperparameters, 5 intervals each, on a
 * manual clock), run by the engine in Node and exported with the project's own exporter: the
 * same document a person would import. Built once per size and test worker.
 */
export function exportedSweep(runs: number): Promise<ExportedSweep> {
  let made = exported.get(runs);
  if (made === undefined) {
    made = buildExportedSweep(runs);
    exported.set(runs, made);
  }
  return made;
}

async function buildExportedSweep(runs: number): Promise<ExportedSweep> {
  const clock = new ManualClock(Date.UTC(2024, 5, 1, 12));
  const store = new MemoryStore();
  const workspace = new Workspace({
    name: 'lab',
    store,
    clock,
    runner: new InProcessRunner({ clock, capacity: 25 }),
    random: new SeededRandom(5),
  });
  const train: TrainFunction = async (params, run) => {
    const lr = Number(params['learning_rate']);
    const units = Number(params['hidden_units']);
    // A smooth score with its peak at lr = 0.01: every run's best value is distinct.
    const peak = 0.95 - Math.abs(Math.log10(lr) + 2) / 4 - (params['optimizer'] === 'sgd' ? 0.03 : 0) + units / 10_000;
    for (let epoch = 1; epoch <= 5; epoch++) {
      clock.advance(200);
      run.log('val_accuracy', peak * (0.6 + 0.08 * epoch));
      run.log('loss', 1 / (epoch * peak));
      await Promise.resolve();
    }
  };
  const sweep = new Experiment(workspace, 'scale').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        { learning_rate: loguniform(-5, -0.5), hidden_units: choice(8, 16, 32, 64), optimizer: choice('adam', 'sgd') },
        { seed: 3 },
      ),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: runs,
      maxConcurrentRuns: 25,
      train,
    }),
  );
  await sweep.waitForCompletion();
  const document = await exportSweep(store, sweep.id);
  const scored = document.runs.map((run) => ({ index: run.index, best: run.bestMetric ?? Number.NaN }));
  if (document.runs.length !== runs || scored.some((r) => !Number.isFinite(r.best)))
    throw new Error(`the fixture sweep made ${document.runs.length} runs, not ${runs} scored ones`);
  scored.sort((a, b) => b.best - a.best);
  const [first, second] = scored;
  const last = scored.at(-1);
  // A tie at the top would make "the right run first" ambiguous.
  if (first === undefined || second === undefined || last === undefined || first.best === second.best)
    throw new Error('the fixture sweep has no single best run');
  return { text: sweepDocumentText(document), document, bestIndex: first.index, worstIndex: last.index };
}

/** Imports a document through the history page's file input; returns the id the Studio gave it. */
export async function importThroughUi(page: Page, workspace: string, sweep: ExportedSweep): Promise<string> {
  await page.goto(`/?workspace=${encodeURIComponent(workspace)}#/history`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  await page
    .getByTestId('import-sweep')
    .setInputFiles({ name: 'scale-sweep.json', mimeType: 'application/json', buffer: Buffer.from(sweep.text, 'utf8') });
  await expect(page).toHaveURL(/#\/sweep\//);
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/sweep/', ''));
  await expect(page.getByTestId('sweep-status')).toHaveText('Completed');
  return id;
}

/**
 * Presses Tab until `target` has focus, as a keyboard user would reach it; fails after `limit`
 * presses. Returns how many it took.
 */
export async function tabTo(page: Page, target: Locator, limit = 400): Promise<number> {
  const handle = await target.elementHandle();
  if (handle === null) throw new Error('tabTo: the target is not in the page');
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await handle.evaluate((el) => el === document.activeElement)) return presses;
  }
  throw new Error(`tabTo: not focused after ${limit} presses of Tab`);
}
