import {
  SWEEP_DOCUMENT_LIMITS,
  type PoolDiagnostic,
  type SweepPool,
  MAX_BACKEND_CALIBRATIONS,
  MAX_BACKEND_NOTES,
  type BackendCalibrationRecord,
  type BackendNoteRecord,
  type SweepBackendReport,
} from '../engine.js';

const MAX_TEXT: number = SWEEP_DOCUMENT_LIMITS.maxTextFieldLength;
/** `module:` and a module URL. */
const MAX_TRIAL_LENGTH = SWEEP_DOCUMENT_LIMITS.maxUrlLength + 'module:'.length;

/**
 * A worker pool's backend report as the data a sweep record keeps: the pool size and why it was
 * clamped, each 'auto' calibration with its figures, and the notes that say why runs trained
 * where they did. `previous` is the report stored by an earlier page that ran the sweep (it was
 * interrupted and is being continued): its calibrations and notes are kept ahead of this pool's.
 */
export function backendReportOf(
  pool: SweepPool,
  previous: SweepBackendReport | undefined,
  now: number,
): SweepBackendReport {
  const calibrations: BackendCalibrationRecord[] = pool.calibrations().map((c) => ({
    trial: clean(c.trial, MAX_TRIAL_LENGTH, false),
    workload: clean(c.workload),
    chosen: c.chosen,
    reason: clean(c.reason),
    failure: c.failure === null ? null : clean(c.failure),
    totalMs: c.totalMs,
    candidates: c.candidates.map((m) => ({
      backend: m.backend,
      available: m.available,
      canTrain: m.canTrain,
      warmupMs: m.warmupMs,
      stepMs: m.stepMs,
      steps: m.steps,
      error: m.error === null ? null : clean(m.error),
      adapter:
        m.adapter === null
          ? null
          : {
              vendor: clean(m.adapter.vendor, MAX_TEXT, false),
              architecture: clean(m.adapter.architecture, MAX_TEXT, false),
              description: clean(m.adapter.description, MAX_TEXT, false),
            },
    })),
  }));
  const notes: BackendNoteRecord[] = pool
    .diagnostics()
    .filter(isBackendNote)
    .map((d) => ({ time: d.time, runId: d.runId, message: clean(d.message) }));
  const size = pool.sizeReport;
  return {
    requested: pool.backend,
    pool: {
      requested: size.requested,
      size: size.size,
      deviceLimit: size.deviceLimit,
      clampedBecause: size.clampedBecause === null ? null : clean(size.clampedBecause),
    },
    calibrations: [...(previous?.calibrations ?? []), ...calibrations].slice(-MAX_BACKEND_CALIBRATIONS),
    notes: [...(previous?.notes ?? []), ...notes].slice(-MAX_BACKEND_NOTES),
    updatedAt: now,
  };
}

/**
 * Text from a worker (which runs user code) as a sweep document can carry it: without control
 * characters, on one line where asked, cut to length. A stored report then always exports and
 * imports again.
 */
function clean(text: string, max = MAX_TEXT, multiline = true): string {
  const pattern = multiline ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g : /[\u0000-\u001f\u007f]/g;
  const cleaned = text.replace(pattern, ' ');
  return cleaned.length <= max ? cleaned : `${cleaned.slice(0, max - 1)}…`;
}

/**
 * What explains a backend: a worker skipping backends or losing its GPU ('backend'), and the
 * pool's own warnings (a clamped size, a failed calibration). A trial's warnings name a run and
 * are about the trial, not the backend.
 */
export function isBackendNote(d: PoolDiagnostic): boolean {
  return d.kind === 'backend' || (d.kind === 'warning' && d.runId === null);
}

/** Whether a pool diagnostic may change the report (so that it is worth writing again). */
export function changesBackendReport(d: PoolDiagnostic): boolean {
  return d.kind === 'calibrated' || isBackendNote(d);
}
