import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface PeekedMessage {
  messageId: string;
  body: string | undefined;
  /** Receives so far, including those on the source queue before the move. */
  receiveCount: number;
  /** Epoch ms when the message was first sent. */
  sentAt: number;
}

/** The dead-letter queue named by a queue's RedrivePolicy, if it has one. */
export async function deadLetterQueueUrl(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }));
  const policy = out.Attributes?.RedrivePolicy;
  if (!policy) return undefined;
  const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
  const name = arn?.split(':').at(-1);
  if (!name) return undefined;
  const url = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: arn?.split(':')[4] || undefined }));
  return url.QueueUrl;
}

/**
 * Reads up to `limit` messages of a queue without consuming them: each is held invisible only
 * while the listing runs, then made visible again. Another reader of the same queue meanwhile
 * misses them for those seconds, which is harmless for a dead-letter queue.
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string, limit: number, holdSeconds = 30): Promise<PeekedMessage[]> {
  const seen = new Map<string, PeekedMessage & { receiptHandle: string }>();
  let emptyPolls = 0;
  try {
    // Short polls sample only some servers of a real SQS queue: stop after a few empty answers.
    while (seen.size < limit && emptyPolls < 3) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - seen.size),
          WaitTimeSeconds: emptyPolls === 0 ? 0 : 1,
          VisibilityTimeout: holdSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      const got = out.Messages ?? [];
      if (got.length === 0) emptyPolls++;
      for (const m of got) {
        seen.set(m.MessageId ?? '', {
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
          sentAt: Number(m.Attributes?.SentTimestamp ?? 0),
        });
      }
    }
  } finally {
    const all = [...seen.values()];
    for (let i = 0; i < all.length; i += 10) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: all.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }
  return [...seen.values()].map(({ receiptHandle: _h, ...m }) => m);
}
