import { expect, test, type Page } from '@playwright/test';
import type { RunSummary } from './pages/pool-page.js';

/**
 * Exact decisions in real Chromium workers (semantics §5): a trial that awaits `run.log` waits
 * for the verdict at each evaluation point, so a run stopped at interval k records nothing of
 * its primary metric after k, however fast its loop, and a stopped run never becomes the best.
 */

const POLICIES = ['bandit', 'median', 'truncation', 'asha', 'hyperband'] as const;
type PolicyName = (typeof POLICIES)[number];

async function openHarness(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/test/browser/pages/pool.html');
  await page.waitForFunction(() => window.poolHarness !== undefined);
  return errors;
}

/** A fast module: ~2 ms of work per interval, and it yields only by awaiting `run.log`. */
const FAST_MODULE = `
export default async function train(params, run) {
  for (let i = 1; i <= 12; i++) {
    const end = performance.now() + 2;
    while (performance.now() < end) {}
    await run.log('loss', 1 - (params.quality * i) / 12);
    await run.log('accuracy', (params.quality * i) / 12);
  }
}`;

interface PolicyRun {
  readonly policy: PolicyName;
  readonly runs: readonly RunSummary[];
  readonly best: string | null;
}

function checkExact(result: PolicyRun): number {
  const stopped = result.runs.filter((r) => r.termination?.kind === 'policy');
  for (const run of stopped) {
    if (run.termination?.kind !== 'policy') continue;
    const k = run.termination.decision.interval;
    expect(run.status, `${result.policy} ${run.id}`).toBe('Canceled');
    // No primary-metric interval after k: neither counted nor stored.
    expect(run.intervals, `${result.policy} ${run.id} stopped at ${k}`).toBe(k);
    const stored = run.metrics['accuracy'];
    expect(Array.isArray(stored) ? stored.length : 1, `${result.policy} ${run.id}`).toBe(k);
    expect(run.afterDecision ?? null).toBeNull();
  }
  // The sweep's best is never a run the policy stopped.
  const best = result.runs.find((r) => r.id === result.best);
  expect(best?.termination?.kind, `${result.policy}: best run ${result.best}`).not.toBe('policy');
  return stopped.length;
}

test('a fast module (2 ms per interval) that awaits run.log is cut exactly at k by every policy', async ({ page }) => {
  const errors = await openHarness(page);
  const results = await page.evaluate(
    async ({ names, source }) => {
      const h = window.poolHarness;
      const url = h.moduleUrl(source);
      const pool = await h.WorkerPool.create({ size: 2, backend: 'cpu' });
      const out: PolicyRun[] = [];
      for (const name of names) {
        const policy =
          name === 'bandit'
            ? new h.BanditPolicy({ slackFactor: 0.05, evaluationInterval: 1, delayEvaluation: 2 })
            : name === 'median'
              ? new h.MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 2 })
              : name === 'truncation'
                ? new h.TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 2 })
                : name === 'asha'
                  ? new h.AshaPolicy({ reductionFactor: 2, minInterval: 2 })
                  : new h.HyperbandPolicy({ reductionFactor: 2, minInterval: 1, maxInterval: 8 });
        const summary = await h.runSweep(pool, {
          name: `exact-${name}`,
          sampling: new h.RandomParameterSampling({ quality: h.uniform(0.2, 1) }, { seed: 5 }),
          primaryMetricName: 'accuracy',
          maxTotalRuns: 10,
          maxConcurrentRuns: 2,
          trial: { kind: 'module', url },
          policy,
        });
        const ranked = summary.runs
          .filter((r) => r.bestMetric !== null)
          .sort((a, b) => (b.bestMetric as number) - (a.bestMetric as number));
        out.push({ policy: name, runs: summary.runs, best: ranked[0]?.id ?? null });
      }
      await pool.dispose();
      return out;
    },
    { names: POLICIES, source: FAST_MODULE },
  );
  for (const result of results) {
    const stopped = checkExact(result);
    // Every policy stopped something, or the test would prove nothing for it.
    expect(stopped, `${result.policy} stopped no run`).toBeGreaterThan(0);
  }
  expect(errors).toEqual([]);
});

test('digits-mlp (real TF.js on wasm) is cut exactly at k by every policy', async ({ page }) => {
  const errors = await openHarness(page);
  const results = await page.evaluate(async (names) => {
    const h = window.poolHarness;
    const pool = await h.WorkerPool.create({ size: 2, backend: 'wasm' });
    const out: PolicyRun[] = [];
    for (const name of names) {
      const policy =
        name === 'bandit'
          ? new h.BanditPolicy({ slackFactor: 0.01, evaluationInterval: 1, delayEvaluation: 1 })
          : name === 'median'
            ? new h.MedianStoppingPolicy({ evaluationInterval: 1, delayEvaluation: 1 })
            : name === 'truncation'
              ? new h.TruncationSelectionPolicy({ truncationPercentage: 50, evaluationInterval: 1 })
              : name === 'asha'
                ? new h.AshaPolicy({ reductionFactor: 2, minInterval: 1 })
                : new h.HyperbandPolicy({ reductionFactor: 2, minInterval: 1, maxInterval: 4, brackets: 1 });
      const summary = await h.runSweep(pool, {
        name: `exact-digits-${name}`,
        sampling: new h.RandomParameterSampling(
          {
            learning_rate: h.loguniform(Math.log(1e-4), Math.log(5e-2)),
            hidden_units: h.choice(8, 32),
            optimizer: h.choice('adam', 'sgd'),
            epochs: h.choice(4),
            train_samples: h.choice(200),
          },
          { seed: 3 },
        ),
        primaryMetricName: 'val_accuracy',
        maxTotalRuns: 6,
        maxConcurrentRuns: 2,
        trial: { kind: 'builtin', name: 'digits-mlp' },
        policy,
      });
      const ranked = summary.runs
        .filter((r) => r.bestMetric !== null)
        .sort((a, b) => (b.bestMetric as number) - (a.bestMetric as number));
      out.push({
        policy: name,
        // Stored under the primary metric's name: the check reads `accuracy`.
        runs: summary.runs.map((r) => ({ ...r, metrics: { accuracy: r.metrics['val_accuracy'] ?? [] } })),
        best: ranked[0]?.id ?? null,
      });
    }
    await pool.dispose();
    return out;
  }, POLICIES);
  let stopped = 0;
  for (const result of results) stopped += checkExact(result);
  expect(stopped).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('metrics stream while a trial runs even when its loop never yields', async ({ page }) => {
  const errors = await openHarness(page);
  const result = await page.evaluate(async () => {
    const h = window.poolHarness;
    // 1.5 s of synchronous work, logging every 10 ms without ever awaiting: no timer can run.
    const url = h.moduleUrl(`
      export default function train(params, run) {
        const start = performance.now();
        let i = 0;
        while (performance.now() - start < 1500) {
          const end = performance.now() + 10;
          while (performance.now() < end) {}
          run.log('accuracy', ++i / 1000);
        }
      }`);
    const pool = await h.WorkerPool.create({ size: 1, backend: 'cpu' });
    const workspace = new h.Workspace({ name: 'stream', runner: pool });
    const sweep = new h.Experiment(workspace, 'stream').submit(
      new h.HyperDriveConfig({
        hyperparameterSampling: new h.RandomParameterSampling({ x: h.uniform(0, 1) }, { seed: 1 }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: h.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1,
        maxConcurrentRuns: 1,
        trial: { kind: 'module', url },
      }),
    );
    const arrivals: number[] = [];
    const ends: number[] = [];
    sweep.subscribe((event) => {
      if (event.kind === 'metric') arrivals.push(performance.now());
      if (event.kind === 'run' && event.run.status === 'Completed') ends.push(performance.now());
    });
    await sweep.waitForCompletion();
    await pool.dispose();
    return { arrivals, ends };
  });
  const ended = result.ends[0];
  if (ended === undefined) throw new Error('the run never completed');
  expect(result.arrivals.length).toBeGreaterThan(20);
  // Points arrived all along the run, not in one lump at its end: over half of them at least
  // 300 ms before the run ended.
  const early = result.arrivals.filter((t) => ended - t > 300).length;
  expect(early / result.arrivals.length).toBeGreaterThan(0.5);
  expect(errors).toEqual([]);
});
