import { DeleteObjectsCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { stripQuotes } from './s3-download';

export interface UploadedObject {
  etag: string;
  size: number;
  lastModifiedMs: number;
}

export interface ObjectWriterOptions {
  bucket: string;
  /** Files larger than this are uploaded in parts of this size (S3's minimum is 5 MiB). */
  partBytes: number;
  /** Parts of one file uploaded at once. */
  partsInFlight: number;
}

/** S3's DeleteObjects takes at most 1000 keys. */
const DELETE_BATCH = 1000;

/** Local mode's writes to the bucket: uploads (multipart when large) and deletions. */
export class ObjectWriter {
  constructor(
    private readonly s3: S3Client,
    private readonly opts: ObjectWriterOptions,
  ) {}

  /**
   * Streams the file to `key` and returns what S3 now holds there. The ETag and LastModified come
   * from a HEAD after the upload: the message must describe the stored object (a multipart ETag
   * is "<md5 of part md5s>-<parts>", not the file's MD5), and S3 sets LastModified, not the file.
   */
  async upload(path: string, key: string, signal?: AbortSignal): Promise<UploadedObject> {
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.opts.bucket, Key: key, Body: createReadStream(path) },
      partSize: this.opts.partBytes,
      queueSize: this.opts.partsInFlight,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }), { abortSignal: signal });
    return {
      etag: stripQuotes(head.ETag ?? ''),
      size: Number(head.ContentLength ?? 0),
      lastModifiedMs: head.LastModified?.getTime() ?? Date.now(),
    };
  }

  /** Deletes the keys; a key that is already gone counts as deleted (S3 says so too). */
  async deleteKeys(keys: readonly string[], signal?: AbortSignal): Promise<{ deleted: string[]; failed: Array<{ key: string; reason: string }> }> {
    const deleted: string[] = [];
    const failed: Array<{ key: string; reason: string }> = [];
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const chunk = keys.slice(i, i + DELETE_BATCH);
      const out = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: this.opts.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
        { abortSignal: signal },
      );
      const errors = new Map((out.Errors ?? []).map((e) => [e.Key ?? '', `${e.Code ?? 'error'}: ${e.Message ?? 'no message'}`]));
      for (const key of chunk) {
        const reason = errors.get(key);
        if (reason === undefined) deleted.push(key);
        else failed.push({ key, reason });
      }
    }
    return { deleted, failed };
  }
}
