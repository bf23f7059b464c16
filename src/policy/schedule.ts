import {
  CONFIG_BOUNDARY,
  checkKnownKeys,
  readBoolean as readBooleanAt,
  readInteger as readIntegerAt,
  readPositive,
  readRecord,
} from '../validate/index.js';
import type { PolicyDecision, PolicyInput, PolicyKind } from './policy.js';

/** The options every early-termination policy shares (semantics §5). */
export interface ScheduleOptions {
  readonly evaluationInterval?: number;
  readonly delayEvaluation?: number;
}

export interface Schedule {
  readonly evaluationInterval: number;
  readonly delayEvaluation: number;
}

export const DEFAULT_EVALUATION_INTERVAL = 1;
export const DEFAULT_DELAY_EVALUATION = 0;

/** The option names `readSchedule` consumes, for a policy's list of known options. */
export const SCHEDULE_OPTION_NAMES = ['evaluationInterval', 'delayEvaluation'] as const;

/**
 * semantics §5: applied at interval N when `N % evaluationInterval == 0 && N >= delayEvaluation`.
 * The delay is compared with `>=`, not `>`, so "interval 1, delay 5" first evaluates at the
 * 5th report, as HyperDrive's documented example says.
 */
export function isScheduled(interval: number, evaluationInterval: number, delayEvaluation: number): boolean {
  return interval % evaluationInterval === 0 && interval >= delayEvaluation;
}

/**
 * Checks that `options` is a plain object whose keys are all in `known`, and returns it as a
 * record to read fields from. A misspelt option is rejected rather than ignored, because a
 * silently ignored `slackFactr` would leave the user with a policy they did not ask for.
 *
 * Decision: a key explicitly set to `undefined` counts as absent (what JavaScript callers
 * spreading optional values expect); JSON cannot carry `undefined`, so specs are unaffected.
 */
export function readOptionsObject(
  owner: string,
  options: unknown,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  const record = readRecord(CONFIG_BOUNDARY, owner, options, 'options must be an object');
  checkKnownKeys(
    CONFIG_BOUNDARY,
    owner,
    record,
    known,
    () => `is not a known option; known: ${known.length > 0 ? known.join(', ') : '(none)'}`,
  );
  return record;
}

/** Reads the option at `owner.key`; `undefined` when absent so callers pick defaults. */
function option<T>(
  owner: string,
  record: Readonly<Record<string, unknown>>,
  key: string,
  read: (path: string, value: unknown) => T,
): T | undefined {
  const value = record[key];
  return value === undefined ? undefined : read(`${owner}.${key}`, value);
}

/** An integer option within `[min, max]`; `undefined` when absent so callers pick defaults. */
export function readInteger(
  owner: string,
  record: Readonly<Record<string, unknown>>,
  key: string,
  min: number,
  max?: number,
): number | undefined {
  return option(owner, record, key, (path, value) => readIntegerAt(CONFIG_BOUNDARY, path, value, min, max));
}

/** A finite, strictly positive number option; `undefined` when absent. */
export function readPositiveNumber(
  owner: string,
  record: Readonly<Record<string, unknown>>,
  key: string,
): number | undefined {
  return option(owner, record, key, (path, value) => readPositive(CONFIG_BOUNDARY, path, value));
}

/** A boolean option; `undefined` when absent. Truthy non-booleans are refused, not coerced. */
export function readBoolean(
  owner: string,
  record: Readonly<Record<string, unknown>>,
  key: string,
): boolean | undefined {
  return option(owner, record, key, (path, value) =>
    readBooleanAt(CONFIG_BOUNDARY, path, value, 'must be a boolean (true or false)'),
  );
}

/** Reads and validates `evaluationInterval` and `delayEvaluation`, filling in the defaults. */
export function readSchedule(owner: string, record: Readonly<Record<string, unknown>>): Schedule {
  return {
    evaluationInterval: readInteger(owner, record, 'evaluationInterval', 1) ?? DEFAULT_EVALUATION_INTERVAL,
    delayEvaluation: readInteger(owner, record, 'delayEvaluation', 0) ?? DEFAULT_DELAY_EVALUATION,
  };
}

/**
 * Guards `decide` against a caller that breaks the `PolicyInput` contract: judging an
 * interval the run has not reported would compare against data that does not exist, so it
 * is a programming error, not a decision.
 */
export function assertValidInput(input: PolicyInput): void {
  const { interval, run } = input;
  if (!Number.isInteger(interval) || interval < 1) {
    throw new RangeError(`policy input: interval must be an integer >= 1 (got ${String(interval)})`);
  }
  if (run.values.length < interval) {
    throw new RangeError(
      `policy input: run ${run.runId} has reported ${run.values.length} values, fewer than interval ${interval}`,
    );
  }
}

/** The `skip` decision for an interval the schedule leaves out. */
export function notScheduledDecision(
  policy: PolicyKind,
  label: string,
  interval: number,
  schedule: Schedule,
): PolicyDecision {
  const every = schedule.evaluationInterval === 1 ? 'every interval' : `every ${schedule.evaluationInterval} intervals`;
  const from = schedule.delayEvaluation > 0 ? ` from interval ${schedule.delayEvaluation}` : '';
  return {
    kind: 'skip',
    policy,
    interval,
    why: 'not-scheduled',
    explanation: `not evaluated at interval ${interval}: the policy applies ${every}${from} (${label})`,
  };
}
