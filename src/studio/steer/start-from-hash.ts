/** The route prefix of a builder opened from a sweep: `#/start-from?sweep=ID` (+ `&runs=ID,ID` to resume runs). */
export const START_FROM_ROUTE = '#/start-from?';

/** The address of the builder warm-starting from a sweep, or resuming some of its runs. */
export function startFromHash(sweepId: string, runIds: readonly string[] = []): string {
  const query = new URLSearchParams({ sweep: sweepId });
  if (runIds.length > 0) query.set('runs', runIds.join(','));
  return `${START_FROM_ROUTE}${query.toString()}`;
}
