import { z } from 'zod';
import { BEDROCK_DIMENSIONS, WORKER_DEFAULTS, WORKER_ENV } from '../contract';
import { ConfigError } from '../core/errors';
import { extractionSettings, type ExtractionSettings } from './extraction';
import { optionalBoolean, optionalNumber, parseSettings } from './parse';

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
  /** Region of the Bedrock endpoint: CIS_BEDROCK_REGION, else the worker's own (AWS_REGION). */
  region?: string;
  modelId: string;
  dimensions: (typeof BEDROCK_DIMENSIONS)[number];
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
    /** Releases per file by fresh copy (not counted as receives); later ones are visibility 0. */
    maxFreeReleases: number;
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
const V = WORKER_ENV;
const D = WORKER_DEFAULTS;

const bool = optionalBoolean;

const url = z.url({ message: 'expected an http(s) URL' });
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const openSearchSchema = z.object({
  [V.region]: optionalString,
  [V.defaultRegion]: optionalString,
  [V.opensearchUrl]: z.string({ message: 'required: the OpenSearch endpoint, e.g. https://search-x.ap-northeast-1.es.amazonaws.com' }).pipe(url),
  [V.opensearchIndex]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case OpenSearch index name')
    .default(D.opensearchIndex),
  [V.opensearchStatusIndex]: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case OpenSearch index name')
    .optional(),
  [V.opensearchAuth]: z.enum(['none', 'basic', 'sigv4']).optional(),
  [V.opensearchUsername]: optionalString,
  [V.opensearchPassword]: optionalString,
  [V.opensearchService]: z.enum(['es', 'aoss']).default(D.opensearchService),
  [V.opensearchAnalyzer]: z.enum(['auto', 'kuromoji', 'cjk']).default(D.opensearchAnalyzer),
  [V.opensearchShards]: optionalNumber(z.number().int().min(1).max(1024)),
  [V.opensearchReplicas]: optionalNumber(z.number().int().min(0).max(15)),
  [V.opensearchTimeoutSeconds]: optionalNumber(z.number().positive().max(600)),
});

const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'expected an AWS region such as us-east-1');

const bedrockSchema = z.object({
  [V.embedImages]: bool,
  [V.bedrockRegion]: z.preprocess((v) => (v === '' ? undefined : v), awsRegion.optional()),
  [V.region]: optionalString,
  [V.defaultRegion]: optionalString,
  [V.bedrockModelId]: z.string().min(1).default(D.bedrockModelId),
  [V.bedrockDimensions]: z
    .enum(
      BEDROCK_DIMENSIONS.map((d) => `${d}` as const),
      { message: `expected ${BEDROCK_DIMENSIONS.slice(0, -1).join(', ')} or ${BEDROCK_DIMENSIONS.at(-1)}` },
    )
    .default(`${D.bedrockDimensions}`),
  [V.bedrockRps]: optionalNumber(z.number().positive().max(10_000)),
  [V.bedrockConcurrency]: optionalNumber(z.number().int().min(1).max(1000)),
  [V.bedrockTimeoutSeconds]: optionalNumber(z.number().positive().max(600)),
  [V.bedrockMaxAttempts]: optionalNumber(z.number().int().min(1).max(20)),
});

const schema = z.object({
  [V.queueUrl]: z.string({ message: 'required: the SQS queue URL to read file messages from' }).pipe(url),
  [V.dlqUrl]: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  [V.bucket]: z.string({ message: 'required: the S3 bucket the messages refer to' }).min(3).max(63),
  [V.region]: optionalString,
  [V.defaultRegion]: optionalString,
  [V.endpointUrl]: optionalString,
  [V.s3EndpointUrl]: optionalString,
  [V.s3ForcePathStyle]: bool,

  [V.filesInFlight]: optionalNumber(z.number().int().min(1).max(1000)),
  [V.prefetch]: optionalNumber(z.number().int().min(0).max(100)),
  [V.receiveBatch]: optionalNumber(z.number().int().min(1).max(10)),
  [V.receiveWaitSeconds]: optionalNumber(z.number().int().min(0).max(20)),
  [V.visibilityTimeoutSeconds]: optionalNumber(z.number().int().min(2).max(43_200)),
  [V.heartbeatMarginSeconds]: optionalNumber(z.number().min(1)),
  [V.retryDelaySeconds]: optionalNumber(z.number().int().min(0).max(43_200)),
  [V.maxFreeReleases]: optionalNumber(z.number().int().min(0).max(1000)),
  [V.fileTimeoutSeconds]: optionalNumber(z.number().positive()),

  [V.bulkMb]: optionalNumber(z.number().min(1).max(100)),
  [V.bulkLingerMs]: optionalNumber(z.number().int().min(0).max(60_000)),
  [V.indexRetrySeconds]: optionalNumber(z.number().min(0)),

  [V.downloadPartMb]: optionalNumber(z.number().min(1).max(1024)),
  [V.downloadParallel]: optionalNumber(z.number().int().min(1).max(64)),
  [V.downloadRangedMinMb]: optionalNumber(z.number().min(1)),
  [V.maxObjectMb]: optionalNumber(z.number().positive()),
  [V.tempDir]: optionalString,

  [V.initialLoad]: bool,
  [V.reprocess]: bool,
  [V.spotPoll]: bool,
  [V.imdsEndpoint]: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  [V.ec2MetadataEndpoint]: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  [V.spotPollSeconds]: optionalNumber(z.number().positive().max(60)),
  [V.drainDeadlineSeconds]: optionalNumber(z.number().positive().max(3600)),
  [V.metrics]: bool,
  [V.metricsIntervalSeconds]: optionalNumber(z.number().positive().max(3600)),
  [V.instanceId]: optionalString,
  [V.autoScalingGroupName]: optionalString,
});

/**
 * Settings of the AWS-mode worker, from the environment, validated once at start-up.
 * docs/worker.md lists every variable with its default and an example; the names and the
 * defaults infra relies on are the contract's (contract/worker-environment.ts).
 */
export function workerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const extraction = extractionSettings(env);
  const opensearch = openSearchSettings(env);
  const bedrock = bedrockSettings(env);
  const s = parseSettings(schema, env, 'worker settings');
  const region = s[V.region] ?? s[V.defaultRegion];

  const visibilitySeconds = s[V.visibilityTimeoutSeconds] ?? D.visibilityTimeoutSeconds;
  const heartbeatMarginSeconds = s[V.heartbeatMarginSeconds] ?? Math.min(120, visibilitySeconds / 3);
  if (heartbeatMarginSeconds >= visibilitySeconds) {
    throw new ConfigError(
      `invalid worker settings: ${V.heartbeatMarginSeconds} (${heartbeatMarginSeconds}) must be less than ${V.visibilityTimeoutSeconds} (${visibilitySeconds})`,
    );
  }
  const partBytes = (s[V.downloadPartMb] ?? D.downloadPartMb) * MiB;
  const filesInFlight = s[V.filesInFlight] ?? 2 * extraction.ocr.threads;
  const s3Endpoint = s[V.s3EndpointUrl] ?? s[V.endpointUrl];
  const maxObjectMb = s[V.maxObjectMb];

  return {
    queueUrl: s[V.queueUrl],
    dlqUrl: s[V.dlqUrl],
    bucket: s[V.bucket],
    region,
    // Virtual-hosted addressing needs DNS for <bucket>.<endpoint>; local S3 servers only answer path-style.
    s3ForcePathStyle: s[V.s3ForcePathStyle] ?? (s3Endpoint !== undefined && !/amazonaws\.com/.test(s3Endpoint)),
    opensearch,
    queue: {
      receiveBatch: s[V.receiveBatch] ?? D.receiveBatch,
      waitSeconds: s[V.receiveWaitSeconds] ?? D.receiveWaitSeconds,
      visibilitySeconds,
      heartbeatMarginSeconds,
      retryDelaySeconds: s[V.retryDelaySeconds] ?? D.retryDelaySeconds,
      maxFreeReleases: s[V.maxFreeReleases] ?? D.maxFreeReleases,
    },
    filesInFlight,
    prefetch: s[V.prefetch] ?? Math.min(10, filesInFlight),
    fileTimeoutMs: (s[V.fileTimeoutSeconds] ?? D.fileTimeoutSeconds) * 1000,
    bulk: {
      maxBytes: Math.round((s[V.bulkMb] ?? D.bulkMb) * 1_000_000),
      lingerMs: s[V.bulkLingerMs] ?? D.bulkLingerMs,
      retryBudgetMs: (s[V.indexRetrySeconds] ?? D.indexRetrySeconds) * 1000,
    },
    download: {
      partBytes,
      parallel: s[V.downloadParallel] ?? D.downloadParallel,
      rangedMinBytes: Math.max(partBytes, (s[V.downloadRangedMinMb] ?? D.downloadRangedMinMb) * MiB),
      maxObjectBytes: maxObjectMb !== undefined ? Math.round(maxObjectMb * MiB) : extraction.limits.maxFileBytes,
      tempRoot: s[V.tempDir],
    },
    bedrock,
    initialLoad: s[V.initialLoad] ?? D.initialLoad,
    reprocess: s[V.reprocess] ?? D.reprocess,
    spot: {
      enabled: s[V.spotPoll] ?? D.spotPoll,
      imdsEndpoint: (s[V.imdsEndpoint] ?? s[V.ec2MetadataEndpoint] ?? D.imdsEndpoint).replace(/\/+$/, ''),
      pollMs: (s[V.spotPollSeconds] ?? D.spotPollSeconds) * 1000,
    },
    drainDeadlineMs: (s[V.drainDeadlineSeconds] ?? D.drainDeadlineSeconds) * 1000,
    metrics: {
      enabled: s[V.metrics] ?? D.metrics,
      intervalMs: (s[V.metricsIntervalSeconds] ?? D.metricsIntervalSeconds) * 1000,
      instanceId: s[V.instanceId],
      autoScalingGroupName: s[V.autoScalingGroupName],
    },
    extraction,
  };
}

/** Bedrock Titan image embeddings: the worker's, and `cis similar --opensearch` for its query image. */
export function bedrockSettings(env: NodeJS.ProcessEnv = process.env): BedrockSettings {
  const s = parseSettings(bedrockSchema, env, 'Bedrock settings');
  return {
    embedImages: s[V.embedImages] ?? D.embedImages,
    region: s[V.bedrockRegion] ?? s[V.region] ?? s[V.defaultRegion],
    modelId: s[V.bedrockModelId],
    dimensions: Number(s[V.bedrockDimensions]) as BedrockSettings['dimensions'],
    requestsPerSecond: s[V.bedrockRps] ?? D.bedrockRps,
    concurrency: s[V.bedrockConcurrency] ?? D.bedrockConcurrency,
    timeoutMs: (s[V.bedrockTimeoutSeconds] ?? D.bedrockTimeoutSeconds) * 1000,
    maxAttempts: s[V.bedrockMaxAttempts] ?? D.bedrockMaxAttempts,
  };
}

/** OpenSearch connection and index settings alone (`cis index-settings`, `cis failures` need no queue or bucket). */
export function openSearchSettings(env: NodeJS.ProcessEnv = process.env): OpenSearchSettings {
  const s = parseSettings(openSearchSchema, env, 'OpenSearch settings');
  const region = s[V.region] ?? s[V.defaultRegion];
  const host = new URL(s[V.opensearchUrl]).hostname;
  const awsManaged = /\.(es|aoss)\.amazonaws\.com(\.cn)?$/.test(host);
  const username = s[V.opensearchUsername];
  const authKind = s[V.opensearchAuth] ?? (awsManaged ? 'sigv4' : username ? 'basic' : 'none');
  return {
    endpoint: s[V.opensearchUrl].replace(/\/+$/, ''),
    index: s[V.opensearchIndex],
    statusIndex: s[V.opensearchStatusIndex] ?? `${s[V.opensearchIndex]}-status`,
    auth: openSearchAuth(authKind, username, s[V.opensearchPassword], region, s[V.opensearchService]),
    analyzer: s[V.opensearchAnalyzer],
    shards: s[V.opensearchShards] ?? D.opensearchShards,
    replicas: s[V.opensearchReplicas] ?? D.opensearchReplicas,
    requestTimeoutMs: (s[V.opensearchTimeoutSeconds] ?? D.opensearchTimeoutSeconds) * 1000,
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
        throw new ConfigError(`invalid OpenSearch settings: ${V.opensearchAuth}=basic needs ${V.opensearchUsername} and ${V.opensearchPassword}`);
      }
      return { kind, username, password };
    case 'sigv4':
      if (!region) throw new ConfigError(`invalid OpenSearch settings: ${V.opensearchAuth}=sigv4 needs ${V.region}`);
      return { kind, region, service };
  }
}
