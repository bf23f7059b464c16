// Sampler benchmark: `npm run bench:sampler` (options: --seeds 20 --budget 50 --digits-seeds 10
// --digits-budget 25 --skip-digits --skip-wine --skip-cost --cost-to 1000 --problems branin,mixed
// --contenders bayesian,exact,random,sobol,hpjs,tpe,tpe-mv,cmaes,gp --pool 1,4,8 --pool-budget 100
// --pool-seeds 10 --out bench/results/sampler.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BAYESIAN,
  BAYESIAN_EXACT,
  HPJS_RANDOM,
  OPTUNA_CMAES,
  OPTUNA_GP,
  OPTUNA_TPE,
  OPTUNA_TPE_MULTIVARIATE,
  RANDOM,
  SOBOL,
  optunaInPool,
  optunaStatus,
  oursInPool,
  pythonValues,
  type Contender,
  type Task,
  type Trace,
} from './contenders.js';
import { measureSuggestionCost, type CostReport } from './cost.js';
import { COST_ONLY_20, SYNTHETIC_PROBLEMS, type SyntheticProblem } from './problems.js';
import { bestAfter, formatNumber, formatSummary, percentile, summarize, type Summary } from './stats.js';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    'digits-seeds': { type: 'string', default: '10' },
    budget: { type: 'string', default: '50' },
    'digits-budget': { type: 'string', default: '25' },
    'skip-digits': { type: 'boolean', default: false },
    'skip-wine': { type: 'boolean', default: false },
    'wine-seeds': { type: 'string', default: '10' },
    'wine-budget': { type: 'string', default: '50' },
    'skip-cost': { type: 'boolean', default: false },
    'cost-to': { type: 'string', default: '1000' },
    problems: { type: 'string' },
    contenders: { type: 'string', default: 'bayesian,random,sobol,hpjs,tpe,tpe-mv,cmaes,gp' },
    pool: { type: 'string' },
    'pool-budget': { type: 'string', default: '100' },
    'pool-seeds': { type: 'string', default: '10' },
    'gp-seeds': { type: 'string' },
    out: { type: 'string', default: 'bench/results/sampler.md' },
  },
});

const SEEDS = Array.from({ length: Number(args.seeds) }, (_, i) => i + 1);
const DIGITS_SEEDS = Array.from({ length: Number(args['digits-seeds']) }, (_, i) => i + 1);
const BUDGET = Number(args.budget);
const DIGITS_BUDGET = Number(args['digits-budget']);
const CHECKPOINTS = [10, 25, 50, 100, 200, 500, 1000].filter((k) => k <= BUDGET);
const WINE_SEEDS = Array.from({ length: Number(args['wine-seeds']) }, (_, i) => i + 1);
const WINE_BUDGET = Number(args['wine-budget']);
const WINE_CHECKPOINTS = [10, 25, 50, 100, 200].filter((k) => k <= WINE_BUDGET);
const CONTENDERS: Readonly<Record<string, Contender>> = {
  bayesian: BAYESIAN,
  exact: BAYESIAN_EXACT,
  random: RANDOM,
  sobol: SOBOL,
  hpjs: HPJS_RANDOM,
};
const OPTUNA_CONTENDERS: Readonly<Record<string, Contender>> = {
  tpe: OPTUNA_TPE,
  'tpe-mv': OPTUNA_TPE_MULTIVARIATE,
  cmaes: OPTUNA_CMAES,
  gp: OPTUNA_GP,
};
const WANTED = (args.contenders ?? '').split(',').filter((name) => name.length > 0);
for (const name of WANTED) {
  if (!(name in CONTENDERS) && !(name in OPTUNA_CONTENDERS))
    throw new Error(
      `--contenders: ${name} is not a contender (${[...Object.keys(CONTENDERS), ...Object.keys(OPTUNA_CONTENDERS)].join(', ')})`,
    );
}
const DIGITS_CHECKPOINTS = [...new Set([5, 10, DIGITS_BUDGET])].filter((k) => k <= DIGITS_BUDGET);
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

interface PoolResult {
  readonly problem: string;
  readonly workers: number;
  readonly seeds: number;
  readonly checkpoints: readonly number[];
  readonly ours: readonly Summary[];
  readonly optuna: readonly Summary[] | undefined;
  readonly suggestMs: readonly number[];
}

interface ProblemResult {
  readonly id: string;
  readonly title: string;
  readonly measure: 'regret' | 'accuracy' | 'loss';
  readonly seeds: number;
  readonly checkpoints: readonly number[];
  /** contender name → summary per checkpoint. */
  readonly rows: ReadonlyMap<string, readonly Summary[]>;
  readonly seconds: ReadonlyMap<string, number>;
  readonly suggestMs: ReadonlyMap<string, readonly number[]>;
  readonly traces: ReadonlyMap<string, readonly Trace[]>;
  readonly measureOf: (trace: Trace, k: number) => number;
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
  const contenders: Contender[] = WANTED.flatMap((name) => CONTENDERS[name] ?? []);
  if (optuna.available) {
    for (const name of WANTED) {
      const contender = OPTUNA_CONTENDERS[name];
      if (contender === undefined) continue;
      if (name === 'gp' && !optuna.gp) {
        notes.push(`Optuna GPSampler skipped: Optuna ${optuna.version} (${optuna.python}) has none.`);
        continue;
      }
      if (name === 'cmaes' && !optuna.cmaes) {
        notes.push(
          `Optuna CMA-ES skipped: its \`cmaes\` package is not installed in ${optuna.python} (pip could not find it: the local mirror does not carry it).`,
        );
        continue;
      }
      contenders.push(contender);
    }
    notes.push(
      `Optuna ${optuna.version} through ${optuna.python}${optuna.venvNote === undefined ? ' (the virtual environment this bench creates: `python3 -m venv bench/.venv`, then pip install optuna torch scipy greenlet cmaes)' : ` (the virtual environment could not be used: ${optuna.venvNote})`}, one thread (OMP_NUM_THREADS=1), every sampler with its defaults except as named: TPESampler (10 random start-up trials) with \`multivariate=False, constant_liar=False\` (univariate) and with \`multivariate=True, constant_liar=False\` (Optuna 5 made both of these True by default), CmaEsSampler, GPSampler. Synthetic problems are evaluated in Python (checked against the TypeScript formulas below). Suggestion cost for Optuna is the time of \`ask()\` plus the \`suggest_*\` calls.`,
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

  if (!args['skip-wine'] && (args.problems === undefined || args.problems.split(',').includes('wine'))) {
    const { setUpWine } = await import('./wine-task.js');
    const wineNote = `Wine (tabular): a TF.js classifier on the UCI Wine data shipped in bench/sampler/data (13 features, 3 classes, a fixed stratified 70/30 split), 30 epochs with Adam; tuned: learning rate, L2, width, depth, batch size. Measure: validation log loss (lower is better; no known optimum, so not a regret). ${WINE_SEEDS.length} seeds, ${WINE_BUDGET} evaluations.`;
    notes.push(wineNote);
    results.push(
      await runProblem(
        setUpWine(),
        'Wine classifier (TF.js, tabular): learning rate, L2, units, layers, batch size',
        contenders,
        WINE_SEEDS,
        WINE_BUDGET,
        WINE_CHECKPOINTS,
        (trace, k) => bestAfter(trace, k, 'MINIMIZE'),
        'loss',
      ),
    );
  }

  const pool: PoolResult[] = [];
  if (args.pool !== undefined) {
    const workers = args.pool.split(',').map(Number);
    const poolSeeds = Array.from({ length: Number(args['pool-seeds']) }, (_, i) => i + 1);
    const poolBudget = Number(args['pool-budget']);
    for (const problem of selected) {
      const task: Task = {
        id: problem.id,
        definition: problem.definition,
        hpjsSpace: problem.hpjsSpace,
        goal: 'MINIMIZE',
        evaluate: (params) => problem.evaluate(params),
        evaluatedInPython: true,
      };
      for (const w of workers) {
        const regret = (traces: readonly Trace[], k: number): Summary =>
          summarize(traces.map((trace) => bestAfter(trace, k, 'MINIMIZE') - problem.optimum));
        const checkpoints = [25, 50, 100, 200].filter((k) => k <= poolBudget);
        const oursTraces = await oursInPool(task, poolSeeds, poolBudget, w);
        const theirs = optuna.available ? optunaInPool(problem.id, poolSeeds, poolBudget, w) : undefined;
        pool.push({
          problem: problem.id,
          workers: w,
          seeds: poolSeeds.length,
          checkpoints,
          ours: checkpoints.map((k) => regret(oursTraces, k)),
          optuna: theirs === undefined ? undefined : checkpoints.map((k) => regret(theirs, k)),
          suggestMs: oursTraces.flatMap((t) => t.suggestMs),
        });
        log(
          `pool ${problem.id} x${w}: ours ${formatSummary(regret(oursTraces, poolBudget))}${theirs === undefined ? '' : `, Optuna TPE constant liar ${formatSummary(regret(theirs, poolBudget))}`}`,
        );
      }
    }
  }

  let cost: CostReport[] = [];
  if (!args['skip-cost']) {
    const to = Number(args['cost-to']);
    const hartmann = SYNTHETIC_PROBLEMS.find((p) => p.id === 'hartmann6')!;
    log(
      `suggestion cost: Hartmann-6 and a 20-parameter problem up to ${to} observations, sequential and with 4 pending`,
    );
    cost = [
      await measureSuggestionCost(hartmann, [1], 0, to),
      await measureSuggestionCost(hartmann, [2], 4, to),
      await measureSuggestionCost(COST_ONLY_20, [1], 0, to),
    ];
  }

  const markdown = render(results, pool, cost, notes, digitsNote, (performance.now() - started) / 1000);
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
  kind: 'regret' | 'accuracy' | 'loss',
): Promise<ProblemResult> {
  const rows = new Map<string, Summary[]>();
  const seconds = new Map<string, number>();
  const suggestMs = new Map<string, number[]>();
  const tracesOf = new Map<string, Trace[]>();
  for (const contender of contenders) {
    const started = performance.now();
    // GPSampler costs seconds a suggestion on a small machine: --gp-seeds runs it on the first
    // seeds only, and its comparison below uses Overdrive's runs on the same seeds.
    const own =
      contender === OPTUNA_GP && args['gp-seeds'] !== undefined ? seeds.slice(0, Number(args['gp-seeds'])) : seeds;
    const traces = await contender.run(task, own, budget);
    tracesOf.set(contender.name, traces);
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
  return {
    id: task.id,
    title,
    measure: kind,
    seeds: seeds.length,
    checkpoints,
    rows,
    seconds,
    suggestMs,
    traces: tracesOf,
    measureOf: measure,
  };
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
  pool: readonly PoolResult[],
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
    const gpRuns = result.traces.get(OPTUNA_GP.name)?.length;
    if (gpRuns !== undefined && gpRuns !== result.seeds) lines.push(`(Optuna GPSampler: ${gpRuns} seeds.)`, '');
    const unit =
      result.measure === 'regret' ? 'regret' : result.measure === 'loss' ? 'best val loss' : 'best val accuracy';
    lines.push(
      `| sampler | ${result.checkpoints.map((k) => `${unit} after ${k}`).join(' | ')} | suggestion p50 / p95 ms | seconds (all seeds) |`,
    );
    lines.push(`| --- | ${result.checkpoints.map(() => '---').join(' | ')} | --- | --- |`);
    for (const [name, summaries] of result.rows) {
      const ms = result.suggestMs.get(name) ?? [];
      const cost =
        ms.length === 0 ? 'not measured' : `${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.95).toFixed(1)}`;
      lines.push(
        `| ${name} | ${summaries.map(formatSummary).join(' | ')} | ${cost} | ${(result.seconds.get(name) ?? 0).toFixed(1)} |`,
      );
    }
    lines.push('');
  }
  lines.push(...targets(results), '');
  if (pool.length > 0) lines.push(...poolSection(pool));
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
  lines.push('');
  const gp = OPTUNA_GP.name;
  const withGp = results.filter((r) => r.rows.has(gp) && r.rows.has(bayes));
  if (withGp.length > 0) {
    lines.push(
      `GPSampler ran on ${args['gp-seeds'] === undefined ? 'every seed' : `seeds 1–${args['gp-seeds']} only (it costs seconds a suggestion here)`}; Overdrive's median below is over the same seeds.`,
      '',
      '| problem | checkpoint | Overdrive Bayesian median | Optuna GPSampler median | no worse? | suggestion p50 ms, Overdrive vs GPSampler |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    let noWorse = 0;
    let cheaper = 0;
    for (const result of withGp) {
      const higherIsBetter = result.measure === 'accuracy';
      const oursMs = percentile([...(result.suggestMs.get(bayes) ?? [])], 0.5);
      const gpMs = percentile([...(result.suggestMs.get(gp) ?? [])], 0.5);
      const gpSeeds = new Set((result.traces.get(gp) ?? []).map((t) => t.seed));
      const oursOnGpSeeds = (result.traces.get(bayes) ?? []).filter((t) => gpSeeds.has(t.seed));
      result.checkpoints.forEach((k, c) => {
        const ours = summarize(oursOnGpSeeds.map((t) => result.measureOf(t, k))).median;
        const theirs = result.rows.get(gp)?.[c]?.median ?? Number.NaN;
        const ok = higherIsBetter ? ours >= theirs : ours <= theirs;
        const last = c === result.checkpoints.length - 1;
        if (last && ok) noWorse += 1;
        if (last && oursMs < gpMs) cheaper += 1;
        if (k >= 50 || last)
          lines.push(
            `| ${result.id} | ${k} | ${formatNumber(ours)} | ${formatNumber(theirs)} | ${ok ? 'yes' : 'no'} | ${oursMs.toFixed(1)} vs ${gpMs.toFixed(1)} |`,
          );
      });
    }
    lines.push(
      '',
      `At the last checkpoint, Overdrive's median is no worse than GPSampler's on ${noWorse} of ${withGp.length} problems (target: at least 4), at a lower median cost per suggestion on ${cheaper} of ${withGp.length}.`,
    );
  }
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

function poolSection(pool: readonly PoolResult[]): string[] {
  const lines = ['## Parallel quality: an asynchronous pool', ''];
  lines.push(
    `W workers; each trial takes a seeded random 1–3 time units (the same durations for both samplers: \`poolDuration\` in contenders.ts and optuna_driver.py); when one finishes its value is reported and the freed worker asks for the next configuration while the other W - 1 are still running. Overdrive's Bayesian sampler conditions on running trials as a kriging believer (fantasised value: the model's mean, floored at the incumbent); Optuna's multivariate TPE runs with \`constant_liar=True\`. W = 1 is one at a time. Regret after N finished evaluations, median (quartiles) over ${pool[0]?.seeds ?? 0} seeds.`,
    '',
  );
  const checkpoints = pool[0]?.checkpoints ?? [];
  lines.push(
    `| problem | workers | ${checkpoints.map((k) => `Overdrive after ${k}`).join(' | ')} | ${checkpoints.map((k) => `Optuna TPE (liar) after ${k}`).join(' | ')} | Overdrive suggestion p95 ms |`,
  );
  lines.push(
    `| --- | --- | ${checkpoints.map(() => '---').join(' | ')} | ${checkpoints.map(() => '---').join(' | ')} | --- |`,
  );
  for (const row of pool) {
    lines.push(
      `| ${row.problem} | ${row.workers} | ${row.ours.map(formatSummary).join(' | ')} | ${(row.optuna ?? checkpoints.map(() => undefined)).map((s) => (s === undefined ? 'not run' : formatSummary(s))).join(' | ')} | ${percentile([...row.suggestMs], 0.95).toFixed(1)} |`,
    );
  }
  lines.push('');
  return lines;
}

function costSection(cost: readonly CostReport[], results: readonly ProblemResult[]): string[] {
  const lines = ['## Suggestion cost (Bayesian)', ''];
  lines.push(
    'Time of one `sampler.next()` in this process (fit, fantasies for pending runs, acquisition search), by the number of observations the call sees, along one real sweep to the last row: wall time, and the CPU time of this process (wall time inflates when other processes share the cores). The target is a p95 at or below 50 ms at 1,000 observations x 6 parameters (the last row of the Hartmann-6 tables); the 20-parameter problem is stated, not targeted.',
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
