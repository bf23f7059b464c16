import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON } from '../run-logger/checkpoint.js';
import { RunCanceledError, type Run } from '../run-logger/run.js';
import type { ParamSet } from '../space/expression.js';
import type { CalibrationWorkload } from './env.js';
import { restoreModel } from './restore.js';

/** A hyperparameter a built-in example cannot use; the run fails, the sweep goes on. */
export class HyperparameterError extends Error {
  override readonly name = 'HyperparameterError';
}

export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A number, from a number or a numeric string (a `choice` may hold either). */
function asNumber(name: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new HyperparameterError(`${name} must be a finite number (got ${describe(value)})`);
  }
  return n;
}

export function readNumber(params: ParamSet, name: string, fallback: number, min: number, max: number): number {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const n = asNumber(name, raw);
  if (n < min || n > max) throw new HyperparameterError(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

/**
 * An integer hyperparameter. Values are rounded so that `uniform` and `quniform` spaces work as
 * they do in HyperDrive scripts, which cast with `int(...)`.
 */
export function readInteger(params: ParamSet, name: string, fallback: number, min: number, max: number): number {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const n = Math.round(asNumber(name, raw));
  if (n < min || n > max)
    throw new HyperparameterError(`${name} must be an integer between ${min} and ${max} (got ${describe(raw)})`);
  return n;
}

export function readChoice<T extends string>(params: ParamSet, name: string, options: readonly T[], fallback: T): T {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' ? raw.toLowerCase() : raw;
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new HyperparameterError(`${name} must be one of ${options.join(', ')} (got ${describe(raw)})`);
  }
  return value as T;
}

/** `dropout`, or `keep_probability` as TF 1.x scripts name it (dropout = 1 - keep). */
export function readDropout(params: ParamSet, fallback = 0): number {
  const hasDropout = params['dropout'] !== undefined;
  const hasKeep = params['keep_probability'] !== undefined;
  if (hasDropout && hasKeep) {
    throw new HyperparameterError('give either dropout or keep_probability, not both');
  }
  if (hasKeep) {
    const keep = readNumber(params, 'keep_probability', 1, 0, 1);
    if (keep <= 0) throw new HyperparameterError('keep_probability must be > 0 (got 0)');
    return 1 - keep;
  }
  const rate = readNumber(params, 'dropout', fallback, 0, 1);
  if (rate >= 1) throw new HyperparameterError('dropout must be < 1 (got 1)');
  return rate;
}

/** The hyperparameters every built-in example shares. */
export interface CommonHyperparameters {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly hiddenLayers: number;
  readonly hiddenUnits: number;
  readonly dropout: number;
  readonly optimizer: OptimizerName;
  readonly activation: ActivationName;
  readonly epochs: number;
}

export function readCommon(params: ParamSet, defaults: CommonHyperparameters): CommonHyperparameters {
  const learningRate = readNumber(params, 'learning_rate', defaults.learningRate, 0, 10);
  if (learningRate <= 0) throw new HyperparameterError('learning_rate must be > 0 (got 0)');
  return {
    learningRate,
    batchSize: readInteger(params, 'batch_size', defaults.batchSize, 1, 65_536),
    hiddenLayers: readInteger(params, 'hidden_layers', defaults.hiddenLayers, 0, 32),
    hiddenUnits: readInteger(params, 'hidden_units', defaults.hiddenUnits, 1, 4_096),
    dropout: readDropout(params, defaults.dropout),
    optimizer: readChoice(params, 'optimizer', OPTIMIZERS, defaults.optimizer),
    activation: readChoice(params, 'activation', ACTIVATIONS, defaults.activation),
    epochs: readInteger(params, 'epochs', defaults.epochs, 1, 100_000),
  };
}

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
  }
}

/**
 * The model every built-in example trains: an input of `inputShape`, the example's own feature
 * layers if any (`addFeatures`, e.g. conv blocks), `hiddenLayers` dense layers (each followed by
 * dropout when `dropout` > 0), then the output layer, compiled with a fresh optimizer.
 * `classes` 1 means a binary label (sigmoid, binary cross-entropy), as in `classifierWorkload`;
 * more means one-hot classes (softmax, categorical cross-entropy). compile() does not take
 * ownership of the optimizer (a TF.js trap), so it is returned to be disposed separately.
 */
export function buildClassifier(
  hp: CommonHyperparameters,
  inputShape: readonly number[],
  classes: number,
  addFeatures?: (model: tf.Sequential) => void,
): { model: tf.Sequential; optimizer: tf.Optimizer } {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [...inputShape] }));
  addFeatures?.(model);
  for (let i = 0; i < hp.hiddenLayers; i++) {
    model.add(tf.layers.dense({ units: hp.hiddenUnits, activation: hp.activation }));
    if (hp.dropout > 0) model.add(tf.layers.dropout({ rate: hp.dropout }));
  }
  const binary = classes === 1;
  model.add(tf.layers.dense({ units: classes, activation: binary ? 'sigmoid' : 'softmax' }));
  const optimizer = makeOptimizer(hp.optimizer, hp.learningRate);
  model.compile({
    optimizer,
    loss: binary ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return { model, optimizer };
}

/**
 * Lets other tasks run (metric flushes, a cancel message) without requestAnimationFrame, which
 * does not exist in some workers and stalls in hidden tabs. A MessageChannel turn avoids the
 * 4 ms clamp nested timeouts get.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** How often a training loop lets other tasks run mid-epoch (a cancel message, metric flushes). */
export const MID_EPOCH_YIELD_MS = 50;

/**
 * Stops `fit` after the batch in which the run was cancelled. A `tf.Callback` rather than a
 * `{ onBatchEnd }` function: TF.js resolves the batch's loss and metrics before calling a
 * function callback, which is a read back after every batch (a GPU sync on webgl and webgpu, and
 * measurable even on wasm; see bench/results/bench.md); a `tf.Callback` gets them unresolved.
 * With `yieldEvery: 'never'` fit would not let the event loop run within an epoch, so a cancel
 * message could not arrive before the epoch ended: at most every `yieldEveryMs` it yields one
 * task turn, which costs a fraction of a per-mille.
 */
export class StopWhenCanceled extends tf.Callback {
  private lastYield = performance.now();

  constructor(
    private readonly run: Pick<Run, 'isCanceled'>,
    private readonly target: Pick<tf.LayersModel, 'stopTraining'>,
    private readonly yieldEveryMs = MID_EPOCH_YIELD_MS,
  ) {
    super();
  }

  override async onBatchEnd(): Promise<void> {
    if (performance.now() - this.lastYield >= this.yieldEveryMs) {
      await yieldToEventLoop();
      this.lastYield = performance.now();
    }
    if (this.run.isCanceled) this.target.stopTraining = true;
  }
}

export interface TensorData {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
  readonly validationXs: tf.Tensor;
  readonly validationYs: tf.Tensor;
}

export function disposeData(data: TensorData): void {
  data.xs.dispose();
  data.ys.dispose();
  data.validationXs.dispose();
  data.validationYs.dispose();
}

export interface EpochOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Epochs already trained (a resumed run starts after them). */
  readonly startEpoch?: number;
  /** Checkpoint after an epoch once this long has passed since the last one; the last epoch always is. */
  readonly checkpointIntervalMs?: number;
  /**
   * Logs one epoch's metrics, each `run.log` awaited (the verdict at an evaluation point);
   * default `logClassifierEpoch`. A template whose task is not classification (tabular-mlp's
   * regression) logs its own metrics here.
   */
  readonly report?: EpochReport;
}

/** Logs what one epoch of `fit` measured (and anything else computed from the model now). */
export type EpochReport = (run: Run, history: tf.History, model: tf.LayersModel, data: TensorData) => Promise<void>;

/** The first of `names` that an epoch's history holds (TF.js names accuracy `acc` in some versions). */
export function lastEpochValue(history: tf.History, ...names: string[]): number {
  for (const name of names) {
    const value = history.history[name]?.[0];
    if (value !== undefined) return Number(value);
  }
  return Number.NaN;
}

/**
 * `loss`, `accuracy`, `val_loss`, `val_accuracy`, the primary metric of most sweeps last so a
 * policy judges a complete epoch. Awaited: at a report the policy judges, the verdict comes
 * back before the next epoch trains, and a stop rejects with RunCanceledError (semantics §5).
 */
export async function logClassifierEpoch(run: Run, history: tf.History): Promise<void> {
  await run.log('loss', lastEpochValue(history, 'loss'));
  await run.log('accuracy', lastEpochValue(history, 'acc', 'accuracy'));
  await run.log('val_loss', lastEpochValue(history, 'val_loss'));
  await run.log('val_accuracy', lastEpochValue(history, 'val_acc', 'val_accuracy'));
}

/**
 * Trains epoch by epoch and logs each epoch's metrics (`options.report`: by default `loss`,
 * `accuracy`, `val_loss`, `val_accuracy`, see `logClassifierEpoch`). Each `run.log` is
 * awaited: at an evaluation point it waits for the verdict and rejects with `RunCanceledError`
 * on a stop, which is what ends the loop then, before another epoch trains. Where the runner keeps checkpoints,
 * the model and `{ epoch }` are checkpointed after the final epoch and, between, at most once
 * per `checkpointIntervalMs`, so a run stopped part-way can be resumed (semantics §8).
 */
export async function trainEpochs(
  model: tf.LayersModel,
  data: TensorData,
  run: Run,
  options: EpochOptions,
): Promise<void> {
  const interval = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  let lastCheckpoint = performance.now();
  let checkpointProblem: unknown = null;
  const stopWhenCanceled = new StopWhenCanceled(run, model);
  for (let epoch = options.startEpoch ?? 0; epoch < options.epochs; epoch++) {
    if (run.isCanceled) break;
    const history = await model.fit(data.xs, data.ys, {
      epochs: 1,
      batchSize: options.batchSize,
      shuffle: true,
      validationData: [data.validationXs, data.validationYs],
      // fit's default yields through requestAnimationFrame: absent or stalled in workers and
      // hidden tabs. We yield between epochs ourselves instead, and StopWhenCanceled within them.
      yieldEvery: 'never',
      verbose: 0,
      callbacks: [stopWhenCanceled],
    });
    await (options.report ?? logClassifierEpoch)(run, history, model, data);
    const trained = epoch + 1;
    if (
      run.canCheckpoint &&
      checkpointProblem === null &&
      (trained === options.epochs || performance.now() - lastCheckpoint >= interval)
    ) {
      try {
        await run.checkpoint(model, { epoch: trained } satisfies EpochState);
      } catch (error) {
        if (error instanceof RunCanceledError) throw error;
        // A checkpoint only lets the run resume later: one that cannot be stored (storage full,
        // which pauses the sweep anyway) must not fail the training. No more are tried.
        checkpointProblem = error;
      }
      lastCheckpoint = performance.now();
    }
    await yieldToEventLoop();
  }
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5_000;

/** What the built-in examples keep in a checkpoint's state. */
export interface EpochState {
  readonly epoch: number;
}

/** The epoch a resumed run continues after; 0 for a fresh run. */
export function resumedEpoch(run: Run, epochs: number): number {
  const state = run.resumeFrom?.state;
  if (state === undefined || state === null) return 0;
  const epoch =
    typeof state === 'object' && !Array.isArray(state) ? (state as Record<string, unknown>)['epoch'] : undefined;
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
    throw new HyperparameterError(`the checkpoint to resume from has no epoch count (state ${JSON.stringify(state)})`);
  }
  return Math.min(epoch, epochs);
}

export interface BuiltModel {
  readonly model: tf.LayersModel;
  /** Null when the model owns it (restored from a checkpoint: disposed through the model's). */
  readonly optimizer: tf.Optimizer | null;
}

/**
 * What every built-in example does with its model: build it (or restore it from the run's
 * checkpoint, optimizer state included), train the remaining epochs with checkpoints, then
 * dispose model, optimizer and data, whatever happens.
 */
export async function trainBuiltIn(
  run: Run,
  params: ParamSet,
  hp: CommonHyperparameters,
  data: TensorData,
  build: () => { model: tf.LayersModel; optimizer: tf.Optimizer },
  report?: EpochReport,
): Promise<void> {
  let built: BuiltModel | null = null;
  try {
    const resume = run.resumeFrom;
    const startEpoch = resumedEpoch(run, hp.epochs);
    if (resume !== null && MODEL_JSON in resume.artifacts) {
      const model = await restoreModel(resume);
      built = { model, optimizer: null };
    } else {
      built = build();
    }
    const checkpointSeconds = readNumber(
      params,
      'checkpoint_interval',
      DEFAULT_CHECKPOINT_INTERVAL_MS / 1000,
      0,
      86_400,
    );
    await trainEpochs(built.model, data, run, {
      ...hp,
      startEpoch,
      checkpointIntervalMs: checkpointSeconds * 1000,
      ...(report === undefined ? {} : { report }),
    });
  } finally {
    disposeData(data);
    if (built !== null) {
      // A model compiled from a checkpoint's training config does not own its optimizer either.
      const optimizer = built.optimizer ?? built.model.optimizer;
      built.model.dispose();
      optimizer?.dispose();
    }
  }
}

/**
 * Builds a compiled model and one synthetic batch of the right shape, for timing training
 * steps per backend. Random data is enough: speed does not depend on the values, and it spares
 * a dataset download during calibration. `labels`: one-hot rows (categorical cross-entropy, the
 * digits models) or one class index per row (sparse categorical cross-entropy, the data
 * templates).
 */
export function classifierWorkload(
  description: string,
  build: () => { model: tf.LayersModel; optimizer: tf.Optimizer },
  inputShape: readonly number[],
  classes: number,
  batchSize = 32,
  labels: 'one-hot' | 'index' = 'one-hot',
): CalibrationWorkload {
  const { model, optimizer } = build();
  let xs: tf.Tensor | null = null;
  let ys: tf.Tensor | null = null;
  try {
    xs = tf.randomUniform([batchSize, ...inputShape]);
    ys = tf.tidy(() =>
      labels === 'index'
        ? tf.randomUniform([batchSize, 1], 0, classes, 'int32').toFloat()
        : classes === 1
          ? tf.randomUniform([batchSize, 1]).round()
          : tf.oneHot(tf.randomUniform([batchSize], 0, classes, 'int32'), classes),
    );
  } catch (error) {
    xs?.dispose();
    model.dispose();
    optimizer.dispose();
    throw error;
  }
  const inputs = xs;
  const targets = ys;
  return {
    description,
    step: async () => {
      await model.trainOnBatch(inputs, targets);
    },
    dispose: () => {
      inputs.dispose();
      targets.dispose();
      model.dispose();
      optimizer.dispose();
    },
  };
}
