import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

type Service = 'sts' | 'ssm' | 'cloudformation' | 'iam' | 'serviceQuotas' | 'bedrock' | 'bedrockRuntime' | 's3' | 'sns';

export interface AwsClientOptions {
  /** Per-service endpoint overrides (tests: moto and the stand-ins). Without them the SDK's own
   *  resolution applies, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> included. */
  endpoints?: Partial<Record<Service, string>>;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  env?: NodeJS.ProcessEnv;
}

/**
 * The read-only clients preflight uses, one per service and region, made on first use and
 * destroyed together. Requests time out (an endpoint that never answers is a result, not a hang).
 */
export class AwsClients {
  private readonly made = new Map<string, { destroy(): void }>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  sts(region: string): STSClient {
    return this.client('sts', region, (c) => new STSClient(c));
  }
  ssm(region: string): SSMClient {
    return this.client('ssm', region, (c) => new SSMClient(c));
  }
  cloudFormation(region: string): CloudFormationClient {
    return this.client('cloudformation', region, (c) => new CloudFormationClient(c));
  }
  /** IAM is global; its client still signs for a region. */
  iam(region: string): IAMClient {
    return this.client('iam', region, (c) => new IAMClient(c));
  }
  serviceQuotas(region: string): ServiceQuotasClient {
    return this.client('serviceQuotas', region, (c) => new ServiceQuotasClient(c));
  }
  bedrock(region: string): BedrockClient {
    return this.client('bedrock', region, (c) => new BedrockClient(c));
  }
  bedrockRuntime(region: string): BedrockRuntimeClient {
    return this.client('bedrockRuntime', region, (c) => new BedrockRuntimeClient(c));
  }
  s3(region: string): S3Client {
    // Local S3 servers answer path-style only (no <bucket>.<host> DNS).
    return this.client('s3', region, (c) => new S3Client({ ...c, forcePathStyle: this.s3EndpointOverridden() }));
  }
  sns(region: string): SNSClient {
    return this.client('sns', region, (c) => new SNSClient(c));
  }

  destroy(): void {
    for (const c of this.made.values()) c.destroy();
    this.made.clear();
  }

  private client<T extends { destroy(): void }>(service: Service, region: string, make: (config: object) => T): T {
    const key = `${service}/${region}`;
    let c = this.made.get(key) as T | undefined;
    if (!c) {
      const endpoint = this.options.endpoints?.[service];
      c = make({
        region,
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 5000, requestTimeout: 15_000 },
        ...(endpoint ? { endpoint } : {}),
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      });
      this.made.set(key, c);
    }
    return c;
  }

  private s3EndpointOverridden(): boolean {
    const env = this.options.env ?? process.env;
    const endpoint = this.options.endpoints?.s3 ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    return endpoint !== undefined && !/amazonaws\.com/.test(endpoint);
  }
}
