import { describe, expect, it } from 'vitest';
import {
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  MemoryStore,
  PrimaryMetricGoal,
  Workspace,
  choice,
} from '../../src/index.js';
import type {
  TrialEvent,
  TrialExecution,
  TrialListener,
  TrialOutcome,
  TrialRequest,
  TrialRunner,
} from '../../src/trial-runner/runner.js';
import { sequentialIds, tick } from './helpers.js';

// A runner that loses a trial (its sandbox process died with others in it: src/pool/quarantine.ts)
// says `lost`; the orchestrator re-runs that run in place, as after a reload (semantics §8):
// same id and budget slot, next attempt, from its latest checkpoint with that checkpoint's
// history, the lost attempt's points kept under their own attempt.

/** One attempt of a trial: what it logs, whether it checkpoints after `checkpointAfter` values, how it ends. */
interface Attempt {
  readonly values: readonly number[];
  readonly checkpointAfter?: number;
  readonly end: TrialOutcome;
}

class ScriptedRunner implements TrialRunner {
  readonly capacity = 4;
  readonly requests: TrialRequest[] = [];
  private readonly calls = new Map<string, number>();

  constructor(private readonly script: (params: TrialRequest['params'], call: number) => Attempt) {}

  start(request: TrialRequest, listener: TrialListener): TrialExecution {
    this.requests.push(request);
    const call = (this.calls.get(request.runId) ?? 0) + 1;
    this.calls.set(request.runId, call);
    const attempt = this.script(request.params, call);
    const outcome = (async (): Promise<TrialOutcome> => {
      await tick();
      listener([{ kind: 'started', time: 1, backend: 'cpu' }]);
      for (const [i, value] of attempt.values.entries()) {
        await tick();
        const event: TrialEvent = { kind: 'metric', name: 'acc', value, time: 10 * call + i };
        listener([event]);
        if (attempt.checkpointAfter === i + 1) await request.checkpoint?.({ state: { epoch: i + 1 }, artifacts: {} });
      }
      await tick();
      return attempt.end;
    })();
    return { outcome, cancel: () => {} };
  }

  async dispose(): Promise<void> {}
}

const LOST: TrialOutcome = { kind: 'lost', reason: 'its sandbox process died while it ran beside other trials' };

function submit(runner: ScriptedRunner, store: MemoryStore) {
  const workspace = new Workspace({ store, runner, createSweepId: sequentialIds('HD_lost') });
  return new Experiment(workspace, 'lost').submit(
    new HyperDriveConfig({
      hyperparameterSampling: new GridParameterSampling({ q: choice(1, 2) }),
      primaryMetricName: 'acc',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: 2,
      maxConcurrentRuns: 2,
      trial: { kind: 'builtin', name: 'spiral' },
    }),
  );
}

describe('a lost trial re-runs in place', () => {
  it('from its latest checkpoint: the history up to it carried over, the lost attempt kept under its number, the budget exact', async () => {
    const store = new MemoryStore();
    const runner = new ScriptedRunner((params, call) =>
      params['q'] === 1 && call === 1
        ? { values: [0.1, 0.2, 0.3], checkpointAfter: 2, end: LOST }
        : params['q'] === 1
          ? { values: [0.35, 0.4], end: { kind: 'completed' } }
          : { values: [0.5], end: { kind: 'completed' } },
    );
    const sweep = submit(runner, store);
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Completed');
    expect(record.warnings).toContain(
      `run ${sweep.id}_0 re-runs: its sandbox process died while it ran beside other trials`,
    );
    const runs = sweep.getChildren();
    expect(runs).toHaveLength(2);
    const lost = runs.find((r) => r.params['q'] === 1);
    expect(lost).toMatchObject({ status: 'Completed', attempt: 2, bestMetric: 0.4, intervals: 4, error: null });
    expect(lost?.resumedFrom).toEqual({ sweepId: sweep.id, runId: lost?.id, sequence: 1 });
    // The re-run trial was handed its checkpoint.
    const rerun = runner.requests.filter((r) => r.runId === lost?.id);
    expect(rerun).toHaveLength(2);
    expect(rerun[0]?.resumeFrom ?? null).toBeNull();
    expect(rerun[1]?.resumeFrom).toMatchObject({ runId: lost?.id, sequence: 1, intervals: 2, state: { epoch: 2 } });
    // Live view: the history up to the checkpoint, then the new attempt's values.
    expect(sweep.getMetrics()[lost?.id ?? '']).toEqual({ acc: [0.1, 0.2, 0.35, 0.4] });
    // Stored: the lost attempt as it was, and the new one with the carried history first.
    const points = await store.listMetrics(sweep.id, lost?.id);
    expect(points.map((p) => [p.attempt, p.step, p.value])).toEqual([
      [1, 0, 0.1],
      [1, 1, 0.2],
      [1, 2, 0.3],
      [2, 0, 0.1],
      [2, 1, 0.2],
      [2, 2, 0.35],
      [2, 3, 0.4],
    ]);
    expect((await store.listRuns(sweep.id)).find((r) => r.id === lost?.id)).toMatchObject({
      status: 'Completed',
      attempt: 2,
    });
  });

  it('from the start when it had no checkpoint', async () => {
    const store = new MemoryStore();
    const runner = new ScriptedRunner((params, call) =>
      params['q'] === 2 && call === 1
        ? { values: [0.9], end: LOST }
        : { values: [0.2 * Number(params['q'])], end: { kind: 'completed' } },
    );
    const sweep = submit(runner, store);
    await sweep.waitForCompletion();
    const run = sweep.getChildren().find((r) => r.params['q'] === 2);
    expect(run).toMatchObject({ status: 'Completed', attempt: 2, bestMetric: 0.4, intervals: 1, resumedFrom: null });
    expect(runner.requests.filter((r) => r.runId === run?.id)[1]?.resumeFrom ?? null).toBeNull();
    // The lost attempt's 0.9 is stored under attempt 1 and is not the run's best.
    expect((await store.listMetrics(sweep.id, run?.id)).map((p) => [p.attempt, p.value])).toEqual([
      [1, 0.9],
      [2, 0.4],
    ]);
  });

  it('ends as a stopped run, without re-running, when the sweep is stopping', async () => {
    const store = new MemoryStore();
    const runner = new ScriptedRunner(() => ({ values: [0.1], end: LOST }));
    const sweep = submit(runner, store);
    // Lost again and again would loop: the runner (the pool's quarantine) bounds it; here the
    // sweep is cancelled, and the lost run ends as a stopped run does.
    await tick();
    sweep.cancel();
    const record = await sweep.waitForCompletion();
    expect(record.status).toBe('Canceled');
    for (const run of sweep.getChildren()) expect(run.status).toBe('Canceled');
  });
});
