// A training module for workers: its default export is train(params, run, env).
// Run it with: npm run sweep -- examples/custom-module.json
export default async function train(params, run, env) {
  const { tf, datasets } = env; // TF.js on the chosen backend, and the shipped data sets
  const { train, validation } = await datasets.digits(); // flat 8x8 pixels scaled to 0..1, labels 0..9
  const xs = tf.tensor2d(train.features, [train.size, 64]);
  const ys = tf.tensor1d(train.labels, 'float32');
  const vxs = tf.tensor2d(validation.features, [validation.size, 64]);
  const vys = tf.tensor1d(validation.labels, 'float32');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [64], units: params.hidden_units, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  // TF.js does not dispose an optimizer with its model: keep it to dispose it.
  const optimizer = tf.train.adam(params.learning_rate);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  try {
    await model.fit(xs, ys, {
      epochs: params.epochs,
      batchSize: 32,
      validationData: [vxs, vys],
      yieldEvery: 'never', // fit's default yields through requestAnimationFrame, absent in workers
      verbose: 0,
      callbacks: {
        // fit awaits an async callback: where the policy judges this epoch, `await run.log` waits
        // for the verdict, and a stop rejects (RunCanceledError), which ends fit before the next epoch.
        onEpochEnd: async (_epoch, logs) => {
          await run.log('val_loss', logs.val_loss);
          await run.log('val_accuracy', logs.val_acc); // the primary metric: one interval per call
        },
      },
    });
  } finally {
    tf.dispose([xs, ys, vxs, vys]);
    model.dispose();
    optimizer.dispose();
  }
}
