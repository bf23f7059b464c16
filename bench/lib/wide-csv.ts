import { SeededRandom } from '../../src/random/index.js';

/**
 * A seeded CSV of `rows` × `columns` for the data section (bench/sections/data.ts): numbers with
 * two decimals (most columns), a few categorical columns (8 values), one ISO date column, about
 * 1 % missing cells, and a 4-class `label` target computed from the first numbers (so it is
 * learnable). The same arguments give the same text.
 */
export function generateWideCsv(rows: number, columns: number, seed: number): string {
  const random = new SeededRandom(seed);
  const categorical = new Set([3, 11, 19, 27, 35]);
  const names = Array.from({ length: columns - 1 }, (_, c) =>
    c === 0 ? 'day' : categorical.has(c) ? `group_${c}` : `x_${c}`,
  );
  const lines: string[] = [[...names, 'label'].join(',')];
  const cells: string[] = new Array(columns);
  for (let r = 0; r < rows; r += 1) {
    let score = 0;
    for (let c = 0; c < columns - 1; c += 1) {
      if (c > 0 && random.next() < 0.01) {
        cells[c] = '';
        continue;
      }
      if (c === 0) {
        const day = Math.floor(random.next() * 3650);
        const date = new Date(Date.UTC(2015, 0, 1) + day * 86_400_000);
        cells[c] = date.toISOString().slice(0, 10);
      } else if (categorical.has(c)) {
        cells[c] = `g${Math.floor(random.next() * 8)}`;
      } else {
        const v = (random.next() - 0.5) * 200;
        if (c < 5) score += v;
        cells[c] = v.toFixed(2);
      }
    }
    cells[columns - 1] = `class_${score < -60 ? 0 : score < 0 ? 1 : score < 60 ? 2 : 3}`;
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
