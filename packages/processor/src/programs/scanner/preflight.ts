import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError, errorMessage } from '../../core/errors';

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Before anything is sent: the bucket exists and this identity may use it. */
export async function checkBucket(s3: S3Client, bucket: string, setting: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const e = err as AwsError;
    const status = e.$metadata?.httpStatusCode;
    if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') {
      throw new ConfigError(`bucket ${bucket} does not exist (${setting})`);
    }
    if (status === 403) throw new ConfigError(`access to bucket ${bucket} denied (${setting}): check the credentials' s3:ListBucket permission`);
    if (status === 301 || status === 400) {
      throw new ConfigError(`bucket ${bucket} cannot be reached in this region (${setting}; HTTP ${status}): check AWS_REGION`);
    }
    throw new ConfigError(`cannot reach S3 to check bucket ${bucket} (${setting}): ${describe(err)}`);
  }
}

/** Before anything is sent: the queue exists, answers, and is a standard queue. */
export async function checkQueue(sqs: SQSClient, queueUrl: string, setting: string): Promise<void> {
  if (queueUrl.endsWith('.fifo')) {
    throw new ConfigError(`${setting}: ${queueUrl} is a FIFO queue; the worker fleet reads a standard queue`);
  }
  try {
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  } catch (err) {
    const e = err as AwsError;
    if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') {
      throw new ConfigError(`queue does not exist: ${queueUrl} (${setting})`);
    }
    if (e.$metadata?.httpStatusCode === 403 || e.name === 'AccessDeniedException' || e.name === 'AccessDenied') {
      throw new ConfigError(`access to queue ${queueUrl} denied (${setting}): ${describe(err)}`);
    }
    throw new ConfigError(`cannot reach the queue ${queueUrl} (${setting}): ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  const e = err as AwsError;
  const message = errorMessage(err);
  // The SDK's message for an unmodelled error body is just "UnknownError".
  if (message === 'UnknownError' || message === '') return `${e.name ?? 'error'} (HTTP ${e.$metadata?.httpStatusCode ?? '?'})`;
  return e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
