export type { Clock } from './clock.js';
export { SystemClock } from './system-clock.js';
export { ManualClock } from './manual-clock.js';
