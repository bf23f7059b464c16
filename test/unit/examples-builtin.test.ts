import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HyperparameterError,
  makeOptimizer,
  OPTIMIZERS,
  readCommon,
  readDropout,
  StopWhenCanceled,
} from '../../src/examples/common.js';
import { BUILTIN_EXAMPLES, loadBuiltinModule, resolveBuiltin } from '../../src/examples/registry.js';
import { restoreModel } from '../../src/examples/restore.js';
import { SPIRAL_DEFAULTS, trainSpiralMlp } from '../../src/examples/spiral-mlp.js';
import { createRunContext } from '../../src/run-logger/run-context.js';
import { RunCanceledError } from '../../src/run-logger/run.js';
import type { ParamSet } from '../../src/space/expression.js';

const csv = readFileSync(resolve(import.meta.dirname, '../../public/datasets/digits.csv'), 'utf8');

beforeAll(async () => {
  await tf.setBackend('cpu');
  // Node has no page to fetch /datasets/digits.csv from: serve the shipped file.
  vi.stubGlobal('fetch', async () => new Response(csv, { status: 200 }));
});
afterAll(() => {
  vi.unstubAllGlobals();
});

function recordingRun(params: ParamSet, cancelAfter = Infinity) {
  const controller = new AbortController();
  const logged: { name: string; value: number }[] = [];
  const run = createRunContext({
    id: 'r',
    params,
    signal: controller.signal,
    emit: (name, value) => {
      logged.push({ name, value });
      if (logged.filter((l) => l.name === 'val_accuracy').length >= cancelAfter) controller.abort('policy');
    },
  });
  return { run, logged };
}

describe('hyperparameters of the built-in examples', () => {
  it('fall back to the defaults when absent', () => {
    expect(readCommon({}, SPIRAL_DEFAULTS)).toEqual(SPIRAL_DEFAULTS);
  });

  it('accept numeric strings and round integer ones (HyperDrive scripts cast with int())', () => {
    const hp = readCommon(
      { hidden_units: '16', hidden_layers: 2.6, batch_size: 63.9, optimizer: 'SGD' },
      SPIRAL_DEFAULTS,
    );
    expect(hp).toMatchObject({ hiddenUnits: 16, hiddenLayers: 3, batchSize: 64, optimizer: 'sgd' });
  });

  it('reject bad values naming the parameter', () => {
    expect(() => readCommon({ learning_rate: 0 }, SPIRAL_DEFAULTS)).toThrow(HyperparameterError);
    expect(() => readCommon({ learning_rate: 'fast' }, SPIRAL_DEFAULTS)).toThrow(
      'learning_rate must be a finite number (got "fast")',
    );
    expect(() => readCommon({ optimizer: 'lbfgs' }, SPIRAL_DEFAULTS)).toThrow(
      'optimizer must be one of adam, sgd, rmsprop, adagrad (got "lbfgs")',
    );
    expect(() => readCommon({ batch_size: 0 }, SPIRAL_DEFAULTS)).toThrow(/batch_size must be an integer between 1 and/);
    expect(() => readCommon({ epochs: true }, SPIRAL_DEFAULTS)).toThrow('epochs must be a finite number (got true)');
  });

  it('take dropout directly or as keep_probability, not both', () => {
    expect(readDropout({ dropout: 0.25 })).toBe(0.25);
    expect(readDropout({ keep_probability: 0.75 })).toBeCloseTo(0.25);
    expect(readDropout({})).toBe(0);
    expect(() => readDropout({ dropout: 0.1, keep_probability: 0.9 })).toThrow('either dropout or keep_probability');
    expect(() => readDropout({ dropout: 1 })).toThrow('dropout must be < 1');
    expect(() => readDropout({ keep_probability: 0 })).toThrow('keep_probability must be > 0');
  });

  it('build each optimizer by name', () => {
    for (const name of OPTIMIZERS) {
      const optimizer = makeOptimizer(name, 0.01);
      expect(optimizer).toBeInstanceOf(tf.Optimizer);
      optimizer.dispose();
    }
  });
});

describe('the registry of built-in examples', () => {
  it('names digits-mlp, digits-cnn, spiral and the data templates, each a module with a default training function', async () => {
    expect([...BUILTIN_EXAMPLES].sort()).toEqual(['digits-cnn', 'digits-mlp', 'image-cnn', 'spiral', 'tabular-mlp']);
    for (const name of BUILTIN_EXAMPLES) {
      const module = await loadBuiltinModule(name);
      expect(typeof module.default).toBe('function');
      expect(typeof module.calibration).toBe('function');
    }
    expect(await resolveBuiltin('spiral')).toBe(trainSpiralMlp);
  });

  it('refuses an unknown name, listing the known ones', async () => {
    await expect(loadBuiltinModule('resnet')).rejects.toThrow(
      'unknown built-in example "resnet"; built-in examples: digits-mlp, digits-cnn, spiral, tabular-mlp, image-cnn',
    );
  });
});

describe('the built-in examples train for real (TF.js cpu backend) and clean up after themselves', () => {
  for (const [name, params] of [
    ['spiral', { epochs: 2 }],
    ['digits-mlp', { epochs: 2, train_samples: 200, hidden_units: 16, dropout: 0.1, optimizer: 'rmsprop' }],
    ['digits-cnn', { epochs: 1, train_samples: 100, filters: 4, optimizer: 'adagrad' }],
  ] as const) {
    it(`${name} logs accuracy, loss, val_accuracy and val_loss each epoch and leaves no tensor behind`, async () => {
      const train = await resolveBuiltin(name);
      const before = tf.memory().numTensors;
      const { run, logged } = recordingRun(params);
      await train(params, run);
      const names = logged.map((l) => l.name);
      expect(names).toEqual(
        Array.from({ length: params.epochs }, () => ['loss', 'accuracy', 'val_loss', 'val_accuracy']).flat(),
      );
      for (const { name: metric, value } of logged) {
        expect(Number.isFinite(value), metric).toBe(true);
        if (metric.endsWith('accuracy')) expect(value).toBeGreaterThanOrEqual(0);
        if (metric.endsWith('accuracy')) expect(value).toBeLessThanOrEqual(1);
      }
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }

  it('a cancelled run stops before its next epoch and still disposes model and optimizer', async () => {
    const train = await resolveBuiltin('spiral');
    const before = tf.memory().numTensors;
    const { run, logged } = recordingRun({ epochs: 10 }, 2);
    await train({ epochs: 10 }, run);
    expect(logged.filter((l) => l.name === 'val_accuracy')).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run cancelled mid-epoch ends with RunCanceledError at its next report, without leaking', async () => {
    const train = await resolveBuiltin('spiral');
    const before = tf.memory().numTensors;
    const logged: { name: string; value: number }[] = [];
    // Cancel as soon as the first epoch's loss is reported: accuracy's log then throws.
    const controller = new AbortController();
    const cancelling = createRunContext({
      id: 'r',
      params: {},
      signal: controller.signal,
      emit: (name, value) => {
        logged.push({ name, value });
        if (name === 'loss') controller.abort('policy');
      },
    });
    await expect(train({ epochs: 10 }, cancelling)).rejects.toBeInstanceOf(RunCanceledError);
    expect(logged.map((l) => l.name)).toEqual(['loss']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run cancelled while an epoch trains (a message from outside) stops within that epoch, without leaking', async () => {
    const train = await resolveBuiltin('digits-mlp');
    const before = tf.memory().numTensors;
    // 1437 batches of one row: an epoch takes far longer than the 30 ms before the cancel.
    const params = { epochs: 3, batch_size: 1, hidden_units: 16 };
    const { run, logged, controller } = (() => {
      const c = new AbortController();
      const l: { name: string; value: number }[] = [];
      const r = createRunContext({ id: 'r', params, signal: c.signal, emit: (name, value) => l.push({ name, value }) });
      return { run: r, logged: l, controller: c };
    })();
    // A timer, like the worker's cancel message: it can only run if training lets the event loop in.
    setTimeout(() => controller.abort('policy'), 30);
    await expect(train(params, run)).rejects.toBeInstanceOf(RunCanceledError);
    // Stopped inside the first epoch: it never reported.
    expect(logged).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('training does not read the loss back after every batch (only per epoch)', async () => {
    const train = await resolveBuiltin('digits-mlp');
    const params = { epochs: 1, train_samples: 320, batch_size: 8, hidden_units: 16 };
    const reads = vi.spyOn(tf.Tensor.prototype, 'data');
    const dataSyncs = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      const { run } = recordingRun(params);
      await train(params, run);
      // 40 batches: a per-batch read back would be 80 (loss and accuracy each batch).
      expect(reads.mock.calls.length + dataSyncs.mock.calls.length).toBeLessThan(40);
    } finally {
      reads.mockRestore();
      dataSyncs.mockRestore();
    }
  }, 60_000);

  it('StopWhenCanceled stops training once the run is cancelled and yields at most every yieldEveryMs', async () => {
    let canceled = false;
    const target = { stopTraining: false };
    const callback = new StopWhenCanceled(
      {
        get isCanceled() {
          return canceled;
        },
      },
      target,
      1_000_000,
    );
    await callback.onBatchEnd();
    expect(target.stopTraining).toBe(false);
    canceled = true;
    await callback.onBatchEnd();
    expect(target.stopTraining).toBe(true);

    // yieldEveryMs 0: every batch end lets queued tasks run.
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    try {
      const eager = new StopWhenCanceled({ isCanceled: false }, { stopTraining: false }, 0);
      const start = performance.now();
      while (ticks === 0 && performance.now() - start < 5_000) await eager.onBatchEnd();
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('a bad hyperparameter fails the run before any tensor is made', async () => {
    const train = await resolveBuiltin('digits-cnn');
    const before = tf.memory().numTensors;
    const { run } = recordingRun({});
    await expect(train({ kernel_size: 12 }, run)).rejects.toThrow(
      'kernel_size must be an integer between 1 and 8 (got 12)',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('calibration workloads run training steps and dispose everything', async () => {
    for (const name of BUILTIN_EXAMPLES) {
      const module = await loadBuiltinModule(name);
      const before = tf.memory().numTensors;
      const workload = module.calibration?.({
        tf,
        backend: 'cpu',
        datasets: {
          digits: () => Promise.reject(new Error('unused')),
          spiral: () => Promise.reject(new Error('unused')),
          user: () => Promise.reject(new Error('unused')),
        },
        restoreModel,
      });
      expect(workload?.description).toContain(name);
      await workload?.step();
      await workload?.step();
      workload?.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  }, 60_000);
});
