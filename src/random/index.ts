export type { RandomSource } from './random-source.js';
export { SeededRandom } from './seeded-random.js';
export { MathRandom } from './math-random.js';
