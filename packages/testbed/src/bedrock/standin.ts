import { randomUUID } from 'node:crypto';
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { Duplex } from 'node:stream';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { z } from 'zod';
import { deterministicEmbedding } from './embedding';
import { InvalidRequest, LIMITS, parseEmbeddingRequest } from './request';

export const TITAN_MULTIMODAL = 'amazon.titan-embed-image-v1';
/** Control API prefix; no Bedrock path starts with an underscore. */
export const CONTROL_PREFIX = '/_testbed';

/** A failure the stand-in can be told to answer with, as the service would. */
const FAULTS = {
  throttle: { status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
  error: { status: 500, type: 'InternalServerException', message: 'The server encountered an error processing the request. Try your request again.' },
  unavailable: { status: 503, type: 'ServiceUnavailableException', message: 'The service is temporarily unavailable. Try your request again.' },
} as const;
export type FaultKind = keyof typeof FAULTS;

export interface InvocationStats {
  /** Every InvokeModel request that reached the stand-in, retries included. */
  requests: number;
  ok: number;
  invalid: number;
  throttled: number;
  failed: number;
}

const faultBody = z.object({
  kind: z.enum(Object.keys(FAULTS) as [FaultKind, ...FaultKind[]]),
  count: z.number().int().min(1).max(10_000),
  accessKeyId: z.string().min(1).optional(),
});
const resetBody = z.object({ accessKeyId: z.string().min(1).optional() });
const catalogueBody = z.object({
  accessKeyId: z.string().min(1).optional(),
  /** Regions that offer the model; null or absent: every region. */
  regions: z.array(z.string().min(1)).nullable().optional(),
  /** Whether model access is granted (InvokeModel answers 403 AccessDeniedException when not). */
  authorized: z.boolean().optional(),
});

/** What the account may use, as the control plane reports it and InvokeModel enforces it. */
export interface Catalogue {
  /** Regions offering the model; undefined: all. */
  regions?: readonly string[];
  authorized: boolean;
}

/** Requests larger than this cannot hold a valid image (25 MB decoded ≈ 33.4 MB of base64). */
const MAX_BODY_BYTES = Math.ceil((LIMITS.maxImageBytes * 4) / 3) + 1024 * 1024;

const ALL = '*';

/**
 * Scopes keep parallel tests apart: state is kept per SigV4 access key id, so a test that signs
 * with its own dummy key sees only its own faults and counts. Faults set without a key apply to
 * every caller (after the caller's own); counts without a key are totals.
 */
class Scopes {
  private readonly faults = new Map<string, FaultKind[]>();
  private readonly stats = new Map<string, InvocationStats>();
  private readonly catalogues = new Map<string, Catalogue>();

  setCatalogue(scope: string, change: { regions?: readonly string[] | null; authorized?: boolean }): Catalogue {
    const current = this.catalogues.get(scope) ?? this.catalogues.get(ALL) ?? { authorized: true };
    const next: Catalogue = {
      regions: change.regions === null ? undefined : (change.regions ?? current.regions),
      authorized: change.authorized ?? current.authorized,
    };
    this.catalogues.set(scope, next);
    return next;
  }

  catalogueFor(accessKeyId: string): Catalogue {
    return this.catalogues.get(accessKeyId) ?? this.catalogues.get(ALL) ?? { authorized: true };
  }

  addFaults(scope: string, kind: FaultKind, count: number): number {
    const queue = this.faults.get(scope) ?? [];
    for (let i = 0; i < count; i++) queue.push(kind);
    this.faults.set(scope, queue);
    return queue.length;
  }

  takeFault(accessKeyId: string): FaultKind | undefined {
    return this.faults.get(accessKeyId)?.shift() ?? this.faults.get(ALL)?.shift();
  }

  count(accessKeyId: string, outcome: keyof Omit<InvocationStats, 'requests'>): void {
    for (const scope of [accessKeyId, ALL]) {
      const stats = this.statsFor(scope);
      stats.requests++;
      stats[outcome]++;
    }
  }

  statsFor(scope: string): InvocationStats {
    let stats = this.stats.get(scope);
    if (!stats) {
      stats = { requests: 0, ok: 0, invalid: 0, throttled: 0, failed: 0 };
      this.stats.set(scope, stats);
    }
    return stats;
  }

  pendingFaults(scope: string): number {
    return this.faults.get(scope)?.length ?? 0;
  }

  reset(scope?: string): void {
    if (scope === undefined) {
      this.faults.clear();
      this.stats.clear();
      this.catalogues.clear();
    } else {
      this.faults.delete(scope);
      this.stats.delete(scope);
      this.catalogues.delete(scope);
    }
  }
}

export interface BedrockStandIn {
  /** e.g. http://127.0.0.1:41234 — give it to BedrockRuntimeClient as `endpoint`. */
  readonly url: string;
  /** `${url}/_testbed` */
  readonly controlUrl: string;
  close(): Promise<void>;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** HTTP/2's connection preface starts with these bytes; HTTP/1 requests never do. */
const HTTP2_PREFACE = Buffer.from('PRI ');

/**
 * Starts the InvokeModel stand-in on 127.0.0.1 (port 0 picks a free one). One port speaks both
 * HTTP/1.1 (fetch, curl) and cleartext HTTP/2, which @aws-sdk/client-bedrock-runtime uses.
 */
export async function startBedrockStandIn(options: { port?: number } = {}): Promise<BedrockStandIn> {
  const scopes = new Scopes();
  const onRequest = (req: Request, res: Response): void => {
    handle(req, res, scopes).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerException', `stand-in failure: ${String(err)}`);
      else res.end();
    });
  };
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const front = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let head = Buffer.alloc(0);
    const sniff = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.length < HTTP2_PREFACE.length && HTTP2_PREFACE.subarray(0, head.length).equals(head)) return;
      socket.off('data', sniff);
      if (head.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
        http2.emit('connection', replay(socket, head));
      } else {
        socket.pause();
        socket.unshift(head);
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', sniff);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = front.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    controlUrl: `${url}${CONTROL_PREFIX}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        front.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * The socket as a plain duplex that first yields the bytes already read. HTTP/2 sessions read a
 * net.Socket's native handle directly, past anything unshifted; a JS stream they read in JS.
 */
function replay(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (err, callback) => {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  duplex.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (err) => duplex.destroy(err));
  socket.on('close', () => duplex.destroy());
  return duplex;
}

async function handle(req: Request, res: Response, scopes: Scopes): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith(CONTROL_PREFIX)) return control(req, res, url, scopes);

  const match = /^\/model\/([^/]+)\/invoke$/.exec(url.pathname);
  const catalogueRoute = req.method === 'GET' && /^\/foundation-model(s|-availability)(\/|$)/.test(url.pathname);
  if (!catalogueRoute && (req.method !== 'POST' || !match)) {
    return sendError(res, 404, 'UnknownOperationException', `No operation ${req.method} ${url.pathname}`);
  }
  const scope = sigv4Scope(req.headers.authorization);
  if (!scope) {
    return sendError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const { accessKeyId, region } = scope;
  const catalogue = scopes.catalogueFor(accessKeyId);
  const offered = (modelId: string) => modelId === TITAN_MULTIMODAL && (catalogue.regions === undefined || catalogue.regions.includes(region));
  if (catalogueRoute) return foundationModels(res, url, region, catalogue, offered);

  const body = await readBody(req, MAX_BODY_BYTES);
  const fault = scopes.takeFault(accessKeyId);
  if (fault) {
    const { status, type, message } = FAULTS[fault];
    scopes.count(accessKeyId, fault === 'throttle' ? 'throttled' : 'failed');
    return sendError(res, status, type, message);
  }
  const modelId = decodeURIComponent(match![1]!);
  if (!offered(modelId)) {
    scopes.count(accessKeyId, 'invalid');
    return sendError(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
  }
  if (!catalogue.authorized) {
    scopes.count(accessKeyId, 'failed');
    return sendError(res, 403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.");
  }
  if (body === undefined) {
    scopes.count(accessKeyId, 'invalid');
    return sendError(res, 400, 'ValidationException', `Malformed input request: the body exceeds ${MAX_BODY_BYTES} bytes.`);
  }
  const started = Date.now();
  try {
    const request = await parseEmbeddingRequest(body);
    const embedding = deterministicEmbedding({ text: request.text, image: request.image }, request.length);
    scopes.count(accessKeyId, 'ok');
    send(res, 200, { embedding, inputTextTokenCount: request.textTokens, message: null }, {
      'x-amzn-bedrock-input-token-count': String(request.textTokens),
      'x-amzn-bedrock-invocation-latency': String(Date.now() - started),
    });
  } catch (err) {
    if (!(err instanceof InvalidRequest)) throw err;
    scopes.count(accessKeyId, 'invalid');
    sendError(res, 400, 'ValidationException', err.message);
  }
}

/**
 * The control-plane reads of the `bedrock` service (restJson1, the paths the SDK's serializers
 * use): GetFoundationModel, ListFoundationModels and GetFoundationModelAvailability, answered for
 * the one model the stand-in serves, as offered (or not) in the caller's signing region.
 */
function foundationModels(res: Response, url: URL, region: string, catalogue: Catalogue, offered: (modelId: string) => boolean): void {
  const summary = (modelId: string) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    modelId,
    modelName: 'Titan Multimodal Embeddings G1',
    providerName: 'Amazon',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['EMBEDDING'],
    customizationsSupported: ['FINE_TUNING'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    modelLifecycle: { status: 'ACTIVE' },
  });
  const path = url.pathname;
  if (path === '/foundation-models' || path === '/foundation-models/') {
    const provider = url.searchParams.get('byProvider');
    const listed = offered(TITAN_MULTIMODAL) && (provider === null || provider.toLowerCase() === 'amazon');
    return send(res, 200, { modelSummaries: listed ? [summary(TITAN_MULTIMODAL)] : [] });
  }
  const availability = /^\/foundation-model-availability\/([^/]+)$/.exec(path);
  const model = /^\/foundation-models\/([^/]+)$/.exec(path);
  const modelId = decodeURIComponent((availability ?? model)?.[1] ?? '');
  if (!offered(modelId)) {
    return sendError(res, 404, 'ResourceNotFoundException', `Could not resolve the foundation model from the provided model identifier: ${modelId}`);
  }
  if (model) return send(res, 200, { modelDetails: summary(modelId) });
  return send(res, 200, {
    modelId,
    agreementAvailability: { status: 'AVAILABLE' },
    authorizationStatus: catalogue.authorized ? 'AUTHORIZED' : 'NOT_AUTHORIZED',
    entitlementAvailability: 'AVAILABLE',
    regionAvailability: 'AVAILABLE',
  });
}

async function control(req: Request, res: Response, url: URL, scopes: Scopes): Promise<void> {
  const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  const scopeParam = url.searchParams.get('accessKeyId') ?? undefined;
  try {
    switch (route) {
      case 'GET /health':
        return send(res, 200, { ok: true });
      case 'GET /stats':
        return send(res, 200, scopes.statsFor(scopeParam ?? ALL));
      case 'POST /faults': {
        const { kind, count, accessKeyId } = faultBody.parse(JSON.parse((await readBody(req, 4096)) ?? ''));
        const pending = scopes.addFaults(accessKeyId ?? ALL, kind, count);
        return send(res, 200, { pending });
      }
      case 'GET /faults':
        return send(res, 200, { pending: scopes.pendingFaults(scopeParam ?? ALL) });
      case 'POST /catalogue': {
        const { accessKeyId, regions, authorized } = catalogueBody.parse(JSON.parse((await readBody(req, 16_384)) ?? ''));
        return send(res, 200, scopes.setCatalogue(accessKeyId ?? ALL, { regions, authorized }));
      }
      case 'POST /reset': {
        const text = (await readBody(req, 4096)) ?? '';
        const { accessKeyId } = resetBody.parse(text.trim() ? JSON.parse(text) : {});
        scopes.reset(accessKeyId);
        return send(res, 200, { ok: true });
      }
      default:
        return send(res, 404, { message: `unknown control route ${route}` });
    }
  } catch (err) {
    send(res, 400, { message: `bad control request: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** Access key id and region from a SigV4 Authorization header (Credential=KEY/DATE/REGION/…); the signature itself is not checked. */
function sigv4Scope(authorization: string | undefined): { accessKeyId: string; region: string } | undefined {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(authorization ?? '');
  return m ? { accessKeyId: m[1]!, region: m[2]! } : undefined;
}

/** The body as text, or undefined when it is longer than `limit` (the rest is drained). */
async function readBody(req: Request, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** The restJson1 error form: the SDK picks the exception class from x-amzn-ErrorType. */
function sendError(res: Response, status: number, type: string, message: string): void {
  send(res, status, { message }, { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
}
