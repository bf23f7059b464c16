// The browser half of `npm run bench` (bench/run.ts drives it with Playwright). Everything runs
// through the same runtime the app uses: the WorkerPool and its trial workers, the orchestrator,
// and the IndexedDB store.
import { Experiment } from '../../src/experiment/experiment.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { Workspace } from '../../src/experiment/workspace.js';
import { PrimaryMetricGoal } from '../../src/metric/goal.js';
import { BanditPolicy } from '../../src/policy/bandit.js';
import { policyFromRecord } from '../../src/policy/from-record.js';
import { WorkerPool } from '../../src/pool/worker-pool.js';
import { GridParameterSampling } from '../../src/sampling/grid.js';
import { RandomParameterSampling } from '../../src/sampling/random.js';
import { choice, loguniform, uniform } from '../../src/space/constructors.js';
import { InProcessRunner } from '../../src/trial-runner/in-process-runner.js';
import type { TrialRunner } from '../../src/trial-runner/runner.js';
import { startSamplerWorker } from '../../src/browser/sampler-worker.js';
import { BayesianParameterSampling } from '../../src/sampling/bayesian.js';
import type { SamplerHost } from '../../src/sampling/sampler.js';
import { terminationText } from '../../src/experiment/termination-text.js';
import { IndexedDbStore } from '../../src/store/indexeddb-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { MetricPoint } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import type {
  BackendProbe,
  BenchBackend,
  FixedMlp,
  IdbOutcome,
  IdbPlan,
  OverheadOpenResult,
  OverheadSample,
  OverheadVariant,
  PageInfo,
  RecordedRun,
  StudioSeed,
  StudioSeedPlan,
  SweepOutcome,
  SweepPlan,
  TrivialOutcome,
  TrivialPlan,
  VerdictHops,
  VerdictOutcome,
  VerdictPlan,
} from '../lib/types.js';
import { PRIMARY_METRIC, searchSpace } from '../lib/workloads.js';
import type { PlainReply, PlainRequest } from './plain-protocol.js';

const OVERHEAD_DB = 'overdrive-bench-overhead';
const SWEEP_DB = 'overdrive-bench-sweeps';
const TRIVIAL_DB = 'overdrive-bench-trivial';
const IDB_DB = 'overdrive-bench-idb';

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// ---------------------------------------------------------------------------------------------
// The plain TF.js worker.

class PlainWorker {
  private readonly worker = new Worker(new URL('./plain-worker.ts', import.meta.url), {
    type: 'module',
    name: 'bench-plain',
  });
  private readonly pending = new Map<number, (reply: PlainReply) => void>();
  private next = 1;

  constructor() {
    this.worker.addEventListener('message', (event: MessageEvent<PlainReply>) => {
      const resolve = this.pending.get(event.data.id);
      this.pending.delete(event.data.id);
      resolve?.(event.data);
    });
  }

  init(backend: BenchBackend): Promise<Extract<PlainReply, { kind: 'init' }>> {
    return this.send({ id: this.next++, kind: 'init', backend }) as Promise<Extract<PlainReply, { kind: 'init' }>>;
  }

  train(params: FixedMlp, cancelHook: boolean): Promise<Extract<PlainReply, { kind: 'train' }>> {
    return this.send({ id: this.next++, kind: 'train', params, cancelHook }) as Promise<
      Extract<PlainReply, { kind: 'train' }>
    >;
  }

  terminate(): void {
    this.worker.terminate();
  }

  private send(request: PlainRequest): Promise<PlainReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`plain worker: ${request.kind} timed out`)), 600_000);
      this.pending.set(request.id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.worker.postMessage(request);
    });
  }
}

// ---------------------------------------------------------------------------------------------

async function deleteDatabase(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

function info(): PageInfo {
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    deviceMemoryGb: typeof memory === 'number' ? memory : null,
  };
}

async function probe(backend: BenchBackend): Promise<BackendProbe> {
  const worker = new PlainWorker();
  try {
    const reply = await Promise.race([
      worker.init(backend),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('did not initialise within 60 s')), 60_000)),
    ]);
    return {
      backend,
      available: reply.ok,
      settledOn: reply.settledOn,
      error: reply.error,
      adapter: reply.adapter,
      stepMs: reply.stepMs,
    };
  } catch (error) {
    return { backend, available: false, settledOn: null, error: errorText(error), adapter: null, stepMs: null };
  } finally {
    worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Engine overhead: plain TF.js in a worker vs one Overdrive trial through the pool.

interface OverheadState {
  readonly backend: BenchBackend;
  readonly params: FixedMlp;
  readonly plain: PlainWorker;
  readonly pool: WorkerPool;
  readonly store: TimedStore;
  readonly workspace: Workspace;
}

let overhead: OverheadState | null = null;

/** The IndexedDB store, timing its checkpoint writes (the only writes a trial waits for). */
class TimedStore implements Store {
  checkpointMs = 0;
  constructor(private readonly inner: IndexedDbStore) {}
  get batches(): number {
    return this.inner.stats.batches;
  }
  putExperiment: Store['putExperiment'] = (r) => this.inner.putExperiment(r);
  putSweep: Store['putSweep'] = (r) => this.inner.putSweep(r);
  putRun: Store['putRun'] = (r) => this.inner.putRun(r);
  appendMetrics: Store['appendMetrics'] = (p) => this.inner.appendMetrics(p);
  appendDecisions: Store['appendDecisions'] = (d) => this.inner.appendDecisions(d);
  putCheckpoint: Store['putCheckpoint'] = async (r) => {
    const t0 = performance.now();
    try {
      await this.inner.putCheckpoint(r);
    } finally {
      this.checkpointMs += performance.now() - t0;
    }
  };
  listExperiments: Store['listExperiments'] = (w) => this.inner.listExperiments(w);
  getSweep: Store['getSweep'] = (id) => this.inner.getSweep(id);
  listSweeps: Store['listSweeps'] = (w, e) => this.inner.listSweeps(w, e);
  listRuns: Store['listRuns'] = (id) => this.inner.listRuns(id);
  listMetrics: Store['listMetrics'] = (id, run) => this.inner.listMetrics(id, run);
  listDecisions: Store['listDecisions'] = (id) => this.inner.listDecisions(id);
  latestCheckpoint: Store['latestCheckpoint'] = (id) => this.inner.latestCheckpoint(id);
  deleteSweep: Store['deleteSweep'] = (id) => this.inner.deleteSweep(id);
  flush: Store['flush'] = () => this.inner.flush();
  close: Store['close'] = () => this.inner.close();
}

function fixedConfig(params: FixedMlp): HyperDriveConfig {
  const space = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, choice(value)]));
  return new HyperDriveConfig({
    hyperparameterSampling: new GridParameterSampling(space),
    primaryMetricName: PRIMARY_METRIC,
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: 1,
    maxConcurrentRuns: 1,
    trial: { kind: 'builtin', name: 'digits-mlp' },
    // Judges every epoch and never stops: each epoch's `await run.log` waits for its verdict, so the
    // overhead measured includes exact decisions (semantics §5).
    policy: new BanditPolicy({ slackAmount: 1e9, evaluationInterval: 1, delayEvaluation: 0 }),
  });
}

async function overdriveTrial(state: OverheadState): Promise<OverheadSample> {
  state.store.checkpointMs = 0;
  const batches0 = state.store.batches;
  const t0 = performance.now();
  const sweep = new Experiment(state.workspace, 'overhead').submit(fixedConfig(state.params));
  let started = Number.NaN;
  let lastMetric = Number.NaN;
  let runCompleted = Number.NaN;
  const unsubscribe = sweep.subscribe((event) => {
    const now = performance.now() - t0;
    if (event.kind === 'run' && event.run.status === 'Running' && Number.isNaN(started)) started = now;
    if (event.kind === 'run' && event.run.status === 'Completed' && Number.isNaN(runCompleted)) runCompleted = now;
    if (event.kind === 'metric') lastMetric = now;
  });
  const record = await sweep.waitForCompletion();
  const ms = performance.now() - t0;
  unsubscribe();
  const run = sweep.getChildren()[0];
  if (record.status !== 'Completed' || run?.status !== 'Completed') {
    throw new Error(
      `the Overdrive trial ended ${record.status}/${run?.status ?? 'no run'}: ${record.error?.message ?? run?.error?.message ?? ''}`,
    );
  }
  const values = sweep.getMetrics()[run.id]?.[PRIMARY_METRIC];
  const last = Array.isArray(values) ? values[values.length - 1] : values;
  return {
    variant: 'overdrive',
    ms,
    finalValAccuracy: last ?? null,
    phases: {
      started,
      lastMetric,
      runCompleted,
      done: ms,
      checkpointWriteMs: state.store.checkpointMs,
      transactions: state.store.batches - batches0,
    },
  };
}

async function plainTrial(state: OverheadState, cancelHook: boolean): Promise<OverheadSample> {
  const t0 = performance.now();
  const reply = await state.plain.train(state.params, cancelHook);
  const ms = performance.now() - t0;
  if (!reply.ok) throw new Error(`plain training failed: ${reply.error ?? ''}`);
  return { variant: cancelHook ? 'plain+cancel-hook' : 'plain', ms, finalValAccuracy: reply.valAccuracy, phases: null };
}

/**
 * `isolation`: where the pool starts its worker. 'page' by default, as the Studio runs a built-in
 * model (src/browser/browser-workspace.ts: page-origin workers for built-ins, the sandbox frame
 * for a training module); 'sandbox' measures the same trial as a module would run.
 */
async function overheadOpen(
  backend: BenchBackend,
  params: FixedMlp,
  isolation: 'page' | 'sandbox' = 'page',
  storeWindowMs?: number,
): Promise<OverheadOpenResult> {
  await overheadClose();
  await deleteDatabase(OVERHEAD_DB);
  const plain = new PlainWorker();
  // `storeWindowMs`: the store's metric window, for an A/B of it (bench/profile-threads.ts); the
  // bench section leaves it at the store's default, which is what the Studio runs with.
  const store = new TimedStore(
    await IndexedDbStore.open({
      name: OVERHEAD_DB,
      ...(storeWindowMs === undefined ? {} : { flushIntervalMs: storeWindowMs }),
    }),
  );
  const pool = await WorkerPool.create({ size: 1, backend, isolation });
  const workspace = new Workspace({ name: 'bench-overhead', store, runner: pool });
  const state: OverheadState = { backend, params, plain, pool, store, workspace };
  overhead = state;
  try {
    // Cold runs: worker start, TF.js, backend, data set and first kernels included.
    const p0 = performance.now();
    const init = await plain.init(backend);
    if (!init.ok) throw new Error(init.error ?? 'the plain worker could not initialise');
    await plainTrial(state, false);
    const plainCold = performance.now() - p0;
    const overdriveCold = (await overdriveTrial(state)).ms;
    if (state.pool.workers().some((w) => w.backend !== backend)) {
      throw new Error(
        `the pool's worker runs on ${state.pool
          .workers()
          .map((w) => w.backend)
          .join(', ')}, not ${backend}`,
      );
    }
    return { ok: true, error: null, coldMs: { plain: plainCold, overdrive: overdriveCold } };
  } catch (error) {
    await overheadClose();
    return { ok: false, error: errorText(error), coldMs: { plain: null, overdrive: null } };
  }
}

async function overheadRep(variant: OverheadVariant): Promise<OverheadSample> {
  const state = overhead;
  if (state === null) throw new Error('overheadOpen first');
  if (variant === 'overdrive') return overdriveTrial(state);
  return plainTrial(state, variant === 'plain+cancel-hook');
}

async function overheadClose(): Promise<void> {
  const state = overhead;
  overhead = null;
  if (state === null) return;
  state.plain.terminate();
  await state.pool.dispose();
  await state.store.close();
}

// ---------------------------------------------------------------------------------------------
// Sweeps of the built-in examples (scaling, early-termination recordings, the live policy run).

function asList(value: number | number[] | undefined): number[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

async function sweep(plan: SweepPlan): Promise<SweepOutcome> {
  const store = await IndexedDbStore.open({ name: SWEEP_DB });
  const pool = await WorkerPool.create({
    size: plan.concurrency,
    backend: plan.backend,
    ...(plan.hardwareConcurrency === undefined ? {} : { hardwareConcurrency: plan.hardwareConcurrency }),
  });
  try {
    const workspace = new Workspace({ name: 'bench-sweeps', store, runner: pool });
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(searchSpace(plan.space, plan.epochs, plan.trainSamples), {
        seed: plan.seed,
      }),
      primaryMetricName: PRIMARY_METRIC,
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: plan.maxTotalRuns,
      maxConcurrentRuns: plan.concurrency,
      trial: { kind: 'builtin', name: plan.trial },
      ...(plan.policy === null ? {} : { policy: policyFromRecord(plan.policy) }),
    });
    const t0 = performance.now();
    const handle = new Experiment(workspace, plan.name).submit(config);
    const record = await handle.waitForCompletion();
    const wallMs = performance.now() - t0;
    const metrics = handle.getMetrics();
    const points: MetricPoint[] = await store.listMetrics(handle.id);
    const times = new Map<string, number[]>();
    for (const point of points) {
      if (point.name !== PRIMARY_METRIC) continue;
      const list = times.get(point.runId) ?? [];
      list.push(point.time);
      times.set(point.runId, list);
    }
    const runs: RecordedRun[] = handle.getChildren().map((run) => ({
      index: run.index,
      params: run.params,
      status: run.status,
      intervals: run.intervals,
      bestMetric: run.bestMetric,
      backend: run.backend,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      termination: run.termination === null ? null : terminationText(run.termination),
      decisionInterval: run.termination?.kind === 'policy' ? run.termination.decision.interval : null,
      error: run.error?.message ?? null,
      metrics: Object.fromEntries(Object.entries(metrics[run.id] ?? {}).map(([name, value]) => [name, asList(value)])),
      primaryTimes: times.get(run.id) ?? [],
    }));
    const stats = pool.stats();
    return {
      plan,
      status: record.status,
      endReason: record.endReason?.kind ?? 'none',
      error: record.error?.message ?? null,
      concurrency: handle.concurrency,
      poolSize: pool.capacity,
      warnings: handle.warnings,
      wallMs,
      runs,
      spawned: stats.spawned,
      retired: stats.retired,
    };
  } finally {
    await pool.dispose();
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Orchestration cost in the browser: trivial trials through the pool.

const TRIVIAL_MODULE = `
// A trivial training module: one report of the primary metric, no TF.js work.
export default function train(params, run) {
  run.log('score', params.x);
}
`;

async function trivial(plan: TrivialPlan): Promise<TrivialOutcome> {
  const url = URL.createObjectURL(new Blob([TRIVIAL_MODULE], { type: 'text/javascript' }));
  let store: Store;
  if (plan.store === 'indexeddb') {
    await deleteDatabase(TRIVIAL_DB);
    store = await IndexedDbStore.open({ name: TRIVIAL_DB });
  } else {
    store = new MemoryStore();
  }
  const pool = await WorkerPool.create({
    size: plan.concurrency,
    backend: 'cpu',
    ...(plan.recycleAfterTrials === undefined ? {} : { recycleAfterTrials: plan.recycleAfterTrials }),
  });
  try {
    const workspace = new Workspace({ name: 'bench-trivial', store, runner: pool });
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling({ x: uniform(0, 1) }, { seed: 1 }),
      primaryMetricName: 'score',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: plan.trials,
      maxConcurrentRuns: plan.concurrency,
      trial: { kind: 'module', url },
    });
    const t0 = performance.now();
    let firstTrialMs = Number.NaN;
    const handle = new Experiment(workspace, 'trivial').submit(config);
    const unsubscribe = handle.subscribe((event) => {
      if (Number.isNaN(firstTrialMs) && event.kind === 'run' && event.run.status === 'Completed')
        firstTrialMs = performance.now() - t0;
    });
    const record = await handle.waitForCompletion();
    const wallMs = performance.now() - t0;
    unsubscribe();
    const children = handle.getChildren().sort((a, b) => a.index - b.index);
    const completed = children.filter((r) => r.status === 'Completed').length;
    const med = (values: number[]): number => {
      const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
      return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
    };
    const later = children.slice(1);
    const phases = {
      dispatch: med(later.map((r) => (r.startedAt ?? Number.NaN) - r.createdAt)),
      run: med(later.map((r) => (r.endedAt ?? Number.NaN) - (r.startedAt ?? Number.NaN))),
      gap: med(
        later.slice(1).map((r, i) => r.createdAt - ((later[i] as (typeof later)[number]).endedAt ?? Number.NaN)),
      ),
    };
    return {
      plan,
      status: record.status,
      wallMs,
      perTrialMs: wallMs / plan.trials,
      completed,
      spawned: pool.stats().spawned,
      concurrency: handle.concurrency,
      firstTrialMs,
      phases,
    };
  } finally {
    await pool.dispose();
    await store.close();
    URL.revokeObjectURL(url);
  }
}

// ---------------------------------------------------------------------------------------------
// IndexedDB store flush throughput.

async function idb(plan: IdbPlan): Promise<IdbOutcome> {
  await deleteDatabase(IDB_DB);
  const store = await IndexedDbStore.open({ name: IDB_DB });
  const sweepId = 'HD_bench_idb';
  const names = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];
  try {
    const t0 = performance.now();
    let points = 0;
    const steps = Math.ceil(plan.pointsPerRun / plan.pointsPerCall);
    for (let s = 0; s < steps; s++) {
      for (let r = 0; r < plan.runs; r++) {
        const batch: MetricPoint[] = [];
        for (let k = 0; k < plan.pointsPerCall && s * plan.pointsPerCall + k < plan.pointsPerRun; k++) {
          const i = s * plan.pointsPerCall + k;
          batch.push({
            sweepId,
            runId: `${sweepId}_${r}`,
            attempt: 1,
            name: names[i % names.length] ?? 'loss',
            step: Math.floor(i / names.length),
            value: Math.random(),
            time: Date.now(),
          });
        }
        points += batch.length;
        await store.appendMetrics(batch);
      }
    }
    const appendMs = performance.now() - t0;
    await store.flush();
    const totalMs = performance.now() - t0;
    const transactions = store.stats.batches;
    const readBack = (await store.listMetrics(sweepId)).length;
    return { plan, points, appendMs, totalMs, pointsPerSecond: points / (totalMs / 1000), transactions, readBack };
  } finally {
    await store.close();
    await deleteDatabase(IDB_DB);
  }
}

// ---------------------------------------------------------------------------------------------
// Studio at scale: a stored sweep of many runs for the Studio (index.html, same origin) to open.

const STUDIO_WORKSPACE = 'overdrive-bench-studio';

/**
 * Stores a finished sweep of `runs` runs × `intervals` intervals (two metrics each) in the
 * workspace the bench then opens the Studio on: the engine core's Workspace over the app's own
 * IndexedDbStore, so the records are exactly what the app writes. The trial is a synthetic
 * function run in-process (the browser runtime refuses functions: user code runs only in
 * workers), so the seeding costs seconds, not hours.
 */
async function studioSeed(plan: StudioSeedPlan): Promise<StudioSeed> {
  await deleteDatabase(STUDIO_WORKSPACE);
  const store = await IndexedDbStore.open({ name: STUDIO_WORKSPACE });
  const workspace = new Workspace({ name: STUDIO_WORKSPACE, store, runner: new InProcessRunner() });
  try {
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        {
          learning_rate: loguniform(-9, -3),
          units: choice(16, 32, 64, 128),
          dropout: uniform(0, 0.5),
          optimizer: choice('adam', 'sgd', 'rmsprop'),
        },
        { seed: 11 },
      ),
      primaryMetricName: 'val_accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: plan.runs,
      maxConcurrentRuns: 20,
      train: (params, run) => {
        const rate = Number(params['learning_rate']);
        const ceiling =
          0.55 + 0.4 * Math.min(1, Math.max(0, (Math.log(rate) + 9) / 6)) - Number(params['dropout']) * 0.1;
        const speed = 8 + (Number(params['units']) % 48);
        for (let i = 1; i <= plan.intervals; i++) {
          const progress = 1 - Math.exp(-i / speed);
          run.log('val_accuracy', ceiling * progress + 0.004 * Math.sin(i * rate * 1e4));
          run.log('loss', 2.3 * (1 - progress) + 0.05);
        }
      },
    });
    const t0 = performance.now();
    const sweep = new Experiment(workspace, 'studio-at-scale').submit(config);
    const record = await sweep.waitForCompletion();
    await store.flush();
    const seedMs = performance.now() - t0;
    const points = (await store.listMetrics(sweep.id)).length;
    return {
      workspace: STUDIO_WORKSPACE,
      sweepId: sweep.id,
      status: record.status,
      runs: sweep.getChildren().length,
      points,
      seedMs,
    };
  } finally {
    await store.close();
  }
}

const SAMPLER_DB = 'overdrive-bench-sampler';

export interface SamplerPlan {
  readonly runs: number;
  readonly concurrency: number;
  /** Where suggestions are computed: the sampler worker (the browser runtime) or this thread. */
  readonly mode: 'worker' | 'main-thread';
}

export interface SamplerOutcome {
  readonly mode: 'worker' | 'main-thread';
  readonly runs: number;
  readonly status: string;
  readonly wallMs: number;
  /** Main-thread time of each `next()` call up to its promise (all of it in process; copying out, with a worker). */
  readonly syncMs: readonly number[];
  /** Long tasks (> 50 ms) overlapping a sampler call's main-thread part, and all long tasks. */
  readonly attributableLongTasks: readonly number[];
  readonly allLongTasks: readonly number[];
  readonly answeredByWorker: number;
}

/**
 * A long Bayesian sweep on this page: the engine with the real IndexedDB store and a fast
 * in-process trial (Hartmann-6, one report), so that the sampler is the only heavy work. A
 * PerformanceObserver collects the page's long tasks; one is attributed to sampling when it
 * overlaps the main-thread part of a `next()` call.
 */
async function samplerSweep(plan: SamplerPlan): Promise<SamplerOutcome> {
  await deleteDatabase(SAMPLER_DB);
  const store = await IndexedDbStore.open({ name: SAMPLER_DB });
  const worker = plan.mode === 'worker' ? startSamplerWorker() : null;
  const spans: [number, number][] = [];
  const inner: SamplerHost = worker?.connection.host ?? ((sampling, random) => sampling.createSampler(random));
  const samplerHost: SamplerHost = (sampling, random) => {
    const sampler = inner(sampling, random);
    return {
      next: (context) => {
        const t0 = performance.now();
        const result = sampler.next(context);
        spans.push([t0, performance.now()]);
        return result;
      },
    };
  };
  const longTasks: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ type: 'longtask', buffered: false });
  const workspace = new Workspace({ name: SAMPLER_DB, store, runner: new InProcessRunner(), samplerHost });
  const names = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'];
  const A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
  ];
  const P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
  ];
  const alpha = [1, 1.2, 3, 3.2];
  try {
    const config = new HyperDriveConfig({
      hyperparameterSampling: new BayesianParameterSampling(
        Object.fromEntries(names.map((name) => [name, uniform(0, 1)])),
        { seed: 1 },
      ),
      primaryMetricName: 'loss',
      primaryMetricGoal: PrimaryMetricGoal.MINIMIZE,
      maxTotalRuns: plan.runs,
      maxConcurrentRuns: plan.concurrency,
      train: (params, run) => {
        let total = 0;
        for (let i = 0; i < 4; i += 1) {
          let inner = 0;
          for (let j = 0; j < 6; j += 1) {
            inner += (A[i]?.[j] ?? 0) * (Number(params[names[j] ?? '']) - (P[i]?.[j] ?? 0) * 1e-4) ** 2;
          }
          total += (alpha[i] ?? 0) * Math.exp(-inner);
        }
        run.log('loss', -total);
      },
    });
    const t0 = performance.now();
    const sweep = new Experiment(workspace, 'sampler-main-thread').submit(config);
    const record = await sweep.waitForCompletion();
    await store.flush();
    const wallMs = performance.now() - t0;
    // Let the observer deliver the last entries.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const overlaps = (task: { start: number; end: number }): boolean =>
      spans.some(([a, b]) => task.start < b && a < task.end);
    return {
      mode: plan.mode,
      runs: sweep.getChildren().length,
      status: record.status,
      wallMs,
      syncMs: spans.map(([a, b]) => b - a),
      attributableLongTasks: longTasks.filter(overlaps).map((t) => t.end - t.start),
      allLongTasks: longTasks.map((t) => t.end - t.start),
      answeredByWorker: worker?.connection.answered ?? 0,
    };
  } finally {
    observer.disconnect();
    worker?.terminate();
    await store.close();
  }
}

/** Where the built bench serves the live trial module of the streaming measurement. */
function streamingTrialUrl(): string {
  return new URL('./streaming-trial.js', import.meta.url).href;
}

async function resetStorage(): Promise<void> {
  await overheadClose();
  for (const name of [OVERHEAD_DB, SWEEP_DB, TRIVIAL_DB, IDB_DB, STUDIO_WORKSPACE, SAMPLER_DB])
    await deleteDatabase(name);
}

// ---------------------------------------------------------------------------------------------
// Exact decisions: the verdict round trip, worker -> orchestrator decision -> worker.

const VERDICT_MODULE = `
// Busy work for work_ms, then one report of the primary metric, timed from the worker: the time
// \`await run.log\` takes is the round trip to the orchestrator's verdict at an evaluation point.
// sent_at and resumed_at (the same instants on the shared time line, performance.timeOrigin +
// now) let the page split it into its hops; they travel in the same batches, and wait for nothing.
export default async function train(params, run) {
  for (let i = 1; i <= params.intervals; i++) {
    const end = performance.now() + params.work_ms;
    while (performance.now() < end) {}
    const t0 = performance.now();
    run.log('sent_at', performance.timeOrigin + t0);
    await run.log('accuracy', (params.quality * i) / params.intervals);
    const t1 = performance.now();
    run.log('resumed_at', performance.timeOrigin + t1);
    run.log('verdict_ms', t1 - t0);
  }
}
`;

/**
 * The pool as the orchestrator sees it, with the moment each batch reached the orchestrator and
 * the moment the orchestrator had decided on it stamped on the page's time line. The pool posts
 * its reply as soon as the orchestrator returns (src/pool/trial-driver.ts), so "decided" is
 * when the verdict leaves the page.
 */
function stampedRunner(pool: WorkerPool, stamps: Map<string, { sentAt: number; received: number; decided: number }[]>) {
  const runner: TrialRunner = {
    get capacity() {
      return pool.capacity;
    },
    start: (request, listener) =>
      pool.start(request, (events) => {
        const received = performance.timeOrigin + performance.now();
        listener(events);
        const decided = performance.timeOrigin + performance.now();
        const sent = events.find((e) => e.kind === 'metric' && e.name === 'sent_at');
        const judged = events.some((e) => e.kind === 'metric' && e.name === 'accuracy');
        if (sent?.kind === 'metric' && judged) {
          const list = stamps.get(request.runId) ?? [];
          list.push({ sentAt: sent.value, received, decided });
          stamps.set(request.runId, list);
        }
      }),
    dispose: () => pool.dispose(),
  };
  return runner;
}

async function verdictRoundTrip(plan: VerdictPlan): Promise<VerdictOutcome> {
  const url = URL.createObjectURL(new Blob([VERDICT_MODULE], { type: 'text/javascript' }));
  const pool = await WorkerPool.create({
    size: plan.concurrency,
    backend: 'cpu',
    ...(plan.isolation === undefined ? {} : { isolation: plan.isolation }),
  });
  const measure = async (judged: boolean): Promise<{ wallMs: number; waits: number[]; hops: VerdictHops }> => {
    const stamps = new Map<string, { sentAt: number; received: number; decided: number }[]>();
    const workspace = new Workspace({
      name: 'bench-verdicts',
      store: new MemoryStore(),
      runner: stampedRunner(pool, stamps),
    });
    const config = new HyperDriveConfig({
      hyperparameterSampling: new RandomParameterSampling(
        { quality: uniform(0.5, 1), intervals: choice(plan.intervals), work_ms: choice(plan.workMs) },
        { seed: 1 },
      ),
      primaryMetricName: 'accuracy',
      primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
      maxTotalRuns: plan.runs,
      maxConcurrentRuns: plan.concurrency,
      trial: { kind: 'module', url },
      // Every interval is an evaluation point, and the slack keeps every run: all are timed.
      ...(judged ? { policy: new BanditPolicy({ slackAmount: 1e9, evaluationInterval: 1, delayEvaluation: 0 }) } : {}),
    });
    const t0 = performance.now();
    const handle = new Experiment(workspace, judged ? 'verdicts' : 'no-policy').submit(config);
    await handle.waitForCompletion();
    const wallMs = performance.now() - t0;
    const metrics = handle.getMetrics();
    const waits = Object.values(metrics).flatMap((m) => asList(m['verdict_ms']));
    const hops = { toPageMs: [] as number[], onPageMs: [] as number[], toWorkerMs: [] as number[] };
    for (const [runId, m] of Object.entries(metrics)) {
      const resumed = asList(m['resumed_at']);
      (stamps.get(runId) ?? []).forEach((s, i) => {
        const back = resumed[i];
        if (back === undefined) return;
        hops.toPageMs.push(s.received - s.sentAt);
        hops.onPageMs.push(s.decided - s.received);
        hops.toWorkerMs.push(back - s.decided);
      });
    }
    return { wallMs, waits, hops };
  };
  try {
    // Warm the workers (module load) before either side is timed.
    await measure(false);
    const none = await measure(false);
    const judged = await measure(true);
    return {
      plan,
      waitsMs: judged.waits,
      hops: judged.hops,
      noPolicyWaitsMs: none.waits,
      wallMs: judged.wallMs,
      noPolicyWallMs: none.wallMs,
    };
  } finally {
    await pool.dispose();
    URL.revokeObjectURL(url);
  }
}

// The floor under the verdict round trip: the same workers' shape (spin work_ms, report, wait for
// the answer) with nothing but a MessagePort between page and worker, answered at once. No
// Overdrive code runs on either side, so what it measures is the browser and the machine. Both
// floors (page-origin and sandboxed) run this one loop; only how the worker gets its port differs.
const FLOOR_LOOP = `
const floorLoop = (port, rounds, workMs, done) => {
  const waits = [];
  let sent = 0;
  let round = 0;
  const next = () => {
    if (round++ >= rounds) return done(waits);
    const end = performance.now() + workMs;
    while (performance.now() < end) {}
    sent = performance.now();
    port.postMessage({ seq: round, events: [{ kind: 'metric', name: 'accuracy', value: 0.5, time: Date.now() }] });
  };
  port.onmessage = () => {
    waits.push(performance.now() - sent);
    next();
  };
  next();
};
`;

const FLOOR_WORKER = `${FLOOR_LOOP}
onmessage = (event) => {
  const { port, rounds, workMs } = event.data;
  floorLoop(port, rounds, workMs, (waits) => postMessage(waits));
};
`;

async function verdictFloor(plan: VerdictPlan): Promise<number[]> {
  if ((plan.isolation ?? 'page') === 'sandbox') return verdictSandboxFloor(plan);
  const url = URL.createObjectURL(new Blob([FLOOR_WORKER], { type: 'text/javascript' }));
  // As many round trips per worker as the pool's workers make between them.
  const rounds = Math.ceil((plan.runs * plan.intervals) / plan.concurrency);
  const workers: Worker[] = [];
  try {
    const waits = await Promise.all(
      Array.from({ length: plan.concurrency }, () => {
        const worker = new Worker(url, { name: 'bench-verdict-floor' });
        workers.push(worker);
        const channel = new MessageChannel();
        channel.port1.onmessage = (event: MessageEvent<{ seq: number }>) =>
          channel.port1.postMessage({ seq: event.data.seq, stop: null });
        return new Promise<number[]>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent<number[]>) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(`the floor worker failed: ${event.message}`));
          worker.postMessage({ port: channel.port2, rounds, workMs: plan.workMs }, [channel.port2]);
        });
      }),
    );
    return waits.flat();
  } finally {
    for (const worker of workers) worker.terminate();
    URL.revokeObjectURL(url);
  }
}

// The same floor for the sandboxed pool: each worker starts in its own opaque-origin sandbox frame,
// the very frame.html the pool uses (so Chromium places it as it places the pool's: in a process
// apart from the page), through that frame's own data: URL bootstrap, and its port is handed over
// as the pool's is. The frame only relays the port once; after that the worker and the page talk
// directly, with no Overdrive code on either side. What it measures is Chromium's hop between
// processes on this machine, the least a sandboxed verdict can take.
const SANDBOX_FLOOR_WORKER = (rounds: number, workMs: number): string => `${FLOOR_LOOP}
self.addEventListener('message', (event) => {
  const d = event.data;
  if (d === null || typeof d !== 'object' || d.kind !== 'overdrive-sandbox-init') return;
  floorLoop(d.port, ${rounds}, ${workMs}, (waits) => d.port.postMessage({ waits }));
});
`;

async function verdictSandboxFloor(plan: VerdictPlan): Promise<number[]> {
  const rounds = Math.ceil((plan.runs * plan.intervals) / plan.concurrency);
  const code = SANDBOX_FLOOR_WORKER(rounds, plan.workMs);
  const frames: HTMLIFrameElement[] = [];
  const listeners: ((event: MessageEvent) => void)[] = [];
  try {
    const waits = await Promise.all(
      Array.from({ length: plan.concurrency }, (_, i) => {
        const iframe = document.createElement('iframe');
        iframe.setAttribute('sandbox', 'allow-scripts');
        iframe.hidden = true;
        frames.push(iframe);
        const channel = new MessageChannel();
        const assets = new MessageChannel();
        return new Promise<number[]>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('the sandboxed floor worker did not answer in 60 s')),
            60_000,
          );
          channel.port1.onmessage = (event: MessageEvent<{ seq: number } | { waits: number[] }>) => {
            if ('waits' in event.data) {
              clearTimeout(timer);
              resolve(event.data.waits);
              return;
            }
            channel.port1.postMessage({ seq: event.data.seq, stop: null });
          };
          const onMessage = (event: MessageEvent): void => {
            if (event.source !== iframe.contentWindow) return;
            const m = event.data as { kind?: string; message?: string };
            if (m.kind === 'ready') {
              iframe.contentWindow?.postMessage({ kind: 'code', code }, '*');
              iframe.contentWindow?.postMessage(
                { kind: 'spawn', id: 1, name: `bench-verdict-floor-${i}`, port: channel.port2, assets: assets.port2 },
                '*',
                [channel.port2, assets.port2],
              );
            } else if (m.kind === 'error') {
              reject(new Error(`the sandboxed floor worker failed: ${m.message ?? ''}`));
            }
          };
          listeners.push(onMessage);
          window.addEventListener('message', onMessage);
          iframe.src = new URL('../../src/pool/sandbox/frame.html', import.meta.url).href;
          document.body.append(iframe);
        });
      }),
    );
    return waits.flat();
  } finally {
    for (const l of listeners) window.removeEventListener('message', l);
    for (const f of frames) f.remove();
  }
}

const overdriveBench = {
  verdictFloor,
  verdictRoundTrip,
  info,
  probe,
  overheadOpen,
  overheadRep,
  overheadClose,
  sweep,
  trivial,
  idb,
  studioSeed,
  samplerSweep,
  streamingTrialUrl,
  resetStorage,
};

export type OverdriveBench = typeof overdriveBench;

declare global {
  interface Window {
    overdriveBench: OverdriveBench;
  }
}

window.overdriveBench = overdriveBench;
