export type { Store } from './store.js';
export { MemoryStore } from './memory-store.js';
export * from './records.js';
export { IndexedDbStore, DEFAULT_DATABASE_NAME } from './indexeddb-store.js';
export type { IndexedDbStoreOptions, IndexedDbStoreStats } from './indexeddb-store.js';
export { SCHEMA_STEPS, SCHEMA_VERSION } from './idb-schema.js';
export type { UpgradeStep } from './idb-schema.js';
export { checkWorkspaceName, MAX_WORKSPACE_NAME_LENGTH, RESERVED_WORKSPACE_NAMES } from './workspace-name.js';
