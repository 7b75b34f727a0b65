import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { awsClientConfig, testbedEnv, uniqueName } from '../src';

const env = testbedEnv();
const s3 = new S3Client(awsClientConfig('s3'));
afterAll(() => s3.destroy());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function getBytes(bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

describe('testbed S3 (S3Mock)', () => {
  const prefix = `${uniqueName('t')}/`;

  it('stores and returns an object with a Japanese key and metadata, via AWS_ENDPOINT_URL_S3', async () => {
    const plain = new S3Client({});
    const key = `${prefix}見積書 2024.pdf`;
    await plain.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: 'pdf bytes', Metadata: { source: 'nas-1' } }));
    const head = await plain.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    expect(head.Metadata).toEqual({ source: 'nas-1' });
    expect((await getBytes(env.bucket, key)).toString()).toBe('pdf bytes');
    plain.destroy();
  });

  it('answers NoSuchKey for a missing object', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: `${prefix}missing` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('pages ListObjectsV2 with continuation tokens', async () => {
    const listPrefix = `${prefix}list/`;
    await Promise.all(Array.from({ length: 7 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${listPrefix}${i}`, Body: String(i) }))));
    const keys: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: listPrefix, MaxKeys: 3, ContinuationToken: token }));
      pages++;
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `${listPrefix}${i}`));
  });

  it('assembles a multipart upload from @aws-sdk/lib-storage', async () => {
    const data = randomBytes(12 * 1024 * 1024);
    const key = `${prefix}multipart.bin`;
    const upload = new Upload({ client: s3, params: { Bucket: env.bucket, Key: key, Body: data }, partSize: 5 * 1024 * 1024, queueSize: 2 });
    const result = await upload.done();
    expect(result.ETag).toMatch(/-3"$/);
    expect(sha256(await getBytes(env.bucket, key))).toBe(sha256(data));
  });

  it('takes a 16 MiB single PUT and buckets created by tests', async () => {
    const bucket = uniqueName('bucket');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const data = randomBytes(16 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.bin', Body: data }));
    expect(sha256(await getBytes(bucket, 'big.bin'))).toBe(sha256(data));
  });
});
