import { SamplerConnection } from '../sampling/remote.js';
import { spawnSamplerWorker } from './sampler-worker-url.js';

/** The page's handle on its sampler worker. */
export interface SamplerWorker {
  readonly connection: SamplerConnection;
  terminate(): void;
}

/**
 * Starts the dedicated sampler worker (src/sampler-worker): Bayesian suggestions run there, so
 * a long sweep never blocks the page for a fit. The worker runs Overdrive's own code only
 * (no user code), from the app's origin.
 */
export function startSamplerWorker(): SamplerWorker {
  const worker = spawnSamplerWorker('overdrive-sampler');
  const connection = new SamplerConnection({
    post: (request) => worker.postMessage(request),
    listen: (onMessage, onFailure) => {
      worker.onmessage = (event: MessageEvent<unknown>) => onMessage(event.data);
      worker.onmessageerror = () => onFailure(new Error('the sampler worker sent a message that could not be read'));
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        onFailure(new Error(`the sampler worker failed: ${event.message || 'it could not be started'}`));
      };
    },
  });
  return { connection, terminate: () => worker.terminate() };
}
