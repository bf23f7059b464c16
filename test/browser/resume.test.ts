import { expect, test, type Page } from '@playwright/test';
import type { MetricPoint, RunRecord, SweepRecord } from '../../src/index.js';

// Resuming for real: the built-in digits MLP checkpoints every epoch into IndexedDB from its
// worker; after a page reload (or in a later sweep) the run continues from that checkpoint
// with its model and optimizer state, training only the epochs it had not trained.

const EPOCHS = 10;

async function openHarness(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
}

/** Starts a one-run digits sweep that checkpoints each epoch; returns its id. */
async function startDigitsSweep(page: Page, name: string, experiment: string): Promise<string> {
  return page.evaluate(
    async ({ name, experiment, epochs }) => {
      const r = window.runtime;
      const ws = await r.BrowserWorkspace.open({ name });
      const config = new r.HyperDriveConfig({
        hyperparameterSampling: new r.GridParameterSampling({
          learning_rate: r.choice(0.01),
          hidden_units: 16,
          epochs,
          train_samples: 900,
          checkpoint_interval: 0,
        }),
        primaryMetricName: 'val_accuracy',
        primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1,
        trial: { kind: 'builtin', name: 'digits-mlp' },
      });
      // The cpu backend keeps epochs slow enough to interrupt part-way.
      const { sweep } = await ws.submit(experiment, config, { backend: 'cpu' });
      window.currentSweep = sweep;
      window.currentWorkspace = ws;
      return sweep.id;
    },
    { name, experiment, epochs: EPOCHS },
  );
}

async function waitForCheckpoints(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const run = window.currentSweep?.getChildren()[0];
      return run !== undefined && run.status === 'Running' && (run.checkpoint?.sequence ?? 0) >= n;
    },
    atLeast,
    { timeout: 120_000 },
  );
}

interface Finished {
  record: SweepRecord;
  run: RunRecord;
  points: MetricPoint[];
  state: unknown;
}

test('a run interrupted by a reload resumes from its checkpoint and trains only the remaining epochs', async ({
  page,
}) => {
  await openHarness(page);
  const name = `resume-reload-${Date.now()}`;
  const sweepId = await startDigitsSweep(page, name, 'reload');
  await waitForCheckpoints(page, 3);
  const beforeReload = Date.now();
  await page.reload();
  await page.waitForFunction(() => window.runtime !== undefined);

  const after: Finished = await page.evaluate(
    async ({ name, id }) => {
      const ws = await window.runtime.BrowserWorkspace.open({ name });
      const { sweep } = await ws.continueSweep(id, { backend: 'cpu' });
      const record = await sweep.waitForCompletion();
      const run = sweep.getChildren()[0]!;
      const points = await ws.store.listMetrics(id, run.id);
      const state = (await ws.store.latestCheckpoint(run.id))?.state;
      await ws.close();
      return { record, run, points, state };
    },
    { name, id: sweepId },
  );

  expect(after.record.status).toBe('Completed');
  expect(after.run).toMatchObject({ status: 'Completed', attempt: 2, intervals: EPOCHS });
  const resumedAt = after.run.resumedFrom?.sequence ?? 0;
  expect(after.run.resumedFrom).toEqual({ sweepId, runId: after.run.id, sequence: resumedAt });
  expect(resumedAt).toBeGreaterThanOrEqual(3);
  expect(resumedAt).toBeLessThan(EPOCHS);
  // Attempt 2 holds the whole curve: the carried-over epochs, then the ones it trained.
  const second = after.points.filter((p) => p.attempt === 2 && p.name === 'val_accuracy');
  expect(second.map((p) => p.step)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i));
  const trainedAfterReload = second.filter((p) => p.time >= beforeReload);
  expect(trainedAfterReload).toHaveLength(EPOCHS - resumedAt);
  // The first attempt's points are still stored, untouched.
  expect(after.points.filter((p) => p.attempt === 1 && p.name === 'val_accuracy').length).toBeGreaterThanOrEqual(
    resumedAt,
  );
  expect(after.state).toEqual({ epoch: EPOCHS });
  // A restored model with a restored optimizer keeps learning: far above chance at the end.
  expect(second.at(-1)?.value).toBeGreaterThan(0.6);
});

test('resumeChildRuns continues a cancelled run in a new sweep to the same final epoch with fewer epochs trained', async ({
  page,
}) => {
  await openHarness(page);
  const name = `resume-child-${Date.now()}`;
  const parentId = await startDigitsSweep(page, name, 'parent');
  await waitForCheckpoints(page, 3);
  const result = await page.evaluate(
    async ({ parentId }) => {
      const ws = window.currentWorkspace!;
      const parent = window.currentSweep!;
      const parentRun = parent.getChildren()[0]!;
      parent.cancelRun(parentRun.id);
      await parent.waitForCompletion();
      const priors = await ws.loadPriorRuns(parentId);
      const r = window.runtime;
      const started = Date.now();
      const config = new r.HyperDriveConfig({
        hyperparameterSampling: new r.GridParameterSampling({
          learning_rate: r.choice(0.01),
          hidden_units: 16,
          epochs: 10,
          train_samples: 900,
          checkpoint_interval: 0,
        }),
        primaryMetricName: 'val_accuracy',
        primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1,
        resumeChildRuns: priors,
        trial: { kind: 'builtin', name: 'digits-mlp' },
      });
      const { sweep } = await ws.submit('child', config, { backend: 'cpu' });
      const record = await sweep.waitForCompletion();
      const run = sweep.getChildren()[0]!;
      const points = await ws.store.listMetrics(sweep.id, run.id);
      return { parentRun: (await ws.store.listRuns(parentId))[0]!, record, run, points, started };
    },
    { parentId },
  );

  const stoppedAt = result.parentRun.checkpoint?.intervals ?? 0;
  expect(result.parentRun.status).toBe('Canceled');
  expect(stoppedAt).toBeGreaterThanOrEqual(3);
  expect(result.record.status).toBe('Completed');
  expect(result.run).toMatchObject({ status: 'Completed', intervals: EPOCHS, params: result.parentRun.params });
  expect(result.run.resumedFrom).toMatchObject({ sweepId: parentId, runId: result.parentRun.id });
  const curve = result.points.filter((p) => p.name === 'val_accuracy');
  expect(curve).toHaveLength(EPOCHS);
  expect(curve.filter((p) => p.time >= result.started)).toHaveLength(EPOCHS - stoppedAt);
});
