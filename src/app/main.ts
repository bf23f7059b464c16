import * as tf from '@tensorflow/tfjs';
import * as overdrive from '../index.js';
import {
  BanditPolicy,
  Experiment,
  HyperDriveConfig,
  PrimaryMetricGoal,
  RandomParameterSampling,
  Workspace,
  choice,
  loguniform,
} from '../index.js';
import { terminationText } from '../experiment/termination-text.js';
import { flattenParams } from '../space/flatten.js';
import type { RunRecord, SweepRecord } from '../store/records.js';
import { trainSpiralMlp } from '../models/spiral-mlp.js';

declare global {
  interface Window {
    /** The public API, for the console and for browser tests. */
    overdrive: typeof overdrive;
    /** The demo's sweep result once it ends. */
    demoResult?: SweepRecord;
  }
}
window.overdrive = overdrive;

const query = new URLSearchParams(location.search);
const intParam = (name: string, fallback: number): number => {
  const v = Number(query.get(name));
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

const PARAM_COLUMNS = ['learning_rate', 'hidden_units', 'hidden_layers', 'optimizer'] as const;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function cell(row: HTMLTableRowElement, text: string, className?: string): void {
  const td = document.createElement('td');
  // textContent, never innerHTML: parameter values and messages are user data.
  td.textContent = text;
  if (className !== undefined) td.className = className;
  row.append(td);
}

function format(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return String(value);
}

function renderHead(): void {
  const head = $<HTMLTableRowElement>('run-table-head');
  for (const title of ['Run', 'Status', ...PARAM_COLUMNS, 'Best val_accuracy', 'Intervals', 'Duration', 'Reason']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
}

function renderRuns(runs: readonly RunRecord[]): void {
  const body = $<HTMLTableSectionElement>('run-table-body');
  const rows = runs.map((run) => {
    const row = document.createElement('tr');
    row.dataset['runId'] = run.id;
    row.dataset['status'] = run.status;
    const flat = flattenParams(run.params);
    cell(row, String(run.index));
    cell(row, run.status, `status-${run.status}`);
    for (const name of PARAM_COLUMNS) cell(row, format(flat[name] ?? ''));
    cell(row, run.bestMetric === null ? '—' : run.bestMetric.toFixed(4));
    cell(row, String(run.intervals));
    const end = run.endedAt ?? Date.now();
    cell(row, run.startedAt === null ? '—' : `${((end - run.startedAt) / 1000).toFixed(1)} s`);
    cell(row, run.termination !== null ? terminationText(run.termination) : (run.error?.message ?? ''), 'reason');
    return row;
  });
  body.replaceChildren(...rows);
}

async function main(): Promise<void> {
  const backend = query.get('backend');
  if (backend !== null && !(await tf.setBackend(backend))) {
    throw new Error(`TF.js backend ${JSON.stringify(backend)} is not available in this browser`);
  }
  await tf.ready();

  const runs = intParam('runs', 8);
  const concurrency = intParam('concurrency', 2);
  const epochs = intParam('epochs', 20);
  $('demo-description').textContent =
    `${runs} runs, ${concurrency} at a time, ${epochs} epochs each, random sampling (seed 7), ` +
    `Bandit policy (slack 0.15, delay 5), TF.js backend "${tf.getBackend()}", in-process runner.`;
  renderHead();

  const workspace = new Workspace({ name: 'overdrive-demo' });
  const sweep = new Experiment(workspace, 'spiral-demo').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        {
          learning_rate: loguniform(Math.log(1e-3), Math.log(0.3)),
          hidden_units: choice(4, 8, 16),
          hidden_layers: choice(1, 2, 3),
          optimizer: choice('adam', 'sgd', 'rmsprop'),
          epochs: choice(epochs),
        },
        { seed: 7 },
      ),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: runs,
      maxConcurrentRuns: concurrency,
      policy: new BanditPolicy({ slackFactor: 0.15, evaluationInterval: 1, delayEvaluation: 5 }),
      train: trainSpiralMlp,
    }),
  );

  const status = $('demo-status');
  const refresh = (): void => {
    status.textContent = sweep.getStatus();
    renderRuns(sweep.getChildren());
  };
  let scheduled = false;
  sweep.subscribe(() => {
    // Coalesce bursts of events into one redraw per frame-ish tick.
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      refresh();
    }, 50);
  });
  $<HTMLButtonElement>('demo-cancel').addEventListener('click', () => void sweep.cancel());
  for (const warning of sweep.warnings) {
    const li = document.createElement('li');
    li.textContent = warning;
    $('demo-warnings').append(li);
  }

  const result = await sweep.waitForCompletion();
  refresh();
  const best = sweep.getBestRunByPrimaryMetric();
  $('demo-best').textContent =
    best === null
      ? `No run logged val_accuracy. ${result.error?.message ?? ''}`
      : `Best: run ${best.index} with val_accuracy ${best.bestMetric?.toFixed(4)} — ` +
        Object.entries(flattenParams(best.params))
          .map(([name, value]) => `${name} = ${format(value)}`)
          .join(', ');
  $('demo-summary').textContent = result.error === null ? '' : ` — ${result.error.message}`;
  $<HTMLButtonElement>('demo-cancel').disabled = true;
  window.demoResult = result;
}

main().catch((error: unknown) => {
  $('demo-status').textContent = 'error';
  $('demo-summary').textContent = ` — ${error instanceof Error ? error.message : String(error)}`;
});
