import * as Comlink from 'comlink';
import type { PreparedData } from '../data/index.js';
import { parseUserDataRequest } from './protocol.js';

/**
 * Where the pool gets a sweep's stored datasets for its trials (`env.datasets.user(id)`): the
 * page reads the bytes and prepares them (src/browser/user-data.ts). `dataset` null means the
 * sweep's own data binding. The pool copies what it answers, so the source may keep and hand
 * out the same arrays to every worker.
 */
export type UserDataSource = (request: {
  readonly sweepId: string;
  readonly dataset: string | null;
}) => Promise<PreparedData>;

/**
 * Answers one worker request: parsed first (a worker runs user code and may send anything),
 * then the source's arrays copied and transferred, so the worker owns its copy and the page's
 * prepared data stays intact for the next worker. Errors reach the trial as rejections whose
 * message says what to do (a dataset no longer stored: pick the file again).
 */
export async function answerUserData(
  source: UserDataSource | undefined,
  sweepId: string,
  raw: unknown,
): Promise<PreparedData> {
  let request: ReturnType<typeof parseUserDataRequest>;
  try {
    request = parseUserDataRequest(raw);
  } catch (error) {
    throw new Error(`env.datasets.user: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (source === undefined) {
    throw new Error(
      'env.datasets.user: this sweep has no stored dataset to hand out (the worker pool was created without a data source: give the sweep a data binding)',
    );
  }
  const data = await source({ sweepId, dataset: request.dataset });
  const copy: PreparedData = {
    ...data,
    xTrain: await copyInSlices(data.xTrain),
    yTrain: await copyInSlices(data.yTrain),
    xValidation: await copyInSlices(data.xValidation),
    yValidation: await copyInSlices(data.yValidation),
  };
  return Comlink.transfer(copy, [
    copy.xTrain.buffer as ArrayBuffer,
    copy.yTrain.buffer as ArrayBuffer,
    copy.xValidation.buffer as ArrayBuffer,
    copy.yValidation.buffer as ArrayBuffer,
  ]);
}

/**
 * Values copied per task: 256 Ki floats (1 MiB), about a millisecond, 10-20 ms on a loaded
 * 2-core machine. One `slice()` of a 100,000-row × 74-input training split (5.9 M values)
 * took 60-120 ms alone there, and a sweep's page showed tasks of 160-360 ms, one per worker
 * (bench section data-train); in slices the page keeps answering. The yields between slices cost a few ms per MiB, nothing
 * beside a trial.
 */
export const COPY_SLICE = 1 << 18;

/** A copy of `source`, made slice by slice with the page's other tasks run between slices. */
export async function copyInSlices(source: Float32Array, slice = COPY_SLICE): Promise<Float32Array> {
  const copy = new Float32Array(source.length);
  for (let start = 0; start < source.length; start += slice) {
    if (start > 0) await new Promise<void>((resolve) => setTimeout(resolve, 0));
    copy.set(source.subarray(start, start + slice), start);
  }
  return copy;
}
