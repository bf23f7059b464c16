import * as tf from '@tensorflow/tfjs';
import * as Comlink from 'comlink';
import { loadedDatasets } from '../src/datasets/cache.js';
import { loadDigitsSplit, useDigitsUrl } from '../src/datasets/digits.js';
import { loadSpiralSplit } from '../src/datasets/spiral.js';
import { classifierWorkload } from '../src/examples/common.js';
import type { PreparedData } from '../src/data/index.js';
import type { CalibrationWorkload, TrialEnv, TrialModule } from '../src/examples/env.js';
import { loadBuiltinModule } from '../src/examples/registry.js';
import { restoreModel } from '../src/examples/restore.js';
import { serializeModelInScope } from '../src/examples/serialize.js';
import type { BackendName } from '../src/backend/names.js';
import type { AdapterSummary, CalibrationResult, CandidateMeasurement } from '../src/backend/report.js';
import {
  PROTOCOL_VERSION,
  readBatchReply,
  type CalibrationBudget,
  type CheckpointSink,
  type HygieneReport,
  type TrialResult,
  type TrialWorkerApi,
  type UserDataSink,
  type WireTrial,
  type WireTrialRequest,
  type WorkerHello,
  type WorkerInit,
  type WorkerNotice,
  type WorkerStatus,
} from '../src/pool/protocol.js';
import { createRunContext } from '../src/run-logger/run-context.js';
import { RunCanceledError } from '../src/run-logger/run.js';
import { CONTINUE, type Verdict } from '../src/run-logger/verdicts.js';
import { toErrorRecord } from '../src/error-record.js';
import type { ErrorRecord } from '../src/error-record.js';
import {
  currentBackend,
  hasOffscreenCanvas,
  hasWebGpu,
  memorySnapshot,
  onDeviceLost,
  trySetBackend,
  useBackend,
  useWasmPaths,
  webgpuAdapter,
} from './backends.js';
import { EventBatcher } from './event-batcher.js';
import { EventPort } from './event-port.js';

type TrialCore =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly error: ErrorRecord; readonly unhealthy: string | null }
  | { readonly kind: 'canceled'; readonly reason: string };

interface ActiveTrial {
  readonly runId: string;
  readonly controller: AbortController;
  readonly fail: (error: Error) => void;
}

class WorkerUnhealthyError extends Error {
  override readonly name = 'WorkerUnhealthyError';
}

/** The shipped datasets; `user` is the trial's own (see `TrialWorkerRuntime.userDataset`). */
const shipped = { digits: () => loadDigitsSplit(), spiral: () => loadSpiralSplit() } as const;

/** Outside a trial (calibration) there is no page to ask: calibration workloads use synthetic data. */
const calibrationDatasets: TrialEnv['datasets'] = {
  ...shipped,
  user: () =>
    Promise.reject(
      new Error('env.datasets.user is not available during calibration: time the model on synthetic data'),
    ),
};

/**
 * Everything a trial worker does, behind the API the pool calls through comlink: backend
 * choice and calibration, loading the training function, running one trial at a time with
 * batched metrics and cooperative cancellation, and per-trial tensor hygiene.
 */
export class TrialWorkerRuntime implements TrialWorkerApi {
  private workerId = -1;
  private flushMs = 75;
  private notify: ((notice: WorkerNotice) => unknown) | null = null;
  private active: ActiveTrial | null = null;
  private unhealthy: string | null = null;
  private trials = 0;
  private readonly modules = new Map<string, Promise<TrialModule>>();
  /**
   * Prepared user datasets by sweep and id ('' for the sweep's binding): the page prepares once
   * per sweep, and each worker asks once, then keeps the arrays for its later trials. Successes
   * only: a dataset the person stores again after a failure is asked for afresh.
   */
  private readonly userData = new Map<string, Promise<PreparedData>>();

  constructor() {
    onDeviceLost((reason) => this.markUnhealthy(reason));
  }

  async hello(init: WorkerInit, notify?: (notice: WorkerNotice) => unknown): Promise<WorkerHello> {
    this.workerId = init.workerId;
    this.flushMs = Math.min(1_000, Math.max(10, init.flushMs));
    this.notify = notify ?? null;
    if (init.assets !== undefined) {
      // Where the page says its files are: see src/pool/assets.ts.
      useDigitsUrl(init.assets.digits);
      if (init.assets.wasm !== null) useWasmPaths(init.assets.wasm);
    }
    const lockHeld = init.lockName === null ? false : await holdLockForLife(init.lockName);
    return { protocol: PROTOCOL_VERSION, lockHeld, webgpu: hasWebGpu(), offscreenCanvas: hasOffscreenCanvas() };
  }

  cancel(runId: string, reason: string): void {
    if (this.active?.runId === runId && !this.active.controller.signal.aborted) this.active.controller.abort(reason);
  }

  async status(): Promise<WorkerStatus> {
    return {
      workerId: this.workerId,
      backend: currentBackend(),
      unhealthy: this.unhealthy,
      busy: this.active !== null,
      trials: this.trials,
      memory: memorySnapshot(),
      adapter: currentBackend() === 'webgpu' ? await webgpuAdapter() : null,
      datasets: loadedDatasets(),
    };
  }

  async runTrial(
    request: WireTrialRequest,
    events: MessagePort,
    checkpoint?: CheckpointSink,
    userData?: UserDataSink,
  ): Promise<TrialResult> {
    const port = new EventPort(events);
    if (this.active !== null) {
      port.close();
      return failure(new Error(`worker ${this.workerId} is already running ${this.active.runId}`), null, null);
    }
    if (this.unhealthy !== null) {
      port.close();
      return failure(new WorkerUnhealthyError(this.unhealthy), null, this.unhealthy);
    }
    const controller = new AbortController();
    let fail: (error: Error) => void = () => {};
    // Settles only by rejecting: raced against the trial so a lost device ends it at once.
    const fatal = new Promise<never>((_, reject) => {
      fail = reject;
    });
    fatal.catch(() => {});
    this.active = { runId: request.runId, controller, fail };
    const batcher = new EventBatcher(port.send, this.flushMs);
    const hygiene = new TensorHygiene();
    let result: TrialCore;

    try {
      const { backend, notes } = await Promise.race([useBackend(request.backend), fatal]);
      const module = await Promise.race([this.loadModule(request.trial), fatal]);
      const adapter: AdapterSummary | null = backend === 'webgpu' ? await webgpuAdapter() : null;
      hygiene.begin();
      batcher.push({ kind: 'started', time: Date.now(), backend, notes, adapter });
      batcher.flush();
      const run = createRunContext({
        id: request.runId,
        params: request.params,
        signal: controller.signal,
        emit: (name, value) => batcher.push({ kind: 'metric', name, value, time: Date.now() }),
        verdicts:
          request.verdicts === undefined || request.verdicts === null
            ? null
            : {
                plan: request.verdicts,
                // The report goes out now; the pool's reply to its batch is the verdict.
                ask: async (): Promise<Verdict> => {
                  const { stop } = readBatchReply(await batcher.flush());
                  if (stop === null) return CONTINUE;
                  // The cancel message may still be on its way: the verdict is enough.
                  if (!controller.signal.aborted) controller.abort(stop);
                  return { kind: 'stop', reason: stop };
                },
              },
        resumeFrom: request.resumeFrom,
        serializeModel: serializeModelInScope,
        checkpoint:
          checkpoint === undefined || !request.checkpoints
            ? undefined
            : async (data) => {
                // Metrics travel on another channel: let them land first, so the stored
                // checkpoint's interval count covers everything logged before it.
                await batcher.drain();
                await checkpoint(Comlink.transfer(data, Object.values(data.artifacts)));
              },
      });
      const datasets: TrialEnv['datasets'] = {
        ...shipped,
        user: (id?: string) => this.userDataset(request.sweepId, id, userData),
      };
      const env: TrialEnv = { tf, backend, datasets, restoreModel };
      if (controller.signal.aborted) throw new RunCanceledError(reasonText(controller.signal.reason));
      // A later turn, so a training function that throws synchronously is caught like any other.
      await Promise.race([Promise.resolve().then(() => module.default(request.params, run, env)), fatal]);
      result = controller.signal.aborted
        ? { kind: 'canceled', reason: reasonText(controller.signal.reason) }
        : { kind: 'completed' };
    } catch (error) {
      if (this.unhealthy !== null) {
        result = { kind: 'failed', error: toErrorRecord(error), unhealthy: this.unhealthy };
      } else if (controller.signal.aborted || error instanceof RunCanceledError) {
        result = { kind: 'canceled', reason: reasonText(controller.signal.reason ?? 'canceled') };
      } else {
        result = { kind: 'failed', error: toErrorRecord(error), unhealthy: null };
      }
    }

    // With the device gone, TF.js calls may hang or throw: leave cleanup to the worker's end.
    const report = this.unhealthy === null ? hygiene.end() : null;
    if (report !== null && (report.strayTensorsDisposed > 0 || report.strayVariablesDisposed > 0)) {
      batcher.push({
        kind: 'warning',
        time: Date.now(),
        message:
          `run ${request.runId} left ${report.strayTensorsDisposed} tensor(s) and ${report.strayVariablesDisposed} ` +
          `variable(s) undisposed; the worker disposed them`,
      });
    }
    if (report !== null && report.tensorsAfterCleanup !== report.baselineTensors) {
      batcher.push({
        kind: 'warning',
        time: Date.now(),
        message: `run ${request.runId}: ${report.tensorsAfterCleanup} tensors after cleanup, baseline was ${report.baselineTensors}`,
      });
    }
    this.active = null;
    this.trials += 1;
    await batcher.close();
    port.close();
    return { ...result, hygiene: report };
  }

  async calibrate(
    trial: WireTrial,
    candidates: readonly BackendName[],
    budget: CalibrationBudget,
  ): Promise<CalibrationResult> {
    const started = performance.now();
    const module = await this.loadModule(trial);
    const measurements: CandidateMeasurement[] = [];
    let workloadName = module.calibration === undefined ? 'a representative dense network (64-64-10, batch 32)' : '';
    for (const backend of candidates) {
      const problem = await trySetBackend(backend);
      const adapter = backend === 'webgpu' && problem === null ? await webgpuAdapter() : null;
      if (problem !== null) {
        measurements.push({
          backend,
          available: false,
          canTrain: false,
          warmupMs: null,
          stepMs: null,
          steps: 0,
          error: problem,
          adapter,
        });
        continue;
      }
      let workload: CalibrationWorkload | null = null;
      let warmupMs: number | null = null;
      const times: number[] = [];
      try {
        const env: TrialEnv = { tf, backend, datasets: calibrationDatasets, restoreModel };
        workload = module.calibration?.(env) ?? representativeWorkload();
        if (workloadName === '') workloadName = workload.description;
        const w0 = performance.now();
        // The first step pays for kernel compilation; it is reported but not what decides.
        await workload.step();
        warmupMs = performance.now() - w0;
        const t0 = performance.now();
        while (times.length < budget.steps && (times.length === 0 || performance.now() - t0 < budget.maxMsPerBackend)) {
          const s = performance.now();
          await workload.step();
          times.push(performance.now() - s);
        }
        measurements.push({
          backend,
          available: true,
          canTrain: true,
          warmupMs,
          stepMs: median(times),
          steps: times.length,
          error: null,
          adapter,
        });
      } catch (error) {
        const record = toErrorRecord(error);
        measurements.push({
          backend,
          available: true,
          canTrain: false,
          warmupMs,
          stepMs: null,
          steps: times.length,
          error: record.message,
          adapter,
        });
      } finally {
        try {
          workload?.dispose();
        } catch {
          // A backend that failed mid-step may not dispose cleanly; this worker is thrown away.
        }
      }
    }
    const trainable = measurements.filter((m) => m.canTrain && m.stepMs !== null);
    trainable.sort((a, b) => (a.stepMs ?? Infinity) - (b.stepMs ?? Infinity));
    const best = trainable[0];
    const cannot = measurements
      .filter((m) => m.available && !m.canTrain)
      .map((m) => `${m.backend} cannot train it (${m.error ?? 'error'})`);
    const unavailable = measurements.filter((m) => !m.available).map((m) => `${m.backend} is unavailable`);
    let chosen: BackendName;
    let reason: string;
    if (best === undefined) {
      chosen = measurements.find((m) => m.available)?.backend ?? 'cpu';
      reason = `no backend could train ${workloadName}; falling back to ${chosen}. ${[...cannot, ...unavailable].join('; ')}`;
    } else {
      chosen = best.backend;
      const others = trainable.slice(1).map((m) => `${m.backend} ${formatMs(m.stepMs)}`);
      reason =
        `${best.backend} trained ${workloadName} fastest at ${formatMs(best.stepMs)} per step` +
        (others.length > 0 ? ` (vs ${others.join(', ')})` : '') +
        ([...cannot, ...unavailable].length > 0 ? `; ${[...cannot, ...unavailable].join('; ')}` : '');
    }
    return { workload: workloadName, candidates: measurements, chosen, reason, totalMs: performance.now() - started };
  }

  private userDataset(sweepId: string, id: unknown, ask: UserDataSink | undefined): Promise<PreparedData> {
    if (id !== undefined && typeof id !== 'string') {
      return Promise.reject(
        new TypeError(`env.datasets.user(id): id must be a stored dataset id string or absent (got ${typeof id})`),
      );
    }
    if (ask === undefined) {
      return Promise.reject(new Error('env.datasets.user: this runner hands out no stored datasets'));
    }
    const key = `${sweepId}\n${id ?? ''}`;
    let entry = this.userData.get(key);
    if (entry === undefined) {
      entry = ask({ kind: 'user-data', dataset: id ?? null });
      entry.catch(() => this.userData.delete(key));
      this.userData.set(key, entry);
    }
    return entry;
  }

  private loadModule(trial: WireTrial): Promise<TrialModule> {
    const key = trial.kind === 'builtin' ? `builtin:${trial.name}` : `module:${trial.url}`;
    let entry = this.modules.get(key);
    if (entry === undefined) {
      entry = trial.kind === 'builtin' ? loadBuiltinModule(trial.name) : importTrialModule(trial.url);
      // Keep successes only: a module that failed to load (network, syntax) may be fixed.
      entry.catch(() => this.modules.delete(key));
      this.modules.set(key, entry);
    }
    return entry;
  }

  private markUnhealthy(reason: string): void {
    if (this.unhealthy !== null) return;
    this.unhealthy = reason;
    this.active?.fail(new WorkerUnhealthyError(reason));
    // Through comlink this returns a promise; the pool may be gone, and then there is no one
    // to tell: it would learn from the next trial's result anyway.
    Promise.resolve()
      .then(() => this.notify?.({ kind: 'unhealthy', reason }))
      .catch(() => {});
  }
}

async function importTrialModule(url: string): Promise<TrialModule> {
  const module: unknown = await import(/* @vite-ignore */ /* webpackIgnore: true */ url);
  const train = (module as { default?: unknown }).default;
  if (typeof train !== 'function') {
    throw new TypeError(`training module ${url} must export a default function train(params, run, env)`);
  }
  const calibration = (module as { calibration?: unknown }).calibration;
  if (calibration !== undefined && typeof calibration !== 'function') {
    throw new TypeError(`training module ${url}: the optional export calibration must be a function`);
  }
  return module as TrialModule;
}

function representativeWorkload(): CalibrationWorkload {
  return classifierWorkload(
    'a representative dense network (64-64-10, batch 32)',
    () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [64], units: 64, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      const optimizer = tf.train.adam(0.01);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      return { model, optimizer };
    },
    [64],
    10,
  );
}

/**
 * Tracks what one trial leaves behind. The trial runs inside an engine scope, so tensors it
 * forgot are disposed when the scope ends (`tf.keep` opts one out); variables are not
 * scope-tracked, so new ones are found by name and disposed too.
 */
class TensorHygiene {
  private baseline = 0;
  private variables = new Set<string>();
  private open = false;

  begin(): void {
    this.baseline = tf.memory().numTensors;
    this.variables = new Set(Object.keys(tf.engine().registeredVariables));
    tf.engine().startScope();
    this.open = true;
  }

  end(): HygieneReport | null {
    if (!this.open) return null;
    this.open = false;
    const atEnd = tf.memory().numTensors;
    let strayVariables = 0;
    try {
      tf.engine().endScope();
      for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) {
        if (this.variables.has(name)) continue;
        variable.dispose();
        strayVariables += 1;
      }
    } catch {
      // Reported through the counts below: whatever could not be disposed still shows.
    }
    const afterScope = tf.memory().numTensors;
    const memory = memorySnapshot();
    if (memory === null) return null;
    return {
      baselineTensors: this.baseline,
      tensorsAtEnd: atEnd,
      strayTensorsDisposed: Math.max(0, atEnd - afterScope - strayVariables),
      strayVariablesDisposed: strayVariables,
      tensorsAfterCleanup: afterScope,
      memory,
    };
  }
}

/**
 * Holds a Web Lock until this worker dies. The pool queues for the same lock, so it is granted
 * exactly when the worker is gone, however it went (`self.close()`, a crash, terminate).
 */
function holdLockForLife(name: string): Promise<boolean> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks === undefined) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : new Promise<never>(() => {});
      })
      .catch(() => resolve(false));
  });
}

function failure(error: Error, hygiene: HygieneReport | null, unhealthy: string | null): TrialResult {
  return { kind: 'failed', error: toErrorRecord(error), hygiene, unhealthy };
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'canceled';
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function formatMs(ms: number | null): string {
  return ms === null ? 'n/a' : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}
