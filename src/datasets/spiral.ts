import type { RandomSource } from '../random/random-source.js';
import { SeededRandom } from '../random/seeded-random.js';
import { cachedDataset } from './cache.js';

/** A labelled 2-D point set, flat for cheap transfer into tensors. */
export interface PointSet {
  /** x0, y0, x1, y1, ... */
  readonly features: Float32Array;
  /** 0 or 1 per point. */
  readonly labels: Float32Array;
  readonly size: number;
}

/**
 * TensorFlow Playground's two-arm spiral: not linearly separable, so hidden layers and learning
 * rate visibly matter, yet small enough to train in a second.
 */
export function spiral(pointsPerClass: number, noise: number, random: RandomSource): PointSet {
  const size = pointsPerClass * 2;
  const features = new Float32Array(size * 2);
  const labels = new Float32Array(size);
  for (let cls = 0; cls < 2; cls++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const r = (i / pointsPerClass) * 5;
      const t = (1.75 * i * 2 * Math.PI) / pointsPerClass + cls * Math.PI;
      const k = cls * pointsPerClass + i;
      features[2 * k] = r * Math.sin(t) + (random.next() * 2 - 1) * noise;
      features[2 * k + 1] = r * Math.cos(t) + (random.next() * 2 - 1) * noise;
      labels[k] = cls;
    }
  }
  return { features, labels, size };
}

/** Splits deterministically by shuffling indices with `random`. */
export function split(
  set: PointSet,
  validationFraction: number,
  random: RandomSource,
): { train: PointSet; validation: PointSet } {
  const order = Array.from({ length: set.size }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const cut = Math.round(set.size * (1 - validationFraction));
  const take = (indices: number[]): PointSet => {
    const features = new Float32Array(indices.length * 2);
    const labels = new Float32Array(indices.length);
    indices.forEach((src, dst) => {
      features[2 * dst] = set.features[2 * src] as number;
      features[2 * dst + 1] = set.features[2 * src + 1] as number;
      labels[dst] = set.labels[src] as number;
    });
    return { features, labels, size: indices.length };
  };
  return { train: take(order.slice(0, cut)), validation: take(order.slice(cut)) };
}

/** The spiral set every built-in spiral trial uses: 150 points per arm, 25% held out. */
export function spiralSplit(): { train: PointSet; validation: PointSet } {
  return split(spiral(150, 0.15, new SeededRandom('spiral-data')), 0.25, new SeededRandom('spiral-split'));
}

/** `spiralSplit()`, generated once per thread. */
export function loadSpiralSplit(): Promise<{ train: PointSet; validation: PointSet }> {
  return cachedDataset('spiral', () => Promise.resolve(spiralSplit()));
}
