import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { awsClientConfig, createQueuePair, testbedEnv, uniqueName } from '../src';

const env = testbedEnv();
const sqs = new SQSClient(awsClientConfig('sqs'));
afterAll(() => sqs.destroy());

async function receiveOne(queueUrl: string, waitS = 1): Promise<Message | undefined> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: waitS, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
  );
  return Messages?.[0];
}

describe('testbed SQS (ElasticMQ)', () => {
  it('starts with the processing queue redriving to its DLQ after 3 receives', async () => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: env.queueUrl, AttributeNames: ['All'] }));
    const redrive = JSON.parse(Attributes!.RedrivePolicy!) as { deadLetterTargetArn: string; maxReceiveCount: number };
    expect(Number(redrive.maxReceiveCount)).toBe(3);
    expect(redrive.deadLetterTargetArn).toMatch(/:cis-ingest-dlq$/);
  });

  it('is reached through AWS_ENDPOINT_URL_SQS by a client with no endpoint set', async () => {
    const plain = new SQSClient({});
    const { Attributes } = await plain.send(new GetQueueAttributesCommand({ QueueUrl: env.dlqUrl, AttributeNames: ['QueueArn'] }));
    expect(Attributes?.QueueArn).toMatch(/cis-ingest-dlq$/);
    plain.destroy();
  });

  it('hides a received message for the visibility timeout, then hands it out again', async () => {
    const { queueUrl } = await createQueuePair(sqs, uniqueName('vis'), { visibilityTimeoutS: 1 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'job-1' }));
    const first = await receiveOne(queueUrl);
    expect(first?.Body).toBe('job-1');
    expect(await receiveOne(queueUrl, 0)).toBeUndefined();
    await sleep(1_200);
    const second = await receiveOne(queueUrl);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');

    // A stale handle (from the first receive) must not delete the message; the current one does.
    const stale = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'stale', ReceiptHandle: first!.ReceiptHandle! }] }),
    );
    expect(stale.Failed?.map((f) => [f.Id, f.Code])).toEqual([['stale', 'ReceiptHandleIsInvalid']]);
    const current = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'current', ReceiptHandle: second!.ReceiptHandle! }] }),
    );
    expect(current.Successful?.map((s) => s.Id)).toEqual(['current']);
    await sleep(1_200);
    expect(await receiveOne(queueUrl, 0)).toBeUndefined();
  });

  it('returns a long poll as soon as a message arrives', async () => {
    const { queueUrl } = await createQueuePair(sqs, uniqueName('poll'));
    const started = Date.now();
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late' })), 300);
    const message = await receiveOne(queueUrl, 10);
    expect(message?.Body).toBe('late');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('moves a message to the DLQ after 3 receives without delete', async () => {
    const { queueUrl, dlqUrl } = await createQueuePair(sqs, uniqueName('redrive'), { visibilityTimeoutS: 1 });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison', MessageAttributes: { kind: { DataType: 'String', StringValue: 'pdf' } } }));
    const counts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await receiveOne(queueUrl, 2);
      counts.push(m?.Attributes?.ApproximateReceiveCount ?? 'none');
      await sleep(1_100);
    }
    expect(counts).toEqual(['1', '2', '3']);
    expect(await receiveOne(queueUrl, 1)).toBeUndefined();
    const dead = await receiveOne(dlqUrl, 2);
    expect(dead?.Body).toBe('poison');
  });
});
