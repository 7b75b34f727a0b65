import { availableParallelism } from 'node:os';
import { z } from 'zod';
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

const schema = z.object({
  CIS_OCR_THREADS: optionalNumber(z.number().int().min(1).max(64)),
  CIS_OCR_LANGS: z
    .string()
    .regex(/^(jpn|eng)(,(jpn|eng))*$/, 'expected a comma-separated list of jpn and eng, e.g. "jpn,eng"')
    .optional(),
  CIS_OCR_TIMEOUT_S: optionalNumber(z.number().positive().max(3600)),
  CIS_OCR_PAGES_PER_WORKER: optionalNumber(z.number().int().min(1)),
  CIS_MAX_PIXELS: optionalNumber(z.number().int().min(1_000_000)),
  CIS_MAX_FILE_MB: optionalNumber(z.number().positive()),
  CIS_MAX_PAGES: optionalNumber(z.number().int().min(1)),
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
      maxPixels: s.CIS_MAX_PIXELS ?? 100_000_000,
      maxFileBytes: (s.CIS_MAX_FILE_MB ?? 1024) * MiB,
      maxPages: s.CIS_MAX_PAGES ?? 2000,
    },
    ocr: {
      threads: s.CIS_OCR_THREADS ?? availableParallelism(),
      langs: (s.CIS_OCR_LANGS?.split(',') as OcrLang[] | undefined) ?? ['jpn', 'eng'],
      taskTimeoutMs: (s.CIS_OCR_TIMEOUT_S ?? 120) * 1000,
      pagesPerWorker: s.CIS_OCR_PAGES_PER_WORKER ?? 100,
    },
  };
}
