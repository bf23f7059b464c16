import type { RegressionTree } from './forest.js';

/**
 * fANOVA on one regression tree (Hutter, Hoos and Leyton-Brown 2014), computed as Optuna's
 * `_FanovaTree` does: the tree partitions the search-space box into leaf boxes; the variance of
 * its prediction over the box (uniform measure) is the total; the variance of the prediction
 * marginalised onto a group of columns is that group's share.
 *
 * Optuna walks the tree once per grid cell of the group's split midpoints. Here each leaf is
 * visited once instead and added to every cell it covers (a difference array along the first
 * column), which gives the same figures: a cell's marginal is the leaves covering it weighted
 * by their volume divided by their extent on the group's columns.
 */
export class FanovaTree {
  private readonly leafValue: number[] = [];
  private readonly leafVolume: number[] = [];
  /** Per leaf, its box as [lo, hi] per column (flattened: 2 * column). */
  private readonly leafBox: Float64Array[] = [];
  /** Per column, the sorted distinct split thresholds. */
  private readonly splits: Float64Array[];
  readonly variance: number;

  constructor(
    tree: RegressionTree,
    private readonly bounds: readonly (readonly [number, number])[],
  ) {
    const d = bounds.length;
    const thresholds: Set<number>[] = Array.from({ length: d }, () => new Set<number>());
    const root = new Float64Array(2 * d);
    bounds.forEach(([lo, hi], c) => {
      root[2 * c] = lo;
      root[2 * c + 1] = hi;
    });
    const stack: { node: number; box: Float64Array }[] = [{ node: 0, box: root }];
    while (stack.length > 0) {
      const { node, box } = stack.pop() as { node: number; box: Float64Array };
      const f = tree.feature[node] as number;
      if (f < 0) {
        let volume = 1;
        for (let c = 0; c < d; c++) volume *= (box[2 * c + 1] as number) - (box[2 * c] as number);
        this.leafValue.push(tree.value[node] as number);
        this.leafVolume.push(volume);
        this.leafBox.push(box);
        continue;
      }
      const t = tree.threshold[node] as number;
      thresholds[f]?.add(t);
      const leftBox = box.slice();
      leftBox[2 * f + 1] = t;
      const rightBox = box.slice();
      rightBox[2 * f] = t;
      stack.push({ node: tree.left[node] as number, box: leftBox });
      stack.push({ node: tree.right[node] as number, box: rightBox });
    }
    this.splits = thresholds.map((s) => Float64Array.from([...s].sort((a, b) => a - b)));
    this.variance = weightedVariance(this.leafValue, this.leafVolume);
  }

  /** Variance of the prediction marginalised onto `columns` (one parameter's encoded columns). */
  marginalVariance(columns: readonly number[]): number {
    // Per column its segment edges: bound, split thresholds, bound.
    const edges = columns.map((c) => {
      const [lo, hi] = this.bounds[c] as readonly [number, number];
      return Float64Array.from([lo, ...(this.splits[c] as Float64Array), hi]);
    });
    const counts = edges.map((e) => e.length - 1);
    const cells = counts.reduce((a, b) => a * b, 1);
    // Difference arrays along column 0: the first `counts[0] + 1` entries per row of the others.
    const stride = (counts[0] as number) + 1;
    const rowsOfOthers = cells / (counts[0] as number);
    const sumW = new Float64Array(stride * rowsOfOthers);
    const sumWV = new Float64Array(stride * rowsOfOthers);
    const from = new Int32Array(columns.length);
    const to = new Int32Array(columns.length);
    for (let leaf = 0; leaf < this.leafValue.length; leaf++) {
      const box = this.leafBox[leaf] as Float64Array;
      let extent = 1;
      for (let g = 0; g < columns.length; g++) {
        const c = columns[g] as number;
        const lo = box[2 * c] as number;
        const hi = box[2 * c + 1] as number;
        extent *= hi - lo;
        const e = edges[g] as Float64Array;
        from[g] = indexOf(e, lo);
        to[g] = indexOf(e, hi);
      }
      const w = (this.leafVolume[leaf] as number) / extent;
      const wv = w * (this.leafValue[leaf] as number);
      // Every combination of the other columns' covered segments.
      const cursor = Int32Array.from(from);
      for (;;) {
        let row = 0;
        for (let g = columns.length - 1; g >= 1; g--) row = row * (counts[g] as number) + (cursor[g] as number);
        const base = row * stride;
        add(sumW, base + (from[0] as number), w);
        add(sumW, base + (to[0] as number), -w);
        add(sumWV, base + (from[0] as number), wv);
        add(sumWV, base + (to[0] as number), -wv);
        let g = 1;
        while (g < columns.length) {
          cursor[g] = (cursor[g] as number) + 1;
          if ((cursor[g] as number) < (to[g] as number)) break;
          cursor[g] = from[g] as number;
          g++;
        }
        if (g >= columns.length) break;
      }
    }
    const values: number[] = [];
    const weights: number[] = [];
    const index = new Int32Array(columns.length);
    for (let row = 0; row < rowsOfOthers; row++) {
      // This row's cell sizes on the other columns.
      let rest = row;
      let size = 1;
      for (let g = 1; g < columns.length; g++) {
        const k = counts[g] as number;
        index[g] = rest % k;
        rest = Math.floor(rest / k);
        const e = edges[g] as Float64Array;
        size *= (e[(index[g] as number) + 1] as number) - (e[index[g] as number] as number);
      }
      let w = 0;
      let wv = 0;
      const e0 = edges[0] as Float64Array;
      for (let i = 0; i < (counts[0] as number); i++) {
        w += sumW[row * stride + i] as number;
        wv += sumWV[row * stride + i] as number;
        const cellSize = size * ((e0[i + 1] as number) - (e0[i] as number));
        if (w <= 0 || cellSize <= 0) continue;
        values.push(wv / w);
        weights.push(w * cellSize);
      }
    }
    return Math.max(0, weightedVariance(values, weights));
  }
}

function add(array: Float64Array, index: number, amount: number): void {
  array[index] = (array[index] as number) + amount;
}

/** The index of `value` in sorted `edges` (it is one of them: a bound or a split threshold). */
function indexOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function weightedVariance(values: readonly number[], weights: readonly number[]): number {
  let w = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    w += weights[i] as number;
    s += (weights[i] as number) * (values[i] as number);
  }
  if (w <= 0) return 0;
  const mean = s / w;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (weights[i] as number) * ((values[i] as number) - mean) ** 2;
  return v / w;
}
