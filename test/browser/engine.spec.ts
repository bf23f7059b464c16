import { expect, test } from '@playwright/test';

// The same engine as the Node unit tests, run in real Chromium with the in-process runner:
// the page exposes the public API as `window.overdrive`.
test('the engine runs a grid sweep with a Bandit policy in the browser exactly as in Node', async ({ page }) => {
  await page.goto('/?runs=1&epochs=1&backend=cpu');
  await page.waitForFunction(() => window.overdrive !== undefined);

  const outcome = await page.evaluate(async () => {
    const od = window.overdrive;
    const qualities = [0.9, 0.3, 0.85, 0.2, 0.88];
    const sweep = new od.Experiment(new od.Workspace({ name: 'browser-engine' }), 'bandit').submit(
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({ q: od.choice(...qualities) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 10,
        maxConcurrentRuns: 1,
        policy: new od.BanditPolicy({ slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 3 }),
        train: async (params, run) => {
          for (let i = 1; i <= 8; i++) {
            run.log('accuracy', (Number(params['q']) * Math.min(i, 4)) / 4);
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        },
      }),
    );
    const result = await sweep.waitForCompletion();
    return {
      status: result.status,
      endReason: result.endReason,
      runs: sweep.getChildren().map((r) => ({ status: r.status, intervals: r.intervals, best: r.bestMetric })),
      best: sweep.getBestRunByPrimaryMetric()?.params,
      userAgent: navigator.userAgent,
    };
  });

  expect(outcome.userAgent).toContain('Chrome');
  expect(outcome.status).toBe('Completed');
  expect(outcome.endReason).toEqual({ kind: 'space-exhausted', runs: 5 });
  expect(outcome.runs).toEqual([
    { status: 'Completed', intervals: 8, best: 0.9 },
    { status: 'Canceled', intervals: 3, best: (0.3 * 3) / 4 },
    { status: 'Completed', intervals: 8, best: 0.85 },
    { status: 'Canceled', intervals: 3, best: (0.2 * 3) / 4 },
    { status: 'Completed', intervals: 8, best: 0.88 },
  ]);
  expect(outcome.best).toEqual({ q: 0.9 });
});

test('bad input is rejected in the browser with the field, the rule and the value', async ({ page }) => {
  await page.goto('/?runs=1&epochs=1&backend=cpu');
  await page.waitForFunction(() => window.overdrive !== undefined);
  const message = await page.evaluate(() => {
    const od = window.overdrive;
    try {
      new od.RandomParameterSampling({ lr: od.uniform(5, 1) });
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  });
  expect(message).toBe('uniform(low=5, high=1) for "lr": low must be < high');
});
