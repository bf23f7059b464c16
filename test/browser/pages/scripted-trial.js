// A training module whose curve is set by its params, so policy decisions are predictable while
// still running through real workers: value(interval) = quality * min(interval, ramp) / ramp.
// `delay_ms` spaces the reports out; `hang` ignores cancellation (for the grace-period path).
export default async function train(params, run) {
  const intervals = params.intervals ?? 8;
  const ramp = params.ramp ?? 4;
  for (let i = 1; i <= intervals; i++) {
    if (run.isCanceled && !params.hang) return;
    run.log('accuracy', (params.quality * Math.min(i, ramp)) / ramp);
    await new Promise((resolve) => setTimeout(resolve, params.delay_ms ?? 20));
  }
}
