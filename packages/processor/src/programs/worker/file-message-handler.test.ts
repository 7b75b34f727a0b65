import { writeFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryableError, UnreadableFileError } from '../../core/errors';
import { fileId } from '../../core/ids';
import type { FileJob, FileResult } from '../../pipeline/pipeline';
import type { SourceEntry } from '../../core/types';
import { serializeFileMessage } from '../../core/file-message';
import type { QueueMessage } from '../../core/queue';
import { ObjectTooLargeError, ObjectUnavailableError, type S3LocalFile } from '../../adapters/s3/s3-source';
import type { Downloaded } from '../../adapters/s3/s3-download';
import { MessageRejectedError } from './errors';
import { FileMessageHandler } from './file-message-handler';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'handler-test-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const msg = (body: string): QueueMessage => ({ messageId: 'm1', receiptHandle: 'h', body, receiveCount: 1, receivedAt: Date.now(), releases: 0, attributes: {} });
const upsert = (key: string, over: Record<string, unknown> = {}) =>
  msg(serializeFileMessage({ v: 1, op: 'upsert', bucket: 'docs', key, size: 5, etag: 'e1', lastModified: '2024-04-01T00:00:00Z', ...over } as never));

function handler(
  opts: { fetch?: (e: SourceEntry) => Promise<S3LocalFile>; process?: (job: FileJob) => Promise<FileResult>; etag?: string; head?: Downloaded } = {},
) {
  const fetched: SourceEntry[] = [];
  const jobs: FileJob[] = [];
  const h = new FileMessageHandler({
    bucket: 'docs',
    reprocess: false,
    lookup: async (id) => (opts.etag ? { id, sha256: 'x', size: 5, status: 'indexed', etag: opts.etag } : undefined),
    source: {
      head: async () => opts.head,
      fetch: async (e) => {
        fetched.push(e);
        if (opts.fetch) return opts.fetch(e);
        const path = join(dir, `${fetched.length}`);
        await writeFile(path, 'hello');
        return { path, size: 5, etag: 'e1', lastModifiedMs: Date.parse('2024-04-01T00:00:00Z'), release: () => rm(path, { force: true }) };
      },
    },
    pipeline: {
      process:
        opts.process ??
        (async (job) => (jobs.push(job), {
          status: 'indexed',
          ocrPages: 0,
          timings: { hash: 1 },
          doc: { id: job.id, path: job.entry.relPath, s3: job.s3, status: 'indexed' } as never,
        })),
    },
  });
  return { h, fetched, jobs };
}

const signal = new AbortController().signal;

describe('FileMessageHandler', () => {
  it('turns an upsert into a document under fileId(key), with the fetched ETag, and removes the download', async () => {
    const { h, fetched } = handler();
    const out = await h.handle(upsert('経理/2024/請求書.pdf'), signal);
    expect(out).toMatchObject({ kind: 'index', key: '経理/2024/請求書.pdf', doc: { id: fileId('経理/2024/請求書.pdf'), s3: { bucket: 'docs', etag: 'e1' } } });
    expect(out.timings.fetch).toBeGreaterThanOrEqual(0);
    expect(fetched[0]).toMatchObject({ relPath: '経理/2024/請求書.pdf', size: 5, etag: 'e1' });
    await expect(stat(join(dir, '1'))).rejects.toThrow(/ENOENT/);
  });

  it('turns a delete message into a removal when S3 no longer holds the object', async () => {
    const { h } = handler();
    const out = await h.handle(msg(serializeFileMessage({ v: 1, op: 'delete', bucket: 'docs', key: 'old.txt' })), signal);
    expect(out).toEqual({ kind: 'remove', key: 'old.txt', id: fileId('old.txt'), timings: {} });
  });

  it('indexes the object a delete message names when S3 still holds it (S3 is the truth, not the message)', async () => {
    const { h, fetched } = handler({ head: { bytes: 5, etag: 'e1', lastModifiedMs: Date.parse('2024-04-01T00:00:00Z') } });
    const out = await h.handle(msg(serializeFileMessage({ v: 1, op: 'delete', bucket: 'docs', key: 'still-here.txt' })), signal);
    expect(out).toMatchObject({ kind: 'index', key: 'still-here.txt', status: 'indexed' });
    expect(fetched).toHaveLength(1);
  });

  it('takes size, ETag and last-modified time (the version) from S3, never from the message', async () => {
    const { h, jobs } = handler();
    await h.handle(upsert('report.pdf', { size: 2 * 1024 ** 4, etag: 'forged', lastModified: '2999-01-01T00:00:00Z' }), signal);
    expect(jobs[0].entry).toEqual({ relPath: 'report.pdf', size: 5, mtimeMs: Date.parse('2024-04-01T00:00:00Z'), etag: 'e1' });
    expect(jobs[0].s3).toEqual({ bucket: 'docs', key: 'report.pdf', etag: 'e1' });
  });

  it('skips a redelivered message whose ETag the index already holds, without downloading', async () => {
    const { h, fetched } = handler({ etag: 'e1' });
    expect((await h.handle(upsert('a.txt'), signal)).kind).toBe('skip');
    expect(fetched).toHaveLength(0);
  });

  it.each([
    ['not json', /message body is not JSON/],
    ['{"v":1,"op":"upsert","bucket":"docs"}', /invalid message/],
    [serializeFileMessage({ v: 1, op: 'delete', bucket: 'other-bucket', key: 'k' }), /for bucket other-bucket; this worker reads docs/],
  ])('rejects %s with a reason', async (body, reason) => {
    const { h } = handler();
    const err = await h.handle(msg(body), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessageRejectedError);
    expect((err as MessageRejectedError).reason).toMatch(reason);
  });

  it('stores an object over the download cap as a failed document with the reason and S3\'s figures', async () => {
    const s3Said = { bytes: 3 * 1024 ** 3, etag: 'real', lastModifiedMs: Date.parse('2024-05-01T00:00:00Z') };
    const { h } = handler({ fetch: async () => Promise.reject(new ObjectTooLargeError('object is 3 GiB, over the 1 GiB download cap', s3Said)) });
    const out = await h.handle(upsert('huge.tif', { size: 2 * 1024 ** 4, lastModified: '2999-01-01T00:00:00Z', etag: 'forged' }), signal);
    expect(out).toMatchObject({
      kind: 'index',
      status: 'failed',
      doc: { status: 'failed', reason: /download cap/, size: 3 * 1024 ** 3, name: 'huge.tif', mtime: '2024-05-01T00:00:00.000Z', s3: { etag: 'real' } },
    });
  });

  it('lets a missing object and retryable failures through, still removing the download', async () => {
    const gone = handler({ fetch: async () => Promise.reject(new ObjectUnavailableError('object not found: s3://docs/x', 404)) });
    await expect(gone.h.handle(upsert('x'), signal)).rejects.toThrow(ObjectUnavailableError);
    const flaky = handler({ process: async () => Promise.reject(new RetryableError('Bedrock throttled')) });
    await expect(flaky.h.handle(upsert('y'), signal)).rejects.toThrow(RetryableError);
    await expect(stat(join(dir, '1'))).rejects.toThrow(/ENOENT/);
  });
});
