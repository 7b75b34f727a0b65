import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describeError, errorName, httpStatus } from './describe-error';
import type { CheckResult, PreflightContext } from './types';

/** The bucket the scanner lists and the workers read: it exists, and these credentials can list it. */
export async function checkSourceBucket(ctx: PreflightContext): Promise<CheckResult> {
  const { config } = ctx;
  const bucket = config.sourceBucket.name;
  const base = { id: 'source-bucket', check: 'Source bucket' };
  const setting = `${config.name}.sourceBucket.name`;
  const s3 = ctx.clients.s3(config.region);
  let bucketRegion: string | undefined;
  try {
    bucketRegion = (await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
  } catch (err) {
    if (errorName(err) === 'NotFound' || httpStatus(err) === 404) {
      return { ...base, state: 'fail', detail: `no bucket ${bucket}`, action: `create it in ${config.region}, or fix ${setting}` };
    }
    if (httpStatus(err) === 403) {
      return { ...base, state: 'fail', detail: `${bucket} exists but refuses these credentials (another account's, or a bucket policy)`, action: `check ${setting} and the bucket policy` };
    }
    throw err;
  }
  let listed: number;
  try {
    listed = (await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }))).KeyCount ?? 0;
  } catch (err) {
    if (errorName(err) === 'AccessDenied' || httpStatus(err) === 403) {
      return { ...base, state: 'fail', detail: `${bucket} cannot be listed: ${describeError(err)}`, action: 'allow s3:ListBucket on it (bucket policy, or the credentials\' policy)' };
    }
    throw err;
  }
  const contents = listed > 0 ? 'readable, holds objects' : 'readable, empty';
  if (bucketRegion && bucketRegion !== config.region) {
    return {
      ...base,
      state: 'warn',
      detail: `${bucket} is in ${bucketRegion}, the stack in ${config.region}: downloads cross regions and bypass the VPC's S3 gateway endpoint (NAT and transfer charges)`,
      action: 'keep the source bucket in the stack\'s region where possible',
    };
  }
  return { ...base, state: 'pass', detail: `${bucket}: ${contents}` };
}
