import { describe, expect, it } from 'vitest';
import { poolSize } from '../../src/pool/device-limits.js';
import {
  ProtocolError,
  checkWireParams,
  parseCalibration,
  parseEventBatch,
  parseHello,
  parseNotice,
  parseStatus,
  parseTrialResult,
} from '../../src/pool/protocol.js';
import type { ParamSet } from '../../src/space/expression.js';

const memory = { backend: 'wasm', numTensors: 0, numBytes: 0, gpuBytes: null };
const hygiene = {
  baselineTensors: 0,
  tensorsAtEnd: 3,
  strayTensorsDisposed: 3,
  strayVariablesDisposed: 0,
  tensorsAfterCleanup: 0,
  memory,
};

describe('parsing what a worker sends', () => {
  it('accepts well-formed event batches, non-finite metric values included', () => {
    const batch = [
      {
        kind: 'started',
        time: 1,
        backend: 'webgpu',
        notes: [],
        adapter: { vendor: 'google', architecture: 'swiftshader', description: '' },
      },
      { kind: 'metric', name: 'loss', value: Number.NaN, time: 2 },
      { kind: 'metric', name: 'loss', value: Number.POSITIVE_INFINITY, time: 3 },
      { kind: 'warning', message: 'leak', time: 4 },
    ];
    expect(parseEventBatch(batch)).toEqual(batch);
  });

  it.each([
    [null, 'event batch must be an array (got null)'],
    [[{ kind: 'metric', name: 'loss', value: '0.5', time: 1 }], 'event batch[0].value must be a number (got "0.5")'],
    [[{ kind: 'metric', name: '', value: 1, time: 1 }], 'event batch[0].name must be a non-empty string'],
    [
      [{ kind: 'metric', name: 'x', value: 1, time: Number.NaN }],
      'event batch[0].time must be a finite number (got NaN)',
    ],
    [
      [{ kind: 'started', time: 1, backend: 'tpu', notes: [], adapter: null }],
      'event batch[0].backend must be one of webgpu, webgl, wasm, cpu (got "tpu")',
    ],
    [[{ kind: 'log', text: 'hi' }], 'event batch[0].kind must be started, metric or warning (got "log")'],
    [[42], 'event batch[0] must be an object (got 42)'],
    [new Array(10_001).fill({ kind: 'warning', message: '', time: 0 }), 'event batch has more than 10000 entries'],
  ])('rejects a malformed batch %#', (batch, message) => {
    expect(() => parseEventBatch(batch)).toThrow(ProtocolError);
    expect(() => parseEventBatch(batch)).toThrow(message);
  });

  it('accepts each kind of trial result and rejects anything else', () => {
    expect(parseTrialResult({ kind: 'completed', hygiene })).toEqual({ kind: 'completed', hygiene });
    expect(parseTrialResult({ kind: 'canceled', reason: 'policy', hygiene: null })).toEqual({
      kind: 'canceled',
      reason: 'policy',
      hygiene: null,
    });
    const failed = {
      kind: 'failed',
      error: { message: 'Error: boom', stack: 'at x' },
      hygiene: null,
      unhealthy: 'device lost',
    };
    expect(parseTrialResult(failed)).toEqual(failed);
    expect(() => parseTrialResult({ kind: 'done' })).toThrow(
      'trial result.kind must be completed, failed or canceled (got "done")',
    );
    expect(() => parseTrialResult({ kind: 'failed', error: 'boom', hygiene: null, unhealthy: null })).toThrow(
      'trial result.error must be an object',
    );
    expect(() => parseTrialResult({ kind: 'completed', hygiene: { ...hygiene, tensorsAtEnd: -1 } })).toThrow(
      'trial result.hygiene.tensorsAtEnd must be a non-negative integer (got -1)',
    );
    expect(() => parseTrialResult(undefined)).toThrow('trial result must be an object (got undefined)');
  });

  it('checks hello, notices, status and calibration', () => {
    expect(parseHello({ protocol: 2, lockHeld: true, webgpu: false, offscreenCanvas: true }).lockHeld).toBe(true);
    expect(() => parseHello({ protocol: 1, lockHeld: true, webgpu: false, offscreenCanvas: true })).toThrow(
      'hello.protocol must be 2 (got 1)',
    );
    expect(parseNotice({ kind: 'unhealthy', reason: 'lost' })).toEqual({ kind: 'unhealthy', reason: 'lost' });
    expect(() => parseNotice({ kind: 'bored' })).toThrow('notice.kind must be unhealthy');
    const status = {
      workerId: 1,
      backend: 'cpu',
      unhealthy: null,
      busy: false,
      trials: 2,
      memory,
      adapter: null,
      datasets: ['spiral'],
    };
    expect(parseStatus(status)).toEqual(status);
    expect(() => parseStatus({ ...status, trials: 1.5 })).toThrow(
      'status.trials must be a non-negative integer (got 1.5)',
    );
    const candidate = {
      backend: 'wasm',
      available: true,
      canTrain: false,
      warmupMs: null,
      stepMs: null,
      steps: 0,
      error: 'no kernel',
      adapter: null,
    };
    const calibration = { workload: 'w', candidates: [candidate], chosen: 'cpu', reason: 'r', totalMs: 5 };
    expect(parseCalibration(calibration)).toEqual(calibration);
    expect(() => parseCalibration({ ...calibration, chosen: 'gpu' })).toThrow('calibration.chosen must be one of');
  });

  it('refuses parameters that cannot be cloned into a worker', () => {
    expect(() => checkWireParams({ lr: 0.1, opt: 'adam', nested: { deep: true } })).not.toThrow();
    expect(() => checkWireParams({ f: (() => 1) as unknown as number } as ParamSet)).toThrow(
      'parameter f cannot be sent to a worker (got function)',
    );
  });
});

describe('pool size', () => {
  it('is the request when the device holds it', () => {
    expect(poolSize(2, 'wasm', 8)).toEqual({ requested: 2, size: 2, deviceLimit: 8, clampedBecause: null });
  });

  it('is clamped to the cores, saying so', () => {
    const report = poolSize(64, 'cpu', 2);
    expect(report.size).toBe(2);
    expect(report.clampedBecause).toBe(
      'requested 64 workers, this device holds 2: navigator.hardwareConcurrency is 2: one worker per core',
    );
  });

  it('stays modest on a GPU backend, and for auto which may pick one', () => {
    expect(poolSize(16, 'webgpu', 32).size).toBe(4);
    expect(poolSize(16, 'auto', 32).clampedBecause).toContain("backend 'auto' shares one GPU: at most 4 workers");
    expect(poolSize(16, 'wasm', 32).size).toBe(16);
    expect(poolSize(100, 'wasm', 256).size).toBe(32);
  });

  it('assumes 2 cores when the browser does not say, and rejects a non-integer request', () => {
    expect(poolSize(8, 'cpu', undefined)).toMatchObject({
      size: 2,
      clampedBecause: expect.stringContaining('core count is unknown'),
    });
    expect(() => poolSize(0, 'cpu', 4)).toThrow('pool size must be a positive integer (got 0)');
    expect(() => poolSize(1.5, 'cpu', 4)).toThrow(RangeError);
  });
});
