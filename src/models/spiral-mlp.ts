import * as tf from '@tensorflow/tfjs';
import { spiral, split, type PointSet } from '../datasets/spiral.js';
import { SeededRandom } from '../random/seeded-random.js';
import type { Run } from '../run/run.js';
import type { ParamSet } from '../space/expression.js';

// Built once and shared by every run: SPEC §7 asks that common data be prepared once.
let data: { train: PointSet; validation: PointSet } | null = null;
function dataset(): { train: PointSet; validation: PointSet } {
  data ??= split(spiral(150, 0.15, new SeededRandom('spiral-data')), 0.25, new SeededRandom('spiral-split'));
  return data;
}

const OPTIMIZERS = {
  adam: (lr: number) => tf.train.adam(lr),
  sgd: (lr: number) => tf.train.sgd(lr),
  rmsprop: (lr: number) => tf.train.rmsprop(lr),
} as const;

function numberParam(params: ParamSet, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' ? v : fallback;
}

/**
 * A small MLP on the spiral set. Hyperparameters: `learning_rate`, `hidden_units`,
 * `hidden_layers`, `optimizer`, `epochs`, `batch_size`. Logs `loss`, `accuracy`, `val_loss` and
 * `val_accuracy` once per epoch.
 */
export async function trainSpiralMlp(params: ParamSet, run: Run): Promise<void> {
  const { train, validation } = dataset();
  const learningRate = numberParam(params, 'learning_rate', 0.03);
  const units = numberParam(params, 'hidden_units', 8);
  const layers = numberParam(params, 'hidden_layers', 2);
  const epochs = numberParam(params, 'epochs', 20);
  const batchSize = numberParam(params, 'batch_size', 32);
  const optimizerName = typeof params['optimizer'] === 'string' ? params['optimizer'] : 'adam';
  const makeOptimizer = OPTIMIZERS[optimizerName as keyof typeof OPTIMIZERS];
  if (makeOptimizer === undefined) throw new Error(`unknown optimizer ${JSON.stringify(optimizerName)}`);

  const model = tf.sequential();
  for (let i = 0; i < layers; i++) {
    model.add(tf.layers.dense({ units, activation: 'tanh', ...(i === 0 ? { inputShape: [2] } : {}) }));
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', ...(layers === 0 ? { inputShape: [2] } : {}) }));
  // The optimizer is not disposed with the model (a TF.js trap), so keep it to dispose it.
  const optimizer = makeOptimizer(learningRate);
  model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });

  const xs = tf.tensor2d(train.features, [train.size, 2]);
  const ys = tf.tensor2d(train.labels, [train.size, 1]);
  const vx = tf.tensor2d(validation.features, [validation.size, 2]);
  const vy = tf.tensor2d(validation.labels, [validation.size, 1]);
  try {
    for (let epoch = 0; epoch < epochs && !run.isCanceled; epoch++) {
      // yieldEvery 'never': fit's default yields through requestAnimationFrame, which stalls
      // in hidden tabs; yielding ourselves between epochs keeps the page and other runs live.
      const history = await model.fit(xs, ys, {
        epochs: 1,
        batchSize,
        shuffle: true,
        validationData: [vx, vy],
        yieldEvery: 'never',
        verbose: 0,
      });
      // TF.js names accuracy `acc` in some versions and `accuracy` in others.
      const last = (...names: string[]): number => {
        for (const name of names) {
          const value = history.history[name]?.[0];
          if (value !== undefined) return Number(value);
        }
        return Number.NaN;
      };
      run.log('loss', last('loss'));
      run.log('accuracy', last('acc', 'accuracy'));
      run.log('val_loss', last('val_loss'));
      run.log('val_accuracy', last('val_acc', 'val_accuracy'));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    xs.dispose();
    ys.dispose();
    vx.dispose();
    vy.dispose();
    model.dispose();
    optimizer.dispose();
  }
}
