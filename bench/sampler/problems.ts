import * as hpjs from 'hyperparameters';
import { choice, loguniform, uniform, type ParamSet, type SearchSpaceDefinition } from '../../src/index.js';

/**
 * A test function to minimise, described once for every sampler: our search space, the same
 * space in hpjs's vocabulary, and (in optuna_driver.py, under the same id) Optuna's. Simple
 * regret is `best value found - optimum`.
 */
export interface SyntheticProblem {
  readonly id: string;
  readonly title: string;
  readonly definition: SearchSpaceDefinition;
  readonly hpjsSpace: () => hpjs.HpjsSpace;
  readonly evaluate: (params: ParamSet) => number;
  readonly optimum: number;
  /** Points at which the Python implementation must agree with this one. */
  readonly checkPoints: readonly ParamSet[];
}

const num = (params: ParamSet, name: string): number => {
  const value = params[name];
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number (got ${JSON.stringify(value)})`);
  return value;
};

const box = (names: readonly string[], low: number, high: number): SearchSpaceDefinition =>
  Object.fromEntries(names.map((name) => [name, uniform(low, high)]));
const hpjsBox = (names: readonly string[], low: number, high: number): hpjs.HpjsSpace =>
  Object.fromEntries(names.map((name) => [name, hpjs.uniform(low, high)]));
const names = (n: number): string[] => Array.from({ length: n }, (_, j) => `x${j}`);

function branin(p: ParamSet): number {
  const x1 = num(p, 'x1');
  const x2 = num(p, 'x2');
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
] as const;
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
] as const;
const HARTMANN_ALPHA = [1, 1.2, 3, 3.2] as const;

function hartmann6(p: ParamSet): number {
  let total = 0;
  for (let i = 0; i < 4; i += 1) {
    let inner = 0;
    for (let j = 0; j < 6; j += 1) inner += HARTMANN_A[i]![j]! * (num(p, `x${j}`) - HARTMANN_P[i]![j]! * 1e-4) ** 2;
    total += HARTMANN_ALPHA[i]! * Math.exp(-inner);
  }
  return -total;
}

function rosenbrock4(p: ParamSet): number {
  let total = 0;
  for (let j = 0; j < 3; j += 1) {
    const x = num(p, `x${j}`);
    const next = num(p, `x${j + 1}`);
    total += 100 * (next - x ** 2) ** 2 + (1 - x) ** 2;
  }
  return total;
}

function ackley5(p: ParamSet): number {
  const x = names(5).map((name) => num(p, name));
  const squares = x.reduce((sum, v) => sum + v * v, 0) / x.length;
  const cosines = x.reduce((sum, v) => sum + Math.cos(2 * Math.PI * v), 0) / x.length;
  return -20 * Math.exp(-0.2 * Math.sqrt(squares)) - Math.exp(cosines) + 20 + Math.E;
}

const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
type Optimizer = (typeof OPTIMIZERS)[number];
const MIXED_BASE: Record<Optimizer, number> = { sgd: 0.3, momentum: 0.1, adam: 0 };
const MIXED_CENTRE: Record<Optimizer, number> = { sgd: -1, momentum: -1.5, adam: -3 };
const MIXED_CURVATURE: Record<Optimizer, number> = { sgd: 0.5, momentum: 0.8, adam: 0.3 };

/**
 * A training-like surface over a categorical and a log-scale parameter: each optimizer has its
 * own best learning rate (a bowl in log10 lr), the best dropout grows with the depth, and
 * `adam` at lr 1e-3 with 3 layers and dropout 0.2 reaches the minimum 0.
 */
function mixed(p: ParamSet): number {
  const optimizer = p['optimizer'];
  if (typeof optimizer !== 'string' || !(OPTIMIZERS as readonly string[]).includes(optimizer)) {
    throw new TypeError(`optimizer must be one of ${OPTIMIZERS.join(', ')}`);
  }
  const o = optimizer as Optimizer;
  const lr = Math.log10(num(p, 'learning_rate'));
  const layers = num(p, 'layers');
  const dropout = num(p, 'dropout');
  return (
    MIXED_BASE[o] +
    MIXED_CURVATURE[o] * (lr - MIXED_CENTRE[o]) ** 2 +
    4 * (dropout - 0.1 * layers + 0.1) ** 2 +
    0.1 * (layers - 3) ** 2
  );
}

export const SYNTHETIC_PROBLEMS: readonly SyntheticProblem[] = [
  {
    id: 'branin',
    title: 'Branin (2-D)',
    definition: { x1: uniform(-5, 10), x2: uniform(0, 15) },
    hpjsSpace: () => ({ x1: hpjs.uniform(-5, 10), x2: hpjs.uniform(0, 15) }),
    evaluate: branin,
    optimum: 0.397887357729738,
    checkPoints: [
      { x1: -Math.PI, x2: 12.275 },
      { x1: 0, x2: 0 },
      { x1: 7.3, x2: 4.1 },
    ],
  },
  {
    id: 'hartmann6',
    title: 'Hartmann (6-D)',
    definition: box(names(6), 0, 1),
    hpjsSpace: () => hpjsBox(names(6), 0, 1),
    evaluate: hartmann6,
    optimum: -3.322368011391339,
    checkPoints: [
      { x0: 0.20169, x1: 0.150011, x2: 0.476874, x3: 0.275332, x4: 0.311652, x5: 0.6573 },
      { x0: 0.5, x1: 0.5, x2: 0.5, x3: 0.5, x4: 0.5, x5: 0.5 },
    ],
  },
  {
    id: 'rosenbrock4',
    title: 'Rosenbrock (4-D, [-5, 10])',
    definition: box(names(4), -5, 10),
    hpjsSpace: () => hpjsBox(names(4), -5, 10),
    evaluate: rosenbrock4,
    optimum: 0,
    checkPoints: [
      { x0: 1, x1: 1, x2: 1, x3: 1 },
      { x0: -2, x1: 3.5, x2: 0.1, x3: 9 },
    ],
  },
  {
    id: 'ackley5',
    title: 'Ackley (5-D, [-32.768, 32.768])',
    definition: box(names(5), -32.768, 32.768),
    hpjsSpace: () => hpjsBox(names(5), -32.768, 32.768),
    evaluate: ackley5,
    optimum: 0,
    checkPoints: [
      { x0: 0, x1: 0, x2: 0, x3: 0, x4: 0 },
      { x0: 1.5, x1: -20, x2: 3.3, x3: 30, x4: -7 },
    ],
  },
  {
    id: 'mixed',
    title: 'Mixed (categorical optimizer, log-scale learning rate, dropout, layers)',
    definition: {
      optimizer: choice(...OPTIMIZERS),
      learning_rate: loguniform(Math.log(1e-5), Math.log(1)),
      dropout: uniform(0, 0.5),
      layers: choice(1, 2, 3, 4),
    },
    hpjsSpace: () => ({
      optimizer: hpjs.choice([...OPTIMIZERS]),
      learning_rate: hpjs.loguniform(Math.log(1e-5), Math.log(1)),
      dropout: hpjs.uniform(0, 0.5),
      layers: hpjs.choice([1, 2, 3, 4]),
    }),
    evaluate: mixed,
    optimum: 0,
    checkPoints: [
      { optimizer: 'adam', learning_rate: 1e-3, dropout: 0.2, layers: 3 },
      { optimizer: 'sgd', learning_rate: 0.05, dropout: 0.45, layers: 1 },
    ],
  },
];

/**
 * 20 parameters, for the suggestion-cost table only (no Python twin, no regret): the Levy
 * function on [-10, 10]^20, a standard many-dimensional test (minimum 0 at x = 1).
 */
export const COST_ONLY_20: SyntheticProblem = {
  id: 'levy20',
  title: 'Levy-20',
  definition: box(names(20), -10, 10),
  hpjsSpace: () => hpjsBox(names(20), -10, 10),
  evaluate: (p) => {
    const w = names(20).map((name) => 1 + (num(p, name) - 1) / 4);
    const first = w[0] as number;
    const last = w[19] as number;
    let sum = Math.sin(Math.PI * first) ** 2 + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
    for (let i = 0; i < 19; i += 1) {
      const wi = w[i] as number;
      sum += (wi - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * wi + 1) ** 2);
    }
    return sum;
  },
  optimum: 0,
  checkPoints: [],
};
