import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as hpjs from 'hyperparameters';
import { choice, loguniform, SeededRandom, uniform, type ParamSet } from '../../src/index.js';
import { resolveBuiltin } from '../../src/examples/registry.js';
import { createRunContext } from '../../src/run-logger/run-context.js';
import { paramsKey } from '../../src/space/flatten.js';
import type { Task } from './contenders.js';

/** What every digits trial trains with besides the tuned parameters: a small budget. */
export const DIGITS_FIXED = { epochs: 5, optimizer: 'adam' } as const;

const DATASET = fileURLToPath(new URL('../../public/datasets/digits.csv', import.meta.url));
const WASM_FILES = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

/** A mid-sized configuration, timed on each backend to pick the faster one. */
const REFERENCE: ParamSet = { learning_rate: 0.003, hidden_units: 64, hidden_layers: 2, dropout: 0.1, batch_size: 64 };

export interface DigitsSetup {
  readonly task: Task;
  readonly backend: string;
  /** Seconds one reference training took on each backend that loaded. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * The built-in digits MLP (src/examples/digits-mlp.ts) trained in this process on TF.js, as a
 * real objective: best validation accuracy over its epochs, to maximise.
 *
 * Weight initialisation and batch shuffling draw from Math.random, which is seeded here per
 * (seed, configuration) for the length of one training: the same configuration then scores the
 * same for every sampler, so the comparison is about which configurations they choose.
 */
export async function setUpDigits(): Promise<DigitsSetup> {
  const csv = readFileSync(DATASET, 'utf8');
  // The model loads its data with fetch, as in the browser; here the shipped file answers.
  globalThis.fetch = (async () => new Response(csv, { status: 200 })) as typeof fetch;
  setWasmPaths(WASM_FILES);
  const train = await resolveBuiltin('digits-mlp');

  const evaluate = async (params: ParamSet, seed: number): Promise<number> => {
    const full: ParamSet = { ...params, ...DIGITS_FIXED };
    const original = Math.random;
    const random = new SeededRandom(`digits:${seed}:${paramsKey(params)}`);
    Math.random = () => random.next();
    let best = Number.NaN;
    try {
      const run = createRunContext({
        id: 'bench',
        params: full,
        signal: new AbortController().signal,
        emit: (name, value) => {
          if (name === 'val_accuracy' && Number.isFinite(value) && !(value <= best)) best = value;
        },
      });
      await train(full, run);
    } finally {
      Math.random = original;
    }
    return best;
  };

  const timings: Record<string, number> = {};
  for (const backend of ['cpu', 'wasm']) {
    try {
      if (!(await tf.setBackend(backend))) continue;
      await tf.ready();
      const started = performance.now();
      await evaluate(REFERENCE, 0);
      timings[backend] = (performance.now() - started) / 1000;
    } catch {
      // A backend that cannot load here is simply not a candidate.
    }
  }
  const fastest = Object.entries(timings).sort((a, b) => a[1] - b[1])[0]?.[0] ?? 'cpu';
  await tf.setBackend(fastest);
  await tf.ready();

  const task: Task = {
    id: 'digits',
    definition: {
      learning_rate: loguniform(Math.log(1e-4), Math.log(0.3)),
      hidden_units: choice(16, 32, 64, 128),
      hidden_layers: choice(1, 2, 3),
      dropout: uniform(0, 0.5),
      batch_size: choice(32, 64, 128, 256),
    },
    hpjsSpace: () => ({
      learning_rate: hpjs.loguniform(Math.log(1e-4), Math.log(0.3)),
      hidden_units: hpjs.choice([16, 32, 64, 128]),
      hidden_layers: hpjs.choice([1, 2, 3]),
      dropout: hpjs.uniform(0, 0.5),
      batch_size: hpjs.choice([32, 64, 128, 256]),
    }),
    goal: 'MAXIMIZE',
    evaluate,
    evaluatedInPython: false,
  };
  return { task, backend: fastest, timings };
}
