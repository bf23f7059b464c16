// The `hyperparameters` package (hpjs) ships no types; this declares the part the benchmark uses.
declare module 'hyperparameters' {
  export interface HpjsExpression {
    readonly name: string;
  }
  export type HpjsSpace = { readonly [name: string]: HpjsExpression | HpjsSpace | number | string | boolean };
  export type HpjsParams = Readonly<Record<string, unknown>>;
  export interface HpjsResult {
    readonly loss: number;
    readonly status: string;
  }
  /** A search algorithm as fmin calls it; opaque here. */
  export interface HpjsAlgorithm {
    readonly __hpjsAlgorithm?: never;
  }
  export class RandomState {
    constructor(seed?: number);
  }
  export const STATUS_OK: string;
  export function choice(options: readonly unknown[]): HpjsExpression;
  export function randint(upper: number): HpjsExpression;
  export function uniform(low: number, high: number): HpjsExpression;
  export function loguniform(low: number, high: number): HpjsExpression;
  export function quniform(low: number, high: number, q: number): HpjsExpression;
  export function normal(mu: number, sigma: number): HpjsExpression;
  export const search: { readonly randomSearch: HpjsAlgorithm; readonly gridSearch: HpjsAlgorithm };
  export function fmin(
    fn: (params: HpjsParams) => HpjsResult | Promise<HpjsResult>,
    space: HpjsSpace,
    algorithm: HpjsAlgorithm,
    maxEvaluations: number,
    options: { readonly rng: RandomState },
  ): Promise<unknown>;
}
