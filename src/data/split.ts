import { SeededRandom } from '../random/index.js';

export interface RowSplit {
  /** Indices into the rows that were split, ascending. */
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/**
 * A seeded train/validation split of `count` rows. With `labels` (class indices, one per row)
 * it is stratified: each class gives `round(fraction × its rows)` to validation, so a rare
 * class is in both sets in the proportion it has in the data (a class of one row stays in
 * training). The same seed, rows and labels give the same split on every machine: the order
 * comes from `SeededRandom`, never `Math.random`.
 */
export function splitRows(count: number, fraction: number, seed: number, labels: ArrayLike<number> | null): RowSplit {
  const random = new SeededRandom(seed);
  const groups: number[][] = [];
  if (labels === null) groups.push(Array.from({ length: count }, (_, i) => i));
  else {
    for (let i = 0; i < count; i += 1) {
      const label = labels[i] as number;
      const group = groups[label];
      if (group === undefined) groups[label] = [i];
      else group.push(i);
    }
  }
  const isValidation = new Uint8Array(count);
  let validationCount = 0;
  for (const group of groups) {
    if (group === undefined) continue;
    shuffle(group, random);
    const take = Math.round(group.length * fraction);
    for (let k = 0; k < take; k += 1) isValidation[group[k] as number] = 1;
    validationCount += take;
  }
  const train = new Uint32Array(count - validationCount);
  const validation = new Uint32Array(validationCount);
  let t = 0;
  let v = 0;
  for (let i = 0; i < count; i += 1) {
    if (isValidation[i] === 1) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** Fisher–Yates with the injected generator. */
function shuffle(items: number[], random: SeededRandom): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    const tmp = items[i] as number;
    items[i] = items[j] as number;
    items[j] = tmp;
  }
}
