import { describeValue } from '../errors.js';

/**
 * What a checkpoint carries between a training function and the store: the function's own small
 * JSON state (e.g. the epoch reached) and binary artifacts by name. A model checkpoint holds
 * `model.json` (the TF.js topology, weight manifest and training config, as UTF-8 JSON) and
 * `weights.bin` (model weights, then optimizer state when it could be saved).
 */
export interface CheckpointData {
  readonly state: JsonValue | null;
  readonly artifacts: Readonly<Record<string, ArrayBuffer>>;
}

/** A checkpoint handed back to a resumed run (semantics §8). */
export interface ResumePoint extends CheckpointData {
  /** The run it was taken from. */
  readonly runId: string;
  /** Which of that run's checkpoints (its latest). */
  readonly sequence: number;
  /** Primary-metric intervals that run had reported when the checkpoint was taken. */
  readonly intervals: number;
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export const MODEL_JSON = 'model.json';
export const MODEL_WEIGHTS = 'weights.bin';

/** Caps that keep one checkpoint from filling the browser's storage quota by accident. */
export const CHECKPOINT_LIMITS = Object.freeze({
  stateBytes: 1024 * 1024,
  artifacts: 16,
  artifactNameLength: 128,
  totalBytes: 512 * 1024 * 1024,
});

/**
 * The part of TF.js's `ModelArtifacts` that a layers model produces when saved. Declared here
 * structurally so the engine core never imports TF.js; a real `tf.LayersModel` satisfies
 * `SavableModel` as it is.
 */
export interface ModelArtifactsData {
  readonly modelTopology: unknown;
  readonly weightSpecs: readonly WeightSpec[];
  readonly weightData: ArrayBuffer;
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly trainingConfig?: unknown;
  readonly userDefinedMetadata?: unknown;
}

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** TF.js marks optimizer state with group 'optimizer'. */
  readonly group?: string;
  readonly quantization?: unknown;
}

interface SaveHandler {
  save(artifacts: unknown): Promise<{ modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' } }>;
}

/** What `run.checkpoint` accepts: anything with TF.js's `LayersModel.save(handler, config)`. */
export interface SavableModel {
  save(handler: SaveHandler, config?: { includeOptimizer?: boolean }): Promise<unknown>;
}

/**
 * Serialises a model into checkpoint artifacts through an in-memory save handler (what
 * `tf.io.withSaveHandler` builds), with the optimizer's state when TF.js can save it, so a
 * resumed run continues with the same moments rather than a cold optimizer.
 */
export async function serializeModel(
  model: SavableModel,
): Promise<{ artifacts: Record<string, ArrayBuffer>; optimizer: boolean }> {
  let captured: unknown = null;
  const handler: SaveHandler = {
    save: async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
  let optimizer = true;
  try {
    await model.save(handler, { includeOptimizer: true });
  } catch {
    // Optimizers without a serialisable config (custom ones) cannot be saved: keep the weights.
    optimizer = false;
    await model.save(handler, { includeOptimizer: false });
  }
  const artifacts = readCapturedArtifacts(captured);
  return {
    artifacts: encodeModelArtifacts(artifacts),
    optimizer: optimizer && artifacts.weightSpecs.some((s) => s.group === 'optimizer'),
  };
}

function readCapturedArtifacts(value: unknown): ModelArtifactsData {
  if (typeof value !== 'object' || value === null) throw new TypeError('run.checkpoint: the model saved nothing');
  const record = value as Record<string, unknown>;
  const topology = record['modelTopology'];
  if (typeof topology !== 'object' || topology === null || topology instanceof ArrayBuffer) {
    throw new TypeError('run.checkpoint: only layers models (tf.sequential / tf.model) can be checkpointed');
  }
  const weightData = joinWeightData(record['weightData']);
  const specs = record['weightSpecs'];
  if (!Array.isArray(specs)) throw new TypeError('run.checkpoint: the saved model has no weight specs');
  return {
    ...(record as object),
    modelTopology: topology,
    weightSpecs: specs as WeightSpec[],
    weightData,
  };
}

/** TF.js 4 may hand weights over as one buffer or as several to be concatenated. */
function joinWeightData(value: unknown): ArrayBuffer {
  if (value instanceof ArrayBuffer) return value;
  if (value === undefined || value === null) return new ArrayBuffer(0);
  if (Array.isArray(value) && value.every((v) => v instanceof ArrayBuffer)) {
    const buffers = value as ArrayBuffer[];
    const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
    let offset = 0;
    for (const buffer of buffers) {
      out.set(new Uint8Array(buffer), offset);
      offset += buffer.byteLength;
    }
    return out.buffer;
  }
  throw new TypeError(`run.checkpoint: unexpected weight data (${describeValue(value)})`);
}

export function encodeModelArtifacts(artifacts: ModelArtifactsData): Record<string, ArrayBuffer> {
  const { weightData, ...json } = artifacts;
  const text = new TextEncoder().encode(JSON.stringify(json));
  return {
    [MODEL_JSON]: text.buffer.slice(text.byteOffset, text.byteOffset + text.byteLength) as ArrayBuffer,
    [MODEL_WEIGHTS]: weightData,
  };
}

/** The model a checkpoint holds, or null when it holds none (a state-only checkpoint). */
export function decodeModelArtifacts(artifacts: Readonly<Record<string, ArrayBuffer>>): ModelArtifactsData | null {
  const json = artifacts[MODEL_JSON];
  const weights = artifacts[MODEL_WEIGHTS];
  if (json === undefined || weights === undefined) return null;
  const parsed: unknown = JSON.parse(new TextDecoder().decode(json));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as Record<string, unknown>)['weightSpecs'])
  ) {
    throw new TypeError(`checkpoint ${MODEL_JSON} is not a TF.js model description`);
  }
  return { ...(parsed as Omit<ModelArtifactsData, 'weightData'>), weightData: weights };
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, complex64: 8 };

function specBytes(spec: WeightSpec): number {
  if (spec.quantization !== undefined)
    throw new TypeError(`weight ${spec.name} is quantized; only plain weights are supported`);
  const bytes = DTYPE_BYTES[spec.dtype];
  if (bytes === undefined)
    throw new TypeError(`weight ${spec.name} has dtype ${spec.dtype}, which a layers model does not use`);
  return spec.shape.reduce((n, d) => n * d, 1) * bytes;
}

/**
 * The model alone, for inference and export: TF.js appends the optimizer's weights after the
 * model's, so the model's are a prefix of the data.
 */
export function withoutOptimizer(artifacts: ModelArtifactsData): ModelArtifactsData {
  const keep: WeightSpec[] = [];
  let bytes = 0;
  for (const spec of artifacts.weightSpecs) {
    if (spec.group === 'optimizer') break;
    keep.push(spec);
    bytes += specBytes(spec);
  }
  if (bytes > artifacts.weightData.byteLength) {
    throw new TypeError(
      `the checkpoint's weights hold ${artifacts.weightData.byteLength} bytes, fewer than its manifest's ${bytes}`,
    );
  }
  const { trainingConfig: _dropped, ...rest } = artifacts;
  return { ...rest, weightSpecs: keep, weightData: artifacts.weightData.slice(0, bytes) };
}

/** Checks the JSON state a training function passes to `run.checkpoint` and returns a copy. */
export function checkpointState(value: unknown): JsonValue | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `run.checkpoint: state must be JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (text === undefined) throw new TypeError(`run.checkpoint: state must be JSON (got ${describeValue(value)})`);
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > CHECKPOINT_LIMITS.stateBytes) {
    throw new RangeError(
      `run.checkpoint: state is ${bytes} bytes as JSON; at most ${CHECKPOINT_LIMITS.stateBytes} are kept (store weights as artifacts)`,
    );
  }
  return JSON.parse(text) as JsonValue;
}

/** Size and count limits of a checkpoint's artifacts; returns their total size in bytes. */
export function checkArtifacts(artifacts: Readonly<Record<string, unknown>>): number {
  const names = Object.keys(artifacts);
  if (names.length > CHECKPOINT_LIMITS.artifacts) {
    throw new RangeError(`a checkpoint holds at most ${CHECKPOINT_LIMITS.artifacts} artifacts (got ${names.length})`);
  }
  let total = 0;
  for (const name of names) {
    if (name === '' || name.length > CHECKPOINT_LIMITS.artifactNameLength) {
      throw new RangeError(
        `checkpoint artifact names must be 1 to ${CHECKPOINT_LIMITS.artifactNameLength} characters (got ${describeValue(name)})`,
      );
    }
    const buffer = artifacts[name];
    if (!(buffer instanceof ArrayBuffer))
      throw new TypeError(
        `checkpoint artifact ${JSON.stringify(name)} must be an ArrayBuffer (got ${describeValue(buffer)})`,
      );
    total += buffer.byteLength;
  }
  if (total > CHECKPOINT_LIMITS.totalBytes) {
    throw new RangeError(`a checkpoint holds at most ${CHECKPOINT_LIMITS.totalBytes} bytes (got ${total})`);
  }
  return total;
}
