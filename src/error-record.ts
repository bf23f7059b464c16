import type { Infer } from './validate/index.js';
import * as schema from './validate/schema.js';

/**
 * What is kept of a thrown error: it crosses to workers and back and into the store, where an
 * Error object would not survive. Beside the errors so that the store, the runners and the pool
 * all take it from here rather than from each other.
 */
export const errorRecord = schema.object('an error', { message: schema.message, stack: schema.nullable(schema.stack) });
export type ErrorRecord = Infer<typeof errorRecord>;

/** Keeps message and stack of whatever was thrown, including non-Error values. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (error instanceof Error) {
    return { message: `${error.name}: ${error.message}`, stack: error.stack ?? null };
  }
  return { message: `thrown value: ${String(error)}`, stack: null };
}
