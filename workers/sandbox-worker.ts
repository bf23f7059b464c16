// First: `location` and `fetch` for an opaque origin (see the module); then as trial-worker.ts.
import { sandboxInit } from './sandbox-env.js';
import { unguardedFetch } from './fetch-guard.js';
import './no-animation-frames.js';
import * as Comlink from 'comlink';
import type { WireTrial } from '../src/pool/protocol.js';
import { TrialWorkerRuntime } from './trial-runtime.js';
import { linkModuleGraph } from './module-graph.js';

/**
 * Entry point of a trial worker in the sandbox frame (src/pool/sandbox). The same runtime as an
 * unsandboxed worker, over the port the frame hands over, with one difference: a training module
 * cannot be imported from the app's URL (an opaque origin's module fetch is refused without CORS),
 * so its text (and that of the files it imports) is fetched through the page and imported from
 * blob: URLs of this origin.
 */
class SandboxedRuntime extends TrialWorkerRuntime {
  private readonly local = new Map<string, Promise<string>>();

  override async runTrial(
    request: Parameters<TrialWorkerRuntime['runTrial']>[0],
    ...rest: DropFirst<Parameters<TrialWorkerRuntime['runTrial']>>
  ): ReturnType<TrialWorkerRuntime['runTrial']> {
    return super.runTrial({ ...request, trial: await this.localTrial(request.trial) }, ...rest);
  }

  override async calibrate(
    trial: WireTrial,
    ...rest: DropFirst<Parameters<TrialWorkerRuntime['calibrate']>>
  ): ReturnType<TrialWorkerRuntime['calibrate']> {
    return super.calibrate(await this.localTrial(trial), ...rest);
  }

  private async localTrial(trial: WireTrial): Promise<WireTrial> {
    if (trial.kind !== 'module') return trial;
    let entry = this.local.get(trial.url);
    if (entry === undefined) {
      // The module and the files it imports (several files or a folder), each fetched through the
      // page and linked into blob: URLs of this origin (./module-graph.ts says why).
      entry = linkModuleGraph(trial.url, (url) => unguardedFetch(url)).catch((error: unknown) =>
        refusal(error instanceof Error ? error.message : String(error)),
      );
      this.local.set(trial.url, entry);
    }
    return { kind: 'module', url: await entry };
  }
}

type DropFirst<T extends readonly unknown[]> = T extends readonly [unknown, ...infer Rest] ? Rest : never;

/** A module whose import fails with `message`, so the run fails with it like any load error. */
function refusal(message: string): string {
  return URL.createObjectURL(new Blob([`throw new Error(${JSON.stringify(message)});`], { type: 'text/javascript' }));
}

void sandboxInit.then(({ port }) => Comlink.expose(new SandboxedRuntime(), port));
