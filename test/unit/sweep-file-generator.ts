import { SeededRandom } from '../../src/random/index.js';

/*
 * Seeded generator of sweep spec inputs covering everything the spec format can say: every
 * expression type, constants of each primitive type, nested choices (with constants, booleans
 * and dashed names inside), leading-dash names, every sampling and every policy, fractional
 * limits, metadata, both trial kinds, backends, the data binding (a file path or a stored dataset,
 * a table's or an image folder's preparation). Used by the round-trip tests of the exports.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Besides the usual values, strings that look like something else, or hold quotes, commas,
// backslashes, braces or edge spaces: a form that shows values as text must keep them apart.
const PRIMITIVES: readonly Json[] = [
  8,
  0.25,
  -3,
  'adam',
  'relu',
  true,
  false,
  1e-7,
  123456,
  "it's",
  'plain',
  'C:\\data\\x',
  '{"units":64}',
  '[1, 2]',
  '42',
  'true',
  ' padded ',
  'a, b',
  '"quoted"',
  -0.5,
  1e21,
];

export function generateSpecs(count: number, seed = 2024): Record<string, Json>[] {
  const rng = new SeededRandom(seed);
  // The data binding draws from its own sequence, so the rest of each spec is what it was before
  // `data` existed (other tests' expectations were built on those specs).
  const dataRng = new SeededRandom(seed + 1);
  const dataPick = <T>(items: readonly T[]): T => items[Math.floor(dataRng.next() * items.length)] as T;
  const dataChance = (p: number): boolean => dataRng.next() < p;
  const data = (): Record<string, Json> => {
    const source: Record<string, Json> = dataChance(0.5)
      ? { path: dataPick(['penguins.csv', 'data/cars.json', 'my data/rows.tsv', 'flowers']) }
      : {
          dataset: `sha256-${Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(dataRng.next() * 16)]).join('')}`,
          name: dataPick(['penguins.csv', 'Cars (2024).json', 'flowers', "it's.csv"]),
        };
    if (dataChance(0.2)) {
      const images: Record<string, Json> = { ...source, kind: 'images' };
      if (dataChance(0.5))
        images['size'] = dataPick([
          [32, 32],
          [8, 64],
          [224, 224],
        ]);
      if (dataChance(0.5)) images['validation_fraction'] = dataPick([0.1, 0.5, 0.25]);
      if (dataChance(0.5)) images['seed'] = dataPick([0, 7, 4294967295]);
      return images;
    }
    const table: Record<string, Json> = {
      ...source,
      target: dataPick(['Species', 'Miles_per_Gallon', 'Body Mass (g)', ' padded ', '"quoted", col']),
      task: dataPick(['classification', 'regression']),
    };
    if (dataChance(0.5)) table['drop'] = dataPick([[], ['Island'], ['Name', 'Year, made', 'a\\b']]);
    if (dataChance(0.5)) table['missing'] = dataPick(['drop-rows', 'impute']);
    if (dataChance(0.5)) table['categorical'] = dataPick(['one-hot', 'index']);
    if (dataChance(0.5)) table['validation_fraction'] = dataPick([0.2, 0.5, 0.05, 1e-3]);
    if (dataChance(0.5)) table['seed'] = dataPick([0, 42, 123456]);
    return table;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng.next() * items.length)] as T;
  const chance = (p: number): boolean => rng.next() < p;
  const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));
  const round = (x: number): number => Number(x.toPrecision(3));

  const parameter = (depth: number, gridOnly: boolean): Json => {
    const kinds = gridOnly
      ? ['choice', 'choice', 'constant', ...(depth < 2 ? ['nested'] : [])]
      : [
          'choice',
          'randint',
          'uniform',
          'loguniform',
          'quniform',
          'qloguniform',
          'normal',
          'lognormal',
          'qnormal',
          'qlognormal',
          'constant',
          ...(depth < 2 ? ['nested'] : []),
        ];
    const kind = pick(kinds);
    const low = round(rng.next() * 4 - 2);
    const high = round(low + 0.5 + rng.next() * 3);
    const q = pick([1, 2, 0.5, 0.1, 5]);
    switch (kind) {
      case 'constant':
        return pick(PRIMITIVES);
      case 'choice': {
        const values = [...new Set(Array.from({ length: int(1, 4) }, () => pick(PRIMITIVES)))];
        return { type: 'choice', values };
      }
      case 'nested': {
        const options: Json[] = [];
        for (let i = 0, n = int(1, 3); i < n; i += 1) {
          if (chance(0.3)) options.push(`plain_${i}`);
          else options.push(subSpace(depth + 1, gridOnly, i));
        }
        return { type: 'choice', values: options };
      }
      case 'randint':
        return { type: 'randint', upper: int(1, 20) };
      case 'uniform':
      case 'loguniform':
        return { type: kind, min_value: low, max_value: high };
      case 'quniform':
      case 'qloguniform':
        return { type: kind, min_value: low, max_value: high, q };
      case 'normal':
      case 'lognormal':
        return { type: kind, mu: low, sigma: pick([0, 0.5, 1, 2]) };
      default:
        return { type: kind, mu: low, sigma: pick([0, 0.5, 1, 2]), q };
    }
  };

  const subSpace = (depth: number, gridOnly: boolean, option: number): Json => {
    const space: Record<string, Json> = {};
    // A constant named `type` (as Azure's own nested examples have) next to a real parameter.
    if (chance(0.4)) space['type'] = `model_${option}`;
    for (let i = 0, n = int(1, 3); i < n; i += 1)
      space[`${chance(0.2) ? '--' : ''}s${depth}_${i}`] = parameter(depth, gridOnly);
    return space;
  };

  const samplings: Json[] = [
    { type: 'random', seed: 42 },
    { type: 'random', seed: 'class-of-2024' },
    { type: 'random', rule: 'sobol', seed: 7 },
    'random',
    'grid',
    'bayesian',
    { type: 'random', rule: 'sobol' },
    { type: 'bayesian', seed: 3 },
    { type: 'random', seed: '42' },
    { type: 'bayesian', seed: 'bayes "b"' },
  ];
  const policies: (Json | undefined)[] = [
    undefined,
    { type: 'bandit', slack_factor: 0.15, evaluation_interval: 1, delay_evaluation: 3 },
    { type: 'bandit', slack_amount: 0.02, evaluation_interval: 2, delay_evaluation: 4 },
    { type: 'median_stopping', delay_evaluation: 5 },
    { type: 'truncation_selection', truncation_percentage: 25, exclude_finished_jobs: true },
    { type: 'truncation_selection', truncation_percentage: 10, evaluation_interval: 3, delay_evaluation: 6 },
    { type: 'asha' },
    { type: 'asha', reduction_factor: 2, min_interval: 2, max_interval: 40, early_stopping_rate: 1 },
    { type: 'hyperband', max_interval: 27 },
    { type: 'hyperband', max_interval: 81, reduction_factor: 3, min_interval: 1, brackets: 2 },
  ];

  const specs: Record<string, Json>[] = [];
  for (let k = 0; k < count; k += 1) {
    const sampling = samplings[k % samplings.length] as Json;
    const grid = sampling === 'grid';
    const space: Record<string, Json> = {};
    for (let i = 0, n = int(1, 5); i < n; i += 1) space[`${chance(0.25) ? '--' : ''}p${i}`] = parameter(0, grid);
    // Grid sampling needs at least one choice to enumerate something meaningful; any space works.
    const spec: Record<string, Json> = {
      search_space: space,
      sampling_algorithm: sampling,
      objective: {
        primary_metric: pick(['val_accuracy', 'loss', 'val/f1 score']),
        goal: pick(['maximize', 'minimize', 'MINIMIZE']),
      },
      trial: chance(0.7)
        ? pick(['digits-mlp', 'spiral', 'digits-cnn'])
        : { module: pick(['https://example.org/train.js', 'trials/my-trial.js']) },
    };
    const policy = policies[k % policies.length];
    if (policy !== undefined) spec['early_termination'] = policy;
    const limits: Record<string, Json> = {};
    if (chance(0.8)) limits['max_total_trials'] = int(1, 60);
    if (chance(0.5)) limits['max_concurrent_trials'] = int(1, 8);
    if (chance(0.6)) limits['timeout'] = pick([600, 900.5, 0.1, 3600, 90.5, 1234.5678]);
    if (chance(0.3)) limits['trial_timeout'] = pick([60, 7.5]);
    if (Object.keys(limits).length > 0) spec['limits'] = limits;
    if (chance(0.5)) spec['backend'] = pick(['auto', 'wasm', 'webgpu', 'cpu']);
    if (chance(0.5)) spec['$schema'] = 'https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json';
    if (chance(0.5)) spec['experiment_name'] = `exp-${k}`;
    if (chance(0.3)) spec['display_name'] = `Sweep #${k}: "quoted" & <odd>`;
    if (chance(0.3)) spec['description'] = `Line one of ${k}.\nLine two: ${'${{search_space.x}}'} stays text.`;
    if (chance(0.3)) spec['tags'] = { course: 'ml-101', week: 3, graded: true };
    if (chance(0.2)) spec['properties'] = { note: 'kept' };
    if (chance(0.3)) spec['compute'] = 'azureml:gpu-cluster';
    if (chance(0.2)) spec['name'] = `job-${k}`;
    if (dataChance(0.3)) spec['data'] = data();
    specs.push(spec);
  }
  return specs;
}
