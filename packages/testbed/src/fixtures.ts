import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { type Catalogue, type FaultKind, type InvocationStats } from './bedrock/standin';
import { type TestbedEnv, testbedEnv } from './env';

/**
 * A name no other test (or parallel jest worker, or run) uses, valid as an SQS queue, S3 bucket
 * and OpenSearch index name: lowercase letters, digits and hyphens.
 */
export function uniqueName(prefix: string): string {
  return `${prefix.toLowerCase()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Client options for an AWS SDK v3 client aimed at the testbed. */
export function awsClientConfig(endpoint: 'sqs' | 's3' | 'bedrock', options: { accessKeyId?: string; env?: TestbedEnv } = {}) {
  const env = options.env ?? testbedEnv();
  const urls = { sqs: env.sqsEndpoint, s3: env.s3Endpoint, bedrock: env.bedrockEndpoint };
  return {
    region: env.region,
    endpoint: urls[endpoint],
    credentials: { ...env.credentials, ...(options.accessKeyId ? { accessKeyId: options.accessKeyId } : {}) },
  };
}

/**
 * A fresh queue and its DLQ, wired as the processing queue is (RedrivePolicy), so a test can
 * receive, expire and redrive without meeting other tests' messages.
 */
export async function createQueuePair(
  sqs: SQSClient,
  name: string,
  options: { visibilityTimeoutS?: number; maxReceiveCount?: number } = {},
): Promise<{ queueUrl: string; dlqUrl: string; dlqArn: string }> {
  const { QueueUrl: dlqUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const dlqArn = Attributes!.QueueArn!;
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutS ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
      },
    }),
  );
  return { queueUrl: queueUrl!, dlqUrl: dlqUrl!, dlqArn };
}

/**
 * The Bedrock stand-in's control API. Pass `accessKeyId` (the one your client signs with) to act
 * on your own requests only; without it, faults hit every caller and stats are totals.
 */
export class BedrockControl {
  constructor(private readonly controlUrl: string = testbedEnv().bedrockControlUrl) {}

  /** The next `count` InvokeModel requests fail: throttle → 429 ThrottlingException,
   *  error → 500 InternalServerException, unavailable → 503 ServiceUnavailableException. */
  async fail(kind: FaultKind, count: number, accessKeyId?: string): Promise<void> {
    await this.call('POST', '/faults', { kind, count, accessKeyId });
  }

  async stats(accessKeyId?: string): Promise<InvocationStats> {
    return (await this.call('GET', `/stats${accessKeyId ? `?accessKeyId=${encodeURIComponent(accessKeyId)}` : ''}`)) as InvocationStats;
  }

  /**
   * What the model catalogue tells (and InvokeModel enforces for) callers signing with
   * `accessKeyId`, or everyone: the regions that offer the model (null: all) and whether access
   * is granted. Unset fields keep their value.
   */
  async catalogue(change: { regions?: string[] | null; authorized?: boolean }, accessKeyId?: string): Promise<Catalogue> {
    return (await this.call('POST', '/catalogue', { ...change, accessKeyId })) as Catalogue;
  }

  /** Drops pending faults, counts and catalogue changes (of one key, or all). */
  async reset(accessKeyId?: string): Promise<void> {
    await this.call('POST', '/reset', { accessKeyId });
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.controlUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`bedrock control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}
