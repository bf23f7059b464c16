import type { TrainFunction } from '../run-logger/run.js';
import type { TrialModule } from './env.js';

/**
 * The built-in examples by name. Dynamic imports keep each model (and TF.js) out of any bundle
 * until a trial asks for it; in a worker the module then stays loaded for later trials.
 */
export type BuiltinExampleName = 'digits-mlp' | 'digits-cnn' | 'spiral' | 'tabular-mlp' | 'image-cnn';

// Typed by name, not inferred: an inferred type would put `typeof import('./tabular-mlp.js')` (and
// with it TF.js's declarations) into the package's public types.
const BUILTINS: Readonly<Record<BuiltinExampleName, () => Promise<TrialModule>>> = {
  'digits-mlp': () => import('./digits-mlp.js'),
  'digits-cnn': () => import('./digits-cnn.js'),
  spiral: () => import('./spiral-mlp.js'),
  'tabular-mlp': () => import('./tabular-mlp.js'),
  'image-cnn': () => import('./image-cnn.js'),
};

export const BUILTIN_EXAMPLES: readonly BuiltinExampleName[] = Object.keys(BUILTINS) as BuiltinExampleName[];

/**
 * The built-in templates that train on the person's own data (`env.datasets.user()`): a sweep
 * of one needs a data binding, and the builder offers them from its Data step rather than as
 * ready-made example sweeps.
 */
export const DATA_TEMPLATES = ['tabular-mlp', 'image-cnn'] as const satisfies readonly BuiltinExampleName[];
export type DataTemplateName = (typeof DATA_TEMPLATES)[number];

export function isDataTemplate(name: string): name is DataTemplateName {
  return (DATA_TEMPLATES as readonly string[]).includes(name);
}

export function isBuiltinExample(name: string): name is BuiltinExampleName {
  return Object.hasOwn(BUILTINS, name);
}

export function loadBuiltinModule(name: string): Promise<TrialModule> {
  if (!isBuiltinExample(name)) {
    return Promise.reject(
      new Error(`unknown built-in example ${JSON.stringify(name)}; built-in examples: ${BUILTIN_EXAMPLES.join(', ')}`),
    );
  }
  return BUILTINS[name]();
}

/** For `InProcessRunner({ resolveBuiltin })`: the same examples, trained in the calling thread. */
export async function resolveBuiltin(name: string): Promise<TrainFunction> {
  return (await loadBuiltinModule(name)).default;
}
