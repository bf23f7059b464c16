import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Experiment,
  GridParameterSampling,
  HyperDriveConfig,
  InProcessRunner,
  MemoryStore,
  PrimaryMetricGoal,
  Workspace,
  choice,
} from '../../src/index.js';
import {
  exportSweep,
  importSweep,
  parseSweepDocument,
  sweepDocumentText,
  SweepDocumentError,
} from '../../src/export/index.js';
import { PROTOCOL_VERSION, type WireTrialRequest } from '../../src/pool/protocol.js';
import { EventPort } from '../../workers/event-port.js';
import { WorkerPool, type PoolWorker } from '../../src/pool/worker-pool.js';
import type { SweepBackendReport, SweepRecord } from '../../src/store/records.js';
import { describeBatch, WriteBuffer } from '../../src/store/write-buffer.js';
import { backendReportOf } from '../../src/studio/pages/backend-report-record.js';
import { richSweep } from './export-fixtures.js';
import { sequentialIds, sweepRecord, tick } from './helpers.js';

// The backend report a page keeps on a sweep record: written beside the orchestrator's own
// writes of that record without either losing the other's, built from a real worker pool, and
// carried through export and import with the same strictness as the rest of the document.

function report(overrides: Partial<SweepBackendReport> = {}): SweepBackendReport {
  return {
    requested: 'auto',
    pool: { requested: 4, size: 2, deviceLimit: 2, clampedBecause: 'requested 4 workers, this device holds 2' },
    calibrations: [
      {
        trial: 'builtin:spiral',
        workload: 'the trial’s own model',
        chosen: 'webgl',
        reason: 'webgl was fastest (1.2 ms per step)',
        failure: null,
        totalMs: 840,
        candidates: [
          {
            backend: 'webgpu',
            available: false,
            canTrain: false,
            warmupMs: null,
            stepMs: null,
            steps: 0,
            error: 'no adapter',
            adapter: null,
          },
          {
            backend: 'webgl',
            available: true,
            canTrain: true,
            warmupMs: 300,
            stepMs: 1.2,
            steps: 5,
            error: null,
            adapter: { vendor: 'acme', architecture: 'x', description: 'GPU' },
          },
        ],
      },
    ],
    notes: [{ time: 5, runId: null, message: 'requested 4 workers, this device holds 2' }],
    updatedAt: 10,
    ...overrides,
  };
}

function sweep(id: string, status: SweepRecord['status'], backendReport?: SweepBackendReport): SweepRecord {
  const record = sweepRecord(id, status);
  return backendReport === undefined ? record : { ...record, backendReport };
}

describe('WriteBuffer and backend reports', () => {
  it('merges a report into the sweep buffered with it, whichever comes first, and keeps it across later puts', () => {
    const buffer = new WriteBuffer();
    buffer.addSweep(sweep('S', 'Running'));
    buffer.addBackendReport('S', report());
    buffer.addSweep(sweep('S', 'Completed'));
    buffer.addBackendReport('T', report({ requested: 'wasm' }));
    buffer.addSweep(sweep('T', 'Running'));
    buffer.addBackendReport('U', report({ requested: 'cpu' }));
    const batch = buffer.take();
    expect(batch.sweeps.map((s) => [s.id, s.status, s.backendReport?.requested])).toEqual([
      ['S', 'Completed', 'auto'],
      ['T', 'Running', 'wasm'],
    ]);
    expect(batch.backendReports).toEqual([{ sweepId: 'U', report: report({ requested: 'cpu' }) }]);
    expect(describeBatch(batch)).toBe('2 sweeps (putSweep), 1 backend report (putBackendReport)');
    expect(buffer.isEmpty).toBe(true);
  });

  it('lets a sweep given with its own report replace the buffered one', () => {
    const buffer = new WriteBuffer();
    buffer.addBackendReport('S', report());
    buffer.addSweep(sweep('S', 'Completed', report({ requested: 'webgl' })));
    expect(buffer.take().sweeps[0]?.backendReport?.requested).toBe('webgl');
  });
});

describe('MemoryStore and backend reports', () => {
  it('keeps the stored report when a record without one is put, and replaces it with putBackendReport', async () => {
    const store = new MemoryStore();
    await store.putBackendReport('S', report());
    expect(await store.getSweep('S')).toBeUndefined();
    await store.putSweep(sweep('S', 'Running'));
    await store.putBackendReport('S', report());
    await store.putSweep(sweep('S', 'Completed'));
    expect(await store.getSweep('S')).toEqual(sweep('S', 'Completed', report()));
    await store.putBackendReport('S', report({ requested: 'wasm' }));
    expect((await store.getSweep('S'))?.backendReport?.requested).toBe('wasm');
    // Old records simply have none.
    await store.putSweep(sweep('old', 'Completed'));
    expect((await store.getSweep('old'))?.backendReport).toBeUndefined();
  });

  it('survives the orchestrator writing the sweep record while and after the report is written', async () => {
    const store = new MemoryStore();
    const workspace = new Workspace({
      name: 'lab',
      store,
      runner: new InProcessRunner({ capacity: 1 }),
      createSweepId: sequentialIds('HD_report'),
    });
    const sweepHandle = new Experiment(workspace, 'report').submit(
      new HyperDriveConfig({
        hyperparameterSampling: new GridParameterSampling({ lr: choice(0.1, 0.2) }),
        primaryMetricName: 'acc',
        primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
        maxTotalRuns: 2,
        maxConcurrentRuns: 1,
        train: async (params, run) => {
          // Written mid-sweep, as the Studio does once calibration is done (the sweep is stored by then).
          if (run.id.endsWith('_0')) {
            const sweepId = run.id.slice(0, -2);
            while ((await store.getSweep(sweepId)) === undefined) await tick();
            await store.putBackendReport(sweepId, report());
          }
          run.log('acc', Number(params['lr']));
        },
      }),
    );
    const final = await sweepHandle.waitForCompletion();
    expect(final.backendReport).toBeUndefined();
    const stored = await store.getSweep(sweepHandle.id);
    expect(stored?.status).toBe('Completed');
    expect(stored?.backendReport).toEqual(report());
  });
});

// ---- built from a real pool ------------------------------------------------------------------

/** A worker on the far end of a MessageChannel, as in the pool's own tests: the pool is real. */
class ScriptedWorker extends EventTarget implements PoolWorker {
  private readonly port: MessagePort;
  private readonly far: MessagePort;
  constructor(api: object) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.far = port2;
    Comlink.expose(api, port2);
    port1.addEventListener('message', (event) =>
      this.dispatchEvent(new MessageEvent('message', { data: (event as MessageEvent).data })),
    );
    port1.start();
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }
  terminate(): void {
    this.port.close();
    this.far.close();
  }
}

const pools: WorkerPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.dispose();
});

describe('backendReportOf', () => {
  it('keeps the pool size and clamp, the calibration figures and the notes that explain a run’s backend', async () => {
    const pool = await WorkerPool.create({
      size: 8,
      backend: 'auto',
      hardwareConcurrency: 2,
      workerFactory: () =>
        new ScriptedWorker({
          hello: async () => ({ protocol: PROTOCOL_VERSION, lockHeld: false, webgpu: false, offscreenCanvas: false }),
          calibrate: async () => ({
            workload: 'spiral\u0007 MLP',
            candidates: [
              {
                backend: 'webgpu',
                available: false,
                canTrain: false,
                warmupMs: null,
                stepMs: null,
                steps: 0,
                error: 'no adapter',
                adapter: null,
              },
              {
                backend: 'wasm',
                available: true,
                canTrain: true,
                warmupMs: 20,
                stepMs: 0.8,
                steps: 5,
                error: null,
                adapter: null,
              },
            ],
            chosen: 'wasm',
            reason: 'wasm was fastest: 0.8 ms per step',
            totalMs: 120,
          }),
          runTrial: async (request: WireTrialRequest, events: MessagePort) => {
            const sink = new EventPort(events).send;
            await sink([
              {
                kind: 'started',
                time: 1,
                backend: request.backend,
                notes: ['webgl skipped: no WebGL 2'],
                adapter: null,
              },
            ]);
            await sink([{ kind: 'warning', message: 'a trial warning, not about backends', time: 2 }]);
            await sink([{ kind: 'metric', name: 'acc', value: 0.5, time: 3 }]);
            return { kind: 'completed', hygiene: null };
          },
          cancel: () => {},
          status: async () => ({
            workerId: 1,
            backend: 'wasm',
            unhealthy: null,
            busy: false,
            trials: 0,
            memory: null,
            adapter: null,
            datasets: [],
          }),
        }),
    });
    pools.push(pool);
    const outcome = await pool.start(
      { sweepId: 'HD_1', runId: 'HD_1_0', params: { lr: 0.1 }, trial: { kind: 'builtin', name: 'spiral' } },
      () => {},
    ).outcome;
    expect(outcome.kind).toBe('completed');

    const previous = report({ notes: [{ time: 1, runId: 'HD_1_9', message: 'from the page that ran it before' }] });
    const built = backendReportOf(pool, previous, 99);
    expect(built.requested).toBe('auto');
    expect(built.updatedAt).toBe(99);
    expect(built.pool).toEqual({
      requested: 8,
      size: 2,
      deviceLimit: 2,
      clampedBecause: expect.stringContaining('requested 8 workers, this device holds 2'),
    });
    expect(built.calibrations).toHaveLength(2);
    expect(built.calibrations[0]).toEqual(previous.calibrations[0]);
    expect(built.calibrations[1]).toMatchObject({
      trial: 'builtin:spiral',
      // A control character from the worker becomes a space, so the report always exports.
      workload: 'spiral  MLP',
      chosen: 'wasm',
      reason: 'wasm was fastest: 0.8 ms per step',
      failure: null,
      candidates: [
        expect.objectContaining({ backend: 'webgpu', available: false }),
        expect.objectContaining({ backend: 'wasm', stepMs: 0.8, warmupMs: 20 }),
      ],
    });
    expect(built.notes.map((n) => [n.runId, n.message])).toEqual([
      ['HD_1_9', 'from the page that ran it before'],
      [null, expect.stringContaining('requested 8 workers')],
      ['HD_1_0', 'webgl skipped: no WebGL 2'],
    ]);
  });
});

// ---- export and import -------------------------------------------------------------------------

describe('a backend report in a sweep document', () => {
  async function withReport(): Promise<{ store: MemoryStore; sweepId: string; stored: SweepBackendReport }> {
    const store = new MemoryStore();
    const { sweepId } = await richSweep(store);
    const stored = report({
      notes: [...report().notes, { time: 6, runId: `${sweepId}_1`, message: 'webgpu skipped' }],
    });
    await store.putBackendReport(sweepId, stored);
    return { store, sweepId, stored };
  }

  it('goes out and comes back exactly, its run ids following the runs to a new sweep id', async () => {
    const { store, sweepId, stored } = await withReport();
    const doc = await exportSweep(store, sweepId);
    expect(doc.sweep.backendReport).toEqual(stored);
    const parsed = parseSweepDocument(sweepDocumentText(doc));
    expect(parsed).toStrictEqual(doc);

    // Imported into the same store, the id is taken: the sweep and the note's run get new ids.
    const result = await importSweep(store, parsed, { workspace: 'lab', createSweepId: () => 'HD_copy' });
    expect(result.sweepId).toBe('HD_copy');
    const copy = await store.getSweep('HD_copy');
    expect(copy?.backendReport?.notes.map((n) => n.runId)).toEqual([null, 'HD_copy_1']);
    expect(copy?.backendReport?.calibrations).toEqual(stored.calibrations);
    // The original is untouched.
    expect((await store.getSweep(sweepId))?.backendReport).toEqual(stored);
  });

  it('is optional: a document without one imports as before', async () => {
    const { store, sweepId } = await richSweep(new MemoryStore());
    const doc = await exportSweep(store, sweepId);
    expect('backendReport' in doc.sweep).toBe(false);
    const target = new MemoryStore();
    await importSweep(target, parseSweepDocument(sweepDocumentText(doc)), { workspace: 'lab' });
    expect((await target.getSweep(sweepId))?.backendReport).toBeUndefined();
  });

  it('is refused field by field when malformed', async () => {
    const { store, sweepId } = await withReport();
    const text = sweepDocumentText(await exportSweep(store, sweepId));
    const edit = (change: (report: Record<string, unknown>) => void): string => {
      const json = JSON.parse(text) as { sweep: { backendReport: Record<string, unknown> } };
      change(json.sweep.backendReport);
      return JSON.stringify(json);
    };
    const refusal = (doc: string): { field: string; message: string } => {
      try {
        parseSweepDocument(doc);
      } catch (error) {
        expect(error).toBeInstanceOf(SweepDocumentError);
        return { field: (error as SweepDocumentError).field, message: (error as SweepDocumentError).message };
      }
      throw new Error('the document was accepted');
    };
    expect(refusal(edit((r) => (r['extra'] = 1)))).toMatchObject({
      field: 'sweep.backendReport.extra',
      message: expect.stringContaining('is not a field of a backend report'),
    });
    expect(refusal(edit((r) => (r['requested'] = 'quantum')))).toMatchObject({
      field: 'sweep.backendReport.requested',
      message: expect.stringContaining('must be one of auto, webgpu, webgl, wasm, cpu'),
    });
    expect(refusal(edit((r) => ((r['calibrations'] as { chosen: string }[])[0]!.chosen = 'auto')))).toMatchObject({
      field: 'sweep.backendReport.calibrations[0].chosen',
    });
    expect(
      refusal(
        edit(
          (r) => ((r['calibrations'] as { candidates: { stepMs: unknown }[] }[])[0]!.candidates[1]!.stepMs = 'fast'),
        ),
      ),
    ).toMatchObject({
      field: 'sweep.backendReport.calibrations[0].candidates[1].stepMs',
    });
    expect(refusal(edit((r) => ((r['pool'] as { size: number }).size = 0)))).toMatchObject({
      field: 'sweep.backendReport.pool.size',
    });
    expect(refusal(edit((r) => ((r['notes'] as { runId: string }[])[1]!.runId = 'HD_elsewhere_0')))).toMatchObject({
      field: 'sweep.backendReport.notes[1].runId',
      message: expect.stringContaining('must name a run of the document'),
    });
    expect(refusal(edit((r) => ((r['notes'] as { message: string }[])[0]!.message = 'bell\u0007')))).toMatchObject({
      field: 'sweep.backendReport.notes[0].message',
    });
    expect(refusal(edit((r) => delete r['pool']))).toMatchObject({
      field: 'sweep.backendReport.pool',
      message: expect.stringContaining('is required'),
    });
  });
});
