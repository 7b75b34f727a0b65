import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { hostname } from 'node:os';
import { composePipeline } from '../../compose';
import type { WorkerSettings } from '../../config/worker';
import { errorMessage } from '../../core/errors';
import { BedrockImageEmbedder, createBedrockClient } from '../../adapters/bedrock/bedrock-embedder';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../../adapters/opensearch/opensearch-index';
import { TEMPLATE_VERSION } from '../../adapters/opensearch/opensearch-mapping';
import { applyIndexSettings, INITIAL_LOAD } from '../../adapters/opensearch/opensearch-settings';
import { OpenSearchFailureStore } from '../../adapters/opensearch/opensearch-status';
import type { Logger } from '../../core/log';
import { SqsQueue } from '../../adapters/sqs/sqs-queue';
import { S3Source } from '../../adapters/s3/s3-source';
import { BulkWriter } from '../../adapters/opensearch/bulk-writer';
import { attachFailureRecorder } from './failure-recorder';
import { FileMessageHandler } from './file-message-handler';
import { Imds } from './imds';
import { attachLogging } from './logging';
import { attachMetrics } from './metrics';
import { SpotNoticeWatcher } from './spot-notice';
import { checkWorkerDependencies } from './startup-check';
import { StateLookup } from './state-lookup';
import { Worker } from './worker';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has drained and every client is closed. */
  done: Promise<void>;
}

/**
 * Wires the AWS-mode worker from its settings: SQS → S3 → pipeline (OCR pool, Bedrock) →
 * bulk writer → OpenSearch, with logging, metrics, failure records, signal and Spot handling.
 */
export async function startWorker(settings: WorkerSettings, log: Logger): Promise<RunningWorker> {
  const { region } = settings;
  const sqs = new SQSClient({ region });
  const s3 = new S3Client({ region, forcePathStyle: settings.s3ForcePathStyle });
  const osClient = createOpenSearchClient(settings.opensearch);
  const { bedrock } = settings;
  const embedder = bedrock.embedImages
    ? new BedrockImageEmbedder(createBedrockClient({ region: bedrock.region, concurrency: bedrock.concurrency }), bedrock)
    : undefined;

  const index = new OpenSearchIndex(osClient, {
    index: settings.opensearch.index,
    shards: settings.opensearch.shards,
    replicas: settings.opensearch.replicas,
    analyzer: settings.opensearch.analyzer,
    vectorModels: embedder ? [{ modelId: embedder.modelId, dimensions: embedder.dimensions }] : [],
  });
  const failures = new OpenSearchFailureStore(osClient, settings.opensearch.statusIndex);
  // Before anything is received: a dependency that does not answer stops the worker (exit 2) naming its setting.
  const prepared = await checkWorkerDependencies({ settings, sqs, s3, index, failures, embedder }, log).catch(async (err: unknown) => {
    sqs.destroy();
    s3.destroy();
    embedder?.close();
    await osClient.close().catch(() => undefined);
    throw err;
  });
  log.info({ index: index.name, ...prepared }, 'index ready');
  if (prepared.mappingVersion < TEMPLATE_VERSION) {
    log.warn({ index: index.name, mappingVersion: prepared.mappingVersion, current: TEMPLATE_VERSION }, 'the index has an older mapping: "cis index-migrate" moves it to the current one without stopping the workers');
  }
  if (settings.initialLoad && (await applyIndexSettings(osClient, index.name, INITIAL_LOAD))) {
    log.info({ index: index.name, ...INITIAL_LOAD }, 'initial-load settings applied; run "cis index-settings --restore" when the load is done');
  }

  const stack = composePipeline(settings.extraction, { embedder: embedder ?? null, concurrency: settings.filesInFlight });
  const source = await S3Source.open(s3, { bucket: settings.bucket, ...settings.download, tempRoot: settings.download.tempRoot });
  const queue = new SqsQueue(sqs, {
    queueUrl: settings.queueUrl,
    waitSeconds: settings.queue.waitSeconds,
    visibilitySeconds: settings.queue.visibilitySeconds,
  });
  const writer = new BulkWriter(index, settings.bulk);
  const lookup = new StateLookup(index);
  const handler = new FileMessageHandler({
    bucket: settings.bucket,
    source,
    pipeline: stack.pipeline,
    lookup: (id) => lookup.get(id),
    membersOf: (id) => index.membersOf([id]),
    reprocess: settings.reprocess,
  });
  const worker = new Worker(
    { queue, handler, index: writer },
    {
      filesInFlight: settings.filesInFlight,
      prefetch: settings.prefetch,
      receiveBatch: settings.queue.receiveBatch,
      visibilitySeconds: settings.queue.visibilitySeconds,
      heartbeatMarginSeconds: settings.queue.heartbeatMarginSeconds,
      retryDelaySeconds: settings.queue.retryDelaySeconds,
      maxFreeReleases: settings.queue.maxFreeReleases,
      fileTimeoutMs: settings.fileTimeoutMs,
      drainDeadlineMs: settings.drainDeadlineMs,
      maxPendingIndexBytes: 2 * settings.bulk.maxBytes,
    },
  );
  attachLogging(worker, log);
  attachFailureRecorder(worker, failures, log);

  const imds = new Imds(settings.spot.imdsEndpoint);
  const spot = settings.spot.enabled ? new SpotNoticeWatcher(imds, settings.spot.pollMs) : undefined;
  const instanceId = settings.metrics.instanceId ?? (spot ? await instanceIdFrom(imds) : undefined) ?? hostname();
  const metrics = settings.metrics.enabled
    ? attachMetrics(worker, { instanceId, autoScalingGroupName: settings.metrics.autoScalingGroupName, intervalMs: settings.metrics.intervalMs, queue, bedrock: embedder }, log)
    : undefined;

  // Exit within the drain deadline even if something hangs (a stuck OCR thread, a dead socket).
  let hardStop: NodeJS.Timeout | undefined;
  const stop = (reason: string) => {
    hardStop ??= setTimeout(() => {
      log.error({ reason, inFlight: worker.inFlight }, 'drain deadline passed; exiting');
      process.exit(1);
    }, settings.drainDeadlineMs).unref();
    void worker.stop(reason);
  };
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  spot?.on('notice', (n) => {
    log.warn({ kind: n.kind, detail: n.detail }, 'spot notice: draining');
    stop(`spot ${n.kind}`);
  });
  spot?.on('unavailable', (why) => log.info({ why }, 'no instance metadata service: spot notices are not watched'));
  spot?.on('poll_error', (why) => log.debug({ why }, 'spot notice poll failed'));
  spot?.start();

  log.info(
    { queue: settings.queueUrl, bucket: settings.bucket, index: index.name, filesInFlight: settings.filesInFlight, ocrThreads: settings.extraction.ocr.threads, instanceId },
    'worker started',
  );
  const done = (async () => {
    try {
      await worker.run();
    } finally {
      spot?.stop();
      await metrics?.stop();
      await Promise.allSettled([stack.close(), source.close()]);
      await index.close().catch((err: unknown) => log.debug({ err: errorMessage(err) }, 'closing the OpenSearch client'));
      sqs.destroy();
      s3.destroy();
      embedder?.close();
      clearTimeout(hardStop);
      // Only now: a signal repeated during the clean-up (a launcher such as tsx relays the one its
      // process group got) would otherwise meet the default handler and kill the process mid-way.
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    }
  })();
  return { worker, done };
}

async function instanceIdFrom(imds: Imds): Promise<string | undefined> {
  try {
    const res = await imds.get('/latest/meta-data/instance-id');
    return res.status === 200 ? res.body.trim() : undefined;
  } catch {
    return undefined;
  }
}
