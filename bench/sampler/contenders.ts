import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as hpjs from 'hyperparameters';
import {
  BayesianParameterSampling,
  RandomParameterSampling,
  SeededRandom,
  type ParamSet,
  type ParameterSampling,
  type SearchSpaceDefinition,
} from '../../src/index.js';
import { BayesianSampler } from '../../src/sampling/bayesian/index.js';
import type { TrialObservation } from '../../src/sampling/sampler.js';

export type Goal = 'MINIMIZE' | 'MAXIMIZE';

/** One optimisation problem as every contender sees it. */
export interface Task {
  readonly id: string;
  readonly definition: SearchSpaceDefinition;
  readonly hpjsSpace: () => hpjs.HpjsSpace;
  readonly goal: Goal;
  readonly evaluate: (params: ParamSet, seed: number) => number | Promise<number>;
  /** Synthetic problems are evaluated by optuna_driver.py itself, under the same id. */
  readonly evaluatedInPython: boolean;
}

/** What one contender did on one task with one seed: the values in evaluation order. */
export interface Trace {
  readonly seed: number;
  readonly values: readonly number[];
  /** Time each suggestion took, in milliseconds (empty where it was not measured: hpjs). */
  readonly suggestMs: readonly number[];
}

export interface Contender {
  readonly name: string;
  run(task: Task, seeds: readonly number[], budget: number): Promise<Trace[]>;
}

/** Our samplings, driven exactly as the orchestrator drives them (one run at a time). */
export function ours(
  name: string,
  build: (definition: SearchSpaceDefinition, seed: number) => ParameterSampling,
): Contender {
  return {
    name,
    async run(task, seeds, budget) {
      const traces: Trace[] = [];
      for (const seed of seeds) {
        const sampler = build(task.definition, seed).createSampler(new SeededRandom(seed));
        const observations: TrialObservation[] = [];
        const values: number[] = [];
        const suggestMs: number[] = [];
        for (let i = 0; i < budget; i += 1) {
          const started = performance.now();
          const params = await sampler.next({ observations, goal: task.goal });
          suggestMs.push(performance.now() - started);
          if (params === null) break;
          const value = await task.evaluate(params, seed);
          values.push(value);
          observations.push({ params, best: Number.isFinite(value) ? value : undefined, state: 'completed' });
        }
        traces.push({ seed, values, suggestMs });
      }
      return traces;
    },
  };
}

export const BAYESIAN = ours(
  'Overdrive Bayesian (GP, log EI)',
  (definition, seed) => new BayesianParameterSampling(definition, { seed }),
);

/**
 * The sampler as it was before the scaling work: the exact GP over every observation, its
 * hyperparameters refitted on every call. Only the benchmark builds it.
 */
export const BAYESIAN_EXACT = ours('Overdrive Bayesian, exact GP (before)', (definition, seed) => {
  const sampling = new BayesianParameterSampling(definition, { seed });
  return {
    kind: sampling.kind,
    space: sampling.space,
    size: sampling.size,
    toRecord: () => sampling.toRecord(),
    createSampler: () =>
      new BayesianSampler({
        space: sampling.space,
        seed: `seed:${String(seed)}`,
        initialPoints: sampling.initialPoints,
        scaling: { modelPoints: Number.POSITIVE_INFINITY, refitEveryCallUntil: Number.POSITIVE_INFINITY },
      }),
  };
});

/**
 * Overdrive's sampler in a simulated asynchronous pool of `workers`: each trial takes
 * `poolDuration(seed, index)` time units; when one finishes, its value is observed and the
 * freed worker asks for the next configuration while the others are still running (the
 * sampler sees them as running: kriging believer). Values are returned in finishing order.
 */
export async function oursInPool(
  task: Task,
  seeds: readonly number[],
  budget: number,
  workers: number,
): Promise<Trace[]> {
  const traces: Trace[] = [];
  for (const seed of seeds) {
    const sampler = new BayesianParameterSampling(task.definition, { seed }).createSampler(new SeededRandom(seed));
    const observations: TrialObservation[] = [];
    const running: { finish: number; index: number; slot: number; value: number }[] = [];
    const values: number[] = [];
    const suggestMs: number[] = [];
    let started = 0;
    let now = 0;
    while (values.length < budget) {
      while (running.length < workers && started < budget) {
        const t = performance.now();
        const params = await sampler.next({ observations, goal: task.goal });
        suggestMs.push(performance.now() - t);
        if (params === null) break;
        const value = await task.evaluate(params, seed);
        running.push({ finish: now + poolDuration(seed, started), index: started, slot: observations.length, value });
        observations.push({ params, best: undefined, state: 'running' });
        started += 1;
      }
      running.sort((a, b) => a.finish - b.finish || a.index - b.index);
      const done = running.shift();
      if (done === undefined) break;
      now = done.finish;
      const observation = observations[done.slot] as TrialObservation;
      observations[done.slot] = { params: observation.params, best: done.value, state: 'completed' };
      values.push(done.value);
    }
    traces.push({ seed, values, suggestMs });
  }
  return traces;
}

/** A trial's simulated training time, 1 to 3 units: the same formula as optuna_driver.py. */
export function poolDuration(seed: number, index: number): number {
  const x = Math.sin(seed * 7919 + index * 104729) * 43758.5453;
  return 1 + 2 * (x - Math.floor(x));
}
export const RANDOM = ours('Overdrive random', (definition, seed) => new RandomParameterSampling(definition, { seed }));
export const SOBOL = ours(
  'Overdrive Sobol',
  (definition, seed) => new RandomParameterSampling(definition, { seed, rule: 'sobol' }),
);

/** hpjs (`hyperparameters` on npm) random search through its own `fmin`. */
export const HPJS_RANDOM: Contender = {
  name: 'hpjs random',
  async run(task, seeds, budget) {
    const traces: Trace[] = [];
    for (const seed of seeds) {
      const values: number[] = [];
      await hpjs.fmin(
        async (params) => {
          const value = await task.evaluate(params as ParamSet, seed);
          values.push(value);
          return { loss: task.goal === 'MAXIMIZE' ? -value : value, status: hpjs.STATUS_OK };
        },
        task.hpjsSpace(),
        hpjs.search.randomSearch,
        budget,
        { rng: new hpjs.RandomState(seed) },
      );
      traces.push({ seed, values, suggestMs: [] });
    }
    return traces;
  },
};

const SYSTEM_PYTHON = '/usr/bin/python3';
const VENV = fileURLToPath(new URL('../.venv', import.meta.url));
const VENV_PYTHON = `${VENV}/bin/python`;
const DRIVER = fileURLToPath(new URL('./optuna_driver.py', import.meta.url));
/** Set by `optunaStatus`: the venv's Python when it has current Optuna, else Debian's. */
let PYTHON = SYSTEM_PYTHON;

export type OptunaStatus =
  | {
      readonly available: true;
      readonly version: string;
      readonly python: string;
      /** GPSampler exists from Optuna 3.6 on (Debian ships 3.1). */
      readonly gp: boolean;
      /** CmaEsSampler needs the separate `cmaes` package. */
      readonly cmaes: boolean;
      /** Why the venv is not used, when it is not. */
      readonly venvNote: string | undefined;
    }
  | { readonly available: false; readonly reason: string };

function probeOptuna(python: string): { version: string; gp: boolean; cmaes: boolean } | string {
  const probe = spawnSync(
    python,
    [
      '-c',
      'import importlib.util, optuna; print(optuna.__version__); print(hasattr(optuna.samplers, "GPSampler")); print(importlib.util.find_spec("cmaes") is not None)',
    ],
    { encoding: 'utf8' },
  );
  if (probe.error !== undefined) return `${python} could not be started (${probe.error.message})`;
  if (probe.status !== 0) return `${python} has no optuna module`;
  const [version = '', gp = '', cmaes = ''] = probe.stdout.trim().split('\n');
  return { version, gp: gp.trim() === 'True', cmaes: cmaes.trim() === 'True' };
}

/**
 * Current Optuna (with GPSampler, which needs torch and scipy) in bench/.venv, created on first
 * use with `python3 -m venv` and pip (PyPI or the mirror pip is configured with); when that is
 * impossible, Debian's python3-optuna without GPSampler, and the reason is reported.
 */
export function optunaStatus(): OptunaStatus {
  let venvNote: string | undefined;
  if (!existsSync(VENV_PYTHON)) {
    const made = spawnSync(SYSTEM_PYTHON, ['-m', 'venv', VENV], { encoding: 'utf8' });
    if (made.status !== 0) venvNote = `python3 -m venv ${VENV} failed: ${(made.stderr ?? '').trim().slice(-300)}`;
  }
  const before = venvNote === undefined ? probeOptuna(VENV_PYTHON) : venvNote;
  if (venvNote === undefined && typeof before === 'string') {
    process.stderr.write('bench: installing optuna, torch and scipy into bench/.venv (pip)\n');
    const pip = spawnSync(VENV_PYTHON, ['-m', 'pip', 'install', 'optuna', 'torch', 'scipy', 'greenlet'], {
      encoding: 'utf8',
      timeout: 30 * 60 * 1000,
    });
    // cmaes (for CmaEsSampler) may be missing from a mirror, and pip installs nothing when one
    // requirement is missing: it goes on its own, and optuna without it still counts.
    if (pip.status === 0)
      spawnSync(VENV_PYTHON, ['-m', 'pip', 'install', 'cmaes'], { encoding: 'utf8', timeout: 10 * 60 * 1000 });
    if (pip.status !== 0 && typeof probeOptuna(VENV_PYTHON) === 'string')
      venvNote = `pip install optuna torch scipy into bench/.venv failed (is PyPI or a mirror reachable?): ${(pip.stderr ?? '').trim().slice(-300)}`;
  }
  const venv = venvNote === undefined ? probeOptuna(VENV_PYTHON) : venvNote;
  if (typeof venv !== 'string') {
    PYTHON = VENV_PYTHON;
    return { available: true, ...venv, python: VENV_PYTHON, venvNote: undefined };
  }
  const system = probeOptuna(SYSTEM_PYTHON);
  if (typeof system === 'string')
    return { available: false, reason: `${venv}; and ${system} (apt-get install python3-optuna)` };
  PYTHON = SYSTEM_PYTHON;
  return { available: true, ...system, python: SYSTEM_PYTHON, venvNote: venv };
}

function runDriver(mode: 'synthetic' | 'pool' | 'check', request: unknown): unknown {
  const result = spawnSync(PYTHON, [DRIVER, mode], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // One thread: torch would otherwise spread each GP fit over every core and contend with itself.
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0) throw new Error(`optuna_driver.py ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

/** The Python side's values at the given points, to check both implementations agree. */
export function pythonValues(problem: string, points: readonly ParamSet[]): number[] {
  const answer = runDriver('check', { problem, points }) as { values: number[] };
  return answer.values;
}

export type OptunaSampler = 'tpe' | 'tpe-multivariate' | 'cmaes' | 'gp';

/** One of Optuna's samplers with its defaults (TPE: 10 random start-up trials). */
export function optuna(sampler: OptunaSampler, name: string): Contender {
  return {
    name,
    async run(task, seeds, budget) {
      if (task.evaluatedInPython) {
        const answer = runDriver('synthetic', { problem: task.id, seeds, budget, sampler }) as {
          runs: { seed: number; values: number[]; suggest_ms: number[] }[];
        };
        return answer.runs.map((run) => ({ seed: run.seed, values: run.values, suggestMs: run.suggest_ms }));
      }
      const traces: Trace[] = [];
      for (const seed of seeds) {
        const driver = new AskTell();
        try {
          await driver.call({
            cmd: 'init',
            problem: task.id,
            seed,
            sampler,
            direction: task.goal === 'MAXIMIZE' ? 'maximize' : 'minimize',
          });
          const values: number[] = [];
          const suggestMs: number[] = [];
          for (let i = 0; i < budget; i += 1) {
            const { params, ms } = (await driver.call({ cmd: 'ask' })) as { params: ParamSet; ms: number };
            suggestMs.push(ms);
            const value = await task.evaluate(params, seed);
            values.push(value);
            await driver.call({ cmd: 'tell', value });
          }
          traces.push({ seed, values, suggestMs });
        } finally {
          driver.close();
        }
      }
      return traces;
    },
  };
}

export const OPTUNA_TPE = optuna('tpe', 'Optuna TPE');
export const OPTUNA_TPE_MULTIVARIATE = optuna('tpe-multivariate', 'Optuna TPE (multivariate)');
export const OPTUNA_CMAES = optuna('cmaes', 'Optuna CMA-ES');
export const OPTUNA_GP = optuna('gp', 'Optuna GPSampler');

/** Optuna's multivariate TPE with constant liar in the same simulated pool as `oursInPool`. */
export function optunaInPool(problem: string, seeds: readonly number[], budget: number, workers: number): Trace[] {
  const answer = runDriver('pool', { problem, seeds, budget, workers, sampler: 'tpe-liar' }) as {
    runs: { seed: number; values: number[] }[];
  };
  return answer.runs.map((run) => ({ seed: run.seed, values: run.values, suggestMs: [] }));
}

/** optuna_driver.py in ask-tell mode: one JSON request per line, one answer per line. */
class AskTell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor() {
    this.child = spawn(PYTHON, [DRIVER, 'ask-tell'], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  call(message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (): void => reject(new Error(`optuna_driver.py exited: ${this.stderr}`));
      this.child.once('exit', onExit);
      this.waiting.push((line) => {
        this.child.off('exit', onExit);
        const answer = JSON.parse(line) as { error?: string };
        if (answer.error !== undefined) reject(new Error(answer.error));
        else resolve(answer);
      });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}
