import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
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
  /** Time each suggestion took, in milliseconds (our samplers only). */
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

const PYTHON = '/usr/bin/python3';
const DRIVER = fileURLToPath(new URL('./optuna_driver.py', import.meta.url));

/** Optuna's version, or why it cannot be used. */
export function optunaStatus():
  | { readonly available: true; readonly version: string }
  | { readonly available: false; readonly reason: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  if (probe.error !== undefined)
    return { available: false, reason: `${PYTHON} could not be started (${probe.error.message})` };
  if (probe.status !== 0)
    return { available: false, reason: `${PYTHON} has no optuna module (apt-get install python3-optuna)` };
  return { available: true, version: probe.stdout.trim() };
}

function runDriver(mode: 'synthetic' | 'check', request: unknown): unknown {
  const result = spawnSync(PYTHON, [DRIVER, mode], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`optuna_driver.py ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

/** The Python side's values at the given points, to check both implementations agree. */
export function pythonValues(problem: string, points: readonly ParamSet[]): number[] {
  const answer = runDriver('check', { problem, points }) as { values: number[] };
  return answer.values;
}

/** Optuna's TPESampler with its defaults (10 random start-up trials, univariate TPE). */
export const OPTUNA_TPE: Contender = {
  name: 'Optuna TPE',
  async run(task, seeds, budget) {
    if (task.evaluatedInPython) {
      const answer = runDriver('synthetic', { problem: task.id, seeds, budget }) as {
        runs: { seed: number; values: number[] }[];
      };
      return answer.runs.map((run) => ({ seed: run.seed, values: run.values, suggestMs: [] }));
    }
    const traces: Trace[] = [];
    for (const seed of seeds) {
      const driver = new AskTell();
      try {
        await driver.call({
          cmd: 'init',
          problem: task.id,
          seed,
          direction: task.goal === 'MAXIMIZE' ? 'maximize' : 'minimize',
        });
        const values: number[] = [];
        for (let i = 0; i < budget; i += 1) {
          const { params } = (await driver.call({ cmd: 'ask' })) as { params: ParamSet };
          const value = await task.evaluate(params, seed);
          values.push(value);
          await driver.call({ cmd: 'tell', value });
        }
        traces.push({ seed, values, suggestMs: [] });
      } finally {
        driver.close();
      }
    }
    return traces;
  },
};

/** optuna_driver.py in ask-tell mode: one JSON request per line, one answer per line. */
class AskTell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';

  constructor() {
    this.child = spawn(PYTHON, [DRIVER, 'ask-tell']);
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
