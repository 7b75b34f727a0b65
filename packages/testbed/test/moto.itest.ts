import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../src';

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(() => moto?.stop());

describe('moto server (AWS control-plane emulator)', () => {
  it('answers AWS API calls over a real socket and forgets them on reset', async () => {
    const s3 = new S3Client(moto.clientConfig);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'cis-moto-check', CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' } }));
      const listed = await s3.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toEqual(['cis-moto-check']);
      await moto.reset();
      expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    } finally {
      s3.destroy();
    }
    expect(moto.endpoint).toMatch(/^http:\/\/localhost:\d+$/);
  });
});
