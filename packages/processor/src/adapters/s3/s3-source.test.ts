import { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { RetryableError, UnreadableFileError } from '../../core/errors';
import { downloadObject } from './s3-download';
import { ObjectTooLargeError, ObjectUnavailableError, S3Source } from './s3-source';

/**
 * A minimal S3 GetObject endpoint (path-style, Range, If-Match, NoSuchKey) on 127.0.0.1, so the
 * real SDK and real sockets are exercised; the testbed's S3 server covers the rest.
 */
class FakeS3 {
  readonly objects = new Map<string, { body: Buffer; etag: string }>();
  /** Keys answered with this client error instead (S3's answer to a key it cannot serve). */
  readonly refused = new Map<string, { status: number; code: string }>();
  readonly requests: Array<{ key: string; range?: string; ifMatch?: string }> = [];
  /** Called before a body is sent; lets a test change the object or stall the response. */
  beforeBody?: (key: string, res: ServerResponse) => Promise<boolean | void>;
  /** Sent with every object (e.g. an x-amz-checksum-crc32 the SDK then validates). */
  extraHeaders: Record<string, string> = {};
  private server!: Server;
  endpoint = '';

  put(key: string, body: Buffer): void {
    this.objects.set(key, { body, etag: createHash('md5').update(body).digest('hex') });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path: URL parsing would resolve '..' segments, which S3 keeps as part of the key.
    const key = decodeURIComponent((req.url ?? '/').split('?')[0]!.split('/').slice(2).join('/'));
    const range = req.headers.range;
    const ifMatch = req.headers['if-match'];
    this.requests.push({ key, range, ifMatch });
    const refused = this.refused.get(key);
    if (refused) return xmlError(res, refused.status, refused.code, req.method === 'HEAD');
    const obj = this.objects.get(key);
    if (!obj) return xmlError(res, 404, 'NoSuchKey', req.method === 'HEAD');
    if (ifMatch && ifMatch.replace(/"/g, '') !== obj.etag) return xmlError(res, 412, 'PreconditionFailed');
    const headers: Record<string, string> = { ETag: `"${obj.etag}"`, 'Last-Modified': new Date(0).toUTCString() };
    let body = obj.body;
    let status = 200;
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (m) {
      const start = Number(m[1]);
      const end = Math.min(obj.body.length - 1, Number(m[2]));
      body = obj.body.subarray(start, end + 1);
      headers['Content-Range'] = `bytes ${start}-${end}/${obj.body.length}`;
      status = 206;
    }
    res.writeHead(status, { ...headers, ...this.extraHeaders, 'Content-Length': String(body.length) });
    if (req.method === 'HEAD') return void res.end();
    if ((await this.beforeBody?.(key, res)) === false) return;
    res.end(body);
  }
}

function xmlError(res: ServerResponse, status: number, code: string, head = false): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(head ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

const MiB = 1024 * 1024;
let fake: FakeS3;
let s3: S3Client;
let root: string;

beforeAll(async () => {
  fake = new FakeS3();
  await fake.start();
  s3 = new S3Client({
    endpoint: fake.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  s3.destroy();
  await fake.stop();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 's3-source-test-'));
  fake.requests.length = 0;
  fake.beforeBody = undefined;
  fake.extraHeaders = {};
  fake.refused.clear();
});
afterEach(() => rm(root, { recursive: true, force: true }));

const open = (over: Partial<Parameters<typeof S3Source.open>[1]> = {}) =>
  S3Source.open(s3, { bucket: 'bkt', partBytes: MiB, parallel: 3, rangedMinBytes: 2 * MiB, maxObjectBytes: 10 * MiB, tempRoot: root, ...over });
const entry = (key: string, size: number, etag?: string) => ({ relPath: key, size, mtimeMs: 0, etag });

describe('S3Source', () => {
  it('downloads two keys with the same basename at once into separate private files, removed on release', async () => {
    fake.put('a/report.pdf', Buffer.from('first'));
    fake.put('b/report.pdf', Buffer.from('second'));
    const source = await open();
    const [a, b] = await Promise.all([source.fetch(entry('a/report.pdf', 5)), source.fetch(entry('b/report.pdf', 6))]);
    expect(a.path).not.toBe(b.path);
    expect(a.path).not.toContain('report');
    expect(await readFile(a.path, 'utf8')).toBe('first');
    expect(await readFile(b.path, 'utf8')).toBe('second');
    expect((await stat(source.tempDir)).mode & 0o777).toBe(0o700);
    expect(a.etag).toBe(fake.objects.get('a/report.pdf')?.etag);
    await a.release();
    await b.release();
    expect(await readdir(source.tempDir)).toEqual([]);
    await source.close();
    await expect(stat(source.tempDir)).rejects.toThrow(/ENOENT/);
  });

  it('fetches a large object as parallel ranges pinned to the first range ETag', async () => {
    const body = randomBytes(Math.round(3.5 * MiB));
    fake.put('big.bin', body);
    const source = await open();
    const file = await source.fetch(entry('big.bin', body.length));
    expect((await readFile(file.path)).equals(body)).toBe(true);
    expect(fake.requests.map((r) => r.range)).toEqual(
      expect.arrayContaining([`bytes=0-${MiB - 1}`, `bytes=${MiB}-${2 * MiB - 1}`, `bytes=${3 * MiB}-${body.length - 1}`]),
    );
    expect(fake.requests.slice(1).every((r) => r.ifMatch === `"${fake.objects.get('big.bin')?.etag}"`)).toBe(true);
    await source.close();
  });

  it('gives up a ranged download when the object changes midway, leaving no file', async () => {
    fake.put('moving.bin', randomBytes(3 * MiB));
    const source = await open();
    fake.beforeBody = async (key) => {
      if (fake.requests.length === 1) fake.put(key, randomBytes(3 * MiB));
    };
    await expect(source.fetch(entry('moving.bin', 3 * MiB))).rejects.toThrow(RetryableError);
    expect(await readdir(source.tempDir)).toEqual([]);
    await source.close();
  });

  it('reports a missing object as unavailable, not as a crash', async () => {
    const source = await open();
    const err = await source.fetch(entry('gone.pdf', 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectUnavailableError);
    expect((err as ObjectUnavailableError).reason).toMatch(/not found: s3:\/\/bkt\/gone\.pdf/);
    expect(await readdir(source.tempDir)).toEqual([]);
    await source.close();
  });

  it('refuses objects over the cap by the size S3 answers with, whatever the message claimed', async () => {
    fake.put('huge.tif', randomBytes(2048));
    fake.put('small.txt', Buffer.from('only a few bytes'));
    const source = await open({ maxObjectBytes: 1024 });
    // The message said 100 bytes; the object is larger: refused as a result, with S3's own figures.
    const err = await source.fetch(entry('huge.tif', 100)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as ObjectTooLargeError).reason).toBe('object is 2 KiB, over the 1 KiB download cap');
    expect((err as ObjectTooLargeError).object).toEqual({ bytes: 2048, etag: fake.objects.get('huge.tif')!.etag, lastModifiedMs: 0 });
    // A message claiming 2 TB of a small object keeps nobody from reading it.
    const file = await source.fetch(entry('small.txt', 2 * 1024 ** 4));
    expect(file.size).toBe(16);
    await file.release();
    expect(await readdir(source.tempDir)).toEqual([]);
    await source.close();
  });

  it('does not retry a request S3 refuses as a client error: a failure with its reason', async () => {
    fake.refused.set('../../etc/passwd', { status: 400, code: 'InvalidArgument' });
    const source = await open();
    const err = await source.fetch(entry('../../etc/passwd', 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectUnavailableError);
    expect((err as ObjectUnavailableError).status).toBe(400);
    expect((err as ObjectUnavailableError).reason).toMatch(/^S3 refused the request for s3:\/\/bkt\/\.\.\/\.\.\/etc\/passwd \(400 InvalidArgument: /);
    fake.refused.set('throttled.pdf', { status: 429, code: 'SlowDown' });
    await expect(source.fetch(entry('throttled.pdf', 10))).rejects.toThrow(RetryableError);
    await source.close();
  });

  it('tells what S3 holds under a key (HEAD), and nothing for a missing one', async () => {
    fake.put('here.txt', Buffer.from('present'));
    const source = await open();
    expect(await source.head('here.txt')).toEqual({ bytes: 7, etag: fake.objects.get('here.txt')!.etag, lastModifiedMs: 0 });
    expect(await source.head('gone.txt')).toBeUndefined();
    await source.close();
  });

  it('removes the partial file when the download is aborted', async () => {
    fake.put('slow.bin', randomBytes(64 * 1024));
    const source = await open();
    const abort = new AbortController();
    fake.beforeBody = async (_key, res) => {
      res.write(Buffer.alloc(1024));
      abort.abort(new Error('stop'));
      return false;
    };
    await expect(source.fetch(entry('slow.bin', 64 * 1024), abort.signal)).rejects.toThrow();
    expect(await readdir(source.tempDir)).toEqual([]);
    await source.close();
  });

  it('survives the checksum stream failing after an aborted download (a drain mid-download)', async () => {
    const body = randomBytes(64 * 1024);
    fake.put('checked.bin', body);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    // S3's CRC32 of the whole object: the SDK validates it when the socket's data has ended.
    fake.extraHeaders = { 'x-amz-checksum-crc32': crc.toString('base64') };
    const abort = new AbortController();
    const download = downloadObject(s3, {
      bucket: 'bkt',
      key: 'checked.bin',
      path: join(root, 'checked.bin'),
      expectedSize: body.length,
      partBytes: MiB,
      parallel: 1,
      rangedMinBytes: 2 * MiB,
      // The drain arrives after the response headers, before the body is read.
      checkObject: () => abort.abort(new Error('drain')),
      signal: abort.signal,
    });
    await expect(download).rejects.toThrow(/aborted/);
    // The destroyed body's checksum check fails once the socket's data ends; without a listener
    // that 'error' event is an uncaught exception, which fails this test.
    await new Promise((r) => setTimeout(r, 200));
  });

  it('removes download directories left by dead workers', async () => {
    const orphan = join(root, 'cis-worker-999999999-abc');
    const alive = join(root, `cis-worker-${process.pid}-old`);
    await mkdir(orphan);
    await mkdir(alive);
    const source = await open();
    const left = await readdir(root);
    expect(left).not.toContain('cis-worker-999999999-abc');
    expect(left).toContain(`cis-worker-${process.pid}-old`);
    await source.close();
  });
});
