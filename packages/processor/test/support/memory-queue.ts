import { setTimeout as delay } from 'node:timers/promises';
import type { BatchOutcome, QueueDepth, QueueMessage, WorkQueue } from '../../src/core/queue';

interface Stored {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  handle?: string;
  releases: number;
}

/**
 * An in-memory queue with SQS's visibility semantics (receipt handles, invisibility, receive
 * counts, stale handles) for unit tests of the worker. The integration tests use ElasticMQ.
 */
export class MemoryQueue implements WorkQueue {
  readonly url = 'memory://queue';
  readonly stored: Stored[] = [];
  readonly log: Array<{ op: 'receive' | 'delete' | 'visibility' | 'requeue'; ids: string[]; seconds?: number }> = [];
  /** Message ids whose next delete reports a stale receipt handle. */
  readonly staleOnDelete = new Set<string>();
  /** When set, copies are refused (a queue that cannot take SendMessage). */
  failSends = false;
  /** Like SQS's redrive policy: a receive beyond this many moves the message here instead. */
  readonly dead: Stored[] = [];
  maxReceiveCount = Infinity;
  private seq = 0;

  constructor(
    private readonly visibilitySeconds: number,
    /** Long-poll wait: an empty receive answers after this long. */
    private readonly waitMs = 100,
    private readonly pollMs = 10,
  ) {}

  send(...bodies: string[]): string[] {
    return bodies.map((body) => {
      const id = `m${++this.seq}`;
      this.stored.push({ id, body, receiveCount: 0, visibleAt: 0, releases: 0 });
      return id;
    });
  }

  async receive(max: number, signal?: AbortSignal): Promise<QueueMessage[]> {
    const until = Date.now() + this.waitMs;
    for (;;) {
      const now = Date.now();
      for (const m of this.stored.filter((x) => x.visibleAt <= now && x.receiveCount >= this.maxReceiveCount)) {
        this.stored.splice(this.stored.indexOf(m), 1);
        this.dead.push(m);
      }
      const visible = this.stored.filter((m) => m.visibleAt <= now).slice(0, max);
      if (visible.length > 0) {
        this.log.push({ op: 'receive', ids: visible.map((m) => m.id) });
        return visible.map((m) => {
          m.receiveCount++;
          m.visibleAt = now + this.visibilitySeconds * 1000;
          m.handle = `${m.id}#${m.receiveCount}`;
          return { messageId: m.id, receiptHandle: m.handle, body: m.body, receiveCount: m.receiveCount, receivedAt: now, releases: m.releases, attributes: {} };
        });
      }
      if (Date.now() >= until) return [];
      await delay(this.pollMs, undefined, { signal });
    }
  }

  async delete(messages: readonly QueueMessage[]): Promise<BatchOutcome> {
    this.log.push({ op: 'delete', ids: messages.map((m) => m.messageId) });
    const out: BatchOutcome = { succeeded: [], stale: [], failed: [] };
    for (const msg of messages) {
      const i = this.stored.findIndex((s) => s.handle === msg.receiptHandle);
      if (i < 0 || this.staleOnDelete.delete(msg.messageId)) {
        out.stale.push({ messageId: msg.messageId, reason: 'ReceiptHandleIsInvalid' });
        continue;
      }
      this.stored.splice(i, 1);
      out.succeeded.push(msg.messageId);
    }
    return out;
  }

  async changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<BatchOutcome> {
    this.log.push({ op: 'visibility', ids: messages.map((m) => m.messageId), seconds });
    const out: BatchOutcome = { succeeded: [], stale: [], failed: [] };
    for (const msg of messages) {
      const s = this.stored.find((x) => x.handle === msg.receiptHandle);
      if (!s) {
        out.stale.push({ messageId: msg.messageId, reason: 'ReceiptHandleIsInvalid' });
        continue;
      }
      s.visibleAt = Date.now() + seconds * 1000;
      out.succeeded.push(msg.messageId);
    }
    return out;
  }

  async requeue(messages: readonly QueueMessage[]): Promise<BatchOutcome> {
    this.log.push({ op: 'requeue', ids: messages.map((m) => m.messageId) });
    const out: BatchOutcome = { succeeded: [], stale: [], failed: [] };
    for (const msg of messages) {
      if (this.failSends) {
        out.failed.push({ messageId: msg.messageId, reason: 'send refused' });
        continue;
      }
      const [id] = this.send(msg.body ?? '');
      (this.stored.find((s) => s.id === id) as Stored).releases = msg.releases + 1;
      const i = this.stored.findIndex((s) => s.handle === msg.receiptHandle);
      if (i < 0) {
        out.stale.push({ messageId: msg.messageId, reason: 'ReceiptHandleIsInvalid' });
        continue;
      }
      this.stored.splice(i, 1);
      out.succeeded.push(msg.messageId);
    }
    return out;
  }

  async depth(): Promise<QueueDepth> {
    const now = Date.now();
    return { visible: this.stored.filter((m) => m.visibleAt <= now).length, inFlight: this.stored.filter((m) => m.visibleAt > now).length };
  }
}
