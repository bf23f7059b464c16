import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { exportSweep, importSweep, parseSweepDocument, sweepDocumentText } from '../../src/export/index.js';
import {
  Experiment,
  HyperDriveConfig,
  InProcessRunner,
  MemoryStore,
  SeededRandom,
  Workspace,
  choice,
  createSearchSpace,
  type TrainFunction,
} from '../../src/index.js';
import { SEARCH_SPACE_LIMITS as L } from '../../src/space/limits.js';
import { parseSweepFile } from '../../src/sweep-file/index.js';
import { sequentialIds } from './helpers.js';

// One table of search-space limits (src/space/limits.ts), read by the sweep-file parser, the
// JavaScript API and the sweep-document import: whatever a sweep file accepts exports to a
// document the import accepts, and one step past a limit is refused with field, rule and value.

const base = { trial: 'spiral', objective: { primary_metric: 'loss', goal: 'minimize' }, sampling_algorithm: 'random' };
const options = { builtinTrials: ['spiral'] };

/** Nested choices `depth` levels deep: each level's option holds the next choice. */
function nested(depth: number): unknown {
  let inner: unknown = { type: 'choice', values: [1, 2] };
  for (let i = 0; i < depth; i += 1) inner = { type: 'choice', values: ['flat', { [`n${i}`]: inner }] };
  return inner;
}

/** The largest search spaces the limits accept, one limit at a time. */
const AT_THE_LIMITS: Readonly<Record<string, Record<string, unknown>>> = {
  nesting: { x: nested(L.maxNestingDepth) },
  'a long string': {
    s: 'x'.repeat(L.maxStringLength),
    c: { type: 'choice', values: ['y'.repeat(L.maxStringLength), 'z'] },
  },
  'a big choice': { c: { type: 'choice', values: Array.from({ length: L.maxChoiceValues }, (_, i) => i) } },
  'many parameters': Object.fromEntries(Array.from({ length: L.maxParameters }, (_, i) => [`p${i}`, i])),
  'many values': Object.fromEntries(
    Array.from({ length: L.maxValues / L.maxChoiceValues }, (_, k) => [
      `c${k}`,
      { type: 'choice', values: Array.from({ length: L.maxChoiceValues }, (_, i) => `${k}-${i}`) },
    ]),
  ),
};

function refusal(searchSpace: unknown): ConfigError {
  try {
    parseSweepFile({ ...base, search_space: searchSpace }, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('accepted');
}

describe('search-space limits', () => {
  it('one step past each limit is refused by the sweep file with field, rule and value', () => {
    const deep = refusal({ x: nested(L.maxNestingDepth + 1) });
    expect(deep.rule).toBe(`must not nest choices more than ${L.maxNestingDepth} levels deep`);
    const long = refusal({ s: 'x'.repeat(L.maxStringLength + 1) });
    expect(long.message).toMatch(
      /^search_space\.s: must be at most 1000 characters long \(it has 1001\) \(got "x{10,}/,
    );
    const big = refusal({ c: { type: 'choice', values: Array.from({ length: L.maxChoiceValues + 1 }, (_, i) => i) } });
    expect([big.field, big.rule]).toEqual(['search_space.c.values', 'must hold at most 10000 values (it has 10001)']);
    const many = refusal(Object.fromEntries(Array.from({ length: L.maxParameters + 1 }, (_, i) => [`p${i}`, i])));
    expect(many.field).toBe('search_space.p1000');
    expect(many.rule).toContain('may define at most 1000 parameters in all');
    expect(many.value).toBe('p1000');
    const values = refusal({
      ...AT_THE_LIMITS['many values'],
      extra: 1,
    });
    expect(values.field).toBe('search_space.extra');
    expect(values.rule).toContain('at most 50000 choice values and constants in all');
  });

  it('the JavaScript API refuses the same', () => {
    expect(() => createSearchSpace({ x: choice(Array.from({ length: L.maxChoiceValues + 1 }, (_, i) => i)) })).toThrow(
      'must choose among at most 10000 values (it has 10001)',
    );
    expect(() =>
      createSearchSpace(Object.fromEntries(Array.from({ length: L.maxParameters + 1 }, (_, i) => [`p${i}`, i]))),
    ).toThrow(/at most 1000 parameters/);
    expect(() => createSearchSpace({ s: 'x'.repeat(L.maxStringLength + 1) })).toThrow(/at most 1000 characters/);
  });

  for (const [name, searchSpace] of Object.entries(AT_THE_LIMITS)) {
    it(`what the sweep file accepts at its limits exports to a document the import accepts: ${name}`, async () => {
      const parsed = parseSweepFile({ ...base, search_space: searchSpace, limits: { max_total_trials: 2 } }, options);
      const store = new MemoryStore();
      const workspace = new Workspace({
        name: 'limits',
        store,
        runner: new InProcessRunner({ capacity: 1 }),
        random: new SeededRandom(1),
        createSweepId: sequentialIds('HD_limits'),
      });
      const train: TrainFunction = async (_params, run) => {
        run.log('loss', 0.5);
      };
      const { trial: _trial, ...rest } = parsed.hyperDriveConfigOptions;
      const sweep = new Experiment(workspace, 'limits').submit(new HyperDriveConfig({ ...rest, train }));
      const record = await sweep.waitForCompletion();
      expect(record.status).toBe('Completed');
      const text = sweepDocumentText(await exportSweep(store, sweep.id));
      const doc = parseSweepDocument(text);
      const target = new MemoryStore();
      await importSweep(target, doc, { workspace: 'lab' });
      expect((await target.listRuns(sweep.id)).length).toBe(2);
    }, 60_000);
  }
});
