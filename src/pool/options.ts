import { type AssetOptions, trialAssets } from './assets.js';
import { BACKEND_CHAIN, isBackendName, type BackendRequest } from '../backend/names.js';
import type { CalibrationResult, PoolSizeReport } from '../backend/report.js';
import { poolSize } from './device-limits.js';
import type { PoolWorker } from './pool-worker.js';
import type { TrialAssets } from './protocol.js';
import type { UserDataSource } from './user-data.js';
import { DEFAULT_MAX_CRASH_RETRIES } from './quarantine.js';

export interface WorkerPoolOptions {
  /** Workers wanted; clamped to what the device holds (see `sizeReport`). */
  readonly size: number;
  /** Backend to train on, or 'auto' to measure each trial definition once. Default 'auto'. */
  readonly backend?: BackendRequest;
  /** A worker is replaced after this many trials (default 20), bounding slow leaks. */
  readonly recycleAfterTrials?: number;
  /**
   * ...but not before it has lived this long (default 30 s). A worker's start (TF.js, backend,
   * datasets) costs about half a second of CPU: recycling every 20 trials of a sweep whose trials
   * take milliseconds would spend most of the sweep starting workers (measured: 20 ms per trivial
   * trial), while a leak that matters builds up over minutes. Memory growth still recycles at once.
   */
  readonly recycleMinLifetimeMs?: number;
  /** How long a cancelled trial may take to stop before its worker is terminated (default 3000). */
  readonly cancelGraceMs?: number;
  /** A worker holding more GPU memory than this after a trial is replaced (default 256 MiB). */
  readonly maxGpuBytesGrowth?: number;
  /** Tensors a worker may hold above its first baseline after cleanup before it is replaced (default 0). */
  readonly maxTensorGrowth?: number;
  /** Where the worker, TF.js's binaries and the data sets are served from (src/pool/assets.ts). */
  readonly assets?: AssetOptions;
  /** Creates a worker; defaults to the bundled `workers/trial-worker.ts`. */
  readonly workerFactory?: () => PoolWorker;
  /**
   * Where the default workers start. 'sandbox' (the default): in the opaque-origin sandbox frame
   * (src/pool/sandbox), where trial code cannot reach the app's storage, locks, channels or page,
   * and running out of memory ends only the sandbox's process, never the page: the trials that
   * died with it are re-run alone until the one that ends its process alone is found, and only
   * that one fails (`maxCrashRetries`). Its workers start from a data: URL, a secure context, so
   * WebGPU is offered there as in the page. 'page': plain workers of the page's origin, for code
   * the app trusts (its built-in models).
   */
  readonly isolation?: 'sandbox' | 'page';
  /**
   * How often one trial is re-run after its sandbox process died while other trials ran beside
   * it (default 2; src/pool/quarantine.ts). A trial whose process dies while it runs alone fails
   * at once; one that dies beside others once more than this fails too, so a crash that is no
   * trial's fault cannot re-run trials for ever. 0 fails every trial of a dead process.
   */
  readonly maxCrashRetries?: number;
  /** Overrides `navigator.hardwareConcurrency` when sizing the pool. */
  readonly hardwareConcurrency?: number;
  /** How often workers flush buffered metrics (default 75 ms). */
  readonly flushMs?: number;
  /** How long a new worker may take to load and answer (default 60 s). */
  readonly startTimeoutMs?: number;
  /**
   * A busy worker that neither reports nor answers a ping for this long is taken for hung (an
   * infinite loop, a step that never returns) and replaced; its run fails. Default 5 minutes:
   * a worker is silent while one `fit` epoch runs, and big epochs are legitimately long.
   */
  readonly watchdogMs?: number;
  /**
   * Calibrations measured before (by an earlier pool, page or CLI run), so 'auto' need not time
   * every backend again; keyed by trial and candidate backends, the cache adds what else must
   * match (the browser's version).
   */
  readonly calibrationCache?: CalibrationCache;
  /**
   * A trial that has logged no metric and stored no checkpoint for this long, though its worker
   * still answers, is taken for stuck (a training function awaiting something that never comes)
   * and fails; its worker is replaced. Default 30 minutes: without it such a trial would hold its
   * slot until the sweep's own time limit (7 days by default).
   */
  readonly silentTrialMs?: number;
  /**
   * The stored datasets trials ask for with `env.datasets.user(id)` (the page reads and prepares
   * them; see src/browser/user-data.ts). Absent: such a request fails the trial, saying so.
   */
  readonly userData?: UserDataSource;
  readonly calibration?: {
    readonly steps?: number;
    readonly maxMsPerBackend?: number;
    /** Past this, calibration is abandoned and the fallback chain decides (default 120 s). */
    readonly timeoutMs?: number;
  };
}

export interface CalibrationCache {
  /** What was measured before for `key`, as the worker reported it; null when nothing was. */
  get(key: string): Promise<unknown>;
  set(key: string, result: CalibrationResult): Promise<void>;
}

/** The limits the pool's parts work to, every one checked and defaulted. */
export interface PoolSettings {
  readonly recycleAfterTrials: number;
  readonly recycleMinLifetimeMs: number;
  readonly cancelGraceMs: number;
  readonly maxGpuBytesGrowth: number;
  readonly maxTensorGrowth: number;
  readonly flushMs: number;
  readonly startTimeoutMs: number;
  readonly watchdogMs: number;
  readonly assets: TrialAssets;
  readonly silentTrialMs: number;
  readonly userData: UserDataSource | undefined;
  readonly maxCrashRetries: number;
}

export interface CalibrationSettings {
  readonly steps: number;
  readonly maxMsPerBackend: number;
  readonly timeoutMs: number;
}

export interface ResolvedOptions {
  readonly backend: BackendRequest;
  readonly sizeReport: PoolSizeReport;
  readonly settings: PoolSettings;
  readonly calibration: CalibrationSettings;
}

const DEFAULTS = {
  backend: 'auto' as BackendRequest,
  recycleAfterTrials: 20,
  recycleMinLifetimeMs: 30_000,
  cancelGraceMs: 3_000,
  maxGpuBytesGrowth: 256 * 1024 * 1024,
  maxTensorGrowth: 0,
  flushMs: 75,
  startTimeoutMs: 60_000,
  watchdogMs: 300_000,
  silentTrialMs: 1_800_000,
  maxCrashRetries: DEFAULT_MAX_CRASH_RETRIES,
  calibrationSteps: 5,
  calibrationMaxMsPerBackend: 1_500,
  calibrationTimeoutMs: 120_000,
};

/** Checks the caller's options (throwing a RangeError on the first bad one) and fills in defaults. */
export function resolveOptions(options: WorkerPoolOptions): ResolvedOptions {
  const backend = options.backend ?? DEFAULTS.backend;
  if (backend !== 'auto' && !isBackendName(backend)) {
    throw new RangeError(
      `backend must be 'auto' or one of ${BACKEND_CHAIN.join(', ')} (got ${JSON.stringify(backend)})`,
    );
  }
  const hardwareConcurrency =
    options.hardwareConcurrency ?? (typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency);
  const sizeReport = poolSize(options.size, backend, hardwareConcurrency);
  const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min)
      throw new RangeError(`${name} must be a number >= ${min} (got ${value})`);
    return value;
  };
  const settings: PoolSettings = {
    recycleAfterTrials: Math.floor(
      positive('recycleAfterTrials', options.recycleAfterTrials, DEFAULTS.recycleAfterTrials),
    ),
    recycleMinLifetimeMs: positive(
      'recycleMinLifetimeMs',
      options.recycleMinLifetimeMs,
      DEFAULTS.recycleMinLifetimeMs,
      0,
    ),
    cancelGraceMs: positive('cancelGraceMs', options.cancelGraceMs, DEFAULTS.cancelGraceMs, 0),
    maxGpuBytesGrowth: positive('maxGpuBytesGrowth', options.maxGpuBytesGrowth, DEFAULTS.maxGpuBytesGrowth, 0),
    maxTensorGrowth: positive('maxTensorGrowth', options.maxTensorGrowth, DEFAULTS.maxTensorGrowth, 0),
    flushMs: positive('flushMs', options.flushMs, DEFAULTS.flushMs, 10),
    startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs, DEFAULTS.startTimeoutMs),
    watchdogMs: positive('watchdogMs', options.watchdogMs, DEFAULTS.watchdogMs, 100),
    assets: trialAssets(options.assets),
    silentTrialMs: positive('silentTrialMs', options.silentTrialMs, DEFAULTS.silentTrialMs, 100),
    userData: options.userData,
    maxCrashRetries: Math.floor(positive('maxCrashRetries', options.maxCrashRetries, DEFAULTS.maxCrashRetries, 0)),
  };
  const calibration: CalibrationSettings = {
    steps: Math.floor(positive('calibration.steps', options.calibration?.steps, DEFAULTS.calibrationSteps)),
    maxMsPerBackend: positive(
      'calibration.maxMsPerBackend',
      options.calibration?.maxMsPerBackend,
      DEFAULTS.calibrationMaxMsPerBackend,
      0,
    ),
    timeoutMs: positive('calibration.timeoutMs', options.calibration?.timeoutMs, DEFAULTS.calibrationTimeoutMs),
  };
  return { backend, sizeReport, settings, calibration };
}
