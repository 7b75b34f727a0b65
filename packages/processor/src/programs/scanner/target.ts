import { statSync } from 'node:fs';
import { UsageError } from '../../core/errors';

/** What a scan reads: objects already in a bucket, or a local folder it uploads to one. */
export type ScanTarget =
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'local'; root: string; bucket: string; prefix: string };

export interface TargetOptions {
  /** --bucket, else CIS_BUCKET. */
  bucket?: string;
  /** --prefix. */
  prefix?: string;
}

/** S3's naming rules for new buckets: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isValidBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Reads the command's target: `s3://bucket/prefix` scans a bucket, anything else must be a local
 * folder. `resolveLocal` turns a user-typed path into an absolute one.
 */
export function parseScanTarget(
  arg: string,
  opts: TargetOptions,
  env: { CIS_BUCKET?: string },
  resolveLocal: (p: string) => string,
): ScanTarget {
  if (/^s3:/i.test(arg)) return s3Target(arg, opts);
  const root = resolveLocal(arg);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`not a directory: ${arg} (expected a local folder or s3://bucket/prefix)`);
  }
  const bucket = opts.bucket ?? (env.CIS_BUCKET || undefined);
  if (!bucket) throw new UsageError('a local folder is uploaded to a bucket: set --bucket or CIS_BUCKET');
  checkBucket(bucket, opts.bucket !== undefined ? '--bucket' : 'CIS_BUCKET');
  return { kind: 'local', root, bucket, prefix: folderPrefix(opts.prefix ?? '') };
}

function s3Target(arg: string, opts: TargetOptions): ScanTarget {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(arg);
  if (!m || m[1] === '') throw new UsageError(`malformed S3 location: ${JSON.stringify(arg)} (expected s3://bucket or s3://bucket/prefix)`);
  const bucket = m[1];
  checkBucket(bucket, `the S3 location ${JSON.stringify(arg)}`);
  const urlPrefix = m[2] ?? '';
  if (opts.bucket !== undefined && opts.bucket !== bucket) {
    throw new UsageError(`--bucket ${opts.bucket} contradicts the S3 location ${arg}: name the bucket once`);
  }
  if (opts.prefix !== undefined && urlPrefix !== '' && opts.prefix !== urlPrefix) {
    throw new UsageError(`--prefix ${opts.prefix} contradicts the S3 location ${arg}: name the prefix once`);
  }
  const prefix = urlPrefix || opts.prefix || '';
  checkPrefix(prefix);
  return { kind: 's3', bucket, prefix };
}

/** Keys are prefix + relative path: a prefix meant as a folder ends in '/', so add the one users leave out. */
function folderPrefix(prefix: string): string {
  checkPrefix(prefix);
  if (prefix === '' || prefix.endsWith('/')) return prefix;
  return `${prefix}/`;
}

function checkPrefix(prefix: string): void {
  if (prefix.startsWith('/')) throw new UsageError(`key prefix must not start with '/': ${JSON.stringify(prefix)}`);
  if (Buffer.byteLength(prefix) > 900) throw new UsageError('key prefix is longer than 900 bytes (S3 keys are at most 1024)');
}

function checkBucket(name: string, where: string): void {
  if (!isValidBucketName(name)) {
    throw new UsageError(`invalid bucket name ${JSON.stringify(name)} in ${where}: 3–63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`);
  }
}
