import type { TerminationRecord } from '../store/records.js';

/** Why a run was cancelled, in words and numbers, for tables, logs and the cancel reason. */
export function terminationText(termination: TerminationRecord): string {
  switch (termination.kind) {
    case 'policy':
      return termination.decision.explanation;
    case 'max-duration':
      return `maxDurationMinutes (${termination.minutes}) reached`;
    case 'trial-timeout':
      return `stopped after ${termination.seconds} s: trial timeout (limits.trial_timeout)`;
    case 'sweep-canceled':
      return 'the sweep was canceled';
    case 'run-canceled':
      return 'the run was canceled';
    case 'sweep-failed':
      return `the sweep failed: ${termination.message}`;
    case 'sweep-paused':
      return `the sweep paused: ${termination.message}`;
    case 'interrupted':
      return 'the page running the sweep went away before this run finished';
    case 'imported-unfinished':
      return `imported from a sweep exported while this run was ${termination.status === 'Queued' ? 'queued' : 'running'}`;
  }
}
