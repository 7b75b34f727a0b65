import type { ExtractionSettings } from './config/extraction';
import { Pipeline } from './pipeline/pipeline';
import type { ImageEmbedder } from './core/types';
import { detectType } from './pipeline/detect/detect';
import { localImageEmbedder } from './pipeline/embed/local-image';
import { allExtractors } from './pipeline/extract';
import { ExtractorRegistry } from './pipeline/extract/registry';
import { oneLanguagePerDocument } from './pipeline/ocr/document-language';
import { createOcrPool } from './pipeline/ocr/pool';
import { ExtractionSandbox } from './pipeline/sandbox/sandbox';

export interface PipelineStack {
  pipeline: Pipeline;
  /** Stops the OCR threads and the extraction processes. */
  close(): Promise<void>;
}

export function defaultExtractors(): ExtractorRegistry {
  return new ExtractorRegistry(allExtractors);
}

/**
 * Extraction processes for `filesInFlight` files and `ocrThreads` OCR threads. A file keeps its
 * process while it waits for OCR, and OCR is the bottleneck: one process per OCR thread keeps
 * every thread fed, one more parses the next file meanwhile. Each further process cost about
 * 290 MB of resident memory on the bench and bought no speed (files in flight beyond this wait
 * for a process, already parsed pages wait for an OCR thread either way).
 */
export function extractionProcesses(ocrThreads: number, filesInFlight: number): number {
  return Math.max(1, Math.min(filesInFlight, ocrThreads + 1));
}

/**
 * The one place where stages are wired together. Local mode and the AWS worker both call
 * this; they differ only in the embedder (local descriptor vs Bedrock) and the index they
 * write to.
 */
export function composePipeline(
  settings: ExtractionSettings,
  opts: {
    embedder?: ImageEmbedder | null;
    /** Files processed at once; default 2 × OCR threads (extraction processes: see extractionProcesses). */
    concurrency?: number;
  } = {},
): PipelineStack {
  const ocr = createOcrPool({
    threads: settings.ocr.threads,
    langs: settings.ocr.langs,
    taskTimeoutMs: settings.ocr.taskTimeoutMs,
    recycleAfterPages: settings.ocr.pagesPerWorker,
    maxInputPixels: settings.limits.maxPixels,
  });
  const embedder = opts.embedder === null ? undefined : (opts.embedder ?? localImageEmbedder);
  // Untrusted parsing runs in processes of its own, under per-file memory and time budgets.
  const processes = extractionProcesses(settings.ocr.threads, opts.concurrency ?? settings.ocr.threads * 2);
  const sandbox = new ExtractionSandbox({ processes, ...settings.sandbox });
  const pipeline = new Pipeline({ registry: defaultExtractors(), ocr, ocrForFile: oneLanguagePerDocument, detect: detectType, limits: settings.limits, embedder, runner: sandbox });
  return {
    pipeline,
    close: async () => {
      await Promise.allSettled([sandbox.close(), ocr.close()]);
    },
  };
}
