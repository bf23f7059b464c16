// The importance analysis across a worker boundary: the Studio posts a request, the analysis
// worker (src/analysis-worker) answers it with `answerImportanceRequest`. A forest of 64 trees
// on 1000 runs is seconds of CPU on a slow machine; computed in a worker, none of it runs on the
// page's thread, however long a single tree's split search takes.
import { computeImportance } from './index.js';
import type { ImportanceInput, ImportanceResult } from './types.js';

export interface ImportanceRequest {
  readonly kind: 'importance';
  /** Echoed in the reply, so a page that asked again meanwhile can drop stale answers. */
  readonly id: number;
  readonly input: ImportanceInput;
  readonly seed: number;
}

export type ImportanceReply =
  | { readonly kind: 'result'; readonly id: number; readonly result: ImportanceResult }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

function isRequest(message: unknown): message is ImportanceRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof ImportanceRequest, unknown>>;
  const input = m.input as Partial<Record<keyof ImportanceInput, unknown>> | undefined;
  return (
    m.kind === 'importance' &&
    typeof m.id === 'number' &&
    typeof m.seed === 'number' &&
    typeof input === 'object' &&
    input !== null &&
    Array.isArray(input.params) &&
    Array.isArray(input.rows)
  );
}

/** The reply to one message: the result, or an error naming what was wrong. */
export function answerImportanceRequest(message: unknown): ImportanceReply {
  const id =
    typeof message === 'object' && message !== null && typeof (message as { id?: unknown }).id === 'number'
      ? (message as { id: number }).id
      : -1;
  if (!isRequest(message))
    return {
      kind: 'error',
      id,
      message:
        'importance worker: a request needs kind "importance", a numeric id and seed, and input { params, rows }',
    };
  try {
    return { kind: 'result', id, result: computeImportance(message.input, { seed: message.seed }) };
  } catch (error) {
    return { kind: 'error', id, message: error instanceof Error ? error.message : String(error) };
  }
}
