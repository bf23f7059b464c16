import {
  type MoreRuns,
  StudioEngine,
  type HyperDriveConfig,
  type RunningSweep,
  type SubmitOptions,
  type Sweep,
  type SweepBackendReport,
  type SweepEvent,
  type SweepRecord,
  type SweepPool,
} from './engine.js';
import { SweepModel } from './view-model/sweep-model.js';
import { backendReportOf, changesBackendReport } from './pages/backend-report-record.js';

/** A sweep this page runs: the handle, the worker pool that trains it, and its model. */
export interface LiveSweep {
  readonly sweep: Sweep;
  readonly pool: SweepPool;
  readonly model: SweepModel;
}

/** What tabs of the same workspace tell each other. */
type TabMessage =
  | { readonly kind: 'events'; readonly sweepId: string; readonly events: readonly SweepEvent[] }
  | { readonly kind: 'deleted'; readonly sweepId: string };

const BROADCAST_EVERY_MS = 200;
/** Pool news arrives in bursts (a worker skipping three backends): one report write per burst. */
const REPORT_EVERY_MS = 250;

/**
 * The Studio's connection to one workspace: its IndexedDB store, the sweeps this page runs,
 * and a BroadcastChannel so that another tab showing one of them sees it live, read-only.
 */
export class StudioSession {
  private readonly live = new Map<string, LiveSweep>();
  private readonly watched = new Map<string, Set<SweepModel>>();
  private readonly channel: BroadcastChannel | null;
  private readonly outbox = new Map<string, SweepEvent[]>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly changeListeners = new Set<() => void>();

  private constructor(readonly workspace: StudioEngine) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`overdrive:${workspace.name}`);
    if (this.channel !== null) this.channel.onmessage = (event: MessageEvent<unknown>) => this.onTabMessage(event.data);
  }

  /**
   * `onClosed` is told when another tab upgrades the workspace's database (a newer version of
   * the app): this tab's connection closes rather than block the upgrade, and must reload.
   */
  static async open(name: string, onClosed: (message: string) => void = () => {}): Promise<StudioSession> {
    const workspace = await StudioEngine.open(name, () =>
      onClosed(
        'A newer version of Overdrive opened in another tab has upgraded this browser’s data. This tab stopped using it so nothing is corrupted: reload the page to continue.',
      ),
    );
    return new StudioSession(workspace);
  }

  get name(): string {
    return this.workspace.name;
  }

  /** Told when a sweep starts or ends here, or another tab deletes one. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  liveSweep(id: string): LiveSweep | undefined {
    return this.live.get(id);
  }

  liveSweeps(): LiveSweep[] {
    return [...this.live.values()];
  }

  async submit(experiment: string, config: HyperDriveConfig, options: SubmitOptions): Promise<LiveSweep> {
    return this.adopt(await this.workspace.submit(experiment, config, options), undefined);
  }

  async continueSweep(sweepId: string, options: SubmitOptions): Promise<LiveSweep> {
    // Read first: the report of the page that ran it before is carried into the new one.
    const previous = (await this.workspace.getSweep(sweepId))?.backendReport;
    return this.adopt(await this.workspace.continueSweep(sweepId, options), previous);
  }

  /** A finished sweep, continued here with a larger budget. */
  async continueWithMoreRuns(sweepId: string, change: MoreRuns, options: SubmitOptions): Promise<LiveSweep> {
    const previous = (await this.workspace.getSweep(sweepId))?.backendReport;
    return this.adopt(await this.workspace.continueWithMoreRuns(sweepId, change, options), previous);
  }

  /**
   * The model of a sweep: the live one when this page runs it, else loaded from the store and
   * kept live by other tabs' broadcasts. Call the returned `release` when the view goes away.
   */
  async model(sweepId: string): Promise<{ model: SweepModel; live: LiveSweep | null; release: () => void } | null> {
    const live = this.live.get(sweepId);
    if (live !== undefined) return { model: live.model, live, release: () => {} };
    const model = await SweepModel.load(this.workspace.store, sweepId);
    if (model === null) return null;
    let set = this.watched.get(sweepId);
    if (set === undefined) {
      set = new Set();
      this.watched.set(sweepId, set);
    }
    set.add(model);
    return {
      model,
      live: null,
      release: () => {
        set.delete(model);
        if (set.size === 0) this.watched.delete(sweepId);
      },
    };
  }

  async deleteSweep(record: SweepRecord): Promise<void> {
    const live = this.live.get(record.id);
    if (live !== undefined) {
      await live.sweep.cancel();
      this.live.delete(record.id);
    }
    await this.workspace.deleteSweep(record.id);
    this.post({ kind: 'deleted', sweepId: record.id });
    this.notifyChange();
  }

  /**
   * Runs a sweep's events into its model and out to other tabs. The orchestrator's sweep records
   * do not know the pool's backend report, so each is sent on with the latest report attached,
   * and a changed report is sent as a sweep event of its own and stored on the sweep record:
   * every tab, and this one after a reload, shows the same report.
   */
  private adopt(running: RunningSweep, previous: SweepBackendReport | undefined): LiveSweep {
    const { sweep, pool } = running;
    const model = new SweepModel(sweep.getDetails());
    model.reset(sweep.getDetails(), sweep.getChildren(), [], []);
    const entry: LiveSweep = { sweep, pool, model };
    this.live.set(sweep.id, entry);
    let report: SweepBackendReport | null = null;
    let reportText = '';
    const withReport = (record: SweepRecord): SweepRecord =>
      report === null ? record : { ...record, backendReport: report };
    const deliver = (event: SweepEvent): void => {
      model.apply([event]);
      this.queueBroadcast(sweep.id, event);
    };
    const refreshReport = (): void => {
      const next = backendReportOf(pool, previous, Date.now());
      // updatedAt alone changing is not news.
      const text = JSON.stringify({ ...next, updatedAt: 0 });
      if (text === reportText) return;
      reportText = text;
      report = next;
      deliver({ kind: 'sweep', sweep: withReport(sweep.getDetails()) });
      // A failed write is the store's to report: the orchestrator's next write rejects with it.
      this.workspace.saveBackendReport(sweep.id, next).catch(() => {});
    };
    let reportTimer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribePool = pool.subscribe((diagnostic) => {
      if (!changesBackendReport(diagnostic)) return;
      reportTimer ??= setTimeout(() => {
        reportTimer = null;
        refreshReport();
      }, REPORT_EVERY_MS);
    });
    refreshReport();
    const unsubscribe = sweep.subscribe((event) =>
      deliver(event.kind === 'sweep' ? { kind: 'sweep', sweep: withReport(event.sweep) } : event),
    );
    void sweep.waitForCompletion().then((record) => {
      unsubscribe();
      unsubscribePool();
      if (reportTimer !== null) clearTimeout(reportTimer);
      refreshReport();
      // A sweep paused for storage is continued later as an interrupted one, by a new handle.
      // So is a sweep paused from the Studio (stored Running, `paused` set).
      if (record.endReason?.kind === 'storage-full' || record.paused !== undefined) this.live.delete(sweep.id);
      this.flushBroadcast();
      this.notifyChange();
    });
    this.notifyChange();
    return entry;
  }

  private queueBroadcast(sweepId: string, event: SweepEvent): void {
    if (this.channel === null) return;
    let list = this.outbox.get(sweepId);
    if (list === undefined) {
      list = [];
      this.outbox.set(sweepId, list);
    }
    list.push(event);
    this.flushTimer ??= setTimeout(() => this.flushBroadcast(), BROADCAST_EVERY_MS);
  }

  private flushBroadcast(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const [sweepId, events] of this.outbox) this.post({ kind: 'events', sweepId, events });
    this.outbox.clear();
  }

  private post(message: TabMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel (page unloading): other tabs read the store when they next look.
    }
  }

  /** Another tab's news. It is data from a same-origin page, but checked before use all the same. */
  private onTabMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const message = data as Partial<TabMessage>;
    if (typeof message.sweepId !== 'string') return;
    if (message.kind === 'deleted') {
      this.notifyChange();
      return;
    }
    if (message.kind !== 'events' || !Array.isArray(message.events)) return;
    const models = this.watched.get(message.sweepId);
    if (models === undefined) return;
    const events = message.events.filter(isSweepEvent);
    for (const model of models) model.apply(events);
    if (events.some((e) => e.kind === 'sweep')) this.notifyChange();
  }

  private notifyChange(): void {
    for (const listener of [...this.changeListeners]) listener();
  }
}

function isSweepEvent(value: unknown): value is SweepEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  switch (e['kind']) {
    case 'sweep':
      return typeof (e['sweep'] as { id?: unknown } | undefined)?.id === 'string';
    case 'run':
      return typeof (e['run'] as { id?: unknown } | undefined)?.id === 'string';
    case 'metric': {
      const p = e['point'] as Record<string, unknown> | undefined;
      return (
        typeof p?.['runId'] === 'string' &&
        typeof p['name'] === 'string' &&
        typeof p['value'] === 'number' &&
        typeof p['step'] === 'number'
      );
    }
    case 'decision':
      return typeof (e['record'] as { runId?: unknown } | undefined)?.runId === 'string';
    default:
      return false;
  }
}
