import type { RunRecord, SweepRecord } from '../store/records.js';

/** Which compute backend the sweep used, and why. */
export interface BackendSummary {
  readonly requested: string;
  /** Distinct backends the runs reported, in first-seen order. */
  readonly used: readonly string[];
  /** One line for humans, e.g. `wasm (requested auto: ...)`. */
  readonly summary: string;
  /** The pool's own report (size, clamping, calibration figures). */
  readonly details: unknown;
}

/** What the headless page hands back to the CLI. */
export type HeadlessResult =
  | { readonly kind: 'error'; readonly message: string }
  | {
      readonly kind: 'done';
      readonly sweep: SweepRecord;
      readonly runs: readonly RunRecord[];
      readonly backend: BackendSummary;
      /** The best run's model when asked for (`exportModel`), or why there is none. */
      readonly model: ExportedModelFiles | { readonly error: string } | null;
    };

export interface ExportedModelFiles {
  readonly runId: string;
  readonly json: string;
  readonly weightsFile: string;
  /** The weights, base64: page.evaluate results must be JSON. */
  readonly weightsBase64: string;
  /** `preparation.json` (the data binding's fitted preparation), for a sweep on a dataset; else null. */
  readonly preparation: string | null;
}

export interface HeadlessOptions {
  readonly backend: string | undefined;
  readonly workspace: string | undefined;
  readonly exportModel?: boolean;
  /** Reuse calibrations through the CLI's overdriveCalibration* functions (its on-disk cache). */
  readonly calibrationCache?: boolean;
  /**
   * Where the CLI serves the file the spec's `data.path` names (a URL path on this page's host):
   * the page stores it in its dataset store before the sweep starts.
   */
  readonly dataUrl?: string;
}

export interface HeadlessApi {
  run(spec: unknown, options: HeadlessOptions): Promise<HeadlessResult>;
  cancel(): void;
}

declare global {
  interface Window {
    /** Set by the headless page; driven by `npm run sweep`. */
    overdriveHeadless?: HeadlessApi;
    /** Exposed by the CLI (Playwright) to receive progress. */
    overdriveProgress?: (sweep: SweepRecord, runs: readonly RunRecord[]) => Promise<void>;
    /** Exposed by the CLI: its calibration cache (keyed further by the browser's version). */
    overdriveCalibrationGet?: (key: string) => Promise<unknown>;
    overdriveCalibrationSet?: (key: string, result: unknown) => Promise<void>;
  }
}
