/**
 * The contracts between pipeline stages. Each stage is a small module behind one of
 * these interfaces; local mode and AWS mode differ only in which adapters they plug in.
 */

/** One file as a source lists it, before any byte is read. */
export interface SourceEntry {
  /** Path relative to the source root (local folder) or the object key (S3). Always '/'-separated. */
  relPath: string;
  size: number;
  /** Last modification time, epoch milliseconds. */
  mtimeMs: number;
  /** S3 ETag when the source is a bucket. */
  etag?: string;
}

/** A file made available on local disk for the extractors. */
export interface LocalFile {
  path: string;
  size: number;
  /** Removes temporary copies (S3 downloads); a no-op for files that live in the source folder. */
  release(): Promise<void>;
}

/** Broad families that select an extractor; `mime` carries the precise type. */
export type FileKind = 'pdf' | 'image' | 'office' | 'text' | 'other';

export interface DetectedType {
  mime: string;
  kind: FileKind;
  /** True when the extension disagreed with the content; the content wins. */
  extensionMismatch?: boolean;
}

/**
 * What happened to a file.
 * - indexed: text (and vector, where it applies) extracted and stored.
 * - metadata_only: stored by path/name/size/mtime/type only, because no reader exists for its type.
 * - failed: the file could not be read (corrupt, encrypted, too large, …); stored by metadata with `reason`.
 * - skipped: unchanged since the last run (same content hash); nothing redone.
 */
export type FileStatus = 'indexed' | 'metadata_only' | 'failed' | 'skipped';

/** Image handed to OCR: either an encoded file (PNG/JPEG/TIFF/PNM bytes) or raw greyscale/colour pixels. */
export type OcrImage =
  | { kind: 'encoded'; data: Uint8Array }
  | { kind: 'raw'; data: Uint8Array; width: number; height: number; channels: 1 | 3 | 4 };

export type OcrLang = 'jpn' | 'eng';

export interface OcrResult {
  text: string;
  /** Mean word confidence 0–100 as tesseract reports it. */
  confidence: number;
  /** Language model that produced `text`. */
  lang: OcrLang;
  ms: number;
}

export interface OcrRecognizeOptions {
  /** Languages to consider; the service picks the model per page. Default: its configured set. */
  langs?: OcrLang[];
  /** The language earlier pages of the same document were in: read with it first, no probe (see document-language.ts). */
  langHint?: OcrLang;
  /** Resolution of the image in dots per inch, when known; lets the service downscale where accuracy holds. */
  dpi?: number;
  signal?: AbortSignal;
}

export interface OcrService {
  recognize(image: OcrImage, opts?: OcrRecognizeOptions): Promise<OcrResult>;
  close(): Promise<void>;
}

/** Output of an extractor. */
export interface Extraction {
  text: string;
  /** Number of pages (1 for unpaged formats, sheets/slides for Office). */
  pages: number;
  /** 1-based numbers of pages whose text came from OCR. */
  ocrPages: number[];
  /** For images: the picture to embed for similarity search (encoded PNG/JPEG). */
  image?: Uint8Array;
  /** Set when the extractor stored metadata only on purpose (e.g. DocuWorks). */
  metadataOnlyReason?: string;
  /** Milliseconds spent in OCR within this extraction (part of the extract stage). */
  ocrMs?: number;
  /** Parts that were skipped and why (pages over the limit, a page that could not be read). */
  notes?: string[];
  /**
   * Milliseconds of the extraction spent outside the extractor itself: handing the file to the
   * extraction sandbox and the result back (IPC and supervision), not parsing or OCR.
   */
  isolationMs?: number;
}

export interface ExtractLimits {
  /** Refuse images (and rendered pages) with more pixels than this. */
  maxPixels: number;
  /** Refuse files larger than this many bytes. */
  maxFileBytes: number;
  /** Pages beyond this are not extracted (recorded in the document). */
  maxPages: number;
}

export interface ExtractContext {
  ocr: OcrService;
  limits: ExtractLimits;
  signal?: AbortSignal;
  /**
   * Paged extractors say how many pages they will read once they know: the sandbox's time
   * budget grows with the page count (see ExtractionRunner).
   */
  declarePages?(pages: number): void;
}

export interface ExtractInput {
  path: string;
  /** Original file name, for extractors that care (e.g. .csv vs .txt). */
  name: string;
  size: number;
  type: DetectedType;
}

/** A parser for some file types. The registry picks the highest weight among those claiming the mime type. */
export interface Extractor {
  readonly name: string;
  readonly mimeTypes: readonly string[];
  readonly weight?: number;
  /**
   * True for an extractor that reads nothing of the file's content (DocuWorks: metadata only):
   * it runs in the main process. Every other extractor parses untrusted bytes and runs in the
   * extraction sandbox, under the per-file memory and time budgets.
   */
  readonly inProcess?: boolean;
  extract(input: ExtractInput, ctx: ExtractContext): Promise<Extraction>;
}

/**
 * Runs an extractor on one file: in the main process (tests, in-process extractors) or in the
 * extraction sandbox (pipeline/sandbox), where a file that breaks its memory or time budget
 * fails alone with an OverBudgetError naming the budget.
 */
export interface ExtractionRunner {
  run(extractor: Extractor, input: ExtractInput, ctx: ExtractContext): Promise<Extraction>;
}

/** Picks the extractor for a detected type (ExtractorRegistry); the pipeline knows no format itself. */
export interface ExtractorPicker {
  /** Undefined: no reader for this type, only metadata can be stored. */
  pick(type: DetectedType): Extractor | undefined;
}

export interface ImageEmbedder {
  /** Identifies the vector space; vectors of different model ids are never compared. */
  readonly modelId: string;
  readonly dimensions: number;
  embed(image: Uint8Array, signal?: AbortSignal): Promise<Float32Array>;
}

/** The stored form of one file. */
export interface IndexDocument {
  /** Stable id: hash of the exact relative path (or object key), see core/ids.ts. */
  id: string;
  path: string;
  name: string;
  size: number;
  /** ISO 8601. */
  mtime: string;
  sha256: string;
  mime: string;
  kind: FileKind;
  pages: number;
  text: string;
  ocrPages: number[];
  status: Exclude<FileStatus, 'skipped'>;
  reason?: string;
  vector?: { modelId: string; values: Float32Array };
  /** ISO 8601 time of indexing. */
  indexedAt: string;
  /** Where the file came from in AWS mode. */
  s3?: { bucket: string; key: string; etag?: string };
}

/** What an index knows about a stored file, enough to decide whether to redo it. */
export interface IndexedState {
  id: string;
  sha256: string;
  size: number;
  status: IndexDocument['status'];
  /** The S3 object's ETag, when the file came from a bucket: a redelivered message is skipped without a download. */
  etag?: string;
}

export interface SearchHit {
  id: string;
  path: string;
  score: number;
  snippet: string;
}

/** What `cis search` and `cis similar` ask of an index (SQLite or OpenSearch). */
export interface SearchIndex {
  search(query: string, opts?: { limit?: number }): Promise<SearchHit[]>;
  /** Nearest stored vectors of the same model only. */
  similar(vector: { modelId: string; values: Float32Array }, opts?: { limit?: number }): Promise<SearchHit[]>;
}

/** Names of the timed stages, in pipeline order. */
export type StageName = 'fetch' | 'hash' | 'detect' | 'extract' | 'ocr' | 'isolation' | 'embed' | 'index';
