import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileQueues } from './file-queues';

describe('FileQueues', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cis-infra-queues-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('takes the redrive count, visibility and retention from its settings', () => {
    const stack = new Stack(new App({ outdir, builtinCloudFormationValidation: false }), 'Queues');
    new FileQueues(stack, 'FileQueues', {
      prefix: 'cis-test',
      visibilityTimeoutSeconds: 600,
      maxReceiveCount: 5,
      retentionDays: 7,
      dlqRetentionDays: 10,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'cis-test-file-processing-queue',
      VisibilityTimeout: 600,
      MessageRetentionPeriod: 7 * 86_400,
      RedrivePolicy: { maxReceiveCount: 5 },
    });
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'cis-test-file-processing-dlq', MessageRetentionPeriod: 10 * 86_400 });
    t.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });
});
