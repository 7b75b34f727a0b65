import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import Bottleneck from 'bottleneck';
import { errorMessage, RetryableError } from '../../core/errors';
import type { ImageEmbedder } from '../../core/types';
import { backoffMs, sleep } from '../../core/backoff';
import { fitImageForTitan } from './bedrock-image';

export interface BedrockEmbedderOptions {
  modelId: string;
  /** Output length Titan is asked for: 256, 384 or 1024. */
  dimensions: number;
  requestsPerSecond: number;
  /** Requests in flight at most. */
  concurrency: number;
  timeoutMs: number;
  /** Attempts per image for throttling, 5xx and timeouts, before a RetryableError. */
  maxAttempts: number;
  retryBaseMs?: number;
  retryCapMs?: number;
}

export interface BedrockStats {
  requests: number;
  throttled: number;
  retried: number;
}

type Failure = 'retry' | 'retryable-now' | 'permanent';

/**
 * A runtime client for InvokeModel: HTTP/1.1 with keep-alive sockets for the requests in flight
 * (the SDK's default HTTP/2 handler exists for bidirectional streaming, which this does not use),
 * and no SDK-level retries: the embedder's own backoff decides.
 */
export function createBedrockClient(opts: { region?: string; concurrency: number }): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: opts.region,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ keepAlive: true, maxSockets: opts.concurrency }) }),
  });
}

/**
 * Image embeddings from Amazon Titan Multimodal Embeddings (`amazon.titan-embed-image-v1`).
 * One rate limiter per process keeps the fleet's share of the account quota; throttling, 5xx and
 * timeouts are retried with jittered exponential backoff and then surface as RetryableError (the
 * message comes back later). A refused image (ValidationException) is a permanent error: the
 * pipeline keeps the text and records why there is no vector.
 */
export class BedrockImageEmbedder implements ImageEmbedder {
  readonly modelId: string;
  readonly dimensions: number;
  readonly stats: BedrockStats = { requests: 0, throttled: 0, retried: 0 };
  private readonly limiter: Bottleneck;

  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly opts: BedrockEmbedderOptions,
  ) {
    this.modelId = opts.modelId;
    this.dimensions = opts.dimensions;
    this.limiter = new Bottleneck({ maxConcurrent: opts.concurrency, minTime: Math.ceil(1000 / opts.requestsPerSecond) });
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  /**
   * One short English text embedding: proves that the endpoint answers, the credentials are
   * accepted, the model exists in the region and access to it is granted (a text input sidesteps
   * any question of which image sizes the model takes). Throttling counts as an answer: a busy
   * account is no reason not to start. Server faults are tried again until `signal` ends, then
   * the last one is thrown; anything else is thrown at once.
   */
  async probe(signal?: AbortSignal): Promise<void> {
    const body = JSON.stringify({ inputText: 'start-up check', embeddingConfig: { outputEmbeddingLength: this.dimensions } });
    let last: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        this.parse(await this.invoke(body, signal));
        return;
      } catch (err) {
        if (signal?.aborted) throw last ?? err;
        const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'ThrottlingException' || e.$metadata?.httpStatusCode === 429) return;
        if (e.$fault !== 'server' && (e.$metadata?.httpStatusCode ?? 0) < 500) throw err;
        last = err;
      }
      await sleep(backoffMs(attempt, 250, 2000), signal).catch(() => Promise.reject(last));
    }
  }

  async embed(image: Uint8Array, signal?: AbortSignal): Promise<Float32Array> {
    const fitted = await fitImageForTitan(image);
    const body = JSON.stringify({
      inputImage: fitted.toString('base64'),
      embeddingConfig: { outputEmbeddingLength: this.dimensions },
    });
    const { maxAttempts, retryBaseMs = 250, retryCapMs = 20_000 } = this.opts;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const raw = await this.limiter.schedule(() => this.invoke(body, signal));
        return this.parse(raw);
      } catch (err) {
        if (signal?.aborted) throw err;
        const kind = classify(err);
        const what = `${(err as Error).name ?? 'Error'}: ${errorMessage(err)}`;
        if (kind === 'permanent') throw new Error(`Bedrock refused the image (${what})`, { cause: err });
        if (kind === 'retryable-now') throw new RetryableError(`Bedrock cannot be used (${what})`, { cause: err });
        if (attempt + 1 >= maxAttempts) throw new RetryableError(`Bedrock still failing after ${maxAttempts} attempts (${what})`, { cause: err });
        this.stats.retried++;
        await sleep(backoffMs(attempt, retryBaseMs, retryCapMs), signal);
      }
    }
  }

  private async invoke(body: string, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    this.stats.requests++;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      const out = await this.client.send(
        new InvokeModelCommand({ modelId: this.modelId, contentType: 'application/json', accept: 'application/json', body }),
        { abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout },
      );
      return out.body;
    } catch (err) {
      if ((err as Error).name === 'ThrottlingException') this.stats.throttled++;
      if (timeout.aborted && !signal?.aborted) throw new BedrockTimeoutError(`no answer within ${this.opts.timeoutMs} ms`);
      throw err;
    }
  }

  private parse(raw: Uint8Array): Float32Array {
    const json = JSON.parse(Buffer.from(raw).toString('utf8')) as { embedding?: unknown; message?: string };
    const values = json.embedding;
    if (!Array.isArray(values) || values.length !== this.dimensions || !values.every((v) => typeof v === 'number')) {
      throw new Error(`Bedrock answered without a ${this.dimensions}-number embedding${json.message ? `: ${json.message}` : ''}`);
    }
    return Float32Array.from(values as number[]);
  }
}

class BedrockTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * - retry: throttling, server faults, timeouts, lost connections: back off and try again.
 * - retryable-now: the account or model is not usable (access, model id, quota): no point
 *   hammering it, but the message must come back once someone fixes the setting, not be lost.
 * - permanent: this image was refused.
 */
function classify(err: unknown): Failure {
  const e = err as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  // ModelErrorException: the model failed on this input.
  if (/ValidationException|ModelErrorException/.test(name)) return 'permanent';
  if (/AccessDenied|ResourceNotFound|UnrecognizedClient|ServiceQuotaExceeded|ExpiredToken|InvalidSignature/.test(name)) return 'retryable-now';
  if (/Throttling|ServiceUnavailable|InternalServer|ModelNotReady|ModelTimeout|TimeoutError/.test(name)) return 'retry';
  if (e.$fault === 'server' || (status !== undefined && status >= 500) || status === 429) return 'retry';
  if (status !== undefined && status >= 400) return 'permanent';
  // No answer at all (connection refused, reset, DNS): the service may be back in a moment.
  return 'retry';
}
