/**
 * The worker's CloudWatch metrics: what programs/worker/metrics.ts publishes (EMF records) and
 * what infra scales, alarms and graphs on, and allows in the PutMetricData condition. Both sides
 * import these names, so a rename here is a rename everywhere and a typo is a type error.
 */

export const METRICS_NAMESPACE = 'CISFileSearch';

/** Every metric the worker publishes, one record per reporting interval. */
export const METRIC = {
  /** Files per hour of one instance (the group's Average is the per-instance throughput the fleet scales on). */
  processingThroughput: 'ProcessingThroughput',
  /** Files per minute. */
  processingRate: 'ProcessingRate',
  filesProcessed: 'FilesProcessed',
  /** Mean handler time per file (download, hash, extraction, OCR, embedding), ms. */
  avgFileProcessingTime: 'AvgFileProcessingTime',
  /** Stage means, ms. */
  s3DownloadTime: 'S3DownloadTime',
  ocrProcessingTime: 'OCRProcessingTime',
  bedrockApiTime: 'BedrockAPITime',
  openSearchIndexTime: 'OpenSearchIndexTime',
  /** Visible messages in the file queue, as this worker last saw them. */
  sqsQueueDepth: 'SQSQueueDepth',
  /** Files stored as `failed` with their reason (corrupt, encrypted, over a cap). */
  filesUnreadable: 'FilesUnreadable',
  filesSkipped: 'FilesSkipped',
  /** Messages returned to the queue after a failure; MessagesRejected counts those no retry can help. */
  messagesReturned: 'MessagesReturned',
  messagesRejected: 'MessagesRejected',
  /** Messages released unprocessed because the worker was draining. */
  messagesReleased: 'MessagesReleased',
  /** Documents stored whose message had already been handed out again. */
  staleAcknowledgements: 'StaleAcknowledgements',
  bedrockThrottles: 'BedrockThrottles',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/**
 * Dimensions: every record is published per instance and, when the worker knows its Auto Scaling
 * group, per group as well (what the fleet's policies, alarms and dashboard read).
 */
export const METRIC_DIMENSION = {
  instanceId: 'InstanceId',
  autoScalingGroupName: 'AutoScalingGroupName',
} as const;

export type MetricDimension = (typeof METRIC_DIMENSION)[keyof typeof METRIC_DIMENSION];
