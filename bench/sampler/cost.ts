import { loadavg } from 'node:os';
import { BayesianParameterSampling, SeededRandom } from '../../src/index.js';
import type { TrialObservation } from '../../src/sampling/sampler.js';
import type { SyntheticProblem } from './problems.js';
import { percentile } from './stats.js';

export interface CostWindow {
  readonly from: number;
  readonly to: number;
  /** Wall time, milliseconds. */
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** CPU time of this process, milliseconds: what the call costs when nothing else competes for the core. */
  readonly cpuP50: number;
  readonly cpuP95: number;
  readonly calls: number;
}

export interface CostReport {
  readonly problem: string;
  readonly parameters: number;
  readonly seeds: number;
  /** Pending (running) trials at every suggestion. */
  readonly pending: number;
  readonly windows: readonly CostWindow[];
  /** 1-minute load average before and after, to judge the wall times. */
  readonly load: readonly [number, number];
}

const WINDOWS = [
  [0, 20],
  [20, 50],
  [50, 100],
  [100, 200],
  [200, 300],
  [300, 500],
  [500, 800],
  [800, 1000],
  [1000, 1050],
] as const;

/**
 * Wall time of `sampler.next` as the sweep grows, on the main thread of this process: what a
 * page would freeze for. Each call sees every earlier configuration as completed, plus
 * `pending` of them still running (the last ones suggested), as at that concurrency.
 */
export async function measureSuggestionCost(
  problem: SyntheticProblem,
  seeds: readonly number[],
  pending: number,
  to: number,
): Promise<CostReport> {
  const last = to + 50;
  const byCall: number[][] = Array.from({ length: last }, () => []);
  const cpuByCall: number[][] = Array.from({ length: last }, () => []);
  const loadBefore = loadavg()[0] ?? Number.NaN;
  for (const seed of seeds) {
    const sampler = new BayesianParameterSampling(problem.definition, { seed }).createSampler(new SeededRandom(seed));
    const done: TrialObservation[] = [];
    const running: TrialObservation[] = [];
    for (let i = 0; i < last; i += 1) {
      const observations = [...done, ...running];
      const cpu = process.cpuUsage();
      const started = performance.now();
      const params = await sampler.next({ observations, goal: 'MINIMIZE' });
      byCall[observations.length]?.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuByCall[observations.length]?.push((used.user + used.system) / 1000);
      if (params === null) break;
      running.push({ params, best: undefined, state: 'running' });
      if (running.length > pending) {
        const finished = running.shift()!;
        const value = problem.evaluate(finished.params);
        done.push({ params: finished.params, best: value, state: 'completed' });
      }
    }
  }
  const windows = WINDOWS.filter(([, end]) => end <= last).map(([from, to]): CostWindow => {
    const times = byCall.slice(from, to).flat();
    const cpu = cpuByCall.slice(from, to).flat();
    return {
      from,
      to,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: Math.max(...times),
      cpuP50: percentile(cpu, 0.5),
      cpuP95: percentile(cpu, 0.95),
      calls: times.length,
    };
  });
  const load: [number, number] = [loadBefore, loadavg()[0] ?? Number.NaN];
  return {
    problem: problem.title,
    parameters: Object.keys(problem.definition).length,
    seeds: seeds.length,
    pending,
    windows,
    load,
  };
}
