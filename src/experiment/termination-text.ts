import { policyRow } from '../policy/registry.js';
import type { PolicyKind } from '../policy/policy.js';
import type { RunRecord, TerminationRecord } from '../store/records.js';

/** The policy's short name: its builder label up to any explanation in brackets ("Bandit"). */
export function policyShortName(kind: PolicyKind): string {
  const label = policyRow(kind).label;
  const bracket = label.indexOf(' (');
  return bracket === -1 ? label : label.slice(0, bracket);
}

/**
 * A run's status as a person reads it: a run a policy stopped reads "Stopped early (Bandit,
 * interval 5)", distinct from one the user or a limit cancelled. The stored and API status stays
 * `Canceled` (HyperDrive's), the kind of stop being in the termination record.
 */
export function runStatusText(run: Pick<RunRecord, 'status' | 'termination'>): string {
  const termination = run.termination;
  if (run.status !== 'Canceled' || termination === null) return run.status;
  if (termination.kind === 'policy') {
    return `Stopped early (${policyShortName(termination.decision.policy)}, interval ${termination.decision.interval})`;
  }
  return 'Canceled';
}

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
