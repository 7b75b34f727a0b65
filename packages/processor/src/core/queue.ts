/** One received message, with what the worker needs to acknowledge, extend or release it. */
export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string | undefined;
  /** How many times the queue has handed this message out, this time included. */
  receiveCount: number;
  /** Epoch ms when this worker received it; invisibility runs from here. */
  receivedAt: number;
  /**
   * Free releases so far: how many times a stopping worker handed this file back as a fresh copy
   * (the `cis-releases` attribute). Unlike receiveCount, these never count towards the DLQ.
   */
  releases: number;
  /** The message's own string/number attributes, carried over to a released copy. */
  attributes: Record<string, { dataType: string; value: string }>;
}

/** The message attribute that counts free releases (see WorkQueue.requeue). */
export const RELEASES_ATTRIBUTE = 'cis-releases';

/** The outcome of a batch operation on messages, entry by entry: nothing is hidden. */
export interface BatchOutcome {
  /** Message ids the queue confirmed. */
  succeeded: string[];
  /**
   * The receipt handle is no longer valid: the invisibility ran out and the message was (or will
   * be) handed to another consumer. Retrying cannot help; the message will be processed again.
   */
  stale: Array<{ messageId: string; reason: string }>;
  /** Refused or unreachable after retries. */
  failed: Array<{ messageId: string; reason: string }>;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
}

/** What the worker needs from a queue; SqsQueue is the production implementation. */
export interface WorkQueue {
  readonly url: string;
  receive(max: number, signal?: AbortSignal): Promise<QueueMessage[]>;
  /** Deletes exactly these messages (acknowledged: their documents are stored). */
  delete(messages: readonly QueueMessage[]): Promise<BatchOutcome>;
  /** Makes the messages invisible for `seconds` from now; 0 releases them at once. */
  changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<BatchOutcome>;
  /**
   * Releases without spending a receive: sends a fresh copy of each message (same body and
   * attributes, release count + 1, visible at once) and deletes the held one only after its
   * copy is in. `failed`: no copy was sent and the held message is untouched (the caller falls
   * back to changeVisibility 0). `stale`: the copy is in but the held one could not be deleted,
   * so the file will also be delivered once more (harmless: writes are keyed by file id).
   */
  requeue(messages: readonly QueueMessage[]): Promise<BatchOutcome>;
  depth(): Promise<QueueDepth>;
}
