export * from './config.js';
export * from './did-you-mean.js';
export * from './paths.js';
export * from './readers.js';
// Schemas are used qualified (`schema.object`), so their short names stay out of this list.
export type { Infer, LeafReaders, Read, Schema, Same } from './schema.js';
