/** What a generated file is and what indexing it must give. Written beside the files as JSON. */

export type EntryKind =
  | 'scanned-pdf'
  | 'born-digital-pdf'
  | 'hybrid-pdf'
  | 'scan-image'
  | 'photo'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'text'
  | 'csv'
  | 'markdown'
  | 'html'
  | 'docuworks'
  | 'bad';

/** Mirrors the pipeline's FileStatus for a first run (never `skipped`). */
export type ExpectedOutcome = 'indexed' | 'metadata_only' | 'failed';

export interface OcrPageTruth {
  /** 1-based page number within the file. */
  page: number;
  lang: 'jpn' | 'eng';
  dpi: number;
  /** Exactly the text printed on the page, one printed line per line (for CER). */
  text: string;
}

export interface ManifestEntry {
  /** Relative to the corpus root, '/'-separated. */
  path: string;
  kind: EntryKind;
  /** The real content type (which may disagree with the extension, on purpose). */
  mime: string;
  language: 'ja' | 'en' | 'none';
  description: string;
  expectedOutcome: ExpectedOutcome;
  /** Distinctive words (≥ 3 characters) that search must find in this file once indexed. */
  expectedWords: string[];
  pages: number;
  /** Pages with a real text layer (PDF). */
  textLayerPages: number[];
  /** Pages whose text only OCR can recover, with their ground truth. */
  ocrPages: OcrPageTruth[];
  /** For an edited photo: the original it was made from. */
  similarTo?: string;
  edit?: string;
  /** For bad input: what is wrong with it. */
  defect?: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  generator: '@cis/corpus';
  generatorVersion: string;
  /** Name of the set: samples, bench-quick, bench-full. */
  set: string;
  entries: ManifestEntry[];
}
