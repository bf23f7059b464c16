import type { RunStatus } from '../store/records.js';
import {
  type DecisionRecord,
  type RunRecord,
  type SweepRecord,
  decisionRecord,
  runRecord,
  runStatus,
  sweepRecord,
} from '../store/records.js';
import { type ErrorRecord, errorRecord } from '../error-record.js';
import type { LeafReaders } from '../validate/index.js';
import {
  fieldError,
  readArray,
  readBoolean,
  readFields,
  readFinite,
  readInteger,
  readJson,
  readName,
  readNameList,
  readNumber,
  readObject,
  readOneOf,
  readPositive,
  readText,
  readTime,
} from './document-fields.js';
import { SWEEP_DOCUMENT_LIMITS } from './sweep-document.js';

/**
 * The store's records as they appear in a sweep document, read through the records' own
 * schemas (src/store/records.ts) with the document's leaf readers: what a name, a message or a
 * count may be in a document, and the document's limits, are decided here; the fields are not.
 */

const L = SWEEP_DOCUMENT_LIMITS;

const message = (path: string, value: unknown): string => readText(path, value, L.maxTextFieldLength);

/** What a name, a message or a count may be in a document, for the records' schemas. */
const LEAVES: LeafReaders = {
  name: readName,
  message,
  stack: (path, value) => readText(path, value, L.maxStackLength),
  time: readTime,
  count: (path, value) => readInteger(path, value, 0),
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
  number: readNumber,
  // Milliseconds as the pool measured them: any finite number (the pool checks no more).
  duration: (path, value) => readFinite(path, value, 'must be a duration in milliseconds (a finite number)'),
  line: (path, value) => readText(path, value, L.maxTextFieldLength, false),
  // `builtin:NAME` or `module:URL`.
  trialKey: (path, value) => readText(path, value, L.maxUrlLength + 'module:'.length, false),
  finite: readFinite,
  integer: readInteger,
  array: readArray,
  json: (path, value, budget) => readJson(path, value, budget),
  limits: { runs: L.maxRuns, warnings: L.maxWarnings, depth: L.maxDepth, spaceNodes: L.maxSpaceNodes },
  fail: fieldError,
  oneOf: readOneOf,
  fields: readFields,
  object: readObject,
};

export function readStatus(path: string, value: unknown): RunStatus {
  return runStatus.read(LEAVES, path, value);
}

export function readErrorRecord(path: string, value: unknown): ErrorRecord {
  return errorRecord.read(LEAVES, path, value);
}

export function readSweepRecord(path: string, value: unknown): SweepRecord {
  return sweepRecord.read(LEAVES, path, value);
}

export function readRunRecord(path: string, value: unknown): RunRecord {
  return runRecord.read(LEAVES, path, value);
}

export function readDecisionRecord(path: string, value: unknown): DecisionRecord {
  return decisionRecord.read(LEAVES, path, value);
}

export function readIsoTime(path: string, value: unknown): string {
  const text = readName(path, value);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text) || !Number.isFinite(Date.parse(text))) {
    throw fieldError(path, 'must be an ISO 8601 UTC time such as 2024-05-01T12:00:00.000Z', value);
  }
  return text;
}
