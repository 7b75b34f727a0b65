import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { forEachConcurrent } from '../../core/concurrency';

export interface DownloadOptions {
  bucket: string;
  key: string;
  /** Local file to create; must not exist yet. */
  path: string;
  /**
   * Size the caller expects (from the queue message): only decides between one stream and
   * ranges. The size that counts is the one S3 answers with.
   */
  expectedSize: number;
  partBytes: number;
  parallel: number;
  /** Objects at least this large are fetched as `parallel` concurrent ranges of `partBytes`. */
  rangedMinBytes: number;
  /** Called with what S3 says of the object before its bytes are written; throwing stops the download. */
  checkObject(object: Downloaded): void;
  signal?: AbortSignal;
}

/** What S3 said of the object (its real size, ETag and last-modified time), never what a message claimed. */
export interface Downloaded {
  bytes: number;
  etag: string;
  lastModifiedMs: number;
}

/** The object changed while its ranges were being fetched (a later range failed its If-Match). */
export class ObjectChangedError extends Error {
  override readonly name = 'ObjectChangedError';
}

/**
 * Streams one S3 object into a new local file. Large objects are fetched as parallel byte ranges,
 * each written at its offset; every range after the first is conditional on the first range's
 * ETag, so a file can never be stitched together from two versions of the object.
 */
export async function downloadObject(s3: S3Client, opts: DownloadOptions): Promise<Downloaded> {
  const { bucket, key, signal } = opts;
  const ranged = opts.expectedSize >= opts.rangedMinBytes;
  const first = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(ranged ? { Range: `bytes=0-${opts.partBytes - 1}` } : {}) }),
    { abortSignal: signal },
  );
  const body = quietAfterUse(first.Body as Readable | undefined);
  try {
    const total = ranged ? totalFromContentRange(first) : Number(first.ContentLength ?? 0);
    const etag = stripQuotes(first.ETag ?? '');
    const lastModifiedMs = first.LastModified?.getTime() ?? Date.now();
    opts.checkObject({ bytes: total, etag, lastModifiedMs });
    // Created empty first (exclusive, owner-only); each range then writes at its own offset.
    await (await open(opts.path, 'wx', 0o600)).close();
    let written = await writeAt(opts.path, body, 0, signal);
    if (ranged && total > written) {
      const starts: number[] = [];
      for (let start = written; start < total; start += opts.partBytes) starts.push(start);
      await forEachConcurrent(starts, opts.parallel, async (start) => {
        const end = Math.min(total, start + opts.partBytes) - 1;
        const part = await s3
          .send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}`, IfMatch: first.ETag }), {
            abortSignal: signal,
          })
          .catch((err: unknown) => {
            if (httpStatus(err) === 412) throw new ObjectChangedError(`s3://${bucket}/${key} changed during a ranged download`);
            throw err;
          });
        const n = await writeAt(opts.path, quietAfterUse(part.Body as Readable | undefined), start, signal);
        written += n;
      });
    }
    if (written !== total) throw new Error(`s3://${bucket}/${key}: received ${written} of ${total} bytes`);
    return { bytes: written, etag, lastModifiedMs };
  } finally {
    // An unread body holds its socket until it is consumed or destroyed.
    body?.destroy();
  }
}

/**
 * The SDK wraps a body in a stream that checks its checksum when the socket's data ends, and
 * emits a mismatch as an 'error' event even after the body was destroyed by an abort (a drain
 * cancelling the download): with no listener left, that event would crash the process. Errors
 * that matter reach the caller through pipeline(); later ones are dropped.
 */
function quietAfterUse(body: Readable | undefined): Readable | undefined {
  body?.on('error', () => {});
  return body;
}

async function writeAt(path: string, body: Readable | undefined, start: number, signal?: AbortSignal): Promise<number> {
  if (!body) return 0;
  const sink = createWriteStream(path, { flags: 'r+', start });
  await pipeline(body, sink, { signal });
  return sink.bytesWritten;
}

function totalFromContentRange(out: GetObjectCommandOutput): number {
  // "bytes 0-1048575/73400320"; a server may also answer a range request with the whole object.
  const match = /\/(\d+)$/.exec(out.ContentRange ?? '');
  return match ? Number(match[1]) : Number(out.ContentLength ?? 0);
}

export function stripQuotes(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** The HTTP status of an SDK error, when the service answered. */
export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}
