import type { OcrImage, OcrLang } from '../../core/types';

/** How a page that may be Japanese or English gets its model (see README in bench/ocr-bench.ts for figures). */
export type LangStrategy =
  /** OCR a few text lines with jpn first; their share of CJK picks the model for the page. */
  | 'probe'
  /** OCR the page with jpn; re-OCR with eng when the text has too little CJK. */
  | 'jpn-first'
  /** One pass with both models loaded ('jpn+eng'): cheapest, but English accuracy suffers. */
  | 'combined';

/** Settings every OCR thread gets once, as piscina `workerData`. */
export interface OcrWorkerConfig {
  /** Folder holding `<lang>.traineddata.gz` for each language. */
  langPaths: Record<OcrLang, string>;
  /** Tesseract models a thread may use ('jpn', 'eng', 'jpn+eng'); the first starts with the thread, the others when needed. */
  models: string[];
  /** Folder holding both languages' files, for the 'combined' strategy. */
  combinedLangPath?: string;
  initTimeoutMs: number;
  recycleAfterPages: number;
  targetDpi: number;
  maxInputPixels: number;
  maxOcrPixels: number;
  strategy: LangStrategy;
  /** Below this share of CJK among the non-space characters, a page is read as English. */
  minCjkRatio: number;
  /** Pages with nothing shaped like print are not OCR'd (see text-likeness.ts). */
  skipPagesWithoutPrint: boolean;
}

export interface OcrTask {
  image: OcrImage;
  langs: OcrLang[];
  dpi?: number;
  langHint?: OcrLang;
}

export interface OcrPass {
  model: string;
  ms: number;
  confidence: number;
  cjkRatio: number;
  /** True for the probe of a few lines, false for a whole page. */
  probe: boolean;
}

export type OcrTaskResult =
  | {
      ok: true;
      text: string;
      confidence: number;
      lang: OcrLang;
      /** Milliseconds inside the thread: preprocessing plus every OCR pass (not waiting for engines to start). */
      ms: number;
      preprocessMs: number;
      /** Pixels and resolution that tesseract saw. */
      width: number;
      height: number;
      passes: OcrPass[];
      /** Tesseract engines this task started (a new thread's first page, or after a recycle). */
      enginesStarted: number;
      /** Tesseract engines retired after this task because they had read `recycleAfterPages` pages. */
      enginesRecycled: number;
      /** Not OCR'd: nothing on the page looked like print. */
      skippedNoPrint?: boolean;
    }
  | { ok: false; reason: string };
