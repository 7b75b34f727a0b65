import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BedrockControl, uniqueName } from '@cis/testbed';
import { createServer } from 'node:net';
import { BedrockImageEmbedder, createBedrockClient } from '../../adapters/bedrock/bedrock-embedder';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { OpenSearchIndex } from '../../adapters/opensearch/opensearch-index';
import { OpenSearchFailureStore } from '../../adapters/opensearch/opensearch-status';
import { workerSettings } from '../../config/worker';
import { log } from '../../core/log';
import { ChildWorker, scenario, type Scenario } from '../../../test/support/worker-harness';
import { queueCounts, sendBodies } from '../../../test/support/s3-load';
import { checkWorkerDependencies, StartupCheckError } from './startup-check';

/** The worker's start-up check against the testbed: real servers, and real closed ports. */

let s: Scenario | undefined;
let children: ChildWorker[] = [];
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  await s?.close();
  s = undefined;
});

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

/**
 * The check as run.ts wires it, for the settings of `env` on top of the scenario's. `accessKeyId`
 * signs the requests (the Bedrock stand-in keeps its catalogue per key): the SDK reads it from
 * process.env, as on an instance.
 */
async function check(sc: Scenario, env: NodeJS.ProcessEnv, accessKeyId: string) {
  const saved = process.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_ACCESS_KEY_ID = accessKeyId;
  const settings = workerSettings({ ...sc.env, ...env });
  const sqs = new SQSClient({ region: settings.region });
  const s3 = new S3Client({ region: settings.region, forcePathStyle: settings.s3ForcePathStyle });
  const client = createOpenSearchClient(settings.opensearch);
  const embedder = settings.bedrock.embedImages
    ? new BedrockImageEmbedder(createBedrockClient({ region: settings.bedrock.region, concurrency: 1 }), settings.bedrock)
    : undefined;
  const index = new OpenSearchIndex(client, { index: settings.opensearch.index, shards: 1, replicas: 0, analyzer: 'auto', vectorModels: [] });
  try {
    return await checkWorkerDependencies(
      { settings, sqs, s3, index, failures: new OpenSearchFailureStore(client, settings.opensearch.statusIndex), embedder },
      log.child({ test: sc.name }),
    );
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved;
    sqs.destroy();
    s3.destroy();
    embedder?.close();
    await client.close();
  }
}

describe('worker start-up check (testbed)', () => {
  it('a worker whose queue URL points at a closed port exits 2 within 30 s, naming the queue and CIS_QUEUE_URL', async () => {
    s = await scenario('startup-queue');
    const badQueue = withPort(s.queueUrl, await closedPort());
    const started = Date.now();
    const child = new ChildWorker({ ...s.env, CIS_QUEUE_URL: badQueue });
    children.push(child);
    const { code } = await child.exited;
    const tookMs = Date.now() - started;
    const report = await child.exitReport();
    expect(code).toBe(2);
    expect(tookMs).toBeLessThan(30_000);
    expect(report.stderrTail).toContain(`cis: start-up check failed: queue (CIS_QUEUE_URL=${badQueue}): `);
    expect(report.stderrTail).toMatch(/ECONNREFUSED/);
    // Only the queue failed; the others were checked and answered.
    expect(child.logs('start-up check failed').map((l) => l.dependency)).toEqual(['queue']);
  }, 60_000);

  it('a worker whose bucket does not exist exits 2 naming CIS_BUCKET, and leaves the queued message untouched', async () => {
    s = await scenario('startup-bucket');
    await sendBodies(s.sqs, s.queueUrl, ['{"v":1,"op":"delete","bucket":"x","key":"y"}']);
    const bucket = uniqueName('no-such-bucket');
    const child = new ChildWorker({ ...s.env, CIS_BUCKET: bucket });
    children.push(child);
    expect((await child.exited).code).toBe(2);
    expect((await child.exitReport()).stderrTail).toContain(`cis: start-up check failed: bucket (CIS_BUCKET=${bucket}): NotFound`);
    expect(await queueCounts(s.sqs, s.queueUrl)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  }, 60_000);

  it('names an unreachable index, a model the region does not offer and denied model access, each with its settings', async () => {
    s = await scenario('startup-many');
    const key = uniqueName('akid');
    const control = new BedrockControl();
    const opensearchUrl = withPort(s.tb.opensearchUrl, await closedPort()).replace(/\/$/, '');
    try {
      await control.catalogue({ regions: ['us-east-1'] }, key);
      const err = (await check(s, { CIS_OPENSEARCH_URL: opensearchUrl, CIS_BEDROCK_REGION: 'ap-northeast-1' }, key).catch((e: unknown) => e)) as StartupCheckError;
      expect(err).toBeInstanceOf(StartupCheckError);
      expect(err.failures.map((f) => [f.name, Object.fromEntries(f.settings)])).toEqual([
        ['index', { CIS_OPENSEARCH_URL: opensearchUrl, CIS_OPENSEARCH_INDEX: s.name }],
        ['Bedrock', { CIS_BEDROCK_REGION: 'ap-northeast-1', CIS_BEDROCK_MODEL_ID: 'amazon.titan-embed-image-v1' }],
      ]);
      expect(err.failures[1]!.reason).toBe('ValidationException: The provided model identifier is invalid. (HTTP 400)');

      await control.catalogue({ regions: null, authorized: false }, key);
      const denied = (await check(s, {}, key).catch((e: unknown) => e)) as StartupCheckError;
      expect(denied.message).toMatch(/^start-up check failed: Bedrock \(CIS_BEDROCK_REGION=us-east-1, CIS_BEDROCK_MODEL_ID=amazon\.titan-embed-image-v1\): AccessDeniedException: /);
    } finally {
      await control.reset(key);
    }
  }, 60_000);

  it('passes against a working testbed, creating the index and its template, with one small Bedrock request', async () => {
    s = await scenario('startup-ok');
    const key = uniqueName('akid');
    const prepared = await check(s, {}, key);
    expect(prepared).toMatchObject({ templateWritten: true, indexCreated: true });
    expect((await s.index.client.indices.exists({ index: s.name })).body).toBe(true);
    expect((await s.index.client.indices.exists({ index: `${s.name}-status` })).body).toBe(true);
    expect(await new BedrockControl().stats(key)).toMatchObject({ requests: 1, ok: 1 });
  }, 60_000);

  it('starts when Bedrock throttles (a busy account answered) and tries server faults again', async () => {
    s = await scenario('startup-busy');
    const key = uniqueName('akid');
    const control = new BedrockControl();
    try {
      await control.fail('throttle', 1, key);
      await check(s, {}, key);
      expect(await control.stats(key)).toMatchObject({ requests: 1, throttled: 1 });
      await control.reset(key);
      await control.fail('unavailable', 2, key);
      await check(s, {}, key);
      expect(await control.stats(key)).toMatchObject({ requests: 3, failed: 2, ok: 1 });
    } finally {
      await control.reset(key);
    }
  }, 60_000);
});
