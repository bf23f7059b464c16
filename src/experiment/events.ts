import type { DecisionRecord, MetricPoint, RunRecord, SweepRecord } from '../store/records.js';

/** Live notifications for UIs, one per record the sweep writes (or, paused, would write). */
export type SweepEvent =
  | { readonly kind: 'sweep'; readonly sweep: SweepRecord }
  | { readonly kind: 'run'; readonly run: RunRecord }
  | { readonly kind: 'metric'; readonly point: MetricPoint }
  | { readonly kind: 'decision'; readonly record: DecisionRecord };

export type SweepListener = (event: SweepEvent) => void;

/** The sweep's listeners; a listener that throws is ignored, never breaking the sweep. */
export class SweepEvents {
  private readonly listeners = new Set<SweepListener>();

  subscribe(listener: SweepListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SweepEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken UI listener must not break the sweep.
      }
    }
  }
}
