import { describe, expect, it } from 'vitest';
import type { HygieneReport, TrialResult } from '../../src/pool/protocol.js';
import { dueForRecycling, retirementAfter, type WorkerHistory } from '../../src/pool/recycling.js';

/** The keep-or-replace rules after a trial, as plain decisions. */

const limits = { recycleAfterTrials: 3, recycleMinLifetimeMs: 0, maxTensorGrowth: 0, maxGpuBytesGrowth: 1024 * 1024 };

function hygiene(baseline: number, after: number, gpuBytes: number | null = null): HygieneReport {
  return {
    baselineTensors: baseline,
    tensorsAtEnd: after,
    strayTensorsDisposed: 0,
    strayVariablesDisposed: 0,
    tensorsAfterCleanup: after,
    memory: { backend: 'cpu', numTensors: after, numBytes: 0, gpuBytes },
  };
}

function worker(trials: number, firstBaselineTensors: number | null = null): WorkerHistory {
  return { id: 7, bornAt: Date.now(), trials, firstBaselineTensors };
}

describe('retirementAfter', () => {
  it('keeps a worker whose trial left nothing behind', () => {
    const w = worker(1);
    expect(retirementAfter(w, { kind: 'completed', hygiene: hygiene(4, 4) }, 'r1', limits)).toBeNull();
    expect(w.firstBaselineTensors).toBe(4);
  });

  it('replaces an unhealthy worker at once', () => {
    const result: TrialResult = {
      kind: 'failed',
      error: { message: 'Error: lost', stack: null },
      hygiene: null,
      unhealthy: 'WebGPU device lost',
    };
    expect(retirementAfter(worker(1), result, 'r1', limits)).toEqual({
      reason: 'worker 7 became unhealthy: WebGPU device lost',
      cause: 'unhealthy',
      replace: true,
    });
  });

  it('replaces a worker that ran out of memory at once, before measuring its tensors', () => {
    const w = worker(1);
    const result: TrialResult = {
      kind: 'failed',
      error: { message: 'RangeError: Array buffer allocation failed', stack: null },
      hygiene: hygiene(4, 9),
      unhealthy: null,
    };
    expect(retirementAfter(w, result, 'r1', limits)).toMatchObject({ cause: 'memory', replace: true });
    expect(w.firstBaselineTensors).toBeNull();
  });

  it('retires a worker that leaks tensors or holds too much GPU memory, replacing it when next needed', () => {
    expect(retirementAfter(worker(2, 4), { kind: 'completed', hygiene: hygiene(4, 6) }, 'r2', limits)).toEqual({
      reason: 'worker 7 holds 2 more tensor(s) than at its first trial after cleanup',
      cause: 'memory',
      replace: false,
    });
    const gpu = retirementAfter(worker(1), { kind: 'completed', hygiene: hygiene(4, 4, 2 * 1024 * 1024) }, 'r', limits);
    expect(gpu).toEqual({
      reason: 'worker 7 holds 2.0 MiB of GPU memory (limit 1.0 MiB)',
      cause: 'memory',
      replace: false,
    });
  });

  it('recycles after enough trials, once the worker is old enough', () => {
    expect(retirementAfter(worker(3), { kind: 'completed', hygiene: null }, 'r3', limits)).toEqual({
      reason: 'worker 7 ran 3 trials',
      cause: 'recycled',
      replace: false,
    });
    const young = { ...limits, recycleMinLifetimeMs: 60_000 };
    expect(retirementAfter(worker(3), { kind: 'completed', hygiene: null }, 'r3', young)).toBeNull();
    expect(dueForRecycling({ bornAt: Date.now() - 61_000 }, 3, young)).toBe(true);
  });
});
