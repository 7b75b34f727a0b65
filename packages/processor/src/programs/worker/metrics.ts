import { createMetricsLogger, Unit } from 'aws-embedded-metrics';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { QueueDepth } from '../../core/queue';
import type { Worker } from './worker';

export const METRICS_NAMESPACE = 'CISFileSearch';

export interface MetricsOptions {
  instanceId: string;
  /**
   * The fleet's scaling policy, alarms and dashboard read the group-wide series; each record is
   * published under both dimension sets when the group is known.
   */
  autoScalingGroupName?: string;
  intervalMs: number;
  queue: { depth(): Promise<QueueDepth> };
  /** Bedrock request counters, when images are embedded. */
  bedrock?: { stats: { throttled: number; requests: number } };
  namespace?: string;
}

/** Sums over one reporting interval. */
class Window {
  started = Date.now();
  files = 0;
  skipped = 0;
  removed = 0;
  unreadable = 0;
  returned = 0;
  rejected = 0;
  released = 0;
  staleAcks = 0;
  processMs = 0;
  sums = { fetch: [0, 0], ocr: [0, 0], embed: [0, 0], bulk: [0, 0] } as Record<'fetch' | 'ocr' | 'embed' | 'bulk', [number, number]>;

  add(which: keyof Window['sums'], ms: number | undefined): void {
    if (ms === undefined) return;
    this.sums[which][0] += ms;
    this.sums[which][1]++;
  }

  mean(which: keyof Window['sums']): number | undefined {
    const [sum, n] = this.sums[which];
    return n > 0 ? sum / n : undefined;
  }
}

/**
 * CloudWatch metrics in Embedded Metric Format (namespace CISFileSearch, dimensions InstanceId and AutoScalingGroupName),
 * one record per interval: throughput, per-stage times, queue depth and failure counts. On EC2
 * the records go to the CloudWatch agent; with AWS_EMF_ENVIRONMENT=Local they are printed.
 */
export function attachMetrics(worker: Worker, opts: MetricsOptions, log: Logger): { flush(): Promise<void>; stop(): Promise<void> } {
  let w = new Window();
  let throttledBefore = opts.bedrock?.stats.throttled ?? 0;
  worker.on('message_processed', (_m, info) => {
    if (info.status === 'skipped') return void w.skipped++;
    if (info.status === 'removed') return void w.removed++;
    w.files++;
    if (info.status === 'failed') w.unreadable++;
    w.processMs += info.processMs;
    w.add('fetch', info.timings.fetch);
    w.add('ocr', info.timings.ocr);
    w.add('embed', info.timings.embed);
  });
  worker.on('bulk', (e) => w.add('bulk', e.ms));
  worker.on('processing_error', (err) => {
    w.returned++;
    if (!err.retryable) w.rejected++;
  });
  worker.on('message_released', () => w.released++);
  worker.on('ack_stale', () => w.staleAcks++);

  const flush = async (): Promise<void> => {
    const done = w;
    w = new Window();
    const minutes = Math.max(1e-9, (Date.now() - done.started) / 60_000);
    const depth = await opts.queue.depth().catch((err: unknown) => {
      log.debug({ err: errorMessage(err) }, 'queue depth unavailable');
      return undefined;
    });
    const throttled = opts.bedrock?.stats.throttled ?? 0;
    const m = createMetricsLogger();
    m.setNamespace(opts.namespace ?? METRICS_NAMESPACE);
    m.setDimensions(
      opts.autoScalingGroupName
        ? [{ InstanceId: opts.instanceId }, { AutoScalingGroupName: opts.autoScalingGroupName }]
        : [{ InstanceId: opts.instanceId }],
    );
    m.putMetric('ProcessingThroughput', (done.files / minutes) * 60, Unit.Count);
    m.putMetric('ProcessingRate', done.files / minutes, Unit.Count);
    m.putMetric('FilesProcessed', done.files, Unit.Count);
    if (done.files > 0) m.putMetric('AvgFileProcessingTime', done.processMs / done.files, Unit.Milliseconds);
    const stage = (name: string, which: keyof Window['sums']) => {
      const v = done.mean(which);
      if (v !== undefined) m.putMetric(name, v, Unit.Milliseconds);
    };
    stage('S3DownloadTime', 'fetch');
    stage('OCRProcessingTime', 'ocr');
    stage('BedrockAPITime', 'embed');
    stage('OpenSearchIndexTime', 'bulk');
    if (depth) m.putMetric('SQSQueueDepth', depth.visible, Unit.Count);
    m.putMetric('FilesUnreadable', done.unreadable, Unit.Count);
    m.putMetric('FilesSkipped', done.skipped, Unit.Count);
    m.putMetric('MessagesReturned', done.returned, Unit.Count);
    m.putMetric('MessagesRejected', done.rejected, Unit.Count);
    m.putMetric('MessagesReleased', done.released, Unit.Count);
    m.putMetric('StaleAcknowledgements', done.staleAcks, Unit.Count);
    if (opts.bedrock) m.putMetric('BedrockThrottles', throttled - throttledBefore, Unit.Count);
    throttledBefore = throttled;
    await m.flush();
  };

  const timer = setInterval(() => {
    flush().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'metrics flush failed'));
  }, opts.intervalMs).unref();

  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'metrics flush failed'));
    },
  };
}
