import { expect, test, type Page } from '@playwright/test';
import type { MetricPoint, RunRecord, SweepRecord } from '../../src/index.js';

// The browser runtime end to end: real workers, real IndexedDB, real page reloads. Trials use a
// scripted-curve module so policy decisions are predictable while crossing real workers.

declare global {
  interface Window {
    currentSweep?: import('../../src/index.js').Sweep;
    currentWorkspace?: import('../../src/browser/index.js').BrowserWorkspace;
  }
}

async function openHarness(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/runtime.html');
  await page.waitForFunction(() => window.runtime !== undefined);
}

interface SweepOutcome {
  sweep: SweepRecord;
  runs: RunRecord[];
}

/** Runs a grid sweep over `quality` through the worker pool and returns its final state. */
async function runScripted(
  page: Page,
  options: {
    qualities: number[];
    policy: 'bandit' | 'median' | 'truncation' | 'none';
    maxDurationMinutes?: number;
    intervals?: number;
  },
): Promise<SweepOutcome> {
  return page.evaluate(async ({ qualities, policy, maxDurationMinutes, intervals }) => {
    const r = window.runtime;
    const ws = await r.BrowserWorkspace.open({ name: `policy-${policy}-${Date.now()}` });
    const policies = {
      bandit: () => new r.BanditPolicy({ slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 3 }),
      median: () => new r.MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 5 }),
      truncation: () =>
        new r.TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 2, delayEvaluation: 2 }),
      none: () => new r.NoTerminationPolicy(),
    };
    const config = new r.HyperDriveConfig({
      hyperparameterSampling: new r.GridParameterSampling({
        quality: r.choice(...qualities),
        intervals: intervals ?? 20,
        delay_ms: 25,
      }),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: qualities.length,
      maxConcurrentRuns: 1,
      ...(maxDurationMinutes === undefined ? {} : { maxDurationMinutes }),
      policy: policies[policy](),
      trial: { kind: 'module', url: window.scriptedTrialUrl },
    });
    const { sweep } = await ws.submit('policies', config, { backend: 'cpu' });
    const record = await sweep.waitForCompletion();
    const runs = sweep.getChildren();
    // What the store holds must match what the handle says.
    const stored = await ws.store.listRuns(sweep.id);
    if (JSON.stringify(stored) !== JSON.stringify(runs)) throw new Error('stored runs differ from the live ones');
    await ws.close();
    return { sweep: record, runs };
  }, options);
}

function policyOf(run: RunRecord | undefined): string | null {
  return run?.termination?.kind === 'policy' ? run.termination.decision.policy : null;
}

test.describe('policies cancel runs inside real workers', () => {
  test('Bandit', async ({ page }) => {
    await openHarness(page);
    const { sweep, runs } = await runScripted(page, { qualities: [0.9, 0.3, 0.85, 0.2], policy: 'bandit' });
    expect(sweep.status).toBe('Completed');
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Canceled', 'Completed', 'Canceled']);
    expect(runs.map(policyOf)).toEqual([null, 'bandit', null, 'bandit']);
    const decision = runs[1]?.termination?.kind === 'policy' ? runs[1].termination.decision : null;
    expect(decision?.interval).toBe(3);
    expect(decision?.explanation).toMatch(/^stopped at interval 3: best 0\.225 < 0\.675\/\(1\+0\.2\) = 0\.5625/);
    // Cancellation reached the worker: the run stopped well before its 20 intervals.
    expect(runs[1]?.intervals).toBeLessThan(20);
  });

  test('Median stopping', async ({ page }) => {
    await openHarness(page);
    const { runs } = await runScripted(page, { qualities: [0.9, 0.3, 0.85, 0.2], policy: 'median' });
    expect(runs.map((r) => r.status)).toEqual(['Completed', 'Canceled', 'Completed', 'Canceled']);
    expect(runs.map(policyOf)).toEqual([null, 'median-stopping', null, 'median-stopping']);
    expect(runs[1]?.intervals).toBeLessThan(20);
  });

  test('Truncation selection', async ({ page }) => {
    await openHarness(page);
    const { runs } = await runScripted(page, { qualities: [0.9, 0.3, 0.85, 0.2], policy: 'truncation' });
    expect(runs[0]?.status).toBe('Completed');
    expect(runs.map(policyOf).filter((p) => p !== null).length).toBeGreaterThanOrEqual(2);
    expect(policyOf(runs[1])).toBe('truncation-selection');
    expect(policyOf(runs[3])).toBe('truncation-selection');
  });
});

test('maxDurationMinutes cancels the running trial in its worker and ends the sweep', async ({ page }) => {
  await openHarness(page);
  const started = Date.now();
  const { sweep, runs } = await runScripted(page, {
    qualities: [0.5, 0.6, 0.7],
    policy: 'none',
    intervals: 100_000,
    maxDurationMinutes: 0.05, // 3 s
  });
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(sweep.status).toBe('Completed');
  expect(sweep.endReason).toEqual({ kind: 'max-duration', minutes: 0.05 });
  expect(runs).toHaveLength(1);
  expect(runs[0]?.status).toBe('Canceled');
  expect(runs[0]?.termination).toEqual({ kind: 'max-duration', minutes: 0.05 });
  expect(runs[0]?.intervals).toBeGreaterThan(10);
});

/**
 * Starts a 6-run grid sweep (2 at a time, `intervals` reports `delayMs` apart) in workspace
 * `name` and waits until it is mid-way: two runs completed, another part-way through.
 */
async function startMidSweep(page: Page, name: string, delayMs: number): Promise<string> {
  const sweepId = await page.evaluate(
    async ({ name, delayMs }) => {
      const r = window.runtime;
      const ws = await r.BrowserWorkspace.open({ name });
      const config = new r.HyperDriveConfig({
        hyperparameterSampling: new r.GridParameterSampling({
          quality: r.choice(0.9, 0.8, 0.7, 0.6, 0.5, 0.4),
          intervals: 10,
          delay_ms: delayMs,
        }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: r.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 6,
        maxConcurrentRuns: 2,
        trial: { kind: 'module', url: window.scriptedTrialUrl },
      });
      const { sweep } = await ws.submit('interrupted', config, { backend: 'cpu' });
      window.currentSweep = sweep;
      window.currentWorkspace = ws;
      return sweep.id;
    },
    { name, delayMs },
  );
  await page.waitForFunction(
    () => {
      const runs = window.currentSweep?.getChildren() ?? [];
      return (
        runs.filter((r) => r.status === 'Completed').length >= 2 &&
        runs.some((r) => r.status === 'Running' && r.intervals >= 2)
      );
    },
    undefined,
    { timeout: 60_000 },
  );
  return sweepId;
}

interface AfterInterruption {
  interrupted: string[];
  /** Status of each stored run as the interruption left it, before anything continued. */
  leftStatuses: string[];
  beforeContinue: MetricPoint[];
  record: SweepRecord;
  runs: RunRecord[];
  stillInterrupted: string[];
  metrics: MetricPoint[];
}

/** On a freshly opened harness page: lists what was interrupted, then continues the sweep to its end. */
async function continueInterrupted(page: Page, name: string, id: string): Promise<AfterInterruption> {
  return page.evaluate(
    async ({ name, id }) => {
      const r = window.runtime;
      const ws = await r.BrowserWorkspace.open({ name });
      const interrupted = (await ws.listInterruptedSweeps()).map((s) => s.id);
      const leftStatuses = (await ws.store.listRuns(id)).map((run) => run.status);
      const beforeContinue = await ws.store.listMetrics(id);
      const { sweep } = await ws.continueSweep(id, { backend: 'cpu' });
      const record = await sweep.waitForCompletion();
      const runs = sweep.getChildren();
      const stillInterrupted = (await ws.listInterruptedSweeps()).map((s) => s.id);
      const metrics = await ws.store.listMetrics(id);
      await ws.close();
      return { interrupted, leftStatuses, beforeContinue, record, runs, stillInterrupted, metrics };
    },
    { name, id },
  );
}

/** What must hold after any interruption: nothing flushed lost, and an exact budget on continuing. */
function expectRecovered(after: AfterInterruption, sweepId: string, flushed: readonly MetricPoint[]): void {
  expect(after.interrupted).toEqual([sweepId]);
  const key = (p: MetricPoint): string => `${p.runId}|${p.attempt}|${p.name}|${p.step}|${p.value}`;
  // Every point that was flushed before the interruption is still stored.
  const kept = new Set(after.beforeContinue.map(key));
  expect(flushed.filter((p) => !kept.has(key(p)))).toEqual([]);
  const final = new Set(after.metrics.map(key));
  expect(flushed.filter((p) => !final.has(key(p)))).toEqual([]);

  expect(after.record.status).toBe('Completed');
  expect(after.record.endReason).toEqual({ kind: 'max-total-runs', runs: 6 });
  // Budget exact: 6 runs with the original ids; the interrupted ones re-ran as attempt 2.
  expect(after.runs.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${sweepId}_${i}`));
  expect(after.runs.every((r) => r.status === 'Completed' && r.intervals === 10)).toBe(true);
  expect(after.runs.map((r) => r.params['quality'])).toEqual([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]);
  expect(after.runs.some((r) => r.attempt === 2)).toBe(true);
  expect(after.stillInterrupted).toEqual([]);
}

test('a page reload mid-sweep loses no flushed metric, and the sweep continues with an exact budget', async ({
  page,
}) => {
  await openHarness(page);
  const dbName = `reload-${Date.now()}`;
  const sweepId = await startMidSweep(page, dbName, 120);
  const flushed: MetricPoint[] = await page.evaluate(async (id) => {
    const ws = window.currentWorkspace!;
    await ws.store.flush();
    return ws.store.listMetrics(id);
  }, sweepId);
  expect(flushed.length).toBeGreaterThan(20);

  await page.reload();
  await page.waitForFunction(() => window.runtime !== undefined);

  expectRecovered(await continueInterrupted(page, dbName, sweepId), sweepId, flushed);
});

test('a renderer crash mid-sweep loses no flushed metric, and the sweep continues with an exact budget', async ({
  page,
}) => {
  await openHarness(page);
  const dbName = `crash-${Date.now()}`;
  // Slower reports than the reload test: the crash must land while runs are still going.
  const sweepId = await startMidSweep(page, dbName, 300);
  // What the store's own periodic flush has committed, read through a second connection: the
  // live store would commit its buffer first, which a crash gives it no chance to do.
  const committed = async (): Promise<MetricPoint[]> =>
    page.evaluate(
      async ({ name, id }) => {
        const reader = await window.runtime.IndexedDbStore.open({ name });
        try {
          return await reader.listMetrics(id);
        } finally {
          await reader.close();
        }
      },
      { name: dbName, id: sweepId },
    );
  let flushed: MetricPoint[] = [];
  await expect
    .poll(async () => {
      flushed = await committed();
      return flushed.length;
    })
    .toBeGreaterThan(20);
  // No pagehide, no unload, no last flush: the renderer and its workers die at once.
  const crashed = page.waitForEvent('crash');
  const cdp = await page.context().newCDPSession(page);
  // Not awaited: the renderer dies before it can answer, so the command never resolves; it
  // rejects once the page is closed at the end of the test.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;

  const fresh = await page.context().newPage();
  await openHarness(fresh);
  const after = await continueInterrupted(fresh, dbName, sweepId);
  // The crash caught runs mid-way: the store still says they run.
  expect(after.leftStatuses).toContain('Running');
  expectRecovered(after, sweepId, flushed);
  await fresh.close();
});
