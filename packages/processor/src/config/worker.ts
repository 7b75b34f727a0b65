import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { extractionSettings, type ExtractionSettings } from './extraction';
import { optionalNumber, parseSettings } from './parse';

export type OpenSearchAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'sigv4'; region: string; service: 'es' | 'aoss' };

export interface OpenSearchSettings {
  endpoint: string;
  index: string;
  /** Where the worker records why a message could not be processed (queried by `cis failures`). */
  statusIndex: string;
  auth: OpenSearchAuth;
  /** 'auto' probes the cluster for kuromoji and falls back to CJK bigrams without it. */
  analyzer: 'auto' | 'kuromoji' | 'cjk';
  shards: number;
  /** Replicas in normal operation (initial-load mode sets 0 until `cis index-settings --restore`). */
  replicas: number;
  requestTimeoutMs: number;
}

export interface BedrockSettings {
  /** False: images are indexed for their text only. */
  embedImages: boolean;
  modelId: string;
  dimensions: 256 | 384 | 1024;
  requestsPerSecond: number;
  concurrency: number;
  timeoutMs: number;
  maxAttempts: number;
}

export interface WorkerSettings {
  queueUrl: string;
  /** Set explicitly, or found at run time from the queue's redrive policy. */
  dlqUrl?: string;
  bucket: string;
  region?: string;
  /** True when S3 is reached through a non-AWS endpoint (testbed): path-style addressing. */
  s3ForcePathStyle: boolean;
  opensearch: OpenSearchSettings;
  queue: {
    receiveBatch: number;
    waitSeconds: number;
    visibilitySeconds: number;
    /** A message whose invisibility ends within this many seconds gets a heartbeat extension. */
    heartbeatMarginSeconds: number;
    /** A retryable failure returns the message after retryDelaySeconds × its receive count (capped by the visibility timeout). */
    retryDelaySeconds: number;
  };
  /** Messages processed at once (download + extraction); keeps the OCR pool busy. */
  filesInFlight: number;
  /** Messages received ahead of a free slot, so slots never wait for a receive and receives come in batches. */
  prefetch: number;
  /** A file still processing after this long is aborted and its message returned. */
  fileTimeoutMs: number;
  bulk: {
    maxBytes: number;
    /** How long a document may wait for others to share its bulk request. */
    lingerMs: number;
    /** How long a document keeps being retried against an unavailable index before its message is returned. */
    retryBudgetMs: number;
  };
  download: {
    partBytes: number;
    parallel: number;
    /** Objects at least this large are fetched as parallel ranges. */
    rangedMinBytes: number;
    maxObjectBytes: number;
    tempRoot?: string;
  };
  bedrock: BedrockSettings;
  initialLoad: boolean;
  /** Redo files even when the index already holds the same ETag / content. */
  reprocess: boolean;
  spot: { enabled: boolean; imdsEndpoint: string; pollMs: number };
  drainDeadlineMs: number;
  metrics: { enabled: boolean; intervalMs: number; instanceId?: string; autoScalingGroupName?: string };
  extraction: ExtractionSettings;
}

const MiB = 1024 * 1024;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''], { message: 'expected true or false' })
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : ['true', '1', 'yes', 'on'].includes(v)));

const url = z.url({ message: 'expected an http(s) URL' });
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const openSearchSchema = z.object({
  AWS_REGION: optionalString,
  AWS_DEFAULT_REGION: optionalString,
  CIS_OPENSEARCH_URL: z.string({ message: 'required: the OpenSearch endpoint, e.g. https://search-x.ap-northeast-1.es.amazonaws.com' }).pipe(url),
  CIS_OPENSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case OpenSearch index name')
    .default('cis-files'),
  CIS_OPENSEARCH_STATUS_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case OpenSearch index name')
    .optional(),
  CIS_OPENSEARCH_AUTH: z.enum(['none', 'basic', 'sigv4']).optional(),
  CIS_OPENSEARCH_USERNAME: optionalString,
  CIS_OPENSEARCH_PASSWORD: optionalString,
  CIS_OPENSEARCH_SERVICE: z.enum(['es', 'aoss']).default('es'),
  CIS_OPENSEARCH_ANALYZER: z.enum(['auto', 'kuromoji', 'cjk']).default('auto'),
  CIS_OPENSEARCH_SHARDS: optionalNumber(z.number().int().min(1).max(1024)),
  CIS_OPENSEARCH_REPLICAS: optionalNumber(z.number().int().min(0).max(15)),
  CIS_OPENSEARCH_TIMEOUT_S: optionalNumber(z.number().positive().max(600)),
});

const bedrockSchema = z.object({
  CIS_EMBED_IMAGES: bool,
  CIS_BEDROCK_MODEL_ID: z.string().min(1).default('amazon.titan-embed-image-v1'),
  CIS_BEDROCK_DIMENSIONS: z.enum(['256', '384', '1024'], { message: 'expected 256, 384 or 1024' }).default('1024'),
  CIS_BEDROCK_RPS: optionalNumber(z.number().positive().max(10_000)),
  CIS_BEDROCK_CONCURRENCY: optionalNumber(z.number().int().min(1).max(1000)),
  CIS_BEDROCK_TIMEOUT_S: optionalNumber(z.number().positive().max(600)),
  CIS_BEDROCK_MAX_ATTEMPTS: optionalNumber(z.number().int().min(1).max(20)),
});

const schema = z.object({
  CIS_QUEUE_URL: z.string({ message: 'required: the SQS queue URL to read file messages from' }).pipe(url),
  CIS_DLQ_URL: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  CIS_BUCKET: z.string({ message: 'required: the S3 bucket the messages refer to' }).min(3).max(63),
  AWS_REGION: optionalString,
  AWS_DEFAULT_REGION: optionalString,
  AWS_ENDPOINT_URL: optionalString,
  AWS_ENDPOINT_URL_S3: optionalString,
  CIS_S3_FORCE_PATH_STYLE: bool,

  CIS_FILES_IN_FLIGHT: optionalNumber(z.number().int().min(1).max(1000)),
  CIS_PREFETCH: optionalNumber(z.number().int().min(0).max(100)),
  CIS_RECEIVE_BATCH: optionalNumber(z.number().int().min(1).max(10)),
  CIS_RECEIVE_WAIT_S: optionalNumber(z.number().int().min(0).max(20)),
  CIS_VISIBILITY_TIMEOUT_S: optionalNumber(z.number().int().min(2).max(43_200)),
  CIS_HEARTBEAT_MARGIN_S: optionalNumber(z.number().min(1)),
  CIS_RETRY_DELAY_S: optionalNumber(z.number().int().min(0).max(43_200)),
  CIS_FILE_TIMEOUT_S: optionalNumber(z.number().positive()),

  CIS_BULK_MB: optionalNumber(z.number().min(1).max(100)),
  CIS_BULK_LINGER_MS: optionalNumber(z.number().int().min(0).max(60_000)),
  CIS_INDEX_RETRY_S: optionalNumber(z.number().min(0)),

  CIS_DOWNLOAD_PART_MB: optionalNumber(z.number().min(1).max(1024)),
  CIS_DOWNLOAD_PARALLEL: optionalNumber(z.number().int().min(1).max(64)),
  CIS_DOWNLOAD_RANGED_MIN_MB: optionalNumber(z.number().min(1)),
  CIS_MAX_OBJECT_MB: optionalNumber(z.number().positive()),
  CIS_TEMP_DIR: optionalString,

  CIS_INITIAL_LOAD: bool,
  CIS_REPROCESS: bool,
  CIS_SPOT_POLL: bool,
  CIS_IMDS_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  AWS_EC2_METADATA_SERVICE_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  CIS_SPOT_POLL_S: optionalNumber(z.number().positive().max(60)),
  CIS_DRAIN_DEADLINE_S: optionalNumber(z.number().positive().max(3600)),
  CIS_METRICS: bool,
  CIS_METRICS_INTERVAL_S: optionalNumber(z.number().positive().max(3600)),
  CIS_INSTANCE_ID: optionalString,
  CIS_AUTOSCALING_GROUP_NAME: optionalString,
});

/**
 * Settings of the AWS-mode worker, from the environment, validated once at start-up.
 * docs/worker.md lists every variable with its default and an example.
 */
export function workerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const extraction = extractionSettings(env);
  const opensearch = openSearchSettings(env);
  const bedrock = bedrockSettings(env);
  const s = parseSettings(schema, env, 'worker settings');
  const region = s.AWS_REGION ?? s.AWS_DEFAULT_REGION;

  const visibilitySeconds = s.CIS_VISIBILITY_TIMEOUT_S ?? 900;
  const heartbeatMarginSeconds = s.CIS_HEARTBEAT_MARGIN_S ?? Math.min(120, visibilitySeconds / 3);
  if (heartbeatMarginSeconds >= visibilitySeconds) {
    throw new ConfigError(
      `invalid worker settings: CIS_HEARTBEAT_MARGIN_S (${heartbeatMarginSeconds}) must be less than CIS_VISIBILITY_TIMEOUT_S (${visibilitySeconds})`,
    );
  }
  const partBytes = (s.CIS_DOWNLOAD_PART_MB ?? 16) * MiB;
  const filesInFlight = s.CIS_FILES_IN_FLIGHT ?? 2 * extraction.ocr.threads;
  const s3Endpoint = s.AWS_ENDPOINT_URL_S3 ?? s.AWS_ENDPOINT_URL;

  return {
    queueUrl: s.CIS_QUEUE_URL,
    dlqUrl: s.CIS_DLQ_URL,
    bucket: s.CIS_BUCKET,
    region,
    // Virtual-hosted addressing needs DNS for <bucket>.<endpoint>; local S3 servers only answer path-style.
    s3ForcePathStyle: s.CIS_S3_FORCE_PATH_STYLE ?? (s3Endpoint !== undefined && !/amazonaws\.com/.test(s3Endpoint)),
    opensearch,
    queue: {
      receiveBatch: s.CIS_RECEIVE_BATCH ?? 10,
      waitSeconds: s.CIS_RECEIVE_WAIT_S ?? 20,
      visibilitySeconds,
      heartbeatMarginSeconds,
      retryDelaySeconds: s.CIS_RETRY_DELAY_S ?? 60,
    },
    filesInFlight,
    prefetch: s.CIS_PREFETCH ?? Math.min(10, filesInFlight),
    fileTimeoutMs: (s.CIS_FILE_TIMEOUT_S ?? 3600) * 1000,
    bulk: {
      // Decimal MB: 10 MB stays under the 10 MiB request limit of small Amazon OpenSearch instance types.
      maxBytes: Math.round((s.CIS_BULK_MB ?? 10) * 1_000_000),
      lingerMs: s.CIS_BULK_LINGER_MS ?? 1000,
      retryBudgetMs: (s.CIS_INDEX_RETRY_S ?? 300) * 1000,
    },
    download: {
      partBytes,
      parallel: s.CIS_DOWNLOAD_PARALLEL ?? 4,
      rangedMinBytes: Math.max(partBytes, (s.CIS_DOWNLOAD_RANGED_MIN_MB ?? 64) * MiB),
      maxObjectBytes: s.CIS_MAX_OBJECT_MB !== undefined ? Math.round(s.CIS_MAX_OBJECT_MB * MiB) : extraction.limits.maxFileBytes,
      tempRoot: s.CIS_TEMP_DIR,
    },
    bedrock,
    initialLoad: s.CIS_INITIAL_LOAD ?? false,
    reprocess: s.CIS_REPROCESS ?? false,
    spot: {
      enabled: s.CIS_SPOT_POLL ?? true,
      imdsEndpoint: (s.CIS_IMDS_ENDPOINT ?? s.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254').replace(/\/+$/, ''),
      pollMs: (s.CIS_SPOT_POLL_S ?? 5) * 1000,
    },
    drainDeadlineMs: (s.CIS_DRAIN_DEADLINE_S ?? 110) * 1000,
    metrics: {
      enabled: s.CIS_METRICS ?? true,
      intervalMs: (s.CIS_METRICS_INTERVAL_S ?? 60) * 1000,
      instanceId: s.CIS_INSTANCE_ID,
      autoScalingGroupName: s.CIS_AUTOSCALING_GROUP_NAME,
    },
    extraction,
  };
}

/** Bedrock Titan image embeddings: the worker's, and `cis similar --opensearch` for its query image. */
export function bedrockSettings(env: NodeJS.ProcessEnv = process.env): BedrockSettings {
  const s = parseSettings(bedrockSchema, env, 'Bedrock settings');
  return {
    embedImages: s.CIS_EMBED_IMAGES ?? true,
    modelId: s.CIS_BEDROCK_MODEL_ID,
    dimensions: Number(s.CIS_BEDROCK_DIMENSIONS) as 256 | 384 | 1024,
    requestsPerSecond: s.CIS_BEDROCK_RPS ?? 20,
    concurrency: s.CIS_BEDROCK_CONCURRENCY ?? 10,
    timeoutMs: (s.CIS_BEDROCK_TIMEOUT_S ?? 30) * 1000,
    maxAttempts: s.CIS_BEDROCK_MAX_ATTEMPTS ?? 6,
  };
}

/** OpenSearch connection and index settings alone (`cis index-settings`, `cis failures` need no queue or bucket). */
export function openSearchSettings(env: NodeJS.ProcessEnv = process.env): OpenSearchSettings {
  const s = parseSettings(openSearchSchema, env, 'OpenSearch settings');
  const region = s.AWS_REGION ?? s.AWS_DEFAULT_REGION;
  const host = new URL(s.CIS_OPENSEARCH_URL).hostname;
  const awsManaged = /\.(es|aoss)\.amazonaws\.com(\.cn)?$/.test(host);
  const authKind = s.CIS_OPENSEARCH_AUTH ?? (awsManaged ? 'sigv4' : s.CIS_OPENSEARCH_USERNAME ? 'basic' : 'none');
  return {
    endpoint: s.CIS_OPENSEARCH_URL.replace(/\/+$/, ''),
    index: s.CIS_OPENSEARCH_INDEX,
    statusIndex: s.CIS_OPENSEARCH_STATUS_INDEX ?? `${s.CIS_OPENSEARCH_INDEX}-status`,
    auth: openSearchAuth(authKind, s.CIS_OPENSEARCH_USERNAME, s.CIS_OPENSEARCH_PASSWORD, region, s.CIS_OPENSEARCH_SERVICE),
    analyzer: s.CIS_OPENSEARCH_ANALYZER,
    shards: s.CIS_OPENSEARCH_SHARDS ?? 4,
    replicas: s.CIS_OPENSEARCH_REPLICAS ?? 1,
    requestTimeoutMs: (s.CIS_OPENSEARCH_TIMEOUT_S ?? 60) * 1000,
  };
}

function openSearchAuth(
  kind: OpenSearchAuth['kind'],
  username: string | undefined,
  password: string | undefined,
  region: string | undefined,
  service: 'es' | 'aoss',
): OpenSearchAuth {
  switch (kind) {
    case 'none':
      return { kind };
    case 'basic':
      if (!username || password === undefined) {
        throw new ConfigError('invalid OpenSearch settings: CIS_OPENSEARCH_AUTH=basic needs CIS_OPENSEARCH_USERNAME and CIS_OPENSEARCH_PASSWORD');
      }
      return { kind, username, password };
    case 'sigv4':
      if (!region) throw new ConfigError('invalid OpenSearch settings: CIS_OPENSEARCH_AUTH=sigv4 needs AWS_REGION');
      return { kind, region, service };
  }
}
