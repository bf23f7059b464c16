// The browser half of bench section `data` (bench/sections/data.ts): a generated wide CSV, as a
// File, parsed, profiled and prepared by the real data worker through the page's DataClient,
// while a 'longtask' observer records every main-thread task of 50 ms or more.
import { DataClient } from '../../src/browser/datasets/index.js';
import { parsePreparationSpec } from '../../src/data/index.js';
import { generateWideCsv } from '../lib/wide-csv.js';

export interface DataBenchPlan {
  readonly rows: number;
  readonly columns: number;
}

export interface DataBenchFile {
  readonly bytes: number;
  /** Generating the text on this thread, before anything is measured. */
  readonly generateMs: number;
}

export interface DataBenchRep {
  /** File → profile (read, UTF-8 decode, hash, parse, profile in the worker; the profile back). */
  readonly inspectMs: number;
  /** Profile → prepared typed arrays on this page (fit on the training split, encode, transfer). */
  readonly prepareMs: number;
  readonly wallMs: number;
  /** Every main-thread task of 50 ms or more that started during this repetition. */
  readonly longTasksMs: readonly number[];
  readonly rows: number;
  readonly columns: number;
  readonly kinds: Readonly<Record<string, number>>;
  readonly inputSize: number;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly classes: readonly string[] | null;
}

interface Prepared {
  readonly file: File;
  readonly client: DataClient;
  readonly observer: PerformanceObserver;
  readonly longTasks: PerformanceEntry[];
}
let state: Prepared | null = null;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes the file (on this thread, before measuring), starts the long-task observer and warms the worker. */
async function setUp(plan: DataBenchPlan): Promise<DataBenchFile> {
  tearDown();
  const t0 = performance.now();
  const file = new File([generateWideCsv(plan.rows, plan.columns, 7)], 'wide.csv', { type: 'text/csv' });
  const generateMs = performance.now() - t0;
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  const client = new DataClient();
  // The worker's start (module load) is not the data's cost: warm it on a two-row file.
  await client.inspect(new File(['a,b\n1,x\n2,y\n'], 'warm.csv'));
  state = { file, client, observer, longTasks };
  return { bytes: file.size, generateMs };
}

function live(): Prepared {
  if (state === null) throw new Error('data bench: setUp first');
  return state;
}

/** One repetition: the File to the prepared arrays on this page. */
async function repetition(): Promise<DataBenchRep> {
  const { file, client, longTasks } = live();
  await pause(200);
  const spec = parsePreparationSpec({ target: 'label', task: 'classification' });
  const start = performance.now();
  const inspection = await client.inspect(file);
  const inspected = performance.now();
  const prepared = await client.prepare({ id: inspection.id }, spec);
  const end = performance.now();
  // Entries arrive after their task ends: give the observer a turn before reading them.
  await pause(50);
  const kinds: Record<string, number> = {};
  for (const c of inspection.profile.columns) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
  return {
    inspectMs: inspected - start,
    prepareMs: end - inspected,
    wallMs: end - start,
    longTasksMs: longTasks.filter((t) => t.startTime >= start && t.startTime <= end).map((t) => t.duration),
    rows: inspection.profile.rows,
    columns: inspection.profile.columns.length,
    kinds,
    inputSize: prepared.inputShape[0] ?? 0,
    trainRows: prepared.yTrain.length,
    validationRows: prepared.yValidation.length,
    classes: prepared.classes,
  };
}

/**
 * The control: the page doing nothing for `ms`. On a loaded machine a task of a few
 * milliseconds can be descheduled long enough to count as a long task; this shows how often.
 */
async function idle(ms: number): Promise<readonly number[]> {
  const { longTasks } = live();
  const start = performance.now();
  // Small timers, as a page waiting on a worker has: each is a task the observer can see.
  while (performance.now() - start < ms) await pause(16);
  const end = performance.now();
  await pause(50);
  return longTasks.filter((t) => t.startTime >= start && t.startTime <= end).map((t) => t.duration);
}

function tearDown(): void {
  if (state === null) return;
  state.observer.disconnect();
  state.client.close();
  state = null;
}

const overdriveDataBench = { setUp, repetition, idle, tearDown };
export type OverdriveDataBench = typeof overdriveDataBench;

declare global {
  interface Window {
    overdriveDataBench: OverdriveDataBench;
  }
}

window.overdriveDataBench = overdriveDataBench;
const status = document.getElementById('status');
if (status !== null) status.textContent = 'ready';
