/**
 * `overdrive/spec`: sweep files (Overdrive's JSON or YAML, and Azure ML v2 sweep jobs) parsed
 * into configs and written back, share links, the Optuna script, and the exported sweep
 * document with its CSV. Plain TypeScript like the engine core: no DOM, no TF.js.
 */
export * from './sweep-file/index.js';
export * from './export/index.js';
