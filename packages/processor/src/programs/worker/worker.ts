import { EventEmitter } from 'node:events';
import type { StageTimings } from '../../core/timing';
import type { FileStatus } from '../../core/types';
import type { BatchOutcome, QueueMessage, WorkQueue } from '../../core/queue';
import { Acker } from './acker';
import { errorMessage } from '../../core/errors';
import { backoffMs, sleep } from '../../core/backoff';
import type { BulkEvent, DocumentWriter } from '../../core/document-writer';
import { IndexRejectedError, ProcessingTimeoutError, toWorkerError, WorkerError, WorkerStoppingError } from './errors';
import type { HandlerOutcome, MessageHandler } from './file-message-handler';
import { Heartbeat, type HeartbeatReport } from './heartbeat';

export interface WorkerOptions {
  /** Messages being processed (download + extraction) at most. */
  filesInFlight: number;
  /**
   * Messages received ahead and held (invisible, heartbeated) until a processing slot frees, so a
   * slot never waits for a receive; refilled in batches once half of them are used. Default 0.
   */
  prefetch?: number;
  receiveBatch: number;
  visibilitySeconds: number;
  heartbeatMarginSeconds: number;
  heartbeatIntervalMs?: number;
  /** A retryable failure returns its message after this × its receive count (capped by the visibility timeout). */
  retryDelaySeconds: number;
  fileTimeoutMs: number;
  /** Everything is released or acknowledged within this time after stop() is called. */
  drainDeadlineMs: number;
  /** Receiving also pauses while this many bytes wait for the index (it is slow or down). */
  maxPendingIndexBytes: number;
  /**
   * Releases per file (drain, Spot notice, shutdown) done by sending a fresh copy, which does not
   * count as a receive; beyond it a release is visibility 0 and counts. 0: every release counts.
   */
  maxFreeReleases: number;
}

export interface WorkerDeps {
  queue: WorkQueue;
  handler: MessageHandler;
  /** Where documents are stored (OpenSearch's BulkWriter in production). */
  index: DocumentWriter;
}

/** A message whose document is stored and which the queue has deleted. */
export interface ProcessedInfo {
  key: string;
  status: FileStatus | 'removed';
  reason?: string;
  receiveCount: number;
  timings: StageTimings;
  /** Handler time: download, hash, extraction, OCR, embedding. */
  processMs: number;
  /** Wait for the bulk request that stored the document. */
  indexMs: number;
  /** From receipt to deletion. */
  totalMs: number;
}

export interface WorkerEvents {
  message_received: [QueueMessage];
  message_processed: [QueueMessage, ProcessedInfo];
  /** The message goes back to the queue (at once, or after a delay when a retry may help). */
  processing_error: [WorkerError, QueueMessage, { returnsInSeconds: number }];
  /** Released unprocessed because the worker is stopping: as a fresh copy (free) or by visibility 0 (counts a receive). */
  message_released: [QueueMessage, string, { copied: boolean }];
  batch_received: [{ count: number; ms: number }];
  empty: [];
  bulk: [BulkEvent];
  acked: [{ outcome: BatchOutcome; ms: number }];
  /** The document is stored but the delete came too late: the message will come back and be skipped. */
  ack_stale: [QueueMessage, string];
  ack_error: [QueueMessage, string];
  heartbeat: [HeartbeatReport];
  /** The queue could not be reached (receive, heartbeat, release); the worker keeps going. */
  queue_error: [Error, string];
  draining: [string];
  stopped: [];
}

type Phase = 'waiting' | 'processing' | 'indexing' | 'acking';

interface Tracked {
  message: QueueMessage;
  phase: Phase;
  abort: AbortController;
  settled: boolean;
}

/**
 * Consumes file messages in the style of bbc/sqs-consumer (lifecycle events that logging,
 * metrics and failure records attach to from outside) but without waiting for a batch: every
 * message is processed on its own, and the next receive happens as soon as a slot is free, so
 * the OCR pool never idles behind the slowest file of a batch.
 *
 * A message is deleted only after OpenSearch acknowledged its document (or the index already
 * held it). Everything else goes back to the queue: at once when a retry cannot help, so it
 * reaches the dead-letter queue after maxReceiveCount, or after a delay when a retry may.
 */
export class Worker extends EventEmitter<WorkerEvents> {
  private readonly tracked = new Map<QueueMessage, Tracked>();
  private readonly heartbeat: Heartbeat;
  private readonly acker: Acker;
  private readonly stopController = new AbortController();
  private processing = 0;
  private readonly waiting: Tracked[] = [];
  private waiters: Array<() => void> = [];
  private drained: Promise<void> | undefined;
  private receiving: Promise<void> | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: WorkerOptions,
  ) {
    super();
    this.heartbeat = new Heartbeat(
      deps.queue,
      { visibilitySeconds: opts.visibilitySeconds, marginSeconds: opts.heartbeatMarginSeconds, intervalMs: opts.heartbeatIntervalMs },
      (report) => this.emit('heartbeat', report),
      (err) => this.emit('queue_error', asError(err), 'heartbeat'),
    );
    this.acker = new Acker(deps.queue, (outcome, ms) => this.emit('acked', { outcome, ms }));
    deps.index.on('bulk', (e) => {
      this.emit('bulk', e);
      this.notify();
    });
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** Messages held by this worker (processing, waiting for the index, or being deleted). */
  get inFlight(): number {
    return this.tracked.size;
  }

  /** Receives and processes until stop() is called; resolves once the drain is complete. */
  async run(): Promise<void> {
    this.heartbeat.start();
    this.receiving = this.receiveLoop();
    await this.receiving;
    await this.stop('stopped');
  }

  /**
   * Stops receiving, releases messages still processing at once (visibility 0), lets documents
   * already made reach the index and their messages be deleted, and releases whatever is left
   * when the deadline nears. Idempotent.
   */
  stop(reason: string): Promise<void> {
    this.drained ??= this.drain(reason);
    return this.drained;
  }

  private async receiveLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      await this.room();
      if (this.stopping) break;
      const max = Math.min(this.opts.receiveBatch, this.capacity() - this.processing - this.waiting.length);
      const started = performance.now();
      let messages: QueueMessage[];
      try {
        // Not aborted on stop: a long poll abandoned by the client may still be handed messages by
        // the queue, which would then stay invisible for a whole visibility timeout with nobody
        // holding them. The drain waits for it (at most the long-poll wait) and releases what it brings.
        messages = await this.deps.queue.receive(max);
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        this.emit('queue_error', asError(err), 'receive');
        await sleep(backoffMs(failures++, 500, 20_000), this.stopController.signal).catch(() => {});
        continue;
      }
      if (messages.length === 0) {
        this.emit('empty');
        continue;
      }
      this.emit('batch_received', { count: messages.length, ms: performance.now() - started });
      for (const m of messages) this.start(m);
    }
  }

  private async drain(reason: string): Promise<void> {
    this.emit('draining', reason);
    const deadline = Date.now() + this.opts.drainDeadlineMs - Math.min(5000, this.opts.drainDeadlineMs / 4);
    this.stopController.abort(new WorkerStoppingError(reason));
    this.notify();
    // One timer for the whole drain, cleared at the end: a pending timer would keep the process alive.
    const timeUp = new AbortController();
    const timer = setTimeout(() => timeUp.abort(), Math.max(0, deadline - Date.now()));
    const untilDeadline = () => new Promise<void>((resolve) => (timeUp.signal.aborted ? resolve() : timeUp.signal.addEventListener('abort', () => resolve())));
    const inProcessing = () => [...this.tracked.values()].filter((t) => t.phase === 'processing' || t.phase === 'waiting');

    await this.releaseNow(inProcessing(), reason);
    // The last long poll may still bring messages (some of those just released): they go straight back.
    await Promise.race([this.receiving, untilDeadline()]);
    await this.releaseNow(inProcessing(), reason);
    await Promise.race([this.deps.index.drain(), untilDeadline()]);
    await Promise.race([this.settledAll(), untilDeadline()]);
    await Promise.race([this.acker.flush(), untilDeadline()]);
    clearTimeout(timer);
    await this.releaseNow([...this.tracked.values()], `${reason} (drain deadline)`);
    this.deps.index.abandon('worker stopped');
    await this.heartbeat.stop();
    this.emit('stopped');
  }

  private start(message: QueueMessage): void {
    const t: Tracked = { message, phase: 'waiting', abort: new AbortController(), settled: false };
    this.tracked.set(message, t);
    this.heartbeat.hold(message);
    this.waiting.push(t);
    this.emit('message_received', message);
    this.dispatch();
  }

  /** Moves waiting messages into free processing slots. */
  private dispatch(): void {
    while (!this.stopping && this.processing < this.opts.filesInFlight && this.waiting.length > 0) {
      const t = this.waiting.shift() as Tracked;
      t.phase = 'processing';
      this.processing++;
      void this.process(t);
    }
  }

  private capacity(): number {
    return this.opts.filesInFlight + (this.opts.prefetch ?? 0);
  }

  private async process(t: Tracked): Promise<void> {
    const m = t.message;
    const timer = setTimeout(() => t.abort.abort(new ProcessingTimeoutError(this.opts.fileTimeoutMs)), this.opts.fileTimeoutMs);
    const signal = AbortSignal.any([t.abort.signal, this.stopController.signal]);
    const started = performance.now();
    let outcome: HandlerOutcome;
    try {
      outcome = await this.deps.handler.handle(m, signal);
    } catch (err) {
      this.endProcessing(t, timer);
      if (t.settled) return;
      if (this.stopping) return this.releaseNow([t], 'worker stopping');
      await this.fail(t, t.abort.signal.aborted ? toWorkerError(t.abort.signal.reason) : toWorkerError(err));
      return;
    }
    this.endProcessing(t, timer);
    if (t.settled) return;
    const processMs = performance.now() - started;

    let indexMs = 0;
    if (outcome.kind !== 'skip') {
      t.phase = 'indexing';
      const indexStart = performance.now();
      // A container's members are written with it; the message is acknowledged only when all were.
      const writes =
        outcome.kind === 'index'
          ? [outcome.doc, ...(outcome.members ?? [])].map((d) => this.deps.index.put(d)).concat((outcome.staleMembers ?? []).map((id) => this.deps.index.delete(id)))
          : [outcome.id, ...(outcome.members ?? [])].map((id) => this.deps.index.delete(id));
      const results = await Promise.all(writes);
      const result = results.find((r) => !r.ok) ?? results[0];
      indexMs = performance.now() - indexStart;
      if (t.settled) return;
      if (!result.ok) {
        await this.fail(t, new IndexRejectedError(`OpenSearch refused the document: ${result.error}`, result.retryable ?? false));
        return;
      }
    }

    t.phase = 'acking';
    const ack = await this.acker.ack(m);
    this.settle(t);
    if (ack.kind === 'stale') this.emit('ack_stale', m, ack.reason);
    else if (ack.kind === 'failed') this.emit('ack_error', m, ack.reason);
    else {
      this.emit('message_processed', m, {
        key: outcome.key,
        status: outcome.kind === 'index' ? outcome.status : outcome.kind === 'remove' ? 'removed' : 'skipped',
        reason: outcome.kind === 'index' ? outcome.doc.reason : outcome.kind === 'skip' ? outcome.why : undefined,
        receiveCount: m.receiveCount,
        timings: outcome.timings,
        processMs,
        indexMs,
        totalMs: Date.now() - m.receivedAt,
      });
    }
  }

  private endProcessing(t: Tracked, timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    if (t.phase !== 'processing') return;
    t.phase = 'indexing';
    this.processing--;
    this.dispatch();
    this.notify();
    // The last file in progress is done: nothing will join the pending bulk request for a while.
    if (this.processing === 0) queueMicrotask(() => this.deps.index.expedite());
  }

  private async fail(t: Tracked, err: WorkerError): Promise<void> {
    const seconds = err.retryable ? Math.min(this.opts.visibilitySeconds, this.opts.retryDelaySeconds * t.message.receiveCount) : 0;
    this.settle(t);
    this.emit('processing_error', err, t.message, { returnsInSeconds: seconds });
    await this.changeVisibility([t.message], seconds, 'release');
  }

  private async releaseNow(list: Tracked[], reason: string): Promise<void> {
    const live = list.filter((t) => !t.settled);
    if (live.length === 0) return;
    for (const t of live) {
      if (t.phase === 'processing') t.abort.abort(new WorkerStoppingError(reason));
      this.settle(t);
    }
    // A stop is not the file's fault: re-send it as a fresh copy (receive count 0) so churn never
    // uses up the DLQ budget meant for real failures. Past the cap the release counts, so a file
    // released forever still ends in the DLQ.
    const free = live.filter((t) => t.message.releases < this.opts.maxFreeReleases).map((t) => t.message);
    const counted = live.filter((t) => t.message.releases >= this.opts.maxFreeReleases).map((t) => t.message);
    if (free.length > 0) {
      let outcome: BatchOutcome;
      try {
        outcome = await this.deps.queue.requeue(free);
      } catch (err) {
        outcome = { succeeded: [], stale: [], failed: free.map((m) => ({ messageId: m.messageId, reason: errorMessage(err) })) };
      }
      for (const f of outcome.failed) this.emit('queue_error', new Error(`copy of ${f.messageId} not sent (${f.reason}); releasing it instead`), 'requeue');
      for (const f of outcome.stale) this.emit('queue_error', new Error(`copy of ${f.messageId} sent, but the held message was not deleted: ${f.reason}`), 'requeue');
      const copied = new Set([...outcome.succeeded, ...outcome.stale.map((x) => x.messageId)]);
      for (const m of free) {
        if (copied.has(m.messageId)) this.emit('message_released', m, reason, { copied: true });
        else counted.push(m);
      }
    }
    if (counted.length === 0) return;
    const outcome = await this.changeVisibility(counted, 0, 'release');
    const ok = new Set(outcome?.succeeded ?? []);
    for (const m of counted) if (ok.has(m.messageId)) this.emit('message_released', m, reason, { copied: false });
  }

  private async changeVisibility(messages: QueueMessage[], seconds: number, what: string): Promise<BatchOutcome | undefined> {
    try {
      const outcome = await this.deps.queue.changeVisibility(messages, seconds);
      for (const f of [...outcome.failed, ...outcome.stale]) {
        this.emit('queue_error', new Error(`${what} of ${f.messageId} failed: ${f.reason}`), what);
      }
      return outcome;
    } catch (err) {
      // The message still comes back when its current invisibility ends.
      this.emit('queue_error', asError(err), what);
      return undefined;
    }
  }

  private settle(t: Tracked): void {
    if (t.settled) return;
    t.settled = true;
    if (t.phase === 'processing') {
      this.processing--;
      this.dispatch();
      this.notify();
    } else if (t.phase === 'waiting') {
      this.waiting.splice(this.waiting.indexOf(t), 1);
    }
    this.tracked.delete(t.message);
    this.heartbeat.drop(t.message);
    if (this.tracked.size === 0) this.notify();
  }

  /**
   * Resolves when messages should be received: slots and the prefetch buffer have room, the
   * buffer is down to half (so receives come in batches), and the index keeps up.
   */
  private async room(): Promise<void> {
    const lowWater = Math.floor((this.opts.prefetch ?? 0) / 2);
    while (
      !this.stopping &&
      (this.processing + this.waiting.length >= this.capacity() ||
        this.waiting.length > lowWater ||
        this.deps.index.pendingBytes >= this.opts.maxPendingIndexBytes)
    ) {
      await this.changed();
    }
  }

  private async settledAll(): Promise<void> {
    while (this.tracked.size > 0) await this.changed();
  }

  /** Resolves at the next change of slots, pending index bytes or held messages. */
  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
