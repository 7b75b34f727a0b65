import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A stand-in for the two Service Quotas reads `pnpm infra:preflight` makes: GetServiceQuota and
 * GetAWSDefaultServiceQuota (awsJson1_1, `X-Amz-Target: ServiceQuotasV20190624.<Operation>`).
 * Stock moto 5.2.5 answers Service Quotas only for the `vpc` service (ec2 → NoSuchResourceException,
 * the default-quota call → HTTP 500), and nothing can set a value there, so the EC2 vCPU quotas
 * the fleet needs can only be tested against this. Everything else stays on moto; clients reach
 * this one through AWS_ENDPOINT_URL_SERVICE_QUOTAS.
 */

export interface QuotaValue {
  serviceCode: string;
  quotaCode: string;
  value: number;
  quotaName?: string;
  /** The AWS default (GetAWSDefaultServiceQuota) instead of the account's applied value (GetServiceQuota). */
  isDefault?: boolean;
}

export interface ServiceQuotasStandIn {
  /** e.g. http://127.0.0.1:41234: AWS_ENDPOINT_URL_SERVICE_QUOTAS, or a client's `endpoint`. */
  readonly url: string;
  /** `${url}/_testbed`: `POST /quotas` (a QuotaValue as JSON) and `POST /reset`, for another process. */
  readonly controlUrl: string;
  /** Sets (or replaces) a value the next reads answer with. */
  set(quota: QuotaValue): void;
  /** Forgets every value: each read answers NoSuchResourceException. */
  reset(): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'ServiceQuotasV20190624.';
const request = z.object({ ServiceCode: z.string().min(1), QuotaCode: z.string().min(1) });
/** Control API prefix (no Service Quotas request has a path). */
const CONTROL_PREFIX = '/_testbed';
const quotaBody = z.object({
  serviceCode: z.string().min(1),
  quotaCode: z.string().min(1),
  value: z.number().min(0),
  quotaName: z.string().optional(),
  isDefault: z.boolean().optional(),
});

export async function startServiceQuotasStandIn(options: { port?: number; quotas?: QuotaValue[] } = {}): Promise<ServiceQuotasStandIn> {
  const applied = new Map<string, QuotaValue>();
  const defaults = new Map<string, QuotaValue>();
  const key = (serviceCode: string, quotaCode: string) => `${serviceCode}/${quotaCode}`;
  const set = (q: QuotaValue) => (q.isDefault ? defaults : applied).set(key(q.serviceCode, q.quotaCode), q);
  for (const q of options.quotas ?? []) set(q);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, 500, 'ServiceException', `stand-in failure: ${String(err)}`));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    if (req.url?.startsWith(CONTROL_PREFIX)) {
      const route = `${req.method} ${req.url.slice(CONTROL_PREFIX.length)}`;
      if (route === 'POST /reset') {
        applied.clear();
        defaults.clear();
        return send(res, 200, { ok: true });
      }
      const parsed = route === 'POST /quotas' ? quotaBody.safeParse(JSON.parse(body || '{}')) : undefined;
      if (!parsed?.success) return send(res, 400, { message: `bad control request ${route}` });
      set(parsed.data);
      return send(res, 200, parsed.data);
    }
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      return sendError(res, 400, 'UnknownOperationException', `No operation ${req.method} ${req.url} ${target}`);
    }
    const operation = target.slice(TARGET_PREFIX.length);
    const source = operation === 'GetServiceQuota' ? applied : operation === 'GetAWSDefaultServiceQuota' ? defaults : undefined;
    if (!source) return sendError(res, 400, 'UnknownOperationException', `${operation} is not served by the stand-in`);
    const parsed = request.safeParse(JSON.parse(body || '{}'));
    if (!parsed.success) return sendError(res, 400, 'IllegalArgumentException', 'ServiceCode and QuotaCode are required');
    const { ServiceCode, QuotaCode } = parsed.data;
    const q = source.get(key(ServiceCode, QuotaCode));
    if (!q) return sendError(res, 400, 'NoSuchResourceException', `The request failed because the specified quota ${QuotaCode} of ${ServiceCode} does not exist.`);
    send(res, 200, {
      Quota: {
        ServiceCode,
        QuotaCode,
        QuotaName: q.quotaName ?? QuotaCode,
        QuotaArn: `arn:aws:servicequotas:us-east-1:123456789012:${ServiceCode}/${QuotaCode}`,
        Value: q.value,
        Unit: 'None',
        Adjustable: true,
        GlobalQuota: false,
      },
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${port}${CONTROL_PREFIX}`,
    set,
    reset: () => {
      applied.clear();
      defaults.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

/** awsJson1_1 errors: the SDK picks the exception class from `__type`. */
function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message });
}
