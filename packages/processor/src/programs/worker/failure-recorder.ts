import { errorMessage } from '../../core/errors';
import type { FailureRecord } from '../../adapters/opensearch/opensearch-status';
import type { Logger } from '../../core/log';
import type { QueueMessage } from '../../core/queue';
import type { Worker } from './worker';

export interface FailureStore {
  record(r: FailureRecord): Promise<void>;
  clear(keys: string[]): Promise<void>;
}

/**
 * Records why each message went back to the queue, where `cis failures` can find it when the
 * message has reached the dead-letter queue; forgets it once a later delivery succeeds. A store
 * that cannot be written only costs the record (the reason is in the log either way).
 */
export function attachFailureRecorder(worker: Worker, store: FailureStore, log: Logger): void {
  worker.on('processing_error', (err, message) => {
    const record: FailureRecord = {
      ...(keyOf(message) !== undefined ? { key: keyOf(message) } : {}),
      messageId: message.messageId,
      reason: err.reason,
      stage: err.stage,
      retryable: err.retryable,
      receiveCount: message.receiveCount,
      at: new Date().toISOString(),
      ...(keyOf(message) === undefined ? { body: (message.body ?? '').slice(0, 1024) } : {}),
    };
    store.record(record).catch((e: unknown) => log.warn({ err: errorMessage(e), messageId: message.messageId }, 'could not record a failure'));
  });
  worker.on('message_processed', (message, info) => {
    // A first delivery has no record to clear, unless it is the released copy of a file that failed before.
    if (message.receiveCount <= 1 && message.releases === 0) return;
    store.clear([info.key]).catch((e: unknown) => log.debug({ err: errorMessage(e), key: info.key }, 'could not clear a failure record'));
  });
}

/** The object key of a message, even of one the schema refused (as long as it is JSON with a string key). */
export function keyOf(message: Pick<QueueMessage, 'body'>): string | undefined {
  try {
    const key = (JSON.parse(message.body ?? '') as { key?: unknown }).key;
    return typeof key === 'string' && key.length > 0 ? key : undefined;
  } catch {
    return undefined;
  }
}
