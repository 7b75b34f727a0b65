import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface FileQueuesProps {
  /** `cis-<env>`: the queues are `<prefix>-file-processing-queue` and `<prefix>-file-processing-dlq`. */
  prefix: string;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionDays: number;
  dlqRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The file-message queue the scanner fills and the workers drain, with its dead-letter queue.
 * Both are encrypted at rest (SSE-SQS: no key for producers and workers to be granted) and refuse
 * requests that do not use TLS.
 */
export class FileQueues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FileQueuesProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${props.prefix}-file-processing-dlq`,
      retentionPeriod: Duration.days(props.dlqRetentionDays),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.prefix}-file-processing-queue`,
      visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(props.retentionDays),
      // The worker long-polls 20 s itself; the queue default keeps other consumers (CLI tools) cheap too.
      receiveMessageWaitTime: Duration.seconds(20),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
  }
}
