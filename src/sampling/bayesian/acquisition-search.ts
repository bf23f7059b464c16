import type { RandomSource } from '../../random/random-source.js';
import { decodePoint } from '../../space/decode.js';
import type { ParamSet } from '../../space/expression.js';
import type { SearchSpace } from '../../space/search-space.js';
import type { SpaceEncoding } from './encoding.js';

/** One point the search looked at: where it is in the cube, what it decodes to, its score. */
export interface Candidate {
  readonly point: readonly number[];
  readonly params: ParamSet;
  readonly features: Float64Array;
  readonly score: number;
}

export interface AcquisitionSearchOptions {
  readonly space: SearchSpace;
  readonly encoding: SpaceEncoding;
  /** The acquisition value of a feature vector; larger is better. */
  readonly score: (features: Float64Array) => number;
  /** Features of the best observations: the optimum of the acquisition is often near them. */
  readonly anchors: readonly Float64Array[];
  readonly random: RandomSource;
  readonly budget: AcquisitionBudget;
}

export interface AcquisitionBudget {
  /** Uniform points over the whole cube. */
  readonly global: number;
  /** Perturbations around each anchor. */
  readonly perAnchor: number;
  /** How many of the best distinct points are refined by local search. */
  readonly refineStarts: number;
  /** Rounds of local search per start, and perturbations tried per round. */
  readonly refineRounds: number;
  readonly refineBatch: number;
}

const ANCHOR_SCALES = [0.2, 0.05, 0.01] as const;
const REFINE_INITIAL_SCALE = 0.1;
const REFINE_MIN_SCALE = 1e-3;

/**
 * Maximises an acquisition function over the search space, derivative-free: a global scatter
 * of uniform points, perturbations around the best observations, then multi-start local search
 * (perturb, keep improvements, halve the step when none) from the best few distinct points.
 *
 * The search moves in the unit cube and scores each point by what it decodes to, so a
 * quantised or discrete parameter is scored at the value that would really be trained, and
 * every candidate went through `decodePoint`, the one formula per expression (semantics §2).
 * Returns every candidate seen, best first.
 */
export function searchAcquisition(options: AcquisitionSearchOptions): Candidate[] {
  const { space, encoding, random, budget } = options;
  const size = encoding.size;
  const seen: Candidate[] = [];
  const evaluate = (point: number[]): Candidate | null => {
    const params = decodePoint(space, point);
    const features = encoding.encode(params);
    if (features === null) return null;
    const value = options.score(features);
    const candidate: Candidate = {
      point,
      params,
      features,
      score: Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value,
    };
    seen.push(candidate);
    return candidate;
  };

  for (let i = 0; i < budget.global; i += 1) {
    evaluate(Array.from({ length: size }, () => random.next()));
  }
  for (const anchor of options.anchors) {
    const centre = encoding.toUnitCube(anchor, () => random.next());
    for (let i = 0; i < budget.perAnchor; i += 1) {
      evaluate(perturb(centre, ANCHOR_SCALES[i % ANCHOR_SCALES.length] as number, encoding, random));
    }
  }

  const starts = distinctBest(seen, budget.refineStarts);
  for (const start of starts) {
    let current = start;
    let scale = REFINE_INITIAL_SCALE;
    for (let round = 0; round < budget.refineRounds && scale >= REFINE_MIN_SCALE; round += 1) {
      let best: Candidate | null = null;
      for (let i = 0; i < budget.refineBatch; i += 1) {
        const candidate = evaluate(perturb(current.point, scale, encoding, random));
        if (candidate !== null && (best === null || candidate.score > best.score)) best = candidate;
      }
      if (best !== null && best.score > current.score) current = best;
      else scale /= 2;
    }
  }
  return seen.sort((a, b) => b.score - a.score);
}

/**
 * A nearby point: a few coordinates moved by a Gaussian step of `scale` (reflected at the
 * faces of the cube), a categorical one redrawn with a probability that grows with the scale.
 * Moving few coordinates at a time is what lets the search improve one parameter without
 * spoiling the others, which matters more as the dimension grows.
 */
function perturb(point: readonly number[], scale: number, encoding: SpaceEncoding, random: RandomSource): number[] {
  const size = point.length;
  const out = point.slice();
  if (size === 0) return out;
  const probability = Math.min(1, 3 / size);
  let moved = false;
  for (let j = 0; j < size; j += 1) {
    if (random.next() >= probability) continue;
    moved = true;
    out[j] = move(out[j] as number, j, scale, encoding, random);
  }
  if (!moved) {
    const j = Math.min(Math.floor(random.next() * size), size - 1);
    out[j] = move(out[j] as number, j, scale, encoding, random);
  }
  return out;
}

function move(value: number, index: number, scale: number, encoding: SpaceEncoding, random: RandomSource): number {
  const dimension = encoding.dimensions[index];
  if (dimension?.kind === 'categorical') {
    return random.next() < Math.min(1, 0.2 + 2 * scale) ? random.next() : value;
  }
  return reflect(value + scale * gaussian(random));
}

function reflect(x: number): number {
  let y = x;
  for (let i = 0; i < 4 && (y < 0 || y > 1); i += 1) y = y < 0 ? -y : 2 - y;
  return Math.min(Math.max(y, 0), 1);
}

/** A standard normal draw (Box-Muller; one of the pair is dropped for simplicity). */
function gaussian(random: RandomSource): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The `count` best candidates whose decoded configurations differ (by feature vector). */
function distinctBest(candidates: readonly Candidate[], count: number): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const chosen: Candidate[] = [];
  const keys = new Set<string>();
  for (const candidate of sorted) {
    if (chosen.length >= count) break;
    const key = Array.from(candidate.features, (f) => (Number.isNaN(f) ? 'x' : f.toPrecision(6))).join(',');
    if (keys.has(key)) continue;
    keys.add(key);
    chosen.push(candidate);
  }
  return chosen;
}
