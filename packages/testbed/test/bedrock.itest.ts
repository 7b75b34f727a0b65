import {
  BedrockRuntimeClient,
  InternalServerException,
  InvokeModelCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import sharp from 'sharp';
import { awsClientConfig, BedrockControl, TITAN_MULTIMODAL, uniqueName } from '../src';

const control = new BedrockControl();

/** Each test signs with its own dummy key, so faults and counts stay its own. */
function clientFor(accessKeyId: string, maxAttempts = 1): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ ...awsClientConfig('bedrock', { accessKeyId }), maxAttempts });
}

async function embed(client: BedrockRuntimeClient, body: unknown, modelId = TITAN_MULTIMODAL) {
  const res = await client.send(
    new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }),
  );
  return JSON.parse(new TextDecoder().decode(res.body)) as { embedding: number[]; inputTextTokenCount: number; message: null };
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();

describe('testbed Bedrock stand-in', () => {
  it('answers InvokeModel in the Titan shape, reached through AWS_ENDPOINT_URL_BEDROCK_RUNTIME', async () => {
    const client = new BedrockRuntimeClient({ maxAttempts: 1 });
    const first = await embed(client, { inputText: '御見積書 for ACME' });
    expect(first.embedding).toHaveLength(1024);
    expect(first.message).toBeNull();
    expect(first.inputTextTokenCount).toBeGreaterThan(0);
    expect(Math.hypot(...first.embedding)).toBeCloseTo(1, 6);
    const again = await embed(client, { inputText: '御見積書 for ACME' });
    expect(again.embedding).toEqual(first.embedding);
    const other = await embed(client, { inputText: '請求書' });
    expect(other.embedding).not.toEqual(first.embedding);
    client.destroy();
  });

  it('honours outputEmbeddingLength and embeds images', async () => {
    const client = clientFor(uniqueName('akid'));
    const image = (await png(64, 48)).toString('base64');
    const short = await embed(client, { inputImage: image, embeddingConfig: { outputEmbeddingLength: 256 } });
    expect(short.embedding).toHaveLength(256);
    const both = await embed(client, { inputText: 'red', inputImage: image, embeddingConfig: { outputEmbeddingLength: 384 } });
    expect(both.embedding).toHaveLength(384);
  });

  it('raises ValidationException for requests the service would refuse', async () => {
    const key = uniqueName('akid');
    const client = clientFor(key);
    const invalid = [
      {},
      { inputText: 'x', extra: true },
      { inputText: 'x', embeddingConfig: { outputEmbeddingLength: 512 } },
      { inputText: 'word '.repeat(300) },
      { inputImage: Buffer.from('not an image').toString('base64') },
      { inputImage: (await png(2049, 16)).toString('base64') },
    ];
    for (const body of invalid) {
      await expect(embed(client, body)).rejects.toBeInstanceOf(ValidationException);
    }
    await expect(embed(client, { inputText: 'x' }, 'amazon.titan-embed-image-v9')).rejects.toBeInstanceOf(ValidationException);
    expect(await control.stats(key)).toMatchObject({ requests: 7, invalid: 7, ok: 0 });
  });

  it('throttles and fails on command, and the SDK retries through it', async () => {
    const key = uniqueName('akid');
    await control.fail('throttle', 1, key);
    await expect(embed(clientFor(key), { inputText: 'x' })).rejects.toBeInstanceOf(ThrottlingException);
    await control.fail('error', 1, key);
    await expect(embed(clientFor(key), { inputText: 'x' })).rejects.toBeInstanceOf(InternalServerException);

    await control.fail('throttle', 2, key);
    const retried = await embed(clientFor(key, 3), { inputText: 'x' });
    expect(retried.embedding).toHaveLength(1024);
    expect(await control.stats(key)).toEqual({ requests: 5, ok: 1, invalid: 0, throttled: 3, failed: 1 });
  });
});
