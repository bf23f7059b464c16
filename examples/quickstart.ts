// Run with: npx tsx examples/quickstart.ts
import {
  BanditPolicy,
  Experiment,
  HyperDriveConfig,
  PrimaryMetricGoal,
  RandomParameterSampling,
  Workspace,
  choice,
  loguniform,
  type ParamSet,
  type Run,
} from '../src/index.js';

// A training function: receives one sampled configuration and logs metrics as it trains.
// This toy "model" converges towards a quality set by its hyperparameters.
async function train(params: ParamSet, run: Run): Promise<void> {
  const lr = params['learning_rate'] as number;
  const layers = params['num_hidden_layers'] as number;
  const ceiling = 1 - Math.abs(Math.log10(lr) + 2) / 4 - Math.abs(layers - 2) * 0.05;
  for (let epoch = 1; epoch <= 10 && !run.isCanceled; epoch++) {
    await run.log('accuracy', ceiling * (1 - Math.exp(-epoch / 2)));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export async function quickstart(): Promise<{ best: ParamSet | undefined; status: string }> {
  const sampling = new RandomParameterSampling(
    {
      '--learning_rate': loguniform(Math.log(1e-4), Math.log(1e-1)),
      '--num_hidden_layers': choice(1, 2, 3),
    },
    { seed: 2024 },
  );
  const config = new HyperDriveConfig({
    hyperparameterSampling: sampling,
    primaryMetricName: 'accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 20,
    maxConcurrentRuns: 4,
    policy: new BanditPolicy({ slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 5 }),
    train,
  });

  const sweep = new Experiment(new Workspace(), 'quickstart').submit(config);
  const result = await sweep.waitForCompletion();

  for (const run of sweep.getChildrenSortedByPrimaryMetric({ top: 5 })) {
    console.log(run.status.padEnd(9), run.bestPrimaryMetric?.toFixed(4), JSON.stringify(run.hyperparameters));
  }
  return { best: sweep.getBestRunByPrimaryMetric()?.params, status: result.status };
}

// Run directly (not when imported by the test suite).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { best, status } = await quickstart();
  console.log(`sweep ${status}; best configuration: ${JSON.stringify(best)}`);
}
