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
    xTrain: data.xTrain.slice(),
    yTrain: data.yTrain.slice(),
    xValidation: data.xValidation.slice(),
    yValidation: data.yValidation.slice(),
  };
  return Comlink.transfer(copy, [
    copy.xTrain.buffer as ArrayBuffer,
    copy.yTrain.buffer as ArrayBuffer,
    copy.xValidation.buffer as ArrayBuffer,
    copy.yValidation.buffer as ArrayBuffer,
  ]);
}
