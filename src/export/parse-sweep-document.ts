import { ConfigError } from '../errors.js';
import { JsonTextError, nearestPosition, parseLocatedJson, type JsonPosition } from '../sweep-file/json-text.js';
import type { DecisionRecord, RunRecord } from '../store/records.js';
import {
  DOCUMENT_FIELD,
  at,
  fieldError,
  item,
  readArray,
  readFields,
  readInteger,
  readLiteral,
  readName,
  readObject,
  readText,
} from './document-fields.js';
import { readDecisionRecord, readIsoTime, readRunRecord, readSweepRecord } from './record-fields.js';
import {
  MODELS_NOT_INCLUDED,
  SWEEP_DOCUMENT_FORMAT,
  SWEEP_DOCUMENT_LIMITS,
  SWEEP_DOCUMENT_VERSION,
  decodeNonFinite,
  type MetricSeries,
  type SweepDocument,
} from './sweep-document.js';

/** A rejected sweep document; `line`/`column` say where in the text, when known. */
export class SweepDocumentError extends ConfigError {
  constructor(
    field: string,
    rule: string,
    value: unknown,
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(field, rule, value, message);
  }
}

/**
 * Locating a field error re-reads the text with the position-keeping parser, which is several
 * times slower than JSON.parse; above this size the error names the field without a line.
 */
const LOCATE_FIELD_ERRORS_UP_TO = 1024 * 1024;

const L = SWEEP_DOCUMENT_LIMITS;

/**
 * Reads the text of an exported sweep (`sweepDocumentText`) and validates all of it before
 * anything can be written: JSON syntax (with line and column), every field's type and rule,
 * the format and version, references between records, and the size caps of
 * SWEEP_DOCUMENT_LIMITS. A refusal is a SweepDocumentError (a ConfigError) whose field is the
 * path (`runs[3].status`), whose rule is in words and whose message shows the value given.
 *
 * The document is only ever data: nothing in it is evaluated or loaded (a trial module URL is
 * kept as text). Keys named `__proto__` are refused and every object is rebuilt key by key, so
 * no prototype can be reached through it. JSON.parse does the parsing for speed, which means a
 * key repeated within one object keeps its last value.
 */
export function parseSweepDocument(text: string): SweepDocument {
  if (typeof text !== 'string') {
    throw new SweepDocumentError(
      DOCUMENT_FIELD,
      'must be the text of a JSON file',
      text,
      `${DOCUMENT_FIELD}: must be the text of a JSON file`,
      undefined,
      undefined,
    );
  }
  if (text.length > L.maxTextLength) {
    const rule = `must be at most ${L.maxTextLength} characters long`;
    const got = `${text.length} characters`;
    throw new SweepDocumentError(
      DOCUMENT_FIELD,
      rule,
      got,
      `${DOCUMENT_FIELD}: ${rule} (got ${got})`,
      undefined,
      undefined,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw syntaxError(text, error);
  }
  try {
    return validateSweepDocument(value);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const position = text.length <= LOCATE_FIELD_ERRORS_UP_TO ? fieldPosition(text, error.field) : undefined;
    return rethrowAt(error, position);
  }
}

function syntaxError(text: string, parseError: unknown): SweepDocumentError {
  try {
    parseLocatedJson(text);
  } catch (error) {
    if (error instanceof JsonTextError) {
      const field = error.path === '' ? DOCUMENT_FIELD : error.path;
      const rule = `must be valid JSON: ${error.problem}`;
      const found = error.found ?? 'the end of the text';
      const { line, column } = error.position;
      return new SweepDocumentError(
        field,
        rule,
        error.found,
        `line ${line}, column ${column}: ${field}: ${rule} (got ${found})`,
        line,
        column,
      );
    }
  }
  // The two parsers disagree only on what JSON.parse refuses and the strict reader does not.
  const problem = parseError instanceof Error ? parseError.message : String(parseError);
  return new SweepDocumentError(
    DOCUMENT_FIELD,
    `must be valid JSON: ${problem}`,
    undefined,
    `${DOCUMENT_FIELD}: must be valid JSON: ${problem}`,
    undefined,
    undefined,
  );
}

function fieldPosition(text: string, field: string): JsonPosition | undefined {
  try {
    return nearestPosition(parseLocatedJson(text).positions, field === DOCUMENT_FIELD ? '' : field);
  } catch {
    // A repeated key, which JSON.parse accepted: the error is still reported, without a line.
    return undefined;
  }
}

function rethrowAt(error: ConfigError, position: JsonPosition | undefined): never {
  const where = position === undefined ? '' : `line ${position.line}, column ${position.column}: `;
  throw new SweepDocumentError(
    error.field,
    error.rule,
    error.value,
    where + error.message,
    position?.line,
    position?.column,
  );
}

/**
 * Documents this module built from validated values. importSweep trusts these instead of
 * validating a large document twice; anything else handed to it is validated again.
 */
const validated = new WeakSet<SweepDocument>();

/**
 * Validates an already parsed document (or one built in code) and returns a fresh copy built
 * from the validated values only (a document it returned before is returned as it is). Throws a
 * ConfigError naming the first problem.
 */
export function validateSweepDocument(value: unknown): SweepDocument {
  if (typeof value === 'object' && value !== null && validated.has(value as SweepDocument))
    return value as SweepDocument;
  const root = readObject('', value, 'an Overdrive sweep document');
  // Format and version first, so that some other JSON file is named for what it is.
  readLiteral(
    'format',
    root['format'],
    SWEEP_DOCUMENT_FORMAT,
    `must be "${SWEEP_DOCUMENT_FORMAT}" (the file is not an Overdrive sweep export)`,
  );
  if (
    typeof root['version'] === 'number' &&
    Number.isInteger(root['version']) &&
    root['version'] > SWEEP_DOCUMENT_VERSION
  ) {
    throw fieldError(
      'version',
      `must be ${SWEEP_DOCUMENT_VERSION}: the document was written by a newer Overdrive, which this one cannot read`,
      root['version'],
    );
  }
  readLiteral(
    'version',
    root['version'],
    SWEEP_DOCUMENT_VERSION,
    `must be ${SWEEP_DOCUMENT_VERSION} (the only version of the format)`,
  );
  const o = readFields('', value, 'an Overdrive sweep document', [
    'format',
    'version',
    'exportedAt',
    'generator',
    'models',
    'sweep',
    'runs',
    'metrics',
    'decisions',
  ]);
  const exportedAt = readIsoTime('exportedAt', o['exportedAt']);
  const generator = readText('generator', o['generator'], L.maxNameLength, false);
  readLiteral(
    'models',
    o['models'],
    MODELS_NOT_INCLUDED,
    `must be "${MODELS_NOT_INCLUDED}" (this version of the format holds no models)`,
  );
  const sweep = readSweepRecord('sweep', o['sweep']);
  const runs = readRuns(o['runs'], sweep.id);
  const runsById = new Map(runs.map((run) => [run.id, run]));
  sweep.backendReport?.notes.forEach((note, i) => {
    if (note.runId !== null && !runsById.has(note.runId)) {
      throw fieldError(
        at(item('sweep.backendReport.notes', i), 'runId'),
        'must name a run of the document, or be null',
        note.runId,
      );
    }
  });
  const metrics = readMetrics(o['metrics'], runsById);
  const decisions = readDecisions(o['decisions'], sweep.id, runsById);
  const doc: SweepDocument = {
    format: SWEEP_DOCUMENT_FORMAT,
    version: SWEEP_DOCUMENT_VERSION,
    exportedAt,
    generator,
    models: MODELS_NOT_INCLUDED,
    sweep,
    runs,
    metrics,
    decisions,
  };
  validated.add(doc);
  return doc;
}

/**
 * Run ids are `<sweep id>_<index>`, as the orchestrator makes them. Holding documents to that
 * is what lets an import prove it cannot overwrite another sweep's runs: the store finds runs
 * by id, and two different sweep ids can never give the same run id this way.
 */
function readRuns(value: unknown, sweepId: string): RunRecord[] {
  const list = readArray('runs', value, 'runs (SPEC maximum)', L.maxRuns);
  const byIndex = new Map<number, number>();
  return list.map((entry, i) => {
    const path = item('runs', i);
    const run = readRunRecord(path, entry);
    if (run.sweepId !== sweepId)
      throw fieldError(
        at(path, 'sweepId'),
        `must be the id of the document's sweep (${JSON.stringify(sweepId)})`,
        run.sweepId,
      );
    const earlier = byIndex.get(run.index);
    if (earlier !== undefined)
      throw fieldError(at(path, 'index'), `must be unique, but runs[${earlier}] has it too`, run.index);
    byIndex.set(run.index, i);
    const expected = `${sweepId}_${run.index}`;
    if (run.id !== expected) {
      throw fieldError(
        at(path, 'id'),
        `must be the sweep id, "_" and the run index (${JSON.stringify(expected)})`,
        run.id,
      );
    }
    return run;
  });
}

const NUMBER_RULE = 'must be a number (NaN and ±Infinity written as the strings "NaN", "Infinity", "-Infinity")';

function readMetrics(value: unknown, runs: ReadonlyMap<string, RunRecord>): MetricSeries[] {
  const list = readArray('metrics', value, 'metric series', L.maxMetricSeries);
  const seen = new Map<string, number>();
  let budget = L.maxMetricPoints;
  return list.map((entry, i): MetricSeries => {
    const path = item('metrics', i);
    const o = readFields(
      path,
      entry,
      'a metric series',
      ['runId', 'attempt', 'metric', 'firstStep', 'values', 'times'],
      ['steps'],
    );
    const runId = readName(at(path, 'runId'), o['runId']);
    const run = runs.get(runId);
    if (run === undefined) throw fieldError(at(path, 'runId'), 'must name a run of the document', runId);
    const attempt = readInteger(at(path, 'attempt'), o['attempt'], 1, run.attempt);
    const metric = readName(at(path, 'metric'), o['metric']);
    const key = `${runId}\u0000${attempt}\u0000${metric}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw fieldError(
        path,
        `must not repeat the run, attempt and metric of metrics[${earlier}]`,
        `${runId}, attempt ${attempt}, ${metric}`,
      );
    }
    seen.set(key, i);
    const firstStep = readInteger(at(path, 'firstStep'), o['firstStep'], 0);
    const valuesPath = at(path, 'values');
    const given = readArray(valuesPath, o['values'], 'values', Math.max(budget, 0));
    if (given.length === 0) throw fieldError(valuesPath, 'must hold at least one value', given);
    budget -= given.length;
    if (budget < 0)
      throw fieldError(
        valuesPath,
        `must keep the document within ${L.maxMetricPoints} metric points in all`,
        given.length,
      );
    // The hot loop of an import: hundreds of thousands of values, so no helper call per value.
    const values = new Array<number>(given.length);
    for (let k = 0; k < given.length; k++) {
      const v = given[k];
      if (typeof v === 'number') {
        values[k] = v;
        continue;
      }
      const decoded = decodeNonFinite(v);
      if (decoded === undefined) throw fieldError(item(valuesPath, k), NUMBER_RULE, v);
      values[k] = decoded;
    }
    const times = readColumn(
      at(path, 'times'),
      o['times'],
      given.length,
      'times',
      (v) => typeof v === 'number' && Number.isFinite(v),
      'must be a time in milliseconds since the epoch (a finite number)',
    );
    const series: MetricSeries = { runId, attempt, metric, firstStep, values, times };
    if (o['steps'] === undefined) return series;
    const steps = readColumn(
      at(path, 'steps'),
      o['steps'],
      given.length,
      'steps',
      (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0,
      'must be an integer >= 0',
    );
    return { ...series, steps };
  });
}

function readColumn(
  path: string,
  value: unknown,
  length: number,
  what: string,
  valid: (v: unknown) => boolean,
  rule: string,
): number[] {
  const given = readArray(path, value, what, length);
  if (given.length !== length)
    throw fieldError(path, `must hold one entry per value (${length})`, `an array of ${given.length}`);
  for (let k = 0; k < given.length; k++) {
    if (!valid(given[k])) throw fieldError(item(path, k), rule, given[k]);
  }
  return given.slice() as number[];
}

function readDecisions(value: unknown, sweepId: string, runs: ReadonlyMap<string, RunRecord>): DecisionRecord[] {
  const list = readArray('decisions', value, 'decisions', L.maxDecisions);
  return list.map((entry, i) => {
    const path = item('decisions', i);
    const decision = readDecisionRecord(path, entry);
    if (decision.sweepId !== sweepId) {
      throw fieldError(
        at(path, 'sweepId'),
        `must be the id of the document's sweep (${JSON.stringify(sweepId)})`,
        decision.sweepId,
      );
    }
    if (!runs.has(decision.runId))
      throw fieldError(at(path, 'runId'), 'must name a run of the document', decision.runId);
    return decision;
  });
}
