import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { ConfigError, UnreadableFileError } from '../../core/errors';
import type { OcrImage, OcrLang, OcrRecognizeOptions, OcrResult, OcrService } from '../../core/types';
import { log } from '../../core/log';
import type { OcrPass, OcrTask, OcrTaskResult, OcrWorkerConfig } from './protocol';

/**
 * OCR of one page ran past a time limit; its thread was terminated to stop the work.
 * `phase` 'read': recognition took longer than `taskTimeoutMs`. 'start': the thread did not even
 * begin reading (thread or engine start, image preparation) within its own limit.
 */
export class OcrTimeoutError extends Error {
  override readonly name = 'OcrTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly phase: 'start' | 'read' = 'read',
  ) {
    super(
      phase === 'read'
        ? `OCR did not finish within the time limit of ${timeoutMs} ms`
        : `OCR did not start reading within the time limit of ${timeoutMs} ms (thread or engine start, image preparation)`,
    );
  }
}

/** Extra time before the pool gives up on a thread that has not started reading, so that the
 * thread's own engine-start timeout (with its clearer message) fires first. */
const START_GRACE_MS = 10_000;

const LANGS = ['jpn', 'eng'] as const satisfies readonly OcrLang[];
const posInt = z.number().int().positive();

export const ocrPoolOptionsSchema = z.strictObject({
  /** OCR threads (each one reads one page at a time). */
  threads: posInt.max(1024).default(() => availableParallelism()),
  /** Languages a page may be in, when the caller does not say. */
  langs: z.array(z.enum(LANGS)).min(1).default(['jpn', 'eng']),
  /** How a page that may be in either language gets its model; see protocol.ts. */
  strategy: z.enum(['probe', 'jpn-first', 'combined']).default('probe'),
  /** Below this share of CJK among non-space characters a page is read as English. */
  minCjkRatio: z.number().min(0).max(1).default(0.15),
  /** Per page, from the moment its thread starts reading; the thread is terminated when it runs over. */
  taskTimeoutMs: posInt.default(120_000),
  /** Starting a tesseract engine (loading a model); a thread that has not started reading a page
   * within this (plus a grace period) is terminated too. */
  initTimeoutMs: posInt.default(30_000),
  /** An engine is replaced after this many recognitions, to give back its WASM heap. */
  recycleAfterPages: posInt.default(100),
  /** Scans denser than this (by the dpi hint or the file's own figure) are scaled down to it. */
  targetDpi: posInt.min(70).max(1200).default(200),
  /** Images with more pixels than this are refused. */
  maxInputPixels: posInt.default(100_000_000),
  /** Larger images are scaled down to this many pixels before OCR (bounds the WASM heap). */
  maxOcrPixels: posInt.default(12_000_000),
  /** Pages with nothing shaped like print (photos, blank backs) are not OCR'd: their text is empty. */
  skipPagesWithoutPrint: z.boolean().default(true),
  /** Folders with `<lang>.traineddata.gz`; default: the @tesseract.js-data packages' 4.0.0_best_int. */
  langPaths: z.strictObject({ jpn: z.string().min(1).optional(), eng: z.string().min(1).optional() }).default({}),
});

export type OcrPoolOptions = z.input<typeof ocrPoolOptionsSchema>;
export type OcrPoolSettings = z.output<typeof ocrPoolOptionsSchema>;

export interface OcrPoolStats {
  pages: number;
  timeouts: number;
  unreadable: number;
  enginesStarted: number;
  enginesRecycled: number;
  /** Pages not OCR'd because nothing on them looked like print (counted in `pages` too). */
  skippedNoPrint: number;
}

/** What the pool tells beyond the OcrService contract, for diagnostics and benchmarks. */
export interface OcrPoolResult extends OcrResult {
  /** Every tesseract run this page took (a probe, a second language). */
  passes: OcrPass[];
}

export interface OcrPool extends OcrService {
  recognize(image: OcrImage, opts?: OcrRecognizeOptions): Promise<OcrPoolResult>;
  readonly settings: Readonly<OcrPoolSettings>;
  /** Counters since the pool started. */
  readonly stats: Readonly<OcrPoolStats>;
}

/** Validates OCR settings once; the ConfigError names the setting (`ocr.<key>`). */
export function parseOcrPoolOptions(options: OcrPoolOptions = {}): OcrPoolSettings {
  const parsed = ocrPoolOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid setting ocr.${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The folder of a language's LSTM-only integer model inside its @tesseract.js-data package. */
export function defaultLangPath(lang: OcrLang): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
}

/**
 * A fixed pool of OCR threads (piscina), sized to the cores, fully offline.
 *
 * Each page runs under `taskTimeoutMs`, counted from the moment a thread takes it: pages wait in
 * the pool's own queue until a thread is free, so time spent queueing never counts. A page that
 * runs over is aborted, which makes piscina terminate its thread; tesseract's own engine thread
 * is nested in it and ends with it (CPU stops, the WASM heap is released), and a fresh thread
 * takes its place.
 *
 * recognize() takes ownership of `image.data`: when the view spans its whole ArrayBuffer, that
 * buffer is transferred to the worker thread (no copy) and is empty afterwards. Pass a copy
 * (`data.slice()`) if you still need the bytes.
 */
export function createOcrPool(options: OcrPoolOptions = {}): OcrPool {
  const settings = parseOcrPoolOptions(options);
  const langPaths = {} as Record<OcrLang, string>;
  for (const lang of LANGS) {
    const dir = settings.langPaths[lang] ?? defaultLangPath(lang);
    const file = join(dir, `${lang}.traineddata.gz`);
    if (settings.langs.includes(lang) && !existsSync(file)) {
      throw new ConfigError(`invalid setting ocr.langPaths.${lang}: ${file} does not exist`);
    }
    langPaths[lang] = dir;
  }
  const bilingual = settings.langs.length > 1;
  const workerConfig: OcrWorkerConfig = {
    langPaths,
    models: bilingual && settings.strategy === 'combined' ? ['jpn+eng'] : [...settings.langs],
    combinedLangPath: settings.strategy === 'combined' ? combinedLangPath(langPaths) : undefined,
    initTimeoutMs: settings.initTimeoutMs,
    recycleAfterPages: settings.recycleAfterPages,
    targetDpi: settings.targetDpi,
    maxInputPixels: settings.maxInputPixels,
    maxOcrPixels: settings.maxOcrPixels,
    strategy: settings.strategy,
    minCjkRatio: settings.minCjkRatio,
    skipPagesWithoutPrint: settings.skipPagesWithoutPrint,
  };
  const piscina = new Piscina({
    ...workerScript(),
    minThreads: settings.threads,
    maxThreads: settings.threads,
    idleTimeout: Number.MAX_SAFE_INTEGER,
    concurrentTasksPerWorker: 1,
    // A thread must keep its event loop between tasks (engine shutdown, exit after a hung start).
    atomics: 'disabled',
    workerData: workerConfig,
  });
  piscina.on('error', (err: unknown) => log.error({ err }, 'OCR thread failed outside a task'));

  const slots = new Slots(settings.threads);
  const stats: OcrPoolStats = { pages: 0, timeouts: 0, unreadable: 0, enginesStarted: 0, enginesRecycled: 0, skippedNoPrint: 0 };
  let closed = false;

  async function recognize(image: OcrImage, opts: OcrRecognizeOptions = {}): Promise<OcrPoolResult> {
    if (closed) throw new Error('OCR pool is closed');
    const langs = opts.langs?.length ? opts.langs : settings.langs;
    await slots.acquire(opts.signal);
    const limit = new AbortController();
    const startLimitMs = settings.initTimeoutMs + START_GRACE_MS;
    let timer = setTimeout(() => limit.abort(new OcrTimeoutError(startLimitMs, 'start')), startLimitMs);
    // The thread says when it starts reading; from then on the page has taskTimeoutMs.
    const reading = new MessageChannel();
    reading.port1.once('message', () => {
      clearTimeout(timer);
      timer = setTimeout(() => limit.abort(new OcrTimeoutError(settings.taskTimeoutMs, 'read')), settings.taskTimeoutMs);
    });
    const signal = opts.signal ? AbortSignal.any([opts.signal, limit.signal]) : limit.signal;
    let result: OcrTaskResult;
    try {
      const task = { image, langs, dpi: opts.dpi, langHint: opts.langHint, reading: reading.port2 } satisfies OcrTask & { reading: MessagePort };
      const transferList = [reading.port2, ...transferable(image.data)];
      result = (await piscina.run(task, { signal, transferList })) as OcrTaskResult;
    } catch (err) {
      if (limit.signal.aborted) {
        stats.timeouts += 1;
        throw limit.signal.reason as OcrTimeoutError;
      }
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      reading.port1.close();
      slots.release();
    }
    if (!result.ok) {
      stats.unreadable += 1;
      throw new UnreadableFileError(result.reason);
    }
    stats.pages += 1;
    stats.enginesStarted += result.enginesStarted;
    stats.enginesRecycled += result.enginesRecycled;
    if (result.skippedNoPrint) stats.skippedNoPrint += 1;
    log.debug(
      { lang: result.lang, ms: Math.round(result.ms), preprocessMs: Math.round(result.preprocessMs), passes: result.passes, recycled: result.enginesRecycled, skippedNoPrint: result.skippedNoPrint },
      'OCR page read',
    );
    return { text: result.text, confidence: result.confidence, lang: result.lang, ms: Math.round(result.ms), passes: result.passes };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    slots.close(new Error('OCR pool is closed'));
    await piscina.destroy();
  }

  return { recognize, close, settings, stats };
}

/**
 * The worker file sits next to the running module: `ocr-worker.js` in the esbuild bundle (built
 * beside cis.js), `ocr-worker.ts` in the source tree. Worker threads get no TypeScript transform
 * from jest, so the .ts worker runs with tsx's CommonJS hook (harmless under tsx itself).
 */
function workerScript(): { filename: string; execArgv?: string[] } {
  const js = join(__dirname, 'ocr-worker.js');
  if (existsSync(js)) return { filename: js };
  return {
    filename: join(__dirname, 'ocr-worker.ts'),
    execArgv: [...process.execArgv, '--require', require.resolve('tsx/cjs')],
  };
}

function transferable(data: Uint8Array): ArrayBuffer[] {
  const buffer = data.buffer;
  return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength ? [buffer] : [];
}

/** 'jpn+eng' needs both models in one folder. */
function combinedLangPath(langPaths: Record<OcrLang, string>): string {
  const dir = join(tmpdir(), 'cis-tessdata-jpn+eng');
  mkdirSync(dir, { recursive: true });
  for (const lang of LANGS) {
    const link = join(dir, `${lang}.traineddata.gz`);
    if (!existsSync(link)) symlinkSync(join(langPaths[lang], `${lang}.traineddata.gz`), link);
  }
  return dir;
}

/** A FIFO of waiters for a fixed number of slots, so that pages queue here and not inside piscina. */
class Slots {
  private free: number;
  private readonly waiting: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.free += 1;
  }

  close(reason: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(reason);
  }
}
