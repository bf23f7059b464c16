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
import { isEvaluationPoint, type Verdict, type VerdictPlan } from './verdicts.js';

/** Where the run waits for verdicts, and how it asks for one. */
export interface VerdictChannel {
  readonly plan: VerdictPlan;
  /**
   * Delivers everything emitted so far and resolves with the verdict on the latest report. A
   * failed delivery resolves as `continue`: whoever runs the trial reports that failure itself.
   */
  readonly ask: () => Promise<Verdict>;
}

// One settled promise for every report that waits for nothing: no allocation per call.
const RESOLVED: Promise<void> = Promise.resolve();

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
  /** Absent or null: no policy judges this run, and `run.log` never waits. */
  readonly verdicts?: VerdictChannel | null | undefined;
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
  const verdicts = options.verdicts ?? null;
  let reports = 0;
  /**
   * After `metric` was emitted: the promise `run.log` returns. At an evaluation point it settles
   * with the verdict; it is marked handled, so a loop that does not await it gets no unhandled
   * rejection (it learns of the stop at its next `run.log`, which throws, as before).
   */
  const judged = (metric: string): Promise<void> => {
    if (verdicts === null || metric !== verdicts.plan.metric) return RESOLVED;
    reports += 1;
    if (!isEvaluationPoint(verdicts.plan.points, verdicts.plan.intervalsBefore + reports)) return RESOLVED;
    const settled = verdicts.ask().then((verdict) => {
      if (verdict.kind === 'stop') throw new RunCanceledError(verdict.reason);
    });
    settled.catch(() => {});
    return settled;
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
    log(name: string, value: number): Promise<void> {
      const metric = checkName('log', name);
      if (typeof value !== 'number') {
        throw new TypeError(`run.log(${JSON.stringify(metric)}): value must be a number (got ${describeValue(value)})`);
      }
      throwIfCanceled();
      emit(metric, value);
      return judged(metric);
    },
    logList(name: string, values: readonly number[]): Promise<void> {
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
      // Values after an evaluation point go out only once the verdict let the run go on.
      const from = (start: number): Promise<void> => {
        for (let i = start; i < values.length; i++) {
          emit(metric, values[i] as number);
          const wait = judged(metric);
          if (wait !== RESOLVED) return i + 1 < values.length ? wait.then(() => from(i + 1)) : wait;
        }
        return RESOLVED;
      };
      return from(0);
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
