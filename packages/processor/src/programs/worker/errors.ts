import { errorMessage, RetryableError } from '../../core/errors';
import { ObjectUnavailableError } from '../../adapters/s3/s3-source';

/** Where in a message's life a failure happened; recorded with the reason. */
export type FailureStage = 'parse' | 'fetch' | 'process' | 'index' | 'ack';

/**
 * A message could not be turned into a stored document. `retryable` decides how soon it comes
 * back: at once when a retry cannot help (it reaches the dead-letter queue after the queue's
 * maxReceiveCount, with this reason recorded), after a delay when it might.
 */
export class WorkerError extends Error {
  constructor(
    readonly reason: string,
    readonly stage: FailureStage,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** The body is not a message this worker can act on (bad JSON, schema, wrong bucket). */
export class MessageRejectedError extends WorkerError {
  override readonly name = 'MessageRejectedError';
  constructor(reason: string) {
    super(reason, 'parse', false);
  }
}

/** OpenSearch refused the document (permanent) or stayed unavailable for the whole retry budget. */
export class IndexRejectedError extends WorkerError {
  override readonly name = 'IndexRejectedError';
  constructor(reason: string, retryable: boolean) {
    super(reason, 'index', retryable);
  }
}

/** The file was still processing after the per-file time limit. */
export class ProcessingTimeoutError extends WorkerError {
  override readonly name = 'ProcessingTimeoutError';
  constructor(ms: number) {
    super(`processing did not finish within ${Math.round(ms / 1000)} s`, 'process', true);
  }
}

/** The abort reason while the worker drains (signal, spot notice): messages go back unharmed. */
export class WorkerStoppingError extends Error {
  override readonly name = 'WorkerStoppingError';
}

/** Any error from handling a message, as the worker acts on it. */
export function toWorkerError(err: unknown): WorkerError {
  if (err instanceof WorkerError) return err;
  if (err instanceof ObjectUnavailableError) return new WorkerError(err.reason, 'fetch', false, { cause: err });
  if (err instanceof RetryableError) return new WorkerError(err.message, 'process', true, { cause: err });
  // An unexpected error (a bug, a crashed reader): retried, and after maxReceiveCount kept in the DLQ with the reason.
  return new WorkerError(`unexpected error: ${errorMessage(err)}`, 'process', true, { cause: err });
}
