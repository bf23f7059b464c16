// Sampler benchmark: `npm run bench:sampler` (options: --seeds 20 --budget 50 --digits-seeds 10
// --digits-budget 25 --skip-digits --skip-cost --problems branin,mixed --out bench/results/sampler.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BAYESIAN,
  HPJS_RANDOM,
  OPTUNA_TPE,
  RANDOM,
  SOBOL,
  optunaStatus,
  pythonValues,
  type Contender,
  type Task,
  type Trace,
} from './contenders.js';
import { measureSuggestionCost, type CostReport } from './cost.js';
import { SYNTHETIC_PROBLEMS, type SyntheticProblem } from './problems.js';
import { bestAfter, formatNumber, formatSummary, percentile, summarize, type Summary } from './stats.js';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    'digits-seeds': { type: 'string', default: '10' },
    budget: { type: 'string', default: '50' },
    'digits-budget': { type: 'string', default: '25' },
    'skip-digits': { type: 'boolean', default: false },
    'skip-cost': { type: 'boolean', default: false },
    problems: { type: 'string' },
    out: { type: 'string', default: 'bench/results/sampler.md' },
  },
});

const SEEDS = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1);
const DIGITS_SEEDS = Array.from({ length: Number(args['digits-seeds']) }, (_, i) => i + 1);
const BUDGET = Number(args.budget);
const DIGITS_BUDGET = Number(args['digits-budget']);
const CHECKPOINTS = [10, 25, 50].filter((k) => k <= BUDGET);
const DIGITS_CHECKPOINTS = [...new Set([5, 10, DIGITS_BUDGET])].filter((k) => k <= DIGITS_BUDGET);
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

interface ProblemResult {
  readonly id: string;
  readonly title: string;
  readonly measure: 'regret' | 'accuracy';
  readonly seeds: number;
  readonly checkpoints: readonly number[];
  /** contender name → summary per checkpoint. */
  readonly rows: ReadonlyMap<string, readonly Summary[]>;
  readonly seconds: ReadonlyMap<string, number>;
  readonly suggestMs: ReadonlyMap<string, readonly number[]>;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  const started = performance.now();
  const optuna = optunaStatus();
  const notes: string[] = [
    'hpjs (`hyperparameters` 0.25.6 on npm) exports only random and grid search (`search.randomSearch`, `search.gridSearch`): it has no TPE, although its README mentions Bayesian search, so only its random search is compared.',
  ];
  const contenders: Contender[] = [BAYESIAN, RANDOM, SOBOL, HPJS_RANDOM];
  if (optuna.available) {
    contenders.push(OPTUNA_TPE);
    notes.push(
      `Optuna ${optuna.version} TPESampler with its defaults (10 random start-up trials, univariate), through /usr/bin/python3; synthetic problems are evaluated in Python (checked against the TypeScript formulas below).`,
    );
  } else {
    notes.push(`Optuna skipped: ${optuna.reason}.`);
    log(`note: Optuna skipped: ${optuna.reason}`);
  }

  const selected =
    args.problems === undefined
      ? SYNTHETIC_PROBLEMS
      : SYNTHETIC_PROBLEMS.filter((p) => args.problems!.split(',').includes(p.id));
  if (optuna.available) checkPython(selected);

  const results: ProblemResult[] = [];
  for (const problem of selected) {
    const task: Task = {
      id: problem.id,
      definition: problem.definition,
      hpjsSpace: problem.hpjsSpace,
      goal: 'MINIMIZE',
      evaluate: (params) => problem.evaluate(params),
      evaluatedInPython: true,
    };
    results.push(
      await runProblem(
        task,
        problem.title,
        contenders,
        SEEDS,
        BUDGET,
        CHECKPOINTS,
        (trace, k) => bestAfter(trace, k, 'MINIMIZE') - problem.optimum,
        'regret',
      ),
    );
  }

  let digitsNote: string | undefined;
  if (!args['skip-digits'] && (args.problems === undefined || args.problems.split(',').includes('digits'))) {
    const { setUpDigits, DIGITS_FIXED } = await import('./digits-task.js');
    const setup = await setUpDigits();
    const timings = Object.entries(setup.timings)
      .map(([backend, seconds]) => `${backend} ${seconds.toFixed(2)} s`)
      .join(', ');
    digitsNote = `Digits MLP: the built-in \`digits-mlp\` (src/examples/digits-mlp.ts) trained in Node on TF.js, ${DIGITS_FIXED.epochs} epochs with ${DIGITS_FIXED.optimizer}, on the ${setup.backend} backend (one reference training took ${timings}). A small budget: ${DIGITS_BUDGET} evaluations per seed instead of 50, reported after ${DIGITS_CHECKPOINTS.join(', ')}. Measure: best validation accuracy (higher is better). Weight initialisation and shuffling are seeded per (seed, configuration), so a configuration scores the same for every sampler.`;
    log(digitsNote);
    results.push(
      await runProblem(
        setup.task,
        'Digits MLP (TF.js): learning rate, units, layers, dropout, batch size',
        contenders,
        DIGITS_SEEDS,
        DIGITS_BUDGET,
        DIGITS_CHECKPOINTS,
        (trace, k) => bestAfter(trace, k, 'MAXIMIZE'),
        'accuracy',
      ),
    );
  }

  let cost: CostReport[] = [];
  if (!args['skip-cost']) {
    const hartmann = SYNTHETIC_PROBLEMS.find((p) => p.id === 'hartmann6')!;
    log('suggestion cost: Hartmann-6 up to 220 observations, sequential and with 4 pending');
    cost = [await measureSuggestionCost(hartmann, [1, 2, 3], 0), await measureSuggestionCost(hartmann, [1], 4)];
  }

  const markdown = render(results, cost, notes, digitsNote, (performance.now() - started) / 1000);
  const out = resolve(ROOT, args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  process.stdout.write(markdown);
  log(`written to ${out}`);
}

async function runProblem(
  task: Task,
  title: string,
  contenders: readonly Contender[],
  seeds: readonly number[],
  budget: number,
  checkpoints: readonly number[],
  measure: (trace: Trace, k: number) => number,
  kind: 'regret' | 'accuracy',
): Promise<ProblemResult> {
  const rows = new Map<string, Summary[]>();
  const seconds = new Map<string, number>();
  const suggestMs = new Map<string, number[]>();
  for (const contender of contenders) {
    const started = performance.now();
    const traces = await contender.run(task, seeds, budget);
    const elapsed = (performance.now() - started) / 1000;
    seconds.set(contender.name, elapsed);
    rows.set(
      contender.name,
      checkpoints.map((k) => summarize(traces.map((trace) => measure(trace, k)))),
    );
    suggestMs.set(
      contender.name,
      traces.flatMap((trace) => trace.suggestMs),
    );
    const last = rows.get(contender.name)!.at(-1)!;
    log(
      `${task.id.padEnd(12)} ${contender.name.padEnd(32)} ${kind} after ${checkpoints.at(-1)}: ${formatSummary(last)}  (${elapsed.toFixed(1)} s)`,
    );
  }
  return { id: task.id, title, measure: kind, seeds: seeds.length, checkpoints, rows, seconds, suggestMs };
}

/** Refuses to compare with Optuna unless the Python formulas give the same values. */
function checkPython(problems: readonly SyntheticProblem[]): void {
  for (const problem of problems) {
    const python = pythonValues(problem.id, problem.checkPoints);
    problem.checkPoints.forEach((point, i) => {
      const ours = problem.evaluate(point);
      const theirs = python[i] as number;
      if (!(Math.abs(ours - theirs) <= 1e-9 * Math.max(1, Math.abs(ours)))) {
        throw new Error(`${problem.id}: TypeScript gives ${ours} and Python ${theirs} at ${JSON.stringify(point)}`);
      }
    });
  }
}

function machine(): string {
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() || String(cpus().length);
  const model = cpus()[0]?.model.trim() ?? 'unknown';
  return `nproc ${nproc}, ${model}, Node ${process.version}, ${new Date().toISOString()}`;
}

function render(
  results: readonly ProblemResult[],
  cost: readonly CostReport[],
  notes: readonly string[],
  digitsNote: string | undefined,
  seconds: number,
): string {
  const lines: string[] = [];
  lines.push('# Sampler benchmark', '');
  lines.push(`Machine: ${machine()}. Whole run: ${(seconds / 60).toFixed(1)} min.`, '');
  lines.push(
    `Each cell: median (first quartile–third quartile) over the seeds (1 to the number given in each heading, the same for every sampler) of the simple regret (best value found minus the known optimum; lower is better) after that many evaluations, one evaluation at a time.`,
    '',
  );
  for (const note of notes) lines.push(`- ${note}`);
  if (digitsNote !== undefined) lines.push(`- ${digitsNote}`);
  lines.push('');
  for (const result of results) {
    lines.push(`## ${result.title}, ${result.seeds} seed${result.seeds === 1 ? '' : 's'}`, '');
    const unit = result.measure === 'regret' ? 'regret' : 'best val accuracy';
    lines.push(
      `| sampler | ${result.checkpoints.map((k) => `${unit} after ${k}`).join(' | ')} | seconds (all seeds) |`,
    );
    lines.push(`| --- | ${result.checkpoints.map(() => '---').join(' | ')} | --- |`);
    for (const [name, summaries] of result.rows) {
      lines.push(
        `| ${name} | ${summaries.map(formatSummary).join(' | ')} | ${(result.seconds.get(name) ?? 0).toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  lines.push(...targets(results), '');
  if (cost.length > 0) lines.push(...costSection(cost, results));
  return `${lines.join('\n')}\n`;
}

function targets(results: readonly ProblemResult[]): string[] {
  const lines = ['## Targets', ''];
  const bayes = BAYESIAN.name;
  const synthetic = results.filter((r) => r.measure === 'regret');
  let beatsOptuna = 0;
  let comparedWithOptuna = 0;
  lines.push(
    '| problem | Bayesian / random (median regret at the last checkpoint; target ≤ 0.5) | Bayesian vs Optuna TPE |',
  );
  lines.push('| --- | --- | --- |');
  for (const result of synthetic) {
    const ours = result.rows.get(bayes)?.at(-1)?.median ?? Number.NaN;
    const random = result.rows.get(RANDOM.name)?.at(-1)?.median ?? Number.NaN;
    const optuna = result.rows.get(OPTUNA_TPE.name)?.at(-1)?.median;
    const ratio = ours / random;
    const versus =
      optuna === undefined
        ? 'Optuna not run'
        : `${formatNumber(ours)} vs ${formatNumber(optuna)}: ${ours <= optuna ? 'no worse' : 'worse'}`;
    if (optuna !== undefined) {
      comparedWithOptuna += 1;
      if (ours <= optuna) beatsOptuna += 1;
    }
    lines.push(`| ${result.id} | ${formatNumber(ratio)} ${ratio <= 0.5 ? '(met)' : '(missed)'} | ${versus} |`);
  }
  lines.push('');
  lines.push(
    `No worse than Optuna TPE on ${beatsOptuna} of ${comparedWithOptuna} synthetic problems (target: at least 4 of 5).`,
  );
  const digits = results.find((r) => r.measure === 'accuracy');
  if (digits !== undefined) {
    const ours = digits.rows.get(bayes)?.at(-1)?.median ?? Number.NaN;
    const random = digits.rows.get(RANDOM.name)?.at(-1)?.median ?? Number.NaN;
    lines.push(
      `Digits: median best validation accuracy after ${digits.checkpoints.at(-1)} evaluations ${formatNumber(ours)} (Bayesian) vs ${formatNumber(random)} (random): ${ours >= random ? 'met' : 'missed'} (target: at least as good as random).`,
    );
  }
  return lines;
}

function costSection(cost: readonly CostReport[], results: readonly ProblemResult[]): string[] {
  const lines = ['## Suggestion cost (Bayesian)', ''];
  lines.push(
    'Time of one `sampler.next()` on the main thread (fit, fantasies for pending runs, acquisition search), by the number of observations the call sees: wall time, and the CPU time of this process (wall time inflates when other processes share the cores). HyperDrive budgets of 20 runs per parameter put a 6-parameter sweep at 120 runs; the target is a p95 below 50 ms at 200 observations (the 180–219 row).',
    '',
  );
  for (const report of cost) {
    lines.push(
      `${report.problem}, ${report.parameters} parameters, ${report.seeds} seed(s), ${report.pending} pending at each call (1-minute load average ${report.load[0].toFixed(1)} before, ${report.load[1].toFixed(1)} after):`,
      '',
    );
    lines.push(
      '| observations | calls | wall p50 ms | wall p95 ms | wall max ms | CPU p50 ms | CPU p95 ms |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const w of report.windows) {
      lines.push(
        `| ${w.from}–${w.to - 1} | ${w.calls} | ${w.p50.toFixed(1)} | ${w.p95.toFixed(1)} | ${w.max.toFixed(1)} | ${w.cpuP50.toFixed(1)} | ${w.cpuP95.toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  const during = results
    .filter((r) => r.measure === 'regret')
    .map((r) => {
      const ms = r.suggestMs.get(BAYESIAN.name) ?? [];
      return `${r.id} p50 ${percentile(ms, 0.5).toFixed(1)} / p95 ${percentile(ms, 0.95).toFixed(1)} ms`;
    });
  if (during.length > 0) lines.push(`During the runs above (up to ${BUDGET} observations): ${during.join('; ')}.`, '');
  return lines;
}

await main();
