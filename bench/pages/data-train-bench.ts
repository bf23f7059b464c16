// The data-train bench page (bench/sections/data-train.ts): a seeded wide table stored in this
// origin (DatasetStore), then a tabular-mlp sweep on it through the real runtime (worker pool,
// env.datasets.user over the pool's protocol, the data worker preparing once), while a
// 'longtask' observer watches the page's main thread.
import { BrowserWorkspace } from '../../src/browser/index.js';
import { DatasetStore } from '../../src/browser/datasets/index.js';
import { workspaceDatasets } from '../../src/browser/stored-datasets.js';
import type { DatasetPreparer } from '../../src/browser/user-data.js';
import { parsePreparationSpec } from '../../src/data/index.js';
import { choice, GridParameterSampling, HyperDriveConfig, PrimaryMetricGoal } from '../../src/index.js';
import { COPY_SLICE } from '../../src/pool/user-data.js';

export interface DataTrainOptions {
  readonly rows: number;
  readonly columns: number;
  readonly runs: number;
  readonly epochs: number;
}

export interface DataTrainResult {
  readonly csvBytes: number;
  readonly storeMs: number;
  /** Each preparation the page asked the data worker for (one expected per sweep). */
  readonly prepareMs: readonly number[];
  readonly sweepMs: number;
  readonly runs: readonly {
    readonly status: string;
    readonly error: string | null;
    readonly valAccuracy: number | null;
  }[];
  readonly inputSize: number | null;
  readonly trainRows: number | null;
  /** Main-thread tasks of 50 ms or more during the sweep (ms each). */
  readonly longTasksMs: readonly number[];
  /** When each of them started, ms after submit, and the preparation's start and end: which phase they fall in. */
  readonly longTaskStartsMs: readonly number[];
  readonly preparedAtMs: readonly (readonly [number, number])[];
  readonly idleMs: number;
  /** The same observer on the idle page, before: what the machine's load alone causes. */
  readonly idleLongTasksMs: readonly number[];
  /** Copying a training split of this size on the page: at once (slice) and in COPY_SLICE slices. */
  readonly copy: {
    readonly values: number;
    readonly wholeMs: number;
    readonly longestSliceMs: number;
    readonly slices: number;
  };
}

/** A seeded CSV: numeric columns, three categoricals, and a 3-class label learnable from them. */
function generateCsv(rows: number, columns: number): string {
  let state = 12345;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const numeric = columns - 4;
  const header = [...Array.from({ length: numeric }, (_, i) => `x${i}`), 'colour', 'size', 'region', 'label'];
  const colours = ['red', 'green', 'blue', 'amber', 'violet'];
  const sizes = ['S', 'M', 'L'];
  const lines: string[] = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const values: string[] = [];
    let score = 0;
    for (let c = 0; c < numeric; c++) {
      const v = random() * 10 - 5;
      if (c < 4) score += v;
      values.push(v.toFixed(3));
    }
    const colour = colours[Math.floor(random() * colours.length)] ?? 'red';
    if (colour === 'red') score += 2;
    values.push(colour, sizes[Math.floor(random() * sizes.length)] ?? 'S', `r${Math.floor(random() * 20)}`);
    values.push(score < -2 ? 'low' : score > 2 ? 'high' : 'mid');
    lines.push(values.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function observeLongTasks(): { stop(): number[]; starts: number[] } {
  const seen: number[] = [];
  const starts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      seen.push(entry.duration);
      starts.push(entry.startTime);
    }
  });
  observer.observe({ type: 'longtask', buffered: false });
  return {
    stop() {
      for (const entry of observer.takeRecords()) {
        seen.push(entry.duration);
        starts.push(entry.startTime);
      }
      observer.disconnect();
      return seen;
    },
    starts,
  };
}

/**
 * What answering one worker costs the page's thread: a copy of the training split made at once
 * (one task) against the same copy in COPY_SLICE slices (the longest of its tasks), measured on
 * the page with nothing else running. Median of three each.
 */
function measureCopy(values: number): DataTrainResult['copy'] {
  const source = new Float32Array(values);
  for (let i = 0; i < values; i++) source[i] = i % 997;
  const whole: number[] = [];
  const sliced: number[] = [];
  let slices = 0;
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    const copy = source.slice();
    whole.push(performance.now() - t0);
    if (copy.length !== values) throw new Error('copy lost values');
    const target = new Float32Array(values);
    let longest = 0;
    slices = 0;
    for (let start = 0; start < values; start += COPY_SLICE) {
      t0 = performance.now();
      target.set(source.subarray(start, start + COPY_SLICE), start);
      longest = Math.max(longest, performance.now() - t0);
      slices++;
    }
    sliced.push(longest);
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[1] ?? Number.NaN;
  return { values, wholeMs: median(whole), longestSliceMs: median(sliced), slices };
}

async function run(options: DataTrainOptions): Promise<DataTrainResult> {
  const name = `bench-data-train-${Date.now()}`;
  const text = generateCsv(options.rows, options.columns);
  const file = new File([text], 'wide.csv', { type: 'text/csv' });

  // The machine's own noise: the idle page, timers ticking, nothing of ours running.
  const idleMs = 3000;
  const idle = observeLongTasks();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idleLongTasksMs = idle.stop();

  let t0 = performance.now();
  const store = await DatasetStore.open(name);
  const { summary } = await store.put('wide.csv', file);
  const storeMs = performance.now() - t0;
  store.close();

  const prepareMs: number[] = [];
  const preparedAtMs: [number, number][] = [];
  const stored = workspaceDatasets(name);
  const timed: DatasetPreparer = {
    storedName: (id) => stored.storedName(id),
    async prepare(id, preparation) {
      const started = performance.now();
      try {
        return await stored.prepare(id, preparation);
      } finally {
        prepareMs.push(performance.now() - started);
        preparedAtMs.push([started - t0, performance.now() - t0]);
      }
    },
    close: () => stored.close?.(),
  };
  const ws = await BrowserWorkspace.open({ name, datasets: timed });
  const config = new HyperDriveConfig({
    hyperparameterSampling: new GridParameterSampling({
      learning_rate: choice(...Array.from({ length: options.runs }, (_, i) => 0.01 / (i + 1))),
      hidden_units: 32,
      hidden_layers: 1,
      dropout: 0,
      epochs: options.epochs,
      batch_size: 256,
    }),
    primaryMetricName: 'val_accuracy',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: options.runs,
    maxConcurrentRuns: options.runs,
    trial: { kind: 'builtin', name: 'tabular-mlp' },
    data: {
      dataset: summary.id,
      name: 'wide.csv',
      preparation: parsePreparationSpec({ target: 'label', task: 'classification' }),
    },
  });
  const busy = observeLongTasks();
  t0 = performance.now();
  const { sweep } = await ws.submit('bench-data-train', config, { backend: 'wasm' });
  await sweep.waitForCompletion();
  const sweepMs = performance.now() - t0;
  const longTasksMs = busy.stop();
  const metrics = sweep.getMetrics();
  const runs = sweep.getChildren().map((child) => {
    const accuracy = metrics[child.id]?.['val_accuracy'];
    const last = Array.isArray(accuracy) ? accuracy.at(-1) : accuracy;
    return {
      status: child.status,
      error: child.error?.message ?? null,
      valAccuracy: typeof last === 'number' ? last : null,
    };
  });
  const files = await ws.modelFiles({ bestOf: sweep.id }).catch(() => null);
  const preparation = files?.preparation ?? null;
  await ws.close();
  return {
    csvBytes: file.size,
    storeMs,
    prepareMs,
    sweepMs,
    runs,
    inputSize: preparation !== null && !('kind' in preparation) ? preparation.inputSize : null,
    trainRows: preparation !== null && !('kind' in preparation) ? preparation.rows.train : null,
    longTasksMs,
    longTaskStartsMs: busy.starts.map((start) => start - t0),
    preparedAtMs,
    idleMs,
    idleLongTasksMs,
    copy: measureCopy(
      preparation !== null && !('kind' in preparation)
        ? preparation.inputSize * preparation.rows.train
        : options.rows * options.columns,
    ),
  };
}

const dataTrainBench = { run };
declare global {
  interface Window {
    dataTrainBench: typeof dataTrainBench;
  }
}
window.dataTrainBench = dataTrainBench;
