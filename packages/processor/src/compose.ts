import type { ExtractionSettings } from './config/extraction';
import { Pipeline } from './pipeline/pipeline';
import type { ImageEmbedder } from './core/types';
import { detectType } from './pipeline/detect/detect';
import { localImageEmbedder } from './pipeline/embed/local-image';
import { imageExtractor } from './pipeline/extract/image';
import { officeExtractors } from './pipeline/extract/office';
import { pdfExtractor } from './pipeline/extract/pdf';
import { ExtractorRegistry } from './pipeline/extract/registry';
import { textExtractors } from './pipeline/extract/text';
import { createOcrPool } from './pipeline/ocr/pool';

export interface PipelineStack {
  pipeline: Pipeline;
  /** Stops the OCR threads. */
  close(): Promise<void>;
}

export function defaultExtractors(): ExtractorRegistry {
  return new ExtractorRegistry([pdfExtractor, imageExtractor, ...officeExtractors, ...textExtractors]);
}

/**
 * The one place where stages are wired together. Local mode and the AWS worker both call
 * this; they differ only in the embedder (local descriptor vs Bedrock) and the index they
 * write to.
 */
export function composePipeline(settings: ExtractionSettings, opts: { embedder?: ImageEmbedder | null } = {}): PipelineStack {
  const ocr = createOcrPool({
    threads: settings.ocr.threads,
    langs: settings.ocr.langs,
    taskTimeoutMs: settings.ocr.taskTimeoutMs,
    recycleAfterPages: settings.ocr.pagesPerWorker,
    maxInputPixels: settings.limits.maxPixels,
  });
  const embedder = opts.embedder === null ? undefined : (opts.embedder ?? localImageEmbedder);
  const pipeline = new Pipeline({ registry: defaultExtractors(), ocr, detect: detectType, limits: settings.limits, embedder });
  return { pipeline, close: () => ocr.close() };
}
