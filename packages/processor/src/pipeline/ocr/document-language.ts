import type { OcrLang, OcrRecognizeOptions, OcrResult, OcrService } from '../../core/types';
import { nonSpaceLength } from './script';

/** A page with less text than this says little about the document's language. */
const MIN_DECIDING_CHARS = 40;

/**
 * OCR for one document: the first page with enough text decides the language, and later pages
 * are read with it as a hint instead of probing each page again (a probe costs 11-20 % of a
 * page's OCR time). Pages in the other language are still caught by the pool (see readPage in
 * ocr-worker.ts). Callers that name languages themselves are left alone.
 */
export function oneLanguagePerDocument(ocr: OcrService): OcrService {
  let decided: OcrLang | undefined;
  return {
    async recognize(image, opts: OcrRecognizeOptions = {}): Promise<OcrResult> {
      if (opts.langs?.length === 1) return ocr.recognize(image, opts);
      const result = await ocr.recognize(image, decided && !opts.langHint ? { ...opts, langHint: decided } : opts);
      if (!decided && nonSpaceLength(result.text) >= MIN_DECIDING_CHARS) decided = result.lang;
      return result;
    },
    // The service belongs to the pipeline, not to the document.
    close: async () => undefined,
  };
}
