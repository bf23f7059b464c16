import { fnv1a32 } from '../math/fnv1a.js';
import { policyRowOfFileType } from '../policy/registry.js';
import { GridParameterSampling } from '../sampling/grid.js';
import { samplingRow } from '../sampling/registry.js';
import type { ParamValue } from '../space/expression.js';
import { expressionRow } from '../space/registry.js';
import type { SweepFileWarning } from './azure-sweep-job.js';
import { toDefinition } from './parse-search-space.js';
import type {
  SweepFileChoiceValue,
  SweepFileParameter,
  SweepFilePrimitive,
  SweepFileSearchSpace,
  SweepFileSubSpace,
  SweepFile,
} from './sweep-file.js';

/*
 * The sweep as a runnable Optuna study: the same search space, suggested so that each
 * expression has Overdrive's exact distribution (semantics §2), the nearest Optuna sampler and
 * pruner, and a stub train(params, report) for the user to replace.
 *
 * Decisions:
 * - Exactness over convenience: q-variants are drawn continuous and rounded by Overdrive's own
 *   rule (round half up, decimals of q), not with suggest_float(step=q), whose grid weighs the
 *   end points differently; normal variants are a uniform suggestion mapped through
 *   statistics.NormalDist().inv_cdf with Overdrive's clamp, since Optuna has no normal
 *   distribution. Such a parameter's Optuna name ends in ":raw" (the draw); the sampled value
 *   is in trial.user_attrs["params"].
 * - A nested choice suggests the option's index, then the chosen sub-space's parameters under
 *   their paths (model[0].C), so Optuna sees every conditional parameter with one distribution.
 * - Where Optuna's built-in sampler or pruner differs from Overdrive's, the script says how in
 *   a comment, and the export lists it in its warnings. Bandit has no Optuna pruner: the
 *   script carries one implementing semantics §5 exactly.
 * - Python literals come from JSON (strings, numbers) with True/False/None, so every value
 *   reads back exactly; loguniform bounds stay exponents: math.exp(-6.9), not 0.001007...
 */

export interface OptunaScriptOptions {
  /** `optuna.create_study(study_name=...)`; default: the spec's experiment name. */
  readonly studyName?: string;
}

export interface OptunaScript {
  readonly text: string;
  /** Where Optuna's built-in samplers or pruners behave differently from Overdrive's. */
  readonly warnings: readonly SweepFileWarning[];
}

/** Grids up to this many configurations are written out when the grid cannot go to Optuna as is. */
const MAX_LISTED_GRID = 10_000;

export function toOptunaScript(spec: SweepFile, options: OptunaScriptOptions = {}): OptunaScript {
  const warnings: SweepFileWarning[] = [];
  const warn = (field: string, message: string): void => {
    warnings.push({ field, message });
  };
  const maximize = spec.objective.goal === 'maximize';
  const sampler = samplerCode(spec, warn);
  const pruner = prunerCode(spec, warn);
  if (spec.data !== undefined) {
    // The script has no dataset store and no preparation step: say what train() must load itself.
    const where =
      'path' in spec.data ? spec.data.path : `${spec.data.name} (stored in the browser as ${spec.data.dataset})`;
    warn(
      'data',
      `the script does not load the sweep's data: read ${where} in train() and prepare it as the sweep does (${
        'kind' in spec.data ? 'images' : `target ${JSON.stringify(spec.data.target)}, ${spec.data.task}`
      }, validation fraction ${spec.data.validation_fraction}, seed ${spec.data.seed})`,
    );
  }
  const lines: string[] = [];
  const emit = (...more: string[]): void => {
    lines.push(...more);
  };

  emit(
    '#!/usr/bin/env python3',
    `"""Optuna study equivalent to the Overdrive sweep ${py(spec.experiment_name)} (exported by Overdrive).`,
    '',
    'Replace train() below with your training loop: it receives the sampled parameters (a dict;',
    'a nested choice gives the chosen sub-dict) and report(value), to be called once per interval',
    `(e.g. per epoch) with the primary metric ${py(spec.objective.primary_metric)}.`,
    '',
    'Run:   python3 this_script.py [--n-trials N] [--timeout SECONDS]',
    needsScipy(spec)
      ? 'Needs: pip install optuna scipy   (Optuna 3.1 or later; scipy for the Sobol sampler)'
      : 'Needs: pip install optuna   (Optuna 3.1 or later)',
    '"""',
    'import argparse',
    'import math',
    'import random',
    'import statistics',
    '',
    'import optuna',
    '',
    `PRIMARY_METRIC = ${py(spec.objective.primary_metric)}`,
    `DIRECTION = ${py(spec.objective.goal)}`,
    `N_TRIALS = ${spec.limits.max_total_trials}  # limits.max_total_trials`,
    `TIMEOUT = ${py(spec.limits.timeout)}  # seconds, limits.timeout`,
    `# limits.max_concurrent_trials = ${spec.limits.max_concurrent_trials}: trials run one at a time here; pass n_jobs to`,
    '# study.optimize for threads if train() is thread-safe.',
  );
  if (spec.limits.trial_timeout !== undefined) {
    emit(
      `# limits.trial_timeout = ${spec.limits.trial_timeout} s: Overdrive cancels a trial that runs this long; Optuna has no`,
      '# per-trial time limit, so this script does not enforce it (stop slow trials inside train()).',
    );
  }
  emit(
    '',
    '',
    'def train(params, report):',
    '    """REPLACE ME with your training loop; call report(value) once per interval.',
    '',
    '    This stub reports a synthetic learning curve, so that the script runs as it is.',
    '    """',
    '    rng = random.Random(repr(params))',
    '    level = rng.random()',
    '    for step in range(1, 11):',
    maximize
      ? '        report(level * (1 - 0.5 ** step) + 0.01 * rng.random())'
      : '        report(level * 0.5 ** step + 0.01 * rng.random())',
    '',
    '',
    "# Overdrive's own rules for the q- and normal expressions (semantics §2), so values match exactly.",
    '_STANDARD_NORMAL = statistics.NormalDist()',
    '_OPEN = 2.0 ** -53  # the clamp Overdrive applies before the inverse normal CDF',
    '',
    '',
    'def _quantize(x, q, decimals):',
    '    """round(x / q) * q with halves rounded up, to as many decimals as q has."""',
    '    if not math.isfinite(x):',
    '        return x',
    '    raw = math.floor(x / q + 0.5) * q',
    '    cleaned = raw if decimals == 0 else float(f"{raw:.{decimals}f}")',
    '    return 0 if cleaned == 0 else cleaned',
    '',
    '',
    'def _normal(u, mu, sigma):',
    '    """mu + sigma * inverse-normal-CDF(u), u clamped into the open interval (0, 1)."""',
    '    u = min(max(u, _OPEN), 1 - _OPEN)',
    '    return mu + sigma * _STANDARD_NORMAL.inv_cdf(u)',
    '',
    '',
    'def _exp(x):',
    '    """exp(x), Infinity on overflow, as in JavaScript."""',
    '    try:',
    '        return math.exp(x)',
    '    except OverflowError:',
    '        return math.inf',
    '',
    '',
  );
  const policy = spec.early_termination;
  const preamble = policy === undefined ? undefined : policyRowOfFileType(policy.type)?.optuna?.preamble;
  if (preamble !== undefined) emit(...preamble, '', '');
  emit(...sampler.preamble);
  emit(
    'def sample(trial):',
    `    """One configuration, suggested through \`trial\`."""`,
    ...sampler.body.map((l) => `    ${l}`),
    '',
    '',
  );
  emit(
    'def objective(trial):',
    '    params = sample(trial)',
    '    trial.set_user_attr("params", params)',
    '    state = {"step": 0, "best": None}',
    '',
    '    def report(value):',
    '        value = float(value)',
    '        state["step"] += 1  # interval N is step N, as in Overdrive',
    '        trial.report(value, state["step"])',
    '        # A non-finite value is recorded but never becomes the best (semantics §11).',
    `        if math.isfinite(value) and (state["best"] is None or value ${maximize ? '>' : '<'} state["best"]):`,
    '            state["best"] = value',
    '        if trial.should_prune():',
    '            raise optuna.TrialPruned()',
    '',
    '    train(params, report)',
    '    if state["best"] is None:',
    '        raise ValueError(f"train() reported no finite {PRIMARY_METRIC}")',
    '    return state["best"]',
    '',
    '',
    'def create_study():',
    '    return optuna.create_study(',
    `        study_name=${py(options.studyName ?? spec.experiment_name)},`,
    '        direction=DIRECTION,',
    ...sampler.create.map((l) => `        ${l}`),
    ...pruner.map((l) => `        ${l}`),
    '    )',
    '',
    '',
    'def main(argv=None):',
    '    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    '    parser.add_argument("--n-trials", type=int, default=N_TRIALS)',
    '    parser.add_argument("--timeout", type=float, default=TIMEOUT)',
    '    args = parser.parse_args(argv)',
    '    study = create_study()',
    '    # A trial that raises fails alone and the study goes on, as a failed run does in Overdrive.',
    '    study.optimize(objective, n_trials=args.n_trials, timeout=args.timeout, catch=(Exception,))',
    '    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]',
    '    if done:',
    '        print(f"best {PRIMARY_METRIC}: {study.best_value} with {study.best_trial.user_attrs[\'params\']}")',
    '    else:',
    '        print("no trial completed")',
    '    return study',
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  );
  return { text: lines.join('\n'), warnings };
}

// ---------------------------------------------------------------------------------------------
// Python literals

/** A Python literal for JSON-like data (str, int/float, bool, None, list, dict). */
export function py(
  value: ParamValue | SweepFilePrimitive | null | readonly unknown[] | Readonly<Record<string, unknown>>,
): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'math.nan';
    if (!Number.isFinite(value)) return value > 0 ? 'math.inf' : '-math.inf';
    return Object.is(value, -0) ? '-0.0' : String(value);
  }
  // JSON string escapes (\" \\ \n \t \uXXXX ...) are all valid in a Python string literal.
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => py(item as ParamValue)).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${py(v as ParamValue)}`)
    .join(', ')}}`;
}

// ---------------------------------------------------------------------------------------------
// Sampling

interface SamplerCode {
  /** Module-level code before sample() (a listed grid). */
  readonly preamble: string[];
  /** The body of sample(trial). */
  readonly body: string[];
  /** `sampler=...,` lines inside create_study(). */
  readonly create: string[];
}

type Warn = (field: string, message: string) => void;

function samplerCode(spec: SweepFile, warn: Warn): SamplerCode {
  const sampling = spec.sampling_algorithm as unknown as Readonly<Record<string, unknown>>;
  const rawSeed = sampling['seed'];
  let seed: number | undefined;
  const create: string[] = [];
  if (typeof rawSeed === 'number') seed = rawSeed;
  else if (typeof rawSeed === 'string') {
    seed = fnv1a32(rawSeed);
    create.push(`# The string seed ${py(rawSeed)} as an integer (32-bit FNV-1a): Optuna seeds are integers.`);
    warn(
      'sampling_algorithm.seed',
      `Optuna takes an integer seed; the string ${JSON.stringify(rawSeed)} becomes ${seed} (FNV-1a)`,
    );
  }
  // Each sampling's row writes its Optuna sampler; the grid is listed from the space here.
  const optuna = samplingRow(spec.sampling_algorithm.type).optuna;
  if (optuna === 'every-configuration') return gridCode(spec, warn);
  create.push(...optuna.lines(sampling, { seed, hasChoice: hasChoice(spec.search_space), warn }));
  const body: string[] = ['params = {}'];
  spaceCode(spec.search_space, 'params', '', body, { next: 0 });
  body.push('return params');
  return { preamble: [], body, create };
}

function gridCode(spec: SweepFile, warn: Warn): SamplerCode {
  const sampling = new GridParameterSampling(toDefinition(spec.search_space));
  const total = sampling.exactSize;
  const budget = BigInt(spec.limits.max_total_trials);
  const flat = !hasNestedChoice(spec.search_space);
  if (flat && total <= budget) {
    // The whole grid: Optuna's GridSampler visits the same configurations (in another order).
    const choices = Object.entries(spec.search_space).filter(
      (entry): entry is [string, Extract<SweepFileParameter, { type: 'choice' }>] =>
        typeof entry[1] === 'object' && entry[1].type === 'choice',
    );
    const body = ['params = {}'];
    for (const [name, parameter] of Object.entries(spec.search_space)) {
      const key = stripDashes(name);
      if (typeof parameter !== 'object') {
        body.push(`params[${py(key)}] = ${py(parameter)}`);
      } else if (parameter.type === 'choice') {
        body.push(
          `params[${py(key)}] = trial.suggest_categorical(${py(key)}, ${py(parameter.values as readonly SweepFilePrimitive[])})`,
        );
      } else {
        // GridParameterSampling above has already refused it; this keeps the compiler honest.
        throw new Error(`grid sampling over a ${parameter.type} parameter (${name})`);
      }
    }
    body.push('return params');
    const grid = `{${choices.map(([name, p]) => `${py(stripDashes(name))}: ${py(p.values as readonly SweepFilePrimitive[])}`).join(', ')}}`;
    return {
      preamble: [],
      body,
      create: [
        '# Every configuration of the grid, each once; Optuna visits them in a random order, Overdrive',
        '# with the first parameter varying slowest.',
        `sampler=optuna.samplers.GridSampler(${grid}),`,
      ],
    };
  }
  // The first max_total_trials configurations in Overdrive's order, listed: Optuna's GridSampler
  // cannot express a nested choice, and given the whole grid it would pick any of it.
  const count = Number(total < budget ? total : budget);
  if (count > MAX_LISTED_GRID) {
    warn(
      'sampling_algorithm',
      `only the first ${MAX_LISTED_GRID} of ${count} grid configurations are listed in the script`,
    );
  }
  const listed = Math.min(count, MAX_LISTED_GRID);
  const configurations: string[] = [];
  for (let i = 0; i < listed; i += 1) configurations.push(`    ${py(sampling.configurationAt(i) as ParamValue)},`);
  return {
    preamble: [
      `# The grid's first ${listed} configuration${listed === 1 ? '' : 's'} in Overdrive's order (first parameter slowest).`,
      'GRID = [',
      ...configurations,
      ']',
      '',
      '',
    ],
    body: ['index = trial.suggest_categorical("grid_index", list(range(len(GRID))))', 'return dict(GRID[index])'],
    create: [
      '# Each listed configuration once (GridSampler stops the study when all are done).',
      'sampler=optuna.samplers.GridSampler({"grid_index": list(range(len(GRID)))}),',
    ],
  };
}

/** Emits the suggestions of one (sub-)space into the dict named `target`. */
function spaceCode(
  space: SweepFileSearchSpace | SweepFileSubSpace,
  target: string,
  prefix: string,
  out: string[],
  counter: { next: number },
): void {
  for (const [given, parameter] of Object.entries(space)) {
    const name = stripDashes(given);
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const key = py(name);
    if (typeof parameter !== 'object') {
      out.push(`${target}[${key}] = ${py(parameter)}`);
      continue;
    }
    if (parameter.type === 'choice' && parameter.values.some((v) => typeof v === 'object')) {
      nestedChoiceCode(parameter.values, `${target}[${key}]`, path, out, counter);
      continue;
    }
    out.push(`${target}[${key}] = ${suggestion(parameter, path)}`);
  }
}

function nestedChoiceCode(
  values: readonly SweepFileChoiceValue[],
  assign: string,
  path: string,
  out: string[],
  counter: { next: number },
): void {
  const id = counter.next;
  counter.next += 1;
  const option = `option_${id}`;
  out.push(`# ${path}: a nested choice; suggest which option, then that option's own parameters.`);
  out.push(`${option} = trial.suggest_categorical(${py(path)}, ${py(values.map((_, i) => i))})`);
  values.forEach((value, i) => {
    out.push(`${i === 0 ? 'if' : 'elif'} ${option} == ${i}:`);
    const inner: string[] = [];
    if (typeof value === 'object') {
      const sub = `sub_${id}_${i}`;
      inner.push(`${sub} = {}`);
      spaceCode(value, sub, `${path}[${i}]`, inner, counter);
      inner.push(`${assign} = ${sub}`);
    } else {
      inner.push(`${assign} = ${py(value)}`);
    }
    out.push(...inner.map((l) => `    ${l}`));
  });
}

/** The parameter's suggestion, written by its expression's row. */
function suggestion(parameter: SweepFileParameter, path: string): string {
  const row = expressionRow(parameter.type);
  // A parsed parameter holds every argument its row names (a number; choice: its values list).
  const given = parameter as unknown as Readonly<Record<string, unknown>>;
  const fields = row.args.map((a) => given[a.fileKey]);
  const values = fields.find((f) => Array.isArray(f));
  return row.optuna({
    name: py(path),
    raw: py(`${path}:raw`),
    args: values === undefined ? (fields as number[]) : [],
    values: values === undefined ? '' : py(values as readonly SweepFilePrimitive[]),
    py: (x) => py(x),
  });
}

// ---------------------------------------------------------------------------------------------
// Pruning

function prunerCode(spec: SweepFile, warn: Warn): string[] {
  const policy = spec.early_termination;
  if (policy === undefined)
    return ['pruner=optuna.pruners.NopPruner(),  # no early termination: every trial trains to the end'];
  const schedule = (p: { evaluation_interval: number; delay_evaluation: number }): string => {
    if (p.delay_evaluation % p.evaluation_interval !== 0) {
      warn(
        'early_termination',
        `Optuna evaluates every ${p.evaluation_interval} steps counted from step ${p.delay_evaluation}; Overdrive at multiples of ${p.evaluation_interval} from ${p.delay_evaluation} on`,
      );
    }
    return `n_startup_trials=0, n_warmup_steps=${p.delay_evaluation}, interval_steps=${p.evaluation_interval}`;
  };
  // Each policy's row says what its pruner is called with, and how it differs from Overdrive's.
  const optuna = policyRowOfFileType(policy.type)?.optuna;
  // Unreachable: a parsed sweep file's policy type has a row with a pruner (the registry test checks it).
  if (optuna === undefined || optuna === null) throw new Error(`no Optuna pruner for ${policy.type}`);
  return [...optuna.lines(policy, { warn, py, schedule })];
}

function needsScipy(spec: SweepFile): boolean {
  const optuna = samplingRow(spec.sampling_algorithm.type).optuna;
  const options = spec.sampling_algorithm as unknown as Readonly<Record<string, unknown>>;
  return optuna !== 'every-configuration' && optuna.scipy(options);
}

function hasChoice(space: SweepFileSearchSpace | SweepFileSubSpace): boolean {
  return Object.values(space).some((p) => typeof p === 'object' && p.type === 'choice');
}

function hasNestedChoice(space: SweepFileSearchSpace | SweepFileSubSpace): boolean {
  return Object.values(space).some(
    (p) => typeof p === 'object' && p.type === 'choice' && p.values.some((v) => typeof v === 'object'),
  );
}

function stripDashes(name: string): string {
  return name.replace(/^-+/, '');
}
