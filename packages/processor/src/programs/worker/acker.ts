import type { BatchOutcome, QueueMessage, WorkQueue } from '../../core/queue';

export type AckResult = { kind: 'deleted' } | { kind: 'stale'; reason: string } | { kind: 'failed'; reason: string };

interface Waiting {
  message: QueueMessage;
  resolve(result: AckResult): void;
}

/**
 * Deletes acknowledged messages in batches of up to ten: acknowledgements that arrive together
 * (the documents of one bulk response) share a DeleteMessageBatch call. Each caller learns what
 * happened to its own message.
 */
export class Acker {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: WorkQueue,
    private readonly onOutcome: (outcome: BatchOutcome, ms: number) => void = () => {},
  ) {}

  ack(message: QueueMessage): Promise<AckResult> {
    return new Promise((resolve) => {
      this.waiting.push({ message, resolve });
      if (this.waiting.length >= 10) this.flushNow();
      else if (!this.scheduled) {
        this.scheduled = true;
        // Let the rest of the same bulk response's acknowledgements join this batch.
        setImmediate(() => this.flushNow());
      }
    });
  }

  /** Waits for every delete in progress or queued. */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private flushNow(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, 10);
      const p = this.send(batch).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async send(batch: Waiting[]): Promise<void> {
    const started = performance.now();
    let outcome: BatchOutcome;
    try {
      outcome = await this.queue.delete(batch.map((w) => w.message));
    } catch (err) {
      outcome = { succeeded: [], stale: [], failed: batch.map((w) => ({ messageId: w.message.messageId, reason: String(err) })) };
    }
    this.onOutcome(outcome, performance.now() - started);
    const ok = new Set(outcome.succeeded);
    const stale = new Map(outcome.stale.map((s) => [s.messageId, s.reason]));
    const failed = new Map(outcome.failed.map((f) => [f.messageId, f.reason]));
    for (const w of batch) {
      const id = w.message.messageId;
      if (ok.has(id)) w.resolve({ kind: 'deleted' });
      else if (stale.has(id)) w.resolve({ kind: 'stale', reason: stale.get(id) ?? '' });
      else w.resolve({ kind: 'failed', reason: failed.get(id) ?? 'the queue did not report this message' });
    }
  }
}
