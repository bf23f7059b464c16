/**
 * What the pool does with the trials of a process that died (issue 13: running out of memory
 * kills only the trial). Chromium puts all of a site's sandboxed frames in one renderer process
 * by default, so when a module fills the heap, every trial training beside it dies with it and
 * the page cannot tell from the outside which one did it. Quarantine finds out: a trial that died
 * with others beside it is a suspect, not a culprit; it is lost (its run re-runs in place, from
 * its latest checkpoint when it has one) and runs alone in a fresh sandbox. One that kills its
 * process again while alone, or that was alone the first time, is the culprit and fails with a
 * message saying so. A retry budget per run bounds the re-runs, so a crash that is nobody's fault
 * (a flaky GPU process, say) cannot re-run a trial for ever.
 *
 * Pure logic: the slots (src/pool/slots.ts) say what happened, this says what to do, as a value.
 */

/** How a trial's worker died with its process. */
export interface ProcessDeath {
  readonly runId: string;
  /**
   * Where the trial stood: `alone` when it ran with the pool's sandbox to itself from its start
   * to its death (no other worker of the pool lived meanwhile: only then is the death surely its
   * own doing), `beside-others` when other workers lived beside it, `not-started` when its code
   * had not run yet (its worker was still starting).
   */
  readonly position: 'alone' | 'beside-others' | 'not-started';
  /** What the sandbox host said (e.g. "the trial sandbox's process ended (out of memory, or it crashed)"). */
  readonly reason: string;
}

/** The decision for one trial whose process died; `reason` is what its run records. */
export type CrashVerdict =
  /** A suspect: its run re-runs in place, alone in a fresh sandbox. */
  | { readonly kind: 'retry-alone'; readonly retry: number; readonly reason: string }
  /** It died alone: its own code ended the process. */
  | { readonly kind: 'culprit'; readonly reason: string }
  /** It died beside others more often than the budget allows re-running it. */
  | { readonly kind: 'budget-spent'; readonly reason: string };

/** Re-runs a trial gets after deaths it shared with other trials (pool option `maxCrashRetries`). */
export const DEFAULT_MAX_CRASH_RETRIES = 2;

export class Quarantine {
  /** Runs lost to a shared death, by id, with how many times they were. */
  private readonly suspects = new Map<string, number>();

  constructor(private readonly maxRetries: number = DEFAULT_MAX_CRASH_RETRIES) {}

  /** Decides what becomes of a trial whose process died, and remembers a suspect. */
  decide(death: ProcessDeath): CrashVerdict {
    const crashes = (this.suspects.get(death.runId) ?? 0) + 1;
    if (death.position === 'alone') {
      this.suspects.delete(death.runId);
      const retried =
        crashes > 1
          ? ` It was re-run alone after its sandbox had died with other trials in it ${crashes - 1} time(s), and ended it again.`
          : '';
      return {
        kind: 'culprit',
        reason: `TrialProcessCrashedError: run ${death.runId} ended its sandbox process while it ran alone there: it ran out of memory or crashed it (${death.reason}).${retried}`,
      };
    }
    const where =
      death.position === 'not-started'
        ? `before ${death.runId} had started`
        : `while ${death.runId} ran beside other trials`;
    if (crashes > this.maxRetries) {
      this.suspects.delete(death.runId);
      return {
        kind: 'budget-spent',
        reason: `TrialProcessCrashedError: run ${death.runId}'s sandbox process died ${crashes} time(s), the last ${where} (${death.reason}); it is not re-run again (the pool's maxCrashRetries is ${this.maxRetries}).`,
      };
    }
    this.suspects.set(death.runId, crashes);
    return {
      kind: 'retry-alone',
      retry: crashes,
      reason: `its sandbox process died ${where} (${death.reason}); which trial ended it is not known, so it re-runs alone in a fresh sandbox (retry ${crashes} of ${this.maxRetries})`,
    };
  }

  /** Whether this run is to run alone: it was lost to a shared death and has not ended since. */
  isSuspect(runId: string): boolean {
    return this.suspects.has(runId);
  }

  /** The run ended some other way (completed, failed in its code, cancelled): it is cleared. */
  clear(runId: string): void {
    this.suspects.delete(runId);
  }
}
