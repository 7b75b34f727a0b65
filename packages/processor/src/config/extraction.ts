import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { WORKER_DEFAULTS, WORKER_ENV } from '../contract';
import { ConfigError } from '../core/errors';
import type { ExtractLimits, OcrLang } from '../core/types';
import { optionalBoolean, optionalNumber, parseSettings } from './parse';

export interface ExtractionSettings {
  limits: ExtractLimits;
  /** Per-file budgets of the extraction sandbox (pipeline/sandbox). */
  sandbox: {
    memoryBytes: number;
    totalMemoryBytes: number;
    timeoutMs: number;
    perPageMs: number;
    maxTimeoutMs: number;
  };
  ocr: {
    threads: number;
    langs: OcrLang[];
    taskTimeoutMs: number;
    pagesPerWorker: number;
  };
}

const MiB = 1024 * 1024;

/** Time a paged file earns per page on top of CIS_EXTRACT_TIMEOUT_S: rendering a page for OCR takes about a second here. */
export const EXTRACT_SECONDS_PER_PAGE = 2;
/** No file's parsing runs longer than this, however many pages it has. */
export const EXTRACT_MAX_SECONDS = 20 * 60;

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
  // Below ~200 MiB a Node.js process with pdf.js and sharp loaded cannot parse an ordinary file.
  [V.extractMemoryMb]: optionalNumber(z.number().int().min(200)),
  [V.extractTotalMemoryMb]: optionalNumber(z.number().int().min(200)),
  [V.extractTimeoutSeconds]: optionalNumber(z.number().positive().max(EXTRACT_MAX_SECONDS)),
  [V.exifGps]: optionalBoolean,
  [V.containerMaxDepth]: optionalNumber(z.number().int().min(0).max(10)),
  [V.containerMaxMembers]: optionalNumber(z.number().int().min(1)),
  [V.containerMaxMb]: optionalNumber(z.number().positive()),
  // Text and office files compress 5–20×; a ratio under 10 would refuse ordinary archives.
  [V.containerMaxRatio]: optionalNumber(z.number().min(10)),
});

/**
 * Extraction and OCR settings shared by local mode and the AWS worker.
 * Defaults: one OCR thread per core; 120 s per page; engines recycled every 100 pages;
 * 100 megapixels (an A3 page at 600 dpi is 70); 1 GiB files; 2000 pages; 1.25 GiB and 60 s
 * (+ 2 s per page) of parsing per file, 3.5 GiB for all files being parsed at once.
 */
export function extractionSettings(env: NodeJS.ProcessEnv = process.env): ExtractionSettings {
  const s = parseSettings(schema, env, 'extraction settings');
  const memoryMb = s[V.extractMemoryMb] ?? D.extractMemoryMb;
  const totalMb = s[V.extractTotalMemoryMb] ?? D.extractTotalMemoryMb;
  if (totalMb < memoryMb) {
    throw new ConfigError(`invalid setting ${V.extractTotalMemoryMb}: ${totalMb} is below ${V.extractMemoryMb} (${memoryMb}); all files together need at least one file's budget`);
  }
  return {
    sandbox: {
      memoryBytes: memoryMb * MiB,
      totalMemoryBytes: totalMb * MiB,
      timeoutMs: (s[V.extractTimeoutSeconds] ?? D.extractTimeoutSeconds) * 1000,
      perPageMs: EXTRACT_SECONDS_PER_PAGE * 1000,
      maxTimeoutMs: EXTRACT_MAX_SECONDS * 1000,
    },
    limits: {
      maxPixels: s[V.maxPixels] ?? D.maxPixels,
      maxFileBytes: (s[V.maxFileMb] ?? D.maxFileMb) * MiB,
      maxPages: s[V.maxPages] ?? D.maxPages,
      exifGps: s[V.exifGps] ?? D.exifGps,
      container: {
        maxDepth: s[V.containerMaxDepth] ?? D.containerMaxDepth,
        maxMembers: s[V.containerMaxMembers] ?? D.containerMaxMembers,
        maxBytes: (s[V.containerMaxMb] ?? D.containerMaxMb) * MiB,
        maxRatio: s[V.containerMaxRatio] ?? D.containerMaxRatio,
      },
    },
    ocr: {
      threads: s[V.ocrThreads] ?? availableParallelism(),
      langs: (s[V.ocrLangs] ?? D.ocrLangs).split(',') as OcrLang[],
      taskTimeoutMs: (s[V.ocrTimeoutSeconds] ?? D.ocrTimeoutSeconds) * 1000,
      pagesPerWorker: s[V.ocrPagesPerWorker] ?? D.ocrPagesPerWorker,
    },
  };
}
