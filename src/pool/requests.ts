import { BUILTIN_EXAMPLES, isBuiltinExample } from '../examples/registry.js';
import type { TrialRequest } from '../trial-runner/runner.js';
import { toErrorRecord } from '../error-record.js';
import { checkWireParams, type WireTrial } from './protocol.js';

/**
 * What the pool accepts: a trial a worker can load (a built-in example or a module URL, never a
 * function value) with parameters that survive structured cloning.
 */

/** Why the pool will not run `request`, as a failed run's message; null when it can. */
export function refusal(request: TrialRequest, disposed: boolean): string | null {
  if (disposed) return 'PoolDisposedError: the worker pool was disposed';
  const trial = request.trial;
  if (trial.kind === 'function') {
    return (
      'UnsupportedTrialError: the worker pool cannot run a training function given as a function value ' +
      '(functions cannot be sent to a worker); give the trial as { kind: "builtin", name } or ' +
      '{ kind: "module", url } of an ES module whose default export is train(params, run, env), ' +
      'or use the InProcessRunner'
    );
  }
  if (trial.kind === 'builtin' && !isBuiltinExample(trial.name)) {
    return `UnknownBuiltinError: unknown built-in example ${JSON.stringify(trial.name)}; built-in examples: ${BUILTIN_EXAMPLES.join(', ')}`;
  }
  try {
    checkWireParams(request.params);
  } catch (error) {
    return toErrorRecord(error).message;
  }
  return null;
}

/** The trial as a worker receives it. */
export function wireTrial(trial: TrialRequest['trial']): WireTrial {
  if (trial.kind === 'builtin') return { kind: 'builtin', name: trial.name };
  if (trial.kind === 'module') {
    // Relative URLs mean the page's location, not the worker script's.
    const base = typeof location === 'undefined' ? undefined : location.href;
    return { kind: 'module', url: new URL(trial.url, base).href };
  }
  throw new Error('unreachable: function trials are refused before dispatch');
}
