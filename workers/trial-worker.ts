// First: must run before TF.js evaluates (see the module).
import './no-animation-frames.js';
import './fetch-guard.js';
import * as Comlink from 'comlink';
import { TrialWorkerRuntime } from './trial-runtime.js';

/**
 * Entry point of a pooled trial worker (a dedicated module worker). The pool talks to it
 * through comlink; see `TrialWorkerApi` in src/pool/protocol.ts.
 */
Comlink.expose(new TrialWorkerRuntime());
