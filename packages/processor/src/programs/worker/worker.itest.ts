import { BedrockControl } from '@cis/testbed';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { main } from '../cli/main';
import { fileId } from '../../core/ids';
import type { FailureListing } from '../cli/commands/failures';
import type { WorkerError } from './errors';
import { keyOf } from './failure-recorder';
import type { QueueMessage } from '../../core/queue';
import { queuesEmpty, REPO_ROOT, scenario, startInProcess, storedDocs, waitFor, type Scenario } from '../../../test/support/worker-harness';
import { deleteObject, putObject, queueCounts, sendBodies, sendMessages, uploadFiles, upsertMessagesFor } from '../../../test/support/s3-load';

const SAMPLES = join(REPO_ROOT, 'samples');
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/corpus/samples.manifest.json'), 'utf8')) as {
  entries: Array<{ path: string; expectedOutcome: string; expectedWords: string[] }>;
};
const expected = new Map(manifest.entries.map((e) => [e.path, e]));

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
}, 30_000);

/** Runs `cis failures --json` in this process against the scenario's queues and index. */
async function failuresListing(sc: Scenario): Promise<FailureListing[]> {
  const saved = { ...process.env };
  Object.assign(process.env, { CIS_QUEUE_URL: sc.queueUrl, CIS_DLQ_URL: sc.dlqUrl, CIS_OPENSEARCH_INDEX: sc.name, CIS_OPENSEARCH_URL: sc.tb.opensearchUrl });
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await main(['failures', '--json'])).toBe(0);
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  return (JSON.parse(out.join('')) as { failures: FailureListing[] }).failures;
}

describe('worker on the testbed (in process)', () => {
  it('indexes a mixed set of real files, keeps unreadable ones by metadata, and deletes every message', async () => {
    s = await scenario('happy', { env: { CIS_MAX_OBJECT_MB: '1' } });
    const files = ['請求書.pdf', 'invoice_scan.png', '業務委託契約書.docx', 'broken.pdf', 'encrypted.pdf', 'photo_landscape.jpg', '議事録.txt', '稟議書.xdw'];
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, files, s.prefix);
    // Same basename under another prefix: a separate object, a separate document.
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, ['請求書.pdf'], `${s.prefix}copy/`);
    await putObject(s.s3, s.tb.bucket, `${s.prefix}big.bin`, randomBytes(1_200_000));
    const messages = await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix);
    await sendMessages(s.sqs, s.queueUrl, messages);

    const { worker, done } = await startInProcess(s);
    const returned: WorkerError[] = [];
    worker.on('processing_error', (err) => returned.push(err));
    await waitFor('all messages handled', async () => (await queuesEmpty(s!)).queue === 0, 120_000);

    // A delete message removes the document of an object deleted from S3; one for an object S3
    // still holds (a forged or stale message) removes nothing.
    await deleteObject(s.s3, s.tb.bucket, `${s.prefix}copy/請求書.pdf`);
    await sendMessages(s.sqs, s.queueUrl, [
      { v: 1, op: 'delete', bucket: s.tb.bucket, key: `${s.prefix}copy/請求書.pdf` },
      { v: 1, op: 'delete', bucket: s.tb.bucket, key: `${s.prefix}議事録.txt` },
    ]);
    await waitFor('delete handled', async () => (await queuesEmpty(s!)).queue === 0);
    await worker.stop('test done');
    await done;

    const docs = await storedDocs(s);
    expect(returned).toEqual([]);
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
    expect([...docs.keys()].sort()).toEqual([...files.map((f) => s!.prefix + f), `${s.prefix}big.bin`].sort());
    for (const f of files) {
      const doc = docs.get(s.prefix + f)!;
      expect({ f, status: doc.status }).toEqual({ f, status: expected.get(f)!.expectedOutcome });
      expect(doc._id).toBe(fileId(s.prefix + f));
      for (const word of expected.get(f)!.expectedWords.slice(0, 2)) expect(doc.text.replace(/\s/g, '')).toContain(word.replace(/\s/g, ''));
    }
    expect(docs.get(`${s.prefix}broken.pdf`)!.reason).toMatch(/damaged/);
    expect(docs.get(`${s.prefix}encrypted.pdf`)!.reason).toMatch(/password/);
    expect(docs.get(`${s.prefix}big.bin`)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/over the 1 MiB download cap/), size: 1_200_000 });
    // Titan vectors (from the Bedrock stand-in) in the model's own field, for both images.
    for (const f of ['invoice_scan.png', 'photo_landscape.jpg']) {
      expect(docs.get(s.prefix + f)!.vector_amazon_titan_embed_image_v1_1024).toHaveLength(1024);
    }
    // The OCR'd words of the scan are searchable (kuromoji + bigrams).
    const hits = await s.index.search('Kestrel');
    expect(hits.map((h) => h.path)).toContain(`${s.prefix}invoice_scan.png`);
    const ja = await s.index.search('業務委託');
    expect(ja.map((h) => h.path)).toContain(`${s.prefix}業務委託契約書.docx`);
  }, 180_000);

  it('does not delete a document OpenSearch refuses: the message ends in the DLQ with its reason', async () => {
    s = await scenario('reject');
    // The index exists already with `size` as a short: files over 32767 bytes are refused.
    await s.index.client.indices.create({ index: s.name, body: { settings: { index: { knn: true } }, mappings: { properties: { size: { type: 'short' } } } } });
    await putObject(s.s3, s.tb.bucket, `${s.prefix}small.txt`, 'a small note about 見積書\n');
    await putObject(s.s3, s.tb.bucket, `${s.prefix}large.txt`, `${'見積書 '.repeat(8000)}\n`);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));

    const { worker, done } = await startInProcess(s);
    await waitFor('the refused message to reach the DLQ', async () => (await queuesEmpty(s!)).dlq === 1, 60_000);
    await worker.stop('test done');
    await done;

    const docs = await storedDocs(s);
    expect([...docs.keys()]).toEqual([`${s.prefix}small.txt`]);
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 1 });
    const listing = await failuresListing(s);
    expect(listing).toEqual([
      expect.objectContaining({
        key: `${s.prefix}large.txt`,
        stage: 'index',
        retryable: false,
        reason: expect.stringMatching(/OpenSearch refused the document: mapper_parsing_exception.*\[size\]/),
      }),
    ]);
  }, 90_000);

  it('sends malformed messages (bad JSON, no key, object gone) to the DLQ with reasons and keeps working', async () => {
    s = await scenario('malformed');
    await putObject(s.s3, s.tb.bucket, `${s.prefix}fine.txt`, 'still processed\n');
    const good = await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix);
    const base = { v: 1, op: 'upsert', bucket: s.tb.bucket, size: 10, etag: 'abc', lastModified: '2024-04-01T00:00:00Z' };
    await sendBodies(s.sqs, s.queueUrl, ['{"v":1,"op":"upsert",', JSON.stringify(base), JSON.stringify({ ...base, key: `${s.prefix}gone.pdf` })]);
    const { worker, done } = await startInProcess(s);
    await waitFor('three messages in the DLQ', async () => (await queuesEmpty(s!)).dlq === 3, 60_000);
    // The worker is still running: a message sent now is processed.
    await sendMessages(s.sqs, s.queueUrl, good);
    await waitFor('the good message processed', async () => (await queuesEmpty(s!)).queue === 0);
    await worker.stop('test done');
    await done;

    expect([...(await storedDocs(s)).keys()]).toEqual([`${s.prefix}fine.txt`]);
    const listing = await failuresListing(s);
    const reasons = listing.map((l) => `${l.stage}: ${l.reason}`).sort();
    expect(reasons).toEqual([
      `fetch: object not found: s3://${s.tb.bucket}/${s.prefix}gone.pdf (deleted after it was queued?)`,
      expect.stringMatching(/^parse: invalid message: key: /),
      expect.stringMatching(/^parse: message body is not JSON/),
    ]);
    expect(listing.every((l) => l.receiveCount >= 3)).toBe(true);
  }, 90_000);

  it('retries Bedrock throttling and loses nothing', async () => {
    const accessKeyId = `throttle-${process.pid}`;
    s = await scenario('throttle', { env: { AWS_ACCESS_KEY_ID: accessKeyId } });
    const bedrock = new BedrockControl();
    await bedrock.fail('throttle', 4, accessKeyId);
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, ['photo_landscape.jpg', 'photo_landscape_resized.jpg'], s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));

    // The SDK reads credentials from this process's environment.
    const savedKey = process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_ACCESS_KEY_ID = accessKeyId;
    try {
      const { worker, done } = await startInProcess(s);
      await waitFor('both images stored', async () => (await queuesEmpty(s!)).queue === 0, 90_000);
      await worker.stop('test done');
      await done;
    } finally {
      process.env.AWS_ACCESS_KEY_ID = savedKey;
    }
    const stats = await bedrock.stats(accessKeyId);
    expect(stats.throttled).toBe(4);
    expect(stats.ok).toBe(2);
    const docs = await storedDocs(s);
    expect(docs.size).toBe(2);
    for (const doc of docs.values()) {
      expect(doc.reason).toBeUndefined();
      expect(doc.vector_amazon_titan_embed_image_v1_1024).toHaveLength(1024);
    }
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
  }, 120_000);

  it('loses nothing while OpenSearch is unreachable for a while', async () => {
    s = await scenario('outage');
    const proxy = new TcpProxy(new URL(s.tb.opensearchUrl));
    await proxy.open();
    const { worker, done } = await startInProcess(s, { CIS_OPENSEARCH_URL: proxy.url });
    const returned: WorkerError[] = [];
    worker.on('processing_error', (err) => returned.push(err));
    let failedBulks = 0;
    worker.on('bulk', (e) => (failedBulks += e.retrying));

    await proxy.close();
    for (const n of [1, 2, 3]) await putObject(s.s3, s.tb.bucket, `${s.prefix}note-${n}.txt`, `note ${n}: 見積書 ${n}\n`);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    await waitFor('bulk requests failing', () => failedBulks > 0, 30_000);
    await proxy.open();
    await waitFor('all messages handled', async () => (await queuesEmpty(s!)).queue === 0, 60_000);
    await worker.stop('test done');
    await done;
    await proxy.close();

    expect(returned).toEqual([]);
    expect([...(await storedDocs(s)).keys()].sort()).toEqual([1, 2, 3].map((n) => `${s!.prefix}note-${n}.txt`));
    expect(await queuesEmpty(s)).toEqual({ queue: 0, dlq: 0 });
  }, 120_000);

  it('a file interrupted by more drains than maxReceiveCount is indexed once and never dead-lettered; a poison message still is', async () => {
    // maxReceiveCount 3 (the testbed's redrive policy); a long visibility: only releases bring messages back soon.
    s = await scenario('churn', { visibilityS: 120 });
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, ['見積書_スキャン.pdf'], s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    const received: QueueMessage[] = [];
    const drains = 4;
    for (let i = 0; i < drains; i++) {
      const { worker, done } = await startInProcess(s);
      worker.on('message_received', (m) => received.push(m));
      await new Promise<void>((r) => worker.once('message_received', () => r()));
      await worker.stop(`scale-in ${i + 1}`);
      await done;
    }
    // Every delivery so far was a fresh copy, first received: no receive spent on a drain.
    expect(received.map((m) => m.receiveCount)).toEqual(received.map(() => 1));
    expect(Math.max(...received.map((m) => m.releases))).toBeGreaterThanOrEqual(drains - 1);

    await sendBodies(s.sqs, s.queueUrl, ['{not json']);
    const { worker, done } = await startInProcess(s);
    const last: QueueMessage[] = [];
    worker.on('message_processed', (m) => last.push(m));
    await waitFor('the file indexed and the poison message in the DLQ', async () => {
      const q = await queuesEmpty(s!);
      return q.queue === 0 && q.dlq === 1;
    }, 90_000);
    await worker.stop('test done');
    await done;
    expect(last.map((m) => keyOf(m))).toEqual([`${s.prefix}見積書_スキャン.pdf`]);
    expect(last[0].releases).toBeGreaterThanOrEqual(drains);
    const docs = await storedDocs(s);
    expect([...docs.keys()]).toEqual([`${s.prefix}見積書_スキャン.pdf`]);
    const listing = await failuresListing(s);
    expect(listing).toHaveLength(1);
    expect(listing[0].stage).toBe('parse');
    expect(listing[0].receiveCount).toBeGreaterThanOrEqual(3);
    expect(listing[0].reason).toMatch(/JSON/);
  }, 180_000);

  it('initial-load mode sets refresh 30 s and no replicas; cis index-settings --restore puts them back', async () => {
    s = await scenario('initial', { env: { CIS_INITIAL_LOAD: 'true', CIS_OPENSEARCH_REPLICAS: '1' } });
    const { worker, done } = await startInProcess(s);
    const settings = async () => {
      const res = await s!.index.client.indices.getSettings({ index: s!.name, flat_settings: true });
      // Keyed by the concrete index behind the name (its alias).
      const flat = (res.body as Record<string, { settings: Record<string, string> }>)[`${s!.name}-v1`].settings;
      return { refresh: flat['index.refresh_interval'], replicas: flat['index.number_of_replicas'] };
    };
    expect(await settings()).toEqual({ refresh: '30s', replicas: '0' });
    await worker.stop('test done');
    await done;

    const saved = { ...process.env };
    Object.assign(process.env, { CIS_OPENSEARCH_INDEX: s.name, CIS_OPENSEARCH_URL: s.tb.opensearchUrl, CIS_OPENSEARCH_REPLICAS: '1' });
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['index-settings', '--restore'])).toBe(0);
    } finally {
      write.mockRestore();
      process.env = saved;
    }
    // Default refresh (the setting removed) and the normal replica count (the single test node leaves it unassigned).
    expect(await settings()).toEqual({ refresh: undefined, replicas: '1' });
  }, 60_000);

  it('drains on a Spot interruption notice from IMDSv2, releasing the file in progress', async () => {
    s = await scenario('spot', { visibilityS: 300 });
    const imds = await fakeImds();
    await uploadFiles(s.s3, s.tb.bucket, SAMPLES, ['見積書_スキャン.pdf'], s.prefix);
    await sendMessages(s.sqs, s.queueUrl, await upsertMessagesFor(s.s3, s.tb.bucket, s.prefix));
    const { worker, done } = await startInProcess(s, { CIS_SPOT_POLL: 'true', CIS_IMDS_ENDPOINT: imds.url, CIS_SPOT_POLL_S: '0.2' });
    const released: string[] = [];
    worker.on('message_released', (m) => released.push(keyOf(m) ?? m.messageId));
    await new Promise<void>((r) => worker.once('message_received', () => r()));
    imds.action = JSON.stringify({ action: 'terminate', time: new Date(Date.now() + 120_000).toISOString() });
    await done;
    await imds.close();
    // Released at once (as a copy); if the worker's last long poll was still open, it may have been
    // handed the copy back once more, and released it again.
    expect(new Set(released).size).toBe(1);
    // Visible again, not after the 300 s visibility timeout.
    expect(await queueCounts(s.sqs, s.queueUrl)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  }, 90_000);
});

/** Forwards TCP to a target; close() refuses new connections and cuts open ones, open() resumes on the same port. */
class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: this.target.hostname, port: Number(this.target.port) });
      for (const sock of [client, upstream]) {
        this.sockets.add(sock);
        sock.on('close', () => this.sockets.delete(sock));
        sock.on('error', () => sock.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const sock of this.sockets) sock.destroy();
    await new Promise((r) => this.server?.close(r));
  }
}

async function fakeImds(): Promise<{ url: string; action?: string; close(): Promise<void> }> {
  const state: { url: string; action?: string; close(): Promise<void> } = { url: '', close: async () => {} };
  const server: HttpServer = createHttpServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'token') return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/instance-id') return void res.end('i-0123456789abcdef0');
    if (req.url === '/latest/meta-data/spot/instance-action' && state.action) return void res.end(state.action);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
