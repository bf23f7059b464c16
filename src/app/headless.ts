import { BrowserWorkspace } from '../browser/browser-workspace.js';
import { HyperDriveConfig } from '../experiment/config.js';
import type { Sweep } from '../experiment/sweep.js';
import { BUILTIN_EXAMPLES } from '../examples/registry.js';
import { preparationJson } from '../browser/model-export.js';
import type { BackendRequest } from '../backend/names.js';
import { type ParsedSweepFile, parseSweepFile } from '../sweep-file/parse-sweep-file.js';
import { preparationOf, withStoredData } from '../sweep-file/parse-data.js';
import type { SweepFileData } from '../sweep-file/sweep-file.js';
import { DataClient, DatasetStore } from '../browser/index.js';
import type { RunRecord } from '../store/records.js';
import type {
  BackendSummary,
  ExportedModelFiles,
  HeadlessApi,
  HeadlessOptions,
  HeadlessResult,
} from './headless-api.js';

const PROGRESS_EVERY_MS = 500;
const status = document.getElementById('status');
let current: Sweep | null = null;

function backendSummary(requested: string, runs: readonly RunRecord[], details: unknown): BackendSummary {
  const used = [...new Set(runs.map((r) => r.backend).filter((b): b is string => b !== null))];
  const summary =
    used.length === 0
      ? `no run started (requested ${requested})`
      : `${used.join(', ')}${requested === 'auto' ? ' (chosen by measurement: requested auto)' : ` (requested ${requested})`}`;
  return { requested, used, summary, details };
}

async function run(specInput: unknown, options: HeadlessOptions): Promise<HeadlessResult> {
  let parsed: ParsedSweepFile;
  try {
    parsed = parseSweepFile(specInput, { builtinTrials: BUILTIN_EXAMPLES });
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const workspaceName = options.workspace ?? 'overdrive-cli';
  if (parsed.data?.kind === 'file') {
    // The file beside the spec goes into this page's dataset store first (checked on the way in:
    // a DataError stores nothing), and the sweep runs on the stored copy by its content hash.
    const stored = await storeDataFile(parsed.data.path, parsed.data.data, options.dataUrl, workspaceName);
    if ('error' in stored) return { kind: 'error', message: stored.error };
    try {
      parsed = parseSweepFile(withStoredData(parsed.spec, stored.id, stored.name), { builtinTrials: BUILTIN_EXAMPLES });
    } catch (error) {
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }
  const backend = (options.backend ?? parsed.backend ?? 'auto') as BackendRequest;
  const workspace = await BrowserWorkspace.open({ name: workspaceName });
  try {
    const config = new HyperDriveConfig(parsed.hyperDriveConfigOptions);
    const get = window.overdriveCalibrationGet;
    const set = window.overdriveCalibrationSet;
    const calibrationCache =
      options.calibrationCache === true && get !== undefined && set !== undefined
        ? { get: (key: string) => get(key), set: (key: string, result: unknown) => set(key, result) }
        : undefined;
    const { sweep, pool } = await workspace.submit(parsed.experimentName, config, {
      backend,
      ...(calibrationCache === undefined ? {} : { calibrationCache }),
    });
    current = sweep;
    const report = async (): Promise<void> => {
      if (status !== null) status.textContent = `${sweep.getStatus()}: ${sweep.getChildren().length} runs`;
      await window.overdriveProgress?.(sweep.getDetails(), sweep.getChildren());
    };
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = sweep.subscribe(() => {
      timer ??= setTimeout(() => {
        timer = null;
        void report();
      }, PROGRESS_EVERY_MS);
    });
    const record = await sweep.waitForCompletion();
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    await report();
    const runs = sweep.getChildren();
    const details = { size: pool.sizeReport, calibrations: pool.calibrations(), stats: pool.stats() };
    const model = options.exportModel === true ? await bestModel(workspace, record.id) : null;
    return { kind: 'done', sweep: record, runs, backend: backendSummary(backend, runs, details), model };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  } finally {
    current = null;
    await workspace.close();
  }
}

/**
 * Fetches the served data file, stores it and prepares it once by the spec's preparation, so
 * bad data (a file that does not parse, a target that is not a column, a task the target cannot
 * take) fails here, before the sweep, with the DataError's message naming file, row and column.
 */
async function storeDataFile(
  path: string,
  data: SweepFileData,
  url: string | undefined,
  workspace: string,
): Promise<{ readonly id: string; readonly name: string } | { readonly error: string }> {
  const name = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  if (url === undefined) {
    return {
      error: `data.path: ${JSON.stringify(path)} names a file beside the spec, and nothing served it to this page`,
    };
  }
  const preparation = preparationOf(data);
  if ('kind' in preparation) {
    return {
      error: `data.path: ${JSON.stringify(path)} with kind "images": an image folder is picked in the Studio's Data step; the CLI reads one CSV, TSV or JSON file`,
    };
  }
  let blob: Blob;
  try {
    const response = await fetch(url);
    if (!response.ok)
      return { error: `data.path: ${JSON.stringify(path)} could not be read (HTTP ${response.status})` };
    blob = await response.blob();
  } catch (error) {
    return {
      error: `data.path: ${JSON.stringify(path)} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  // One data worker for the store's check and the preparation: it keeps the table it parsed, so
  // preparing does not parse the file again.
  const client = new DataClient();
  let store: DatasetStore | null = null;
  try {
    store = await DatasetStore.open(workspace, { client });
    const { summary, inspection } = await store.put(name, new File([blob], name));
    await client.prepare({ id: inspection.id }, preparation, name);
    return { id: summary.id, name };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    store?.close();
    client.close();
  }
}

async function bestModel(
  workspace: BrowserWorkspace,
  sweepId: string,
): Promise<ExportedModelFiles | { error: string }> {
  try {
    const files = await workspace.modelFiles({ bestOf: sweepId });
    return {
      runId: files.runId,
      json: files.json,
      weightsFile: files.weightsFile,
      weightsBase64: toBase64(files.weights),
      preparation: files.preparation === null ? null : preparationJson(files.preparation),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  // Chunked: String.fromCharCode with a whole large array overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const api: HeadlessApi = {
  run,
  cancel: () => {
    void current?.cancel();
  },
};
window.overdriveHeadless = api;
