import type { SweepRecord } from './records.js';

/**
 * The sweep record a put leaves stored. The orchestrator writes whole sweep records but owns
 * neither the backend report (the worker pool's) nor the name (the person's, set from a page,
 * possibly while the sweep runs): a record put without one keeps the stored one, so a rename
 * is never undone by the next status update.
 */
export function mergeStoredSweep(record: SweepRecord, stored: SweepRecord | undefined): SweepRecord {
  if (stored === undefined) return record;
  let merged = record;
  if (merged.backendReport === undefined && stored.backendReport !== undefined) {
    merged = { ...merged, backendReport: stored.backendReport };
  }
  if (merged.name === undefined && stored.name !== undefined) merged = { ...merged, name: stored.name };
  return merged;
}
