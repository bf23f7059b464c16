// Hyperparameter importance from a sweep's results: fANOVA on a random forest (as Optuna's
// FanovaImportanceEvaluator) and Spearman's correlation with the metric. Plain TypeScript with
// an injected seed: the same runs and seed give the same figures in Node and in a page.
import { SeededRandom } from '../../random/index.js';
import { encode } from './encode.js';
import { FanovaTree } from './fanova.js';
import { fitTreeSteps } from './forest.js';
import { spearman } from './spearman.js';
import type { ImportanceInput, ImportanceOptions, ImportanceResult, ParamImportance } from './types.js';

export type {
  ImportanceInput,
  ImportanceOptions,
  ImportanceParam,
  ImportanceResult,
  ImportanceRow,
  ImportanceValue,
  ParamImportance,
} from './types.js';
export { spearman, averageRanks } from './spearman.js';

/** Optuna's FanovaImportanceEvaluator defaults. */
export const DEFAULT_TREES = 64;
export const DEFAULT_MAX_DEPTH = 64;

/**
 * Runs needed before the importance is called trustworthy: at least 10, and 5 per parameter.
 * With fewer, each bootstrap sample holds only a few distinct points per parameter, so a tree
 * can explain the metric by whichever parameter happens to line up with it: on the synthetic
 * objectives of test/unit/analysis-importance.test.ts an irrelevant parameter's importance
 * varied from seed to seed by more than 0.1 below this count and by less above it. Below it
 * the figures are still shown, flagged as too few runs.
 */
export function minRunsToTrust(params: number): number {
  return Math.max(10, 5 * params);
}

/**
 * The analysis as a sequence of bounded steps (part of fitting one tree; one parameter's share in one tree), so a page can
 * run it in slices between frames (see `fitTreeSteps`). The generator's return value is the result.
 */
export function* importanceSteps(
  input: ImportanceInput,
  options: ImportanceOptions,
): Generator<void, ImportanceResult, void> {
  const trees = options.trees ?? DEFAULT_TREES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const runs = input.rows.length;
  const minRuns = minRunsToTrust(input.params.length);
  for (const row of input.rows)
    if (!Number.isFinite(row.target))
      throw new RangeError(`importance: every row's target must be a finite number (got ${String(row.target)})`);
  if (input.params.length === 0) return { kind: 'unavailable', reason: 'The sweep has no parameters.', runs, minRuns };
  // Optuna returns all zeros for one trial or fewer; with fewer than 3 nothing can be split twice.
  if (runs < 3)
    return {
      kind: 'unavailable',
      reason: `Importance needs at least 3 finished runs with a metric; there ${runs === 1 ? 'is' : 'are'} ${runs}.`,
      runs,
      minRuns,
    };
  const { encoded, constant } = encode(input);
  const targetsVary = encoded.targets.some((t) => t !== encoded.targets[0]);
  if (!targetsVary)
    return { kind: 'unavailable', reason: 'Every run has the same metric value: nothing to explain.', runs, minRuns };
  const random = new SeededRandom(options.seed);
  const fractions = encoded.groups.map(() => [] as number[]);
  for (let t = 0; t < trees; t++) {
    const tree = yield* fitTreeSteps(encoded.columns, encoded.targets, random, { maxDepth });
    yield;
    const fanova = new FanovaTree(tree, encoded.bounds);
    if (fanova.variance > 0)
      for (let g = 0; g < encoded.groups.length; g++) {
        fractions[g]?.push(fanova.marginalVariance(encoded.groups[g]?.columns ?? []) / fanova.variance);
        yield;
      }
    else yield;
  }
  const means = fractions.map((f) => (f.length === 0 ? 0 : f.reduce((a, b) => a + b, 0) / f.length));
  const total = means.reduce((a, b) => a + b, 0);
  const figures: ParamImportance[] = [];
  encoded.groups.forEach((group, g) => {
    const f = fractions[g] ?? [];
    const mean = means[g] ?? 0;
    const spread = f.length === 0 ? 0 : Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / f.length);
    figures.push({
      name: group.param,
      importance: total > 0 ? mean / total : 0,
      spread,
      ...correlationOf(input, group.param),
    });
  });
  for (const name of constant) figures.push({ name, importance: 0, spread: 0, ...correlationOf(input, name) });
  figures.sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
  return { kind: 'importance', params: figures, runs, trusted: runs >= minRuns, minRuns };
}

function correlationOf(input: ImportanceInput, name: string): Pick<ParamImportance, 'correlation' | 'runs'> {
  const param = input.params.find((p) => p.name === name);
  const x: number[] = [];
  const y: number[] = [];
  let runs = 0;
  for (const row of input.rows) {
    const v = row.values[name];
    if (v === undefined) continue;
    runs++;
    if (typeof v === 'number' && Number.isFinite(v)) {
      x.push(v);
      y.push(row.target);
    }
  }
  // A category has no order to correlate with (its importance says how much it matters).
  const correlation = param?.kind === 'number' ? spearman(x, y) : null;
  return { correlation, runs };
}

/** The whole analysis at once (Node, tests, workers). */
export function computeImportance(input: ImportanceInput, options: ImportanceOptions): ImportanceResult {
  const steps = importanceSteps(input, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}
