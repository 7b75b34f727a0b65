import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createQueuePair, testbedEnv, uniqueName, type TestbedEnv } from '@cis/testbed';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { workerSettings } from '../../src/config/worker';
import { createOpenSearchClient } from '../../src/adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../../src/adapters/opensearch/opensearch-index';
import { OpenSearchFailureStore } from '../../src/adapters/opensearch/opensearch-status';
import { log } from '../../src/core/log';
import { startWorker, type RunningWorker } from '../../src/programs/worker/run';
import { queueCounts } from './s3-load';

export const REPO_ROOT = resolve(__dirname, '../../../..');

/** One test's own queue pair, index, status index and key prefix on the shared testbed. */
export interface Scenario {
  name: string;
  tb: TestbedEnv;
  queueUrl: string;
  dlqUrl: string;
  prefix: string;
  index: OpenSearchIndex;
  failures: OpenSearchFailureStore;
  sqs: SQSClient;
  s3: S3Client;
  /** The worker's environment: the testbed's variables plus this scenario's resources. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * Short timings so redelivery and drains take seconds: visibility `visibilityS`, heartbeat at
 * a third of it, retries after 1 s × receive count, bulk requests after 100 ms.
 */
export async function scenario(label: string, opts: { visibilityS?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Scenario> {
  const tb = testbedEnv();
  const name = uniqueName(label);
  const sqs = new SQSClient(awsClientConfig('sqs'));
  const s3 = new S3Client({ ...awsClientConfig('s3'), forcePathStyle: true });
  const visibilityS = opts.visibilityS ?? 10;
  const { queueUrl, dlqUrl } = await createQueuePair(sqs, name, { visibilityTimeoutS: visibilityS });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CIS_QUEUE_URL: queueUrl,
    CIS_DLQ_URL: dlqUrl,
    CIS_BUCKET: tb.bucket,
    CIS_OPENSEARCH_URL: tb.opensearchUrl,
    CIS_OPENSEARCH_INDEX: name,
    CIS_OPENSEARCH_SHARDS: '1',
    CIS_OPENSEARCH_REPLICAS: '0',
    CIS_VISIBILITY_TIMEOUT_S: String(visibilityS),
    CIS_HEARTBEAT_MARGIN_S: String(Math.max(1, Math.floor(visibilityS / 3))),
    CIS_RECEIVE_WAIT_S: '1',
    CIS_RETRY_DELAY_S: '1',
    CIS_BULK_LINGER_MS: '100',
    CIS_SPOT_POLL: 'false',
    CIS_METRICS_INTERVAL_S: '5',
    AWS_EMF_ENVIRONMENT: 'Local',
    CIS_OCR_THREADS: '2',
    ...opts.env,
  };
  const client = createOpenSearchClient({ endpoint: tb.opensearchUrl, auth: { kind: 'none' }, requestTimeoutMs: 30_000 });
  const index = new OpenSearchIndex(client, { index: name, shards: 1, replicas: 0, analyzer: 'auto', vectorModels: [] });
  const failures = new OpenSearchFailureStore(client, `${name}-status`);
  return {
    name,
    tb,
    queueUrl,
    dlqUrl,
    prefix: `${name}/`,
    index,
    failures,
    sqs,
    s3,
    env,
    close: async () => {
      await client.indices.delete({ index: `${name}*` }).catch(() => {});
      await client.indices.deleteIndexTemplate({ name: `${name}-template` }).catch(() => {});
      await client.close();
      sqs.destroy();
      s3.destroy();
    },
  };
}

/** The worker in this process, configured from the scenario's environment. */
export async function startInProcess(s: Scenario, env: NodeJS.ProcessEnv = {}): Promise<RunningWorker> {
  return startWorker(workerSettings({ ...s.env, ...env }), log.child({ test: s.name }));
}

/** `node --import tsx packages/processor/src/programs/cli/main.ts worker` in its own process group (as systemd runs it, in its own cgroup). */
export class ChildWorker {
  readonly proc: ChildProcess;
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** How it exited, once it has (synchronously readable, unlike `exited`). */
  exitedWith: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    // One node process, as on the fleet (`node cis.js worker`). Not the tsx launcher: it relays a
    // signal to its child and, when the child's busy main thread has not acknowledged it within
    // 2 × 30 ms, SIGKILLs the child and exits 143 itself, which is tsx's behaviour, not the worker's.
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'packages/processor/src/programs/cli/main.ts', 'worker'], {
      cwd: REPO_ROOT,
      // The tests read its JSON logs, whatever level the test run itself logs at.
      env: { ...env, CIS_LOG_LEVEL: 'info' },
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let partial = '';
    this.proc.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      this.stderr.push(...lines);
    });
    this.exited = new Promise((done) =>
      this.proc.on('exit', (code, signal) => {
        this.exitedWith = { code, signal, at: Date.now() };
        done(this.exitedWith);
      }),
    );
  }

  /** Signals the whole group: the worker process and anything it started. */
  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(-(this.proc.pid ?? 0), signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  /** How it ended, with the end of its stderr unless it exited 0: a failing expectation shows why. */
  async exitReport(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderrTail: string }> {
    const { code, signal } = await this.exited;
    return { code, signal, stderrTail: code === 0 ? '' : this.stderr.slice(-40).join('\n') };
  }

  /** Structured log lines with this message. */
  logs(msg: string): Array<Record<string, unknown>> {
    return this.stderr
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === msg);
  }
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await delay(everyMs);
  }
}

/** Every stored document of the scenario's index (refreshed first), by path. */
export async function storedDocs(s: Scenario): Promise<Map<string, Record<string, any>>> {
  await s.index.refresh();
  const res = await s.index.client.search({ index: s.name, body: { size: 1000, query: { match_all: {} } } });
  const out = new Map<string, Record<string, any>>();
  for (const h of res.body.hits.hits as Array<{ _id: string; _source: Record<string, any> }>) out.set(h._source.path, { _id: h._id, ...h._source });
  return out;
}

/** True when neither the queue nor its DLQ holds a message. */
export async function queuesEmpty(s: Scenario): Promise<{ queue: number; dlq: number }> {
  const q = await queueCounts(s.sqs, s.queueUrl);
  const d = await queueCounts(s.sqs, s.dlqUrl);
  return { queue: q.visible + q.inFlight + q.delayed, dlq: d.visible + d.inFlight + d.delayed };
}
