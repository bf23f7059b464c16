import type { TrialEvent, TrialListener, TrialOutcome, TrialRequest } from '../trial-runner/runner.js';

/**
 * One trial the pool was asked to run. It settles the first time only: the pool (a crash, the
 * watchdog, a cancel timeout) and the worker (its result) may both try to end it.
 */
export class Execution {
  readonly outcome: Promise<TrialOutcome>;
  settled = false;
  cancelReason: string | null = null;
  dispatched = false;
  /**
   * Whether another worker of the pool lived while this trial held its worker: then a dead
   * sandbox process is not surely this trial's doing (src/pool/quarantine.ts).
   */
  shared = false;
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the worker running it last showed it is alive (a batch, an answered ping). */
  lastSign = 0;
  /** When the trial last made progress (started, logged a metric, stored a checkpoint). */
  lastProgress = 0;
  watchdog: ReturnType<typeof setInterval> | null = null;
  private resolve!: (outcome: TrialOutcome) => void;

  constructor(
    readonly request: TrialRequest,
    private readonly listener: TrialListener,
  ) {
    this.outcome = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  deliver(events: readonly TrialEvent[]): void {
    if (this.settled || events.length === 0) return;
    try {
      this.listener(events);
    } catch {
      // A listener's failure is the orchestrator's business, never the pool's.
    }
  }

  settle(outcome: TrialOutcome): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.resolve(outcome);
    return true;
  }
}
