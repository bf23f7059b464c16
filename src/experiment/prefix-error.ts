import type { ErrorRecord } from '../error-record.js';
import { toErrorRecord } from '../error-record.js';

/** An error as stored, its message led by what the sweep was doing when it was thrown. */
export function prefixError(prefix: string, error: unknown): ErrorRecord {
  const record = toErrorRecord(error);
  return { message: `${prefix}: ${record.message}`, stack: record.stack };
}
