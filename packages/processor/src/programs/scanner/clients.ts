import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { parseSettings } from '../../config/parse';

const schema = z.object({
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  AWS_ENDPOINT_URL: z.string().optional(),
  AWS_ENDPOINT_URL_S3: z.string().optional(),
  CIS_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0', ''], { message: 'expected true or false' }).optional(),
});

/**
 * The scanner's AWS clients, configured as the worker's are (workerSettings): region from
 * AWS_REGION, endpoints from AWS_ENDPOINT_URL_SQS / _S3 (the SDK reads them), and path-style S3
 * addressing when S3 is reached through a non-AWS endpoint or CIS_S3_FORCE_PATH_STYLE says so.
 */
export function createScanClients(env: NodeJS.ProcessEnv = process.env): { s3: S3Client; sqs: SQSClient } {
  const s = parseSettings(schema, env, 'AWS settings');
  const region = s.AWS_REGION || s.AWS_DEFAULT_REGION || undefined;
  const endpoint = s.AWS_ENDPOINT_URL_S3 || s.AWS_ENDPOINT_URL || undefined;
  const flag = s.CIS_S3_FORCE_PATH_STYLE ? ['true', '1'].includes(s.CIS_S3_FORCE_PATH_STYLE) : undefined;
  // Virtual-hosted addressing needs DNS for <bucket>.<endpoint>; local S3 servers only answer path-style.
  const forcePathStyle = flag ?? (endpoint !== undefined && !/amazonaws\.com/.test(endpoint));
  return { s3: new S3Client({ region, forcePathStyle }), sqs: new SQSClient({ region }) };
}
