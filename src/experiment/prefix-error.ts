import type { ErrorRecord } from '../store/records.js';
import { toErrorRecord } from '../trial-runner/in-process-runner.js';

/** An error as stored, its message led by what the sweep was doing when it was thrown. */
export function prefixError(prefix: string, error: unknown): ErrorRecord {
  const record = toErrorRecord(error);
  return { message: `${prefix}: ${record.message}`, stack: record.stack };
}
