import type { BenchBackend, FixedMlp } from '../lib/types.js';

/** Messages between the bench page and the plain TF.js worker (plain-worker.ts). */
export type PlainRequest =
  | { readonly id: number; readonly kind: 'init'; readonly backend: BenchBackend }
  | { readonly id: number; readonly kind: 'train'; readonly params: FixedMlp; readonly cancelHook: boolean };

export type PlainReply =
  | {
      readonly id: number;
      readonly kind: 'init';
      readonly ok: boolean;
      readonly settledOn: string | null;
      readonly adapter: string | null;
      readonly stepMs: number | null;
      readonly error: string | null;
    }
  | {
      readonly id: number;
      readonly kind: 'train';
      readonly ok: boolean;
      /** Measured inside the worker. */
      readonly trainMs: number;
      readonly valAccuracy: number | null;
      readonly error: string | null;
    };
