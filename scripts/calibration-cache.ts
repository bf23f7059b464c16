// The CLI's calibration cache: `backend: auto` times every backend on the trial's model (2.2-2.6 s,
// mostly warming software WebGPU/WebGL), and the answer only changes with the browser, the trial
// or the backends tried. Kept in one JSON file under $XDG_CACHE_HOME/overdrive (default
// ~/.cache/overdrive); `--recalibrate` measures again and overwrites the entry.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function calibrationCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== ''
      ? env['XDG_CACHE_HOME']
      : join(homedir(), '.cache');
  return join(base, 'overdrive', 'calibration.json');
}

type Entries = Record<string, { readonly result: unknown; readonly measuredAt: string }>;

async function load(file: string): Promise<Entries> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Entries) : {};
  } catch {
    // Missing or damaged: measuring again is always safe.
    return {};
  }
}

export interface CliCalibrationCache {
  get(key: string): Promise<unknown>;
  set(key: string, result: unknown): Promise<void>;
}

/** Entries keyed by `browserVersion|trial|backends`; `recalibrate` ignores what is stored. */
export function cliCalibrationCache(
  browserVersion: string,
  recalibrate: boolean,
  file = calibrationCacheFile(),
): CliCalibrationCache {
  const full = (key: string): string => `${browserVersion}|${key}`;
  return {
    async get(key) {
      if (recalibrate) return null;
      return (await load(file))[full(key)]?.result ?? null;
    },
    async set(key, result) {
      const entries = await load(file);
      entries[full(key)] = { result, measuredAt: new Date().toISOString() };
      await mkdir(dirname(file), { recursive: true });
      // Written whole and renamed, so a concurrent run never reads half a file.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(entries, null, 2)}\n`);
      await rename(temporary, file);
    },
  };
}
