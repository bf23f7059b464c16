import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect, disposePools, makePool, never, request, tick, until } from './pool-fakes.js';
import type { TrialRequest } from '../../src/trial-runner/runner.js';
import { PROTOCOL_VERSION } from '../../src/pool/protocol.js';

// The pool against fake workers (./pool-fakes.ts).

afterEach(disposePools);

describe('WorkerPool', () => {
  it('runs a trial on a lazily spawned worker and forwards its events, backend and worker included', async () => {
    const { pool, workers } = await makePool({});
    expect(workers).toHaveLength(0);
    const sink = collect();
    const outcome = await pool.start(request(), sink.listener).outcome;
    expect(outcome).toEqual({ kind: 'completed' });
    expect(sink.events).toEqual([
      // The worker that runs it (the pool's first worker, id 1), kept on the run record for the timeline.
      { kind: 'started', time: 1, backend: 'cpu', worker: 1 },
      { kind: 'metric', name: 'acc', value: 0, time: 2 },
      { kind: 'metric', name: 'acc', value: 0.1, time: 3 },
    ]);
    expect(workers).toHaveLength(1);
    expect(workers[0]?.requests[0]).toMatchObject({
      trial: { kind: 'builtin', name: 'spiral' },
      backend: 'cpu',
      params: { lr: 0.1 },
    });
  });

  it('reuses an idle worker, and gives two trials started in the same turn two workers', async () => {
    const { pool, workers } = await makePool({});
    await pool.start(request(), () => {}).outcome;
    await pool.start(request(), () => {}).outcome;
    expect(workers).toHaveLength(1);
    const a = pool.start(request(), () => {});
    const b = pool.start(request(), () => {});
    await Promise.all([a.outcome, b.outcome]);
    expect(workers).toHaveLength(2);
    expect(workers[0]?.requests).toHaveLength(3);
    expect(workers[1]?.requests).toHaveLength(1);
  });

  it('refuses function trials, unknown built-ins and unclonable parameters with a clear error', async () => {
    const { pool, workers } = await makePool({});
    const fn = await pool.start(request({ trial: { kind: 'function', train: () => {} } }), () => {}).outcome;
    expect(fn).toMatchObject({
      kind: 'failed',
      error: { message: expect.stringContaining('functions cannot be sent to a worker') },
    });
    const unknown = await pool.start(request({ trial: { kind: 'builtin', name: 'alexnet' } }), () => {}).outcome;
    expect(unknown).toMatchObject({
      kind: 'failed',
      error: {
        message: expect.stringContaining(
          'unknown built-in example "alexnet"; built-in examples: digits-mlp, digits-cnn, spiral, tabular-mlp, image-cnn',
        ),
      },
    });
    const params = { cb: Symbol('x') } as unknown as TrialRequest['params'];
    const bad = await pool.start(request({ params }), () => {}).outcome;
    expect(bad).toMatchObject({
      kind: 'failed',
      error: { message: 'TypeError: parameter cb cannot be sent to a worker (got symbol)' },
    });
    expect(workers).toHaveLength(0);
  });

  it('fails the run and replaces the worker when it sends an invalid event batch', async () => {
    const { pool, workers } = await makePool((index) =>
      index === 0
        ? {
            runTrial: async (_request, sink) => {
              await sink([{ kind: 'metric', name: 'acc', value: 'high', time: 1 }] as never);
              return never();
            },
          }
        : {},
    );
    const outcome = await pool.start(request(), () => {}).outcome;
    expect(outcome).toEqual({
      kind: 'failed',
      error: {
        message: 'ProtocolError: worker 1 broke the protocol: event batch[0].value must be a number (got "high")',
        stack: null,
      },
    });
    expect(workers[0]?.terminated).toBe(true);
    expect(pool.stats().retired.protocol).toBe(1);
    // Healed: a fresh worker was spawned at once and takes the next trial.
    expect(workers).toHaveLength(2);
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
  });

  it('answers each batch in the task that delivered it, before any promise continuation of that task runs', async () => {
    // The verdict a waiting trial needs must not queue behind store writes or listeners' promise
    // chains: the reply is posted as soon as the orchestrator returns from the batch.
    const order: string[] = [];
    const post = MessagePort.prototype.postMessage;
    const spy = vi.spyOn(MessagePort.prototype, 'postMessage').mockImplementation(function (
      this: MessagePort,
      ...args: Parameters<MessagePort['postMessage']>
    ) {
      const message: unknown = args[0];
      if (typeof message === 'object' && message !== null && 'stop' in message) order.push('reply');
      return (post as (...a: unknown[]) => void).apply(this, args);
    });
    try {
      const { pool } = await makePool({});
      const outcome = await pool.start(request(), (events) => {
        order.push(`delivered ${events.map((e) => e.kind).join(',')}`);
        queueMicrotask(() => order.push('microtask'));
        void Promise.resolve().then(() => order.push('promise'));
      }).outcome;
      expect(outcome).toEqual({ kind: 'completed' });
    } finally {
      spy.mockRestore();
    }
    expect(order).toEqual([
      ...['delivered started', 'reply', 'microtask', 'promise'],
      ...['delivered metric', 'reply', 'microtask', 'promise'],
      ...['delivered metric', 'reply', 'microtask', 'promise'],
    ]);
  });

  it('fails the run and replaces the worker when its event port carries a message without a seq', async () => {
    const { pool, workers } = await makePool((index) =>
      index === 0
        ? {
            runTrial: async (_request, _sink, worker) => {
              worker.events?.postMessage({ events: [{ kind: 'metric', name: 'acc', value: 1, time: 1 }] });
              return never();
            },
          }
        : {},
    );
    const delivered: unknown[] = [];
    const outcome = await pool.start(request(), (events) => delivered.push(...events)).outcome;
    expect(outcome).toEqual({
      kind: 'failed',
      error: {
        message:
          'ProtocolError: worker 1 broke the protocol: event batch message.seq must be a finite number (got undefined)',
        stack: null,
      },
    });
    expect(delivered).toEqual([]);
    expect(workers[0]?.terminated).toBe(true);
  });

  it('fails the run when the trial result is malformed', async () => {
    const { pool } = await makePool({ runTrial: async () => ({ kind: 'completed', hygiene: { tensors: 'many' } }) });
    const outcome = await pool.start(request(), () => {}).outcome;
    expect(outcome).toMatchObject({
      kind: 'failed',
      error: {
        message: expect.stringMatching(
          /^ProtocolError: worker 1 broke the protocol: trial result\.hygiene\.baselineTensors/,
        ),
      },
    });
  });

  it('fails the run with the reason when its worker crashes, and heals', async () => {
    const { pool, workers } = await makePool((index) =>
      index === 0
        ? {
            runTrial: async (_request, sink, worker) => {
              await sink([{ kind: 'started', time: 1, backend: 'cpu', notes: [], adapter: null }]);
              setTimeout(() => worker.crash('out of memory'), 5);
              return never();
            },
          }
        : {},
    );
    const sink = collect();
    const outcome = await pool.start(request(), sink.listener).outcome;
    expect(outcome).toEqual({
      kind: 'failed',
      error: { message: 'WorkerCrashedError: uncaught error in worker 1: out of memory', stack: null },
    });
    expect(sink.events[0]).toMatchObject({ kind: 'started' });
    expect(pool.stats()).toMatchObject({ spawned: 2, live: 1, retired: { crashed: 1 } });
    expect(workers[0]?.terminated).toBe(true);
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
  });

  it('cancels cooperatively: the worker is asked, stops, and stays in the pool', async () => {
    const { pool, workers } = await makePool({
      runTrial: async (_request, _sink, worker) => {
        await worker.waitForCancel();
        return { kind: 'canceled', reason: worker.cancels[0]?.reason ?? '?', hygiene: null };
      },
    });
    const req = request();
    const execution = pool.start(req, () => {});
    // The cancel must reach a worker that is running the trial, not a queued one.
    await until(() => workers[0]?.requests.length === 1, 'the worker to receive the trial');
    execution.cancel('Bandit policy at interval 3');
    expect(await execution.outcome).toEqual({ kind: 'canceled', reason: 'Bandit policy at interval 3' });
    expect(workers[0]?.cancels).toEqual([{ runId: req.runId, reason: 'Bandit policy at interval 3' }]);
    expect(workers[0]?.terminated).toBe(false);
    expect(pool.stats().retired['cancel-timeout']).toBe(0);
  });

  it('terminates a worker whose trial ignores cancellation after the grace period, and spawns a fresh one', async () => {
    // Cancel only once the trial is in its worker: a fixed tick was not always long enough on a
    // loaded machine, and a trial still on its way is cancelled at once (the next test).
    let reached: () => void = () => {};
    const inWorker = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const { pool, workers } = await makePool(
      (index) =>
        index === 0
          ? {
              runTrial: () => {
                reached();
                return never();
              },
            }
          : {},
      { cancelGraceMs: 30 },
    );
    const execution = pool.start(request(), () => {});
    await inWorker;
    const t0 = Date.now();
    execution.cancel('max duration');
    const outcome = await execution.outcome;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(outcome).toEqual({
      kind: 'canceled',
      reason: 'max duration (worker 1 terminated after ignoring cancellation for 30 ms)',
    });
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(pool.stats().retired['cancel-timeout']).toBe(1);
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
  });

  it('cancels a trial that has not reached its worker yet without waiting for it', async () => {
    let releaseHello: () => void = () => {};
    const helloGate = new Promise<void>((resolve) => {
      releaseHello = resolve;
    });
    const { pool, workers } = await makePool(
      {
        hello: async () => {
          await helloGate;
          return { protocol: PROTOCOL_VERSION, lockHeld: false, webgpu: false, offscreenCanvas: false };
        },
      },
      { size: 1 },
    );
    const execution = pool.start(request(), () => {});
    execution.cancel('sweep canceled');
    expect(await execution.outcome).toEqual({ kind: 'canceled', reason: 'sweep canceled' });
    // The slot is still winding down: the next trial waits for it rather than failing.
    const next = pool.start(request(), () => {});
    releaseHello();
    expect(await next.outcome).toEqual({ kind: 'completed' });
    expect(workers).toHaveLength(1);
    expect(workers[0]?.requests).toHaveLength(1);
  });

  it('recycles a worker after recycleAfterTrials trials', async () => {
    const { pool, workers } = await makePool({}, { size: 1, recycleAfterTrials: 2, recycleMinLifetimeMs: 0 });
    for (let i = 0; i < 5; i++) expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
    expect(workers).toHaveLength(3);
    expect(pool.stats().retired.recycled).toBe(2);
    expect(workers.map((w) => w.requests.length)).toEqual([2, 2, 1]);
  });

  it('does not recycle a worker by trial count before it has lived recycleMinLifetimeMs, then does', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { pool, workers } = await makePool({}, { size: 1, recycleAfterTrials: 2 });
      // Quick trials: far more than recycleAfterTrials within the default 30 s, one worker.
      for (let i = 0; i < 6; i++) expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
      expect(workers).toHaveLength(1);
      expect(pool.stats().retired.recycled).toBe(0);
      vi.setSystemTime(Date.now() + 30_000);
      // Old enough now: the next trial gets a successor ready, and the worker retires after it.
      expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
      expect(pool.stats().retired.recycled).toBe(1);
      expect(workers).toHaveLength(2);
      expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
      expect(workers.map((w) => w.requests.length)).toEqual([7, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('spawns the successor of a worker that starts its last trial before recycling, so the next trial finds it started', async () => {
    const { pool, workers } = await makePool({}, { size: 1, recycleAfterTrials: 2, recycleMinLifetimeMs: 0 });
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
    expect(workers).toHaveLength(1);
    const last = pool.start(request(), () => {});
    // Spawned as the last trial starts, not when the next one needs it.
    expect(workers).toHaveLength(2);
    expect(await last.outcome).toEqual({ kind: 'completed' });
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
    expect(workers).toHaveLength(2);
    expect(workers.map((w) => w.requests.length)).toEqual([2, 1]);
    expect(
      pool
        .diagnostics()
        .some((d) => d.kind === 'spawned' && d.message === 'worker 2 spawned ahead of recycling worker 1'),
    ).toBe(true);
  });

  it('recycles a worker whose GPU memory or leftover tensors grew too much', async () => {
    const memory = (gpuBytes: number) => ({ backend: 'webgpu', numTensors: 0, numBytes: 0, gpuBytes });
    const hygiene = (gpuBytes: number, after = 0) => ({
      baselineTensors: 0,
      tensorsAtEnd: after,
      strayTensorsDisposed: 0,
      strayVariablesDisposed: 0,
      tensorsAfterCleanup: after,
      memory: memory(gpuBytes),
    });
    const results = [hygiene(1_000), hygiene(5_000), hygiene(10, 3)];
    const { pool, workers } = await makePool(
      { runTrial: async () => ({ kind: 'completed', hygiene: results.shift() }) },
      {
        size: 1,
        maxGpuBytesGrowth: 4_096,
      },
    );
    for (let i = 0; i < 3; i++) await pool.start(request(), () => {}).outcome;
    expect(workers.map((w) => w.requests.length)).toEqual([2, 1]);
    expect(pool.stats().retired.memory).toBe(2);
    expect(
      pool
        .diagnostics()
        .filter((d) => d.kind === 'retired')
        .map((d) => d.message),
    ).toEqual([
      'worker 1 holds 5 KiB of GPU memory (limit 4 KiB) [memory]',
      'worker 2 holds 3 more tensor(s) than at its first trial after cleanup [memory]',
    ]);
  });

  it('replaces a worker that reports itself unhealthy, during a trial or while idle', async () => {
    const { pool, workers } = await makePool((index) =>
      index === 0
        ? {
            runTrial: async () => ({
              kind: 'failed',
              error: { message: 'WorkerUnhealthyError: WebGPU device lost (reason destroyed)', stack: null },
              hygiene: null,
              unhealthy: 'WebGPU device lost (reason destroyed)',
            }),
          }
        : {},
    );
    const outcome = await pool.start(request(), () => {}).outcome;
    expect(outcome).toMatchObject({ kind: 'failed', error: { message: expect.stringContaining('device lost') } });
    expect(pool.stats().retired.unhealthy).toBe(1);
    expect(workers).toHaveLength(2);
    await pool.start(request(), () => {}).outcome;
    await workers[1]?.notify?.({ kind: 'unhealthy', reason: 'WebGPU device lost (reason unknown)' });
    await tick(10);
    expect(workers[1]?.terminated).toBe(true);
    expect(pool.stats().retired.unhealthy).toBe(2);
  });

  it('fails the run clearly when a worker never answers its start', async () => {
    // 250 ms, not 20: the replacement worker must answer within the same limit, and a 20 ms timer
    // fired before it could on a loaded machine (seen at load 18 on 2 cores).
    const { pool } = await makePool((index) => (index === 0 ? { hello: () => never() } : {}), {
      startTimeoutMs: 250,
      size: 1,
    });
    const outcome = await pool.start(request(), () => {}).outcome;
    expect(outcome).toEqual({
      kind: 'failed',
      error: {
        message: 'WorkerStartError: worker 1 could not start: Error: worker 1 start timed out after 250 ms',
        stack: null,
      },
    });
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
  });

  it('does not respawn in a loop when a worker dies before it starts (say its script cannot load)', async () => {
    const { pool, workers } = await makePool({ hello: () => never() });
    const outcome = pool.start(request(), () => {}).outcome;
    await tick(5);
    workers[0]?.crash('the worker script failed to load or threw');
    expect(await outcome).toEqual({
      kind: 'failed',
      error: {
        message:
          'WorkerStartError: worker 1 could not start: uncaught error in worker 1: the worker script failed to load or threw',
        stack: null,
      },
    });
    await tick(20);
    expect(pool.stats()).toMatchObject({ spawned: 1, live: 0, retired: { 'start-failed': 1, crashed: 0 } });
  });

  it('with backend auto, calibrates once per trial definition on a throwaway worker and uses its choice', async () => {
    let calibrations = 0;
    const { pool, workers } = await makePool(
      {
        calibrate: async () => {
          calibrations += 1;
          await tick(10);
          return {
            workload: 'digits-cnn',
            candidates: [
              {
                backend: 'wasm',
                available: true,
                canTrain: false,
                warmupMs: null,
                stepMs: null,
                steps: 0,
                error: 'no conv kernels',
                adapter: null,
              },
            ],
            chosen: 'webgl',
            reason: 'webgl was fastest',
            totalMs: 10,
          };
        },
      },
      { backend: 'auto' },
    );
    const a = pool.start(request({ trial: { kind: 'builtin', name: 'digits-cnn' } }), () => {});
    const b = pool.start(request({ trial: { kind: 'builtin', name: 'digits-cnn' } }), () => {});
    await Promise.all([a.outcome, b.outcome]);
    expect(calibrations).toBe(1);
    const calibrator = workers.find((w) => w.requests.length === 0);
    expect(calibrator?.terminated).toBe(true);
    expect(workers.flatMap((w) => w.requests.map((r) => r.backend))).toEqual(['webgl', 'webgl']);
    expect(pool.calibrations()).toEqual([
      expect.objectContaining({ trial: 'builtin:digits-cnn', chosen: 'webgl', failure: null }),
    ]);
  });

  it('with a calibration cache, reuses a stored calibration instead of measuring, and stores new ones', async () => {
    const stored = new Map<string, unknown>();
    const cache = {
      get: async (key: string) => stored.get(key) ?? null,
      set: async (key: string, result: unknown) => {
        stored.set(key, result);
      },
    };
    let calibrations = 0;
    const script = {
      calibrate: async () => {
        calibrations += 1;
        return { workload: 'spiral', candidates: [], chosen: 'wasm', reason: 'wasm was fastest', totalMs: 5 };
      },
    };
    const first = await makePool(script, { backend: 'auto', calibrationCache: cache });
    await first.pool.start(request({ trial: { kind: 'builtin', name: 'spiral' } }), () => {}).outcome;
    expect(calibrations).toBe(1);
    expect([...stored.keys()]).toEqual(['builtin:spiral|webgpu,webgl,wasm,cpu']);

    const second = await makePool(script, { backend: 'auto', calibrationCache: cache });
    await second.pool.start(request({ trial: { kind: 'builtin', name: 'spiral' } }), () => {}).outcome;
    expect(calibrations).toBe(1);
    // No throwaway calibration worker: the one worker started trained the trial.
    expect(second.workers).toHaveLength(1);
    expect(second.workers.flatMap((w) => w.requests.map((r) => r.backend))).toEqual(['wasm']);
    expect(second.pool.calibrations()).toEqual([
      expect.objectContaining({ chosen: 'wasm', reason: 'wasm was fastest (measured before in this browser: reused)' }),
    ]);

    // A damaged entry is measured again, not trusted.
    stored.set('builtin:spiral|webgpu,webgl,wasm,cpu', { chosen: 'quantum' });
    const third = await makePool(script, { backend: 'auto', calibrationCache: cache });
    await third.pool.start(request({ trial: { kind: 'builtin', name: 'spiral' } }), () => {}).outcome;
    expect(calibrations).toBe(2);
  });

  it('falls back to the backend chain when calibration fails', async () => {
    const { pool, workers } = await makePool({ calibrate: async () => ({ chosen: 'quantum' }) }, { backend: 'auto' });
    expect(await pool.start(request(), () => {}).outcome).toEqual({ kind: 'completed' });
    expect(workers.flatMap((w) => w.requests.map((r) => r.backend))).toEqual(['webgpu']);
    expect(pool.calibrations()[0]).toMatchObject({
      chosen: 'webgpu',
      failure: expect.stringContaining('calibration.workload must be a string'),
    });
  });

  it('resizes live: growing serves a waiting trial at once, shrinking retires workers only once their trials end', async () => {
    const gates: (() => void)[] = [];
    const { pool, workers } = await makePool(
      {
        runTrial: async (request, sink) => {
          await sink([{ kind: 'started', time: 1, backend: request.backend, notes: [], adapter: null }]);
          await new Promise<void>((resolve) => gates.push(resolve));
          return { kind: 'completed', hygiene: null };
        },
      },
      { size: 1 },
    );
    const a = pool.start(request(), () => {});
    const b = pool.start(request(), () => {});
    await tick(20);
    expect(workers).toHaveLength(1);
    pool.resize(2);
    expect(pool.capacity).toBe(2);
    await tick(20);
    expect(workers).toHaveLength(2);
    expect(gates).toHaveLength(2);
    pool.resize(1);
    expect(pool.sizeReport).toMatchObject({ requested: 1, size: 1 });
    expect(workers.some((w) => w.terminated)).toBe(false);
    for (const open of gates.splice(0)) open();
    expect(await a.outcome).toEqual({ kind: 'completed' });
    expect(await b.outcome).toEqual({ kind: 'completed' });
    await tick(20);
    expect(workers.filter((w) => w.terminated)).toHaveLength(1);
    expect(pool.stats().retired.shrunk).toBe(1);
    pool.resize(64);
    expect(pool.capacity).toBe(4);
    expect(pool.capacityNote).toMatch(/hardwareConcurrency is 4/);
  });

  it('reports its size, clamped to the device with the reason', async () => {
    const { pool } = await makePool({}, { size: 64, hardwareConcurrency: 2 });
    expect(pool.capacity).toBe(2);
    expect(pool.capacityNote).toBe(pool.sizeReport.clampedBecause);
    expect(pool.sizeReport).toEqual({
      requested: 64,
      size: 2,
      deviceLimit: 2,
      clampedBecause:
        'requested 64 workers, this device holds 2: navigator.hardwareConcurrency is 2: one worker per core',
    });
  });

  it('dispose terminates every worker and ends running trials as canceled', async () => {
    const { pool, workers } = await makePool({ runTrial: () => never() });
    const a = pool.start(request(), () => {});
    const b = pool.start(request(), () => {});
    await tick(10);
    await pool.dispose();
    expect(await a.outcome).toMatchObject({ kind: 'canceled' });
    expect(await b.outcome).toMatchObject({ kind: 'canceled' });
    expect(workers.every((w) => w.terminated)).toBe(true);
    expect(await pool.start(request(), () => {}).outcome).toMatchObject({
      kind: 'failed',
      error: { message: 'PoolDisposedError: the worker pool was disposed' },
    });
  });

  it('passes the training function result of a failed trial through, message and stack', async () => {
    const { pool } = await makePool({
      runTrial: async () => ({
        kind: 'failed',
        error: { message: 'Error: boom', stack: 'Error: boom\n    at train (trial.js:3:9)' },
        hygiene: null,
        unhealthy: null,
      }),
    });
    expect(await pool.start(request(), () => {}).outcome).toEqual({
      kind: 'failed',
      error: { message: 'Error: boom', stack: 'Error: boom\n    at train (trial.js:3:9)' },
    });
    expect(pool.stats().live).toBe(1);
  });
});
