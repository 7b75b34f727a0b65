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
export type FileKind = 'pdf' | 'image' | 'office' | 'text' | 'container' | 'other';

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
  /** What the file says about itself (document properties, EXIF, mail headers). */
  fields?: DocumentFields;
  /**
   * A container's members (a zip's files, a mail's attachments), unpacked to `membersDir`:
   * each becomes its own document through the whole pipeline. The pipeline removes the folder.
   */
  members?: ContainerMember[];
  membersDir?: string;
}

/** One member of a container, as its reader unpacked (or refused) it. */
export interface ContainerMember {
  /** Path inside the container, '/'-separated (dir/member.pdf; an attachment's file name). */
  path: string;
  /** Where its bytes were written; absent when it was refused. */
  file?: string;
  /** Uncompressed bytes. */
  size: number;
  mtimeMs?: number;
  /** Why it was not unpacked (encrypted, over a container limit): stored as failed with this reason. */
  refused?: string;
}

/**
 * Descriptive fields a file carries about itself, as search pages filter on them: document
 * properties (PDF Info/XMP, Office docProps), EXIF of photos, the headers of a mail. Dates are
 * ISO 8601. Absent when the file does not say.
 */
export interface DocumentFields {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  /** The application that made the file (PDF Creator/Producer, Office Application). */
  creatorTool?: string;
  lastModifiedBy?: string;
  company?: string;
  created?: string;
  modified?: string;
  /** Photos: when the picture was taken (EXIF DateTimeOriginal). */
  takenAt?: string;
  cameraMake?: string;
  cameraModel?: string;
  /** EXIF orientation 1–8 as recorded; the pixels are read upright whatever it says. */
  orientation?: number;
  /** Only when CIS_EXIF_GPS allows it (privacy). */
  gps?: { lat: number; lon: number };
  /** Mail headers. */
  from?: string;
  to?: string[];
  cc?: string[];
  sentAt?: string;
}

/** The language most of a document's text is written in (core/language.ts). */
export type DocumentLanguage = 'ja' | 'en' | 'other';

export interface ExtractLimits {
  /** Refuse images (and rendered pages) with more pixels than this. */
  maxPixels: number;
  /** Refuse files larger than this many bytes. */
  maxFileBytes: number;
  /** Pages beyond this are not extracted (recorded in the document). */
  maxPages: number;
  /** Store where a photo was taken (EXIF GPS); off unless a deployment opts in (privacy). */
  exifGps?: boolean;
  /** How far containers (zip, mail) are opened; CONTAINER_DEFAULTS where absent. */
  container?: ContainerLimits;
}

export interface ContainerLimits {
  /** Containers inside containers: 1 opens a zip but not a zip inside it. */
  maxDepth: number;
  maxMembers: number;
  /** All members of one container together, uncompressed. */
  maxBytes: number;
  /** A member whose uncompressed size is over this many times its compressed size is refused. */
  maxRatio: number;
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
  /** A reader of containers (zip, mail): not opened beyond CIS_CONTAINER_MAX_DEPTH. */
  readonly container?: boolean;
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
  /** Of the text; 'other' also for documents without text. */
  language: DocumentLanguage;
  fields?: DocumentFields;
  /** For a member of a zip or an attachment of a mail: the id of the document it came out of. */
  container?: string;
  vector?: { modelId: string; values: Float32Array };
  /** ISO 8601 time of indexing. */
  indexedAt: string;
  /** Where the file came from in AWS mode. */
  s3?: { bucket: string; key: string; etag?: string };
}

/** A stored document as `cis show` prints it: the vector by its model and size, not its values. */
export type StoredDocument = Omit<IndexDocument, 'vector'> & { vector?: { modelId: string; dimensions: number } };

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
  /** The document stored for this path (exactly as stored), for `cis show`. */
  getByPath(path: string): Promise<StoredDocument | undefined>;
  /** Nearest stored vectors of the same model only. */
  similar(vector: { modelId: string; values: Float32Array }, opts?: { limit?: number }): Promise<SearchHit[]>;
}

/** Names of the timed stages, in pipeline order. */
export type StageName = 'fetch' | 'hash' | 'detect' | 'extract' | 'ocr' | 'isolation' | 'embed' | 'index';
