import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WORKER_ENV } from '../../contract';
import type { WorkerSettings } from '../../config/worker';
import { ConfigError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { BedrockImageEmbedder } from '../../adapters/bedrock/bedrock-embedder';
import type { OpenSearchIndex, PreparedIndex } from '../../adapters/opensearch/opensearch-index';
import type { OpenSearchFailureStore } from '../../adapters/opensearch/opensearch-status';

/**
 * How long the start-up check may take in all. systemd does not restart a worker that exits 2,
 * and the instance then replaces itself (infra's worker-user-data.ts): better a clear exit within
 * half a minute than a worker that receives messages it cannot process.
 */
export const STARTUP_CHECK_TIMEOUT_MS = 20_000;

/** One thing the worker cannot work without, and the settings that point at it. */
export interface Dependency {
  name: string;
  /** Variable → value: what an operator would change. */
  settings: ReadonlyArray<readonly [string, string]>;
  /** Resolves when the dependency answers as the worker needs it to; a probe may ignore the signal. */
  probe(signal: AbortSignal): Promise<unknown>;
}

export interface DependencyFailure {
  name: string;
  settings: ReadonlyArray<readonly [string, string]>;
  reason: string;
}

/** The worker's dependencies failed the start-up check; the message names each and its settings. */
export class StartupCheckError extends ConfigError {
  constructor(readonly failures: DependencyFailure[]) {
    super(`start-up check failed: ${failures.map(describe).join('; ')}`);
  }
}

function describe(f: DependencyFailure): string {
  return `${f.name} (${f.settings.map(([k, v]) => `${k}=${v}`).join(', ')}): ${f.reason}`;
}

/**
 * Probes every dependency at once, each given the same deadline. Any that fails or does not
 * answer in time is logged with its settings, and a StartupCheckError (a ConfigError: exit code 2)
 * names them all.
 */
export async function checkDependencies(dependencies: readonly Dependency[], opts: { timeoutMs: number; log: Logger }): Promise<void> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const results = await Promise.all(
    dependencies.map(async (d): Promise<DependencyFailure | undefined> => {
      try {
        await withDeadline(d.probe(deadline), deadline);
        return undefined;
      } catch (err) {
        const timedOut = err === deadline.reason || /^(AbortError|TimeoutError)$/.test((err as Error)?.name ?? '');
        return { name: d.name, settings: d.settings, reason: timedOut ? `no answer within ${opts.timeoutMs / 1000} s` : reasonOf(err) };
      }
    }),
  );
  const failures = results.filter((f): f is DependencyFailure => f !== undefined);
  for (const f of failures) {
    opts.log.error({ dependency: f.name, settings: Object.fromEntries(f.settings), reason: f.reason }, 'start-up check failed');
  }
  if (failures.length > 0) throw new StartupCheckError(failures);
  opts.log.info({ checked: dependencies.map((d) => d.name), ms: Date.now() - started }, 'start-up check passed');
}

/** A probe that does not take the signal (the OpenSearch client) still ends at the deadline. */
function withDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.reason);
    if (deadline.aborted) return onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

/** The error as an operator reads it: its AWS name, message and HTTP status when there is one. */
function reasonOf(err: unknown): string {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  const message = errorMessage(err) || e.code || 'failed';
  return `${name}${message}${status ? ` (HTTP ${status})` : ''}`;
}

export interface WorkerDependencies {
  settings: WorkerSettings;
  sqs: SQSClient;
  s3: S3Client;
  index: OpenSearchIndex;
  failures: OpenSearchFailureStore;
  embedder?: BedrockImageEmbedder;
}

/**
 * What the worker checks before it receives anything: the queue answers, the bucket is readable,
 * the index and its template are in place (created when missing, as the worker would anyway) with
 * the failure-record index, and, when images are embedded, Bedrock answers one small embedding
 * request. Returns what preparing the index did.
 */
export async function checkWorkerDependencies(d: WorkerDependencies, log: Logger, timeoutMs = STARTUP_CHECK_TIMEOUT_MS): Promise<PreparedIndex> {
  const { settings } = d;
  const V = WORKER_ENV;
  let prepared: PreparedIndex | undefined;
  const dependencies: Dependency[] = [
    {
      name: 'queue',
      settings: [[V.queueUrl, settings.queueUrl]],
      probe: (signal) => d.sqs.send(new GetQueueAttributesCommand({ QueueUrl: settings.queueUrl, AttributeNames: ['QueueArn'] }), { abortSignal: signal }),
    },
    {
      name: 'bucket',
      settings: [[V.bucket, settings.bucket]],
      probe: (signal) => d.s3.send(new HeadBucketCommand({ Bucket: settings.bucket }), { abortSignal: signal }),
    },
    {
      name: 'index',
      settings: [
        [V.opensearchUrl, settings.opensearch.endpoint],
        [V.opensearchIndex, settings.opensearch.index],
      ],
      probe: async () => {
        prepared = await d.index.prepare();
        await d.failures.prepare();
      },
    },
  ];
  const { embedder } = d;
  if (embedder) {
    dependencies.push({
      name: 'Bedrock',
      settings: [
        [V.bedrockRegion, settings.bedrock.region ?? '(unset)'],
        [V.bedrockModelId, settings.bedrock.modelId],
      ],
      probe: (signal) => embedder.probe(signal),
    });
  }
  await checkDependencies(dependencies, { timeoutMs, log });
  return prepared!;
}
