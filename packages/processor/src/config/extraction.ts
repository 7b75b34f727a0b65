import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { WORKER_DEFAULTS, WORKER_ENV } from '../contract';
import type { ExtractLimits, OcrLang } from '../core/types';
import { optionalNumber, parseSettings } from './parse';

export interface ExtractionSettings {
  limits: ExtractLimits;
  ocr: {
    threads: number;
    langs: OcrLang[];
    taskTimeoutMs: number;
    pagesPerWorker: number;
  };
}

const MiB = 1024 * 1024;

const V = WORKER_ENV;
const D = WORKER_DEFAULTS;

const schema = z.object({
  [V.ocrThreads]: optionalNumber(z.number().int().min(1).max(64)),
  [V.ocrLangs]: z
    .string()
    .regex(/^(jpn|eng)(,(jpn|eng))*$/, 'expected a comma-separated list of jpn and eng, e.g. "jpn,eng"')
    .optional(),
  [V.ocrTimeoutSeconds]: optionalNumber(z.number().positive().max(3600)),
  [V.ocrPagesPerWorker]: optionalNumber(z.number().int().min(1)),
  [V.maxPixels]: optionalNumber(z.number().int().min(1_000_000)),
  [V.maxFileMb]: optionalNumber(z.number().positive()),
  [V.maxPages]: optionalNumber(z.number().int().min(1)),
});

/**
 * Extraction and OCR settings shared by local mode and the AWS worker.
 * Defaults: one OCR thread per core; 120 s per page; engines recycled every 100 pages;
 * 100 megapixels (an A3 page at 600 dpi is 70); 1 GiB files; 2000 pages.
 */
export function extractionSettings(env: NodeJS.ProcessEnv = process.env): ExtractionSettings {
  const s = parseSettings(schema, env, 'extraction settings');
  return {
    limits: {
      maxPixels: s[V.maxPixels] ?? D.maxPixels,
      maxFileBytes: (s[V.maxFileMb] ?? D.maxFileMb) * MiB,
      maxPages: s[V.maxPages] ?? D.maxPages,
    },
    ocr: {
      threads: s[V.ocrThreads] ?? availableParallelism(),
      langs: (s[V.ocrLangs] ?? D.ocrLangs).split(',') as OcrLang[],
      taskTimeoutMs: (s[V.ocrTimeoutSeconds] ?? D.ocrTimeoutSeconds) * 1000,
      pagesPerWorker: s[V.ocrPagesPerWorker] ?? D.ocrPagesPerWorker,
    },
  };
}
