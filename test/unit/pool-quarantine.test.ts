import { afterEach, describe, expect, it } from 'vitest';
import { Quarantine } from '../../src/pool/quarantine.js';
import type { EventSink, WireTrialRequest } from '../../src/pool/protocol.js';
import type { TrialOutcome } from '../../src/trial-runner/runner.js';
import { collect, disposePools, type FakeWorker, makePool, never, request, type Script, tick } from './pool-fakes.js';

// Issue 13, item 1: running out of memory kills only the trial, also where Chromium puts every
// sandboxed frame of the site in one process. The decisions (src/pool/quarantine.ts) as values,
// then the pool acting on them against fake workers whose "process" the test ends.

afterEach(disposePools);

const DEATH = "the trial sandbox's process ended (out of memory, or it crashed)";

describe('Quarantine decisions', () => {
  it('blames a trial that dies alone at once, naming the run and the cause', () => {
    const q = new Quarantine(2);
    const verdict = q.decide({ runId: 'HD_1_0', position: 'alone', reason: DEATH });
    expect(verdict.kind).toBe('culprit');
    expect(verdict.reason).toBe(
      `TrialProcessCrashedError: run HD_1_0 ended its sandbox process while it ran alone there: it ran out of memory or crashed it (${DEATH}).`,
    );
    expect(q.isSuspect('HD_1_0')).toBe(false);
  });

  it('holds a trial that died beside others as a suspect, to re-run alone; alone again and dying, it is the culprit', () => {
    const q = new Quarantine(2);
    const first = q.decide({ runId: 'r', position: 'beside-others', reason: DEATH });
    expect(first).toEqual({
      kind: 'retry-alone',
      retry: 1,
      reason: `its sandbox process died while r ran beside other trials (${DEATH}); which trial ended it is not known, so it re-runs alone in a fresh sandbox (retry 1 of 2)`,
    });
    expect(q.isSuspect('r')).toBe(true);
    const second = q.decide({ runId: 'r', position: 'alone', reason: DEATH });
    expect(second.kind).toBe('culprit');
    expect(second.reason).toContain('re-run alone after its sandbox had died with other trials in it 1 time(s)');
    expect(q.isSuspect('r')).toBe(false);
  });

  it('spends a retry budget per run, so deaths that are nobody’s fault cannot re-run a trial for ever', () => {
    const q = new Quarantine(2);
    expect(q.decide({ runId: 'r', position: 'not-started', reason: DEATH }).kind).toBe('retry-alone');
    expect(q.decide({ runId: 'r', position: 'beside-others', reason: DEATH }).kind).toBe('retry-alone');
    const spent = q.decide({ runId: 'r', position: 'not-started', reason: DEATH });
    expect(spent.kind).toBe('budget-spent');
    expect(spent.reason).toContain('died 3 time(s), the last before r had started');
    expect(spent.reason).toContain("the pool's maxCrashRetries is 2");
    // Other runs keep their own budget.
    expect(q.decide({ runId: 's', position: 'beside-others', reason: DEATH }).kind).toBe('retry-alone');
    // With no budget, every trial of a dead process fails.
    expect(new Quarantine(0).decide({ runId: 'r', position: 'beside-others', reason: DEATH }).kind).toBe(
      'budget-spent',
    );
  });

  it('clears a suspect whose run ended some other way', () => {
    const q = new Quarantine(2);
    q.decide({ runId: 'r', position: 'beside-others', reason: DEATH });
    q.clear('r');
    expect(q.isSuspect('r')).toBe(false);
  });
});

/**
 * Trials by `params.mode`: 'train' waits until the test ends its process the first time and
 * completes when re-run; 'fill' ends its own process whenever it runs alone. `running` counts
 * the trials in workers at once.
 */
function heapScript(state: { running: number; maxRunning: number; calls: Map<string, number> }): Script {
  return {
    runTrial: async (request: WireTrialRequest, sink: EventSink, worker: FakeWorker) => {
      const call = (state.calls.get(request.runId) ?? 0) + 1;
      state.calls.set(request.runId, call);
      state.running += 1;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      try {
        await sink([{ kind: 'started', time: 1, backend: request.backend, notes: [], adapter: null }]);
        await sink([{ kind: 'metric', name: 'acc', value: call / 10, time: 2 }]);
        if (call === 1) return await never();
        if (request.params['mode'] === 'fill') {
          // Its process goes, and the trial with it (this call never returns to count it out).
          setTimeout(() => {
            state.running -= 1;
            worker.processEnded();
          }, 0);
          return await never();
        }
        return { kind: 'completed', hygiene: null };
      } finally {
        state.running -= 1;
      }
    },
  };
}

describe('WorkerPool quarantine', () => {
  it('loses every trial of a process that died with several in it, re-runs them one at a time in fresh workers, and fails only the one that dies alone', async () => {
    const state = { running: 0, maxRunning: 0, calls: new Map<string, number>() };
    const { pool, workers } = await makePool(heapScript(state), { size: 3 });
    const requests = ['train', 'fill', 'train'].map((mode) => request({ params: { mode } }));
    const first = requests.map((r) => pool.start(r, collect().listener).outcome);
    await waitUntil(() => state.running === 3, 'three trials running');

    // Chromium's default: the sandboxed frames share one process, and all of them die together.
    for (const worker of workers) worker.processEnded();
    const lost = await Promise.all(first);
    for (const [i, outcome] of lost.entries()) {
      expect(outcome.kind, `run ${i}`).toBe('lost');
      if (outcome.kind === 'lost') expect(outcome.reason).toContain('re-runs alone in a fresh sandbox');
    }
    // No worker was started to replace them: the suspects are to have the sandbox to themselves.
    expect(workers).toHaveLength(3);

    // The orchestrator re-runs them in place (same run ids), as it does with a lost outcome.
    state.running = 0;
    state.maxRunning = 0;
    const again = requests.map((r) => pool.start(r, collect().listener).outcome);
    // A new trial started meanwhile waits until the quarantine is over.
    const bystander = request({ params: { mode: 'train' } });
    state.calls.set(bystander.runId, 1);
    const later = pool.start(bystander, collect().listener).outcome;
    const [trainA, fill, trainB] = await Promise.all(again);
    expect(trainA).toEqual({ kind: 'completed' });
    expect(trainB).toEqual({ kind: 'completed' });
    expect(fill?.kind).toBe('failed');
    expect(failure(fill)).toMatch(
      /^TrialProcessCrashedError: run HD_1_\d+ ended its sandbox process while it ran alone there: it ran out of memory or crashed it/,
    );
    expect(state.maxRunning).toBe(1);
    // Each suspect ran in a worker of its own, closed after it.
    const suspectWorkers = workers.slice(3, 6);
    expect(suspectWorkers.map((w) => w.requests.map((r) => r.runId))).toEqual(requests.map((r) => [r.runId]));
    expect(suspectWorkers.every((w) => w.terminated)).toBe(true);
    expect(await later).toEqual({ kind: 'completed' });
    expect(pool.stats().retired).toMatchObject({ 'process-ended': 4, quarantine: 2 });
    // The pool says what happened, per run.
    const notes = pool.diagnostics().filter((d) => d.kind === 'warning');
    expect(notes.map((n) => n.runId)).toEqual([...requests.map((r) => r.runId), requests[1]?.runId]);
  });

  it('judges a trial that was alone in the pool at once: no re-run', async () => {
    const state = { running: 0, maxRunning: 0, calls: new Map<string, number>() };
    const { pool, workers } = await makePool(heapScript(state), { size: 3 });
    const outcome = pool.start(request({ params: { mode: 'fill' } }), collect().listener).outcome;
    await waitUntil(() => state.running === 1, 'the trial running');
    workers[0]?.processEnded();
    const result = await outcome;
    expect(result.kind).toBe('failed');
    expect(failure(result)).toContain('while it ran alone there');
  });

  it('gives up on a run whose isolated worker keeps dying before it starts, after maxCrashRetries', async () => {
    const { pool, workers } = await makePool(
      (index) => (index === 0 ? { runTrial: () => never() } : { hello: () => never() }),
      {
        size: 2,
        maxCrashRetries: 1,
      },
    );
    const r = request();
    // Two trials share the sandbox; its process dies.
    const a = pool.start(r, collect().listener).outcome;
    await waitUntil(() => workers.length === 1 && workers[0]?.requests.length === 1, 'the trial running');
    // A second worker lives beside it (another trial's), so its death is not surely its own.
    const other = pool.start(request(), collect().listener).outcome;
    await waitUntil(() => workers.length === 2, 'a second worker');
    for (const worker of workers) worker.processEnded();
    expect((await a).kind).toBe('lost');
    expect((await other).kind).toBe('lost');
    // Re-run alone, its fresh worker's process dies before the trial reaches it: over the budget.
    const again = pool.start(r, collect().listener).outcome;
    await waitUntil(() => workers.length === 3, 'the isolated worker');
    workers[2]?.processEnded();
    const result = await again;
    expect(result.kind).toBe('failed');
    expect(failure(result)).toContain('died 2 time(s), the last before');
    expect(failure(result)).toContain('maxCrashRetries is 1');
  });

  it('ends a calibration whose sandbox process died at once, and falls back to the backend chain', async () => {
    const { pool, workers } = await makePool(
      (index) => ({
        calibrate: () => {
          // The module fills the heap while it is measured: its process dies.
          setTimeout(() => workers[index]?.processEnded(), 0);
          return never();
        },
      }),
      { backend: 'auto', calibration: { timeoutMs: 60_000 } },
    );
    expect(await pool.start(request(), collect().listener).outcome).toEqual({ kind: 'completed' });
    expect(pool.calibrations()[0]).toMatchObject({
      chosen: 'webgpu',
      failure: expect.stringContaining("the calibration worker stopped (the trial sandbox's process ended"),
    });
  });

  it('checks maxCrashRetries', async () => {
    await expect(makePool({}, { maxCrashRetries: -1 })).rejects.toThrow(
      'maxCrashRetries must be a number >= 0 (got -1)',
    );
  });
});

function failure(outcome: TrialOutcome | undefined): string {
  return outcome?.kind === 'failed' ? outcome.error.message : `not failed: ${JSON.stringify(outcome)}`;
}

async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await tick(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}
