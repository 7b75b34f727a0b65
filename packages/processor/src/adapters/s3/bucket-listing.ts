import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { stripQuotes } from './s3-download';

/** One object as the listing reports it. */
export interface ListedObject {
  key: string;
  size: number;
  /** LastModified, epoch ms. */
  mtimeMs: number;
  /** Quotes stripped. */
  etag: string;
}

/**
 * Objects under a prefix, a ListObjectsV2 page (1000 keys) at a time: the next page is fetched
 * only when the caller has dealt with this one. Zero-byte keys ending in '/' are folder markers
 * (the S3 console's "create folder"), not files, and are left out.
 */
export async function* listBucket(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal): AsyncGenerator<ListedObject> {
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
