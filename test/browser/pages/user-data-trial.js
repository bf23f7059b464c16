// A training module (run in the sandbox, like any module) that reads the sweep's stored dataset
// through env.datasets.user() and logs what it received, so a test can see the arrays crossed
// the pool's protocol intact and that the worker kept them for its later trials.
let seen = null;

export default async function train(params, run, env) {
  const first = await env.datasets.user();
  const again = await env.datasets.user();
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  await run.log('train_rows', first.yTrain.length);
  await run.log('validation_rows', first.yValidation.length);
  await run.log('features', first.inputShape[0]);
  await run.log('classes', first.classes === null ? 0 : first.classes.length);
  await run.log('x_sum', sum(first.xTrain));
  // The same object twice within a trial, and across trials of this worker: one request each.
  await run.log('same_within_trial', first === again ? 1 : 0);
  await run.log('cached_from_earlier_trial', seen === first ? 1 : 0);
  seen = first;
  if (params.other !== undefined) {
    try {
      await env.datasets.user(params.other);
      await run.log('other', 1);
    } catch (error) {
      throw new Error(`other dataset: ${error.message}`);
    }
  }
  await run.log('done', 1);
}
