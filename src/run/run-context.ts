import { describeValue } from '../errors.js';
import type { ParamSet } from '../space/expression.js';
import { RunCanceledError, type Run } from './run.js';

export interface RunContextOptions {
  readonly id: string;
  readonly params: ParamSet;
  readonly signal: AbortSignal;
  /** Receives every accepted value, already validated. */
  readonly emit: (name: string, value: number) => void;
}

/**
 * Builds the `run` object for one training function. Shared by the in-process runner and the
 * worker runtime so both validate exactly the same way.
 */
export function createRunContext(options: RunContextOptions): Run {
  const { id, params, signal, emit } = options;

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
        throw new TypeError(`run.logList(${JSON.stringify(metric)}): values must be an array of numbers (got ${describeValue(values)})`);
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
  });
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'canceled';
}
