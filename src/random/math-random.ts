import type { RandomSource } from './random-source.js';

/** The platform's unseeded generator: the default when a sweep asks for no reproducibility. */
export class MathRandom implements RandomSource {
  next(): number {
    return Math.random();
  }
}
