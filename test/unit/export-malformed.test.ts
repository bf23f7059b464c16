import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, MemoryStore } from '../../src/index.js';
import {
  SWEEP_DOCUMENT_LIMITS,
  SweepDocumentError,
  exportSweep,
  importSweep,
  parseSweepDocument,
  sweepDocumentText,
  type SweepDocument,
} from '../../src/export/index.js';
import { richSweep, storeSnapshot } from './export-fixtures.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `runs[3].params.lr` → ['runs', 3, 'params', 'lr']. */
function keys(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    const name = match?.[1] ?? part;
    const indices = [...(match?.[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return [...(name === '' ? [] : [name]), ...indices];
  });
}

function parentOf(root: Json, path: string): [Record<string, Json> | Json[], string | number] {
  const list = keys(path);
  const last = list.pop();
  if (last === undefined) throw new Error('empty path');
  let node: Json = root;
  for (const key of list) {
    node = (node as Record<string, Json>)[key as string] as Json;
    if (typeof node !== 'object' || node === null) throw new Error(`no ${path} in the base document`);
  }
  return [node as Record<string, Json>, last];
}

function set(root: Json, path: string, value: Json): void {
  const [parent, key] = parentOf(root, path);
  (parent as Record<string, Json>)[key as string] = value;
}

function remove(root: Json, path: string): void {
  const [parent, key] = parentOf(root, path);
  delete (parent as Record<string, Json>)[key as string];
}

function get(root: Json, path: string): Json {
  const [parent, key] = parentOf(root, path);
  return (parent as Record<string, Json>)[key as string] as Json;
}

function nested(depth: number): Json {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

interface Case {
  readonly name: string;
  /** The field the error must name (a RegExp where the path is long). */
  readonly field: string | RegExp;
  /** Words of the rule. */
  readonly rule: string | RegExp;
  /** What the message must show after "(got "; omitted where the value is long. */
  readonly got?: string;
  /** Changes the parsed base document, which is then written with JSON.stringify ... */
  readonly edit?: (doc: Json) => void;
  /** ... or changes the document text itself. */
  readonly text?: (text: string) => string;
}

const STATUS_RULE = 'must be one of Queued, Running, Completed, Canceled, Failed';

const CASES: readonly Case[] = [
  // -- format and version --------------------------------------------------------------------
  {
    name: 'another format',
    field: 'format',
    rule: 'must be "overdrive-sweep" (the file is not an Overdrive sweep export)',
    got: '"overdrive-spec"',
    edit: (d) => set(d, 'format', 'overdrive-spec'),
  },
  {
    name: 'no format (some other JSON file)',
    field: 'format',
    rule: 'must be "overdrive-sweep"',
    got: 'undefined',
    edit: (d) => remove(d, 'format'),
  },
  {
    name: 'format as a number',
    field: 'format',
    rule: 'must be "overdrive-sweep"',
    got: '1',
    edit: (d) => set(d, 'format', 1),
  },
  {
    name: 'a newer version',
    field: 'version',
    rule: 'must be 1: the document was written by a newer Overdrive, which this one cannot read',
    got: '2',
    edit: (d) => set(d, 'version', 2),
  },
  {
    name: 'version 0',
    field: 'version',
    rule: 'must be 1 (the only version of the format)',
    got: '0',
    edit: (d) => set(d, 'version', 0),
  },
  { name: 'version as text', field: 'version', rule: 'must be 1', got: '"1"', edit: (d) => set(d, 'version', '1') },
  { name: 'no version', field: 'version', rule: 'must be 1', got: 'undefined', edit: (d) => remove(d, 'version') },
  {
    name: 'an unknown top-level field',
    field: 'extra',
    rule: 'is not a field of an Overdrive sweep document',
    got: 'true',
    edit: (d) => set(d, 'extra', true),
  },
  {
    name: 'exportedAt not a time',
    field: 'exportedAt',
    rule: 'must be an ISO 8601 UTC time',
    got: '"yesterday"',
    edit: (d) => set(d, 'exportedAt', 'yesterday'),
  },
  {
    name: 'generator a number',
    field: 'generator',
    rule: 'must be a string',
    got: '42',
    edit: (d) => set(d, 'generator', 42),
  },
  {
    name: 'models included',
    field: 'models',
    rule: 'must be "not included"',
    got: '"included"',
    edit: (d) => set(d, 'models', 'included'),
  },
  {
    name: 'no sweep',
    field: 'sweep',
    rule: 'is required in an Overdrive sweep document',
    got: 'undefined',
    edit: (d) => remove(d, 'sweep'),
  },
  {
    name: 'runs not an array',
    field: 'runs',
    rule: 'must be an array (runs (SPEC maximum))',
    got: '{}',
    edit: (d) => set(d, 'runs', {}),
  },
  {
    name: 'metrics null',
    field: 'metrics',
    rule: 'must be an array (metric series)',
    got: 'null',
    edit: (d) => set(d, 'metrics', null),
  },
  {
    name: 'decisions an object',
    field: 'decisions',
    rule: 'must be an array (decisions)',
    got: '{"a":1}',
    edit: (d) => set(d, 'decisions', { a: 1 }),
  },
  {
    name: 'the root an array',
    field: 'document',
    rule: 'must be an object (an Overdrive sweep document)',
    got: '[]',
    text: () => '[]',
  },
  { name: 'the root a string', field: 'document', rule: 'must be an object', got: '"sweep"', text: () => '"sweep"' },

  // -- the sweep -----------------------------------------------------------------------------
  {
    name: 'empty sweep id',
    field: 'sweep.id',
    rule: 'must be a non-empty string',
    got: '""',
    edit: (d) => set(d, 'sweep.id', ''),
  },
  {
    name: 'numeric sweep id',
    field: 'sweep.id',
    rule: 'must be a non-empty string',
    got: '5',
    edit: (d) => set(d, 'sweep.id', 5),
  },
  {
    name: 'control character in the sweep id',
    field: 'sweep.id',
    rule: 'must not contain control characters',
    got: '"HD_\\u0007"',
    edit: (d) => set(d, 'sweep.id', 'HD_\u0007'),
  },
  {
    name: 'over-long sweep id',
    field: 'sweep.id',
    rule: 'must be at most 255 characters',
    edit: (d) => set(d, 'sweep.id', 'x'.repeat(256)),
  },
  {
    name: 'bad sweep status',
    field: 'sweep.status',
    rule: STATUS_RULE,
    got: '"Finished"',
    edit: (d) => set(d, 'sweep.status', 'Finished'),
  },
  {
    name: 'bad goal',
    field: 'sweep.config.primaryMetricGoal',
    rule: 'must be one of MAXIMIZE, MINIMIZE',
    got: '"up"',
    edit: (d) => set(d, 'sweep.config.primaryMetricGoal', 'up'),
  },
  {
    name: 'maxTotalRuns over the SPEC limit',
    field: 'sweep.config.maxTotalRuns',
    rule: 'must be an integer between 1 and 1000',
    got: '1001',
    edit: (d) => set(d, 'sweep.config.maxTotalRuns', 1001),
  },
  {
    name: 'maxConcurrentRuns over the SPEC limit',
    field: 'sweep.config.maxConcurrentRuns',
    rule: 'must be an integer between 1 and 100',
    got: '101',
    edit: (d) => set(d, 'sweep.config.maxConcurrentRuns', 101),
  },
  {
    name: 'negative maxDurationMinutes',
    field: 'sweep.config.maxDurationMinutes',
    rule: 'must be a finite number > 0',
    got: '-1',
    edit: (d) => set(d, 'sweep.config.maxDurationMinutes', -1),
  },
  {
    name: 'unknown sampling',
    field: 'sweep.config.sampling.kind',
    rule: 'must be one of random, grid, bayesian',
    got: '"hill-climb"',
    edit: (d) => set(d, 'sweep.config.sampling.kind', 'hill-climb'),
  },
  {
    name: 'unknown policy',
    field: 'sweep.config.policy.kind',
    rule: 'must be one of bandit, median-stopping',
    got: '"magic"',
    edit: (d) => set(d, 'sweep.config.policy.kind', 'magic'),
  },
  {
    name: 'policy option as text',
    field: 'sweep.config.policy.options.slackFactor',
    rule: 'must be a finite number or true/false',
    got: '"big"',
    edit: (d) => set(d, 'sweep.config.policy.options.slackFactor', 'big'),
  },
  {
    name: 'unknown trial kind',
    field: 'sweep.config.trial.kind',
    rule: 'must be one of function, builtin, module',
    got: '"script"',
    edit: (d) => set(d, 'sweep.config.trial', { kind: 'script', source: 'alert(1)' }),
  },
  {
    name: 'empty trial module url',
    field: 'sweep.config.trial.url',
    rule: 'must be a non-empty URL',
    got: '" "',
    edit: (d) => set(d, 'sweep.config.trial', { kind: 'module', url: ' ' }),
  },
  {
    name: 'code smuggled into a trial',
    field: 'sweep.config.trial.code',
    rule: 'is not a field of a builtin trial; its fields are kind, name',
    got: '"fetch(\'//evil\')"',
    edit: (d) => set(d, 'sweep.config.trial', { kind: 'builtin', name: 'spiral', code: "fetch('//evil')" }),
  },
  {
    name: 'concurrency 0',
    field: 'sweep.concurrency',
    rule: 'must be an integer between 1 and 100',
    got: '0',
    edit: (d) => set(d, 'sweep.concurrency', 0),
  },
  {
    name: 'warnings not a list',
    field: 'sweep.warnings',
    rule: 'must be an array (warnings)',
    got: '"careful"',
    edit: (d) => set(d, 'sweep.warnings', 'careful'),
  },
  {
    name: 'a warning as a number',
    field: 'sweep.warnings[0]',
    rule: 'must be a string',
    got: '7',
    edit: (d) => set(d, 'sweep.warnings', [7]),
  },
  {
    name: 'too many warnings',
    field: 'sweep.warnings',
    rule: 'must hold at most 1000 warnings',
    got: '"an array of 1001"',
    edit: (d) => set(d, 'sweep.warnings', new Array<Json>(1001).fill('w')),
  },
  {
    name: 'an over-long warning',
    field: 'sweep.warnings[0]',
    rule: 'must be at most 10000 characters',
    edit: (d) => set(d, 'sweep.warnings', ['x'.repeat(10_001)]),
  },
  {
    name: 'createdAt as text',
    field: 'sweep.createdAt',
    rule: 'must be a time in milliseconds since the epoch',
    got: '"now"',
    edit: (d) => set(d, 'sweep.createdAt', 'now'),
  },
  {
    name: 'createdAt as "Infinity"',
    field: 'sweep.createdAt',
    rule: 'must be a time in milliseconds since the epoch (a finite number)',
    got: '"Infinity"',
    edit: (d) => set(d, 'sweep.createdAt', 'Infinity'),
  },
  {
    name: 'unknown end reason',
    field: 'sweep.endReason.kind',
    rule: 'must be one of max-total-runs, space-exhausted',
    got: '"bored"',
    edit: (d) => set(d, 'sweep.endReason', { kind: 'bored' }),
  },
  {
    name: 'end reason without its number',
    field: 'sweep.endReason.runs',
    rule: 'is required in a "max-total-runs" end reason',
    got: 'undefined',
    edit: (d) => set(d, 'sweep.endReason', { kind: 'max-total-runs' }),
  },
  {
    name: 'error message a number',
    field: 'sweep.error.message',
    rule: 'must be a string',
    got: '5',
    edit: (d) => set(d, 'sweep.error', { message: 5, stack: null }),
  },
  {
    name: 'too many resumeFrom sweeps',
    field: 'sweep.config.resumeFrom',
    rule: 'must hold at most 5 sweep ids',
    edit: (d) => set(d, 'sweep.config.resumeFrom', ['a', 'b', 'c', 'd', 'e', 'f']),
  },
  {
    name: 'search space nested too deep',
    field: /^sweep\.config\.sampling\.space(\.a)+$/,
    // Room for the sweep file's 16 nested choices (three stored levels each), no more.
    rule: 'must be nested at most 56 levels deep',
    edit: (d) => set(d, 'sweep.config.sampling.space', nested(70)),
  },
  {
    name: 'a "constructor" field on the config',
    field: 'sweep.config.constructor',
    rule: 'is not a field of a sweep configuration',
    got: '{"prototype":{"polluted":true}}',
    edit: (d) => set(d, 'sweep.config.constructor', { prototype: { polluted: true } }),
  },

  // -- runs ----------------------------------------------------------------------------------
  {
    name: 'an unknown run status',
    field: 'runs[1].status',
    rule: STATUS_RULE,
    got: '"Done"',
    edit: (d) => set(d, 'runs[1].status', 'Done'),
  },
  {
    name: 'a run of another sweep',
    field: 'runs[0].sweepId',
    rule: 'must be the id of the document\'s sweep ("HD_rich0")',
    got: '"HD_other"',
    edit: (d) => set(d, 'runs[0].sweepId', 'HD_other'),
  },
  {
    name: 'a repeated run index',
    field: 'runs[1].index',
    rule: 'must be unique, but runs[0] has it too',
    got: '0',
    edit: (d) => set(d, 'runs[1].index', 0),
  },
  {
    name: 'a run id not made from the sweep id',
    field: 'runs[0].id',
    rule: 'must be the sweep id, "_" and the run index ("HD_rich0_0")',
    got: '"HD_other_0"',
    edit: (d) => set(d, 'runs[0].id', 'HD_other_0'),
  },
  {
    name: 'run index over the limit',
    field: 'runs[0].index',
    rule: 'must be an integer between 0 and 999',
    got: '1000',
    edit: (d) => set(d, 'runs[0].index', 1000),
  },
  {
    name: 'attempt 0',
    field: 'runs[0].attempt',
    rule: 'must be an integer >= 1',
    got: '0',
    edit: (d) => set(d, 'runs[0].attempt', 0),
  },
  {
    name: 'a hyperparameter list',
    field: 'runs[0].params.lr',
    rule: 'must be a finite number, a string, true/false or an object of further hyperparameters',
    got: '[1,2]',
    edit: (d) => set(d, 'runs[0].params.lr', [1, 2]),
  },
  {
    name: 'a null hyperparameter',
    field: 'runs[0].params.lr',
    rule: 'must be a finite number, a string, true/false',
    got: 'null',
    edit: (d) => set(d, 'runs[0].params.lr', null),
  },
  {
    name: 'hyperparameters nested too deep',
    field: /^runs\[0\]\.params(\.a)+$/,
    rule: 'must be nested at most 56 levels deep',
    edit: (d) => set(d, 'runs[0].params.a', nested(70)),
  },
  {
    name: 'an over-long string hyperparameter',
    field: 'runs[0].params.note',
    rule: 'must be at most 10000 characters',
    edit: (d) => set(d, 'runs[0].params.note', 'n'.repeat(10_001)),
  },
  {
    name: 'negative intervals',
    field: 'runs[0].intervals',
    rule: 'must be an integer >= 0',
    got: '-1',
    edit: (d) => set(d, 'runs[0].intervals', -1),
  },
  {
    name: 'a non-finite best metric',
    field: 'runs[0].bestMetric',
    rule: 'must be a finite number or null (the best finite value)',
    got: '"NaN"',
    edit: (d) => set(d, 'runs[0].bestMetric', 'NaN'),
  },
  {
    name: 'a policy termination that continues',
    field: 'runs[0].termination.decision.kind',
    rule: 'must be cancel in a policy termination',
    got: '"continue"',
    edit: (d) => set(d, 'runs[0].termination.decision.kind', 'continue'),
  },
  {
    name: 'an error without its stack',
    field: 'runs[3].error.stack',
    rule: 'is required in an error',
    got: 'undefined',
    edit: (d) => remove(d, 'runs[3].error.stack'),
  },
  {
    name: 'an over-long stack',
    field: 'runs[3].error.stack',
    rule: 'must be at most 100000 characters',
    edit: (d) => set(d, 'runs[3].error.stack', 's'.repeat(100_001)),
  },
  {
    name: 'an empty backend',
    field: 'runs[0].backend',
    rule: 'must be a non-empty string',
    got: '""',
    edit: (d) => set(d, 'runs[0].backend', ''),
  },
  {
    name: 'checkpoint model as text',
    field: 'runs[1].checkpoint.model',
    rule: 'must be true or false',
    got: '"yes"',
    edit: (d) => set(d, 'runs[1].checkpoint.model', 'yes'),
  },
  {
    name: 'a negative metric count',
    field: 'runs[1].checkpoint.metricCounts.accuracy',
    rule: 'must be an integer >= 0',
    got: '-1',
    edit: (d) => set(d, 'runs[1].checkpoint.metricCounts.accuracy', -1),
  },
  {
    name: 'startedAt as text',
    field: 'runs[0].startedAt',
    rule: 'must be a time in milliseconds since the epoch',
    got: '"x"',
    edit: (d) => set(d, 'runs[0].startedAt', 'x'),
  },
  {
    name: 'an unknown run field',
    field: 'runs[2].script',
    rule: 'is not a field of a run',
    got: '"x"',
    edit: (d) => set(d, 'runs[2].script', 'x'),
  },
  {
    name: 'a missing run field',
    field: 'runs[2].params',
    rule: 'is required in a run',
    got: 'undefined',
    edit: (d) => remove(d, 'runs[2].params'),
  },
  {
    name: 'more runs than SPEC allows',
    field: 'runs',
    rule: 'must hold at most 1000 runs (SPEC maximum)',
    got: '"an array of 1001"',
    edit: (d) => set(d, 'runs', new Array<Json>(1001).fill(get(d, 'runs[0]'))),
  },

  // -- metrics -------------------------------------------------------------------------------
  {
    name: 'a series of a run not in the document',
    field: 'metrics[0].runId',
    rule: 'must name a run of the document',
    got: '"HD_rich0_99"',
    edit: (d) => set(d, 'metrics[0].runId', 'HD_rich0_99'),
  },
  {
    name: 'a series of a later attempt than the run had',
    field: 'metrics[0].attempt',
    rule: 'must be an integer between 1 and 1',
    got: '2',
    edit: (d) => set(d, 'metrics[0].attempt', 2),
  },
  {
    name: 'a value that is not a number',
    field: 'metrics[0].values[1]',
    rule: 'must be a number (NaN and ±Infinity written as the strings "NaN", "Infinity", "-Infinity")',
    got: '"abc"',
    edit: (d) => set(d, 'metrics[0].values[1]', 'abc'),
  },
  {
    name: 'a value null (NaN written by plain JSON.stringify)',
    field: 'metrics[0].values[0]',
    rule: 'must be a number',
    got: 'null',
    edit: (d) => set(d, 'metrics[0].values[0]', null),
  },
  {
    name: 'an empty series',
    field: 'metrics[0].values',
    rule: 'must hold at least one value',
    got: '[]',
    edit: (d) => {
      set(d, 'metrics[0].values', []);
      set(d, 'metrics[0].times', []);
    },
  },
  {
    name: 'fewer times than values',
    field: 'metrics[0].times',
    rule: 'must hold one entry per value',
    edit: (d) => set(d, 'metrics[0].times', (get(d, 'metrics[0].times') as Json[]).slice(1)),
  },
  {
    name: 'an infinite time',
    field: 'metrics[0].times[0]',
    rule: 'must be a time in milliseconds since the epoch (a finite number)',
    got: '"Infinity"',
    edit: (d) => set(d, 'metrics[0].times[0]', 'Infinity'),
  },
  {
    name: 'a negative step',
    field: 'metrics[0].steps[0]',
    rule: 'must be an integer >= 0',
    got: '-1',
    edit: (d) =>
      set(
        d,
        'metrics[0].steps',
        (get(d, 'metrics[0].values') as Json[]).map((_, i) => (i === 0 ? -1 : i)),
      ),
  },
  {
    name: 'a fractional firstStep',
    field: 'metrics[0].firstStep',
    rule: 'must be an integer >= 0',
    got: '1.5',
    edit: (d) => set(d, 'metrics[0].firstStep', 1.5),
  },
  {
    name: 'a repeated series',
    field: 'metrics[1]',
    rule: 'must not repeat the run, attempt and metric of metrics[0]',
    edit: (d) => set(d, 'metrics[1]', get(d, 'metrics[0]')),
  },
  {
    name: 'an empty metric name',
    field: 'metrics[0].metric',
    rule: 'must be a non-empty string',
    got: '""',
    edit: (d) => set(d, 'metrics[0].metric', ''),
  },
  {
    name: 'more metric points than the cap',
    field: 'metrics[0].values',
    rule: `must hold at most ${SWEEP_DOCUMENT_LIMITS.maxMetricPoints} values`,
    got: '"an array of 4000001"',
    edit: (d) => set(d, 'metrics[0].values', new Array<Json>(SWEEP_DOCUMENT_LIMITS.maxMetricPoints + 1).fill(0)),
  },
  {
    name: 'more series than the cap',
    field: 'metrics',
    rule: `must hold at most ${SWEEP_DOCUMENT_LIMITS.maxMetricSeries} metric series`,
    got: '"an array of 100001"',
    edit: (d) => set(d, 'metrics', new Array<Json>(SWEEP_DOCUMENT_LIMITS.maxMetricSeries + 1).fill({})),
  },

  // -- NaN, Infinity and strings as metrics (issue 8) ------------------------------------------
  // semantics §11 records NaN and ±Infinity logged at run time (never as a best), so a series may hold
  // them, written as the strings "NaN", "Infinity", "-Infinity" (see 'keeps NaN and ±Infinity'
  // below). Any other string, or a number in quotes, is refused; so is a non-finite value where
  // the document promises a finite one (a best metric, a time, a count).
  ...(['0.9', 'nan', 'NAN', 'inf', '+Infinity', '-infinity', ' NaN', '1e999', ''] as const).map(
    (v): Case => ({
      name: `a metric value ${JSON.stringify(v)}`,
      field: 'metrics[0].values[1]',
      rule: 'must be a number (NaN and ±Infinity written as the strings "NaN", "Infinity", "-Infinity")',
      got: JSON.stringify(v),
      edit: (d) => set(d, 'metrics[0].values[1]', v),
    }),
  ),
  {
    name: 'a metric value true',
    field: 'metrics[0].values[2]',
    rule: 'must be a number',
    got: 'true',
    edit: (d) => set(d, 'metrics[0].values[2]', true),
  },
  {
    name: 'a metric value an object',
    field: 'metrics[0].values[0]',
    rule: 'must be a number',
    got: '{"value":0.5}',
    edit: (d) => set(d, 'metrics[0].values[0]', { value: 0.5 }),
  },
  {
    name: 'a metric value a list',
    field: 'metrics[0].values[0]',
    rule: 'must be a number',
    got: '[0.5]',
    edit: (d) => set(d, 'metrics[0].values[0]', [0.5]),
  },
  {
    name: 'a best metric "Infinity"',
    field: 'runs[0].bestMetric',
    rule: 'must be a finite number or null (the best finite value)',
    got: '"Infinity"',
    edit: (d) => set(d, 'runs[0].bestMetric', 'Infinity'),
  },
  {
    name: 'a best metric "-Infinity"',
    field: 'runs[4].bestMetric',
    rule: 'must be a finite number or null',
    got: '"-Infinity"',
    edit: (d) => set(d, 'runs[4].bestMetric', '-Infinity'),
  },
  {
    name: 'a best metric in quotes',
    field: 'runs[0].bestMetric',
    rule: 'must be a finite number or null',
    got: '"0.99"',
    edit: (d) => set(d, 'runs[0].bestMetric', '0.99'),
  },
  // JSON.parse reads a literal too large for a double as Infinity.
  {
    name: 'a best metric written 1e999',
    field: 'runs[0].bestMetric',
    rule: 'must be a finite number or null',
    got: 'Infinity',
    text: (t) => t.replace(/"bestMetric":[0-9.e-]+/, '"bestMetric":1e999'),
  },
  {
    name: 'a time written -1e999',
    field: 'metrics[0].times[0]',
    rule: 'must be a time in milliseconds since the epoch (a finite number)',
    got: '-Infinity',
    text: (t) => t.replace(/("times":\[)[0-9]+/, '$1-1e999'),
  },
  {
    name: 'an evidence value in quotes',
    field: 'runs[0].termination.decision.evidence.value',
    rule: 'must be a number (NaN and ±Infinity',
    got: '"0.15"',
    edit: (d) => set(d, 'runs[0].termination.decision.evidence.value', '0.15'),
  },
  {
    name: 'an evidence threshold "nan"',
    field: 'decisions[0].decision.evidence.threshold',
    rule: 'must be a number (NaN and ±Infinity',
    got: '"nan"',
    edit: (d) => set(d, 'decisions[0].decision.evidence.threshold', 'nan'),
  },
  {
    name: 'a metric count "Infinity"',
    field: 'runs[4].checkpoint.metricCounts.accuracy',
    rule: 'must be an integer >= 0',
    got: '"Infinity"',
    edit: (d) => set(d, 'runs[4].checkpoint.metricCounts.accuracy', 'Infinity'),
  },
  {
    name: 'a resumed-from sequence NaN',
    field: 'runs[0].resumedFrom.sequence',
    rule: 'must be an integer >= 0',
    got: '"NaN"',
    edit: (d) => set(d, 'runs[0].resumedFrom', { sweepId: 'HD_prior', runId: 'HD_prior_0', sequence: 'NaN' }),
  },
  {
    name: 'a resumeFrom sweep id as a number',
    field: 'sweep.config.resumeFrom[0]',
    rule: 'must be a non-empty string',
    got: '1',
    edit: (d) => set(d, 'sweep.config.resumeFrom', [1]),
  },

  // -- decisions -----------------------------------------------------------------------------
  {
    name: 'a decision about a run not in the document',
    field: 'decisions[0].runId',
    rule: 'must name a run of the document',
    got: '"HD_rich0_77"',
    edit: (d) => set(d, 'decisions[0].runId', 'HD_rich0_77'),
  },
  {
    name: 'a decision of another sweep',
    field: 'decisions[0].sweepId',
    rule: "must be the id of the document's sweep",
    got: '"HD_x"',
    edit: (d) => set(d, 'decisions[0].sweepId', 'HD_x'),
  },
  {
    name: 'an unknown decision kind',
    field: 'decisions[0].decision.kind',
    rule: 'must be one of skip, continue, cancel',
    got: '"stop"',
    edit: (d) => set(d, 'decisions[0].decision.kind', 'stop'),
  },
  {
    name: 'evidence without its threshold',
    field: 'decisions[0].decision.evidence.threshold',
    rule: 'is required in bandit evidence',
    got: 'undefined',
    edit: (d) => remove(d, 'decisions[0].decision.evidence.threshold'),
  },
  {
    name: 'evidence best as a word',
    field: 'decisions[0].decision.evidence.best',
    rule: 'must be a number (NaN and ±Infinity',
    got: '"lots"',
    edit: (d) => set(d, 'decisions[0].decision.evidence.best', 'lots'),
  },
  {
    name: 'a decision without a time',
    field: 'decisions[0].time',
    rule: 'must be a time in milliseconds since the epoch',
    got: 'null',
    edit: (d) => set(d, 'decisions[0].time', null),
  },
  {
    name: 'more decisions than the cap',
    field: 'decisions',
    rule: `must hold at most ${SWEEP_DOCUMENT_LIMITS.maxDecisions} decisions`,
    got: '"an array of 1000001"',
    edit: (d) => set(d, 'decisions', new Array<Json>(SWEEP_DOCUMENT_LIMITS.maxDecisions + 1).fill(0)),
  },

  // -- prototype pollution -------------------------------------------------------------------
  {
    name: '__proto__ at the top',
    field: '__proto__',
    rule: 'must not be used as a key (it would replace an object prototype)',
    got: '"__proto__"',
    text: (t) => t.replace('{"format"', '{"__proto__":{"polluted":true},"format"'),
  },
  {
    name: '__proto__ in hyperparameters',
    field: 'runs[0].params.__proto__',
    rule: 'must not be used as a key',
    text: (t) => t.replace('"params":{', '"params":{"__proto__":{"polluted":true},'),
  },
  {
    name: '__proto__ in the search space',
    field: 'sweep.config.sampling.space.__proto__',
    rule: 'must not be used as a key',
    text: (t) => t.replace('"space":{', '"space":{"__proto__":{"polluted":true},'),
  },
  {
    name: '__proto__ in metric counts',
    field: 'runs[1].checkpoint.metricCounts.__proto__',
    rule: 'must not be used as a key',
    text: (t) => t.replace('"metricCounts":{', '"metricCounts":{"__proto__":{"polluted":true},'),
  },
  {
    name: '__proto__ in evidence',
    field: 'runs[0].termination.decision.evidence.__proto__',
    rule: 'must not be used as a key',
    text: (t) => t.replace('"evidence":{', '"evidence":{"__proto__":{"polluted":true},'),
  },
  {
    name: '__proto__ in policy options',
    field: 'sweep.config.policy.options.__proto__',
    rule: 'must not be used as a key',
    text: (t) => t.replace('"options":{"slackFactor"', '"options":{"__proto__":{"polluted":true},"slackFactor"'),
  },
  {
    name: '"prototype" at the top',
    field: 'prototype',
    rule: 'is not a field of an Overdrive sweep document',
    edit: (d) => set(d, 'prototype', { polluted: true }),
  },

  // -- not JSON ------------------------------------------------------------------------------
  {
    name: 'truncated text',
    field: /^(runs|metrics|decisions)\[\d+\]/,
    rule: /^must be valid JSON: /,
    text: (t) => t.slice(0, Math.floor(t.length * 0.6)),
  },
  {
    name: 'truncated at the end',
    field: 'document',
    rule: "must be valid JSON: unexpected end of the text: expected ',' or '}'",
    got: 'the end of the text',
    text: (t) => t.trimEnd().slice(0, -1),
  },
  {
    name: 'a trailing comma',
    field: 'document',
    rule: 'must be valid JSON: trailing commas are not allowed in JSON: expected a property name',
    text: (t) => `${t.trimEnd().slice(0, -1)},}`,
  },
  {
    name: 'empty text',
    field: 'document',
    rule: 'must be valid JSON: the text is empty: expected a JSON object',
    text: () => '',
  },
  {
    name: 'single quotes',
    field: 'document',
    rule: 'must be valid JSON: property names must use double quotes',
    text: () => "{'format': 'overdrive-sweep'}",
  },
  {
    name: 'a bare NaN',
    field: /^metrics\[\d+\]\.values\[\d+\]$/,
    rule: 'must be valid JSON: NaN and Infinity are not JSON numbers: expected a value',
    got: "'NaN'",
    text: (t) => t.replace('"NaN"', 'NaN'),
  },
  {
    name: 'a comment',
    field: 'runs[0]',
    rule: 'must be valid JSON: comments are not allowed in JSON',
    text: (t) => t.replace('"runs":[\n', '"runs":[\n// the runs\n'),
  },
];

describe('malformed sweep documents', () => {
  let base = '';
  let store = new MemoryStore();
  let before: unknown;

  beforeAll(async () => {
    const rich = await richSweep(new MemoryStore());
    base = sweepDocumentText(await exportSweep(rich.store, rich.sweepId));
    // The target store already holds a sweep, so "unchanged" is about real data.
    store = new MemoryStore();
    await richSweep(store, 'HD_existing');
    before = await storeSnapshot(store, ['lab', 'imported']);
  });

  it('has a corpus of at least 60 kinds of damage', () => {
    console.log(`malformed sweep documents: ${CASES.length} cases`);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it('accepts the undamaged base document', async () => {
    const doc = parseSweepDocument(base);
    expect(doc.runs.length).toBe(10);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    'refuses %s, naming the field, the rule and the value, and writes nothing',
    async (_name, c) => {
      let text: string;
      if (c.text !== undefined) {
        text = c.text(base);
      } else {
        const doc = JSON.parse(base) as Json;
        c.edit?.(doc);
        text = JSON.stringify(doc);
      }
      expect(text).not.toBe(base);

      // Through the text, as a file is imported.
      let caught: unknown;
      try {
        const doc = parseSweepDocument(text);
        await importSweep(store, doc, { workspace: 'imported' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SweepDocumentError);
      const error = caught as SweepDocumentError;
      if (typeof c.field === 'string') expect(error.field).toBe(c.field);
      else expect(error.field).toMatch(c.field);
      if (typeof c.rule === 'string') expect(error.rule).toContain(c.rule);
      else expect(error.rule).toMatch(c.rule);
      // The message reads "[line L, column C: ]field: rule (got value)".
      expect(error.message).toContain(`${error.field}: ${error.rule} (got `);
      if (c.got !== undefined) expect(error.message).toContain(`(got ${c.got})`);
      // Long values are shown by their start only.
      expect(error.message.length).toBeLessThan(600);

      // Handed over already parsed (a document built in code): importSweep validates it too.
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) {
        const typed = await importSweep(store, parsed as SweepDocument, { workspace: 'imported' }).catch(
          (e: unknown) => e,
        );
        expect(typed).toBeInstanceOf(ConfigError);
        expect((typed as ConfigError).field).toBe(error.field);
      }

      expect(await storeSnapshot(store, ['lab', 'imported'])).toStrictEqual(before);
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      // The over-limit cases build multi-megabyte documents.
    },
    30_000,
  );

  it("keeps NaN and ±Infinity written as the document's strings: semantics §11 records them, never as a best", async () => {
    const doc = JSON.parse(base) as Json;
    set(doc, 'metrics[0].values[0]', 'NaN');
    set(doc, 'metrics[0].values[1]', 'Infinity');
    set(doc, 'metrics[0].values[2]', '-Infinity');
    const parsed = parseSweepDocument(JSON.stringify(doc));
    expect(parsed.metrics[0]?.values.slice(0, 3)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    const target = new MemoryStore();
    const { sweepId, runIds } = await importSweep(target, parsed, { workspace: 'imported' });
    const series = parsed.metrics[0];
    const runId = runIds.get(series?.runId ?? '');
    const points = (await target.listMetrics(sweepId)).filter(
      (p) => p.runId === runId && p.name === series?.metric && p.attempt === series.attempt,
    );
    expect(points.slice(0, 3).map((p) => p.value)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    for (const run of await target.listRuns(sweepId))
      expect(run.bestMetric === null || Number.isFinite(run.bestMetric)).toBe(true);
  });

  it('says on which line and column a field error is', () => {
    const lines = base.split('\n');
    // Line 1 is the header, 2 the sweep, 3 `"runs":[`, so runs[1] is line 5.
    lines[4] = (lines[4] ?? '').replace(/"status":"[A-Za-z]+"/, '"status":"Done"');
    const column = (lines[4] ?? '').indexOf('"status"') + 1;
    const error = (() => {
      try {
        parseSweepDocument(lines.join('\n'));
      } catch (e) {
        return e;
      }
      return undefined;
    })() as SweepDocumentError;
    expect(error.message).toBe(
      `line 5, column ${column}: runs[1].status: must be one of Queued, Running, Completed, Canceled, Failed (got "Done")`,
    );
    expect([error.line, error.column]).toEqual([5, column]);
  });

  it('says on which line and column a syntax error is', () => {
    const lines = base.split('\n');
    lines[3] = `x${lines[3] ?? ''}`;
    const error = (() => {
      try {
        parseSweepDocument(lines.join('\n'));
      } catch (e) {
        return e;
      }
      return undefined;
    })() as SweepDocumentError;
    expect(error).toBeInstanceOf(SweepDocumentError);
    expect(error.message).toBe(
      "line 4, column 1: runs[0]: must be valid JSON: expected a value (an object, array, string, number, true, false or null) (got 'x')",
    );
    expect([error.line, error.column]).toEqual([4, 1]);
  });

  it('refuses something that is not text', () => {
    expect(() => parseSweepDocument(42 as unknown as string)).toThrow('document: must be the text of a JSON file');
  });

  it('reads a document saved with a byte-order mark', () => {
    expect(parseSweepDocument(`\uFEFF${base}`).runs).toHaveLength(10);
  });
});
