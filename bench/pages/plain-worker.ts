// The same environment fix the trial worker applies before TF.js loads (workers/no-animation-frames.ts):
// without it, TF.js in a dedicated worker may wait on animation frames. It is not engine code.
import '../../workers/no-animation-frames.js';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  DIGITS_CLASSES,
  DIGITS_FEATURES,
  loadDigitsSplit,
  takeDigits,
  type DigitsSet,
} from '../../src/datasets/digits.js';
import type { PlainReply, PlainRequest } from './plain-protocol.js';

/*
 * The "plain TF.js" side of the engine-overhead measurement: a dedicated worker that trains the
 * digits MLP exactly as the built-in example does (src/examples/digits-mlp.ts, common.ts: the same
 * rows of the same split, the same layers, optimizer and loss, one `fit` call per epoch with the
 * same options) and nothing else: no pool, no run logger, no metric batching, no orchestrator, no
 * store, no checkpoint. Only the data loader is shared with Overdrive, so that the rows are the same.
 */

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

interface GpuAdapterLike {
  readonly info?: { readonly architecture?: unknown; readonly description?: unknown; readonly vendor?: unknown };
}

async function adapterText(): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (gpu === undefined) return null;
  try {
    const info = (await gpu.requestAdapter())?.info;
    if (info === undefined) return null;
    const parts = [info.vendor, info.architecture, info.description].filter(
      (p): p is string => typeof p === 'string' && p !== '',
    );
    return parts.join(' / ');
  } catch {
    return null;
  }
}

async function data(samples: number): Promise<{ xs: tf.Tensor; ys: tf.Tensor; vxs: tf.Tensor; vys: tf.Tensor }> {
  const split = await loadDigitsSplit();
  const train = takeDigits(split.train, samples);
  const toX = (set: DigitsSet): tf.Tensor => tf.tensor2d(set.features, [set.size, DIGITS_FEATURES]);
  const toY = (set: DigitsSet): tf.Tensor => tf.tidy(() => tf.oneHot(tf.tensor1d(set.labels, 'int32'), DIGITS_CLASSES));
  return { xs: toX(train), ys: toY(train), vxs: toX(split.validation), vys: toY(split.validation) };
}

function build(p: Extract<PlainRequest, { kind: 'train' }>['params']): {
  model: tf.Sequential;
  optimizer: tf.Optimizer;
} {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [DIGITS_FEATURES] }));
  for (let i = 0; i < p.hidden_layers; i++) {
    model.add(tf.layers.dense({ units: p.hidden_units, activation: 'relu' }));
    if (p.dropout > 0) model.add(tf.layers.dropout({ rate: p.dropout }));
  }
  model.add(tf.layers.dense({ units: DIGITS_CLASSES, activation: 'softmax' }));
  const optimizer = tf.train.adam(p.learning_rate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, optimizer };
}

async function train(request: Extract<PlainRequest, { kind: 'train' }>): Promise<number> {
  const { params } = request;
  const { xs, ys, vxs, vys } = await data(params.train_samples);
  const { model, optimizer } = build(params);
  let last = Number.NaN;
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      const history = await model.fit(xs, ys, {
        epochs: 1,
        batchSize: params.batch_size,
        shuffle: true,
        validationData: [vxs, vys],
        yieldEvery: 'never',
        verbose: 0,
        // The per-batch cancellation check the built-in examples used before StopWhenCanceled
        // (src/examples/common.ts), to show what it cost: a function callback makes TF.js resolve
        // the batch's loss and accuracy, a read back, after every batch.
        ...(request.cancelHook ? { callbacks: { onBatchEnd: async () => {} } } : {}),
      });
      last = Number(history.history['val_acc']?.[0] ?? history.history['val_accuracy']?.[0] ?? Number.NaN);
    }
  } finally {
    tf.dispose([xs, ys, vxs, vys]);
    model.dispose();
    optimizer.dispose();
  }
  return last;
}

async function handle(request: PlainRequest): Promise<PlainReply> {
  try {
    if (request.kind === 'init') {
      const ok = await tf.setBackend(request.backend);
      await tf.ready();
      const settledOn = tf.getBackend();
      if (!ok || settledOn !== request.backend) {
        return {
          id: request.id,
          kind: 'init',
          ok: false,
          settledOn,
          adapter: null,
          stepMs: null,
          error: `tf.setBackend('${request.backend}') failed (TF.js is on ${settledOn})`,
        };
      }
      // One training step, to tell "initialises" from "can train".
      const params = {
        learning_rate: 0.01,
        batch_size: 32,
        hidden_layers: 1,
        hidden_units: 64,
        dropout: 0,
        optimizer: 'adam' as const,
        epochs: 1,
        train_samples: 32,
      };
      const { model, optimizer } = build(params);
      const x = tf.randomUniform([32, DIGITS_FEATURES]);
      const y = tf.tidy(() => tf.oneHot(tf.randomUniform([32], 0, DIGITS_CLASSES, 'int32'), DIGITS_CLASSES));
      let stepMs: number;
      try {
        await model.trainOnBatch(x, y);
        const t0 = performance.now();
        await model.trainOnBatch(x, y);
        stepMs = performance.now() - t0;
      } finally {
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
      }
      await loadDigitsSplit();
      return {
        id: request.id,
        kind: 'init',
        ok: true,
        settledOn,
        adapter: request.backend === 'webgpu' ? await adapterText() : null,
        stepMs,
        error: null,
      };
    }
    const t0 = performance.now();
    const valAccuracy = await train(request);
    return { id: request.id, kind: 'train', ok: true, trainMs: performance.now() - t0, valAccuracy, error: null };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return request.kind === 'init'
      ? { id: request.id, kind: 'init', ok: false, settledOn: null, adapter: null, stepMs: null, error: message }
      : { id: request.id, kind: 'train', ok: false, trainMs: 0, valAccuracy: null, error: message };
  }
}

self.addEventListener('message', (event: MessageEvent<PlainRequest>) => {
  void handle(event.data).then((reply) => self.postMessage(reply));
});
