export type { Store } from './store.js';
export { MemoryStore } from './memory-store.js';
export * from './records.js';
