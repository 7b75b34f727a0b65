import type { ManifestRow } from './manifest';

/** One file as the scan lists it: an object under the prefix, or a local file to upload. */
export interface ScanEntry {
  /** The object key (local mode: prefix + relative path). */
  key: string;
  size: number;
  /** S3 mode: the object's LastModified; local mode: the file's mtime. Epoch ms. */
  mtimeMs: number;
  /** S3 mode only (quotes stripped). */
  etag?: string;
  /** Local mode only: the file to upload. */
  path?: string;
}

export type Change = 'new' | 'changed' | 'unchanged';

/**
 * Compares a listed entry with what the manifest recorded for its key.
 * S3 mode: the ETag or the size differ (a copy onto itself with a new LastModified and the same
 * bytes is not a change). Local mode: the size or the mtime differ (no hash is computed; a
 * file rewritten with the same size and mtime is not noticed, as with rsync's default check).
 */
export function classify(entry: ScanEntry, row: ManifestRow | undefined): Change {
  if (!row) return 'new';
  if (row.size !== entry.size) return 'changed';
  if (entry.etag !== undefined) return row.etag === entry.etag ? 'unchanged' : 'changed';
  return row.sourceMtimeMs === entry.mtimeMs ? 'unchanged' : 'changed';
}
