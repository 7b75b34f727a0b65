import type { Endpoints } from './layout';

/** Dummy credentials: the servers accept any SigV4 signature, the SDK insists on having some. */
export const DUMMY_CREDENTIALS = { accessKeyId: 'testbed', secretAccessKey: 'testbed-secret' } as const;

/**
 * The variables a process needs to talk to the testbed. AWS SDK v3 clients pick up the region,
 * credentials and the AWS_ENDPOINT_URL_<SERVICE> endpoints by themselves; CIS_* are ours.
 */
export function testbedVariables(endpoints: Endpoints, runDir: string): Record<string, string> {
  return {
    AWS_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: endpoints.sqsUrl,
    AWS_ENDPOINT_URL_S3: endpoints.s3Url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoints.bedrockUrl,
    // aws-embedded-metrics would otherwise probe the instance-metadata address and an agent port.
    AWS_EMF_ENVIRONMENT: 'Local',
    CIS_OPENSEARCH_URL: endpoints.opensearchUrl,
    CIS_QUEUE_URL: endpoints.queueUrl,
    CIS_DLQ_URL: endpoints.dlqUrl,
    CIS_BUCKET: endpoints.bucket,
    CIS_BEDROCK_CONTROL_URL: endpoints.bedrockControlUrl,
    CIS_TESTBED_DIR: runDir,
  };
}

/** `export NAME='value'` lines for `source .testbed/env`. */
export function renderEnvFile(variables: Record<string, string>): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const lines = Object.entries(variables).map(([name, value]) => `export ${name}=${quote(value)}`);
  return `# Written by \`pnpm testbed up\`; valid while the testbed runs.\n${lines.join('\n')}\n`;
}
