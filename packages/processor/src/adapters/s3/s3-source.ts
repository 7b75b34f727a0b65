import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, RetryableError, UnreadableFileError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import type { LocalFile, SourceEntry } from '../../core/types';
import { log } from '../../core/log';
import { downloadObject, type Downloaded, httpStatus, ObjectChangedError, stripQuotes } from './s3-download';

export interface S3SourceOptions {
  bucket: string;
  partBytes: number;
  parallel: number;
  rangedMinBytes: number;
  /** Larger objects are not downloaded: they become metadata-only results with the reason. */
  maxObjectBytes: number;
  /** Parent of the private download directory; default: the OS temp directory. */
  tempRoot?: string;
}

/** A downloaded object, with what S3 said about the bytes actually fetched. */
export interface S3LocalFile extends LocalFile {
  etag: string;
  lastModifiedMs: number;
}

/**
 * The object cannot be fetched and retrying will not change that (deleted since it was queued,
 * access denied). Not a property of the file's content, so not a result: the message goes to the
 * dead-letter queue with `reason`.
 */
export class ObjectUnavailableError extends Error {
  override readonly name = 'ObjectUnavailableError';
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(reason);
  }
}

/**
 * The object is over the download cap: a result (stored by metadata with the reason), carrying
 * what S3 said of the object, so that the document records S3's size and version, not a message's.
 */
export class ObjectTooLargeError extends UnreadableFileError {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    reason: string,
    readonly object: Downloaded,
  ) {
    super(reason);
  }
}

const DIR_PREFIX = 'cis-worker-';

/**
 * Objects of one bucket, fetched into a private temporary directory (mode 0700) under names that
 * are unique per fetch: two keys with the same basename, or the same key fetched twice at once,
 * never share a file. Every temporary file is removed on release, on error and on abort.
 */
export class S3Source {
  private seq = 0;

  private constructor(
    private readonly s3: S3Client,
    private readonly opts: S3SourceOptions,
    readonly tempDir: string,
  ) {}

  static async open(s3: S3Client, opts: S3SourceOptions): Promise<S3Source> {
    const root = opts.tempRoot ?? tmpdir();
    await removeOrphanedDirs(root);
    // mkdtemp creates the directory with mode 0700: other local users cannot read the downloads.
    const dir = await mkdtemp(join(root, `${DIR_PREFIX}${process.pid}-`));
    return new S3Source(s3, opts, dir);
  }

  /**
   * Downloads `entry.relPath` (the object key). Size, ETag and last-modified time come from S3's
   * answer, whatever the entry (a queue message) claimed. Throws ObjectTooLargeError for an
   * object over the size cap (a result), ObjectUnavailableError when S3 refuses the request for
   * good (gone, forbidden, a key it cannot serve), RetryableError for anything a retry may fix;
   * an abort rethrows as is.
   */
  async fetch(entry: SourceEntry, signal?: AbortSignal): Promise<S3LocalFile> {
    const { bucket, maxObjectBytes } = this.opts;
    const key = entry.relPath;
    const checkObject = (object: Downloaded) => {
      if (object.bytes > maxObjectBytes) {
        throw new ObjectTooLargeError(`object is ${formatBytes(object.bytes)}, over the ${formatBytes(maxObjectBytes)} download cap`, object);
      }
    };
    const path = join(this.tempDir, `${++this.seq}-${randomUUID()}`);
    try {
      const got = await downloadObject(this.s3, { ...this.opts, bucket, key, path, expectedSize: entry.size, checkObject, signal });
      if (entry.etag && got.etag !== entry.etag) {
        // Replaced since it was queued: the current bytes are what the index should hold.
        log.debug({ key, queued: entry.etag, fetched: got.etag }, 'object changed since it was queued');
      }
      return {
        path,
        size: got.bytes,
        etag: got.etag,
        lastModifiedMs: got.lastModifiedMs,
        release: () => rm(path, { force: true }),
      };
    } catch (err) {
      await rm(path, { force: true });
      throw classify(err, bucket, key, signal);
    }
  }

  /** What S3 says of the object now (HEAD), or undefined when it does not exist. */
  async head(key: string, signal?: AbortSignal): Promise<Downloaded | undefined> {
    const { bucket } = this.opts;
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return { bytes: Number(out.ContentLength ?? 0), etag: stripQuotes(out.ETag ?? ''), lastModifiedMs: out.LastModified?.getTime() ?? Date.now() };
    } catch (err) {
      const classified = classify(err, bucket, key, signal);
      if (classified instanceof ObjectUnavailableError && classified.status === 404) return undefined;
      throw classified;
    }
  }

  /** Removes the download directory and anything still in it. */
  async close(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
  }
}

function classify(err: unknown, bucket: string, key: string, signal?: AbortSignal): unknown {
  if (signal?.aborted || err instanceof UnreadableFileError) return err;
  const status = httpStatus(err);
  const name = (err as { name?: string }).name;
  const where = `s3://${bucket}/${key}`;
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
    return new ObjectUnavailableError(`object not found: ${where} (deleted after it was queued?)`, 404);
  }
  if (status === 403 || name === 'AccessDenied') return new ObjectUnavailableError(`access denied: ${where}`, 403);
  if (err instanceof ObjectChangedError || status === 416) return new RetryableError(errorMessage(err), { cause: err });
  // Any other client error is S3 refusing this request as it is (a key it cannot serve, such as
  // `../../etc/passwd`; a bad argument): a retry would be refused alike.
  if (status !== undefined && status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status)) {
    const code = name && name !== 'Error' && name !== 'UnknownError' ? ` ${name}` : '';
    return new ObjectUnavailableError(`S3 refused the request for ${where} (${status}${code}: ${errorMessage(err)})`, status);
  }
  return new RetryableError(`download of ${where} failed: ${errorMessage(err)}`, { cause: err });
}

/** Client errors that a later try may not meet: request timeout, throttling. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 429]);

/** Download directories of workers that died without cleaning up (SIGKILL, OOM, power loss). */
async function removeOrphanedDirs(root: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = Number(/^cis-worker-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch((err: unknown) =>
      log.warn({ dir: join(root, name), err: errorMessage(err) }, 'cannot remove an orphaned download directory'),
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
