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
    for (let epoch = 0; epoch < params.epochs && !run.isCanceled; epoch++) {
      // yieldEvery 'never': fit's default yields through requestAnimationFrame, absent in workers.
      const h = await model.fit(xs, ys, {
        epochs: 1,
        batchSize: 32,
        validationData: [vxs, vys],
        yieldEvery: 'never',
        verbose: 0,
      });
      run.log('val_accuracy', h.history.val_acc[0]); // the primary metric: one interval per call
      run.log('val_loss', h.history.val_loss[0]);
    }
  } finally {
    tf.dispose([xs, ys, vxs, vys]);
    model.dispose();
    optimizer.dispose();
  }
}
