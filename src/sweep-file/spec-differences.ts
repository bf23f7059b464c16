/**
 * The paths at which two specs differ (`search_space.lr.min_value`, `limits`), at most `max`
 * of them: what the builder names when a spec would not survive the form unchanged.
 */
export function specDifferences(a: unknown, b: unknown, max = 10): string[] {
  const out: string[] = [];
  differences('', a, b, out, max);
  return out;
}

function differences(path: string, a: unknown, b: unknown, out: string[], max: number): void {
  if (out.length >= max || Object.is(a, b)) return;
  if (
    typeof a === 'object' &&
    a !== null &&
    typeof b === 'object' &&
    b !== null &&
    Array.isArray(a) === Array.isArray(b)
  ) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const child = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      differences(child, (a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], out, max);
    }
    return;
  }
  out.push(path === '' ? 'the whole spec' : path);
}
