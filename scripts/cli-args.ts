import { ConfigError } from '../src/errors.js';
import { checkWorkspaceName } from '../src/store/workspace-name.js';

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface SweepCliArgs {
  readonly specPath: string;
  readonly json: boolean;
  /** Overrides the spec's `backend` when given. */
  readonly backend: BackendChoice | undefined;
  /** Skip `vite build` and serve the existing `dist/`. */
  readonly build: boolean;
  /** Build even when the sources have not changed since the last build. */
  readonly rebuild: boolean;
  /** Time the backends again for `backend: auto` instead of reusing a cached calibration. */
  readonly recalibrate: boolean;
  /** Workspace (IndexedDB database) name inside the headless browser profile. */
  readonly workspace: string | undefined;
  /** What to train for an Azure job whose trial is a command: a built-in example or a module path. */
  readonly trial: string | undefined;
  /** Folder to write the best run's model to (model.json + weights). */
  readonly exportModel: string | undefined;
}

export const USAGE = `usage: npm run sweep -- <spec.json|job.yml> [--json] [--backend auto|webgpu|webgl|wasm|cpu] [--trial NAME|PATH] [--no-build] [--rebuild] [--recalibrate] [--workspace NAME] [--export-model DIR]
       npx overdrive sweep <spec.json|job.yml> [the same options]
       npx overdrive --help | --version

Runs the sweep described by the spec (Overdrive's sweep spec or an Azure ML v2 sweep job, JSON or
YAML; --trial says what to train for an Azure job whose trial is a command) in headless Chromium and
prints a results table, or with --json one JSON document. Progress goes to stderr.
--export-model DIR writes the best run's trained model to DIR (TF.js model.json + weights).
From a checkout the app is rebuilt into dist/ only when its sources changed (--rebuild forces it,
--no-build serves dist/ as it is); the installed package serves the app it ships.
backend auto reuses the timings measured before for the same browser and trial (--recalibrate
measures again); they are kept in $XDG_CACHE_HOME/overdrive (default ~/.cache/overdrive).`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Parses `argv` (without node and the script); throws `CliUsageError` naming what is wrong. */
export function parseCliArgs(argv: readonly string[]): SweepCliArgs | 'help' | 'version' {
  let specPath: string | undefined;
  let json = false;
  let backend: BackendChoice | undefined;
  let build = true;
  let rebuild = false;
  let recalibrate = false;
  let workspace: string | undefined;
  let exportModel: string | undefined;
  let trial: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '-v':
      case '--version':
        return 'version';
      case '--rebuild':
        rebuild = true;
        break;
      case '--recalibrate':
        recalibrate = true;
        break;
      case '--json':
        json = true;
        break;
      case '--no-build':
        build = false;
        break;
      case '--backend': {
        const v = value();
        if (!(BACKENDS as readonly string[]).includes(v)) {
          throw new CliUsageError(`--backend must be one of ${BACKENDS.join(', ')} (got ${JSON.stringify(v)})`);
        }
        backend = v as BackendChoice;
        break;
      }
      case '--workspace':
        try {
          workspace = checkWorkspaceName(value(), '--workspace');
        } catch (error) {
          if (error instanceof ConfigError) throw new CliUsageError(error.message);
          throw error;
        }
        break;
      case '--export-model':
        exportModel = value();
        break;
      case '--trial':
        trial = value();
        break;
      default:
        if (flag.startsWith('-')) throw new CliUsageError(`unknown option ${JSON.stringify(flag)}`);
        // `overdrive sweep spec.json`: the one command, named as the bin's usage says.
        if (i === 0 && flag === 'sweep') break;
        if (specPath !== undefined)
          throw new CliUsageError(
            `only one spec file may be given (got ${JSON.stringify(specPath)} and ${JSON.stringify(flag)})`,
          );
        specPath = flag;
    }
  }
  if (specPath === undefined) throw new CliUsageError('a spec file is required');
  if (rebuild && !build) throw new CliUsageError('--rebuild and --no-build contradict each other: give one');
  return { specPath, json, backend, build, rebuild, recalibrate, workspace, exportModel, trial };
}
