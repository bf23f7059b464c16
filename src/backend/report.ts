import type { BackendName } from './names.js';

/**
 * Why a sweep trained where it did: how the pool was sized and what calibration measured. The
 * pool produces these, the store keeps them with the sweep and the Studio shows them, so they
 * are plain data declared here rather than in the pool's wire protocol.
 */

/** How the pool size came about, so a caller can say when it was clamped. */
export interface PoolSizeReport {
  readonly requested: number;
  readonly size: number;
  /** What this device holds for the requested backend. */
  readonly deviceLimit: number;
  /** Why `size < requested`, in words; null when not clamped. */
  readonly clampedBecause: string | null;
}

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
}

export interface CandidateMeasurement {
  readonly backend: BackendName;
  readonly available: boolean;
  /** False when the backend initialised but could not run a training step of this model. */
  readonly canTrain: boolean;
  /** The first step: shader compilation, kernel set-up and the like. */
  readonly warmupMs: number | null;
  /** Median time of the measured steps after warm-up. */
  readonly stepMs: number | null;
  readonly steps: number;
  readonly error: string | null;
  readonly adapter: AdapterSummary | null;
}

export interface CalibrationResult {
  /** What was trained to measure: the trial's own model, or a representative one. */
  readonly workload: string;
  readonly candidates: readonly CandidateMeasurement[];
  readonly chosen: BackendName;
  readonly reason: string;
  readonly totalMs: number;
}

/** A measurement behind a `backend: 'auto'` decision, for one trial definition. */
export interface CalibrationReport extends CalibrationResult {
  /** `builtin:NAME` or `module:URL`. */
  readonly trial: string;
  /** Set when calibration itself failed and the fallback chain was used instead. */
  readonly failure: string | null;
}
