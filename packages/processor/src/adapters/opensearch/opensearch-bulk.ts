import type { IndexDocument } from '../../core/types';
import { toSource } from './opensearch-mapping';

/** One write in a bulk request. */
export type BulkOp =
  | {
      kind: 'index';
      index: string;
      id: string;
      source: Record<string, unknown>;
      /**
       * External version (the object's last-modified time in ms), written with version_type
       * external_gte: a redelivered message overwrites its own document, but a stale message
       * can never overwrite a newer version of the file.
       */
      version?: number;
    }
  | { kind: 'delete'; index: string; id: string };

export interface BulkItemResult {
  id: string;
  ok: boolean;
  status: number;
  /** Set when the index refused the write. */
  error?: string;
  /** True when a retry might succeed (overload, unavailable shards, full disk cleared). */
  retryable?: boolean;
  /** The index already holds a newer version (or, for a delete, nothing): nothing to do. */
  noop?: boolean;
}

/** The operation that stores `doc` in `index`, versioned by its modification time. */
export function indexOp(index: string, doc: IndexDocument): BulkOp {
  const version = Date.parse(doc.mtime);
  return { kind: 'index', index, id: doc.id, source: toSource(doc), ...(Number.isFinite(version) ? { version } : {}) };
}

export function deleteOp(index: string, id: string): BulkOp {
  return { kind: 'delete', index, id };
}

/** The NDJSON lines of one operation, ready to be concatenated into a request body. */
export function encodeOp(op: BulkOp): string {
  if (op.kind === 'delete') return `${JSON.stringify({ delete: { _index: op.index, _id: op.id } })}\n`;
  const meta = { _index: op.index, _id: op.id, ...(op.version !== undefined ? { version: op.version, version_type: 'external_gte' } : {}) };
  return `${JSON.stringify({ index: meta })}\n${JSON.stringify(op.source)}\n`;
}

interface BulkResponseItem {
  _id?: string;
  status?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

/**
 * Per-item accounting of a bulk response: items come back in request order. Overload (429),
 * server faults (5xx) and cluster blocks (flood-stage disk) may clear and are retryable; a
 * refused document (mapping conflict, strict mapping, too large a term) is permanent.
 */
export function parseBulkResponse(ops: readonly BulkOp[], body: { items?: Array<Record<string, BulkResponseItem>> }): BulkItemResult[] {
  const items = body.items ?? [];
  return ops.map((op, i) => {
    const item = items[i] ? Object.values(items[i])[0] : undefined;
    if (!item) return { id: op.id, ok: false, status: 0, error: 'no result for this item in the bulk response', retryable: true };
    const status = item.status ?? 0;
    if (status >= 200 && status < 300) return { id: op.id, ok: true, status };
    if (op.kind === 'delete' && status === 404) return { id: op.id, ok: true, status, noop: true };
    if (op.kind === 'index' && status === 409 && item.error?.type === 'version_conflict_engine_exception') {
      return { id: op.id, ok: true, status, noop: true };
    }
    const e = item.error;
    const cause = e?.caused_by?.reason ? ` (${e.caused_by.type}: ${e.caused_by.reason})` : '';
    const error = `${e?.type ?? 'error'}: ${e?.reason ?? `status ${status}`}${cause}`;
    const retryable = status === 429 || status >= 500 || e?.type === 'cluster_block_exception' || status === 0;
    return { id: op.id, ok: false, status, error, retryable };
  });
}
