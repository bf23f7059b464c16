// The Studio-at-scale bench's live trial: streams `intervals` reports of two metrics, spaced by
// `delay_ms`, with a saturating curve set by its params, so a Studio page has live curves to draw
// while the bench measures the page's main thread. No TF.js work: the workers' cost stays off the
// page being measured.
export default async function train(params, run) {
  const intervals = params.intervals ?? 100;
  const rate = params.learning_rate ?? 0.01;
  const ceiling = 0.6 + 0.35 * Math.min(1, Math.log10(rate * 1e4) / 2.5);
  for (let i = 1; i <= intervals; i++) {
    if (run.isCanceled) return;
    const progress = 1 - Math.exp(-i / 18);
    run.log('val_accuracy', ceiling * progress + 0.01 * Math.sin(i * (params.units ?? 32)));
    run.log('loss', 2.3 * (1 - progress) + 0.05);
    await new Promise((resolve) => setTimeout(resolve, params.delay_ms ?? 20));
  }
}
