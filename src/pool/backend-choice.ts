import * as Comlink from 'comlink';
import { BACKEND_CHAIN, type BackendName, type BackendRequest } from '../backend/names.js';
import type { CalibrationReport, CalibrationResult } from '../backend/report.js';
import type { TrialRequest } from '../trial-runner/runner.js';
import { toErrorRecord } from '../error-record.js';
import type { Note } from './diagnostics.js';
import type { CalibrationCache, CalibrationSettings } from './options.js';
import { type PoolWorker, workerExit } from './pool-worker.js';
import { parseCalibration, parseHello, type TrialAssets, type TrialWorkerApi, type WireTrial } from './protocol.js';
import { wireTrial } from './requests.js';
import type { Slot } from './slot.js';
import { withTimeout } from './with-timeout.js';

export interface BackendChoiceDeps {
  readonly backend: BackendRequest;
  readonly factory: () => PoolWorker;
  readonly flushMs: number;
  readonly assets: TrialAssets;
  readonly calibration: CalibrationSettings;
  readonly calibrationCache?: CalibrationCache | undefined;
  readonly note: Note;
}

/**
 * Which backend a trial starts on: the one asked for, or for 'auto' the fastest one measured
 * once per trial definition; in both cases moved down the chain past backends that lost their
 * device in this pool.
 */
export class BackendChoice {
  private readonly decisions = new Map<string, Promise<BackendName>>();
  private readonly reports: CalibrationReport[] = [];
  private readonly calibrators = new Set<PoolWorker>();
  /** Backends that lost their device: later trials start further down the chain. */
  private readonly demoted = new Set<BackendName>();

  constructor(private readonly deps: BackendChoiceDeps) {}

  /** The backend measurements behind 'auto' decisions so far. */
  calibrations(): readonly CalibrationReport[] {
    return [...this.reports];
  }

  /** Stops any calibration under way. */
  dispose(): void {
    for (const worker of this.calibrators) worker.terminate();
    this.calibrators.clear();
  }

  async backendFor(trial: TrialRequest['trial']): Promise<BackendName> {
    if (this.deps.backend !== 'auto') return this.fallbackOf(this.deps.backend);
    const wire = wireTrial(trial);
    const key = wire.kind === 'builtin' ? `builtin:${wire.name}` : `module:${wire.url}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = this.calibrate(key, wire);
      this.decisions.set(key, decision);
    }
    return this.fallbackOf(await decision);
  }

  /**
   * A lost WebGPU device tends to be lost again (driver reset, GPU crash, memory pressure):
   * later trials go down the chain rather than fail the same way.
   */
  noteUnhealthy(slot: Slot, reason: string): void {
    if (!/WebGPU device lost/.test(reason) || slot.backend !== 'webgpu' || this.demoted.has('webgpu')) return;
    this.demoted.add('webgpu');
    this.deps.note(
      'backend',
      slot.id,
      slot.execution?.request.runId ?? null,
      `WebGPU lost its device; later trials start on ${this.fallbackOf('webgpu')}`,
    );
  }

  /** `backend`, or the first one after it in the chain that has not lost its device. */
  private fallbackOf(backend: BackendName): BackendName {
    const start = BACKEND_CHAIN.indexOf(backend);
    return BACKEND_CHAIN.slice(start).find((b) => !this.demoted.has(b)) ?? 'cpu';
  }

  /**
   * Measures each backend on a throwaway worker, so that the backends it tried (and the memory
   * they hold) do not linger in a training worker, and pool workers are not competing for the
   * cores while it measures.
   */
  private async calibrate(key: string, trial: WireTrial): Promise<BackendName> {
    const cache = this.deps.calibrationCache;
    const cacheKey = `${key}|${BACKEND_CHAIN.join(',')}`;
    if (cache !== undefined) {
      const reused = await this.reuse(key, cacheKey, cache);
      if (reused !== null) return reused;
    }
    const { chosen, measured } = await this.measure(key, trial);
    if (cache !== undefined && measured !== null) await cache.set(cacheKey, measured).catch(() => {});
    return chosen;
  }

  /** A cached calibration, checked like a worker's answer; anything unreadable is measured again. */
  private async reuse(key: string, cacheKey: string, cache: CalibrationCache): Promise<BackendName | null> {
    try {
      const raw = await cache.get(cacheKey);
      if (raw === null || raw === undefined) return null;
      const result = parseCalibration(raw);
      this.reports.push({
        ...result,
        trial: key,
        failure: null,
        reason: `${result.reason} (measured before in this browser: reused)`,
      });
      this.deps.note('calibrated', null, null, `${key}: reused: ${result.reason}`);
      return result.chosen;
    } catch {
      return null;
    }
  }

  /** The backend chosen, and the measurement behind it (null when calibration failed). */
  private async measure(
    key: string,
    trial: WireTrial,
  ): Promise<{ chosen: BackendName; measured: CalibrationResult | null }> {
    const { calibration, note } = this.deps;
    const worker = this.deps.factory();
    this.calibrators.add(worker);
    const api = Comlink.wrap<TrialWorkerApi>(worker);
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        (event as ErrorEvent).preventDefault?.();
        reject(new Error(`the calibration worker crashed: ${(event as ErrorEvent).message ?? 'unknown error'}`));
      });
      // A sandboxed worker's process that died (a module filling the heap while it is measured)
      // ends the calibration now, not at its timeout.
      worker.addEventListener('exit', (event) => {
        reject(new Error(`the calibration worker stopped (${workerExit(event).reason})`));
      });
    });
    crashed.catch(() => {});
    try {
      const measure = async (): Promise<unknown> => {
        parseHello(
          await api.hello({ workerId: 0, lockName: null, flushMs: this.deps.flushMs, assets: this.deps.assets }),
        );
        return api.calibrate(trial, BACKEND_CHAIN, {
          steps: calibration.steps,
          maxMsPerBackend: calibration.maxMsPerBackend,
        });
      };
      const raw = await withTimeout(Promise.race([measure(), crashed]), calibration.timeoutMs, 'calibration');
      const result = parseCalibration(raw);
      const report: CalibrationReport = { ...result, trial: key, failure: null };
      this.reports.push(report);
      note('calibrated', null, null, `${key}: ${result.reason}`);
      return { chosen: result.chosen, measured: result };
    } catch (error) {
      const failure = toErrorRecord(error).message;
      const fallback: BackendName = BACKEND_CHAIN[0];
      this.reports.push({
        trial: key,
        workload: 'none',
        candidates: [],
        chosen: fallback,
        reason: `calibration failed (${failure}); using the fallback chain ${BACKEND_CHAIN.join(' → ')}`,
        totalMs: 0,
        failure,
      });
      note('warning', null, null, `${key}: calibration failed: ${failure}`);
      return { chosen: fallback, measured: null };
    } finally {
      worker.terminate();
      this.calibrators.delete(worker);
    }
  }
}
