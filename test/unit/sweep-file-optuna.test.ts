import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BanditPolicy } from '../../src/policy/index.js';
import type { RunHistory } from '../../src/policy/index.js';
import { SeededRandom } from '../../src/random/index.js';
import { createSearchSpace } from '../../src/space/index.js';
import { decodePoint } from '../../src/space/decode.js';
import {
  normalizeSweepFile,
  parseSweepFile,
  parseSweepFileText,
  toOptunaScript,
  type SweepFile,
} from '../../src/sweep-file/index.js';
import { toDefinition } from '../../src/sweep-file/parse-search-space.js';
import { generateSpecs } from './sweep-file-generator.js';

const PYTHON = '/usr/bin/python3';
const python = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(PYTHON, args, { input, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};
const hasPython = existsSync(PYTHON) && python(['-c', 'pass']).status === 0;
const hasOptuna = hasPython && python(['-c', 'import optuna']).status === 0;
const hasScipy = hasPython && python(['-c', 'import scipy']).status === 0;
const NO_PYTHON = `${PYTHON} is not installed, so the generated Python cannot be checked here`;
const NO_OPTUNA = `optuna is not importable by ${PYTHON} (apt-get install python3-optuna, or pip install optuna)`;

const examplesDir = join(import.meta.dirname, '../../examples');
const examples = ['digits-mlp.json', 'digits-cnn.json', 'spiral.json', 'custom-module.json'].map(
  (f): [string, SweepFile] => [f, parseSweepFileText(readFileSync(join(examplesDir, f), 'utf8')).spec],
);
const generated = generateSpecs(40, 77).map((input, i): [string, SweepFile] => [
  `generated #${i}`,
  normalizeSweepFile(input),
]);
const workDir = mkdtempSync(join(tmpdir(), 'overdrive-optuna-'));

const base = {
  search_space: { lr: { type: 'uniform', min_value: 0.01, max_value: 0.1 } },
  sampling_algorithm: 'random',
  objective: { primary_metric: 'val_accuracy', goal: 'maximize' },
  trial: 'digits-mlp',
};

/** Loads an exported script with a stand-in `optuna` module, so its helpers run without Optuna. */
const STUB_LOADER = `
import json, math, sys, types
optuna = types.ModuleType("optuna")
optuna.pruners = types.SimpleNamespace(BasePruner=object)
optuna.study = types.SimpleNamespace(StudyDirection=types.SimpleNamespace(MAXIMIZE="MAXIMIZE", MINIMIZE="MINIMIZE"))
class TrialPruned(Exception):
    pass
optuna.TrialPruned = TrialPruned
sys.modules["optuna"] = optuna
def load(path):
    namespace = {"__name__": "exported"}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), namespace)
    return namespace
`;

describe('toOptunaScript: what the script says', () => {
  it('maps the sampling, the goal, the limits and every policy onto Optuna', () => {
    const script = (extra: Record<string, unknown>) => toOptunaScript(parseSweepFile({ ...base, ...extra }).spec);
    const mlp = toOptunaScript(examples[0]?.[1] as SweepFile).text;
    expect(mlp).toContain('DIRECTION = "maximize"');
    expect(mlp).toContain('N_TRIALS = 12  # limits.max_total_trials');
    expect(mlp).toContain('TIMEOUT = 900  # seconds, limits.timeout');
    expect(mlp).toContain('sampler=optuna.samplers.RandomSampler(seed=42),');
    expect(mlp).toContain('pruner=BanditPruner(slack_factor=0.15, evaluation_interval=1, delay_evaluation=3),');
    expect(mlp).toContain('class BanditPruner(optuna.pruners.BasePruner):');
    expect(script({ sampling_algorithm: { type: 'random', rule: 'sobol', seed: 5 } }).text).toContain(
      'sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=5),',
    );
    expect(script({ sampling_algorithm: 'bayesian' }).text).toContain('sampler=optuna.samplers.TPESampler(),');
    const minimize = script({
      objective: { primary_metric: 'loss', goal: 'minimize' },
      early_termination: { type: 'median_stopping', evaluation_interval: 2, delay_evaluation: 4 },
    });
    expect(minimize.text).toContain('DIRECTION = "minimize"');
    expect(minimize.text).toContain(
      'pruner=optuna.pruners.MedianPruner(n_startup_trials=0, n_warmup_steps=4, interval_steps=2),',
    );
    expect(script({ early_termination: { type: 'truncation_selection', truncation_percentage: 25 } }).text).toContain(
      'pruner=optuna.pruners.PercentilePruner(75.0, n_startup_trials=0, n_warmup_steps=0, interval_steps=1),',
    );
    expect(
      script({ early_termination: { type: 'asha', reduction_factor: 2, min_interval: 3, early_stopping_rate: 1 } })
        .text,
    ).toContain(
      'pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=3, reduction_factor=2, min_early_stopping_rate=1),',
    );
    const hb = script({ early_termination: { type: 'hyperband', max_interval: 27, brackets: 2 } });
    expect(hb.text).toContain(
      'pruner=optuna.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3),',
    );
    expect(hb.warnings.map((w) => w.field)).toContain('early_termination.brackets');
    expect(script({}).text).toContain('pruner=optuna.pruners.NopPruner(),');
    const seeded = script({ sampling_algorithm: { type: 'random', seed: 'abc' } });
    expect(seeded.text).toContain('sampler=optuna.samplers.RandomSampler(seed=440920331),');
    expect(seeded.warnings[0]?.message).toBe(
      'Optuna takes an integer seed; the string "abc" becomes 440920331 (FNV-1a)',
    );
  });

  it('suggests every expression type with its exact semantics', () => {
    const spec = parseSweepFile({
      ...base,
      search_space: {
        '--a': { type: 'choice', values: [1, 'two', false] },
        b: { type: 'randint', upper: 9 },
        c: { type: 'uniform', min_value: -1, max_value: 1 },
        d: { type: 'loguniform', min_value: -9, max_value: 0 },
        e: { type: 'quniform', min_value: 0, max_value: 100, q: 5 },
        f: { type: 'qloguniform', min_value: 0, max_value: 4, q: 1 },
        g: { type: 'normal', mu: 0, sigma: 2 },
        h: { type: 'lognormal', mu: 1, sigma: 0.5 },
        i: { type: 'qnormal', mu: 5, sigma: 1, q: 0.1 },
        j: { type: 'qlognormal', mu: 0, sigma: 1, q: 2 },
        k: 7,
        m: {
          type: 'choice',
          values: [{ type: 'svm', C: { type: 'loguniform', min_value: -3, max_value: 3 } }, 'none'],
        },
      },
    }).spec;
    const text = toOptunaScript(spec).text;
    for (const line of [
      'params["a"] = trial.suggest_categorical("a", [1, "two", False])',
      'params["b"] = trial.suggest_int("b", 0, 8)',
      'params["c"] = trial.suggest_float("c", -1, 1)',
      'params["d"] = trial.suggest_float("d", math.exp(-9), math.exp(0), log=True)',
      'params["e"] = _quantize(trial.suggest_float("e:raw", 0, 100), 5, 0)',
      'params["f"] = _quantize(trial.suggest_float("f:raw", math.exp(0), math.exp(4), log=True), 1, 0)',
      'params["g"] = _normal(trial.suggest_float("g:raw", 0.0, 1.0), 0, 2)',
      'params["h"] = _exp(_normal(trial.suggest_float("h:raw", 0.0, 1.0), 1, 0.5))',
      'params["i"] = _quantize(_normal(trial.suggest_float("i:raw", 0.0, 1.0), 5, 1), 0.1, 1)',
      'params["j"] = _quantize(_exp(_normal(trial.suggest_float("j:raw", 0.0, 1.0), 0, 1)), 2, 0)',
      'params["k"] = 7',
      'option_0 = trial.suggest_categorical("m", [0, 1])',
      '        sub_0_0["C"] = trial.suggest_float("m[0].C", math.exp(-3), math.exp(3), log=True)',
      '        params["m"] = "none"',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('writes a grid as GridSampler(search_space), or lists it when Optuna cannot express it', () => {
    const flat = toOptunaScript(
      parseSweepFile({
        ...base,
        sampling_algorithm: 'grid',
        search_space: { a: { type: 'choice', values: [1, 2] }, b: { type: 'choice', values: ['x', 'y'] }, c: 3 },
      }).spec,
    ).text;
    expect(flat).toContain('sampler=optuna.samplers.GridSampler({"a": [1, 2], "b": ["x", "y"]}),');
    const nested = toOptunaScript(
      parseSweepFile({
        ...base,
        sampling_algorithm: 'grid',
        search_space: {
          a: { type: 'choice', values: [1, 2] },
          m: { type: 'choice', values: [{ x: { type: 'choice', values: [1, 2] } }, 'z'] },
        },
      }).spec,
    ).text;
    expect(nested).toContain(
      'GRID = [\n    {"a": 1, "m": {"x": 1}},\n    {"a": 1, "m": {"x": 2}},\n    {"a": 1, "m": "z"},\n    {"a": 2, "m": {"x": 1}},',
    );
    // A grid larger than the budget is cut to the first max_total_trials configurations, as Overdrive runs them.
    const cut = toOptunaScript(
      parseSweepFile({
        ...base,
        sampling_algorithm: 'grid',
        search_space: { a: { type: 'choice', values: [1, 2, 3] }, b: { type: 'choice', values: [4, 5] } },
        limits: { max_total_trials: 4 },
      }).spec,
    ).text;
    expect(cut).toContain(
      'GRID = [\n    {"a": 1, "b": 4},\n    {"a": 1, "b": 5},\n    {"a": 2, "b": 4},\n    {"a": 2, "b": 5},\n]',
    );
  });
});

describe('toOptunaScript: the script is valid Python', () => {
  it.for([...examples, ...generated])('%s parses with ast.parse', ([name, spec], context) => {
    if (!hasPython) context.skip(NO_PYTHON);
    const result = python(['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], toOptunaScript(spec).text);
    expect(result.stderr, name).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('toOptunaScript: the script samples exactly as Overdrive does', () => {
  it('every expression, nested choices included, gives the values decodePoint gives for the same draws', (context) => {
    if (!hasPython) context.skip(NO_PYTHON);
    const spec = normalizeSweepFile({
      ...base,
      search_space: {
        '--a': { type: 'choice', values: [1, 'two', false, 0.5] },
        b: { type: 'randint', upper: 9 },
        c: { type: 'uniform', min_value: -1, max_value: 1 },
        d: { type: 'loguniform', min_value: -9, max_value: 0 },
        e: { type: 'quniform', min_value: 0, max_value: 100, q: 5 },
        f: { type: 'qloguniform', min_value: 0, max_value: 4, q: 0.5 },
        g: { type: 'normal', mu: 0, sigma: 2 },
        h: { type: 'lognormal', mu: 1, sigma: 0.5 },
        i: { type: 'qnormal', mu: 5, sigma: 1, q: 0.1 },
        j: { type: 'qlognormal', mu: 0, sigma: 1, q: 2 },
        k: 7,
        m: {
          type: 'choice',
          values: [
            {
              type: 'svm',
              C: { type: 'loguniform', min_value: -3, max_value: 3 },
              deg: { type: 'choice', values: [{ p: { type: 'randint', upper: 4 } }, 'auto'] },
            },
            'none',
            { depth: { type: 'qnormal', mu: 10, sigma: 3, q: 1 } },
          ],
        },
      },
    });
    const space = createSearchSpace(toDefinition(spec.search_space));
    const rng = new SeededRandom(11);
    const draws: Record<string, number>[] = [];
    const expected: unknown[] = [];
    for (let n = 0; n < 200; n += 1) {
      // Include the ends of the cube: the normal quantile's clamp and the choice index at u = 1.
      const u = space.dimensions.map(() => (n === 0 ? 0 : n === 1 ? 1 : rng.next()));
      draws.push(Object.fromEntries(space.dimensions.map((d) => [d.path, u[d.index] as number])));
      expected.push(decodePoint(space, u));
    }
    const path = join(workDir, 'sample-check.py');
    writeFileSync(path, toOptunaScript(spec).text);
    const result = python(
      [
        '-c',
        `${STUB_LOADER}
class FakeTrial:
    def __init__(self, u):
        self.u = u
    def _u(self, name):
        return self.u[name[:-4] if name.endswith(":raw") else name]
    def suggest_float(self, name, low, high, log=False):
        u = self._u(name)
        if log:
            return math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
        return low + u * (high - low)
    def suggest_int(self, name, low, high):
        return low + min(math.floor(self._u(name) * (high - low + 1)), high - low)
    def suggest_categorical(self, name, choices):
        return choices[min(math.floor(self._u(name) * len(choices)), len(choices) - 1)]
ns = load(${JSON.stringify(path)})
print(json.dumps([ns["sample"](FakeTrial(u)) for u in json.load(sys.stdin)]))
`,
      ],
      JSON.stringify(draws),
    );
    expect(result.stderr).toBe('');
    const actual = JSON.parse(result.stdout) as unknown[];
    expect(actual).toHaveLength(expected.length);
    const close = (a: unknown, b: unknown, where: string): void => {
      if (typeof b === 'number' && typeof a === 'number') {
        // loguniform bounds go through exp and log in Python: equal to ~1e-15, not bit for bit.
        expect(Math.abs(a - b), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
      } else if (typeof b === 'object' && b !== null) {
        expect(Object.keys(a as object), where).toEqual(Object.keys(b));
        for (const key of Object.keys(b))
          close((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
      } else {
        expect(a, where).toEqual(b);
      }
    };
    for (const [n, b] of expected.entries()) close(actual[n], b, `draw ${n}`);
  });
});

describe('toOptunaScript: the BanditPruner is semantics §5 Bandit', () => {
  it('prunes exactly when BanditPolicy cancels, over scripted curves, both goals and both slacks', (context) => {
    if (!hasPython) context.skip(NO_PYTHON);
    const rng = new SeededRandom(5);
    const value = (): number => {
      const r = rng.next();
      if (r < 0.05) return Number.NaN;
      if (r < 0.08) return Number.POSITIVE_INFINITY;
      return Number(((rng.next() - 0.3) * 2).toFixed(3));
    };
    type Case = {
      goal: 'MAXIMIZE' | 'MINIMIZE';
      options: { slackFactor?: number; slackAmount?: number; evaluationInterval: number; delayEvaluation: number };
      me: number[];
      others: number[][];
    };
    const cases: Case[] = [];
    for (let n = 0; n < 300; n += 1) {
      const length = 1 + Math.floor(rng.next() * 8);
      cases.push({
        goal: rng.next() < 0.5 ? 'MAXIMIZE' : 'MINIMIZE',
        options: {
          ...(rng.next() < 0.5
            ? { slackFactor: [0.1, 0.2, 0.5][n % 3] as number }
            : { slackAmount: [0.05, 0.3][n % 2] as number }),
          evaluationInterval: 1 + (n % 2),
          delayEvaluation: n % 4,
        },
        me: Array.from({ length }, value),
        others: Array.from({ length: Math.floor(rng.next() * 4) }, () =>
          Array.from({ length: 1 + Math.floor(rng.next() * 9) }, value),
        ),
      });
    }
    const expected = cases.map((c) => {
      const policy = new BanditPolicy(c.options as ConstructorParameters<typeof BanditPolicy>[0]);
      const others: RunHistory[] = c.others.map((values, i) => ({ runId: `o${i}`, values, finished: false }));
      return (
        policy.decide({
          goal: c.goal,
          run: { runId: 'me', values: c.me, finished: false },
          interval: c.me.length,
          others,
        }).kind === 'cancel'
      );
    });
    const path = join(workDir, 'bandit-check.py');
    writeFileSync(
      path,
      toOptunaScript(parseSweepFile({ ...base, early_termination: { type: 'bandit', slack_factor: 0.1 } }).spec).text,
    );
    // JSON has no NaN or Infinity: they travel as strings.
    const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
    const payload = cases.map((c) => ({ ...c, me: c.me.map(encode), others: c.others.map((o) => o.map(encode)) }));
    const result = python(
      [
        '-c',
        `${STUB_LOADER}
ns = load(${JSON.stringify(path)})
def number(v):
    return float(v) if isinstance(v, str) else v
class T:
    def __init__(self, number_, values):
        self.number = number_
        self.intermediate_values = {i + 1: number(v) for i, v in enumerate(values)}
        self.last_step = len(values) if values else None
class S:
    def __init__(self, goal, trials):
        self.direction = goal
        self.trials = trials
    def get_trials(self, deepcopy=False):
        return self.trials
out = []
for c in json.load(sys.stdin):
    o = c["options"]
    pruner = ns["BanditPruner"](slack_factor=o.get("slackFactor"), slack_amount=o.get("slackAmount"), evaluation_interval=o["evaluationInterval"], delay_evaluation=o["delayEvaluation"])
    me = T(0, c["me"])
    trials = [me] + [T(i + 1, values) for i, values in enumerate(c["others"])]
    out.append(pruner.prune(S(c["goal"], trials), me))
print(json.dumps(out))
`,
      ],
      JSON.stringify(payload),
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
    // The scenarios exercise both outcomes.
    expect(expected.filter(Boolean).length).toBeGreaterThan(30);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(30);
  });
});

describe('toOptunaScript: the script runs under Optuna', () => {
  const runnable = [...examples, ...generated.slice(0, 14)];

  it('each script completes a few trials with a toy train() and records every parameter', (context) => {
    if (!hasOptuna) context.skip(NO_OPTUNA);
    const jobs = runnable.flatMap(([name, spec], i) => {
      // QMCSampler needs scipy, which Debian's python3-optuna does not pull in.
      if (spec.sampling_algorithm.type === 'random' && spec.sampling_algorithm.rule === 'sobol' && !hasScipy) return [];
      const path = join(workDir, `run-${i}.py`);
      writeFileSync(path, toOptunaScript(spec).text);
      return [{ name, path, keys: Object.keys(spec.search_space).map((k) => k.replace(/^-+/, '')) }];
    });
    expect(jobs.length).toBeGreaterThanOrEqual(12);
    const result = python(
      [
        '-c',
        `
import importlib.util, json, sys, warnings
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")
out = []
for job in json.load(sys.stdin):
    spec = importlib.util.spec_from_file_location("exported", job["path"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    def toy(params, report):
        level = (len(json.dumps(params, sort_keys=True)) % 17) / 17
        for step in range(1, 13):
            report(level + 0.01 * step)
    module.train = toy
    study = module.main(["--n-trials", "4", "--timeout", "60"])
    out.append({
        "name": job["name"],
        "states": [t.state.name for t in study.trials],
        "keys": [sorted(t.user_attrs.get("params", {}).keys()) for t in study.trials],
        "expected": sorted(job["keys"]),
    })
print(json.dumps(out))
`,
      ],
      JSON.stringify(jobs),
    );
    expect(result.status, result.stderr).toBe(0);
    const runs = JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]') as {
      name: string;
      states: string[];
      keys: string[][];
      expected: string[];
    }[];
    expect(runs).toHaveLength(jobs.length);
    for (const run of runs) {
      expect(run.states.length, run.name).toBeGreaterThanOrEqual(1);
      expect(run.states.length, run.name).toBeLessThanOrEqual(4);
      expect(
        run.states.every((s) => s === 'COMPLETE' || s === 'PRUNED'),
        `${run.name}: ${run.states.join(', ')}`,
      ).toBe(true);
      expect(run.states[0], run.name).toBe('COMPLETE');
      for (const keys of run.keys) expect(keys, run.name).toEqual(run.expected);
    }
  });

  it('the script runs as it is, with its stub train(), from the command line', (context) => {
    if (!hasOptuna) context.skip(NO_OPTUNA);
    const path = join(workDir, 'as-is.py');
    writeFileSync(path, toOptunaScript(examples[0]?.[1] as SweepFile).text);
    const result = python([path, '--n-trials', '3']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^best val_accuracy: [0-9.]+ with \{'learning_rate': /m);
  });

  it('the Sobol script runs where scipy is installed', (context) => {
    if (!hasOptuna) context.skip(NO_OPTUNA);
    if (!hasScipy) context.skip(`scipy is not importable by ${PYTHON}: Optuna's QMCSampler needs it`);
    const path = join(workDir, 'sobol.py');
    writeFileSync(path, toOptunaScript(examples[1]?.[1] as SweepFile).text);
    const result = python([path, '--n-trials', '3']);
    expect(result.status, result.stderr).toBe(0);
  });
});
