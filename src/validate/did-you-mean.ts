/*
 * The one place that guesses which known name a user meant: file keys, config options and
 * import fields all ask here, so a typo is recognised the same way everywhere.
 */

/** The known key nearest to `key`, ignoring case, `_` and `-`, if it is near enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');
  const target = squash(key);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(target, squash(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(target.length / 4)) ? best : undefined;
}

/** ` (did you mean "x"?)`, or '' when no known key is near: ready to splice into a rule. */
export function didYouMean(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  return suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}

// Lengths more than 3 apart are never a typo, so the table is not worth filling.
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY;
}
