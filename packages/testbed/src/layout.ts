import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Artifacts } from './artifacts';

/** Fixed names of the resources every testbed starts with. */
export const RESOURCES = {
  region: 'us-east-1',
  accountId: '000000000000',
  bucket: 'cis-source',
  queue: 'cis-ingest',
  dlq: 'cis-ingest-dlq',
  maxReceiveCount: 3,
  visibilityTimeoutS: 30,
} as const;

export const SERVER_NAMES = ['opensearch', 'elasticmq', 's3mock'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

export interface Ports {
  opensearchHttp: number;
  opensearchTransport: number;
  sqs: number;
  s3: number;
  /** S3Mock always opens an HTTPS connector too; nothing uses it. */
  s3Tls: number;
  bedrock: number;
}

/** What `up` hands the keeper process. */
export interface KeeperConfig {
  runDir: string;
  /** Stop when this process ends (the jest run); absent for `pnpm testbed up`. */
  ownerPid?: number;
  /** Remove the whole run directory on a clean stop (per-run directories of jest). */
  ephemeral: boolean;
  ports: Ports;
  artifacts: Artifacts;
  java: string;
  opensearchHeapMb: number;
  startTimeoutMs: number;
}

export interface Endpoints {
  region: string;
  opensearchUrl: string;
  sqsUrl: string;
  s3Url: string;
  bedrockUrl: string;
  bedrockControlUrl: string;
  queueUrl: string;
  dlqUrl: string;
  bucket: string;
}

/** The keeper's account of itself, rewritten at each change of phase. */
export interface TestbedState {
  keeperPid: number;
  phase: 'starting' | 'ready' | 'failed';
  failure?: string;
  startedAt: string;
  readyAt?: string;
  endpoints: Endpoints;
  servers: { name: ServerName; pid: number }[];
}

/** Files of one testbed run directory. */
export function runFiles(runDir: string) {
  return {
    config: join(runDir, 'config.json'),
    state: join(runDir, 'state.json'),
    env: join(runDir, 'env'),
    logs: join(runDir, 'logs'),
    data: join(runDir, 'data'),
  };
}

export function endpointsFor(ports: Ports): Endpoints {
  const sqsUrl = `http://127.0.0.1:${ports.sqs}`;
  const bedrockUrl = `http://127.0.0.1:${ports.bedrock}`;
  return {
    region: RESOURCES.region,
    opensearchUrl: `http://127.0.0.1:${ports.opensearchHttp}`,
    sqsUrl,
    s3Url: `http://127.0.0.1:${ports.s3}`,
    bedrockUrl,
    bedrockControlUrl: `${bedrockUrl}/_testbed`,
    queueUrl: `${sqsUrl}/${RESOURCES.accountId}/${RESOURCES.queue}`,
    dlqUrl: `${sqsUrl}/${RESOURCES.accountId}/${RESOURCES.dlq}`,
    bucket: RESOURCES.bucket,
  };
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined; // being rewritten; the caller polls again
  }
}

/** Write-then-rename, so a reader never sees half a file. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2));
  await rename(tmp, path);
}
