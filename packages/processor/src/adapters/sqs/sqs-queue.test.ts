import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SqsQueue } from './sqs-queue';
import type { QueueMessage } from '../../core/queue';

/** A stub SQS client: each test scripts the answers per call; the integration tests use ElasticMQ. */
function client(answers: Array<(input: any) => unknown>) {
  const calls: Array<{ command: string; input: any }> = [];
  const send = jest.fn(async (command: { constructor: { name: string }; input: any }) => {
    calls.push({ command: command.constructor.name, input: command.input });
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer');
    return answer(command.input);
  });
  return { sqs: { send } as unknown as SQSClient, calls };
}

const msg = (id: string): QueueMessage => ({ messageId: id, receiptHandle: `h-${id}`, body: '{}', receiveCount: 1, receivedAt: 0, releases: 0, attributes: {} });
const queue = (sqs: SQSClient) => new SqsQueue(sqs, { queueUrl: 'http://q', waitSeconds: 20, visibilitySeconds: 900, retryBaseMs: 1 });

describe('SqsQueue', () => {
  it('receives with the long-poll, visibility and receive-count settings', async () => {
    const { sqs, calls } = client([
      () => ({ Messages: [{ MessageId: 'a', ReceiptHandle: 'ha', Body: 'x', Attributes: { ApproximateReceiveCount: '3' } }] }),
    ]);
    const got = await queue(sqs).receive(25);
    expect(calls[0].command).toBe(ReceiveMessageCommand.name);
    expect(calls[0].input).toMatchObject({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 900 });
    expect(calls[0].input.MessageSystemAttributeNames).toContain('ApproximateReceiveCount');
    expect(got).toEqual([expect.objectContaining({ messageId: 'a', receiptHandle: 'ha', receiveCount: 3 })]);
  });

  it('deletes in batches of ten and retries only the entries the queue failed on its side', async () => {
    const twelve = Array.from({ length: 12 }, (_, i) => msg(`m${i}`));
    const { sqs, calls } = client([
      (input) => ({
        Successful: input.Entries.filter((e: any) => e.Id !== '3').map((e: any) => ({ Id: e.Id })),
        Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError', Message: 'try again' }],
      }),
      (input) => ({ Successful: input.Entries.map((e: any) => ({ Id: e.Id })) }),
      (input) => ({ Successful: input.Entries.map((e: any) => ({ Id: e.Id })) }),
    ]);
    const out = await queue(sqs).delete(twelve);
    expect(calls.map((c) => [c.command, c.input.Entries.length])).toEqual([
      [DeleteMessageBatchCommand.name, 10],
      [DeleteMessageBatchCommand.name, 1],
      [DeleteMessageBatchCommand.name, 2],
    ]);
    expect(calls[1].input.Entries[0].ReceiptHandle).toBe('h-m3');
    expect(out.succeeded.sort()).toEqual(twelve.map((m) => m.messageId).sort());
    expect(out.stale).toEqual([]);
    expect(out.failed).toEqual([]);
  });

  it('reports a stale receipt handle without retrying it, and refusals as failed', async () => {
    const { sqs, calls } = client([
      () => ({
        Successful: [{ Id: '0' }],
        Failed: [
          { Id: '1', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The receipt handle has expired' },
          { Id: '2', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' },
        ],
      }),
    ]);
    const out = await queue(sqs).delete([msg('a'), msg('b'), msg('c')]);
    expect(calls).toHaveLength(1);
    expect(out.succeeded).toEqual(['a']);
    expect(out.stale).toEqual([{ messageId: 'b', reason: 'ReceiptHandleIsInvalid: The receipt handle has expired' }]);
    expect(out.failed).toEqual([{ messageId: 'c', reason: 'InvalidParameterValue: bad' }]);
  });

  it('retries a call that did not go through, then reports every entry as failed', async () => {
    const down = () => {
      throw new Error('socket hang up');
    };
    const { sqs, calls } = client([down, down, down, down]);
    const out = await queue(sqs).changeVisibility([msg('a'), msg('b')], 0);
    expect(calls).toHaveLength(4);
    expect(calls[0].command).toBe(ChangeMessageVisibilityBatchCommand.name);
    expect(calls[0].input.Entries.map((e: any) => e.VisibilityTimeout)).toEqual([0, 0]);
    expect(out.failed.map((f) => f.messageId)).toEqual(['a', 'b']);
    expect(out.failed[0].reason).toBe('socket hang up');
  });
});
