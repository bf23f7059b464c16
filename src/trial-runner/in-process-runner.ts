import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system-clock.js';
import { createRunContext } from '../run-logger/run-context.js';
import { RunCanceledError, type TrainFunction } from '../run-logger/run.js';
import { CONTINUE, type Verdict } from '../run-logger/verdicts.js';
import { toErrorRecord } from '../error-record.js';
import type { TrialExecution, TrialListener, TrialOutcome, TrialRequest, TrialRunner } from './runner.js';

export interface InProcessRunnerOptions {
  readonly clock?: Clock;
  /**
   * How long a cancelled trial may keep running before its slot is reclaimed. A function in
   * this thread cannot be killed, so after the grace period it is abandoned: whatever it logs
   * afterwards is refused by its cancelled `run`.
   */
  readonly cancelGraceMs?: number;
  /** Defaults to unbounded: concurrency is then set by the sweep alone. */
  readonly capacity?: number;
  /** Loads a built-in example's training function; without it built-in trials fail clearly. */
  readonly resolveBuiltin?: (name: string) => Promise<TrainFunction>;
}

/**
 * Runs training functions as async functions in the calling thread (Node or the browser's main
 * thread). Concurrency here is interleaving at `await` points, not parallelism: it suits tests,
 * scripts and small demos; the worker pool gives real parallelism.
 */
export class InProcessRunner implements TrialRunner {
  readonly capacity: number;
  private readonly clock: Clock;
  private readonly cancelGraceMs: number;
  private readonly resolveBuiltin: ((name: string) => Promise<TrainFunction>) | undefined;

  constructor(options: InProcessRunnerOptions = {}) {
    this.resolveBuiltin = options.resolveBuiltin;
    this.clock = options.clock ?? new SystemClock();
    this.cancelGraceMs = options.cancelGraceMs ?? 5_000;
    this.capacity = options.capacity ?? Number.POSITIVE_INFINITY;
  }

  start(request: TrialRequest, listener: TrialListener): TrialExecution {
    const controller = new AbortController();
    let settle!: (outcome: TrialOutcome) => void;
    let settled = false;
    let cancelGraceTimer: () => void = () => {};
    const outcome = new Promise<TrialOutcome>((resolve) => {
      settle = (o) => {
        if (settled) return;
        settled = true;
        cancelGraceTimer();
        resolve(o);
      };
    });

    const run = createRunContext({
      id: request.runId,
      params: request.params,
      signal: controller.signal,
      emit: (name, value) => {
        if (!settled) listener([{ kind: 'metric', name, value, time: this.clock.now() }]);
      },
      checkpoint: request.checkpoint,
      resumeFrom: request.resumeFrom,
      // The listener decided while `emit` delivered the report: the verdict is already known.
      verdicts:
        request.verdicts === undefined || request.verdicts === null
          ? null
          : {
              plan: request.verdicts,
              ask: (): Promise<Verdict> =>
                Promise.resolve(
                  controller.signal.aborted ? { kind: 'stop', reason: reasonText(controller.signal.reason) } : CONTINUE,
                ),
            },
    });

    const execute = async (): Promise<void> => {
      // Start on a later turn so `start` returns before any user code runs.
      await Promise.resolve();
      if (controller.signal.aborted) {
        settle({ kind: 'canceled', reason: String(controller.signal.reason) });
        return;
      }
      listener([{ kind: 'started', time: this.clock.now(), backend: null }]);
      const train = await resolveTrain(request, this.resolveBuiltin);
      await train(request.params, run);
    };

    execute().then(
      () => {
        if (controller.signal.aborted) settle({ kind: 'canceled', reason: String(controller.signal.reason) });
        else settle({ kind: 'completed' });
      },
      (error: unknown) => {
        if (controller.signal.aborted || error instanceof RunCanceledError) {
          settle({ kind: 'canceled', reason: String(controller.signal.reason ?? 'canceled') });
        } else {
          settle({ kind: 'failed', error: toErrorRecord(error) });
        }
      },
    );

    return {
      outcome,
      cancel: (reason: string) => {
        if (settled || controller.signal.aborted) return;
        controller.abort(reason);
        cancelGraceTimer = this.clock.setTimer(this.cancelGraceMs, () =>
          settle({ kind: 'canceled', reason: `${reason} (abandoned after ${this.cancelGraceMs} ms grace)` }),
        );
      },
    };
  }

  async dispose(): Promise<void> {}
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'canceled';
}

async function resolveTrain(
  request: TrialRequest,
  resolveBuiltin: ((name: string) => Promise<TrainFunction>) | undefined,
): Promise<TrainFunction> {
  const trial = request.trial;
  if (trial.kind === 'function') return trial.train;
  if (trial.kind === 'builtin') {
    if (resolveBuiltin === undefined) {
      throw new Error(`built-in example ${JSON.stringify(trial.name)} is not available to this in-process runner`);
    }
    return resolveBuiltin(trial.name);
  }
  const module: unknown = await import(/* @vite-ignore */ /* webpackIgnore: true */ trial.url);
  const train = (module as { default?: unknown }).default;
  if (typeof train !== 'function') {
    throw new TypeError(`training module ${trial.url} must export a default function train(params, run)`);
  }
  return train as TrainFunction;
}

// Callers still find it here; it lives beside the errors.
