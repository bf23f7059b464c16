import type { MetricPoint } from './records.js';

/**
 * How metric points are stored: one record per run per write batch, holding that run's points
 * as columns, in logged order. Storing each point as its own record costs IndexedDB a request,
 * a clone and an index update per point (about 10 000 points/s in Chromium, with the page's main
 * thread blocked for much of it); a chunk costs that once for thousands of points.
 *
 * A sweep's points from different runs interleave in a batch, so each chunk also keeps every
 * point's position among its sweep's points in that batch, and the first chunk of each sweep in
 * a batch is marked: reading a sweep merges the chunks between two marks back by position. The
 * chunks themselves are ordered by their auto-increment key, so batches read back in the order
 * they were committed.
 */
export interface MetricChunk {
  readonly sweepId: string;
  readonly runId: string;
  /** First chunk of its sweep in its batch: the merge by `order` starts again here. */
  readonly opens: boolean;
  /** Each point's position among its sweep's points in the batch. */
  readonly order: readonly number[];
  readonly attempt: readonly number[];
  readonly name: readonly string[];
  readonly step: readonly number[];
  readonly value: readonly number[];
  readonly time: readonly number[];
}

interface ChunkBuilder {
  sweepId: string;
  runId: string;
  order: number[];
  attempt: number[];
  name: string[];
  step: number[];
  value: number[];
  time: number[];
}

/** Keeps single records well under sizes where IndexedDB's large-value path slows reads down. */
export const MAX_CHUNK_POINTS = 4096;

/** Splits one batch of points into chunks: per sweep, per run, at most `maxPoints` each. */
export function packMetrics(points: readonly MetricPoint[], maxPoints = MAX_CHUNK_POINTS): MetricChunk[] {
  const sweeps = new Map<string, { next: number; runs: Map<string, ChunkBuilder[]> }>();
  for (const point of points) {
    let sweep = sweeps.get(point.sweepId);
    if (sweep === undefined) {
      sweep = { next: 0, runs: new Map() };
      sweeps.set(point.sweepId, sweep);
    }
    let builders = sweep.runs.get(point.runId);
    if (builders === undefined) {
      builders = [];
      sweep.runs.set(point.runId, builders);
    }
    let builder = builders[builders.length - 1];
    if (builder === undefined || builder.order.length >= maxPoints) {
      builder = {
        sweepId: point.sweepId,
        runId: point.runId,
        order: [],
        attempt: [],
        name: [],
        step: [],
        value: [],
        time: [],
      };
      builders.push(builder);
    }
    builder.order.push(sweep.next++);
    builder.attempt.push(point.attempt);
    builder.name.push(point.name);
    builder.step.push(point.step);
    builder.value.push(point.value);
    builder.time.push(point.time);
  }
  const chunks: MetricChunk[] = [];
  for (const sweep of sweeps.values()) {
    let opens = true;
    for (const builders of sweep.runs.values()) {
      for (const builder of builders) {
        chunks.push({ ...builder, opens });
        opens = false;
      }
    }
  }
  return chunks;
}

function pointAt(chunk: MetricChunk, i: number): MetricPoint {
  return {
    sweepId: chunk.sweepId,
    runId: chunk.runId,
    attempt: chunk.attempt[i] ?? 0,
    name: chunk.name[i] ?? '',
    step: chunk.step[i] ?? 0,
    value: chunk.value[i] ?? Number.NaN,
    time: chunk.time[i] ?? 0,
  };
}

export function chunkSize(chunk: MetricChunk): number {
  return chunk.order.length;
}

/** One run's points, from its chunks in key order. */
export function unpackRunMetrics(chunks: readonly MetricChunk[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.order.length; i++) points.push(pointAt(chunk, i));
  }
  return points;
}

/** A sweep's points in logged order, from its chunks in key order. */
export function unpackSweepMetrics(chunks: readonly MetricChunk[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  let group: MetricChunk[] = [];
  for (const chunk of chunks) {
    if (chunk.opens) {
      appendInOrder(group, points);
      group = [];
    }
    group.push(chunk);
  }
  appendInOrder(group, points);
  return points;
}

/**
 * Appends one batch's points (its chunks) in logged order. A batch numbers its points 0, 1, 2, …
 * (packMetrics), so each goes straight to its place: opening a sweep of 200,000 points sorted
 * wrapper objects by `order` before, the longest part of reading it back. Chunks that do not
 * number their points that way (none written by this store) are sorted.
 */
function appendInOrder(group: readonly MetricChunk[], points: MetricPoint[]): void {
  let count = 0;
  for (const chunk of group) count += chunk.order.length;
  const placed: (MetricPoint | undefined)[] = new Array(count);
  let dense = true;
  for (const chunk of group) {
    for (let i = 0; i < chunk.order.length; i++) {
      const order = chunk.order[i] ?? -1;
      if (!Number.isInteger(order) || order < 0 || order >= count || placed[order] !== undefined) {
        dense = false;
        break;
      }
      placed[order] = pointAt(chunk, i);
    }
    if (!dense) break;
  }
  if (dense) {
    for (const point of placed) if (point !== undefined) points.push(point);
    return;
  }
  const entries: Array<{ order: number; point: MetricPoint }> = [];
  for (const chunk of group)
    for (let i = 0; i < chunk.order.length; i++) entries.push({ order: chunk.order[i] ?? 0, point: pointAt(chunk, i) });
  entries.sort((a, b) => a.order - b.order);
  for (const entry of entries) points.push(entry.point);
}
