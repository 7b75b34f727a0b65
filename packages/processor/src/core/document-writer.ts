import type { IndexDocument } from './types';

/** The outcome of one write, once the index has answered for it. */
export interface WriteResult {
  ok: boolean;
  /** Why the index refused the write, or why it kept failing. */
  error?: string;
  /** True when a later retry might succeed (overload, an unavailable index); false for a permanent refusal. */
  retryable?: boolean;
}

/** One request of batched writes, reported after it returned. */
export interface BulkEvent {
  docs: number;
  bytes: number;
  ms: number;
  ok: number;
  rejected: number;
  retrying: number;
  gaveUp: number;
}

/**
 * Where the worker stores what its messages turned into. Writes are batched (by size, with a
 * short linger), retried within a budget, and each resolves with its own outcome: a caller
 * learns "ok" only once the index acknowledged that write. OpenSearch's BulkWriter is the
 * production implementation.
 */
export interface DocumentWriter {
  put(doc: IndexDocument): Promise<WriteResult>;
  delete(id: string): Promise<WriteResult>;
  /** Bytes written but not yet acknowledged: the worker stops receiving while too many wait. */
  readonly pendingBytes: number;
  /** Nothing else is on its way for a while: send what waits for company now. */
  expedite(): void;
  /** Shutdown: send everything now, one last attempt per write; the caller bounds the wait. */
  drain(): Promise<void>;
  /** The worker is gone: every write still queued resolves as a retryable failure, unsent. */
  abandon(reason: string): void;
  /** After every request. */
  on(event: 'bulk', listener: (e: BulkEvent) => void): unknown;
}
