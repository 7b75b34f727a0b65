import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { WORKER_ENV } from '../contract';
import { CONTAINER_DEFAULTS } from '../core/container-limits';
import { log } from '../core/log';
import { errorMessage, RetryableError, UnreadableFileError } from '../core/errors';
import { formatBytes } from '../core/format';
import { unreadDocument } from '../core/unread-document';
import { memberId, sha256File } from '../core/ids';
import { detectLanguage } from '../core/language';
import { timed, type StageTimings } from '../core/timing';
import type {
  DetectedType,
  ExtractLimits,
  Extraction,
  ExtractionRunner,
  ExtractorPicker,
  FileStatus,
  ImageEmbedder,
  IndexDocument,
  IndexedState,
  LocalFile,
  OcrService,
  SourceEntry,
} from '../core/types';

export interface PipelineOptions {
  registry: ExtractorPicker;
  ocr: OcrService;
  /** The OCR one file's extractor gets, made from `ocr` (compose.ts: one language per document); default `ocr` itself. */
  ocrForFile?: (ocr: OcrService) => OcrService;
  detect(path: string, name: string): Promise<DetectedType>;
  limits: ExtractLimits;
  /** Without one, images are indexed for text only. */
  embedder?: ImageEmbedder;
  /** Where extractors run; default: in this process (compose.ts wires the extraction sandbox). */
  runner?: ExtractionRunner;
}

const inThisProcess: ExtractionRunner = { run: (extractor, input, ctx) => extractor.extract(input, ctx) };

export interface FileJob {
  entry: SourceEntry;
  file: LocalFile;
  /** Id the document is stored under. */
  id: string;
  /** What the index already holds for this id: unchanged content is not redone. */
  known?: IndexedState;
  /** Redo the file even if its content is unchanged. */
  force?: boolean;
  s3?: IndexDocument['s3'];
  signal?: AbortSignal;
  /** For a member of a container: the container's document id. */
  container?: string;
  /** Containers this file is inside (0 for a file of the source). */
  depth?: number;
}

export interface FileResult {
  status: FileStatus;
  /** The document to store; absent when skipped. */
  doc?: IndexDocument;
  reason?: string;
  ocrPages: number;
  timings: StageTimings;
  /** A container's members and theirs, all levels down, each with its own document. */
  members?: FileResult[];
}

/**
 * hash → detect → extract (OCR inside) → embed, for one file already on local disk.
 * A file that cannot be read becomes a `failed` document with its reason; only failures
 * a retry might fix (RetryableError) and aborts propagate to the caller.
 */
export class Pipeline {
  constructor(private readonly opts: PipelineOptions) {}

  async process(job: FileJob): Promise<FileResult> {
    const { entry, file, signal } = job;
    const timings: StageTimings = {};
    const sha256 = await timed(timings, 'hash', () => sha256File(file.path, signal));
    if (!job.force && job.known?.sha256 === sha256) {
      return { status: 'skipped', ocrPages: 0, timings };
    }

    const name = basename(entry.relPath);
    const base = {
      id: job.id,
      path: entry.relPath,
      name,
      size: file.size,
      mtime: new Date(entry.mtimeMs).toISOString(),
      sha256,
      pages: 0,
      text: '',
      ocrPages: [] as number[],
      ...(job.s3 ? { s3: job.s3 } : {}),
      ...(job.container ? { container: job.container } : {}),
    };
    const finish = (
      type: DetectedType,
      status: IndexDocument['status'],
      extraction?: Extraction,
      reason?: string,
      vector?: IndexDocument['vector'],
    ): FileResult => {
      const doc: IndexDocument = {
        ...base,
        mime: type.mime,
        kind: type.kind,
        status,
        indexedAt: new Date().toISOString(),
        language: detectLanguage(extraction?.text ?? ''),
        ...(extraction ? { text: extraction.text, pages: extraction.pages, ocrPages: extraction.ocrPages } : {}),
        ...(extraction?.fields && Object.keys(extraction.fields).length > 0 ? { fields: extraction.fields } : {}),
        ...(reason ? { reason } : {}),
        ...(vector ? { vector } : {}),
      };
      return { status, doc, reason, ocrPages: doc.ocrPages.length, timings };
    };

    const { limits } = this.opts;
    const unknownType: DetectedType = { mime: 'application/octet-stream', kind: 'other' };
    if (file.size === 0) return finish({ mime: 'application/x-empty', kind: 'other' }, 'failed', undefined, 'empty file (0 bytes)');
    if (file.size > limits.maxFileBytes) {
      return finish(unknownType, 'failed', undefined, `file is ${formatBytes(file.size)}, over the ${formatBytes(limits.maxFileBytes)} size cap`);
    }

    const type = await timed(timings, 'detect', () => this.opts.detect(file.path, name));
    const extractor = this.opts.registry.pick(type);
    if (!extractor) return finish(type, 'metadata_only', undefined, `no text reader for ${type.mime}`);
    const containerLimits = limits.container ?? CONTAINER_DEFAULTS;
    const depth = job.depth ?? 0;
    if (extractor.container && depth >= containerLimits.maxDepth) {
      return finish(type, 'metadata_only', undefined, `container inside ${depth} containers, not opened: over ${WORKER_ENV.containerMaxDepth} (${containerLimits.maxDepth})`);
    }

    const runner = this.opts.runner ?? inThisProcess;
    let extraction: Extraction;
    try {
      extraction = await timed(timings, 'extract', () =>
        runner.run(extractor, { path: file.path, name, size: file.size, type }, { ocr: this.opts.ocrForFile?.(this.opts.ocr) ?? this.opts.ocr, limits, signal }),
      );
    } catch (err) {
      if (!isPermanent(err, signal)) throw err;
      const reason = err instanceof UnreadableFileError ? err.reason : `${extractor.name} extractor failed: ${errorMessage(err)}`;
      if (!(err instanceof UnreadableFileError)) log.warn({ err, path: entry.relPath }, 'extractor error');
      return finish(type, 'failed', undefined, reason);
    }
    if (extraction.members) {
      const result = finish(type, 'indexed', extraction, extraction.notes?.join('; '));
      return { ...result, members: await this.processMembers(job, extraction, depth + 1) };
    }
    if (extraction.ocrMs !== undefined) timings.ocr = extraction.ocrMs;
    if (extraction.isolationMs !== undefined) timings.isolation = extraction.isolationMs;
    if (extraction.metadataOnlyReason) return finish(type, 'metadata_only', extraction, extraction.metadataOnlyReason);

    // Partial extractions are stored with what was left out, so nobody mistakes them for whole.
    const notes = extraction.notes?.length ? extraction.notes.join('; ') : undefined;
    const embedder = this.opts.embedder;
    const image = extraction.image;
    if (!embedder || !image) return finish(type, 'indexed', extraction, notes);
    try {
      const values = await timed(timings, 'embed', () => embedder.embed(image, signal));
      return finish(type, 'indexed', extraction, notes, { modelId: embedder.modelId, values });
    } catch (err) {
      if (!isPermanent(err, signal)) throw err;
      // The text is still worth having; the missing vector is recorded, not hidden.
      const failure = `image embedding failed: ${errorMessage(err)}`;
      return finish(type, 'indexed', extraction, notes ? `${notes}; ${failure}` : failure);
    }
  }

  /**
   * Each member of a container through the whole pipeline (detect, extract, OCR, embed), one
   * after the other: its path is `container/member`, its id from the container's id and the
   * member path, `container` the container's id. A refused member is a failed document with
   * its reason. The unpacked files are removed afterwards, whatever happened.
   */
  private async processMembers(job: FileJob, extraction: Extraction, depth: number): Promise<FileResult[]> {
    const out: FileResult[] = [];
    try {
      for (const member of extraction.members ?? []) {
        job.signal?.throwIfAborted();
        const relPath = `${job.entry.relPath}/${member.path}`;
        const entry: SourceEntry = { relPath, size: member.size, mtimeMs: member.mtimeMs ?? job.entry.mtimeMs };
        const id = memberId(job.id, member.path);
        if (!member.file) {
          out.push(this.refusedMember(job, entry, id, member.refused ?? 'not unpacked'));
          continue;
        }
        const file: LocalFile = { path: member.file, size: member.size, release: async () => undefined };
        const result = await this.process({ entry, file, id, force: true, signal: job.signal, s3: job.s3, container: job.id, depth });
        out.push(result, ...(result.members ?? []));
        delete result.members;
      }
    } finally {
      if (extraction.membersDir) await rm(extraction.membersDir, { recursive: true, force: true });
    }
    return out;
  }

  private refusedMember(job: FileJob, entry: SourceEntry, id: string, reason: string): FileResult {
    const doc: IndexDocument = {
      ...unreadDocument({ id, path: entry.relPath, size: entry.size, mtimeMs: entry.mtimeMs, reason }),
      container: job.id,
      ...(job.s3 ? { s3: job.s3 } : {}),
    };
    return { status: 'failed', doc, reason, ocrPages: 0, timings: {} };
  }
}

/** Failures that would recur on retry: everything except RetryableError and our own abort. */
function isPermanent(err: unknown, signal?: AbortSignal): boolean {
  if (err instanceof RetryableError) return false;
  if (signal?.aborted) return false;
  return true;
}
