import { createMetricsLogger, Unit } from 'aws-embedded-metrics';
import { METRIC, METRIC_DIMENSION, METRICS_NAMESPACE, type MetricName } from '../../contract';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { QueueDepth } from '../../core/queue';
import type { Worker } from './worker';

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
 * CloudWatch metrics in Embedded Metric Format (the contract's namespace, names and dimensions: per
 * instance, and per Auto Scaling group when it is known), one record per interval: throughput, per-stage times, queue depth and failure counts. On EC2
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
    m.setNamespace(METRICS_NAMESPACE);
    const byInstance = { [METRIC_DIMENSION.instanceId]: opts.instanceId };
    m.setDimensions(
      opts.autoScalingGroupName ? [byInstance, { [METRIC_DIMENSION.autoScalingGroupName]: opts.autoScalingGroupName }] : [byInstance],
    );
    const put = (name: MetricName, value: number, unit: Unit) => m.putMetric(name, value, unit);
    put(METRIC.processingThroughput, (done.files / minutes) * 60, Unit.Count);
    put(METRIC.processingRate, done.files / minutes, Unit.Count);
    put(METRIC.filesProcessed, done.files, Unit.Count);
    if (done.files > 0) put(METRIC.avgFileProcessingTime, done.processMs / done.files, Unit.Milliseconds);
    const stage = (name: MetricName, which: keyof Window['sums']) => {
      const v = done.mean(which);
      if (v !== undefined) put(name, v, Unit.Milliseconds);
    };
    stage(METRIC.s3DownloadTime, 'fetch');
    stage(METRIC.ocrProcessingTime, 'ocr');
    stage(METRIC.bedrockApiTime, 'embed');
    stage(METRIC.openSearchIndexTime, 'bulk');
    if (depth) put(METRIC.sqsQueueDepth, depth.visible, Unit.Count);
    put(METRIC.filesUnreadable, done.unreadable, Unit.Count);
    put(METRIC.filesSkipped, done.skipped, Unit.Count);
    put(METRIC.messagesReturned, done.returned, Unit.Count);
    put(METRIC.messagesRejected, done.rejected, Unit.Count);
    put(METRIC.messagesReleased, done.released, Unit.Count);
    put(METRIC.staleAcknowledgements, done.staleAcks, Unit.Count);
    if (opts.bedrock) put(METRIC.bedrockThrottles, throttled - throttledBefore, Unit.Count);
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
