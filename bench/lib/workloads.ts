/**
 * What the benchmark trains, shared by the Node driver and the bench page so both sides sample
 * exactly the same configurations from the same seeds.
 */
import type { PolicyRecord } from '../../src/policy/policy.js';
import { choice, loguniform, uniform } from '../../src/space/constructors.js';
import type { SearchSpaceDefinition } from '../../src/space/expression.js';
import type { FixedMlp, SpaceName } from './types.js';

/** The digits-MLP built-in's defaults (src/examples/digits-mlp.ts), trained on the whole training split. */
export function overheadConfig(epochs: number): FixedMlp {
  return {
    learning_rate: 0.01,
    batch_size: 32,
    hidden_layers: 1,
    hidden_units: 64,
    dropout: 0,
    optimizer: 'adam',
    epochs,
    // The training split of the shipped digits (1797 rows, 20 % held out): all of it.
    train_samples: 1437,
  };
}

/** The search spaces of the scaling and early-termination sections. */
export function searchSpace(name: SpaceName, epochs: number, trainSamples: number): SearchSpaceDefinition {
  const common = {
    learning_rate: loguniform(Math.log(1e-4), Math.log(3e-2)),
    hidden_layers: choice(1, 2, 3),
    dropout: uniform(0, 0.5),
    batch_size: choice(16, 32, 64, 128),
    epochs,
    train_samples: trainSamples,
    // Checkpoints only at the end: the replay counts training, not checkpoint writes.
    checkpoint_interval: 86_400,
  };
  switch (name) {
    case 'mlp-savings':
      return { ...common, hidden_units: choice(16, 32, 64, 128) };
    case 'cnn-savings':
      return { ...common, hidden_units: choice(16, 32, 64), filters: choice(4, 8, 16), kernel_size: choice(2, 3, 5) };
    case 'mlp-scaling':
      return {
        learning_rate: loguniform(Math.log(1e-3), Math.log(3e-2)),
        hidden_units: choice(32, 64, 128),
        batch_size: choice(32),
        epochs,
        train_samples: trainSamples,
      };
  }
}

export const SAVINGS_SEED = 2024;
export const SCALING_SEED = 7;
export const PRIMARY_METRIC = 'val_accuracy';

export interface PolicyCase {
  readonly id: string;
  readonly label: string;
  readonly spec: PolicyRecord | null;
}

/** The policies of the early-termination section, in report order. `epochs` bounds ASHA. */
export function policyCases(epochs: number): PolicyCase[] {
  return [
    { id: 'none', label: 'no policy', spec: null },
    {
      id: 'median',
      label: 'Median(1,5)',
      spec: { kind: 'median-stopping', options: { evaluationInterval: 1, delayEvaluation: 5 } },
    },
    {
      id: 'bandit',
      label: 'Bandit(0.1,1,5)',
      spec: { kind: 'bandit', options: { slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 5 } },
    },
    {
      id: 'truncation',
      label: 'Truncation(20,1,5)',
      spec: {
        kind: 'truncation-selection',
        options: { truncationPercentage: 20, evaluationInterval: 1, delayEvaluation: 5 },
      },
    },
    {
      id: 'asha',
      label: `ASHA(η=3, r_min=1, R=${epochs})`,
      spec: { kind: 'asha', options: { reductionFactor: 3, minInterval: 1, maxInterval: epochs } },
    },
    {
      id: 'hyperband',
      label: `Hyperband(η=3, r_min=1, R=${epochs})`,
      spec: { kind: 'hyperband', options: { reductionFactor: 3, minInterval: 1, maxInterval: epochs } },
    },
    {
      id: 'asha-s1',
      label: `ASHA(η=3, r_min=1, s=1, R=${epochs})`,
      spec: {
        kind: 'asha',
        options: { reductionFactor: 3, minInterval: 1, earlyStoppingRate: 1, maxInterval: epochs },
      },
    },
  ];
}

/** Training steps (optimizer updates) of one epoch of a configuration. */
export function stepsPerEpoch(trainSamples: number, batchSize: number): number {
  return Math.ceil(trainSamples / batchSize);
}
