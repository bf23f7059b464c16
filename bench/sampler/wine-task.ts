import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as hpjs from 'hyperparameters';
import { choice, loguniform, SeededRandom, type ParamSet } from '../../src/index.js';
import { paramsKey } from '../../src/space/flatten.js';
import type { Task } from './contenders.js';

const DATASET = fileURLToPath(new URL('./data/wine.csv', import.meta.url));
const EPOCHS = 30;

/**
 * A tabular task: a small TF.js classifier on the UCI Wine data (bench/sampler/data), features
 * standardised, a fixed stratified 70/30 split; the objective is the validation log loss after
 * 30 epochs (to minimise), which unlike accuracy (often 100 % on this split) separates good
 * configurations from merely adequate ones. Tuned: learning rate, L2, width, depth, batch size.
 * Initialisation and shuffling are seeded per (seed, configuration), as in the digits task.
 */
export function setUpWine(): Task {
  const lines = readFileSync(DATASET, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((line) => line.split(',').map(Number));
  const d = 13;
  const means = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
  const sds = Array.from({ length: d }, (_, j) =>
    Math.sqrt(rows.reduce((s, r) => s + ((r[j] as number) - (means[j] as number)) ** 2, 0) / rows.length),
  );
  const train: number[][] = [];
  const valid: number[][] = [];
  const seenPerClass = [0, 0, 0];
  for (const row of rows) {
    const label = row[d] as number;
    const k = seenPerClass[label] ?? 0;
    seenPerClass[label] = k + 1;
    (k % 10 < 7 ? train : valid).push(row);
  }
  const tensors = (set: number[][]) => ({
    x: tf.tensor2d(set.map((r) => r.slice(0, d).map((v, j) => (v - (means[j] as number)) / (sds[j] as number)))),
    y: tf.oneHot(
      tf.tensor1d(
        set.map((r) => r[d] as number),
        'int32',
      ),
      3,
    ),
  });
  const trainSet = tensors(train);
  const validSet = tensors(valid);

  const evaluate = async (params: ParamSet, seed: number): Promise<number> => {
    const original = Math.random;
    const random = new SeededRandom(`wine:${seed}:${paramsKey(params)}`);
    Math.random = () => random.next();
    try {
      const model = tf.sequential();
      const units = params.hidden_units as number;
      const regularizer = tf.regularizers.l2({ l2: params.l2 as number });
      for (let layer = 0; layer < (params.hidden_layers as number); layer += 1) {
        model.add(
          tf.layers.dense({
            units,
            activation: 'relu',
            kernelRegularizer: regularizer,
            ...(layer === 0 ? { inputShape: [d] } : {}),
          }),
        );
      }
      model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      const optimizer = tf.train.adam(params.learning_rate as number);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      await model.fit(trainSet.x, trainSet.y, {
        epochs: EPOCHS,
        batchSize: params.batch_size as number,
        shuffle: true,
        verbose: 0,
      });
      const loss = tf.tidy(() => {
        const predicted = model.predict(validSet.x) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(validSet.y, tf.log(tf.clipByValue(predicted, 1e-7, 1))).dataSync()[0];
      });
      model.dispose();
      optimizer.dispose();
      return loss !== undefined && Number.isFinite(loss) ? loss : 10;
    } finally {
      Math.random = original;
    }
  };

  return {
    id: 'wine',
    definition: {
      learning_rate: loguniform(Math.log(1e-4), Math.log(0.3)),
      l2: loguniform(Math.log(1e-6), Math.log(1e-1)),
      hidden_units: choice(4, 8, 16, 32, 64),
      hidden_layers: choice(1, 2),
      batch_size: choice(8, 16, 32, 64),
    },
    hpjsSpace: () => ({
      learning_rate: hpjs.loguniform(Math.log(1e-4), Math.log(0.3)),
      l2: hpjs.loguniform(Math.log(1e-6), Math.log(1e-1)),
      hidden_units: hpjs.choice([4, 8, 16, 32, 64]),
      hidden_layers: hpjs.choice([1, 2]),
      batch_size: hpjs.choice([8, 16, 32, 64]),
    }),
    goal: 'MINIMIZE',
    evaluate,
    evaluatedInPython: false,
  };
}
