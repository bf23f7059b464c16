import { describeValue } from '../errors.js';
import type { ParamSet } from '../space/expression.js';
import {
  checkArtifacts,
  checkpointState,
  serializeModel,
  type CheckpointData,
  type ResumePoint,
  type SavableModel,
} from './checkpoint.js';
import { RunCanceledError, type Run } from './run.js';

export interface RunContextOptions {
  readonly id: string;
  readonly params: ParamSet;
  readonly signal: AbortSignal;
  /** Receives every accepted value, already validated. */
  readonly emit: (name: string, value: number) => void;
  /** Stores a checkpoint durably; absent where the runner keeps none. */
  readonly checkpoint?: ((data: CheckpointData) => Promise<void>) | undefined;
  readonly resumeFrom?: ResumePoint | null | undefined;
  /**
   * Turns a model into checkpoint artifacts. Defaults to `serializeModel`; a TF.js-aware caller
   * passes one that also disposes the tensors TF.js leaks while saving an optimizer.
   */
  readonly serializeModel?: ((model: SavableModel) => Promise<{ artifacts: Record<string, ArrayBuffer> }>) | undefined;
}

/**
 * Builds the `run` object for one training function. Shared by the in-process runner and the
 * worker runtime so both validate exactly the same way.
 */
export function createRunContext(options: RunContextOptions): Run {
  const { id, params, signal, emit } = options;
  const store = options.checkpoint;
  const serialize = options.serializeModel ?? serializeModel;
  // One at a time, in call order: a later checkpoint must never be overtaken by an earlier one.
  let checkpoints: Promise<void> = Promise.resolve();

  const throwIfCanceled = (): void => {
    if (signal.aborted) throw new RunCanceledError(reasonText(signal.reason));
  };
  const checkName = (method: string, name: unknown): string => {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new TypeError(`run.${method}: name must be a non-empty string (got ${describeValue(name)})`);
    }
    return name;
  };

  return Object.freeze({
    id,
    params,
    signal,
    get isCanceled(): boolean {
      return signal.aborted;
    },
    log(name: string, value: number): void {
      const metric = checkName('log', name);
      if (typeof value !== 'number') {
        throw new TypeError(`run.log(${JSON.stringify(metric)}): value must be a number (got ${describeValue(value)})`);
      }
      throwIfCanceled();
      emit(metric, value);
    },
    logList(name: string, values: readonly number[]): void {
      const metric = checkName('logList', name);
      if (!Array.isArray(values)) {
        throw new TypeError(
          `run.logList(${JSON.stringify(metric)}): values must be an array of numbers (got ${describeValue(values)})`,
        );
      }
      // Validate all before emitting any, so a bad list records nothing rather than half of it.
      values.forEach((v: unknown, i) => {
        if (typeof v !== 'number') {
          throw new TypeError(
            `run.logList(${JSON.stringify(metric)}): values[${i}] must be a number (got ${describeValue(v)})`,
          );
        }
      });
      throwIfCanceled();
      for (const v of values) emit(metric, v);
    },
    resumeFrom: options.resumeFrom ?? null,
    canCheckpoint: store !== undefined,
    checkpoint(model: SavableModel | null, state?: unknown): Promise<void> {
      const save = async (): Promise<void> => {
        if (store === undefined) throw new Error('run.checkpoint: this runner stores no checkpoints');
        if (model !== null && (typeof model !== 'object' || typeof (model as { save?: unknown }).save !== 'function')) {
          throw new TypeError(
            `run.checkpoint: model must be a TF.js layers model or null (got ${describeValue(model)})`,
          );
        }
        const json = checkpointState(state);
        const artifacts = model === null ? {} : (await serialize(model)).artifacts;
        checkArtifacts(artifacts);
        await store({ state: json, artifacts });
      };
      const next = checkpoints.then(save);
      checkpoints = next.catch(() => {});
      return next;
    },
  });
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'canceled';
}
