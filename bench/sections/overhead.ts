/**
 * 1. Engine overhead: the digits MLP with fixed hyperparameters and epochs, trained (a) as a
 * plain TF.js loop in a dedicated bench worker and (b) as one Overdrive trial (orchestrator,
 * WorkerPool, trial worker, IndexedDB store), interleaved, per backend.
 */
import { type BenchContext, type Check, fixed, mark, ms, table } from '../lib/context.js';
import { median, spread, type Spread } from '../lib/stats.js';
import type { BackendProbe, BenchBackend, OverheadSample, OverheadVariant } from '../lib/types.js';
import { overheadConfig } from '../lib/workloads.js';

export const OVERHEAD_TARGET = 1.03;
const BACKENDS: readonly BenchBackend[] = ['wasm', 'cpu', 'webgl', 'webgpu'];
/**
 * Epochs per backend: the model and its hyperparameters are the same everywhere, and each backend
 * trains about 2 s per repetition, a short trial by tuning standards. webgl and webgpu run on
 * SwiftShader (the CPU emulating a GPU) here, 5–20x slower, so they need fewer epochs for that.
 * Both sides of a ratio always train the same epochs. A trial's fixed cost (start, final
 * checkpoint, sweep end: 10–30 ms) is reported on its own in the second table; at 10 wasm
 * epochs (0.5 s) it alone was 2–6 % of the time, at 30 it is within noise.
 */
const EPOCHS: Readonly<Record<BenchBackend, { full: number; quick: number }>> = {
  wasm: { full: 30, quick: 2 },
  cpu: { full: 10, quick: 1 },
  webgl: { full: 3, quick: 1 },
  webgpu: { full: 2, quick: 1 },
};

/** A page sample plus the CPU time our Chromium's processes spent on it (all threads). */
export interface TimedSample extends OverheadSample {
  readonly cpuMs: number | null;
}
const VARIANTS: readonly OverheadVariant[] = ['plain', 'plain+cancel-hook', 'overdrive'];

export interface BackendOverhead {
  readonly backend: BenchBackend;
  readonly probe: BackendProbe;
  readonly error: string | null;
  readonly epochs: number;
  readonly repetitions: number;
  readonly coldMs: { readonly plain: number | null; readonly overdrive: number | null };
  readonly samples: readonly TimedSample[];
  readonly spreads: Readonly<Partial<Record<OverheadVariant, Spread>>>;
  readonly cpuSpreads: Readonly<Partial<Record<OverheadVariant, Spread>>>;
  /** median(overdrive) / median(plain), wall time. */
  readonly ratio: number | null;
  /** min(overdrive) / min(plain): the least disturbed run of each. */
  readonly minRatio: number | null;
  /** median CPU time overdrive / plain (every Chromium thread: page, workers, IndexedDB, GPU process). */
  readonly cpuRatio: number | null;
  /** The per-repetition ratios overdrive_i / plain_i (paired, adjacent in time). */
  readonly pairedRatios: Spread | null;
  /** median(plain+cancel-hook) / median(plain): what the per-batch cancellation hook costs. */
  readonly hookRatio: number | null;
  readonly finalValAccuracy: Readonly<Partial<Record<OverheadVariant, number>>>;
  /** Medians over the Overdrive runs: submit → Running, last metric → done, checkpoint write. */
  readonly phases: {
    readonly startMs: number;
    readonly tailMs: number;
    readonly checkpointWriteMs: number;
    /** Median IndexedDB write-batch transactions per trial. */
    readonly transactions: number;
  } | null;
}

export interface OverheadResult {
  readonly config: ReturnType<typeof overheadConfig>;
  readonly cpuTime: boolean;
  readonly backends: readonly BackendOverhead[];
}

export async function runOverhead(ctx: BenchContext): Promise<OverheadResult> {
  const browser = await ctx.browser();
  const results: BackendOverhead[] = [];
  const config = overheadConfig(EPOCHS.wasm[ctx.quick ? 'quick' : 'full']);
  for (const backend of BACKENDS) {
    const epochs = EPOCHS[backend][ctx.quick ? 'quick' : 'full'];
    const params = overheadConfig(epochs);
    ctx.log(`overhead: probing ${backend}`);
    const probe = await browser.call('probe', backend);
    const empty = {
      backend,
      probe,
      epochs,
      repetitions: 0,
      coldMs: { plain: null, overdrive: null },
      samples: [],
      spreads: {},
      cpuSpreads: {},
      ratio: null,
      minRatio: null,
      cpuRatio: null,
      pairedRatios: null,
      hookRatio: null,
      finalValAccuracy: {},
      phases: null,
    };
    if (!probe.available) {
      ctx.log(`overhead: ${backend} unavailable: ${probe.error ?? ''}`);
      results.push({ ...empty, error: probe.error ?? 'unavailable' });
      continue;
    }
    const opened = await browser.call('overheadOpen', backend, params);
    if (!opened.ok) {
      ctx.log(`overhead: ${backend} failed: ${opened.error ?? ''}`);
      results.push({ ...empty, error: opened.error ?? 'failed', coldMs: opened.coldMs });
      continue;
    }
    // Repetitions sized to a time budget per backend, from the cold plain run.
    const perRun = Math.max(200, (opened.coldMs.plain ?? 1000) * 0.8);
    const budgetMs = ctx.quick ? 15_000 : 120_000;
    const repetitions = Math.max(ctx.quick ? 2 : 4, Math.min(ctx.quick ? 2 : 11, Math.floor(budgetMs / (3 * perRun))));
    const samples: TimedSample[] = [];
    try {
      for (let rep = 0; rep < repetitions; rep++) {
        // Interleaved, and the order reversed every other repetition so that a drift in the
        // machine's load does not favour whichever variant always runs first.
        const order = rep % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) {
          const c0 = browser.cpuMs();
          const sample = await browser.call('overheadRep', variant);
          const c1 = browser.cpuMs();
          samples.push({ ...sample, cpuMs: c0 === null || c1 === null ? null : c1 - c0 });
        }
        const last = samples
          .slice(-3)
          .map((s) => `${s.variant} ${ms(s.ms, 0)}`)
          .join(', ');
        ctx.log(`overhead: ${backend} repetition ${rep + 1}/${repetitions}: ${last}`);
      }
    } finally {
      await browser.call('overheadClose');
    }
    const of = (variant: OverheadVariant): number[] => samples.filter((s) => s.variant === variant).map((s) => s.ms);
    const cpuOf = (variant: OverheadVariant): number[] =>
      samples.filter((s) => s.variant === variant && s.cpuMs !== null).map((s) => s.cpuMs as number);
    const spreads = Object.fromEntries(VARIANTS.map((v) => [v, spread(of(v))])) as Record<OverheadVariant, Spread>;
    const cpuSpreads = Object.fromEntries(VARIANTS.map((v) => [v, spread(cpuOf(v))])) as Record<
      OverheadVariant,
      Spread
    >;
    const plain = of('plain');
    const overdrive = of('overdrive');
    const paired = plain.map((p, i) => (overdrive[i] ?? Number.NaN) / p);
    const accuracy = Object.fromEntries(
      VARIANTS.map((v) => [
        v,
        median(
          samples
            .filter((s) => s.variant === v && s.finalValAccuracy !== null)
            .map((s) => s.finalValAccuracy as number),
        ),
      ]),
    ) as Record<OverheadVariant, number>;
    results.push({
      backend,
      probe,
      error: null,
      epochs,
      repetitions,
      coldMs: opened.coldMs,
      samples,
      spreads,
      cpuSpreads,
      ratio: spreads.overdrive.median / spreads.plain.median,
      minRatio: spreads.overdrive.min / spreads.plain.min,
      cpuRatio: cpuSpreads.plain.n === 0 ? null : cpuSpreads.overdrive.median / cpuSpreads.plain.median,
      pairedRatios: spread(paired),
      hookRatio: spreads['plain+cancel-hook'].median / spreads.plain.median,
      finalValAccuracy: accuracy,
      phases: (() => {
        const ph = samples.flatMap((x) => (x.phases === null ? [] : [x.phases]));
        if (ph.length === 0) return null;
        return {
          startMs: median(ph.map((p) => p.started)),
          tailMs: median(ph.map((p) => p.done - p.lastMetric)),
          checkpointWriteMs: median(ph.map((p) => p.checkpointWriteMs)),
          transactions: median(ph.map((p) => p.transactions)),
        };
      })(),
    });
  }
  return { config, cpuTime: results.some((r) => r.cpuRatio !== null), backends: results };
}

export function overheadChecks(result: OverheadResult): Check[] {
  const checks: Check[] = [];
  for (const b of result.backends) {
    checks.push({
      section: 'Engine overhead',
      what: `Overdrive / plain TF.js, ${b.backend}, wall time (median)`,
      figure:
        b.ratio === null
          ? `not measured: ${b.error ?? 'unavailable'}`
          : `${fixed(b.ratio)} (paired p25–p75 ${fixed(b.pairedRatios?.p25)}–${fixed(b.pairedRatios?.p75)}; min/min ${fixed(b.minRatio)})`,
      target: `≤ ${OVERHEAD_TARGET}`,
      pass: b.ratio === null ? null : b.ratio <= OVERHEAD_TARGET,
    });
    if (b.cpuRatio !== null) {
      checks.push({
        section: 'Engine overhead',
        what: `Overdrive / plain TF.js, ${b.backend}, CPU time of all Chromium processes (median)`,
        figure: fixed(b.cpuRatio),
        target: `≤ ${OVERHEAD_TARGET}`,
        pass: b.cpuRatio <= OVERHEAD_TARGET,
      });
    }
  }
  checks.push({
    section: 'Engine overhead',
    what: 'Overdrive / plain TF.js, webgpu on a real GPU',
    figure: 'not measured: no GPU machine was available in this session',
    target: `≤ ${OVERHEAD_TARGET}`,
    pass: null,
  });
  return checks;
}

export function renderOverhead(result: OverheadResult): string[] {
  const c = result.config;
  const lines: string[] = [
    `Model: the \`digits-mlp\` built-in with fixed hyperparameters (learning_rate ${c.learning_rate}, batch_size ${c.batch_size}, ` +
      `${c.hidden_layers} × ${c.hidden_units} relu, dropout ${c.dropout}, ${c.optimizer}) on all ${c.train_samples} training rows, ` +
      'validation on the held-out rows after every epoch; the same epochs on both sides (column "epochs": fewer on webgl/webgpu, which run on SwiftShader, the CPU emulating a GPU, here).',
    '',
    '- **plain**: a dedicated bench worker (`bench/pages/plain-worker.ts`) that builds the same model on the same rows and makes the same `fit` calls (one per epoch, same options), nothing else; timed on the page from `postMessage` to the reply.',
    "- **plain+cancel-hook**: the same plus the per-batch `{ onBatchEnd }` function callback the built-in examples used for cancellation before this change (TF.js resolves the batch's loss and accuracy for it: a read back per batch); shown to measure what replacing it with `StopWhenCanceled` saved. Overdrive no longer pays it.",
    "- **overdrive**: one sweep of one trial (`maxTotalRuns: 1`) through `Experiment.submit` → orchestrator → `WorkerPool` (1 warm worker) → trial worker → the built-in example, metrics and the final checkpoint into `IndexedDbStore`; timed from `submit` to `waitForCompletion()` (the store flushed). The worker is a page-origin one, as the Studio runs a built-in model (`src/browser/browser-workspace.ts`; a training module runs in the sandbox frame, whose hop is measured in section 5): until 2026-12-07 this row ran the built-in in the sandbox frame, the pool's default, which is not how the app runs it.",
    '',
    'Both workers are warm (TF.js, backend and data loaded; the cold first runs are listed below). Repetitions are interleaved (plain, hook, overdrive, then reversed). ' +
      (result.cpuTime
        ? '**CPU time** is what every thread of this Chromium (page, workers, browser process with IndexedDB, GPU process) spent on the run, from /proc: unlike wall time it does not grow with the other tenants of the machine, so on a shared machine it is the steadier measure of what Overdrive adds.'
        : 'CPU time is unavailable on this OS: wall time only.'),
    '',
  ];
  const wall = (b: BackendOverhead, v: OverheadVariant): string => {
    const x = b.spreads[v];
    return x === undefined ? 'n/a' : `${ms(x.median, 0)} (${ms(x.p25, 0)}–${ms(x.p75, 0)})`;
  };
  const cpu = (b: BackendOverhead, v: OverheadVariant): string => {
    const x = b.cpuSpreads[v];
    return x === undefined || x.n === 0 ? 'n/a' : ms(x.median, 0);
  };
  const rows = result.backends.map((b) => {
    if (b.ratio === null)
      return [
        b.backend,
        String(b.epochs),
        '0',
        'n/a',
        'n/a',
        'n/a',
        'n/a',
        'n/a',
        'n/a',
        `${mark(null)} ${b.error ?? ''}`,
      ];
    return [
      b.backend + (b.probe.adapter !== null ? ` (${b.probe.adapter})` : ''),
      String(b.epochs),
      String(b.repetitions),
      wall(b, 'plain'),
      wall(b, 'plain+cancel-hook'),
      wall(b, 'overdrive'),
      `**${fixed(b.ratio)}** [${fixed(b.pairedRatios?.p25)}–${fixed(b.pairedRatios?.p75)}]; min/min ${fixed(b.minRatio)}`,
      `${cpu(b, 'plain')} / ${cpu(b, 'plain+cancel-hook')} / ${cpu(b, 'overdrive')}`,
      b.cpuRatio === null ? 'n/a' : `**${fixed(b.cpuRatio)}**`,
      `wall ${mark(b.ratio <= OVERHEAD_TARGET)}, CPU ${mark(b.cpuRatio === null ? null : b.cpuRatio <= OVERHEAD_TARGET)} (≤ ${OVERHEAD_TARGET})`,
    ];
  });
  rows.push([
    'webgpu on a GPU',
    '—',
    '—',
    '—',
    '—',
    '—',
    'not measured',
    '—',
    '—',
    `${mark(null)} no GPU machine was available in this session`,
  ]);
  lines.push(
    ...table(
      [
        'backend',
        'epochs',
        'reps',
        'plain: wall median (p25–p75)',
        'plain+cancel-hook',
        'overdrive',
        'wall ratio overdrive/plain [paired p25–p75]',
        'CPU time plain / hook / overdrive',
        'CPU ratio',
        'target',
      ],
      rows,
    ),
  );
  lines.push('');
  const coldRows = result.backends
    .filter((b) => b.ratio !== null)
    .map((b) => [
      b.backend,
      ms(b.coldMs.plain, 0),
      ms(b.coldMs.overdrive, 0),
      fixed(b.hookRatio),
      `${fixed(b.finalValAccuracy.plain)} / ${fixed(b.finalValAccuracy.overdrive)}`,
      b.probe.stepMs === null ? 'n/a' : ms(b.probe.stepMs, 2),
      b.phases === null
        ? 'n/a'
        : `${ms(b.phases.startMs)} / ${ms(b.phases.tailMs)} (checkpoint write ${ms(b.phases.checkpointWriteMs)}; ${fixed(b.phases.transactions, 0)} write transactions)`,
    ]);
  lines.push(
    ...table(
      [
        'backend',
        'cold plain (new worker)',
        'cold overdrive (first trial of a new pool)',
        'wall hook / plain',
        'final val_accuracy plain / overdrive',
        'one training step (batch 32)',
        'overdrive: submit → trial started / last metric → sweep done',
      ],
      coldRows,
    ),
  );
  const unavailable = result.backends.filter((b) => b.ratio === null);
  if (unavailable.length > 0) lines.push('', ...unavailable.map((b) => `- ${b.backend}: ${b.error ?? 'unavailable'}`));
  return lines;
}
