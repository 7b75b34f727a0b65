import { unreadDocument } from '../../core/unread-document';
import { errorMessage } from '../../core/errors';
import { fileId } from '../../core/ids';
import type { FileJob, FileResult } from '../../pipeline/pipeline';
import type { StageTimings } from '../../core/timing';
import type { FileStatus, IndexDocument, IndexedState, SourceEntry } from '../../core/types';
import { log } from '../../core/log';
import { parseFileMessage } from '../../core/file-message';
import type { QueueMessage } from '../../core/queue';
import { ObjectTooLargeError, type S3LocalFile } from '../../adapters/s3/s3-source';
import type { Downloaded } from '../../adapters/s3/s3-download';
import { MessageRejectedError } from './errors';

/** What a message turned into; the worker stores it, then acknowledges the message. */
export type HandlerOutcome =
  | {
      kind: 'index';
      key: string;
      doc: IndexDocument;
      status: Exclude<FileStatus, 'skipped'>;
      timings: StageTimings;
      /** A container's members, all levels down: stored with it, under the same message. */
      members?: IndexDocument[];
      /** Ids of members the container held before and holds no more: deleted with it. */
      staleMembers?: string[];
    }
  | { kind: 'remove'; key: string; id: string; timings: StageTimings; /** Members of a removed container, deleted with it. */ members?: string[] }
  /** Nothing to write: the index already holds this content. */
  | { kind: 'skip'; key: string; id: string; why: string; timings: StageTimings };

export interface MessageHandler {
  handle(message: QueueMessage, signal: AbortSignal): Promise<HandlerOutcome>;
}

export interface FileMessageHandlerDeps {
  bucket: string;
  source: {
    fetch(entry: SourceEntry, signal?: AbortSignal): Promise<S3LocalFile>;
    /** What S3 holds under the key now; undefined when nothing. */
    head(key: string, signal?: AbortSignal): Promise<Downloaded | undefined>;
  };
  pipeline: { process(job: FileJob): Promise<FileResult> };
  /** What the index holds for an id (batched by the caller); undefined when unknown. */
  lookup(id: string): Promise<IndexedState | undefined>;
  /** Redo files even when the index holds the same ETag or content. */
  reprocess: boolean;
  /** Ids of the documents stored as members of a container (all levels down). */
  membersOf?(containerId: string): Promise<string[]>;
}

/**
 * One queue message → one document operation. Messages that cannot be acted on throw
 * MessageRejectedError; an object that is gone throws ObjectUnavailableError (from the source);
 * a file that cannot be read is not an error but a `failed` document with its reason.
 *
 * A message is a hint, S3 is the truth: what is stored (size, ETag, last-modified time, and so
 * the version that orders updates) is what S3 answered, never what the message claims. Anyone
 * who can send to the queue can claim a date in 2999 or a size of 2 TB; neither can freeze a
 * document or keep a file from being read. A delete message for an object S3 still holds indexes it.
 */
export class FileMessageHandler implements MessageHandler {
  constructor(private readonly deps: FileMessageHandlerDeps) {}

  async handle(message: QueueMessage, signal: AbortSignal): Promise<HandlerOutcome> {
    const parsed = parseFileMessage(message.body);
    if (!parsed.ok) throw new MessageRejectedError(parsed.reason);
    const m = parsed.message;
    if (m.bucket !== this.deps.bucket) {
      throw new MessageRejectedError(`message is for bucket ${m.bucket}; this worker reads ${this.deps.bucket}`);
    }
    const id = fileId(m.key);
    let claimed = m.op === 'upsert' ? { size: m.size, etag: m.etag } : undefined;
    if (!claimed) {
      const present = await this.deps.source.head(m.key, signal);
      if (!present) {
        const members = (await this.deps.membersOf?.(id)) ?? [];
        return { kind: 'remove', key: m.key, id, timings: {}, ...(members.length > 0 ? { members } : {}) };
      }
      log.info({ key: m.key }, 'delete message for an object S3 still holds: indexing it instead');
      claimed = { size: present.bytes, etag: present.etag };
    }

    const known = await this.deps.lookup(id).catch((err: unknown) => {
      // Not knowing only costs a download: the index may be down for a moment, the bulk writer waits for it.
      log.debug({ key: m.key, err: errorMessage(err) }, 'index state unknown; processing in full');
      return undefined;
    });
    // Only a skip follows from the message's ETag: nothing is written on its word.
    if (!this.deps.reprocess && known?.etag === claimed.etag) {
      return { kind: 'skip', key: m.key, id, why: 'the index holds this ETag already', timings: {} };
    }

    const timings: StageTimings = {};
    const fetchStart = performance.now();
    let file: S3LocalFile;
    try {
      file = await this.deps.source.fetch({ relPath: m.key, size: claimed.size, mtimeMs: 0, etag: claimed.etag }, signal);
    } catch (err) {
      if (!(err instanceof ObjectTooLargeError)) throw err;
      timings.fetch = performance.now() - fetchStart;
      return { kind: 'index', key: m.key, doc: unfetchedDocument(this.deps.bucket, m.key, err.object, id, err.reason), status: 'failed', timings };
    }
    timings.fetch = performance.now() - fetchStart;
    try {
      const result = await this.deps.pipeline.process({
        entry: { relPath: m.key, size: file.size, mtimeMs: file.lastModifiedMs, etag: file.etag },
        file,
        id,
        known,
        force: this.deps.reprocess,
        s3: { bucket: this.deps.bucket, key: m.key, etag: file.etag },
        signal,
      });
      Object.assign(timings, result.timings);
      if (result.status === 'skipped' || !result.doc) {
        return { kind: 'skip', key: m.key, id, why: 'unchanged content (same sha256)', timings };
      }
      if (!result.members) {
        // A container that cannot be read (or opened, at its depth) now leaves no members of an older version behind.
        const stale = result.doc.kind === 'container' ? ((await this.deps.membersOf?.(id)) ?? []) : [];
        return { kind: 'index', key: m.key, doc: result.doc, status: result.doc.status, timings, ...(stale.length > 0 ? { staleMembers: stale } : {}) };
      }
      const members = result.members.map((r) => r.doc!);
      const now = new Set(members.map((d) => d.id));
      const staleMembers = ((await this.deps.membersOf?.(id)) ?? []).filter((m) => !now.has(m));
      return { kind: 'index', key: m.key, doc: result.doc, status: result.doc.status, timings, members, ...(staleMembers.length > 0 ? { staleMembers } : {}) };
    } finally {
      await file.release();
    }
  }
}

/** A file refused before download (over the size cap): stored by what S3 said about it. */
function unfetchedDocument(bucket: string, key: string, object: Downloaded, id: string, reason: string): IndexDocument {
  return { ...unreadDocument({ id, path: key, size: object.bytes, mtimeMs: object.lastModifiedMs, reason }), s3: { bucket, key, etag: object.etag } };
}
