/**
 * The worker's environment: every variable it reads, and the defaults of those infra must agree
 * with. config/ parses them (zod schemas keyed by these names, so every error names the variable
 * to fix); infra writes them into the instances' environment file. docs/worker.md explains each.
 * Renaming a variable is one edit here; both sides compile against it.
 */

export const WORKER_ENV = {
  // Queue and bucket
  queueUrl: 'CIS_QUEUE_URL',
  dlqUrl: 'CIS_DLQ_URL',
  bucket: 'CIS_BUCKET',
  s3ForcePathStyle: 'CIS_S3_FORCE_PATH_STYLE',
  // AWS SDK variables the worker reads as well (the SDK reads them too)
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  endpointUrl: 'AWS_ENDPOINT_URL',
  s3EndpointUrl: 'AWS_ENDPOINT_URL_S3',
  ec2MetadataEndpoint: 'AWS_EC2_METADATA_SERVICE_ENDPOINT',

  // Processing
  filesInFlight: 'CIS_FILES_IN_FLIGHT',
  prefetch: 'CIS_PREFETCH',
  receiveBatch: 'CIS_RECEIVE_BATCH',
  receiveWaitSeconds: 'CIS_RECEIVE_WAIT_S',
  visibilityTimeoutSeconds: 'CIS_VISIBILITY_TIMEOUT_S',
  heartbeatMarginSeconds: 'CIS_HEARTBEAT_MARGIN_S',
  retryDelaySeconds: 'CIS_RETRY_DELAY_S',
  maxFreeReleases: 'CIS_MAX_FREE_RELEASES',
  fileTimeoutSeconds: 'CIS_FILE_TIMEOUT_S',
  bulkMb: 'CIS_BULK_MB',
  bulkLingerMs: 'CIS_BULK_LINGER_MS',
  indexRetrySeconds: 'CIS_INDEX_RETRY_S',
  downloadPartMb: 'CIS_DOWNLOAD_PART_MB',
  downloadParallel: 'CIS_DOWNLOAD_PARALLEL',
  downloadRangedMinMb: 'CIS_DOWNLOAD_RANGED_MIN_MB',
  maxObjectMb: 'CIS_MAX_OBJECT_MB',
  tempDir: 'CIS_TEMP_DIR',
  initialLoad: 'CIS_INITIAL_LOAD',
  reprocess: 'CIS_REPROCESS',

  // Lifecycle and observability
  spotPoll: 'CIS_SPOT_POLL',
  imdsEndpoint: 'CIS_IMDS_ENDPOINT',
  spotPollSeconds: 'CIS_SPOT_POLL_S',
  drainDeadlineSeconds: 'CIS_DRAIN_DEADLINE_S',
  metrics: 'CIS_METRICS',
  metricsIntervalSeconds: 'CIS_METRICS_INTERVAL_S',
  instanceId: 'CIS_INSTANCE_ID',
  autoScalingGroupName: 'CIS_AUTOSCALING_GROUP_NAME',
  logLevel: 'CIS_LOG_LEVEL',
  // aws-embedded-metrics reads these: where the EMF records go (infra: the CloudWatch agent, a log group).
  emfEnvironment: 'AWS_EMF_ENVIRONMENT',
  emfLogGroupName: 'AWS_EMF_LOG_GROUP_NAME',
  emfServiceName: 'AWS_EMF_SERVICE_NAME',

  // OpenSearch
  opensearchUrl: 'CIS_OPENSEARCH_URL',
  opensearchIndex: 'CIS_OPENSEARCH_INDEX',
  opensearchStatusIndex: 'CIS_OPENSEARCH_STATUS_INDEX',
  opensearchAuth: 'CIS_OPENSEARCH_AUTH',
  opensearchUsername: 'CIS_OPENSEARCH_USERNAME',
  opensearchPassword: 'CIS_OPENSEARCH_PASSWORD',
  opensearchService: 'CIS_OPENSEARCH_SERVICE',
  opensearchAnalyzer: 'CIS_OPENSEARCH_ANALYZER',
  opensearchShards: 'CIS_OPENSEARCH_SHARDS',
  opensearchReplicas: 'CIS_OPENSEARCH_REPLICAS',
  opensearchTimeoutSeconds: 'CIS_OPENSEARCH_TIMEOUT_S',

  // Bedrock image embeddings
  embedImages: 'CIS_EMBED_IMAGES',
  /** Region of the Bedrock runtime endpoint: the model is not offered in every region the fleet may run in. */
  bedrockRegion: 'CIS_BEDROCK_REGION',
  bedrockModelId: 'CIS_BEDROCK_MODEL_ID',
  bedrockDimensions: 'CIS_BEDROCK_DIMENSIONS',
  bedrockRps: 'CIS_BEDROCK_RPS',
  bedrockConcurrency: 'CIS_BEDROCK_CONCURRENCY',
  bedrockTimeoutSeconds: 'CIS_BEDROCK_TIMEOUT_S',
  bedrockMaxAttempts: 'CIS_BEDROCK_MAX_ATTEMPTS',

  // Extraction and OCR (local mode reads the same ones)
  ocrThreads: 'CIS_OCR_THREADS',
  ocrLangs: 'CIS_OCR_LANGS',
  ocrTimeoutSeconds: 'CIS_OCR_TIMEOUT_S',
  ocrPagesPerWorker: 'CIS_OCR_PAGES_PER_WORKER',
  maxPixels: 'CIS_MAX_PIXELS',
  maxFileMb: 'CIS_MAX_FILE_MB',
  maxPages: 'CIS_MAX_PAGES',
  // Per-file budgets of the extraction sandbox (local mode reads the same ones)
  extractMemoryMb: 'CIS_EXTRACT_MEMORY_MB',
  extractTotalMemoryMb: 'CIS_EXTRACT_TOTAL_MEMORY_MB',
  extractTimeoutSeconds: 'CIS_EXTRACT_TIMEOUT_S',
  // Document fields and containers (local mode reads the same ones)
  exifGps: 'CIS_EXIF_GPS',
  containerMaxDepth: 'CIS_CONTAINER_MAX_DEPTH',
  containerMaxMembers: 'CIS_CONTAINER_MAX_MEMBERS',
  containerMaxMb: 'CIS_CONTAINER_MAX_MB',
  containerMaxRatio: 'CIS_CONTAINER_MAX_RATIO',
} as const;

export type WorkerVariable = (typeof WORKER_ENV)[keyof typeof WORKER_ENV];

/** A worker environment as infra writes it: only variables the worker reads. */
export type WorkerEnvironment = Partial<Record<WorkerVariable, string>>;

/** Image vector sizes Titan multimodal embeddings offer. */
export const BEDROCK_DIMENSIONS = [256, 384, 1024] as const;

/**
 * Defaults of the variables above, keyed alike. Not listed, because they are derived at start:
 * heartbeatMarginSeconds (min(120, visibility / 3)), filesInFlight (2 × OCR threads), prefetch
 * (min(10, filesInFlight)), maxObjectMb (maxFileMb), ocrThreads (the cores), opensearchStatusIndex
 * (`<index>-status`), opensearchAuth (sigv4 for AWS endpoints, basic with a user name, else none),
 * s3ForcePathStyle (on for a non-AWS S3 endpoint).
 */
export const WORKER_DEFAULTS = {
  receiveBatch: 10,
  receiveWaitSeconds: 20,
  /** How long a received message stays invisible; the heartbeat extends it while the file is worked on. */
  visibilityTimeoutSeconds: 900,
  retryDelaySeconds: 60,
  /**
   * Releases per file (drain, Spot notice, shutdown) that do not count towards maxReceiveCount
   * (the file is re-sent as a fresh copy). Beyond it a release counts, so a file interrupted
   * forever still ends in the DLQ: 20 drains of one file is far past any healthy churn.
   */
  maxFreeReleases: 20,
  fileTimeoutSeconds: 3600,
  /** Decimal MB: 10 MB stays under the 10 MiB request limit of small Amazon OpenSearch instance types. */
  bulkMb: 10,
  bulkLingerMs: 1000,
  indexRetrySeconds: 300,
  downloadPartMb: 16,
  downloadParallel: 4,
  downloadRangedMinMb: 64,
  initialLoad: false,
  reprocess: false,
  spotPoll: true,
  imdsEndpoint: 'http://169.254.169.254',
  spotPollSeconds: 5,
  /** Seconds from SIGTERM (or a Spot notice) to exit: release, flush, acknowledge. */
  drainDeadlineSeconds: 110,
  metrics: true,
  metricsIntervalSeconds: 60,
  logLevel: 'info',
  opensearchIndex: 'cis-files',
  opensearchService: 'es',
  opensearchAnalyzer: 'auto',
  opensearchShards: 4,
  opensearchReplicas: 1,
  opensearchTimeoutSeconds: 60,
  embedImages: true,
  /** Titan Multimodal Embeddings G1: the one model the fleet's role may invoke. */
  bedrockModelId: 'amazon.titan-embed-image-v1',
  bedrockDimensions: 1024,
  bedrockRps: 20,
  bedrockConcurrency: 10,
  bedrockTimeoutSeconds: 30,
  bedrockMaxAttempts: 6,
  ocrLangs: 'jpn,eng',
  ocrTimeoutSeconds: 120,
  ocrPagesPerWorker: 100,
  /** An A3 page at 600 dpi is 70 megapixels. */
  maxPixels: 100_000_000,
  /** MiB. */
  maxFileMb: 1024,
  maxPages: 2000,
  /**
   * MiB a file's parsing may hold (one extraction process). Sized for a c5.xlarge (8 GiB): 4 OCR
   * threads take ~3 GiB, the extraction processes share `extractTotalMemoryMb`, the service and
   * the OS the rest; the fleet's unit caps the whole service (MemoryMax) behind these.
   */
  extractMemoryMb: 1280,
  /** MiB all extraction processes may hold together; above it the largest file is stopped and retried. */
  extractTotalMemoryMb: 3584,
  /** Seconds of parsing per file, OCR waits not counted, plus EXTRACT_SECONDS_PER_PAGE per page (config/extraction.ts). */
  extractTimeoutSeconds: 60,
  /** Where a photo was taken is personal data: stored only when a deployment opts in. */
  exifGps: false,
  /** A zip in a zip in a mail is depth 2; deeper containers are stored without opening them. */
  containerMaxDepth: 2,
  containerMaxMembers: 10_000,
  /** MiB of members one container may unpack to, all members together. */
  containerMaxMb: 2048,
  /** Uncompressed ÷ compressed size above which a member is refused as a zip bomb. */
  containerMaxRatio: 100,
} as const satisfies Partial<Record<keyof typeof WORKER_ENV, string | number | boolean>>;
