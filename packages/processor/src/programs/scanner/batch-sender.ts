import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { errorMessage } from '../../core/errors';
import { backoffMs, sleep as realSleep } from '../../core/backoff';
import type { Pacer } from './pacer';

/** SQS allows at most 10 entries per SendMessageBatch. */
export const MAX_BATCH = 10;

export interface BatchEntryFailure {
  id: string;
  /** The queue refused the entry itself (too long, bad characters …): resending cannot help. */
  senderFault: boolean;
  reason: string;
}

export interface SendBatchResult {
  ok: string[];
  failed: BatchEntryFailure[];
}

/** One SendMessageBatch call; throws when the call as a whole fails. */
export type SendBatch = (entries: Array<{ id: string; body: string }>) => Promise<SendBatchResult>;

export interface BatchSenderOptions<T> {
  send: SendBatch;
  /** Entries per call, 1–10. */
  batchSize?: number;
  /** Calls in flight at once. */
  concurrency?: number;
  /** Tries per entry (and per call that fails as a whole, for faults that may pass). */
  attempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  pacer?: Pacer;
  /** Stops waiting for the pacer: entries not yet sent are reported as failed. */
  signal?: AbortSignal;
  /** A partly filled batch goes out after this long without filling up. */
  lingerMs?: number;
  /** SQS accepted these entries. */
  onAccepted(items: T[]): void;
  /** The entry was not enqueued, and why. */
  onFailed(item: T, reason: string): void;
  sleep?: (ms: number) => Promise<void>;
}

/** The queue cannot be written to (gone, access denied, unreachable past every retry): the run stops. */
export class QueueSendError extends Error {
  override readonly name = 'QueueSendError';
}

interface Pending<T> {
  id: string;
  body: string;
  item: T;
}

/**
 * Groups messages into SendMessageBatch calls of up to ten and accounts for every entry: entries
 * the queue failed on its side are resent with backoff, entries it refused (sender fault) and
 * entries still failing after the last attempt are reported through onFailed. Nothing is dropped
 * silently. A call that fails as a whole past its retries (or at once, for a client error such as
 * a queue that does not exist) makes the sender fatal: its entries are reported as failed, later
 * calls to add() throw, and the caller stops the run.
 */
export class BatchSender<T> {
  private batch: Array<{ body: string; item: T }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private fatal: Error | undefined;
  private linger: NodeJS.Timeout | undefined;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: BatchSenderOptions<T>) {
    this.batchSize = Math.max(1, Math.min(MAX_BATCH, opts.batchSize ?? MAX_BATCH));
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.attempts = Math.max(1, opts.attempts ?? 5);
    this.sleep = opts.sleep ?? ((ms) => realSleep(ms));
  }

  /** Queues one message; resolves once it is in a batch that is on its way (back-pressure). */
  async add(body: string, item: T): Promise<void> {
    if (this.fatal) {
      this.opts.onFailed(item, `not sent: ${this.fatal.message}`);
      throw this.fatal;
    }
    this.batch.push({ body, item });
    if (this.batch.length >= this.batchSize) {
      await this.dispatch();
    } else if (this.linger === undefined && this.opts.lingerMs !== undefined) {
      this.linger = setTimeout(() => {
        this.linger = undefined;
        // A failure here is already recorded as fatal and surfaces at the next add() or flush().
        this.dispatch().catch(() => {});
      }, this.opts.lingerMs);
    }
  }

  /** Sends what is left and waits for every call; throws if the sender became fatal. */
  async flush(): Promise<void> {
    if (this.batch.length > 0) await this.dispatch();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (this.fatal) throw this.fatal;
  }

  /** For a run that stops: messages not yet sent are reported as failed; calls in flight finish. */
  async settle(reason: string): Promise<void> {
    this.clearLinger();
    const unsent = this.batch;
    this.batch = [];
    for (const { item } of unsent) this.opts.onFailed(item, `not sent: ${reason}`);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async dispatch(): Promise<void> {
    this.clearLinger();
    const entries = this.batch;
    this.batch = [];
    if (entries.length === 0) return;
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.fatal) {
      for (const { item } of entries) this.opts.onFailed(item, `not sent: ${this.fatal.message}`);
      throw this.fatal;
    }
    // Registered before any await, so concurrent dispatches never exceed `concurrency`.
    const call: Promise<void> = this.sendWithRetry(entries)
      .catch((err: unknown) => {
        this.fatal ??= err instanceof QueueSendError ? err : new QueueSendError(errorMessage(err), { cause: err });
      })
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  private async sendWithRetry(entries: Array<{ body: string; item: T }>): Promise<void> {
    try {
      await this.opts.pacer?.take(entries.length, this.opts.signal);
    } catch (err) {
      // Node's timers reject with a generic AbortError; the signal's reason says why.
      const why: unknown = this.opts.signal?.aborted ? this.opts.signal.reason : err;
      for (const { item } of entries) this.opts.onFailed(item, `not sent: ${errorMessage(why)}`);
      throw why;
    }
    let pending: Array<Pending<T>> = entries.map((e, i) => ({ id: String(i), ...e }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const last = attempt + 1 >= this.attempts;
      let result: SendBatchResult;
      try {
        result = await this.opts.send(pending.map(({ id, body }) => ({ id, body })));
      } catch (err) {
        if (last || !mayPass(err)) {
          const reason = `SendMessageBatch failed: ${errorMessage(err)}`;
          for (const p of pending) this.opts.onFailed(p.item, reason);
          throw new QueueSendError(reason, { cause: err });
        }
        await this.sleep(this.backoff(attempt));
        continue;
      }
      const ok = new Set(result.ok);
      const failedById = new Map(result.failed.map((f) => [f.id, f]));
      const accepted: T[] = [];
      const retry: Array<Pending<T>> = [];
      for (const p of pending) {
        if (ok.has(p.id)) {
          accepted.push(p.item);
          continue;
        }
        // An entry the answer does not mention is unconfirmed: sent again, like a failed one.
        const f = failedById.get(p.id);
        if (f?.senderFault) this.opts.onFailed(p.item, f.reason);
        else if (last) this.opts.onFailed(p.item, f ? `${f.reason} (after ${this.attempts} attempts)` : `not confirmed after ${this.attempts} attempts`);
        else retry.push(p);
      }
      if (accepted.length > 0) this.opts.onAccepted(accepted);
      pending = retry;
      if (pending.length > 0) await this.sleep(this.backoff(attempt));
    }
  }

  private backoff(attempt: number): number {
    return backoffMs(attempt, this.opts.retryBaseMs ?? 200, this.opts.retryCapMs ?? 5000);
  }

  private clearLinger(): void {
    if (this.linger !== undefined) clearTimeout(this.linger);
    this.linger = undefined;
  }
}

/**
 * Whether a failed call may succeed if repeated: throttling, server faults and network errors
 * may pass; a client error (queue does not exist, access denied, bad request) will not.
 */
function mayPass(err: unknown): boolean {
  const e = err as { $retryable?: unknown; $fault?: string };
  if (e.$retryable) return true;
  if (e.$fault === 'client') return false;
  return true;
}

/** SendMessageBatch on a real queue, in the shape BatchSender wants. */
export function sqsSendBatch(sqs: SQSClient, queueUrl: string): SendBatch {
  return async (entries) => {
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body })) }),
    );
    return {
      ok: (out.Successful ?? []).map((s) => s.Id ?? ''),
      failed: (out.Failed ?? []).map((f) => ({
        id: f.Id ?? '',
        senderFault: f.SenderFault ?? false,
        reason: `${f.Code ?? 'error'}: ${f.Message ?? 'no message'}`,
      })),
    };
  };
}
