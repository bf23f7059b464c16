/**
 * 3. Orchestration cost: per-trial overhead of 1000 trivial trials (Node, in-process runner;
 * browser, worker pool), the cost of one policy decision at 1000 runs x 100 intervals, and the
 * IndexedDB store's flush throughput.
 */
import { Experiment } from '../../src/experiment/experiment.js';
import { HyperDriveConfig } from '../../src/experiment/config.js';
import { Workspace } from '../../src/experiment/workspace.js';
import { PrimaryMetricGoal } from '../../src/metric/goal.js';
import { policyFromRecord } from '../../src/policy/from-record.js';
import type { EarlyTerminationPolicy, PolicyRecord, RunHistory } from '../../src/policy/policy.js';
import { SeededRandom } from '../../src/random/seeded-random.js';
import type { Run } from '../../src/run-logger/run.js';
import { InProcessRunner } from '../../src/trial-runner/in-process-runner.js';
import { RandomParameterSampling } from '../../src/sampling/random.js';
import { uniform } from '../../src/space/constructors.js';
import type { ParamSet } from '../../src/space/expression.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { type BenchContext, type Check, errorText, fixed, mark, ms, table } from '../lib/context.js';
import { median, tail, type Tail } from '../lib/stats.js';
import type { IdbOutcome, TrivialOutcome } from '../lib/types.js';

export const PER_TRIAL_TARGET_MS = 2;
export const DECISION_TARGET_MS = 1;
export const IDB_TARGET_POINTS_PER_S = 20_000;

export interface NodeTrivial {
  readonly trials: number;
  readonly concurrency: number;
  readonly wallMs: readonly number[];
  readonly perTrialMs: number;
}

export interface PolicyCost {
  readonly label: string;
  readonly spec: PolicyRecord;
  readonly decisions: Tail | null;
  readonly skipped: number;
  readonly cancels: number;
  readonly error: string | null;
}

export interface OrchestrationResult {
  readonly node: readonly NodeTrivial[];
  readonly browser: readonly TrivialOutcome[];
  readonly policyRuns: number;
  readonly policyIntervals: number;
  readonly policies: readonly PolicyCost[];
  readonly idb: readonly IdbOutcome[];
}

// ---------------------------------------------------------------------------------------------

function trivialTrain(params: ParamSet, run: Run): void {
  run.log('score', params['x'] as number);
}

async function nodeTrivial(trials: number, concurrency: number): Promise<number> {
  const workspace = new Workspace({ name: 'bench', store: new MemoryStore(), runner: new InProcessRunner() });
  const config = new HyperDriveConfig({
    hyperparameterSampling: new RandomParameterSampling({ x: uniform(0, 1) }, { seed: 1 }),
    primaryMetricName: 'score',
    primaryMetricGoal: PrimaryMetricGoal.MAXIMIZE,
    maxTotalRuns: trials,
    maxConcurrentRuns: concurrency,
    train: trivialTrain,
  });
  const t0 = performance.now();
  const sweep = new Experiment(workspace, 'trivial').submit(config);
  const record = await sweep.waitForCompletion();
  const wall = performance.now() - t0;
  if (record.status !== 'Completed')
    throw new Error(`the trivial sweep ended ${record.status}: ${record.error?.message ?? ''}`);
  return wall;
}

// ---------------------------------------------------------------------------------------------

/** 1000 synthetic learning curves: saturating accuracy with noise, some runs poor, some good. */
function syntheticHistories(runs: number, intervals: number): RunHistory[] {
  const random = new SeededRandom('policy-cost');
  return Array.from({ length: runs }, (_, index) => {
    const ceiling = 0.3 + 0.68 * random.next();
    const rate = 0.02 + 0.3 * random.next();
    const values = Array.from(
      { length: intervals },
      (_, n) => ceiling * (1 - Math.exp(-rate * (n + 1))) + 0.02 * (random.next() - 0.5),
    );
    return { runId: `HD_synthetic_${index}`, values, finished: true, index };
  });
}

function policyCost(
  policy: EarlyTerminationPolicy,
  histories: readonly RunHistory[],
  intervals: number,
  samples: number,
): Omit<PolicyCost, 'label' | 'spec' | 'error'> {
  const random = new SeededRandom(`decisions-${policy.kind}`);
  const pick = (): number => Math.floor(random.next() * histories.length);
  const inputFor = (index: number, interval: number) => {
    const target = histories[index] as RunHistory;
    const run: RunHistory = { ...target, values: target.values.slice(0, interval), finished: false };
    // "others" as the orchestrator builds it: every other run of the sweep.
    const others = histories.filter((h) => h !== target);
    return { goal: PrimaryMetricGoal.MAXIMIZE, run, interval, others };
  };
  // Where this policy decides (rungs for ASHA/Hyperband, the schedule for the others).
  const scheduled: number[] = [];
  for (let interval = 1; interval <= intervals; interval++) {
    const decision = policy.decide(inputFor(0, interval));
    if (!(decision.kind === 'skip' && decision.why === 'not-scheduled')) scheduled.push(interval);
  }
  if (scheduled.length === 0) return { decisions: null, skipped: 0, cancels: 0 };
  // Warm-up (JIT), untimed.
  for (let i = 0; i < 200; i++) policy.decide(inputFor(pick(), scheduled[i % scheduled.length] as number));
  const times: number[] = [];
  let skipped = 0;
  let cancels = 0;
  for (let i = 0; i < samples; i++) {
    const input = inputFor(pick(), scheduled[i % scheduled.length] as number);
    const t0 = performance.now();
    const decision = policy.decide(input);
    times.push(performance.now() - t0);
    if (decision.kind === 'skip') skipped += 1;
    if (decision.kind === 'cancel') cancels += 1;
  }
  return { decisions: tail(times), skipped, cancels };
}

const COST_POLICIES: readonly { label: string; spec: PolicyRecord }[] = [
  {
    label: 'Bandit(0.1,1,5)',
    spec: { kind: 'bandit', options: { slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 5 } },
  },
  { label: 'Median(1,5)', spec: { kind: 'median-stopping', options: { evaluationInterval: 1, delayEvaluation: 5 } } },
  {
    label: 'Truncation(20,1,5)',
    spec: {
      kind: 'truncation-selection',
      options: { truncationPercentage: 20, evaluationInterval: 1, delayEvaluation: 5 },
    },
  },
  {
    label: 'ASHA(η=3, r_min=1, R=100)',
    spec: { kind: 'asha', options: { reductionFactor: 3, minInterval: 1, maxInterval: 100 } },
  },
  {
    label: 'Hyperband(η=3, r_min=1, R=100)',
    spec: { kind: 'hyperband', options: { reductionFactor: 3, minInterval: 1, maxInterval: 100 } },
  },
];

/** Times `decide` of every policy of COST_POLICIES on `runs` synthetic runs × `intervals` intervals. */
export function policyDecisionCosts(
  runs: number,
  intervals: number,
  samples: number,
  log: (line: string) => void,
): PolicyCost[] {
  const histories = syntheticHistories(runs, intervals);
  const policies: PolicyCost[] = [];
  for (const { label, spec } of COST_POLICIES) {
    try {
      const cost = policyCost(policyFromRecord(spec), histories, intervals, samples);
      policies.push({ label, spec, ...cost, error: null });
      log(
        `orchestration: ${label}: p50 ${fixed(cost.decisions?.p50, 3)} ms, p95 ${fixed(cost.decisions?.p95, 3)} ms, max ${fixed(cost.decisions?.max, 3)} ms`,
      );
    } catch (error) {
      policies.push({ label, spec, decisions: null, skipped: 0, cancels: 0, error: errorText(error) });
    }
  }
  return policies;
}

// ---------------------------------------------------------------------------------------------

export async function runOrchestration(ctx: BenchContext): Promise<OrchestrationResult> {
  const trials = ctx.quick ? 100 : 1000;
  const repeats = ctx.quick ? 1 : 3;

  const node: NodeTrivial[] = [];
  for (const concurrency of [1, 8]) {
    await nodeTrivial(Math.min(100, trials), concurrency); // warm-up
    const wallMs: number[] = [];
    for (let r = 0; r < repeats; r++) wallMs.push(await nodeTrivial(trials, concurrency));
    node.push({ trials, concurrency, wallMs, perTrialMs: median(wallMs) / trials });
    ctx.log(
      `orchestration: Node, ${trials} trivial trials at concurrency ${concurrency}: ${fixed(median(wallMs) / trials, 3)} ms/trial`,
    );
  }

  const policyRuns = ctx.quick ? 200 : 1000;
  const policyIntervals = ctx.quick ? 30 : 100;
  const policies = policyDecisionCosts(policyRuns, policyIntervals, ctx.quick ? 200 : 2000, ctx.log);

  const browser = await ctx.browser();
  const browserRuns: TrivialOutcome[] = [];
  for (const plan of [
    { trials, concurrency: 2, store: 'indexeddb' as const },
    { trials, concurrency: 2, store: 'indexeddb' as const, recycleAfterTrials: trials },
    { trials, concurrency: 1, store: 'memory' as const, recycleAfterTrials: trials },
  ]) {
    const outcome = await browser.call('trivial', plan);
    ctx.log(
      `orchestration: browser, ${trials} trivial trials, ${JSON.stringify(plan)}: ${fixed(outcome.perTrialMs, 2)} ms/trial`,
    );
    browserRuns.push(outcome);
  }

  const idb: IdbOutcome[] = [];
  for (const plan of ctx.quick
    ? [{ runs: 10, pointsPerRun: 400, pointsPerCall: 4 }]
    : [
        { runs: 100, pointsPerRun: 1000, pointsPerCall: 4 },
        { runs: 10, pointsPerRun: 10_000, pointsPerCall: 1000 },
      ]) {
    const outcome = await browser.call('idb', plan);
    ctx.log(
      `orchestration: IndexedDB ${outcome.points} points in calls of ${plan.pointsPerCall}: ${Math.round(outcome.pointsPerSecond)} points/s`,
    );
    idb.push(outcome);
  }
  return { node, browser: browserRuns, policyRuns, policyIntervals, policies, idb };
}

/** Wall time per trial once the pool is up: (wall − first trial) / (trials − 1). */
export function steadyPerTrial(b: TrivialOutcome): number {
  return (b.wallMs - b.firstTrialMs) / Math.max(1, b.plan.trials - 1);
}

export function orchestrationChecks(result: OrchestrationResult): Check[] {
  const checks: Check[] = [];
  for (const n of result.node) {
    checks.push({
      section: 'Orchestration',
      what: `overhead per trial, Node in-process, concurrency ${n.concurrency}`,
      figure: `${fixed(n.perTrialMs, 3)} ms`,
      target: `≤ ${PER_TRIAL_TARGET_MS} ms`,
      pass: n.perTrialMs <= PER_TRIAL_TARGET_MS,
    });
  }
  for (const b of result.browser) {
    const steady = steadyPerTrial(b);
    checks.push({
      section: 'Orchestration',
      what: `overhead per trial, browser worker pool (${b.concurrency} workers, ${b.plan.store}, ${b.plan.recycleAfterTrials === undefined ? 'recycled every 20 trials (default)' : 'no recycling'})`,
      figure: `${fixed(b.perTrialMs, 2)} ms (${fixed(steady, 2)} ms after the first trial's pool start-up)`,
      target: `≤ ${PER_TRIAL_TARGET_MS} ms`,
      pass: b.perTrialMs <= PER_TRIAL_TARGET_MS,
    });
  }
  for (const p of result.policies) {
    checks.push({
      section: 'Orchestration',
      what: `policy decision at ${result.policyRuns} runs × ${result.policyIntervals} intervals, ${p.label} (p95)`,
      figure:
        p.decisions === null
          ? `n/a${p.error === null ? '' : `: ${p.error}`}`
          : `p50 ${fixed(p.decisions.p50, 3)} / p95 ${fixed(p.decisions.p95, 3)} / max ${fixed(p.decisions.max, 3)} ms`,
      target: `≤ ${DECISION_TARGET_MS} ms`,
      pass: p.decisions === null ? null : p.decisions.p95 <= DECISION_TARGET_MS,
    });
  }
  for (const i of result.idb) {
    checks.push({
      section: 'Orchestration',
      what: `IndexedDbStore flush throughput, ${i.points} points in calls of ${i.plan.pointsPerCall}`,
      figure: `${Math.round(i.pointsPerSecond).toLocaleString('en-US')} points/s`,
      target: `≥ ${IDB_TARGET_POINTS_PER_S.toLocaleString('en-US')} points/s`,
      pass: i.pointsPerSecond >= IDB_TARGET_POINTS_PER_S,
    });
  }
  return checks;
}

export function renderOrchestration(result: OrchestrationResult): string[] {
  const lines: string[] = [
    '### Overhead per trial',
    '',
    'A trivial training function (one `run.log` of the primary metric, no TF.js work) run as a whole sweep; overhead per trial = wall time / trials (sampling, run records, store writes, policy, scheduling, and in the browser the worker round trips).',
    '',
  ];
  lines.push(
    ...table(
      [
        'where',
        'trials',
        'concurrency',
        'wall (median of runs)',
        'per trial',
        'target',
        'per trial after the first (pool up)',
        'median per trial (ms clocks): created → started / started → ended / ended → next created',
      ],
      [
        ...result.node.map((n) => [
          'Node: InProcessRunner + MemoryStore',
          String(n.trials),
          String(n.concurrency),
          `${ms(median(n.wallMs), 0)} (${n.wallMs.map((w) => ms(w, 0)).join(', ')})`,
          `${fixed(n.perTrialMs, 3)} ms`,
          `${mark(n.perTrialMs <= PER_TRIAL_TARGET_MS)} ≤ ${PER_TRIAL_TARGET_MS} ms`,
          '—',
          '—',
        ]),
        ...result.browser.map((b) => [
          `Chromium: WorkerPool (cpu backend) + ${b.plan.store === 'indexeddb' ? 'IndexedDbStore' : 'MemoryStore'}, ${b.plan.recycleAfterTrials === undefined ? 'workers recycled every 20 trials (default)' : 'no recycling'}; ${b.spawned} worker(s) spawned, first trial ${ms(b.firstTrialMs, 0)}`,
          String(b.plan.trials),
          String(b.concurrency),
          ms(b.wallMs, 0),
          `${fixed(b.perTrialMs, 2)} ms`,
          `${mark(b.perTrialMs <= PER_TRIAL_TARGET_MS)} ≤ ${PER_TRIAL_TARGET_MS} ms`,
          `${fixed(steadyPerTrial(b), 2)} ms`,
          // With several workers the next run is created when any worker frees up: no gap to show.
          `${b.phases.dispatch} / ${b.phases.run} / ${b.concurrency === 1 ? b.phases.gap : '—'} ms`,
        ]),
      ],
    ),
    '',
    '### Policy decision cost',
    '',
    `\`policy.decide\` called directly on ${result.policyRuns} synthetic finished runs × ${result.policyIntervals} intervals (saturating curves with noise); ` +
      'the judged run has reported N intervals, `others` holds the other runs as the orchestrator passes them; N cycles through the intervals where the policy decides (its schedule, or its rungs).',
    '',
    ...table(
      ['policy', 'decisions timed', 'p50', 'p95', 'max', 'cancel verdicts', 'target (p95)'],
      result.policies.map((p) =>
        p.decisions === null
          ? [p.label, '0', 'n/a', 'n/a', 'n/a', '', `${mark(null)} ${p.error ?? ''}`]
          : [
              p.label,
              String(p.decisions.n),
              `${fixed(p.decisions.p50, 3)} ms`,
              `${fixed(p.decisions.p95, 3)} ms`,
              `${fixed(p.decisions.max, 3)} ms`,
              String(p.cancels),
              `${mark(p.decisions.p95 <= DECISION_TARGET_MS)} ≤ ${DECISION_TARGET_MS} ms`,
            ],
      ),
    ),
    '',
    '### IndexedDB store flush throughput',
    '',
    '`IndexedDbStore` on the page (persistent profile on disk): points from many runs appended the way the orchestrator does it (interleaved across runs, awaited one call at a time), then `flush()`; throughput = points / (first append → flush resolved). Read back and counted afterwards.',
    '',
    ...table(
      [
        'points',
        'runs',
        'points per call',
        'append',
        'to flushed',
        'transactions',
        'read back',
        'throughput',
        'target',
      ],
      result.idb.map((i) => [
        String(i.points),
        String(i.plan.runs),
        String(i.plan.pointsPerCall),
        ms(i.appendMs, 0),
        ms(i.totalMs, 0),
        String(i.transactions),
        String(i.readBack),
        `${Math.round(i.pointsPerSecond).toLocaleString('en-US')} points/s`,
        `${mark(i.pointsPerSecond >= IDB_TARGET_POINTS_PER_S)} ≥ ${IDB_TARGET_POINTS_PER_S.toLocaleString('en-US')}`,
      ]),
    ),
  );
  return lines;
}
