import { HyperDriveConfig } from 'overdrive';
import { BrowserWorkspace } from 'overdrive/browser';
import { parseSweepFile } from 'overdrive/spec';

// A sweep file, as `npx overdrive sweep` reads: 4 small dense networks on the digits data set
// that ships with Overdrive, 2 at a time, trained in Web Workers on WebAssembly.
const spec = {
  experiment_name: 'my-first-sweep',
  trial: 'digits-mlp',
  search_space: {
    learning_rate: { type: 'loguniform', min_value: -6.9, max_value: -3.5 },
    hidden_units: { type: 'choice', values: [16, 32] },
    epochs: 2,
  },
  sampling_algorithm: { type: 'random', seed: 7 },
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  limits: { max_total_trials: 4, max_concurrent_trials: 2 },
  backend: 'wasm',
};

async function main() {
  const status = document.querySelector('#status');
  const { experimentName, hyperDriveConfigOptions, backend } = parseSweepFile(spec);
  const workspace = await BrowserWorkspace.open({ name: 'my-app' });
  const config = new HyperDriveConfig(hyperDriveConfigOptions);
  const { sweep } = await workspace.submit(experimentName, config, { backend });
  sweep.subscribe(() => {
    status.textContent = `${sweep.getStatus()}: ${sweep.getChildren().length} runs`;
  });
  const record = await sweep.waitForCompletion();
  const runs = sweep.getChildren();
  const best = sweep.getBestRunByPrimaryMetric();
  const failed = runs.find((run) => run.error !== null);
  status.textContent = `${record.status}: ${runs.length} runs, best val_accuracy ${best?.bestMetric}`;
  if (failed !== undefined) status.textContent += ` (${failed.id}: ${failed.error.message})`;
}

main().catch((error) => {
  document.querySelector('#status').textContent = `Failed: ${error}`;
});
