import { ConfigError } from '../errors.js';
import {
  MAX_NOTE_LENGTH,
  PAUSE_MODES,
  type PauseMode,
  type SweepConfigRecord,
  type SweepRecord,
  TERMINAL_STATUSES,
} from '../store/records.js';
import {
  expectIntegerInRange,
  expectOneOf,
  expectPlainObject,
  expectPositiveNumber,
  rejectUnknownKeys,
} from '../validate/index.js';
import { MAX_CONCURRENT_RUNS_LIMIT, MAX_TOTAL_RUNS_LIMIT } from './config.js';

/*
 * Steering a sweep (semantics §8, steering): the commands a person gives a sweep from the Studio, checked
 * here with the same rules and messages as `HyperDriveConfig`, and their effects computed as
 * values. The orchestrator applies them; nothing here touches a store or a clock.
 */

/** New limits for a running sweep; an absent field keeps its value. */
export interface LimitsChange {
  readonly maxConcurrentRuns?: number;
  readonly maxDurationMinutes?: number;
}

/** What changing the limits did, as the sweep record and the Studio report it. */
export interface LimitsApplied {
  readonly maxConcurrentRuns: number;
  /** Runs at once from now on: the request clamped to `maxTotalRuns` and to what the runner holds. */
  readonly concurrency: number;
  readonly maxDurationMinutes: number;
  /** Milliseconds left before the duration limit stops the sweep (0: it stops now). */
  readonly durationLeftMs: number;
  /** Said when the runner holds fewer runs than asked for. */
  readonly warning: string | null;
}

/** More runs for a finished sweep; `maxDurationMinutes` absent keeps the sweep's. */
export interface MoreRuns {
  readonly maxTotalRuns: number;
  readonly maxDurationMinutes?: number;
}

/** Checks a limits change: the fields and messages of `HyperDriveConfig`. */
export function expectLimitsChange(value: unknown): LimitsChange {
  const raw = expectPlainObject('limits', value);
  rejectUnknownKeys('', raw, ['maxConcurrentRuns', 'maxDurationMinutes']);
  return {
    ...(raw['maxConcurrentRuns'] === undefined
      ? {}
      : {
          maxConcurrentRuns: expectIntegerInRange(
            'maxConcurrentRuns',
            raw['maxConcurrentRuns'],
            1,
            MAX_CONCURRENT_RUNS_LIMIT,
          ),
        }),
    ...(raw['maxDurationMinutes'] === undefined
      ? {}
      : { maxDurationMinutes: expectPositiveNumber('maxDurationMinutes', raw['maxDurationMinutes']) }),
  };
}

/** Runs at once for a request, and the warning when the runner holds fewer (as at submit). */
export function concurrencyFor(
  requested: number,
  maxTotalRuns: number,
  runner: { readonly capacity: number; readonly capacityNote?: string | null | undefined },
): { readonly concurrency: number; readonly warning: string | null } {
  const concurrency = Math.max(1, Math.min(requested, maxTotalRuns, runner.capacity));
  const note = runner.capacityNote ?? null;
  const warning =
    requested > runner.capacity
      ? `maxConcurrentRuns ${requested} exceeds what this device's pool holds (${runner.capacity}): running ${runner.capacity} at a time` +
        (note ? ` (${note})` : '')
      : null;
  return { concurrency, warning };
}

/** Milliseconds a sweep may still run under `minutes`, having run `elapsedMs` already. */
export function durationLeftMs(minutes: number, elapsedMs: number): number {
  return Math.max(0, minutes * 60_000 - elapsedMs);
}

/** Checks a pause mode. */
export function expectPauseMode(value: unknown): PauseMode {
  return expectOneOf('mode', value, PAUSE_MODES);
}

/** Checks a note: text, at most `MAX_NOTE_LENGTH` characters; blank text removes the note. */
export function expectNote(field: string, value: unknown): string | null {
  if (typeof value !== 'string') throw new ConfigError(field, 'must be text', value);
  if (value.length > MAX_NOTE_LENGTH) {
    throw new ConfigError(
      field,
      `must be at most ${MAX_NOTE_LENGTH} characters (got ${value.length})`,
      `${value.slice(0, 40)}…`,
    );
  }
  return value.trim() === '' ? null : value;
}

/** A record with its note set, or removed when `note` is null. */
export function withNote<R extends { readonly note?: string }>(record: R, note: string | null): R {
  if (note !== null) return { ...record, note };
  const { note: _removed, ...rest } = record;
  return rest as R;
}

/** Checks the shape of a "more runs" request: `HyperDriveConfig`'s rules for the two fields. */
export function expectMoreRuns(change: unknown): MoreRuns {
  const raw = expectPlainObject('more runs', change);
  rejectUnknownKeys('', raw, ['maxTotalRuns', 'maxDurationMinutes']);
  if (raw['maxTotalRuns'] === undefined) {
    throw new ConfigError('maxTotalRuns', 'is required: an integer between 1 and 1000', undefined);
  }
  const maxTotalRuns = expectIntegerInRange('maxTotalRuns', raw['maxTotalRuns'], 1, MAX_TOTAL_RUNS_LIMIT);
  return raw['maxDurationMinutes'] === undefined
    ? { maxTotalRuns }
    : { maxTotalRuns, maxDurationMinutes: expectPositiveNumber('maxDurationMinutes', raw['maxDurationMinutes']) };
}

/**
 * Checks "continue with more runs" on a stored sweep and returns its configuration with the
 * raised budget. `sampled` counts the runs its sampler drew (not resumed ones): a grid that has
 * drawn every configuration has nothing more to give.
 */
export function moreRunsConfig(
  record: Pick<SweepRecord, 'status' | 'config' | 'endReason'>,
  change: unknown,
  facts: { readonly sampled: number; readonly spaceSize: number | undefined; readonly elapsedMs: number },
): SweepConfigRecord {
  const more = expectMoreRuns(change);
  if (!TERMINAL_STATUSES.has(record.status)) {
    throw new ConfigError(
      'sweepId',
      `must name a finished sweep to continue with more runs; this one is ${record.status}`,
      record.status,
    );
  }
  if (record.endReason?.kind === 'imported-unfinished') {
    throw new ConfigError(
      'sweepId',
      'must name a sweep that ran here: an imported unfinished sweep cannot go on',
      record.endReason.kind,
    );
  }
  const current = record.config.maxTotalRuns;
  const { maxTotalRuns } = more;
  if (maxTotalRuns <= current) {
    throw new ConfigError(
      'maxTotalRuns',
      `must be more than the sweep's current maxTotalRuns (${current}) to continue it`,
      maxTotalRuns,
    );
  }
  if (facts.spaceSize !== undefined && facts.sampled >= facts.spaceSize) {
    throw new ConfigError(
      'maxTotalRuns',
      `cannot add runs: the grid's ${facts.spaceSize} configurations have all run, so the search space is exhausted`,
      maxTotalRuns,
    );
  }
  const minutes = more.maxDurationMinutes ?? record.config.maxDurationMinutes;
  if (durationLeftMs(minutes, facts.elapsedMs) === 0) {
    const ran = Math.ceil(facts.elapsedMs / 60_000);
    throw new ConfigError(
      'maxDurationMinutes',
      `must be more than the ${ran} minute(s) the sweep has already run, or it would stop at once`,
      minutes,
    );
  }
  return { ...record.config, maxTotalRuns, maxDurationMinutes: minutes };
}
