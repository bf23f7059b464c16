import { PrimaryMetricGoal } from '../metric/goal.js';
import type { PolicyDecision, PolicyEvidence, PolicyRecord } from '../policy/policy.js';
import { POLICY_KINDS } from '../policy/registry.js';
import { SAMPLING_KINDS } from '../sampling/registry.js';
import type { SamplingRecord } from '../sampling/sampler.js';
import { BACKEND_CHAIN, type BackendRequest } from '../backend/names.js';
import type { AdapterSummary } from '../backend/report.js';
import type { ParamSet, ParamValue } from '../space/expression.js';
import {
  MAX_BACKEND_CALIBRATIONS,
  MAX_BACKEND_NOTES,
  type BackendCalibrationRecord,
  type BackendMeasurementRecord,
  backendNoteRecord,
  checkpointSummary,
  type DecisionRecord,
  type RunRecord,
  type RunStatus,
  type SweepBackendReport,
  type SweepConfigRecord,
  exportableEndReason,
  type SweepRecord,
  type TerminationRecord,
  trialSpec,
  resumedFrom as resumedFromSchema,
  runReference,
} from '../store/records.js';
import { type ErrorRecord, errorRecord } from '../error-record.js';
import type { LeafReaders } from '../validate/index.js';
import {
  at,
  fieldError,
  defineData,
  item,
  readArray,
  readBoolean,
  readFields,
  readFinite,
  readInteger,
  readJson,
  readName,
  readNameList,
  readNullable,
  readNumber,
  readObject,
  readOneOf,
  readPositive,
  readText,
  readTime,
} from './document-fields.js';
import { SWEEP_DOCUMENT_LIMITS } from './sweep-document.js';

/**
 * Readers for the store's records as they appear in a sweep document. Each builds a fresh
 * record field by field, typed against records.ts: a field added there without a reader here
 * fails to compile instead of being dropped on import.
 */

const L = SWEEP_DOCUMENT_LIMITS;
/** semantics §6. */
const MAX_CONCURRENT_RUNS = 100;
const STATUSES: readonly RunStatus[] = ['Queued', 'Running', 'Completed', 'Canceled', 'Failed'];
const GOALS: readonly PrimaryMetricGoal[] = [PrimaryMetricGoal.MAXIMIZE, PrimaryMetricGoal.MINIMIZE];

const message = (path: string, value: unknown): string => readText(path, value, L.maxTextFieldLength);
const count = (path: string, value: unknown): number => readInteger(path, value, 0);

export function readStatus(path: string, value: unknown): RunStatus {
  return readOneOf(path, value, STATUSES);
}

/** What a name, a message or a count may be in a document, for the records' schemas. */
const LEAVES: LeafReaders = {
  name: readName,
  message,
  stack: (path, value) => readText(path, value, L.maxStackLength),
  time: readTime,
  count,
  boolean: readBoolean,
  positive: readPositive,
  isoTime: (path, value) => readIsoTime(path, value),
  // A trial module's URL is kept as text: importing a document never loads or runs anything.
  url: (path, value) => {
    const url = readText(path, value, L.maxUrlLength, false);
    if (url.trim() === '') throw fieldError(path, 'must be a non-empty URL', url);
    return url;
  },
  metricNames: (path, value) => readNameList(path, value, 'metric names', L.maxMetricSeries),
  oneOf: readOneOf,
  fields: readFields,
  object: readObject,
};

export function readErrorRecord(path: string, value: unknown): ErrorRecord {
  return errorRecord.read(LEAVES, path, value);
}

// ---- the sweep ------------------------------------------------------------------------------

export function readSweepRecord(path: string, value: unknown): SweepRecord {
  const o = readFields(
    path,
    value,
    'a sweep',
    [
      'id',
      'workspace',
      'experiment',
      'status',
      'config',
      'concurrency',
      'warnings',
      'createdAt',
      'startedAt',
      'endedAt',
      'endReason',
      'error',
    ],
    ['backendReport'],
  );
  const record: SweepRecord = {
    id: readName(at(path, 'id'), o['id']),
    workspace: readName(at(path, 'workspace'), o['workspace']),
    experiment: readName(at(path, 'experiment'), o['experiment']),
    status: readStatus(at(path, 'status'), o['status']),
    config: readConfig(at(path, 'config'), o['config']),
    concurrency: readInteger(at(path, 'concurrency'), o['concurrency'], 1, MAX_CONCURRENT_RUNS),
    warnings: readArray(at(path, 'warnings'), o['warnings'], 'warnings', L.maxWarnings).map((w, i) =>
      message(item(at(path, 'warnings'), i), w),
    ),
    createdAt: readTime(at(path, 'createdAt'), o['createdAt']),
    startedAt: readNullable(at(path, 'startedAt'), o['startedAt'], readTime),
    endedAt: readNullable(at(path, 'endedAt'), o['endedAt'], readTime),
    endReason: readNullable(at(path, 'endReason'), o['endReason'], (p, v) => exportableEndReason.read(LEAVES, p, v)),
    error: readNullable(at(path, 'error'), o['error'], readErrorRecord),
  };
  // Absent in documents exported before reports were kept, or of sweeps no worker pool ran.
  return o['backendReport'] === undefined
    ? record
    : { ...record, backendReport: readBackendReport(at(path, 'backendReport'), o['backendReport']) };
}

const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', ...BACKEND_CHAIN];

function readBackendReport(path: string, value: unknown): SweepBackendReport {
  const o = readFields(path, value, 'a backend report', ['requested', 'pool', 'calibrations', 'notes', 'updatedAt']);
  const poolPath = at(path, 'pool');
  const pool = readFields(poolPath, o['pool'], 'a worker pool size', [
    'requested',
    'size',
    'deviceLimit',
    'clampedBecause',
  ]);
  const calibrationsPath = at(path, 'calibrations');
  const notesPath = at(path, 'notes');
  return {
    requested: readOneOf(at(path, 'requested'), o['requested'], BACKEND_REQUESTS),
    pool: {
      requested: readInteger(at(poolPath, 'requested'), pool['requested'], 1),
      size: readInteger(at(poolPath, 'size'), pool['size'], 1),
      deviceLimit: readInteger(at(poolPath, 'deviceLimit'), pool['deviceLimit'], 1),
      clampedBecause: readNullable(at(poolPath, 'clampedBecause'), pool['clampedBecause'], message),
    },
    calibrations: readArray(calibrationsPath, o['calibrations'], 'calibrations', MAX_BACKEND_CALIBRATIONS).map(
      (entry, i) => readCalibration(item(calibrationsPath, i), entry),
    ),
    notes: readArray(notesPath, o['notes'], 'notes', MAX_BACKEND_NOTES).map((entry, i) =>
      backendNoteRecord.read(LEAVES, item(notesPath, i), entry),
    ),
    updatedAt: readTime(at(path, 'updatedAt'), o['updatedAt']),
  };
}

function readCalibration(path: string, value: unknown): BackendCalibrationRecord {
  const o = readFields(path, value, 'a backend calibration', [
    'trial',
    'workload',
    'chosen',
    'reason',
    'failure',
    'totalMs',
    'candidates',
  ]);
  const candidatesPath = at(path, 'candidates');
  return {
    // `builtin:NAME` or `module:URL`.
    trial: readText(at(path, 'trial'), o['trial'], L.maxUrlLength + 'module:'.length, false),
    workload: message(at(path, 'workload'), o['workload']),
    chosen: readOneOf(at(path, 'chosen'), o['chosen'], BACKEND_CHAIN),
    reason: message(at(path, 'reason'), o['reason']),
    failure: readNullable(at(path, 'failure'), o['failure'], message),
    totalMs: readDuration(at(path, 'totalMs'), o['totalMs']),
    candidates: readArray(candidatesPath, o['candidates'], 'backends', BACKEND_CHAIN.length).map((entry, i) =>
      readMeasurement(item(candidatesPath, i), entry),
    ),
  };
}

function readMeasurement(path: string, value: unknown): BackendMeasurementRecord {
  const o = readFields(path, value, 'a backend measurement', [
    'backend',
    'available',
    'canTrain',
    'warmupMs',
    'stepMs',
    'steps',
    'error',
    'adapter',
  ]);
  return {
    backend: readOneOf(at(path, 'backend'), o['backend'], BACKEND_CHAIN),
    available: readBoolean(at(path, 'available'), o['available']),
    canTrain: readBoolean(at(path, 'canTrain'), o['canTrain']),
    warmupMs: readNullable(at(path, 'warmupMs'), o['warmupMs'], readDuration),
    stepMs: readNullable(at(path, 'stepMs'), o['stepMs'], readDuration),
    steps: count(at(path, 'steps'), o['steps']),
    error: readNullable(at(path, 'error'), o['error'], message),
    adapter: readNullable(at(path, 'adapter'), o['adapter'], readAdapter),
  };
}

function readAdapter(path: string, value: unknown): AdapterSummary {
  const o = readFields(path, value, 'a GPU adapter', ['vendor', 'architecture', 'description']);
  const line = (key: string): string => readText(at(path, key), o[key], L.maxTextFieldLength, false);
  return { vendor: line('vendor'), architecture: line('architecture'), description: line('description') };
}

/** Milliseconds as the pool measured them: any finite number (the pool checks no more). */
function readDuration(path: string, value: unknown): number {
  return readFinite(path, value, 'must be a duration in milliseconds (a finite number)');
}

function readConfig(path: string, value: unknown): SweepConfigRecord {
  const o = readFields(
    path,
    value,
    'a sweep configuration',
    [
      'sampling',
      'primaryMetricName',
      'primaryMetricGoal',
      'maxTotalRuns',
      'maxConcurrentRuns',
      'maxDurationMinutes',
      'policy',
      'trial',
    ],
    ['trialTimeoutSeconds', 'resumeFrom', 'resumeChildRuns'],
  );
  const config: SweepConfigRecord = {
    sampling: readSampling(at(path, 'sampling'), o['sampling']),
    primaryMetricName: readName(at(path, 'primaryMetricName'), o['primaryMetricName']),
    primaryMetricGoal: readOneOf(at(path, 'primaryMetricGoal'), o['primaryMetricGoal'], GOALS),
    maxTotalRuns: readInteger(at(path, 'maxTotalRuns'), o['maxTotalRuns'], 1, L.maxRuns),
    maxConcurrentRuns: readInteger(at(path, 'maxConcurrentRuns'), o['maxConcurrentRuns'], 1, MAX_CONCURRENT_RUNS),
    maxDurationMinutes: readPositive(at(path, 'maxDurationMinutes'), o['maxDurationMinutes']),
    ...(o['trialTimeoutSeconds'] === undefined
      ? {}
      : { trialTimeoutSeconds: readPositive(at(path, 'trialTimeoutSeconds'), o['trialTimeoutSeconds']) }),
    policy: readPolicySpec(at(path, 'policy'), o['policy']),
    trial: trialSpec.read(LEAVES, at(path, 'trial'), o['trial']),
  };
  const resumeFrom =
    o['resumeFrom'] === undefined ? undefined : readNameList(at(path, 'resumeFrom'), o['resumeFrom'], 'sweep ids', 5);
  const childRunsPath = at(path, 'resumeChildRuns');
  const resumeChildRuns =
    o['resumeChildRuns'] === undefined
      ? undefined
      : readArray(childRunsPath, o['resumeChildRuns'], 'runs', L.maxRuns).map((entry, i) =>
          runReference.read(LEAVES, item(childRunsPath, i), entry),
        );
  return {
    ...config,
    ...(resumeFrom === undefined ? {} : { resumeFrom }),
    ...(resumeChildRuns === undefined ? {} : { resumeChildRuns }),
  };
}

function readSampling(path: string, value: unknown): SamplingRecord {
  const o = readFields(path, value, 'a sampling', ['kind', 'space', 'options']);
  const budget = { nodes: L.maxSpaceNodes };
  const options = readJson(
    at(path, 'options'),
    readObject(at(path, 'options'), o['options'], 'sampling options'),
    budget,
  );
  return {
    kind: readOneOf(at(path, 'kind'), o['kind'], SAMPLING_KINDS),
    space: readJson(at(path, 'space'), o['space'], budget),
    options: options as Readonly<Record<string, unknown>>,
  };
}

function readPolicySpec(path: string, value: unknown): PolicyRecord {
  const o = readFields(path, value, 'a policy', ['kind', 'options']);
  const optionsPath = at(path, 'options');
  const given = readObject(optionsPath, o['options'], 'policy options');
  const options: Record<string, number | boolean> = {};
  for (const key of Object.keys(given)) {
    const p = at(optionsPath, key);
    readName(p, key);
    const option = given[key];
    defineData(
      options,
      key,
      typeof option === 'boolean' ? option : readFinite(p, option, 'must be a finite number or true/false'),
    );
  }
  return { kind: readOneOf(at(path, 'kind'), o['kind'], POLICY_KINDS), options };
}

export function readIsoTime(path: string, value: unknown): string {
  const text = readName(path, value);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text) || !Number.isFinite(Date.parse(text))) {
    throw fieldError(path, 'must be an ISO 8601 UTC time such as 2024-05-01T12:00:00.000Z', value);
  }
  return text;
}

// ---- runs -----------------------------------------------------------------------------------

export function readRunRecord(path: string, value: unknown): RunRecord {
  const o = readFields(
    path,
    value,
    'a run',
    [
      'id',
      'sweepId',
      'index',
      'attempt',
      'params',
      'status',
      'createdAt',
      'startedAt',
      'endedAt',
      'intervals',
      'bestMetric',
      'termination',
      'error',
      'backend',
    ],
    ['checkpoint', 'resumedFrom'],
  );
  const run: RunRecord = {
    id: readName(at(path, 'id'), o['id']),
    sweepId: readName(at(path, 'sweepId'), o['sweepId']),
    index: readInteger(at(path, 'index'), o['index'], 0, L.maxRuns - 1),
    attempt: readInteger(at(path, 'attempt'), o['attempt'], 1),
    params: readParams(at(path, 'params'), o['params'], 0),
    status: readStatus(at(path, 'status'), o['status']),
    createdAt: readTime(at(path, 'createdAt'), o['createdAt']),
    startedAt: readNullable(at(path, 'startedAt'), o['startedAt'], readTime),
    endedAt: readNullable(at(path, 'endedAt'), o['endedAt'], readTime),
    intervals: count(at(path, 'intervals'), o['intervals']),
    bestMetric: readNullable(at(path, 'bestMetric'), o['bestMetric'], (p, v) =>
      readFinite(p, v, 'must be a finite number or null (the best finite value)'),
    ),
    termination: readNullable(at(path, 'termination'), o['termination'], readTermination),
    error: readNullable(at(path, 'error'), o['error'], readErrorRecord),
    backend: readNullable(at(path, 'backend'), o['backend'], readName),
  };
  // Absent and null differ under exactOptionalPropertyTypes; keep whichever the document had.
  const checkpoint =
    o['checkpoint'] === undefined
      ? undefined
      : readNullable(at(path, 'checkpoint'), o['checkpoint'], (p, v) => checkpointSummary.read(LEAVES, p, v));
  const resumedFrom =
    o['resumedFrom'] === undefined
      ? undefined
      : readNullable(at(path, 'resumedFrom'), o['resumedFrom'], (p, v) => resumedFromSchema.read(LEAVES, p, v));
  return {
    ...run,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(resumedFrom === undefined ? {} : { resumedFrom }),
  };
}

const PARAM_RULE = 'must be a finite number, a string, true/false or an object of further hyperparameters';

function readParams(path: string, value: unknown, depth: number): ParamSet {
  if (depth > L.maxDepth) throw fieldError(path, `must be nested at most ${L.maxDepth} levels deep`, value);
  const given = readObject(path, value, 'hyperparameters');
  const params: Record<string, ParamValue> = {};
  for (const key of Object.keys(given)) {
    const p = at(path, key);
    readName(p, key);
    const v = given[key];
    let param: ParamValue;
    if (typeof v === 'boolean') param = v;
    else if (typeof v === 'number') param = readFinite(p, v, PARAM_RULE);
    else if (typeof v === 'string') param = readText(p, v, L.maxTextFieldLength);
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) param = readParams(p, v, depth + 1);
    else throw fieldError(p, PARAM_RULE, v);
    // A hyperparameter may be called "constructor": as an own data property it is harmless.
    defineData(params, key, param);
  }
  return params;
}

function readTermination(path: string, value: unknown): TerminationRecord {
  const kinds = [
    'policy',
    'max-duration',
    'trial-timeout',
    'sweep-canceled',
    'run-canceled',
    'sweep-failed',
    'interrupted',
    'imported-unfinished',
  ] as const;
  const kind = readOneOf(at(path, 'kind'), readObject(path, value, 'a termination')['kind'], kinds);
  const what = `a "${kind}" termination`;
  switch (kind) {
    case 'policy': {
      const o = readFields(path, value, what, ['kind', 'decision']);
      const decision = readDecision(at(path, 'decision'), o['decision']);
      if (decision.kind !== 'cancel') {
        throw fieldError(at(at(path, 'decision'), 'kind'), 'must be cancel in a policy termination', decision.kind);
      }
      return { kind, decision };
    }
    case 'max-duration': {
      const o = readFields(path, value, what, ['kind', 'minutes']);
      return { kind, minutes: readPositive(at(path, 'minutes'), o['minutes']) };
    }
    case 'trial-timeout': {
      const o = readFields(path, value, what, ['kind', 'seconds']);
      return { kind, seconds: readPositive(at(path, 'seconds'), o['seconds']) };
    }
    case 'sweep-failed': {
      const o = readFields(path, value, what, ['kind', 'message']);
      return { kind, message: message(at(path, 'message'), o['message']) };
    }
    case 'imported-unfinished': {
      const o = readFields(path, value, what, ['kind', 'status']);
      return { kind, status: readOneOf(at(path, 'status'), o['status'], ['Queued', 'Running'] as const) };
    }
    case 'sweep-canceled':
    case 'run-canceled':
    case 'interrupted':
      readFields(path, value, what, ['kind']);
      return { kind };
  }
}

// ---- policy decisions -----------------------------------------------------------------------

export function readDecisionRecord(path: string, value: unknown): DecisionRecord {
  const o = readFields(path, value, 'a policy decision record', ['sweepId', 'runId', 'time', 'decision']);
  return {
    sweepId: readName(at(path, 'sweepId'), o['sweepId']),
    runId: readName(at(path, 'runId'), o['runId']),
    time: readTime(at(path, 'time'), o['time']),
    decision: readDecision(at(path, 'decision'), o['decision']),
  };
}

function readDecision(path: string, value: unknown): PolicyDecision {
  const kind = readOneOf(at(path, 'kind'), readObject(path, value, 'a policy decision')['kind'], [
    'skip',
    'continue',
    'cancel',
  ] as const);
  if (kind === 'skip') {
    const o = readFields(path, value, 'a skip decision', ['kind', 'policy', 'interval', 'why', 'explanation']);
    return {
      kind,
      policy: readOneOf(at(path, 'policy'), o['policy'], POLICY_KINDS),
      interval: count(at(path, 'interval'), o['interval']),
      why: readOneOf(at(path, 'why'), o['why'], ['not-scheduled', 'nothing-to-compare', 'no-policy'] as const),
      explanation: message(at(path, 'explanation'), o['explanation']),
    };
  }
  const o = readFields(path, value, `a ${kind} decision`, ['kind', 'policy', 'interval', 'evidence', 'explanation']);
  return {
    kind,
    policy: readOneOf(at(path, 'policy'), o['policy'], POLICY_KINDS),
    interval: count(at(path, 'interval'), o['interval']),
    evidence: readEvidence(at(path, 'evidence'), o['evidence']),
    explanation: message(at(path, 'explanation'), o['explanation']),
  };
}

/** A policy's numbers may be non-finite (a run that logged only NaN), so they go through readNumber. */
function readEvidence(path: string, value: unknown): PolicyEvidence {
  const kinds = ['bandit', 'median-stopping', 'truncation-selection', 'asha', 'hyperband'] as const;
  const policy = readOneOf(at(path, 'policy'), readObject(path, value, 'policy evidence')['policy'], kinds);
  const fields = (names: readonly string[]): Record<string, unknown> =>
    readFields(path, value, `${policy} evidence`, ['policy', 'value', ...names]);
  const num = (o: Record<string, unknown>, key: string): number => readNumber(at(path, key), o[key]);
  const maybe = (o: Record<string, unknown>, key: string): number | null =>
    readNullable(at(path, key), o[key], readNumber);
  const int = (o: Record<string, unknown>, key: string): number => count(at(path, key), o[key]);
  switch (policy) {
    case 'bandit': {
      const o = fields(['best', 'threshold', 'slackFactor', 'slackAmount', 'comparedRuns']);
      return {
        policy,
        value: maybe(o, 'value'),
        best: num(o, 'best'),
        threshold: num(o, 'threshold'),
        slackFactor: maybe(o, 'slackFactor'),
        slackAmount: maybe(o, 'slackAmount'),
        comparedRuns: int(o, 'comparedRuns'),
      };
    }
    case 'median-stopping': {
      const o = fields(['median', 'comparedRuns']);
      return { policy, value: maybe(o, 'value'), median: num(o, 'median'), comparedRuns: int(o, 'comparedRuns') };
    }
    case 'truncation-selection': {
      const o = fields(['truncationPercentage', 'comparedRuns', 'cutCount', 'rank', 'cutoff']);
      return {
        policy,
        value: maybe(o, 'value'),
        truncationPercentage: num(o, 'truncationPercentage'),
        comparedRuns: int(o, 'comparedRuns'),
        cutCount: int(o, 'cutCount'),
        rank: int(o, 'rank'),
        cutoff: maybe(o, 'cutoff'),
      };
    }
    case 'asha': {
      const o = fields([
        'rung',
        'resource',
        'reductionFactor',
        'earlyStoppingRate',
        'comparedRuns',
        'keepCount',
        'rank',
        'cutoff',
      ]);
      return {
        policy,
        value: maybe(o, 'value'),
        rung: int(o, 'rung'),
        resource: int(o, 'resource'),
        reductionFactor: num(o, 'reductionFactor'),
        earlyStoppingRate: int(o, 'earlyStoppingRate'),
        comparedRuns: int(o, 'comparedRuns'),
        keepCount: int(o, 'keepCount'),
        rank: int(o, 'rank'),
        cutoff: maybe(o, 'cutoff'),
      };
    }
    case 'hyperband': {
      const o = fields([
        'bracket',
        'brackets',
        'rung',
        'resource',
        'reductionFactor',
        'comparedRuns',
        'keepCount',
        'rank',
        'cutoff',
      ]);
      return {
        policy,
        value: maybe(o, 'value'),
        bracket: int(o, 'bracket'),
        brackets: int(o, 'brackets'),
        rung: int(o, 'rung'),
        resource: int(o, 'resource'),
        reductionFactor: num(o, 'reductionFactor'),
        comparedRuns: int(o, 'comparedRuns'),
        keepCount: int(o, 'keepCount'),
        rank: int(o, 'rank'),
        cutoff: maybe(o, 'cutoff'),
      };
    }
  }
}
