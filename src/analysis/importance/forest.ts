import type { RandomSource } from '../../random/index.js';

/**
 * One regression tree, flat: node 0 is the root; `feature[i] < 0` marks a leaf. A sample goes
 * left when its value of `feature[i]` is <= `threshold[i]` (scikit-learn's convention, which
 * Optuna's fANOVA reads).
 */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly nodes: number;
}

export interface TreeOptions {
  readonly maxDepth: number;
}

/** scikit-learn's FEATURE_THRESHOLD: values closer than this are one value, not a split point. */
const FEATURE_THRESHOLD = 1e-7;

/**
 * Fits one tree of a random forest the way scikit-learn's RandomForestRegressor does with
 * Optuna's settings (bootstrap sample of n draws, every feature considered at every node in a
 * random order, squared error, min_samples_split 2, min_samples_leaf 1, split thresholds
 * halfway between neighbouring values). Its random draws are this project's, so trees are
 * not scikit-learn's trees: the same method, not the same numbers.
 */
export function fitTree(
  columns: readonly Float64Array[],
  targets: Float64Array,
  random: RandomSource,
  options: TreeOptions,
): RegressionTree {
  const steps = fitTreeSteps(columns, targets, random, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/** Work units (a sample visited for one feature) between two yields of `fitTreeSteps`. */
const WORK_PER_STEP = 150_000;

/**
 * `fitTree` as bounded steps: yields after about WORK_PER_STEP sample visits, so a page can fit
 * a tree on a thousand runs between frames. Each feature's order is sorted once at the root and
 * split stably at every node (no sorting below the root).
 */
export function* fitTreeSteps(
  columns: readonly Float64Array[],
  targets: Float64Array,
  random: RandomSource,
  options: TreeOptions,
): Generator<void, RegressionTree, void> {
  const n = targets.length;
  const d = columns.length;
  // Bootstrap: each row's weight is how many times it was drawn.
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const drawnAt = Math.floor(random.next() * n);
    weight[drawnAt] = (weight[drawnAt] as number) + 1;
  }
  const drawn: number[] = [];
  for (let i = 0; i < n; i++) if ((weight[i] as number) > 0) drawn.push(i);

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const newNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };

  interface Pending {
    readonly node: number;
    /** Per feature, the node's samples sorted by that feature's value. */
    readonly orders: readonly Uint32Array[];
    readonly depth: number;
  }
  const rootOrders = columns.map((x) => Uint32Array.from(drawn).sort((a, b) => (x[a] as number) - (x[b] as number)));
  const stack: Pending[] = [{ node: newNode(), orders: rootOrders, depth: 0 }];
  const order = Array.from({ length: d }, (_, i) => i);
  const goesLeft = new Uint8Array(n);
  let work = 0;
  while (stack.length > 0) {
    const { node, orders, depth } = stack.pop() as Pending;
    const samples = orders[0] ?? Uint32Array.from(drawn);
    const count = samples.length;
    let w = 0;
    let sum = 0;
    let sumSq = 0;
    for (const i of samples) {
      const wi = weight[i] as number;
      const y = targets[i] as number;
      w += wi;
      sum += wi * y;
      sumSq += wi * y * y;
    }
    const mean = sum / w;
    value[node] = mean;
    const impurity = sumSq / w - mean * mean;
    if (count < 2 || d === 0 || depth >= options.maxDepth || impurity <= 1e-12 * Math.max(1, mean * mean)) continue;

    // Features in a random order; ties keep the first found (scikit-learn's BestSplitter).
    for (let i = d - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    const parentProxy = (sum * sum) / w;
    for (const f of order) {
      const x = columns[f] as Float64Array;
      const sorted = orders[f] as Uint32Array;
      work += count;
      const lo = x[sorted[0] as number] as number;
      const hi = x[sorted[count - 1] as number] as number;
      if (hi <= lo + FEATURE_THRESHOLD) continue;
      let wl = 0;
      let sl = 0;
      for (let k = 0; k < count - 1; k++) {
        const i = sorted[k] as number;
        const wi = weight[i] as number;
        wl += wi;
        sl += wi * (targets[i] as number);
        const xi = x[i] as number;
        const xn = x[sorted[k + 1] as number] as number;
        if (xn <= xi + FEATURE_THRESHOLD) continue;
        const wr = w - wl;
        const sr = sum - sl;
        const proxy = (sl * sl) / wl + (sr * sr) / wr;
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          bestThreshold = xi / 2 + xn / 2;
        }
      }
    }
    if (bestFeature < 0 || bestProxy <= parentProxy + 1e-12 * Math.abs(parentProxy)) continue;
    feature[node] = bestFeature;
    threshold[node] = bestThreshold;
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    const xb = columns[bestFeature] as Float64Array;
    let leftCount = 0;
    for (const i of samples) {
      const isLeft = (xb[i] as number) <= bestThreshold ? 1 : 0;
      goesLeft[i] = isLeft;
      leftCount += isLeft;
    }
    // Each feature's order split stably: both children stay sorted without sorting again.
    const leftOrders: Uint32Array[] = [];
    const rightOrders: Uint32Array[] = [];
    for (const sorted of orders) {
      const lo = new Uint32Array(leftCount);
      const ro = new Uint32Array(count - leftCount);
      let a = 0;
      let b = 0;
      for (const i of sorted) {
        if (goesLeft[i] === 1) lo[a++] = i;
        else ro[b++] = i;
      }
      leftOrders.push(lo);
      rightOrders.push(ro);
    }
    work += count * d;
    stack.push({ node: r, orders: rightOrders, depth: depth + 1 });
    stack.push({ node: l, orders: leftOrders, depth: depth + 1 });
    if (work >= WORK_PER_STEP) {
      work = 0;
      yield;
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    nodes: feature.length,
  };
}

/** The tree's prediction for one point (`point[f]` per feature). */
export function predict(tree: RegressionTree, point: ArrayLike<number>): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const f = tree.feature[node] as number;
    node =
      (point[f] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}
