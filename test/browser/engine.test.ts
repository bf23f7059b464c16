import { expect, test, type Page } from '@playwright/test';

// The engine core in real Chromium: the same Workspace as the Node unit tests, given an
// in-process runner explicitly (the engine's own tests train functions on the page's thread).
// The browser runtime (BrowserWorkspace, the Studio) refuses such functions: user code there
// runs only in workers.

async function openHarness(page: Page): Promise<void> {
  await page.goto('/test/browser/pages/engine.html');
  await page.waitForFunction(() => window.engine !== undefined);
}

test('the engine core runs a grid sweep with a Bandit policy in the browser exactly as in Node', async ({ page }) => {
  await openHarness(page);
  const outcome = await page.evaluate(async () => {
    const od = window.engine;
    const workspace = new od.Workspace({
      name: 'browser-engine',
      store: new od.MemoryStore(),
      runner: new od.InProcessRunner(),
    });
    const qualities = [0.9, 0.3, 0.85, 0.2, 0.88];
    const sweep = new od.Experiment(workspace, 'bandit').submit(
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
  await openHarness(page);
  const message = await page.evaluate(() => {
    const od = window.engine;
    try {
      new od.RandomParameterSampling({ lr: od.uniform(5, 1) });
      return 'accepted';
    } catch (error) {
      return (error as Error).message;
    }
  });
  expect(message).toBe('uniform(low=5, high=1) for "lr": low must be < high');
});

test('the browser runtime refuses a training function, to submit or to continue, and stores nothing', async ({
  page,
}) => {
  await openHarness(page);
  const outcome = await page.evaluate(async () => {
    const od = window.engine;
    const name = `refuse-function-${Date.now()}`;
    const ws = await od.BrowserWorkspace.open({ name });
    const ran: string[] = [];
    const config = (
      train: (params: Record<string, unknown>, run: { log(name: string, value: number): void }) => void,
    ) =>
      new od.HyperDriveConfig({
        hyperparameterSampling: new od.GridParameterSampling({ q: od.choice(1, 2) }),
        primaryMetricName: 'm',
        primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        train,
      });
    const refusal = (error: unknown) =>
      error instanceof od.ConfigError
        ? { name: error.name, field: error.field, rule: error.rule, message: error.message }
        : { name: 'other', message: String(error) };

    const submitted = await ws
      .submit(
        'refused',
        config(() => ran.push('on the page')),
        { backend: 'cpu' },
      )
      .then(() => null, refusal);
    await ws.store.flush();
    const stored = { experiments: await ws.store.listExperiments(name), sweeps: await ws.store.listSweeps(name) };

    // A function sweep the engine core ran on this database (as its own tests may) is still
    // refused when the browser runtime is asked to continue it.
    const core = new od.Workspace({ name, store: ws.store, runner: new od.InProcessRunner() });
    const coreSweep = new od.Experiment(core, 'core').submit(
      config((params, run) => run.log('m', Number(params['q']))),
    );
    await coreSweep.waitForCompletion();
    await ws.store.flush();
    const runsBefore = await ws.store.listRuns(coreSweep.id);
    const continued = await ws.continueSweep(coreSweep.id, { backend: 'cpu' }).then(() => null, refusal);
    const runsAfter = await ws.store.listRuns(coreSweep.id);
    await ws.close();
    return {
      submitted,
      stored,
      ran,
      continued,
      runsUnchanged: JSON.stringify(runsBefore) === JSON.stringify(runsAfter),
      rule: od.FUNCTION_TRIAL_RULE,
    };
  });
  expect(outcome.rule).toContain("trial: { kind: 'module', url }");
  expect(outcome.rule).toContain("trial: { kind: 'builtin', name }");
  expect(outcome.submitted).toEqual({
    name: 'ConfigError',
    field: 'train',
    rule: outcome.rule,
    message: `train: ${outcome.rule} (got a function)`,
  });
  expect(outcome.stored).toEqual({ experiments: [], sweeps: [] });
  expect(outcome.ran).toEqual([]);
  expect(outcome.continued).toEqual({
    name: 'ConfigError',
    field: 'trial',
    rule: outcome.rule,
    message: `trial: ${outcome.rule} (got {"kind":"function","name":"anonymous"})`,
  });
  expect(outcome.runsUnchanged).toBe(true);
});

test('the Studio session refuses a training function with the same message', async ({ page }) => {
  await page.goto(`/?workspace=refuse-studio-${Date.now()}#/history`);
  await page.waitForFunction(() => window.studioSession !== undefined);
  const message = await page.evaluate(async () => {
    const od = window.overdrive;
    const config = new od.HyperDriveConfig({
      hyperparameterSampling: new od.GridParameterSampling({ q: od.choice(1) }),
      primaryMetricName: 'm',
      primaryMetricGoal: od.PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 1,
      train: (_params, run) => run.log('m', 1),
    });
    const session = window.studioSession!;
    const refused = await session.submit('refused', config, {}).then(
      () => 'accepted',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await session.workspace.store.flush();
    return { refused, sweeps: (await session.workspace.store.listSweeps(session.name)).length };
  });
  expect(message.refused).toMatch(
    /^train: must not be a function in the browser runtime: user training code runs only in Web Workers/,
  );
  expect(message.refused).toContain('(got a function)');
  expect(message.sweeps).toBe(0);
});
