import { checkWorkspaceName } from './workspace-name.js';
import { openDB, unwrap, type IDBPDatabase } from 'idb';
import { ConfigError } from '../errors.js';
import {
  ALL_STORES,
  BATCH_STORES,
  SCHEMA_STEPS,
  schemaVersion,
  stepsToRun,
  type OverdriveDbSchema,
  type UpgradeStep,
} from './idb-schema.js';
import type {
  CheckpointRecord,
  DecisionRecord,
  ExperimentRecord,
  MetricPoint,
  RunRecord,
  RunStatus,
  SweepBackendReport,
  SweepRecord,
} from './records.js';
import { type MetricChunk, packMetrics, unpackRunMetrics, unpackSweepMetrics } from './metric-chunks.js';
import { mergeStoredSweep } from './sweep-merge.js';
import type { Store } from './store.js';
import {
  WriteBuffer,
  contiguousRanges,
  copyMetricPoint,
  describeBatch,
  errorText,
  type WriteBatch,
} from './write-buffer.js';

export interface IndexedDbStoreOptions {
  /** The database, i.e. the workspace's storage (semantics §1). Default `overdrive`. */
  readonly name?: string;
  /** Longest time a buffered write waits for its transaction, 0 to 250 ms. Default 250 (the metric window). */
  readonly flushIntervalMs?: number;
  /**
   * How long `open` waits while a connection from another tab blocks an upgrade, before it
   * rejects. Default 10 000 ms: long enough for a well-behaved tab to close, short enough that a
   * page is never left hanging on an unresponsive one.
   */
  readonly blockedTimeoutMs?: number;
  /** Called after this store closed itself because another tab is upgrading or deleting the database. */
  readonly onVersionChange?: () => void;
  /** Called when `open` has to wait for another tab to close an older connection. */
  readonly onBlocked?: () => void;
}

/** Counters for what has been committed, for diagnostics and throughput tests. */
export interface IndexedDbStoreStats {
  /** Write-batch transactions committed. */
  readonly batches: number;
  readonly metricPoints: number;
  readonly decisions: number;
  /** Experiments, sweeps and runs, after coalescing. */
  readonly records: number;
  readonly checkpoints: number;
}

export const DEFAULT_DATABASE_NAME = 'overdrive';
/**
 * The metric window: how long a running trial's metrics, progress puts and "continue" decisions
 * wait for company. Every transaction costs the page's main thread (requests, clones) and the
 * browser's IndexedDB and IO threads a few ms; at 100 ms a 30-epoch trial of the overhead bench
 * (an epoch every ~70 ms) committed 18 transactions, at 250 ms about 8. 250 ms is what the README
 * promises ("at least every 250 ms"), and what it puts at risk is bounded (docs/semantics.md,
 * "What a crash can lose"): everything that ends or stops a run commits within RECORD_DELAY_MS,
 * and in the same transaction as every metric buffered before it.
 */
const DEFAULT_FLUSH_INTERVAL_MS = 250;
const MAX_FLUSH_INTERVAL_MS = 250;
/**
 * How long experiment, sweep and run records wait for company before they are committed. A
 * transaction per update (one task later) cost about 2 ms per trial of a sweep of short trials
 * (three run updates each; bench/results/bench.md, "Orchestration cost"); 20 ms gathers the
 * updates of many trials into one, and is still far below what a person or another tab notices.
 */
const RECORD_DELAY_MS = 20;
/** A run's final statuses: after one, the run's next put (if any) counts as a change again. */
const ENDED_STATUSES: ReadonlySet<RunStatus> = new Set(['Completed', 'Failed', 'Canceled']);
const DEFAULT_BLOCKED_TIMEOUT_MS = 10_000;
/** Appended records that start a batch at once, bounding the buffer's memory in a burst. */
const MAX_BUFFERED_APPENDS = 20_000;

type Db = IDBPDatabase<OverdriveDbSchema>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Points deserialised per request: a few milliseconds of main-thread work each. */
const POINTS_PER_SLICE = 8192;
/** Chunks in the first request, before their size is known. */
const FIRST_SLICE_CHUNKS = 16;
/** At most this many chunks a request: the average so far can hide a run of large chunks. */
const MAX_SLICE_CHUNKS = 128;

/**
 * A sweep's points in logged order, the same as `unpackSweepMetrics` of all its chunks, read in
 * slices that each arrive in their own task. One `getAll` of every chunk hands the page one task
 * that deserialises them all (a trace of opening a stored sweep: 53 ms of main-thread CPU in
 * `SerializedScriptValueFactory::deserialize`, with no frame between); several requests in one
 * transaction are delivered one per task, so the page can paint and answer input between them.
 *
 * The chunk keys come first (keys only: nothing to deserialise), then consecutive key ranges of
 * the object store, sized from the points per chunk seen so far. A range can hold another
 * sweep's chunks (two sweeps written at once); they are dropped, and a range mostly of them is
 * read key by key. Each batch (from one `opens`
 * chunk to the next) is unpacked as soon as it is whole, so the unpacking is spread too.
 */
async function readSweepMetricsInSlices(db: Db, sweepId: string): Promise<MetricPoint[]> {
  const tx = db.transaction('metrics', 'readonly');
  const store = tx.objectStore('metrics');
  // The index lists equal keys in primary-key order: the order the chunks were committed in.
  const keys = await store.index('by-sweep').getAllKeys(sweepId);
  const points: MetricPoint[] = [];
  let pending: MetricChunk[] = [];
  let chunksRead = 0;
  let pointsRead = 0;
  for (let from = 0; from < keys.length; ) {
    const perChunk = chunksRead === 0 ? 0 : pointsRead / chunksRead;
    const count =
      perChunk === 0
        ? FIRST_SLICE_CHUNKS
        : Math.min(MAX_SLICE_CHUNKS, Math.max(1, Math.floor(POINTS_PER_SLICE / Math.max(1, perChunk))));
    const to = Math.min(keys.length, from + count) - 1;
    const first = keys[from];
    const last = keys[to];
    if (first === undefined || last === undefined) break;
    // A range with as many other chunks as its own (a larger sweep written at the same time) is
    // read key by key instead, so a small sweep never pulls a large one's points through.
    const sparse = last - first + 1 > 2 * (to - from + 1);
    const slice = sparse
      ? (await Promise.all(keys.slice(from, to + 1).map((key) => store.get(key)))).filter(
          (chunk): chunk is MetricChunk => chunk !== undefined,
        )
      : await store.getAll(IDBKeyRange.bound(first, last));
    for (const chunk of slice) {
      if (chunk.sweepId !== sweepId) continue;
      if (chunk.opens && pending.length > 0) {
        for (const point of unpackSweepMetrics(pending)) points.push(point);
        pending = [];
      }
      pending.push(chunk);
      chunksRead += 1;
      pointsRead += chunk.order.length;
    }
    from = to + 1;
  }
  for (const point of unpackSweepMetrics(pending)) points.push(point);
  await tx.done;
  return points;
}

/**
 * The browser's `Store`: every workspace is one IndexedDB database.
 *
 * Writes of experiments, sweeps, runs, metrics and decisions are buffered and committed together
 * in one transaction with relaxed durability: within `flushIntervalMs` of the first buffered
 * write, within RECORD_DELAY_MS for experiment/sweep updates and run status changes (a run put
 * again with its status unchanged waits with the metrics), when the page is hidden or
 * unloaded, and on `flush()`. Their promises resolve once
 * the records are buffered (and cloned: later mutation by the caller changes nothing); `flush()`
 * resolves once everything written before it is committed. Up to `flushIntervalMs` of writes can
 * therefore be lost if the page dies; flushed writes never are.
 *
 * A batch that fails to commit (quota exceeded, storage error) is lost, and the next write or
 * `flush()` rejects with an error naming what was lost and the browser's error; the store stays
 * usable and what was committed before stays readable.
 *
 * A sweep record put without a `backendReport` keeps the stored one (the orchestrator, which
 * writes the record, does not know it); `putBackendReport` replaces it.
 *
 * `putCheckpoint` and `deleteSweep` each run their own transaction and resolve after it
 * commits; a checkpoint's is strict, so it has reached the disk.
 *
 * Reads start a transaction for whatever is buffered first; IndexedDB runs transactions over
 * the same stores in creation order, so a read always sees every write made before it.
 *
 * Metric points are stored a run's batch at a time (see metric-chunks.ts) and read back as the
 * points that were appended, in logged order.
 */
export class IndexedDbStore implements Store {
  /** Opens (creating or upgrading) the workspace's database. */
  static open(options: IndexedDbStoreOptions = {}): Promise<IndexedDbStore> {
    return IndexedDbStore.openWithSteps(SCHEMA_STEPS, options);
  }

  /**
   * Opens with an explicit schema history instead of the built-in one. Applications use `open`;
   * this lets tests exercise migrations and blocked upgrades with versions the app has not shipped.
   */
  static async openWithSteps(
    steps: readonly UpgradeStep[],
    options: IndexedDbStoreOptions = {},
  ): Promise<IndexedDbStore> {
    // Before anything opens: a refused name must not leave an empty database behind.
    const name = checkWorkspaceName(options.name ?? DEFAULT_DATABASE_NAME, 'name');
    const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!Number.isFinite(flushIntervalMs) || flushIntervalMs < 0 || flushIntervalMs > MAX_FLUSH_INTERVAL_MS) {
      throw new ConfigError(
        'flushIntervalMs',
        `must be a number of milliseconds from 0 to ${MAX_FLUSH_INTERVAL_MS}`,
        flushIntervalMs,
      );
    }
    const blockedTimeoutMs = options.blockedTimeoutMs ?? DEFAULT_BLOCKED_TIMEOUT_MS;
    if (!Number.isFinite(blockedTimeoutMs) || blockedTimeoutMs < 0) {
      throw new ConfigError('blockedTimeoutMs', 'must be a non-negative number of milliseconds', blockedTimeoutMs);
    }
    if (typeof indexedDB === 'undefined') {
      throw new Error(
        'IndexedDbStore needs IndexedDB, which this environment does not have (use MemoryStore outside the browser)',
      );
    }
    const db = await openDatabase(name, steps, blockedTimeoutMs, options.onBlocked);
    const missing = ALL_STORES.filter((store) => !db.objectStoreNames.contains(store));
    if (missing.length > 0) {
      db.close();
      throw new Error(
        `IndexedDB database "${name}" (version ${db.version}) lacks the object store(s) ${missing.join(', ')}: ` +
          'it was created by something other than Overdrive; use another workspace name',
      );
    }
    return new IndexedDbStore(db, name, flushIntervalMs, options.onVersionChange);
  }

  private readonly raw: IDBDatabase;
  private readonly buffer = new WriteBuffer();
  private readonly inflight = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = 0;
  /** When the oldest write now in the buffer arrived; the flush deadline counts from it. */
  private bufferedSince: number | null = null;
  /** A failed batch, waiting to be reported by the next write or flush. */
  private failure: Error | null = null;
  /**
   * The status each unfinished run was last put with. A put with the same status only carries
   * progress (intervals, best metric): the orchestrator sends one with every metric batch, and at
   * RECORD_DELAY_MS it made every epoch its own transaction (half the browser's IndexedDB and IO
   * thread time of a 30-epoch trial), while the metrics it summarises wait `flushIntervalMs`.
   */
  private readonly runStatuses = new Map<string, RunStatus>();
  /** Set once the connection is gone; every later call rejects with it. */
  private closedError: Error | null = null;
  private readonly counters: Mutable<IndexedDbStoreStats> = {
    batches: 0,
    metricPoints: 0,
    decisions: 0,
    records: 0,
    checkpoints: 0,
  };

  private constructor(
    private readonly db: Db,
    readonly name: string,
    readonly flushIntervalMs: number,
    private readonly onVersionChange: (() => void) | undefined,
  ) {
    this.raw = unwrap(db);
    this.raw.addEventListener('versionchange', this.handleVersionChange);
    this.raw.addEventListener('close', this.handleTerminated);
    // Timers are throttled in hidden tabs, so hand buffered writes to IndexedDB as soon as the
    // page may be going away rather than trusting the next tick.
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.handleHidden);
    if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('pagehide', this.handleHidden);
  }

  get stats(): IndexedDbStoreStats {
    return { ...this.counters };
  }

  async putExperiment(record: ExperimentRecord): Promise<void> {
    this.bufferRecord(
      'putExperiment',
      record,
      (copy) => [copy.workspace, copy.name],
      (copy) => this.buffer.addExperiment(copy),
    );
  }

  async putSweep(record: SweepRecord): Promise<void> {
    this.bufferRecord(
      'putSweep',
      record,
      (copy) => copy.id,
      (copy) => this.buffer.addSweep(copy),
    );
  }

  /**
   * Replaces a stored sweep's backend report, leaving the rest of its record as the last
   * `putSweep` left it; a sweep that is not stored (deleted meanwhile) gets none. Buffered like
   * `putSweep`, and committed in the same order.
   */
  async putBackendReport(sweepId: string, report: SweepBackendReport): Promise<void> {
    this.bufferRecord(
      'putBackendReport',
      report,
      () => sweepId,
      (copy) => this.buffer.addBackendReport(sweepId, copy),
    );
  }

  /**
   * Names a stored sweep (the name checked by the caller, see `checkSweepName`), leaving the
   * rest of its record as the last `putSweep` left it; buffered and committed like
   * `putBackendReport`, so a running sweep's next status update keeps the name.
   */
  async putSweepName(sweepId: string, name: string): Promise<void> {
    this.bufferRecord(
      'putSweepName',
      name,
      () => sweepId,
      (copy) => this.buffer.addSweepName(sweepId, copy),
    );
  }

  /**
   * A run whose status changed waits RECORD_DELAY_MS like other records; a run put again with
   * the status it had (progress) waits `flushIntervalMs`, with the metrics it came with.
   */
  async putRun(record: RunRecord): Promise<void> {
    const progress = this.runStatuses.get(record.id) === record.status;
    this.bufferRecord(
      'putRun',
      record,
      (copy) => copy.id,
      (copy) => this.buffer.addRun(copy),
      progress ? this.flushIntervalMs : RECORD_DELAY_MS,
    );
    if (ENDED_STATUSES.has(record.status)) this.runStatuses.delete(record.id);
    else this.runStatuses.set(record.id, record.status);
  }

  async appendMetrics(points: readonly MetricPoint[]): Promise<void> {
    this.admit('appendMetrics');
    let copies: MetricPoint[];
    try {
      copies = points.map((point, i) => copyMetricPoint(point, i));
    } catch (error) {
      throw this.opError('appendMetrics', error);
    }
    if (copies.length === 0) return;
    this.buffer.addMetrics(copies);
    this.schedule(this.flushIntervalMs);
  }

  /**
   * A decision that stops a run is committed within RECORD_DELAY_MS, as a status change is (with
   * every metric buffered before it: the curve it was judged on); one that lets the run go on
   * waits the metric window with the report it judged.
   */
  async appendDecisions(records: readonly DecisionRecord[]): Promise<void> {
    this.admit('appendDecisions');
    const copies = records.map((record) => this.cloneIn('appendDecisions', record));
    if (copies.length === 0) return;
    this.buffer.addDecisions(copies);
    const stops = copies.some((record) => record.decision.kind === 'cancel');
    this.schedule(stops ? RECORD_DELAY_MS : this.flushIntervalMs);
  }

  async putCheckpoint(record: CheckpointRecord): Promise<void> {
    this.admit('putCheckpoint');
    // Everything written before the checkpoint is committed before it: its transaction covers
    // other object stores than the batches, so IndexedDB would not order the two, and a reload
    // could find a checkpoint at epoch N with the metrics of epoch N still unwritten.
    await this.commitBuffered();
    await new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction | undefined;
      try {
        tx = this.raw.transaction('checkpoints', 'readwrite', { durability: 'strict' });
        const store = tx.objectStore('checkpoints');
        // put() clones synchronously, so the caller may reuse its buffers once this returns.
        store.put(record);
        const { runId, sequence } = record;
        // Only the latest checkpoint of a run is ever resumed from; older ones are dropped in
        // the same transaction, and a late lower-sequence one is dropped again.
        store.delete(IDBKeyRange.bound([runId, -Infinity], [runId, sequence], false, true));
        const latest = store.openKeyCursor(IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]), 'prev');
        latest.onsuccess = () => {
          const key = latest.result?.key;
          if (Array.isArray(key) && typeof key[1] === 'number' && key[1] > sequence) store.delete([runId, sequence]);
        };
      } catch (error) {
        abortQuietly(tx);
        reject(this.opError('putCheckpoint', error));
        return;
      }
      const committed = tx;
      committed.oncomplete = () => {
        this.counters.checkpoints += 1;
        resolve();
      };
      committed.onabort = () => reject(this.opError('putCheckpoint', committed.error ?? abortError()));
    });
  }

  async latestCheckpoint(runId: string): Promise<CheckpointRecord | undefined> {
    return this.read('latestCheckpoint', async (db) => {
      const cursor = await db
        .transaction('checkpoints')
        .store.openCursor(IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]), 'prev');
      return cursor?.value;
    });
  }

  async deleteSweep(id: string): Promise<void> {
    this.admit('deleteSweep');
    // Buffered writes for this sweep are committed first, so the delete removes them too.
    this.startBatch();
    await new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction | undefined;
      try {
        tx = this.raw.transaction([...ALL_STORES], 'readwrite');
        const active = tx;
        active.objectStore('sweeps').delete(id);
        for (const name of ['runs', 'checkpoints'] as const) {
          const store = active.objectStore(name);
          const keys = store.index('by-sweep').getAllKeys(id);
          keys.onsuccess = () => {
            for (const key of keys.result) store.delete(key);
          };
        }
        for (const name of ['metrics', 'decisions'] as const) {
          const store = active.objectStore(name);
          const keys = store.index('by-sweep').getAllKeys(id);
          keys.onsuccess = () => {
            const numbers = keys.result.filter((key): key is number => typeof key === 'number');
            for (const [first, last] of contiguousRanges(numbers)) store.delete(IDBKeyRange.bound(first, last));
          };
        }
      } catch (error) {
        abortQuietly(tx);
        reject(this.opError('deleteSweep', error));
        return;
      }
      const committed = tx;
      committed.oncomplete = () => resolve();
      committed.onabort = () => reject(this.opError('deleteSweep', committed.error ?? abortError()));
    });
  }

  async listExperiments(workspace: string): Promise<ExperimentRecord[]> {
    const experiments = await this.read('listExperiments', (db) =>
      db.getAll('experiments', IDBKeyRange.bound([workspace], [workspace, []])),
    );
    // Creation order, as the in-memory store gives; the key order (by name) breaks ties.
    return experiments.sort((a, b) => a.createdAt - b.createdAt);
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    return this.read('getSweep', (db) => db.get('sweeps', id));
  }

  async listSweeps(workspace: string, experiment?: string): Promise<SweepRecord[]> {
    const sweeps = await this.read('listSweeps', (db) =>
      experiment === undefined
        ? db.getAllFromIndex('sweeps', 'by-workspace', workspace)
        : db.getAllFromIndex('sweeps', 'by-experiment', [workspace, experiment]),
    );
    return sweeps.sort((a, b) => a.createdAt - b.createdAt);
  }

  async listRuns(sweepId: string): Promise<RunRecord[]> {
    const runs = await this.read('listRuns', (db) => db.getAllFromIndex('runs', 'by-sweep', sweepId));
    return runs.sort((a, b) => a.index - b.index);
  }

  async listMetrics(sweepId: string, runId?: string): Promise<MetricPoint[]> {
    // An index lists equal index keys in primary-key order, and the auto-increment key is the
    // order the chunks were committed in.
    return this.read('listMetrics', async (db) =>
      runId === undefined
        ? readSweepMetricsInSlices(db, sweepId)
        : unpackRunMetrics(await db.getAllFromIndex('metrics', 'by-run', [sweepId, runId])),
    );
  }

  async listDecisions(sweepId: string): Promise<DecisionRecord[]> {
    return this.read('listDecisions', (db) => db.getAllFromIndex('decisions', 'by-sweep', sweepId));
  }

  async flush(): Promise<void> {
    if (this.closedError !== null) throw this.closedError;
    await this.commitBuffered();
    const failure = this.takeFailure();
    if (failure !== null) throw failure;
  }

  /** Hands what is buffered to a transaction and waits for every batch in flight to settle. */
  private async commitBuffered(): Promise<void> {
    this.startBatch();
    await Promise.all([...this.inflight]);
  }

  /** Flushes, then closes the connection; later calls reject. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closedError !== null) return;
    this.startBatch();
    const pending = Promise.all([...this.inflight]);
    this.closedError = new Error(`IndexedDbStore "${this.name}" is closed`);
    this.detach();
    // close() lets transactions already started (the last batch) finish.
    this.db.close();
    await pending;
    const failure = this.takeFailure();
    if (failure !== null) throw failure;
  }

  private readonly handleVersionChange = (event: IDBVersionChangeEvent): void => {
    if (this.closedError !== null) return;
    // The last batch is started before closing; the other tab's upgrade waits for it.
    this.startBatch();
    const what =
      event.newVersion === null ? 'is deleting the database' : `is upgrading it to schema version ${event.newVersion}`;
    this.closedError = new Error(
      `IndexedDbStore "${this.name}" was closed because another tab ${what}; the database was upgraded elsewhere, so reload this page to continue`,
    );
    this.detach();
    this.db.close();
    try {
      this.onVersionChange?.();
    } catch {
      // The store is closed either way; a faulty callback must not hide that.
    }
  };

  private readonly handleTerminated = (): void => {
    if (this.closedError !== null) return;
    this.closedError = new Error(
      `IndexedDbStore "${this.name}": the browser closed the database connection (site data cleared or a storage failure); reload the page`,
    );
    this.detach();
  };

  private readonly handleHidden = (event: Event): void => {
    if (event.type === 'pagehide' || (typeof document !== 'undefined' && document.visibilityState === 'hidden')) {
      this.startBatch();
    }
  };

  private detach(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.raw.removeEventListener('versionchange', this.handleVersionChange);
    this.raw.removeEventListener('close', this.handleTerminated);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.handleHidden);
    if (typeof globalThis.removeEventListener === 'function')
      globalThis.removeEventListener('pagehide', this.handleHidden);
  }

  /** Refuses a write on a closed store, and reports a failed batch to the first write after it. */
  /**
   * What every single-record write does: refuse once closed or failed, clone the record so the
   * caller's later changes cannot reach the buffer, reject a key IndexedDB would refuse while the
   * caller can still be told, then buffer it and schedule the flush.
   */
  private bufferRecord<T>(
    op: string,
    record: T,
    key: (copy: T) => unknown,
    add: (copy: T) => void,
    delayMs = RECORD_DELAY_MS,
  ): void {
    this.admit(op);
    const copy = this.cloneIn(op, record);
    this.checkKey(op, key(copy));
    add(copy);
    this.schedule(delayMs);
  }

  private admit(op: string): void {
    if (this.closedError !== null) throw new Error(`${op}: ${this.closedError.message}`, { cause: this.closedError });
    const failure = this.takeFailure();
    if (failure !== null) throw failure;
  }

  private takeFailure(): Error | null {
    const failure = this.failure;
    this.failure = null;
    return failure;
  }

  private cloneIn<T>(op: string, record: T): T {
    try {
      return structuredClone(record);
    } catch (error) {
      throw this.opError(op, error);
    }
  }

  /** Rejects a bad key in the call that brought it, rather than failing a whole batch later. */
  private checkKey(op: string, key: unknown): void {
    try {
      indexedDB.cmp(key, key);
    } catch (error) {
      throw this.opError(op, error);
    }
  }

  private opError(op: string, error: unknown): Error {
    return new Error(`IndexedDbStore "${this.name}": ${op} failed: ${errorText(error)}`, { cause: error });
  }

  private async read<T>(op: string, query: (db: Db) => Promise<T>): Promise<T> {
    if (this.closedError !== null) throw new Error(`${op}: ${this.closedError.message}`, { cause: this.closedError });
    // The read's transaction must be created after the batch's, in the same turn, to see it.
    this.startBatch();
    try {
      return await query(this.db);
    } catch (error) {
      throw this.opError(op, error);
    }
  }

  private schedule(delayMs: number): void {
    const now = Date.now();
    this.bufferedSince ??= now;
    // The deadline is also checked here because timers are throttled in background tabs while
    // writes (driven by worker messages) keep arriving.
    if (now - this.bufferedSince >= this.flushIntervalMs || this.buffer.appendedCount >= MAX_BUFFERED_APPENDS) {
      this.startBatch();
      return;
    }
    const due = Math.min(this.bufferedSince + this.flushIntervalMs, now + delayMs);
    if (this.timer !== undefined && this.timerDue <= due) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startBatch();
    }, due - now);
  }

  /** Hands the buffer to a new transaction, synchronously, and tracks it until it settles. */
  private startBatch(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.bufferedSince = null;
    if (this.buffer.isEmpty || this.closedError !== null) return;
    const batch = this.buffer.take();
    const done = this.writeBatch(batch);
    this.inflight.add(done);
    void done.then(() => this.inflight.delete(done));
  }

  /** Never rejects: a failure is kept for the next write or flush to report. */
  private writeBatch(batch: WriteBatch): Promise<void> {
    return new Promise<void>((resolve) => {
      let thrown: unknown;
      let tx: IDBTransaction;
      try {
        tx = this.raw.transaction([...BATCH_STORES], 'readwrite', { durability: 'relaxed' });
      } catch (error) {
        this.recordFailure(batch, error);
        resolve();
        return;
      }
      tx.oncomplete = () => {
        this.counters.batches += 1;
        this.counters.metricPoints += batch.metrics.length;
        this.counters.decisions += batch.decisions.length;
        this.counters.records +=
          batch.experiments.length +
          batch.sweeps.length +
          batch.backendReports.length +
          batch.sweepNames.length +
          batch.runs.length;
        resolve();
      };
      tx.onabort = () => {
        this.recordFailure(batch, thrown ?? tx.error ?? abortError());
        resolve();
      };
      // Raw requests, not idb's promises: a batch may hold tens of thousands, and a failing one
      // aborts the transaction, which reports the error once instead of per request.
      try {
        const experiments = tx.objectStore('experiments');
        for (const record of batch.experiments) {
          const existing = experiments.getKey([record.workspace, record.name]);
          existing.onsuccess = () => {
            if (existing.result !== undefined) return;
            try {
              experiments.put(record);
            } catch (error) {
              thrown = error;
              tx.abort();
            }
          };
        }
        const sweeps = tx.objectStore('sweeps');
        // Read-modify-write inside this one transaction, so no other write can come in between.
        const merge = (id: string, next: (stored: SweepRecord | undefined) => SweepRecord | undefined): void => {
          const stored = sweeps.get(id);
          stored.onsuccess = () => {
            const record = next(stored.result as SweepRecord | undefined);
            if (record === undefined) return;
            try {
              sweeps.put(record);
            } catch (error) {
              thrown = error;
              tx.abort();
            }
          };
        };
        for (const record of batch.sweeps) {
          if (record.backendReport !== undefined && record.name !== undefined) sweeps.put(record);
          else merge(record.id, (stored) => mergeStoredSweep(record, stored));
        }
        for (const { sweepId, report } of batch.backendReports) {
          merge(sweepId, (stored) => (stored === undefined ? undefined : { ...stored, backendReport: report }));
        }
        for (const { sweepId, name } of batch.sweepNames) {
          merge(sweepId, (stored) => (stored === undefined ? undefined : { ...stored, name }));
        }
        const runs = tx.objectStore('runs');
        for (const record of batch.runs) runs.put(record);
        const metrics = tx.objectStore('metrics');
        for (const chunk of packMetrics(batch.metrics)) metrics.add(chunk);
        const decisions = tx.objectStore('decisions');
        for (const record of batch.decisions) decisions.add(record);
      } catch (error) {
        thrown = error;
        tx.abort();
      }
    });
  }

  private recordFailure(batch: WriteBatch, error: unknown): void {
    // The first failure is the informative one; later ones usually repeat it.
    this.failure ??= new Error(
      `IndexedDbStore "${this.name}": writing ${describeBatch(batch)} failed and was not stored: ${errorText(error)}`,
      { cause: error },
    );
  }
}

/** Opens the database, running the upgrade steps it lacks, and bounds how long a blocking tab can stall it. */
function openDatabase(
  name: string,
  steps: readonly UpgradeStep[],
  blockedTimeoutMs: number,
  onBlocked: (() => void) | undefined,
): Promise<Db> {
  const version = schemaVersion(steps);
  return new Promise<Db>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    let upgradeError: unknown;
    const opening = openDB<OverdriveDbSchema>(name, version, {
      upgrade(database, oldVersion, newVersion, transaction) {
        const db = unwrap(database);
        const tx = unwrap(transaction);
        for (const step of stepsToRun(steps, oldVersion, newVersion ?? version)) {
          try {
            step.apply(db, tx);
          } catch (error) {
            upgradeError = new Error(
              `IndexedDB database "${name}": upgrade step ${step.version} ("${step.description}") failed: ${errorText(error)}`,
              { cause: error },
            );
            tx.abort();
            return;
          }
        }
      },
      blocked(currentVersion) {
        if (timer === undefined) {
          timer = setTimeout(() => {
            gaveUp = true;
            reject(
              new Error(
                `IndexedDB database "${name}" could not be upgraded from version ${currentVersion} to ${version}: ` +
                  `another tab kept it open for ${blockedTimeoutMs} ms; close other tabs of this app and reload`,
              ),
            );
          }, blockedTimeoutMs);
        }
        try {
          onBlocked?.();
        } catch {
          // Waiting goes on whatever the callback does.
        }
      },
    });
    opening.then(
      (db) => {
        if (timer !== undefined) clearTimeout(timer);
        // Opened after we stopped waiting: nobody holds this connection, so let it go.
        if (gaveUp) db.close();
        else resolve(db);
      },
      (error: unknown) => {
        if (timer !== undefined) clearTimeout(timer);
        if (upgradeError !== undefined) reject(upgradeError);
        else if (error instanceof DOMException && error.name === 'VersionError') {
          reject(
            new Error(
              `IndexedDB database "${name}" has a newer schema than version ${version} that this page knows; reload the page to get the newer app`,
              { cause: error },
            ),
          );
        } else
          reject(new Error(`IndexedDB database "${name}" could not be opened: ${errorText(error)}`, { cause: error }));
      },
    );
  });
}

function abortQuietly(tx: IDBTransaction | undefined): void {
  try {
    tx?.abort();
  } catch {
    // Already finished or aborted: nothing left to undo.
  }
}

function abortError(): DOMException {
  return new DOMException('The transaction was aborted', 'AbortError');
}
