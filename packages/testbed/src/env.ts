import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });
const schema = z.object({
  AWS_REGION: z.string().min(1),
  AWS_ACCESS_KEY_ID: z.string().min(1),
  AWS_SECRET_ACCESS_KEY: z.string().min(1),
  AWS_ENDPOINT_URL_SQS: url,
  AWS_ENDPOINT_URL_S3: url,
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url,
  CIS_OPENSEARCH_URL: url,
  CIS_QUEUE_URL: url,
  CIS_DLQ_URL: url,
  CIS_BUCKET: z.string().min(3),
  CIS_BEDROCK_CONTROL_URL: url,
  CIS_TESTBED_DIR: z.string().min(1),
});

/** The running testbed's endpoints, as tests and tools see them. */
export interface TestbedEnv {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  opensearchUrl: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  bedrockEndpoint: string;
  /** Control API of the Bedrock stand-in: POST /faults, GET /stats, POST /reset. */
  bedrockControlUrl: string;
  /** The shared processing queue and its DLQ (RedrivePolicy maxReceiveCount 3). */
  queueUrl: string;
  dlqUrl: string;
  /** The source bucket, created empty at start. */
  bucket: string;
  /** The run directory (logs/ holds each server's log). */
  dir: string;
}

/** Thrown when the testbed's variables are absent: the test runs outside a testbed. */
export class NoTestbedError extends Error {
  override readonly name = 'NoTestbedError';
}

/**
 * Reads the testbed's endpoints from the environment, which the jest `integration` project's
 * globalSetup fills (and `source .testbed/env` does in a shell).
 */
export function testbedEnv(env: NodeJS.ProcessEnv = process.env): TestbedEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
    throw new NoTestbedError(
      `testbed environment missing or invalid: ${names}. Run the test in the jest "integration" project ` +
        '(files named *.itest.ts), or `pnpm testbed up && source .testbed/env`.',
    );
  }
  const e = parsed.data;
  return {
    region: e.AWS_REGION,
    credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY },
    opensearchUrl: e.CIS_OPENSEARCH_URL,
    sqsEndpoint: e.AWS_ENDPOINT_URL_SQS,
    s3Endpoint: e.AWS_ENDPOINT_URL_S3,
    bedrockEndpoint: e.AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
    bedrockControlUrl: e.CIS_BEDROCK_CONTROL_URL,
    queueUrl: e.CIS_QUEUE_URL,
    dlqUrl: e.CIS_DLQ_URL,
    bucket: e.CIS_BUCKET,
    dir: e.CIS_TESTBED_DIR,
  };
}
