// The headless CLI: `npm run sweep -- <spec.json|job.yml> [--json] [--backend ...]` from a
// checkout, `npx overdrive sweep <spec>` from the installed package (built into lib/cli/ by
// scripts/build-lib.ts). Serves the built app on 127.0.0.1 (a checkout's dist/, rebuilt when
// its sources changed; the package's lib/app/), drives Debian's Chromium with Playwright through
// the same browser runtime the app uses (worker pool, TF.js, IndexedDB), and prints the results.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright';
import { ConfigError, NotImplementedError } from '../src/errors.js';
import { buildSweepReport, progressLine, renderSweepReport } from '../src/report/index.js';
import { BUILTIN_EXAMPLES } from '../src/examples/registry.js';
import { parseSweepJobText } from '../src/sweep-file/index.js';
import type { RunRecord, SweepRecord } from '../src/store/records.js';
import type { HeadlessResult } from '../src/app/headless-api.js';
import { CliUsageError, USAGE, parseCliArgs } from './cli-args.js';
import { CHROMIUM_FLAGS } from './chromium-flags.js';
import { cliCalibrationCache } from './calibration-cache.js';
import { hasBuiltApp, isUpToDate, sourceFingerprint, writeStamp } from './app-build.js';
import { DATA_FOLDER_URL, moduleInFolder, TRIAL_FOLDER_URL, type ServedModule } from './spec-folder.js';
import { startStaticServer } from './static-server.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The installed package's prebuilt app (lib/cli/overdrive.js -> lib/app/); absent in a checkout. */
const packagedApp = resolve(here, '../app');
const packaged = hasBuiltApp(packagedApp);
const root = packaged ? resolve(here, '../..') : resolve(here, '..');

function version(): string {
  return (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The app to serve: the package's, or a checkout's dist/ (built when stale); a string is an error. */
async function appFolder(build: boolean, rebuild: boolean): Promise<string | { error: string }> {
  if (packaged) return packagedApp;
  // OVERDRIVE_DIST: another build folder of this checkout (side-by-side test runs use their own).
  const dist = resolve(root, process.env['OVERDRIVE_DIST'] ?? 'dist');
  if (!build) {
    return hasBuiltApp(dist) ? dist : { error: `no built app in ${dist}: run \`npm run build\`, or drop --no-build` };
  }
  if (!rebuild && isUpToDate(root, dist)) {
    process.stderr.write('the app in dist/ is up to date with its sources (--rebuild builds anyway)\n');
    return dist;
  }
  const fingerprint = sourceFingerprint(root);
  process.stderr.write('building the app...\n');
  // Loaded only here: the installed package has no Vite and needs none.
  const { build: viteBuild } = await import('vite');
  await viteBuild({ root, logLevel: 'error' });
  writeStamp(dist, fingerprint);
  return dist;
}

/** Chromium through Playwright, or one line saying what to install. */
async function launchBrowser(): Promise<Browser | { error: string }> {
  const executablePath = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    return {
      error: `no Chromium at ${executablePath}: install Debian's (sudo apt-get install -y chromium) or set CHROME_PATH to a Chrome or Chromium binary`,
    };
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright'));
  } catch {
    return { error: 'the CLI drives Chromium through Playwright, which is not installed: npm install playwright' };
  }
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS] });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { error: `Chromium at ${executablePath} did not start: ${first}` };
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }

  const specPath = resolve(args.specPath);
  let text: string;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (error) {
    process.stderr.write(`error: cannot read spec ${args.specPath}: ${(error as Error).message}\n`);
    return 2;
  }
  // Validate in Node first so a bad spec fails fast, before any build or browser start.
  let parsed;
  try {
    // A spec of ours or an Azure ML v2 sweep job, as JSON or YAML; an Azure job's command
    // trial needs --trial to say what to train in the browser.
    // No `source`: the message below already names the file, so positions read "line L, column C".
    parsed = parseSweepJobText(text, {
      builtinTrials: BUILTIN_EXAMPLES,
      ...(args.trial === undefined
        ? {}
        : { trial: /[/\\]|\.m?js$/.test(args.trial) ? { module: resolve(args.trial) } : args.trial }),
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof NotImplementedError || error instanceof SyntaxError) {
      process.stderr.write(`spec error in ${args.specPath}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  // A trial given as a file path is served next to the app under a fixed URL, with the folder it
  // sits in (so that it can import its neighbours) and nothing else: a spec may name only a file
  // in its own folder; a module named with --trial on the command line brings its own folder.
  const mounts: Record<string, string> = {};
  for (const warning of parsed.warnings) process.stderr.write(`warning: ${warning.field}: ${warning.message}\n`);
  let spec: unknown = parsed.spec;
  const trial = parsed.hyperDriveConfigOptions.trial;
  if (trial.kind === 'module' && !/^[a-z][a-z0-9+.-]*:/i.test(trial.url)) {
    const fromArgs = args.trial !== undefined && trial.url === resolve(args.trial);
    let served: ServedModule;
    try {
      served = fromArgs
        ? await moduleInFolder(dirname(trial.url), basename(trial.url), '--trial')
        : await moduleInFolder(dirname(specPath), trial.url, 'trial.module');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`spec error in ${args.specPath}: ${error.message}\n`);
      return 2;
    }
    mounts[TRIAL_FOLDER_URL] = served.folder;
    spec = { ...(spec as Record<string, unknown>), trial: { module: served.url } };
  }

  // The data file a spec names (`data.path`) must also lie inside the spec's folder; that folder is
  // served to the page, which stores the file in its dataset store before the sweep starts.
  let dataUrl: string | undefined;
  if (parsed.data?.kind === 'file') {
    if ('kind' in parsed.data.data) {
      // An image folder is many files picked together; the CLI reads one table file.
      process.stderr.write(
        `spec error in ${args.specPath}: data.kind: "images" with data.path: the CLI reads one CSV, TSV or JSON file; pick an image folder in the Studio's Data step\n`,
      );
      return 2;
    }
    try {
      const served = await moduleInFolder(
        dirname(specPath),
        parsed.data.path,
        'data.path',
        DATA_FOLDER_URL,
        'a data file (CSV, TSV or JSON); an image folder is picked in the Studio',
      );
      mounts[DATA_FOLDER_URL] = served.folder;
      dataUrl = served.url;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`spec error in ${args.specPath}: ${error.message}\n`);
      return 2;
    }
  }

  const app = await appFolder(args.build, args.rebuild);
  if (typeof app !== 'string') {
    process.stderr.write(`error: ${app.error}\n`);
    return 2;
  }
  const browser = await launchBrowser();
  if ('error' in browser) {
    process.stderr.write(`error: ${browser.error}\n`);
    return 2;
  }
  const server = await startStaticServer(app, mounts);
  let canceled = false;
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    let lastLine = '';
    const calibrations = cliCalibrationCache(browser.version(), args.recalibrate);
    await page.exposeFunction('overdriveCalibrationGet', (key: string) => calibrations.get(key));
    await page.exposeFunction('overdriveCalibrationSet', (key: string, result: unknown) =>
      calibrations.set(key, result),
    );
    await page.exposeFunction('overdriveProgress', (sweep: SweepRecord, runs: RunRecord[]) => {
      const line = progressLine(sweep, runs, Date.now());
      if (line === lastLine) return;
      lastLine = line;
      process.stderr.write(process.stderr.isTTY ? `\r\u001b[2K${line}` : `${line}\n`);
    });
    const onSigint = (): void => {
      if (canceled) process.exit(130);
      canceled = true;
      process.stderr.write('\ncanceling the sweep (Ctrl-C again to quit at once)...\n');
      void page.evaluate(() => window.overdriveHeadless?.cancel()).catch(() => {});
    };
    process.on('SIGINT', onSigint);
    await page.goto(`${server.url}/src/app/headless.html`);
    try {
      await page.waitForFunction(() => window.overdriveHeadless !== undefined, undefined, { timeout: 60_000 });
    } catch {
      const why = consoleErrors.length > 0 ? `: ${consoleErrors.join('; ')}` : '';
      process.stderr.write(`error: the app's headless page in ${app} did not start within 60 s${why}\n`);
      return 2;
    }
    const result: HeadlessResult = await page.evaluate(
      ({ spec, backend, workspace, exportModel, dataUrl }) =>
        window.overdriveHeadless!.run(spec, {
          backend,
          workspace,
          exportModel,
          calibrationCache: true,
          ...(dataUrl === undefined ? {} : { dataUrl }),
        }),
      {
        spec,
        backend: args.backend,
        workspace: args.workspace,
        exportModel: args.exportModel !== undefined,
        dataUrl,
      },
    );
    process.off('SIGINT', onSigint);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (result.kind === 'error') {
      process.stderr.write(`error: ${result.message}\n`);
      return 2;
    }
    const report = buildSweepReport(result.sweep, result.runs);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...report, backend: result.backend }, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderSweepReport(report)}\n`);
      process.stdout.write(`backend: ${result.backend.summary}\n`);
    }
    for (const message of consoleErrors) process.stderr.write(`page error: ${message}\n`);
    if (args.exportModel !== undefined) {
      if (result.model === null || 'error' in result.model) {
        process.stderr.write(
          `error: no model exported: ${result.model === null ? 'none returned' : result.model.error}\n`,
        );
        return 1;
      }
      const dir = resolve(args.exportModel);
      await mkdir(dir, { recursive: true });
      await writeFile(resolve(dir, 'model.json'), result.model.json);
      await writeFile(resolve(dir, result.model.weightsFile), Buffer.from(result.model.weightsBase64, 'base64'));
      // A model trained on the sweep's dataset: how a raw row becomes its input, beside model.json.
      if (result.model.preparation !== null)
        await writeFile(resolve(dir, 'preparation.json'), result.model.preparation);
      process.stderr.write(`exported the best run's model (${result.model.runId}) to ${dir}/model.json\n`);
    }
    return result.sweep.status === 'Completed' ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
