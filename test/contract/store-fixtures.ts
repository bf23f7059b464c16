// Records the store tests write: the contract suite (over both stores) and the store page's
// scenario (test/browser/pages/store-page.ts) build them the same way.
import type { CheckpointRecord, DecisionRecord, MetricPoint, RunRecord, SweepRecord } from '../../src/store/records.js';

export function sweep(
  id: string,
  workspace: string,
  experiment: string,
  createdAt: number,
  status: SweepRecord['status'] = 'Running',
): SweepRecord {
  return {
    id,
    workspace,
    experiment,
    status,
    config: {
      sampling: { kind: 'random', space: { lr: { kind: 'uniform', low: 0, high: 1 } }, options: { seed: 7 } },
      primaryMetricName: 'accuracy',
      primaryMetricGoal: 'MAXIMIZE',
      maxTotalRuns: 4,
      maxConcurrentRuns: 2,
      maxDurationMinutes: 10080,
      policy: { kind: 'bandit', options: { slackFactor: 0.2, evaluationInterval: 1, delayEvaluation: 0 } },
      trial: { kind: 'builtin', name: 'digits-mlp' },
    },
    concurrency: 2,
    warnings: ['a warning'],
    createdAt,
    startedAt: createdAt + 1,
    endedAt: status === 'Running' ? null : createdAt + 100,
    endReason: status === 'Running' ? null : { kind: 'max-total-runs', runs: 3 },
    error: null,
  };
}

export function run(
  sweepId: string,
  index: number,
  status: RunRecord['status'] = 'Running',
  bestMetric: number | null = null,
): RunRecord {
  return {
    id: `${sweepId}_${index}`,
    sweepId,
    index,
    attempt: 1,
    params: { lr: 0.1 * (index + 1), layers: index + 1, optimizer: 'adam', nested: { units: 32 } },
    status,
    createdAt: 1000 + index,
    startedAt: 1001 + index,
    endedAt: status === 'Running' || status === 'Queued' ? null : 2000 + index,
    intervals: 3,
    bestMetric,
    termination: null,
    error: status === 'Failed' ? { message: 'boom', stack: 'Error: boom\n    at train' } : null,
    backend: 'cpu',
  };
}

export function point(sweepId: string, runId: string, step: number, value: number, name = 'accuracy'): MetricPoint {
  return { sweepId, runId, attempt: 1, name, step, value, time: 5000 + step };
}

export function decision(sweepId: string, runId: string, interval: number, cancel: boolean): DecisionRecord {
  const evidence = {
    policy: 'bandit',
    value: 0.5,
    best: Number.POSITIVE_INFINITY,
    threshold: Number.NaN,
    slackFactor: 0.2,
    slackAmount: null,
    comparedRuns: 2,
  } as const;
  return {
    sweepId,
    runId,
    time: 6000 + interval,
    decision: cancel
      ? { kind: 'cancel', policy: 'bandit', interval, evidence, explanation: 'below the cut-off' }
      : { kind: 'continue', policy: 'bandit', interval, evidence, explanation: 'within slack' },
  };
}

export function checkpoint(sweepId: string, runId: string, sequence: number, fill = sequence): CheckpointRecord {
  return {
    sweepId,
    runId,
    attempt: 1,
    sequence,
    time: 7000 + sequence,
    state: { epoch: sequence, loss: Number.NaN, history: [1, Number.NEGATIVE_INFINITY] },
    artifacts: {
      weights: new Float32Array([fill, fill + 0.5, Number.NaN]).buffer,
      optimizer: new Uint8Array([fill, 255]).buffer,
    },
  };
}
