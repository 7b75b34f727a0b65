import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type BatchResultErrorEntry,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { errorMessage } from '../../core/errors';
import { backoffMs, sleep } from '../../core/backoff';
import { RELEASES_ATTRIBUTE, type BatchOutcome, type QueueDepth, type QueueMessage, type WorkQueue } from '../../core/queue';

export interface SqsQueueOptions {
  queueUrl: string;
  /** Long-poll wait, 0–20 s. */
  waitSeconds: number;
  /** Invisibility of received messages, seconds. */
  visibilitySeconds: number;
  /** Attempts per batch entry for failures the queue blames on itself (and for unreachable calls). */
  attempts?: number;
  retryBaseMs?: number;
}

/** SQS allows at most 10 entries per batch call. */
const MAX_BATCH = 10;

/**
 * The worker's view of an SQS queue. Batch calls report every entry: a delete that fails is
 * retried when the fault is the queue's, and a stale receipt handle (the message's invisibility
 * ran out and another receive superseded it) is returned as such, never swallowed.
 */
export class SqsQueue implements WorkQueue {
  readonly url: string;
  private readonly attempts: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly client: SQSClient,
    private readonly opts: SqsQueueOptions,
  ) {
    this.url = opts.queueUrl;
    this.attempts = opts.attempts ?? 4;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
  }

  async receive(max: number, signal?: AbortSignal): Promise<QueueMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: Math.max(1, Math.min(MAX_BATCH, max)),
        WaitTimeSeconds: this.opts.waitSeconds,
        VisibilityTimeout: this.opts.visibilitySeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    const receivedAt = Date.now();
    return (out.Messages ?? []).map((m) => {
      const attributes = stringAttributes(m);
      const releases = Number(attributes[RELEASES_ATTRIBUTE]?.value ?? 0);
      return {
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
        receivedAt,
        releases: Number.isFinite(releases) && releases > 0 ? Math.floor(releases) : 0,
        attributes,
      };
    });
  }

  async requeue(messages: readonly QueueMessage[]): Promise<BatchOutcome> {
    const sent = await this.batched(messages, async (entries) => {
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.url,
          Entries: entries.map(({ id, message }) => ({
            Id: id,
            MessageBody: message.body ?? '',
            DelaySeconds: 0,
            MessageAttributes: copyAttributes(message),
          })),
        }),
      );
      return { ok: (out.Successful ?? []).map((s) => s.Id ?? ''), failed: out.Failed ?? [] };
    });
    const copied = new Set(sent.succeeded);
    // Only now: had the copy not gone in, deleting the held message would lose the file.
    const deleted = await this.delete(messages.filter((m) => copied.has(m.messageId)));
    return {
      succeeded: deleted.succeeded,
      stale: [...deleted.stale, ...deleted.failed],
      failed: [...sent.stale, ...sent.failed],
    };
  }

  delete(messages: readonly QueueMessage[]): Promise<BatchOutcome> {
    return this.batched(messages, async (entries) => {
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.url,
          Entries: entries.map(({ id, message }) => ({ Id: id, ReceiptHandle: message.receiptHandle })),
        }),
      );
      return { ok: (out.Successful ?? []).map((s) => s.Id ?? ''), failed: out.Failed ?? [] };
    });
  }

  changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<BatchOutcome> {
    return this.batched(messages, async (entries) => {
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.url,
          Entries: entries.map(({ id, message }) => ({
            Id: id,
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: Math.round(seconds),
          })),
        }),
      );
      return { ok: (out.Successful ?? []).map((s) => s.Id ?? ''), failed: out.Failed ?? [] };
    });
  }

  async depth(): Promise<QueueDepth> {
    const out = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /**
   * Sends the messages in chunks of ten; entries the queue failed on its side (or that could not
   * be sent at all) are retried with backoff, those it refused are classified and returned.
   */
  private async batched(
    messages: readonly QueueMessage[],
    send: (entries: Array<{ id: string; message: QueueMessage }>) => Promise<{ ok: string[]; failed: BatchResultErrorEntry[] }>,
  ): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { succeeded: [], stale: [], failed: [] };
    for (let start = 0; start < messages.length; start += MAX_BATCH) {
      // Ids are positions: the same message may appear twice if it was received twice.
      let pending = messages.slice(start, start + MAX_BATCH).map((message, i) => ({ id: String(i), message }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const last = attempt + 1 >= this.attempts;
        let result: { ok: string[]; failed: BatchResultErrorEntry[] };
        try {
          result = await send(pending);
        } catch (err) {
          if (last) {
            for (const { message } of pending) outcome.failed.push({ messageId: message.messageId, reason: errorMessage(err) });
            break;
          }
          await sleep(backoffMs(attempt, this.retryBaseMs, 5000));
          continue;
        }
        const byId = new Map(pending.map((p) => [p.id, p]));
        for (const id of result.ok) {
          const p = byId.get(id);
          if (p) outcome.succeeded.push(p.message.messageId);
        }
        const retry: typeof pending = [];
        for (const f of result.failed) {
          const p = byId.get(f.Id ?? '');
          if (!p) continue;
          const reason = `${f.Code ?? 'error'}: ${f.Message ?? 'no message'}`;
          if (isStaleHandle(f)) outcome.stale.push({ messageId: p.message.messageId, reason });
          else if (f.SenderFault || last) outcome.failed.push({ messageId: p.message.messageId, reason });
          else retry.push(p);
        }
        pending = retry;
        if (pending.length > 0) await sleep(backoffMs(attempt, this.retryBaseMs, 5000));
      }
    }
    return outcome;
  }
}

/** String and Number message attributes (binary ones are not used by the scanner and not carried). */
function stringAttributes(m: Message): QueueMessage['attributes'] {
  const out: QueueMessage['attributes'] = {};
  for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
    if (a.StringValue !== undefined && a.DataType) out[name] = { dataType: a.DataType, value: a.StringValue };
  }
  return out;
}

function copyAttributes(m: QueueMessage): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(m.attributes)) out[name] = { DataType: a.dataType, StringValue: a.value };
  out[RELEASES_ATTRIBUTE] = { DataType: 'Number', StringValue: String(m.releases + 1) };
  return out;
}

/** SQS says ReceiptHandleIsInvalid, or InvalidParameterValue "… receipt handle has expired"; ElasticMQ words it alike. */
function isStaleHandle(f: BatchResultErrorEntry): boolean {
  return /receipt ?handle|MessageNotInflight/i.test(`${f.Code ?? ''} ${f.Message ?? ''}`);
}
