import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, createQueuePair, testbedEnv, uniqueName } from '@cis/testbed';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main';
import { parseFileMessage, type FileMessage } from '../../core/file-message';
import { sqsSendBatch, type SendBatch } from './batch-sender';
import { Manifest } from './manifest';
import { runScan, ScanAbortedError, type ScanSettings, type ScanSummary } from './run-scan';

const tb = testbedEnv();
const sqs = new SQSClient(awsClientConfig('sqs'));
const s3 = new S3Client(awsClientConfig('s3'));
const MiB = 1024 * 1024;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cis-scan-itest-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  sqs.destroy();
  s3.destroy();
});

/** A fresh queue, key prefix and manifest path for one test. */
async function fixture(name: string) {
  const id = uniqueName(name);
  const { queueUrl } = await createQueuePair(sqs, id, { visibilityTimeoutS: 300 });
  return { queueUrl, prefix: `${id}/`, manifestPath: join(work, `${id}.sqlite`) };
}

function s3Settings(f: { queueUrl: string; prefix: string; manifestPath: string }, extra: Partial<ScanSettings> = {}): ScanSettings {
  return {
    target: { kind: 's3', bucket: tb.bucket, prefix: f.prefix },
    queueUrl: f.queueUrl,
    manifestPath: f.manifestPath,
    full: false,
    dryRun: false,
    concurrency: 4,
    partBytes: 16 * MiB,
    ...extra,
  };
}

async function put(key: string, body: string | Buffer): Promise<string> {
  const out = await s3.send(new PutObjectCommand({ Bucket: tb.bucket, Key: key, Body: Buffer.from(body) }));
  return (out.ETag ?? '').replace(/"/g, '');
}

/**
 * Every message on the queue, each body checked with the worker's parser. Receives until
 * `expected` arrived, then once more to show nothing else is there (a short poll is exact on
 * ElasticMQ: an accepted message is visible at once).
 */
async function drain(queueUrl: string, expected: number): Promise<FileMessage[]> {
  const out: FileMessage[] = [];
  for (let empty = 0; out.length < expected || empty < 1; ) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: out.length < expected ? 2 : 0 }));
    const msgs = r.Messages ?? [];
    if (msgs.length === 0) {
      empty++;
      if (out.length < expected && empty > 3) break;
      continue;
    }
    for (const m of msgs) {
      const parsed = parseFileMessage(m.Body);
      if (!parsed.ok) throw new Error(`message fails the worker's parser: ${parsed.reason}: ${m.Body}`);
      out.push(parsed.message);
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.op < b.op ? -1 : 1));
}

const brief = (m: FileMessage) => (m.op === 'upsert' ? `upsert ${m.key} ${m.etag} ${m.size}` : `delete ${m.key}`);

async function withCapturedOutput(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) => (c: string | Uint8Array) => {
    into.push(String(c));
    return true;
  };
  const w1 = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const w2 = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  try {
    const code = await fn();
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    w1.mockRestore();
    w2.mockRestore();
  }
}

describe('cis scan on the testbed', () => {
  it('S3 mode: the first run enqueues every object, the next only what changed, with deletes as delete messages', async () => {
    const f = await fixture('scan-s3');
    const etags: Record<string, string> = {};
    for (const name of ['a.pdf', 'b/c.txt', 'b/見積書.pdf', 'd.png', 'e.docx']) etags[name] = await put(`${f.prefix}${name}`, `content of ${name}`);
    await put(`${f.prefix}empty-folder/`, ''); // a console "folder": not a file
    await put(`${uniqueName('outside')}/x.txt`, 'not under the prefix');

    const first = await runScan({ s3, sqs }, s3Settings(f));
    expect(first).toMatchObject({ listed: 5, new: 5, changed: 0, unchanged: 0, deleted: 0, enqueued: 5, failed: 0 });
    const firstMessages = await drain(f.queueUrl, 5);
    expect(firstMessages.map(brief)).toEqual(
      Object.keys(etags)
        .sort()
        .map((n) => `upsert ${f.prefix}${n} ${etags[n]} ${Buffer.byteLength(`content of ${n}`)}`),
    );
    expect(firstMessages.every((m) => m.bucket === tb.bucket)).toBe(true);

    // Change one, delete one, add one.
    const changedEtag = await put(`${f.prefix}a.pdf`, 'a new version of a.pdf');
    await s3.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: `${f.prefix}d.png` }));
    const addedEtag = await put(`${f.prefix}b/f.xlsx`, 'added');

    const second = await runScan({ s3, sqs }, s3Settings(f));
    expect(second).toMatchObject({ listed: 5, new: 1, changed: 1, unchanged: 3, deleted: 1, enqueued: 3, enqueuedUpserts: 2, enqueuedDeletes: 1, failed: 0 });
    expect((await drain(f.queueUrl, 3)).map(brief)).toEqual([
      `upsert ${f.prefix}a.pdf ${changedEtag} ${'a new version of a.pdf'.length}`,
      `upsert ${f.prefix}b/f.xlsx ${addedEtag} 5`,
      `delete ${f.prefix}d.png`,
    ]);

    const third = await runScan({ s3, sqs }, s3Settings(f));
    expect(third).toMatchObject({ listed: 5, unchanged: 5, deleted: 0, enqueued: 0 });
    expect(await drain(f.queueUrl, 0)).toEqual([]);

    const full = await runScan({ s3, sqs }, s3Settings(f, { full: true }));
    expect(full).toMatchObject({ listed: 5, unchanged: 5, enqueued: 5 });
    expect((await drain(f.queueUrl, 5)).map((m) => m.key)).toHaveLength(5);
  });

  it('local mode: uploads new and changed files (multipart above the part size), then enqueues them with the stored ETag; deleted files delete the object', async () => {
    const f = await fixture('scan-local');
    const root = join(work, uniqueName('folder'));
    await mkdir(join(root, '契約', '2024'), { recursive: true });
    await writeFile(join(root, 'memo.txt'), 'memo');
    await writeFile(join(root, '契約', '2024', '請求書.pdf'), '%PDF-1.4 pretend');
    await writeFile(join(root, 'empty.txt'), '');
    const big = randomBytes(5 * MiB + 300_000);
    await writeFile(join(root, 'big.bin'), big);
    const settings: ScanSettings = {
      target: { kind: 'local', root, bucket: tb.bucket, prefix: f.prefix },
      queueUrl: f.queueUrl,
      manifestPath: f.manifestPath,
      full: false,
      dryRun: false,
      concurrency: 3,
      partBytes: 5 * MiB,
    };

    const first = await runScan({ s3, sqs }, settings);
    expect(first).toMatchObject({ listed: 4, new: 4, uploaded: 4, uploadedBytes: big.length + 4 + 16, enqueued: 4, failed: 0 });
    const messages = await drain(f.queueUrl, 4);
    expect(messages.map((m) => m.key)).toEqual([`${f.prefix}big.bin`, `${f.prefix}empty.txt`, `${f.prefix}memo.txt`, `${f.prefix}契約/2024/請求書.pdf`]);
    for (const m of messages) {
      if (m.op !== 'upsert') throw new Error('expected upserts only');
      const head = await s3.send(new HeadObjectCommand({ Bucket: tb.bucket, Key: m.key }));
      expect(m.etag).toBe(head.ETag?.replace(/"/g, ''));
      expect(m.size).toBe(head.ContentLength);
      expect(m.lastModified).toBe(head.LastModified?.toISOString());
    }
    const bigMessage = messages[0] as Extract<FileMessage, { op: 'upsert' }>;
    expect(bigMessage.etag).toMatch(/-2$/); // two parts: multipart
    const stored = await s3.send(new GetObjectCommand({ Bucket: tb.bucket, Key: bigMessage.key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(big)).toBe(true);

    // Unchanged: nothing uploaded or sent.
    expect(await runScan({ s3, sqs }, settings)).toMatchObject({ listed: 4, unchanged: 4, uploaded: 0, enqueued: 0 });

    await writeFile(join(root, 'memo.txt'), 'memo, edited');
    await rm(join(root, '契約', '2024', '請求書.pdf'));
    const second = await runScan({ s3, sqs }, settings);
    expect(second).toMatchObject({ listed: 3, changed: 1, unchanged: 2, deleted: 1, uploaded: 1, enqueued: 2, failed: 0 });
    expect((await drain(f.queueUrl, 2)).map((m) => `${m.op} ${m.key}`)).toEqual([`upsert ${f.prefix}memo.txt`, `delete ${f.prefix}契約/2024/請求書.pdf`]);
    await expect(s3.send(new HeadObjectCommand({ Bucket: tb.bucket, Key: `${f.prefix}契約/2024/請求書.pdf` }))).rejects.toMatchObject({ name: 'NotFound' });
    const memo = await s3.send(new GetObjectCommand({ Bucket: tb.bucket, Key: `${f.prefix}memo.txt` }));
    expect(await memo.Body!.transformToString()).toBe('memo, edited');
  });

  it('--dry-run (through the CLI) lists what would be sent and sends, uploads and records nothing', async () => {
    const f = await fixture('scan-dry');
    await put(`${f.prefix}one.txt`, '1');
    await put(`${f.prefix}two.txt`, '22');
    const { code, stdout } = await withCapturedOutput(() =>
      main(['scan', `s3://${tb.bucket}/${f.prefix}`, '--queue-url', f.queueUrl, '--manifest', f.manifestPath, '--dry-run', '--json']),
    );
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 2).map((l) => (l.planned as { key: string; change: string }).key)).toEqual([`${f.prefix}one.txt`, `${f.prefix}two.txt`]);
    expect(lines[2]).toMatchObject({ dryRun: true, listed: 2, new: 2, planned: 2, enqueued: 0, manifest: f.manifestPath });
    expect(existsSync(f.manifestPath)).toBe(false);
    expect(await drain(f.queueUrl, 0)).toEqual([]);

    // After a real run, a dry run reads the manifest and still changes nothing.
    await runScan({ s3, sqs }, s3Settings(f));
    await drain(f.queueUrl, 2);
    await s3.send(new DeleteObjectCommand({ Bucket: tb.bucket, Key: `${f.prefix}one.txt` }));
    const again = await withCapturedOutput(() => main(['scan', `s3://${tb.bucket}/${f.prefix}`, '--queue-url', f.queueUrl, '--manifest', f.manifestPath, '--dry-run']));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`delete  ${f.prefix}one.txt`);
    expect(again.stdout).toContain('would enqueue 1 message(s); nothing was sent, uploaded or recorded');
    expect(await drain(f.queueUrl, 0)).toEqual([]);
    const m = Manifest.openReadOnly(f.manifestPath, { queueUrl: f.queueUrl, bucket: tb.bucket, prefix: f.prefix, source: 's3' });
    expect(m.get(`${f.prefix}one.txt`)).toBeDefined();
    m.close();
  });

  it('names a bucket that does not exist and a wrong queue URL before sending anything (exit 2)', async () => {
    const f = await fixture('scan-bad');
    await put(`${f.prefix}x.txt`, 'x');
    const noBucket = await withCapturedOutput(() => main(['scan', 's3://no-such-bucket-cis/x', '--queue-url', f.queueUrl, '--manifest', f.manifestPath]));
    expect(noBucket.code).toBe(2);
    expect(noBucket.stderr).toContain('cis: bucket no-such-bucket-cis does not exist (the S3 location s3://no-such-bucket-cis/x)');

    const wrongQueue = `${f.queueUrl}-typo`;
    const noQueue = await withCapturedOutput(() => main(['scan', `s3://${tb.bucket}/${f.prefix}`, '--queue-url', wrongQueue, '--manifest', f.manifestPath]));
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain(`cis: queue does not exist: ${wrongQueue} (--queue-url)`);

    const malformed = await withCapturedOutput(() => main(['scan', 's3:/x', '--queue-url', f.queueUrl]));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('malformed S3 location');
    const rate = await withCapturedOutput(() => main(['scan', `s3://${tb.bucket}/${f.prefix}`, '--queue-url', f.queueUrl, '--rate', 'fast']));
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--rate: expected a positive number of files per minute');

    expect(existsSync(f.manifestPath)).toBe(false);
    expect(await drain(f.queueUrl, 0)).toEqual([]);
  });

  it('a queue that disappears mid-run: the summary counts what was enqueued, the manifest agrees, the next run sends the rest', async () => {
    const f = await fixture('scan-crash');
    for (let i = 0; i < 45; i++) await put(`${f.prefix}${String(i).padStart(2, '0')}.txt`, `file ${i}`);
    const real = sqsSendBatch(sqs, f.queueUrl);
    let calls = 0;
    // After two batches the queue is gone: SendMessageBatch answers QueueDoesNotExist, as it would in AWS.
    const { queueUrl: doomed } = await createQueuePair(sqs, uniqueName('scan-doomed'));
    const realDoomed = sqsSendBatch(sqs, doomed);
    const send: SendBatch = async (entries) => {
      calls++;
      if (calls <= 2) return real(entries);
      await sqs.send(new DeleteQueueCommand({ QueueUrl: doomed })).catch(() => {});
      return realDoomed(entries);
    };

    let summary: ScanSummary | undefined;
    await runScan({ s3, sqs, sendBatch: send }, s3Settings(f, { concurrency: 1 })).catch((err: unknown) => {
      expect(err).toBeInstanceOf(ScanAbortedError);
      summary = (err as ScanAbortedError).summary;
    });
    expect(summary).toBeDefined();
    expect(summary!.aborted).toMatch(/does not exist/);
    expect(summary!.enqueued).toBe(20);
    expect(summary!.failed).toBeGreaterThan(0);
    const sent = await drain(f.queueUrl, 20);
    const m = Manifest.openReadOnly(f.manifestPath, { queueUrl: f.queueUrl, bucket: tb.bucket, prefix: f.prefix, source: 's3' });
    expect(m.count()).toBe(20);
    for (const msg of sent) expect(m.get(msg.key)).toBeDefined();
    m.close();

    const rerun = await runScan({ s3, sqs }, s3Settings(f));
    expect(rerun).toMatchObject({ listed: 45, new: 25, unchanged: 20, enqueued: 25, failed: 0 });
    const rest = await drain(f.queueUrl, 25);
    expect(new Set([...sent, ...rest].map((x) => x.key)).size).toBe(45);
  });

  it('an entry the queue refuses is reported with its reason, left out of the manifest, and sent by the next run', async () => {
    const f = await fixture('scan-refused');
    for (const n of ['a', 'b', 'c']) await put(`${f.prefix}${n}.txt`, n);
    const real = sqsSendBatch(sqs, f.queueUrl);
    const refuseB: SendBatch = async (entries) => {
      const b = entries.filter((e) => e.body.includes('b.txt'));
      const result = await real(entries.filter((e) => !e.body.includes('b.txt')));
      return { ok: result.ok, failed: [...result.failed, ...b.map((e) => ({ id: e.id, senderFault: true, reason: 'InvalidMessageContents: refused for the test' }))] };
    };
    const first = await runScan({ s3, sqs, sendBatch: refuseB }, s3Settings(f));
    expect(first).toMatchObject({ listed: 3, enqueued: 2, failed: 1, failures: [{ key: `${f.prefix}b.txt`, stage: 'upsert', reason: 'InvalidMessageContents: refused for the test' }] });
    await drain(f.queueUrl, 2);
    const second = await runScan({ s3, sqs }, s3Settings(f));
    expect(second).toMatchObject({ new: 1, unchanged: 2, enqueued: 1 });
    expect((await drain(f.queueUrl, 1)).map((m) => m.key)).toEqual([`${f.prefix}b.txt`]);
  });

  it('the CLI prints the summary of a real run', async () => {
    const f = await fixture('scan-cli');
    const root = join(work, uniqueName('cli-folder'));
    await mkdir(root);
    await writeFile(join(root, 'a.txt'), 'a');
    const { code, stdout } = await withCapturedOutput(() =>
      main(['scan', root, '--bucket', tb.bucket, '--prefix', f.prefix.slice(0, -1), '--queue-url', f.queueUrl, '--manifest', f.manifestPath, '--rate', '600']),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/listed 1: 1 new, 0 changed, 0 unchanged; 0 deleted since the last run/);
    expect(stdout).toMatch(/enqueued 1 \(1 upsert, 0 delete\), failed 0; uploaded 1 file\(s\), 1 bytes/);
    expect(stdout).toMatch(/files\/min \(limit 600\/min\)/);
    expect((await drain(f.queueUrl, 1)).map((m) => m.key)).toEqual([`${f.prefix}a.txt`]);
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('a');
  });
});
