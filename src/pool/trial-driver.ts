import * as Comlink from 'comlink';
import type { TrialEvent } from '../trial-runner/runner.js';
import { toErrorRecord } from '../error-record.js';
import type { BackendChoice } from './backend-choice.js';
import type { Note } from './diagnostics.js';
import type { Execution } from './execution.js';
import type { PoolSettings } from './options.js';
import {
  type BatchReplyMessage,
  ProtocolError,
  parseCheckpoint,
  parseEventBatchMessage,
  parseTrialResult,
  type TrialResult,
  type WorkerEvent,
} from './protocol.js';
import { retirementAfter } from './recycling.js';
import type { PreparedData } from '../data/index.js';
import { answerUserData } from './user-data.js';
import { wireTrial } from './requests.js';
import { WorkerGoneError, type Slot } from './slot.js';
import type { Slots } from './slots.js';

export interface TrialDriverDeps {
  readonly slots: Slots;
  readonly backends: BackendChoice;
  readonly settings: PoolSettings;
  readonly note: Note;
}

/**
 * Runs one trial on the worker it was given: sends it, passes its events and checkpoints on,
 * watches that the worker stays alive, enforces cancellation, and turns the worker's result
 * into the trial's outcome and the worker's fate.
 */
export class TrialDriver {
  constructor(private readonly deps: TrialDriverDeps) {}

  async drive(slot: Slot, execution: Execution): Promise<void> {
    const { slots, backends } = this.deps;
    let events: MessageChannel | null = null;
    try {
      if (execution.settled) return;
      await slot.ready;
      if (execution.settled) return;
      const backend = await backends.backendFor(execution.request.trial);
      if (execution.settled || slot.state === 'retired') return;
      const request = execution.request;
      events = this.eventPort(slot, execution);
      const saver = Comlink.proxy((data: unknown) => this.onCheckpoint(slot, execution, data));
      const userData = Comlink.proxy((raw: unknown) => this.onUserData(slot, execution, raw));
      execution.dispatched = true;
      this.watch(slot, execution);
      // Typed unknown on purpose: what comes back is parsed, never trusted.
      const raw = await slot.unlessGone<unknown>(
        slot.api.runTrial(
          {
            sweepId: request.sweepId,
            runId: request.runId,
            params: request.params,
            trial: wireTrial(request.trial),
            backend,
            resumeFrom: request.resumeFrom ?? null,
            checkpoints: request.checkpoint !== undefined,
            verdicts: request.verdicts ?? null,
          },
          Comlink.transfer(events.port2, [events.port2]),
          saver,
          userData,
        ),
      );
      if (execution.settled) return;
      let result: TrialResult;
      try {
        result = parseTrialResult(raw);
      } catch (error) {
        slots.protocolError(slot, error);
        return;
      }
      this.finish(slot, execution, result);
    } catch (error) {
      if (execution.settled) return;
      if (error instanceof WorkerGoneError) {
        // `retire` settled it already unless the worker vanished some other way.
        execution.settle({ kind: 'failed', error: { message: `WorkerCrashedError: ${error.message}`, stack: null } });
      } else if (error instanceof ProtocolError) {
        slots.protocolError(slot, error);
      } else {
        // The worker's API itself threw (not the training function: that is a result).
        execution.settle({ kind: 'failed', error: toErrorRecord(error) });
        slots.retire(
          slot,
          `worker ${slot.id} failed outside a trial: ${toErrorRecord(error).message}`,
          'crashed',
          true,
        );
      }
    } finally {
      // The worker's result comes after its last batch was answered (its batcher drains first).
      events?.port1.close();
      if (slot.execution === execution) slots.release(slot);
    }
  }

  /**
   * The trial's event port (`EventBatchMessage`): each batch is delivered and answered in the
   * same task, so the reply, with the verdict on the batch's last report, leaves before any
   * promise continuation the delivery queued (store writes, listeners' chains) runs.
   */
  private eventPort(slot: Slot, execution: Execution): MessageChannel {
    const channel = new MessageChannel();
    const port = channel.port1;
    port.onmessage = (event: MessageEvent<unknown>) => {
      let message: { seq: number; events: WorkerEvent[] };
      try {
        message = parseEventBatchMessage(event.data);
      } catch (error) {
        // The worker is retired for it; no answer is owed to a message that says nothing.
        this.deps.slots.protocolError(slot, error);
        return;
      }
      const reply: BatchReplyMessage = { seq: message.seq, stop: this.onBatch(slot, execution, message.events) };
      port.postMessage(reply);
    };
    port.onmessageerror = () => {
      this.deps.slots.protocolError(slot, new ProtocolError('an event batch could not be deserialized'));
    };
    return channel;
  }

  /**
   * Asks the worker to stop the trial; one that has not stopped after `cancelGraceMs` is
   * terminated. A trial not yet in a worker ends at once.
   */
  cancel(execution: Execution, reason: string): void {
    if (execution.settled || execution.cancelReason !== null) return;
    execution.cancelReason = reason;
    const slot = this.deps.slots.slotOf(execution);
    if (!execution.dispatched || slot === null) {
      // Not in a worker yet: `drive` stops at its next step and frees the slot.
      execution.settle({ kind: 'canceled', reason });
      return;
    }
    void slot.api.cancel(execution.request.runId, reason).catch(() => {});
    const grace = this.deps.settings.cancelGraceMs;
    execution.graceTimer = setTimeout(() => {
      if (execution.settled) return;
      execution.settle({
        kind: 'canceled',
        reason: `${reason} (worker ${slot.id} terminated after ignoring cancellation for ${grace} ms)`,
      });
      this.deps.slots.retire(
        slot,
        `run ${execution.request.runId} ignored cancellation for ${grace} ms`,
        'cancel-timeout',
        true,
      );
    }, grace);
  }

  /**
   * Delivers a batch to the orchestrator, which decides on it synchronously, and answers with
   * whether the run is now to stop (null: go on): the verdict a trial waiting at an evaluation
   * point needs.
   */
  private onBatch(slot: Slot, execution: Execution, events: readonly WorkerEvent[]): string | null {
    if (execution.settled || slot.state === 'retired') return execution.cancelReason ?? 'the run has ended';
    execution.lastSign = Date.now();
    if (events.some((event) => event.kind !== 'warning')) execution.lastProgress = Date.now();
    const out: TrialEvent[] = [];
    for (const event of events) {
      if (event.kind === 'started') {
        slot.backend = event.backend;
        slot.adapter = event.adapter;
        for (const note of event.notes) this.deps.note('backend', slot.id, execution.request.runId, note);
        out.push({ kind: 'started', time: event.time, backend: event.backend, worker: slot.id });
      } else if (event.kind === 'metric') {
        out.push({ kind: 'metric', name: event.name, value: event.value, time: event.time });
      } else {
        this.deps.note('warning', slot.id, execution.request.runId, event.message);
      }
    }
    execution.deliver(out);
    return execution.cancelReason;
  }

  /** A checkpoint from the worker: checked, then stored by whoever started the trial. */
  private async onCheckpoint(slot: Slot, execution: Execution, raw: unknown): Promise<void> {
    if (execution.settled || slot.state === 'retired')
      throw new Error(`run ${execution.request.runId} has ended; its checkpoint was not stored`);
    let data: ReturnType<typeof parseCheckpoint>;
    try {
      data = parseCheckpoint(raw);
    } catch (error) {
      // A malformed checkpoint is the trial's fault (what it passed), not a broken worker.
      throw new Error(toErrorRecord(error).message);
    }
    execution.lastProgress = Date.now();
    const store = execution.request.checkpoint;
    if (store === undefined) throw new Error('run.checkpoint: this sweep stores no checkpoints');
    await store(data);
  }

  /**
   * A trial's request for a stored dataset (`env.datasets.user`): parsed, then answered from the
   * pool's data source with copies the worker owns. Preparing a large table can take a while:
   * it counts as progress, so the silent-trial watchdog does not take the wait for a hang.
   */
  private async onUserData(slot: Slot, execution: Execution, raw: unknown): Promise<PreparedData> {
    if (execution.settled || slot.state === 'retired')
      throw new Error(`run ${execution.request.runId} has ended; its dataset was not sent`);
    execution.lastProgress = Date.now();
    try {
      return await answerUserData(this.deps.settings.userData, execution.request.sweepId, raw);
    } finally {
      execution.lastProgress = Date.now();
    }
  }

  /**
   * Pings the worker while its trial runs. A worker blocked in an endless loop cannot answer
   * (its one thread never returns to the event loop) nor report, so silence past `watchdogMs`
   * means hung: the run fails and the worker is replaced. A worker that answers while its trial
   * logs nothing for `silentTrialMs` (a promise that never settles) is ended the same way.
   */
  private watch(slot: Slot, execution: Execution): void {
    const limit = this.deps.settings.watchdogMs;
    const silenceLimit = this.deps.settings.silentTrialMs;
    execution.lastSign = Date.now();
    execution.lastProgress = Date.now();
    execution.watchdog = setInterval(
      () => {
        if (execution.settled || slot.state === 'retired') {
          if (execution.watchdog !== null) clearInterval(execution.watchdog);
          return;
        }
        const silent = Date.now() - execution.lastSign;
        if (silent > limit) {
          const reason = `worker ${slot.id} gave no sign of life for ${Math.round(silent / 1000)} s while running ${execution.request.runId} (an endless loop, or a step that never returns)`;
          execution.settle({ kind: 'failed', error: { message: `WorkerHungError: ${reason}`, stack: null } });
          this.deps.slots.retire(slot, reason, 'hung', true);
          return;
        }
        const idle = Date.now() - execution.lastProgress;
        if (idle > silenceLimit) {
          const reason = `run ${execution.request.runId} logged no metric and stored no checkpoint for ${Math.round(idle / 1000)} s (the pool's silentTrialMs is ${silenceLimit} ms): its training function seems to wait for something that never comes`;
          execution.settle({ kind: 'failed', error: { message: `TrialSilentError: ${reason}`, stack: null } });
          this.deps.slots.retire(slot, reason, 'hung', true);
          return;
        }
        void slot.api.status().then(
          () => {
            execution.lastSign = Date.now();
          },
          () => {},
        );
      },
      Math.max(50, Math.min(5_000, Math.min(limit, silenceLimit) / 4)),
    );
  }

  /** Ends the trial with the worker's result, then keeps or retires the worker. */
  private finish(slot: Slot, execution: Execution, result: TrialResult): void {
    slot.trials += 1;
    slot.lastHygiene = result.hygiene;
    if (result.kind === 'completed') execution.settle({ kind: 'completed' });
    else if (result.kind === 'canceled') execution.settle({ kind: 'canceled', reason: result.reason });
    else execution.settle({ kind: 'failed', error: result.error });

    const retirement = retirementAfter(slot, result, execution.request.runId, this.deps.settings);
    if (retirement === null) return;
    if (retirement.cause === 'unhealthy' && result.kind === 'failed' && result.unhealthy !== null) {
      this.deps.backends.noteUnhealthy(slot, result.unhealthy);
    }
    this.deps.slots.retire(slot, retirement.reason, retirement.cause, retirement.replace);
  }
}
