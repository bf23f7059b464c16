import {
  readBatchReply,
  type BatchReply,
  type EventBatchMessage,
  type EventSink,
  type WorkerEvent,
} from '../src/pool/protocol.js';

/**
 * The worker's end of a trial's event port (`EventBatchMessage` in src/pool/protocol.ts): `send`
 * posts a batch and resolves with the pool's reply to it. The pool answers every batch, in
 * order, so the waiting replies form a queue; a reply is matched by its `seq` all the same, so
 * a reply that is not the expected one can never settle another batch's wait.
 */
export class EventPort {
  private seq = 0;
  private readonly waiting = new Map<number, (reply: BatchReply) => void>();

  constructor(private readonly port: MessagePort) {
    // Setting onmessage starts the port.
    port.onmessage = (event: MessageEvent<unknown>) => this.onReply(event.data);
  }

  /** Posts synchronously (a clone error throws here) and resolves once the pool answered. */
  readonly send: EventSink = (events: readonly WorkerEvent[]): Promise<BatchReply> => {
    const seq = ++this.seq;
    const message: EventBatchMessage = { seq, events };
    this.port.postMessage(message);
    return new Promise<BatchReply>((resolve) => this.waiting.set(seq, resolve));
  };

  /** After the last reply: the pool closes its end once the trial's result arrived. */
  close(): void {
    this.port.onmessage = null;
    this.port.close();
  }

  private onReply(data: unknown): void {
    const seq = typeof data === 'object' && data !== null ? (data as { seq?: unknown }).seq : undefined;
    if (typeof seq !== 'number') return;
    const resolve = this.waiting.get(seq);
    if (resolve === undefined) return;
    this.waiting.delete(seq);
    resolve(readBatchReply(data));
  }
}
