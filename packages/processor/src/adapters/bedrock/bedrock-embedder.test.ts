import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { RetryableError } from '../../core/errors';
import { BedrockImageEmbedder, type BedrockEmbedderOptions } from './bedrock-embedder';

/** InvokeModel over real HTTP on 127.0.0.1; each test scripts the answers. */
let server: Server;
let endpoint: string;
let answer: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;
let inFlight = 0;
let maxInFlight = 0;
const received: Array<{ path: string; body: { inputImage: string; embeddingConfig: { outputEmbeddingLength: number } } }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const body = Buffer.concat(chunks);
      received.push({ path: req.url ?? '', body: JSON.parse(body.toString()) });
      try {
        await answer(req, body, res);
      } finally {
        inFlight--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  received.length = 0;
  maxInFlight = 0;
});

function embedding(res: ServerResponse, dims = 8, delayMs = 0): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ embedding: Array.from({ length: dims }, (_, i) => i / dims), inputTextTokenCount: 0, message: null }));
      resolve();
    }, delayMs),
  );
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type });
  res.end(JSON.stringify({ message }));
}

function embedder(over: Partial<BedrockEmbedderOptions> = {}): BedrockImageEmbedder {
  const client = new BedrockRuntimeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  return new BedrockImageEmbedder(client, {
    modelId: 'amazon.titan-embed-image-v1',
    dimensions: 8,
    requestsPerSecond: 1000,
    concurrency: 10,
    timeoutMs: 5000,
    maxAttempts: 4,
    retryBaseMs: 5,
    retryCapMs: 20,
    ...over,
  });
}

const png = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#3366cc' } }).png().toBuffer();

describe('BedrockImageEmbedder', () => {
  it('retries throttling with backoff and returns the vector', async () => {
    let calls = 0;
    answer = (_req, _body, res) => (++calls <= 2 ? awsError(res, 429, 'ThrottlingException', 'Too many requests') : embedding(res));
    const e = embedder();
    const v = await e.embed(await png(64, 64));
    expect(v).toBeInstanceOf(Float32Array);
    expect(v).toHaveLength(8);
    expect(e.stats).toEqual({ requests: 3, throttled: 2, retried: 2 });
    expect(received[0].path).toBe('/model/amazon.titan-embed-image-v1/invoke');
    expect(received[0].body.embeddingConfig).toEqual({ outputEmbeddingLength: 8 });
  });

  it('gives up on a service that keeps failing with a RetryableError', async () => {
    answer = (_req, _body, res) => awsError(res, 503, 'ServiceUnavailableException', 'down');
    const e = embedder();
    await expect(e.embed(await png(16, 16))).rejects.toThrow(RetryableError);
    expect(e.stats.requests).toBe(4);
  });

  it('treats a refused image as permanent (no retry, not RetryableError)', async () => {
    answer = (_req, _body, res) => awsError(res, 400, 'ValidationException', 'Image dimensions not supported');
    const e = embedder();
    const err = await e.embed(await png(16, 16)).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RetryableError);
    expect((err as Error).message).toMatch(/refused the image.*Image dimensions not supported/);
    expect(e.stats.requests).toBe(1);
  });

  it('returns a RetryableError at once when access is denied (a setting to fix, not a bad image)', async () => {
    answer = (_req, _body, res) => awsError(res, 403, 'AccessDeniedException', 'no model access');
    const e = embedder();
    await expect(e.embed(await png(16, 16))).rejects.toThrow(RetryableError);
    expect(e.stats.requests).toBe(1);
  });

  it('scales large images to 2048 px and sends small PNGs unchanged', async () => {
    answer = (_req, _body, res) => embedding(res);
    const e = embedder();
    const big = await png(3000, 1200);
    await e.embed(big);
    const sent = await sharp(Buffer.from(received[0].body.inputImage, 'base64')).metadata();
    expect([sent.format, sent.width, sent.height]).toEqual(['jpeg', 2048, 819]);
    const small = await png(100, 50);
    await e.embed(small);
    expect(Buffer.from(received[1].body.inputImage, 'base64').equals(small)).toBe(true);
  });

  it('refuses bytes that are not an image without calling the service', async () => {
    const e = embedder();
    await expect(e.embed(Buffer.from('not an image'))).rejects.toThrow(/cannot be decoded/);
    expect(e.stats.requests).toBe(0);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    answer = (_req, _body, res) => embedding(res, 8, 100);
    const e = embedder({ concurrency: 3 });
    const image = await png(16, 16);
    await Promise.all(Array.from({ length: 12 }, () => e.embed(image)));
    expect(received).toHaveLength(12);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('rejects an answer of the wrong length', async () => {
    answer = (_req, _body, res) => embedding(res, 4);
    await expect(embedder().embed(await png(16, 16))).rejects.toThrow(/without a 8-number embedding/);
  });
});
