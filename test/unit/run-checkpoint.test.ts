import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  InProcessRunner,
  MemoryStore,
  PrimaryMetricGoal,
  SeededRandom,
  Workspace,
  choice,
  type TrainFunction,
} from '../../src/index.js';
import { resolveBuiltin } from '../../src/examples/registry.js';
import { restoreModel } from '../../src/examples/restore.js';
import { serializeModelInScope } from '../../src/examples/serialize.js';
import {
  CHECKPOINT_LIMITS,
  MODEL_JSON,
  MODEL_WEIGHTS,
  decodeModelArtifacts,
  serializeModel,
  withoutOptimizer,
  type CheckpointData,
  type ResumePoint,
} from '../../src/run-logger/checkpoint.js';
import { createRunContext } from '../../src/run-logger/run-context.js';
import { sequentialIds } from './helpers.js';

const csv = readFileSync(resolve(import.meta.dirname, '../../public/datasets/digits.csv'), 'utf8');

beforeAll(async () => {
  await tf.setBackend('cpu');
  vi.stubGlobal('fetch', async () => new Response(csv, { status: 200 }));
});
afterAll(() => {
  vi.unstubAllGlobals();
});

function smallModel(): { model: tf.Sequential; optimizer: tf.Optimizer } {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  const optimizer = tf.train.adam(0.05);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, optimizer };
}

async function trainedModel(): Promise<{
  model: tf.Sequential;
  optimizer: tf.Optimizer;
  xs: tf.Tensor;
  ys: tf.Tensor;
}> {
  const { model, optimizer } = smallModel();
  const xs = tf.tensor2d([
    [0, 1, 2],
    [1, 0, 1],
    [2, 2, 0],
    [0, 0, 1],
  ]);
  const ys = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 0],
    [0, 1],
  ]);
  await model.fit(xs, ys, { epochs: 3, verbose: 0, yieldEvery: 'never' });
  return { model, optimizer, xs, ys };
}

describe('model checkpoints (real TF.js models)', () => {
  it('serialise weights and optimizer state, and restore a model that predicts the same', async () => {
    const { model, optimizer, xs, ys } = await trainedModel();
    const { artifacts, optimizer: withOptimizer } = await serializeModel(model);
    expect(Object.keys(artifacts).sort()).toEqual([MODEL_JSON, MODEL_WEIGHTS]);
    expect(withOptimizer).toBe(true);
    const decoded = decodeModelArtifacts(artifacts);
    expect(decoded?.weightSpecs.some((s) => s.group === 'optimizer')).toBe(true);

    const restored = await restoreModel({ state: null, artifacts });
    const before = model.predict(xs) as tf.Tensor;
    const after = restored.predict(xs) as tf.Tensor;
    expect(Array.from(await after.data())).toEqual(Array.from(await before.data()));
    // The optimizer continues with its moments: one more step moves both models identically.
    await model.fit(xs, ys, { epochs: 1, verbose: 0, yieldEvery: 'never', shuffle: false });
    await restored.fit(xs, ys, { epochs: 1, verbose: 0, yieldEvery: 'never', shuffle: false });
    const a = model.predict(xs) as tf.Tensor;
    const b = restored.predict(xs) as tf.Tensor;
    const diff = Math.max(...Array.from(await tf.sub(a, b).abs().data()));
    expect(diff).toBeLessThan(1e-6);
    const restoredOptimizer = restored.optimizer;
    tf.dispose([before, after, a, b, xs, ys]);
    model.dispose();
    optimizer.dispose();
    restored.dispose();
    restoredOptimizer.dispose();
  });

  it('strip the optimizer for export: only the model weights, a prefix of the data', async () => {
    const { model, optimizer, xs, ys } = await trainedModel();
    const { artifacts } = await serializeModel(model);
    const full = decodeModelArtifacts(artifacts);
    if (full === null) throw new Error('no model');
    const bare = withoutOptimizer(full);
    const params = model.countParams();
    expect(bare.weightSpecs.map((s) => s.name)).toEqual(model.weights.map((w) => w.name));
    expect(bare.weightData.byteLength).toBe(params * 4);
    expect(bare.trainingConfig).toBeUndefined();
    expect(new Uint8Array(bare.weightData)).toEqual(new Uint8Array(full.weightData.slice(0, params * 4)));
    tf.dispose([xs, ys]);
    model.dispose();
    optimizer.dispose();
  });

  it('run.checkpoint refuses what it cannot store, naming the problem', async () => {
    const stored: CheckpointData[] = [];
    const run = createRunContext({
      id: 'r',
      params: {},
      signal: new AbortController().signal,
      emit: () => {},
      checkpoint: async (data) => {
        stored.push(data);
      },
    });
    expect(run.canCheckpoint).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(run.checkpoint(null, cyclic)).rejects.toThrow(/run.checkpoint: state must be JSON/);
    await expect(run.checkpoint(null, { big: 'x'.repeat(CHECKPOINT_LIMITS.stateBytes) })).rejects.toThrow(
      /at most 1048576 are kept/,
    );
    await expect(run.checkpoint({} as never, { epoch: 1 })).rejects.toThrow(
      'run.checkpoint: model must be a TF.js layers model or null (got {})',
    );
    await run.checkpoint(null, { epoch: 2 });
    expect(stored).toEqual([{ state: { epoch: 2 }, artifacts: {} }]);

    const noStore = createRunContext({ id: 'r', params: {}, signal: new AbortController().signal, emit: () => {} });
    expect(noStore.canCheckpoint).toBe(false);
    await expect(noStore.checkpoint(null, {})).rejects.toThrow('run.checkpoint: this runner stores no checkpoints');
  });

  it('checkpoints are stored one at a time, in call order', async () => {
    const order: number[] = [];
    const run = createRunContext({
      id: 'r',
      params: {},
      signal: new AbortController().signal,
      emit: () => {},
      checkpoint: async (data) => {
        const epoch = (data.state as { epoch: number }).epoch;
        // The first write is the slowest: a later one must still not overtake it.
        await new Promise((r) => setTimeout(r, epoch === 1 ? 30 : 1));
        order.push(epoch);
      },
    });
    await Promise.all([
      run.checkpoint(null, { epoch: 1 }),
      run.checkpoint(null, { epoch: 2 }),
      run.checkpoint(null, { epoch: 3 }),
    ]);
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('checkpoints through a sweep', () => {
  it('are stored durably with their sequence and interval count, and summarised on the run', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({ store, createSweepId: sequentialIds(), random: new SeededRandom(1) });
    const train: TrainFunction = async (params, run) => {
      const { model, optimizer } = smallModel();
      try {
        for (let epoch = 1; epoch <= 3; epoch++) {
          run.log('accuracy', Number(params['q']) * epoch);
          if (epoch >= 2) await run.checkpoint(model, { epoch });
        }
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    };
    const sweep = new Experiment(workspace, 'ckpt').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ q: choice(0.1, 0.2) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        train,
      }),
    );
    await sweep.waitForCompletion();
    for (const run of sweep.getChildren()) {
      expect(run.checkpoint).toMatchObject({ sequence: 2, intervals: 3, metricCounts: { accuracy: 3 }, model: true });
      expect(run.checkpoint?.bytes).toBeGreaterThan(100);
      const stored = await store.latestCheckpoint(run.id);
      expect(stored).toMatchObject({
        sweepId: sweep.id,
        runId: run.id,
        attempt: 1,
        sequence: 2,
        intervals: 3,
        state: { epoch: 3 },
      });
      expect(decodeModelArtifacts(stored?.artifacts ?? {})?.weightSpecs.length).toBeGreaterThan(0);
      expect((await store.listRuns(sweep.id)).find((r) => r.id === run.id)?.checkpoint?.sequence).toBe(2);
    }
  });

  it('a checkpoint after the run ended is refused', async () => {
    let late: (() => Promise<void>) | null = null;
    const workspace = new Workspace({ runner: new InProcessRunner(), createSweepId: sequentialIds() });
    const sweep = new Experiment(workspace, 'late').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ q: choice(1) }),
        primaryMetricName: 'accuracy',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 1,
        train: (_p, run) => {
          run.log('accuracy', 1);
          late = () => run.checkpoint(null, { epoch: 9 });
        },
      }),
    );
    await sweep.waitForCompletion();
    await expect((late as unknown as () => Promise<void>)()).rejects.toThrow(
      /has ended; its checkpoint was not stored/,
    );
  });
});

describe('the built-in examples checkpoint and resume', () => {
  it('digits-mlp checkpoints its final epoch, and a run resumed from epoch 2 of 4 trains only epochs 3 and 4', async () => {
    const train = await resolveBuiltin('digits-mlp');
    const params = { epochs: 4, train_samples: 200, hidden_units: 16, checkpoint_interval: 0 };
    const saved: CheckpointData[] = [];
    const logged: string[] = [];
    const first = createRunContext({
      id: 'a',
      params,
      serializeModel: serializeModelInScope,
      signal: new AbortController().signal,
      emit: (name) => logged.push(name),
      checkpoint: async (data) => {
        saved.push(data);
      },
    });
    const before = tf.memory().numTensors;
    await train(params, first);
    expect(saved.map((c) => c.state)).toEqual([{ epoch: 1 }, { epoch: 2 }, { epoch: 3 }, { epoch: 4 }]);
    expect(tf.memory().numTensors).toBe(before);

    const second = saved[1];
    if (second === undefined) throw new Error('no checkpoint at epoch 2');
    const resumeFrom: ResumePoint = { ...second, runId: 'a', sequence: 2, intervals: 2 };
    const resumedLogs: string[] = [];
    const resumedSaves: CheckpointData[] = [];
    const resumed = createRunContext({
      id: 'b',
      params,
      serializeModel: serializeModelInScope,
      signal: new AbortController().signal,
      emit: (name) => resumedLogs.push(name),
      checkpoint: async (data) => {
        resumedSaves.push(data);
      },
      resumeFrom,
    });
    await train(params, resumed);
    expect(resumedLogs.filter((n) => n === 'val_accuracy')).toHaveLength(2);
    expect(resumedSaves.map((c) => c.state)).toEqual([{ epoch: 3 }, { epoch: 4 }]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('the default cadence checkpoints only the final epoch of a short run', async () => {
    const train = await resolveBuiltin('spiral');
    const saved: CheckpointData[] = [];
    const run = createRunContext({
      id: 'a',
      params: {},
      signal: new AbortController().signal,
      emit: () => {},
      checkpoint: async (data) => {
        saved.push(data);
      },
    });
    await train({ epochs: 3 }, run);
    expect(saved.map((c) => c.state)).toEqual([{ epoch: 3 }]);
  }, 60_000);
});
