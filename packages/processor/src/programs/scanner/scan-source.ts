import type { S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { LocalFolderSource } from '../../adapters/local-folder/local-folder';
import { listBucket } from '../../adapters/s3/bucket-listing';
import { ObjectWriter } from '../../adapters/s3/object-writer';
import type { Change, ScanEntry } from './diff';
import type { ManifestRow } from './manifest';
import type { ScanTarget } from './target';

/** What a dry run reports for one file or key (local mode: the file it would upload). */
export interface PlannedMessage {
  op: 'upsert' | 'delete';
  key: string;
  change?: 'new' | 'changed' | 'unchanged';
  size?: number;
  etag?: string;
  lastModified?: string;
  upload?: string;
}

/**
 * Everything a scan does differently for its two kinds of target: objects already under a bucket
 * prefix (S3 mode), or a local folder it uploads to one (local mode). The run (run-scan.ts) does
 * the rest the same way for both: compare with the manifest, enqueue, record, report.
 */
export interface ScanSource {
  readonly mode: ScanTarget['kind'];
  /** Where the files come from, for the summary. */
  readonly description: string;
  /** Part of the manifest's identity: a manifest belongs to one source. */
  readonly identity: string;
  /** Files handled at once: S3 mode keeps the listing's order (one lane); local mode uploads several at once. */
  lanes(concurrency: number): number;
  /** How long a partly filled batch waits for more (local mode: messages trickle in behind uploads). */
  readonly lingerMs?: number;
  /**
   * The files, streamed. A path that cannot be listed is reported through `onUnlistable` with its
   * key, and its keys are then in `unlisted`.
   */
  list(signal: AbortSignal | undefined, onUnlistable: (key: string, reason: string) => void): AsyncIterable<ScanEntry>;
  /** Keys under paths that could not be listed ('' for the whole source): never taken for deleted files. */
  readonly unlisted: readonly string[];
  /** The message a dry run reports for a new or changed file. */
  planned(entry: ScanEntry, change: Change): PlannedMessage;
  /** The manifest row (and so the message) of a file to enqueue; local mode uploads it first (and may throw). */
  stage(entry: ScanEntry, signal?: AbortSignal): Promise<{ row: ManifestRow; uploaded: boolean }>;
  /** Before a delete is enqueued: local mode removes the object its file had become; S3 mode has nothing to remove. */
  remove(keys: string[], signal?: AbortSignal): Promise<{ deleted: string[]; failed: Array<{ key: string; reason: string }> }>;
}

export interface ScanSourceOptions {
  s3: S3Client;
  /** Local mode: never uploaded (the manifest and its journal, when they live inside the folder). */
  excludePaths: string[];
  /** Local mode: files larger than this are uploaded in parts of this size. */
  partBytes: number;
}

export function scanSourceFor(target: ScanTarget, opts: ScanSourceOptions): ScanSource {
  return target.kind === 's3' ? new BucketPrefix(target, opts.s3) : new LocalFolder(target, opts);
}

/** S3 mode: objects already in the bucket; messages describe them as listed. */
class BucketPrefix implements ScanSource {
  readonly mode = 's3';
  readonly identity = 's3';
  readonly description: string;
  readonly unlisted: readonly string[] = [];

  constructor(
    private readonly target: Extract<ScanTarget, { kind: 's3' }>,
    private readonly s3: S3Client,
  ) {
    this.description = `s3://${target.bucket}/${target.prefix}`;
  }

  lanes(): number {
    return 1;
  }

  list(signal: AbortSignal | undefined): AsyncIterable<ScanEntry> {
    return listBucket(this.s3, this.target.bucket, this.target.prefix, signal);
  }

  planned(entry: ScanEntry, change: Change): PlannedMessage {
    return { op: 'upsert', key: entry.key, change, size: entry.size, etag: entry.etag, lastModified: iso(entry.mtimeMs) };
  }

  async stage(entry: ScanEntry): Promise<{ row: ManifestRow; uploaded: boolean }> {
    return { row: { key: entry.key, etag: entry.etag ?? '', size: entry.size, lastModifiedMs: entry.mtimeMs }, uploaded: false };
  }

  async remove(keys: string[]): Promise<{ deleted: string[]; failed: Array<{ key: string; reason: string }> }> {
    return { deleted: keys, failed: [] };
  }
}

/** Local mode: the folder's files become objects under the prefix, uploaded before their messages. */
class LocalFolder implements ScanSource {
  readonly mode = 'local';
  readonly lingerMs = 1000;
  readonly description: string;
  readonly identity: string;
  readonly unlisted: string[] = [];
  private readonly writer: ObjectWriter;

  constructor(
    private readonly target: Extract<ScanTarget, { kind: 'local' }>,
    private readonly opts: ScanSourceOptions,
  ) {
    this.description = target.root;
    this.identity = target.root;
    this.writer = new ObjectWriter(opts.s3, { bucket: target.bucket, partBytes: opts.partBytes, partsInFlight: 2 });
  }

  lanes(concurrency: number): number {
    return concurrency;
  }

  /** Files of the folder, recursively (symbolic links not followed), as keys under the prefix. */
  async *list(signal: AbortSignal | undefined, onUnlistable: (key: string, reason: string) => void): AsyncIterable<ScanEntry> {
    const { prefix } = this.target;
    const source = new LocalFolderSource(this.target.root, {
      excludePaths: this.opts.excludePaths,
      onUnlistable: (rel, reason) => {
        this.unlisted.push(rel === '.' ? '' : `${prefix}${rel}`);
        onUnlistable(`${prefix}${rel === '.' ? '' : rel}`, reason);
      },
    });
    for await (const e of source.list(signal)) {
      yield { key: prefix + e.relPath, size: e.size, mtimeMs: e.mtimeMs, path: join(source.root, ...e.relPath.split('/')) };
    }
  }

  planned(entry: ScanEntry, change: Change): PlannedMessage {
    return { op: 'upsert', key: entry.key, change, size: entry.size, upload: entry.path };
  }

  /** The message must describe the stored object (its ETag and LastModified come from S3), not the file. */
  async stage(entry: ScanEntry, signal?: AbortSignal): Promise<{ row: ManifestRow; uploaded: boolean }> {
    const o = await this.writer.upload(entry.path!, entry.key, signal);
    return { row: { key: entry.key, etag: o.etag, size: o.size, lastModifiedMs: o.lastModifiedMs, sourceMtimeMs: entry.mtimeMs }, uploaded: true };
  }

  remove(keys: string[], signal?: AbortSignal): Promise<{ deleted: string[]; failed: Array<{ key: string; reason: string }> }> {
    return this.writer.deleteKeys(keys, signal);
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
