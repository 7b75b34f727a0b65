import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { LocalFolderSource } from '../../adapters/local-folder/local-folder';
import { stripQuotes } from '../../adapters/s3/s3-download';
import type { ScanEntry } from './diff';

/**
 * Objects under a prefix, a ListObjectsV2 page (1000 keys) at a time: the next page is fetched
 * only when the scan has dealt with this one. Zero-byte keys ending in '/' are folder markers
 * (the S3 console's "create folder"), not files, and are left out.
 */
export async function* listBucket(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal): AsyncGenerator<ScanEntry> {
  const pages = paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}) });
  for await (const page of pages) {
    signal?.throwIfAborted();
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      if (o.Key.endsWith('/') && (o.Size ?? 0) === 0) continue;
      yield { key: o.Key, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0, etag: stripQuotes(o.ETag ?? '') };
    }
  }
}

export interface FolderListingOptions {
  /** Files never uploaded (the manifest, when it lives inside the folder). */
  excludePaths?: string[];
  onUnlistable(relPath: string, reason: string): void;
  signal?: AbortSignal;
}

/** Files of a local folder, recursively (symbolic links not followed), as keys under `prefix`. */
export async function* listFolder(root: string, prefix: string, opts: FolderListingOptions): AsyncGenerator<ScanEntry> {
  const source = new LocalFolderSource(root, { excludePaths: opts.excludePaths, onUnlistable: opts.onUnlistable });
  for await (const e of source.list(opts.signal)) {
    yield { key: prefix + e.relPath, size: e.size, mtimeMs: e.mtimeMs, path: join(source.root, ...e.relPath.split('/')) };
  }
}
