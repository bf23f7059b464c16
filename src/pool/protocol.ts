import { BACKEND_CHAIN, isBackendName, type BackendName, type BackendRequest } from '../backend/names.js';
import type { AdapterSummary, CalibrationResult } from '../backend/report.js';
import { checkArtifacts, checkpointState, type CheckpointData, type ResumePoint } from '../run-logger/checkpoint.js';
import type { VerdictPlan } from '../run-logger/verdicts.js';
import type { ParamSet, ParamValue } from '../space/expression.js';
import type { ErrorRecord } from '../error-record.js';
import type { PreparedData } from '../data/index.js';
import {
  type Boundary,
  COMMON_WORDS,
  NOT_SHOWN,
  checkKnownKeys,
  readArray,
  readBoolean,
  readFinite,
  readInteger,
  readNullable,
  readOneOf,
  readRecord,
  readText,
} from '../validate/index.js';

/**
 * What crosses between the pool (main thread) and a trial worker. The worker API is called
 * through comlink; every value a worker hands back is parsed here before the pool trusts it,
 * because a worker runs user code and may send anything.
 */

// The backend names and reports are the engine's (the store keeps them); re-exported because
// they are part of what crosses the wire.
export { BACKEND_CHAIN, isBackendName, type BackendName, type BackendRequest };
export type {
  AdapterSummary,
  CalibrationReport,
  CalibrationResult,
  CandidateMeasurement,
} from '../backend/report.js';

// 2: a trial's events moved from a comlink proxy to a port of their own (`EventBatchMessage`).
export const PROTOCOL_VERSION = 2;

/** The trial as sent to a worker: functions cannot be cloned, and module URLs are absolute. */
export type WireTrial =
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'module'; readonly url: string };

export interface WorkerInit {
  readonly workerId: number;
  /** A Web Lock the worker holds for its whole life, so the pool sees it die even silently. */
  readonly lockName: string | null;
  /** How often the worker flushes buffered metrics. */
  readonly flushMs: number;
  /** Where the worker finds its data sets and (when moved) TF.js's binaries; see src/pool/assets.ts. */
  readonly assets?: TrialAssets;
}

/** URLs resolved on the page (src/pool/assets.ts) for a worker that may not know its own. */
export interface TrialAssets {
  /** TF.js WebAssembly file name -> URL; null: the worker's bundled paths. */
  readonly wasm: Readonly<Record<string, string>> | null;
  readonly digits: string;
}

export interface WorkerHello {
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly lockHeld: boolean;
  readonly webgpu: boolean;
  readonly offscreenCanvas: boolean;
}

export interface WireTrialRequest {
  readonly sweepId: string;
  readonly runId: string;
  readonly params: ParamSet;
  readonly trial: WireTrial;
  /** Where the worker starts down the fallback chain; 'auto' is resolved by the pool first. */
  readonly backend: BackendName;
  /** The checkpoint a resumed run continues from. */
  readonly resumeFrom: ResumePoint | null;
  /** Whether whoever started the trial stores checkpoints (else `run.canCheckpoint` is false). */
  readonly checkpoints: boolean;
  /** Where the trial waits for the policy's verdict (each batch's reply carries it); null: never. */
  readonly verdicts?: VerdictPlan | null;
}

/** Stores one checkpoint; resolves once it is durable. Called by the worker, answered by the pool. */
export type CheckpointSink = (data: CheckpointData) => Promise<void>;

/**
 * A trial asks the page for a stored dataset (`env.datasets.user(id)`): `dataset` a stored
 * dataset's id, or null for the sweep's own data binding. Sandboxed workers cannot read the
 * page's storage, so the page reads, prepares and answers (see src/pool/user-data.ts).
 */
export interface UserDataRequest {
  readonly kind: 'user-data';
  readonly dataset: string | null;
}

/**
 * Answers a `UserDataRequest` with the prepared arrays (transferred copies). Called by the
 * worker, answered by the pool; typed unknown in, because what a worker sends is parsed first.
 */
export type UserDataSink = (request: UserDataRequest) => Promise<PreparedData>;

export type WorkerEvent =
  | {
      readonly kind: 'started';
      readonly time: number;
      readonly backend: BackendName;
      /** Why backends earlier in the chain were skipped, if any were. */
      readonly notes: readonly string[];
      readonly adapter: AdapterSummary | null;
    }
  | { readonly kind: 'metric'; readonly name: string; readonly value: number; readonly time: number }
  | { readonly kind: 'warning'; readonly message: string; readonly time: number };

/**
 * The pool's answer to a batch, once it delivered it: whether the run has been asked to stop
 * (the policy's verdict on the batch's last report included), and why.
 */
export interface BatchReply {
  readonly stop: string | null;
}

/**
 * Receives event batches in the worker's order; returns (a promise of) a `BatchReply` once the
 * pool took them. Typed unknown: the worker reads the reply with `readBatchReply`.
 */
export type EventSink = (batch: readonly WorkerEvent[]) => unknown;

/**
 * A trial's events travel on a MessagePort of their own, `runTrial`'s `events` argument, not
 * through a comlink proxy: the worker posts each batch as an `EventBatchMessage`, and the pool
 * answers each one with a `BatchReplyMessage` of the same `seq`, posted in the very task in
 * which it delivered the batch and the orchestrator decided on it. A trial waiting for its
 * verdict so waits for one message each way and nothing else: no comlink call ids, proxies or
 * promise chains on either side, and no store write or other promise continuation of the
 * page's task runs before the answer leaves (bench section savings, "verdict round trip").
 */
export interface EventBatchMessage {
  /** 1, 2, 3, … in posting order; the reply carries it back. */
  readonly seq: number;
  readonly events: readonly WorkerEvent[];
}

export interface BatchReplyMessage extends BatchReply {
  readonly seq: number;
}

/** Reads a batch reply; anything else (an older pool's `undefined`) reads as "go on". */
export function readBatchReply(value: unknown): BatchReply {
  if (typeof value !== 'object' || value === null) return { stop: null };
  const stop = (value as Record<string, unknown>)['stop'];
  return { stop: typeof stop === 'string' ? stop : null };
}

export interface MemorySnapshot {
  readonly backend: BackendName | null;
  readonly numTensors: number;
  readonly numBytes: number;
  /** Bytes the backend holds on the GPU (allocated, pooled buffers included); null off-GPU. */
  readonly gpuBytes: number | null;
}

/** Per-trial tensor accounting: what the trial left behind and what the worker cleaned up. */
export interface HygieneReport {
  readonly baselineTensors: number;
  readonly tensorsAtEnd: number;
  readonly strayTensorsDisposed: number;
  readonly strayVariablesDisposed: number;
  readonly tensorsAfterCleanup: number;
  readonly memory: MemorySnapshot;
}

export type TrialResult =
  | { readonly kind: 'completed'; readonly hygiene: HygieneReport | null }
  | {
      readonly kind: 'failed';
      readonly error: ErrorRecord;
      readonly hygiene: HygieneReport | null;
      /** Set when the worker cannot be trusted with another trial (e.g. its GPU device was lost). */
      readonly unhealthy: string | null;
    }
  | { readonly kind: 'canceled'; readonly reason: string; readonly hygiene: HygieneReport | null };

export interface CalibrationBudget {
  readonly steps: number;
  readonly maxMsPerBackend: number;
}

export interface WorkerStatus {
  readonly workerId: number;
  readonly backend: BackendName | null;
  readonly unhealthy: string | null;
  readonly busy: boolean;
  readonly trials: number;
  readonly memory: MemorySnapshot | null;
  readonly adapter: AdapterSummary | null;
  /** Datasets this worker has loaded and cached. */
  readonly datasets: readonly string[];
}

/** Out-of-trial news from a worker, e.g. that its GPU device went away while it was idle. */
export type WorkerNotice = { readonly kind: 'unhealthy'; readonly reason: string };

/** The API a trial worker exposes through comlink. */
export interface TrialWorkerApi {
  hello(init: WorkerInit, notify?: (notice: WorkerNotice) => unknown): Promise<WorkerHello>;
  calibrate(
    trial: WireTrial,
    candidates: readonly BackendName[],
    budget: CalibrationBudget,
  ): Promise<CalibrationResult>;
  /** `events`: the trial's event port (`EventBatchMessage`), transferred with the call. */
  runTrial(
    request: WireTrialRequest,
    events: MessagePort,
    checkpoint?: CheckpointSink,
    userData?: UserDataSink,
  ): Promise<TrialResult>;
  cancel(runId: string, reason: string): void;
  status(): Promise<WorkerStatus>;
}

// ---------------------------------------------------------------------------------------------
// Parsing what a worker sends back.

/** A worker sent something outside the protocol. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const MAX_BATCH = 10_000;
const MAX_TEXT = 10_000;
const MAX_NAME = 256;

/**
 * The validation kit bound for worker messages: failures are ProtocolErrors worded
 * `path rule (got kind)`, and a value refused for its size is not shown at all.
 */
const WIRE: Boundary = {
  fail: (field, rule, value) =>
    new ProtocolError(value === NOT_SHOWN ? `${field} ${rule}` : `${field} ${rule} (got ${kindOf(value)})`),
  words: {
    ...COMMON_WORDS,
    boolean: 'must be a boolean',
    integer: (min) => (min === 0 ? 'must be a non-negative integer' : `must be an integer >= ${min}`),
    oneOf: (allowed) => `must be one of ${allowed.join(', ')}`,
    tooLong: (max) => `is longer than ${max} characters`,
    tooMany: (max) => `has more than ${max} entries`,
  },
  oversized: () => NOT_SHOWN,
};

function record(path: string, value: unknown): Record<string, unknown> {
  return readRecord(WIRE, path, value);
}

function text(path: string, value: unknown, max = MAX_TEXT): string {
  return readText(WIRE, path, value, max);
}

function nullableText(path: string, value: unknown): string | null {
  return readNullable(path, value, text);
}

function finite(path: string, value: unknown): number {
  return readFinite(WIRE, path, value);
}

/** Not a number at all reads as "must be a finite number"; a fraction or a negative as this rule. */
function count(path: string, value: unknown): number {
  return readInteger(WIRE, path, finite(path, value), 0);
}

function nullableFinite(path: string, value: unknown): number | null {
  return readNullable(path, value, finite);
}

function bool(path: string, value: unknown): boolean {
  return readBoolean(WIRE, path, value);
}

function backend(path: string, value: unknown): BackendName {
  return readOneOf(WIRE, path, value, BACKEND_CHAIN);
}

function list(path: string, value: unknown, max: number): readonly unknown[] {
  return readArray(WIRE, path, value, max);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string` : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function adapter(path: string, value: unknown): AdapterSummary | null {
  if (value === null) return null;
  const r = record(path, value);
  return {
    vendor: text(`${path}.vendor`, r['vendor'], MAX_NAME),
    architecture: text(`${path}.architecture`, r['architecture'], MAX_NAME),
    description: text(`${path}.description`, r['description'], MAX_NAME),
  };
}

/** Reads one message of a trial's event port (see `EventBatchMessage`). */
export function parseEventBatchMessage(value: unknown): { seq: number; events: WorkerEvent[] } {
  const r = record('event batch message', value);
  return { seq: count('event batch message.seq', r['seq']), events: parseEventBatch(r['events']) };
}

export function parseEventBatch(value: unknown): WorkerEvent[] {
  return list('event batch', value, MAX_BATCH).map((item, i) => parseEvent(`event batch[${i}]`, item));
}

function parseEvent(path: string, value: unknown): WorkerEvent {
  const r = record(path, value);
  switch (r['kind']) {
    case 'started':
      return {
        kind: 'started',
        time: finite(`${path}.time`, r['time']),
        backend: backend(`${path}.backend`, r['backend']),
        notes: list(`${path}.notes`, r['notes'], 16).map((n, i) => text(`${path}.notes[${i}]`, n)),
        adapter: adapter(`${path}.adapter`, r['adapter']),
      };
    case 'metric': {
      const name = text(`${path}.name`, r['name'], MAX_NAME);
      if (name.trim() === '') throw WIRE.fail(`${path}.name`, 'must be a non-empty string', NOT_SHOWN);
      const metric = r['value'];
      // Non-finite values are legitimate: the run logger records them (semantics §11).
      if (typeof metric !== 'number') throw WIRE.fail(`${path}.value`, 'must be a number', metric);
      return { kind: 'metric', name, value: metric, time: finite(`${path}.time`, r['time']) };
    }
    case 'warning':
      return {
        kind: 'warning',
        message: text(`${path}.message`, r['message']),
        time: finite(`${path}.time`, r['time']),
      };
    default:
      throw WIRE.fail(`${path}.kind`, 'must be started, metric or warning', r['kind']);
  }
}

function memory(path: string, value: unknown): MemorySnapshot {
  const r = record(path, value);
  return {
    backend: r['backend'] === null ? null : backend(`${path}.backend`, r['backend']),
    numTensors: count(`${path}.numTensors`, r['numTensors']),
    numBytes: count(`${path}.numBytes`, r['numBytes']),
    gpuBytes: r['gpuBytes'] === null ? null : count(`${path}.gpuBytes`, r['gpuBytes']),
  };
}

function hygiene(path: string, value: unknown): HygieneReport | null {
  if (value === null) return null;
  const r = record(path, value);
  return {
    baselineTensors: count(`${path}.baselineTensors`, r['baselineTensors']),
    tensorsAtEnd: count(`${path}.tensorsAtEnd`, r['tensorsAtEnd']),
    strayTensorsDisposed: count(`${path}.strayTensorsDisposed`, r['strayTensorsDisposed']),
    strayVariablesDisposed: count(`${path}.strayVariablesDisposed`, r['strayVariablesDisposed']),
    tensorsAfterCleanup: count(`${path}.tensorsAfterCleanup`, r['tensorsAfterCleanup']),
    memory: memory(`${path}.memory`, r['memory']),
  };
}

export function parseTrialResult(value: unknown): TrialResult {
  const r = record('trial result', value);
  const kind = r['kind'];
  if (kind !== 'completed' && kind !== 'canceled' && kind !== 'failed') {
    throw WIRE.fail('trial result.kind', 'must be completed, failed or canceled', kind);
  }
  const h = hygiene('trial result.hygiene', r['hygiene']);
  switch (kind) {
    case 'completed':
      return { kind: 'completed', hygiene: h };
    case 'canceled':
      return { kind: 'canceled', reason: text('trial result.reason', r['reason']), hygiene: h };
    case 'failed': {
      const e = record('trial result.error', r['error']);
      return {
        kind: 'failed',
        error: {
          message: text('trial result.error.message', e['message']),
          stack: nullableText('trial result.error.stack', e['stack']),
        },
        hygiene: h,
        unhealthy: nullableText('trial result.unhealthy', r['unhealthy']),
      };
    }
  }
}

/** A checkpoint a worker asks to store: JSON state and ArrayBuffer artifacts within the limits. */
export function parseCheckpoint(value: unknown): CheckpointData {
  const r = record('checkpoint', value);
  // An unknown key's value may be a large artifact: the key is named, the value never shown.
  checkKnownKeys(
    { ...WIRE, fail: (field, rule) => WIRE.fail(field, rule, NOT_SHOWN) },
    'checkpoint',
    r,
    ['state', 'artifacts'],
    () => 'is not a checkpoint field',
  );
  const artifacts = record('checkpoint.artifacts', r['artifacts']);
  try {
    checkArtifacts(artifacts);
    return { state: checkpointState(r['state'] ?? null), artifacts: artifacts as Record<string, ArrayBuffer> };
  } catch (error) {
    throw new ProtocolError(`checkpoint: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A stored dataset's id: the SHA-256 of its bytes (src/browser/datasets/dataset-store.ts). */
export const DATASET_ID = /^sha256-[0-9a-f]{64}$/;

/** A worker's request for a stored dataset: only the two fields, the id in its one form. */
export function parseUserDataRequest(value: unknown): UserDataRequest {
  const r = record('user data request', value);
  checkKnownKeys(WIRE, 'user data request', r, ['kind', 'dataset'], () => 'is not a user data request field');
  if (r['kind'] !== 'user-data') throw WIRE.fail('user data request.kind', 'must be user-data', r['kind']);
  const dataset = r['dataset'];
  if (dataset === null) return { kind: 'user-data', dataset: null };
  const id = text('user data request.dataset', dataset, MAX_NAME);
  if (!DATASET_ID.test(id)) {
    throw WIRE.fail(
      'user data request.dataset',
      "must be null (the sweep's own dataset) or a stored dataset id, sha256- and 64 lowercase hex digits",
      id,
    );
  }
  return { kind: 'user-data', dataset: id };
}

export function parseNotice(value: unknown): WorkerNotice {
  const r = record('notice', value);
  if (r['kind'] !== 'unhealthy') throw WIRE.fail('notice.kind', 'must be unhealthy', r['kind']);
  return { kind: 'unhealthy', reason: text('notice.reason', r['reason']) };
}

export function parseHello(value: unknown): WorkerHello {
  const r = record('hello', value);
  if (r['protocol'] !== PROTOCOL_VERSION) {
    throw WIRE.fail('hello.protocol', `must be ${PROTOCOL_VERSION}`, r['protocol']);
  }
  return {
    protocol: PROTOCOL_VERSION,
    lockHeld: bool('hello.lockHeld', r['lockHeld']),
    webgpu: bool('hello.webgpu', r['webgpu']),
    offscreenCanvas: bool('hello.offscreenCanvas', r['offscreenCanvas']),
  };
}

export function parseCalibration(value: unknown): CalibrationResult {
  const r = record('calibration', value);
  return {
    workload: text('calibration.workload', r['workload']),
    candidates: list('calibration.candidates', r['candidates'], BACKEND_CHAIN.length).map((c, i) => {
      const p = `calibration.candidates[${i}]`;
      const m = record(p, c);
      return {
        backend: backend(`${p}.backend`, m['backend']),
        available: bool(`${p}.available`, m['available']),
        canTrain: bool(`${p}.canTrain`, m['canTrain']),
        warmupMs: nullableFinite(`${p}.warmupMs`, m['warmupMs']),
        stepMs: nullableFinite(`${p}.stepMs`, m['stepMs']),
        steps: count(`${p}.steps`, m['steps']),
        error: nullableText(`${p}.error`, m['error']),
        adapter: adapter(`${p}.adapter`, m['adapter']),
      };
    }),
    chosen: backend('calibration.chosen', r['chosen']),
    reason: text('calibration.reason', r['reason']),
    totalMs: finite('calibration.totalMs', r['totalMs']),
  };
}

export function parseStatus(value: unknown): WorkerStatus {
  const r = record('status', value);
  return {
    workerId: count('status.workerId', r['workerId']),
    backend: r['backend'] === null ? null : backend('status.backend', r['backend']),
    unhealthy: nullableText('status.unhealthy', r['unhealthy']),
    busy: bool('status.busy', r['busy']),
    trials: count('status.trials', r['trials']),
    memory: r['memory'] === null ? null : memory('status.memory', r['memory']),
    adapter: adapter('status.adapter', r['adapter']),
    datasets: list('status.datasets', r['datasets'], 64).map((d, i) => text(`status.datasets[${i}]`, d, MAX_NAME)),
  };
}

/**
 * Parameters must survive structured cloning unchanged; they are plain data by construction,
 * but a caller could hand the pool anything, so check before posting.
 */
export function checkWireParams(params: ParamSet): void {
  const visit = (path: string, value: ParamValue): void => {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(`${path}.${key}`, inner);
      return;
    }
    throw new TypeError(`parameter ${path} cannot be sent to a worker (got ${kindOf(value)})`);
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
}
