import { EventEmitter } from 'node:events';
import { backoffMs } from '../../core/backoff';
import type { BulkEvent, DocumentWriter } from '../../core/document-writer';
import type { IndexDocument } from '../../core/types';
import { deleteOp, encodeOp, indexOp, type BulkItemResult, type BulkOp } from './opensearch-bulk';

/** The index the requests go to (OpenSearchIndex). */
export interface BulkTarget {
  readonly name: string;
  bulk(ops: readonly BulkOp[], encoded: readonly string[]): Promise<BulkItemResult[]>;
}

export interface BulkWriterOptions {
  /** Request body limit, bytes. */
  maxBytes: number;
  /** How long a document waits for company before its request is sent. */
  lingerMs: number;
  /** How long an item keeps being retried after retryable failures before it is given up. */
  retryBudgetMs: number;
  retryBaseMs?: number;
  retryCapMs?: number;
}

interface Item {
  op: BulkOp;
  line: string;
  bytes: number;
  firstAt: number;
  dueAt: number;
  attempts: number;
  resolve(result: BulkItemResult): void;
}

/**
 * The worker's DocumentWriter for OpenSearch. Batches writes into bulk requests by bytes and
 * sends one request at a time. Each write resolves with its own result: stored, refused
 * (permanent), or still failing after the retry budget. Retryable item failures (429, 5xx, an
 * unreachable cluster) wait with jittered backoff and go out again; a caller only learns "ok"
 * when OpenSearch acknowledged the item.
 *
 * Emits 'bulk' (BulkEvent) after every request.
 */
export class BulkWriter extends EventEmitter<{ bulk: [BulkEvent] }> implements DocumentWriter {
  private queue: Item[] = [];
  private sending = false;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private bytesQueued = 0;

  constructor(
    private readonly target: BulkTarget,
    private readonly opts: BulkWriterOptions,
  ) {
    super();
  }

  /** Documents waiting (queued or in the request being sent). */
  get pendingBytes(): number {
    return this.bytesQueued;
  }

  /** Stores `doc`, versioned by its modification time (a stale write never replaces a newer one). */
  put(doc: IndexDocument): Promise<BulkItemResult> {
    return this.submit(indexOp(this.target.name, doc));
  }

  delete(id: string): Promise<BulkItemResult> {
    return this.submit(deleteOp(this.target.name, id));
  }

  private submit(op: BulkOp): Promise<BulkItemResult> {
    const line = encodeOp(op);
    const bytes = Buffer.byteLength(line);
    const now = Date.now();
    return new Promise((resolve) => {
      this.queue.push({ op, line, bytes, firstAt: now, dueAt: now + this.opts.lingerMs, attempts: 0, resolve });
      this.bytesQueued += bytes;
      this.pump();
    });
  }

  /**
   * Sends everything now, ignoring linger and backoff, with one attempt left per item; items
   * still failing resolve as failed. For shutdown: the caller bounds the wait.
   */
  async drain(): Promise<void> {
    this.draining = true;
    this.pump();
    while (this.queue.length > 0 || this.sending) await new Promise((r) => setImmediate(r));
  }

  /**
   * Sends the documents waiting for company now instead of at the end of their linger: the
   * caller knows no other document is on its way (nothing is being processed).
   */
  expedite(): void {
    const now = Date.now();
    for (const item of this.queue) if (item.attempts === 0) item.dueAt = Math.min(item.dueAt, now);
    this.pump();
  }

  /** Resolves every queued item as failed (retryable) without sending: the worker is gone. */
  abandon(reason: string): void {
    clearTimeout(this.timer);
    for (const item of this.queue.splice(0)) {
      this.bytesQueued -= item.bytes;
      item.resolve({ id: item.op.id, ok: false, status: 0, error: reason, retryable: true });
    }
  }

  private pump(): void {
    clearTimeout(this.timer);
    if (this.sending || this.queue.length === 0) return;
    const now = Date.now();
    // Items backing off after a failure wait for their turn; fresh items may join any request.
    const eligible = this.queue.filter((i) => i.attempts === 0 || i.dueAt <= now || this.draining);
    const eligibleBytes = eligible.reduce((n, i) => n + i.bytes, 0);
    if (eligible.length > 0 && (this.draining || eligibleBytes >= this.opts.maxBytes || eligible.some((i) => i.dueAt <= now))) {
      void this.send(eligible);
      return;
    }
    const next = Math.min(...this.queue.map((i) => i.dueAt));
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
  }

  private async send(ready: Item[]): Promise<void> {
    this.sending = true;
    const batch: Item[] = [];
    let bytes = 0;
    for (const item of ready) {
      if (batch.length > 0 && bytes + item.bytes > this.opts.maxBytes) break;
      batch.push(item);
      bytes += item.bytes;
    }
    const inBatch = new Set(batch);
    this.queue = this.queue.filter((i) => !inBatch.has(i));
    const started = performance.now();
    const results = await this.target
      .bulk(
        batch.map((i) => i.op),
        batch.map((i) => i.line),
      )
      .catch((err: unknown) => batch.map((i) => ({ id: i.op.id, ok: false, status: 0, error: String(err), retryable: true })));
    const ms = performance.now() - started;
    const event: BulkEvent = { docs: batch.length, bytes, ms, ok: 0, rejected: 0, retrying: 0, gaveUp: 0 };
    const now = Date.now();
    batch.forEach((item, i) => {
      const r = results[i];
      item.attempts++;
      const outOfBudget = now - item.firstAt >= this.opts.retryBudgetMs || this.draining;
      if (r.ok || !r.retryable || outOfBudget) {
        if (r.ok) event.ok++;
        else if (r.retryable) event.gaveUp++;
        else event.rejected++;
        this.bytesQueued -= item.bytes;
        item.resolve(r.ok || !r.retryable ? r : { ...r, error: `${r.error} (still failing after ${item.attempts} attempt(s))` });
        return;
      }
      event.retrying++;
      item.dueAt = now + backoffMs(item.attempts, this.opts.retryBaseMs ?? 500, this.opts.retryCapMs ?? 30_000);
      this.queue.push(item);
    });
    this.sending = false;
    this.emit('bulk', event);
    this.pump();
  }
}
