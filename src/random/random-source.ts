/**
 * The only source of randomness the engine uses. Injected so that a sweep can be replayed
 * exactly from a seed, and so tests are deterministic.
 */
export interface RandomSource {
  /** A uniform draw in [0, 1). */
  next(): number;
}
