/**
 * A function to minimise: returns f(x) and writes ∇f(x) into `gradient`. A non-finite value
 * means "not here" (e.g. a kernel matrix that does not factorise) and makes the search back off.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Iterations (line searches) at most. */
  readonly maxIterations: number;
  /** Stop when every free component of the projected gradient is below this. */
  readonly gradientTolerance?: number;
  /** Stop when an iteration improves f by less than this relative amount. */
  readonly relativeTolerance?: number;
  /** Correction pairs kept. */
  readonly memory?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

/**
 * Limited-memory BFGS in a box, by projection: components held at a bound by a gradient that
 * pushes outward are frozen for the step, the two-loop recursion runs on the free ones, and a
 * backtracking line search follows the projected path. For the dozen hyperparameters of a
 * Gaussian process this behaves like L-BFGS-B at a fraction of its code.
 */
export function minimizeBounded(objective: Objective, start: Float64Array, options: MinimizeOptions): MinimizeResult {
  const n = start.length;
  const { lower, upper, maxIterations } = options;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  const relativeTolerance = options.relativeTolerance ?? 1e-9;
  const memory = options.memory ?? 8;

  const x = clampInto(Float64Array.from(start), lower, upper);
  const gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) return { x, value, iterations: 0, evaluations };

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const free = new Uint8Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let iterations = 0;

  for (; iterations < maxIterations; iterations += 1) {
    let projectedNorm = 0;
    for (let i = 0; i < n; i += 1) {
      const g = gradient[i] as number;
      const atLower = (x[i] as number) <= (lower[i] as number) && g > 0;
      const atUpper = (x[i] as number) >= (upper[i] as number) && g < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i] === 1) projectedNorm = Math.max(projectedNorm, Math.abs(g));
    }
    if (projectedNorm < gradientTolerance) break;

    // Two-loop recursion on the free components.
    for (let i = 0; i < n; i += 1) direction[i] = free[i] === 1 ? -(gradient[i] as number) : 0;
    const m = sHistory.length;
    for (let j = m - 1; j >= 0; j -= 1) {
      const a = (rhoHistory[j] as number) * dotFree(sHistory[j] as Float64Array, direction, free);
      alphas[j] = a;
      axpyFree(-a, yHistory[j] as Float64Array, direction, free);
    }
    if (m > 0) {
      const s = sHistory[m - 1] as Float64Array;
      const y = yHistory[m - 1] as Float64Array;
      const gamma = dotFree(s, y, free) / Math.max(dotFree(y, y, free), 1e-300);
      if (gamma > 0 && Number.isFinite(gamma))
        for (let i = 0; i < n; i += 1) direction[i] = (direction[i] as number) * gamma;
    }
    for (let j = 0; j < m; j += 1) {
      const b = (rhoHistory[j] as number) * dotFree(yHistory[j] as Float64Array, direction, free);
      axpyFree((alphas[j] as number) - b, sHistory[j] as Float64Array, direction, free);
    }
    let slope = dotFree(gradient, direction, free);
    if (!(slope < 0)) {
      // Curvature information went stale: restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      for (let i = 0; i < n; i += 1) direction[i] = free[i] === 1 ? -(gradient[i] as number) : 0;
      slope = dotFree(gradient, direction, free);
    }

    // The first step has no curvature scale yet: keep it to a unit move in the largest component.
    let step = m === 0 ? Math.min(1, 1 / Math.max(projectedNorm, 1e-12)) : 1;
    let accepted = false;
    let trialValue = Number.POSITIVE_INFINITY;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack += 1) {
      let decrease = 0;
      for (let i = 0; i < n; i += 1) {
        const moved = (x[i] as number) + step * (direction[i] as number);
        trial[i] = Math.min(Math.max(moved, lower[i] as number), upper[i] as number);
        decrease += (gradient[i] as number) * ((trial[i] as number) - (x[i] as number));
      }
      trialValue = objective(trial, trialGradient);
      evaluations += 1;
      if (Number.isFinite(trialValue) && trialValue <= value + ARMIJO * Math.min(decrease, 0)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      s[i] = (trial[i] as number) - (x[i] as number);
      y[i] = (trialGradient[i] as number) - (gradient[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
      if (sHistory.length > memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
    }
    const improvement = value - trialValue;
    x.set(trial);
    gradient.set(trialGradient);
    value = trialValue;
    if (improvement <= relativeTolerance * Math.max(1, Math.abs(value))) {
      iterations += 1;
      break;
    }
  }
  return { x, value, iterations, evaluations };
}

function clampInto(x: Float64Array, lower: Float64Array, upper: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i += 1)
    x[i] = Math.min(Math.max(x[i] as number, lower[i] as number), upper[i] as number);
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function dotFree(a: Float64Array, b: Float64Array, free: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) if (free[i] === 1) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpyFree(alpha: number, x: Float64Array, y: Float64Array, free: Uint8Array): void {
  for (let i = 0; i < x.length; i += 1) if (free[i] === 1) y[i] = (y[i] as number) + alpha * (x[i] as number);
}
