// `npm run bench`: Overdrive's performance figures, side by side in one run, against their
// targets. Writes bench/results/bench.md and bench/results/bench.json. Never fails on timing.
//
//   npm run bench                          # everything (≲ 30 min on 2 cores)
//   npm run bench -- --quick               # a much smaller version, for smoke testing
//   npm run bench -- --only=overhead,scaling,orchestration,studio,savings,sampler,limits,sandbox,data,data-train
//   options: --no-build (reuse bench/dist), --port=4420, --out=bench/results, --cnn-backend=cpu,
//            --savings-models=mlp (skip the CNN recording), --scaling-backend=webgpu --scaling-levels=1,2,4,8 (pool scaling on a GPU machine; add
//            Chromium flags such as Vulkan's through OVERDRIVE_CHROMIUM_ARGS)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBenchPages, DEFAULT_PORT, openBenchBrowser, type BenchBrowser } from './lib/browser.js';
import { type BenchContext, type Check, errorText, mark } from './lib/context.js';
import { currentLoad, machineInfo } from './lib/machine.js';
import { renderReport, type BenchResults, type SectionOutcome } from './lib/report.js';
import type { BenchBackend } from './lib/types.js';
import { overheadChecks, renderOverhead, runOverhead } from './sections/overhead.js';
import { orchestrationChecks, renderOrchestration, runOrchestration } from './sections/orchestration.js';
import { renderSavings, runSavings, savingsChecks } from './sections/savings.js';
import { renderScaling, runScaling, scalingChecks } from './sections/scaling.js';
import { renderStudio, runStudioAtScale, studioChecks } from './sections/studio.js';
import { renderSamplerMainThread, runSamplerMainThread, samplerMainThreadChecks } from './sections/sampler.js';
import { limitsChecks, renderLimits, runLimits } from './sections/limits.js';
import { renderSandboxOverhead, runSandboxOverhead, sandboxOverheadChecks, sandboxReport } from './sections/sandbox.js';
import { dataChecks, renderData, runData } from './sections/data.js';
import { dataTrainChecks, renderDataTrain, runDataTrain } from './sections/data-train.js';

const SECTIONS = [
  'overhead',
  'scaling',
  'orchestration',
  'studio',
  'savings',
  'sampler',
  'limits',
  'sandbox',
  'data',
  'data-train',
] as const;
type SectionName = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    port: { type: 'string', default: String(DEFAULT_PORT) },
    out: { type: 'string', default: 'bench/results' },
    'cnn-backend': { type: 'string', default: 'cpu' },
    'scaling-backend': { type: 'string', default: 'wasm' },
    'scaling-levels': { type: 'string', default: '1,2,4' },
    'savings-models': { type: 'string', default: 'mlp,cnn' },
  },
});

function selectedSections(): SectionName[] {
  if (args.only === undefined) return [...SECTIONS];
  const wanted = args.only
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    process.stderr.write(`unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}\n`);
    process.exit(2);
  }
  return SECTIONS.filter((s) => wanted.includes(s));
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<void> {
  const started = performance.now();
  const sections = selectedSections();
  const quick = args.quick === true;
  const cnnBackend = args['cnn-backend'] as BenchBackend;
  const machine = machineInfo();
  const build = args['no-build'] !== true;
  let browser: BenchBrowser | null = null;
  let opening: Promise<BenchBrowser> | null = null;
  const levels = args['scaling-levels'].split(',').map(Number);
  if (!levels.every((l) => Number.isInteger(l) && l >= 1) || !levels.includes(1)) {
    process.stderr.write(`--scaling-levels must be positive integers including 1 (got ${args['scaling-levels']})\n`);
    process.exit(2);
  }
  const ctx: BenchContext = {
    quick,
    scaling: { backend: args['scaling-backend'] as BenchBackend, levels },
    machine,
    log,
    browser: () => {
      opening ??= (async () => {
        if (build) {
          log('building bench/pages with bench/vite.config.ts into bench/dist');
          await buildBenchPages();
        }
        const opened = await openBenchBrowser(Number(args.port), log);
        log(`bench page open at ${opened.url} in ${opened.browserVersion}`);
        await opened.call('resetStorage');
        browser = opened;
        return opened;
      })();
      return opening;
    },
  };

  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      quick,
      sections,
      machine,
      browserVersion: null,
      loadAtEnd: Number.NaN,
      durationSeconds: Number.NaN,
      sharedMachineNote:
        "Wall times on a 2-core machine are noisy (±5 % between repetitions is common): read the medians with their quartiles, and the CPU-time ratios where given. The load average below counts every process on the machine; the bench's own Chromium keeps one to two cores busy, so a load well above the core count means other work competed and the timings are pessimistic.",
    },
    sections: {},
  };
  const checks: Check[] = [];
  const record = <T>(name: SectionName, outcome: SectionOutcome<T>): void => {
    (results.sections as Record<string, unknown>)[name] = outcome;
  };

  // Each section: measure, then render its part of the report and its figures against targets.
  const section =
    <T>(run: (c: BenchContext) => Promise<T>, render: (r: T) => string[], checksOf: (r: T) => Check[]) =>
    async (c: BenchContext): Promise<{ result: T; markdown: string[]; checks: Check[] }> => {
      const result = await run(c);
      return { result, markdown: render(result), checks: checksOf(result) };
    };
  const runners: Record<
    SectionName,
    (c: BenchContext) => Promise<{ result: unknown; markdown: string[]; checks: Check[] }>
  > = {
    overhead: section(runOverhead, renderOverhead, overheadChecks),
    scaling: section(runScaling, renderScaling, scalingChecks),
    orchestration: section(runOrchestration, renderOrchestration, orchestrationChecks),
    studio: section(runStudioAtScale, renderStudio, studioChecks),
    savings: section(
      (c) =>
        runSavings(c, {
          cnnBackend,
          models: args['savings-models'].split(',').filter((m): m is 'mlp' | 'cnn' => m === 'mlp' || m === 'cnn'),
        }),
      renderSavings,
      savingsChecks,
    ),
    sampler: section(runSamplerMainThread, renderSamplerMainThread, samplerMainThreadChecks),
    limits: section(runLimits, renderLimits, limitsChecks),
    sandbox: section(runSandboxOverhead, renderSandboxOverhead, sandboxOverheadChecks),
    data: section(runData, renderData, dataChecks),
    'data-train': section(runDataTrain, renderDataTrain, dataTrainChecks),
  };

  try {
    for (const name of sections) {
      const t0 = performance.now();
      log(`section ${name}: start`);
      try {
        const measured = await runners[name](ctx);
        record(name, { ok: true, result: measured.result, markdown: measured.markdown, seconds: 0 });
        checks.push(...measured.checks);
      } catch (error) {
        log(`section ${name} failed: ${errorText(error)}`);
        if (error instanceof Error && error.stack !== undefined) log(error.stack);
        record(name, {
          ok: false,
          error: errorText(error),
          markdown: [`**This section failed:** ${errorText(error)}`],
          seconds: 0,
        });
      }
      const outcome = (results.sections as Record<string, SectionOutcome<unknown>>)[name];
      if (outcome !== undefined) outcome.seconds = (performance.now() - t0) / 1000;
      log(`section ${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    const opened = browser as BenchBrowser | null;
    if (opened !== null) {
      results.meta.browserVersion = opened.browserVersion;
      await opened.close().catch(() => {});
    }
  }

  results.meta.loadAtEnd = currentLoad();
  results.meta.durationSeconds = (performance.now() - started) / 1000;
  const outDir = resolve(args.out ?? 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const markdown = renderReport(results, checks);
  writeFileSync(resolve(outDir, 'bench.md'), markdown);
  writeFileSync(resolve(outDir, 'bench.json'), `${JSON.stringify({ ...results, checks }, jsonReplacer, 2)}\n`);
  const sandbox = results.sections.sandbox;
  if (sandbox !== undefined)
    writeFileSync(
      resolve(outDir, 'sandbox.md'),
      `${sandboxReport(sandbox.markdown, results.meta, results.meta.browserVersion)}\n`,
    );

  process.stdout.write('\nOverdrive benchmark: figures against targets\n');
  for (const check of checks) {
    process.stdout.write(
      `  ${mark(check.pass)} [${check.section}] ${check.what}: ${check.figure} (target ${check.target})\n`,
    );
  }
  process.stdout.write(
    `\nwrote ${resolve(outDir, 'bench.md')} and bench.json in ${results.meta.durationSeconds.toFixed(0)} s\n`,
  );
  // The size budget (bench/size.ts) packs the package: part of the whole bench, not of a chosen
  // section (`npm run bench:size` runs it alone). Run from here, not chained in package.json,
  // so that `npm run bench -- --only=…` reaches this script's options.
  if (args.only === undefined) {
    const size = spawnSync('npx', ['tsx', 'bench/size.ts'], { stdio: 'inherit' });
    if (size.status !== 0) throw new Error(`bench/size.ts exited with ${size.status}`);
  }
}

/** NaN and Infinity are not JSON: written as null. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

main().catch((error: unknown) => {
  // Timing never fails the bench; only a broken harness does.
  process.stderr.write(`bench failed: ${errorText(error)}\n`);
  if (error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
