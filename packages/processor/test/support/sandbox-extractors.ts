/**
 * Extractors that misbehave on purpose, loaded into the extraction sandbox's processes by its
 * tests (`extractorModules`): each one stands for a way a real parser goes wrong on hostile
 * input. The file's name carries the parameters, e.g. `ms=1500`.
 */
import sharp from 'sharp';
import { UnreadableFileError } from '../../src/core/errors';
import { loadPdfjs } from '../../src/pipeline/extract/pdf/pdfjs';
import type { ExtractInput, Extraction, Extractor } from '../../src/core/types';

const MiB = 1024 * 1024;

function param(input: ExtractInput, key: string, fallback: number): number {
  const match = new RegExp(`${key}=(\\d+)`).exec(input.name);
  return match ? Number(match[1]) : fallback;
}

const result = (text: string, more: Partial<Extraction> = {}): Extraction => ({ text, pages: 1, ocrPages: [], ...more });

/** Blocks this thread, as a parser stuck in a loop does (no timer, no message gets through). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const make = (name: string, extract: Extractor['extract']): Extractor => ({ name, mimeTypes: [`test/${name}`], extract });

export const extractors: Extractor[] = [
  make('test-echo', async (input) => result(`echo ${input.name} pid ${process.pid}`)),
  make('test-image', async () => result('picture', { image: new Uint8Array([1, 2, 3, 255]) })),
  make('test-unreadable', async () => {
    throw new UnreadableFileError('this file is broken in a known way');
  }),
  make('test-bug', async () => {
    throw new TypeError('cannot read properties of undefined');
  }),
  // A parser stuck in a loop.
  make('test-spin', async () => {
    for (;;) busy(1000);
  }),
  // Pages declared, then `ms` of parsing: within a budget that grows per page.
  make('test-pages', async (input, ctx) => {
    ctx.declarePages?.(param(input, 'pages', 1));
    busy(param(input, 'ms', 0));
    return result('paged');
  }),
  // Waits for OCR longer than the time budget: OCR waits do not count.
  make('test-ocr', async (input, ctx) => {
    const texts: string[] = [];
    for (let i = 0; i < param(input, 'pages', 1); i++) {
      const grey = new Uint8Array(64 * 64).fill(200);
      const r = await ctx.ocr.recognize({ kind: 'raw', data: grey, width: 64, height: 64, channels: 1 }, { dpi: 300 });
      texts.push(r.text);
    }
    return result(texts.join('\n'), { ocrPages: texts.map((_, i) => i + 1) });
  }),
  // A DOM that never stops growing on the JS heap (mammoth on a huge document.xml).
  make('test-heap', async () => {
    const nodes = new Map<number, { i: number; text: string; children: unknown[] }>();
    for (let i = 0; ; i++) nodes.set(i, { i, text: `paragraph ${i}`, children: [] });
  }),
  // Buffers outside the JS heap (exceljs buffering a huge part, pixels of a pixel bomb).
  make('test-buffers', async () => {
    const kept: Buffer[] = [];
    for (;;) {
      kept.push(Buffer.alloc(32 * MiB, 1));
      await sleep(5);
    }
  }),
  // Holds `mb` of memory for `ms`, then succeeds: several at once break a shared budget.
  make('test-hold', async (input) => {
    const kept: Buffer[] = [];
    for (let i = 0; i < param(input, 'mb', 100) / 16; i++) kept.push(Buffer.alloc(16 * MiB, 1));
    await sleep(param(input, 'ms', 1000));
    return result(`held ${kept.length * 16} MiB`);
  }),
  // Loads what real extractors load (pdf.js with its canvas, sharp), then uses `mb` of memory:
  // the budget is for parsing, not eaten by what libraries reserve and never touch.
  make('test-headroom', async (input) => {
    await loadPdfjs();
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const kept: Buffer[] = [];
    for (let i = 0; i < param(input, 'mb', 100) / 16; i++) kept.push(Buffer.alloc(16 * MiB, 1));
    return result(`used ${kept.length * 16} MiB`);
  }),
  // Native code dying on its own (a segfault in a decoder), far from any memory limit.
  make('test-abort', async () => {
    process.abort();
  }),
  // A library that throws where no promise catches it (JSZip inside exceljs).
  make('test-uncaught', async () => {
    setTimeout(() => {
      throw new RangeError('Invalid string length');
    }, 10);
    return new Promise<Extraction>(() => undefined);
  }),
  // Stops when cancelled, as the real extractors do between pages.
  make('test-cancellable', async (_input, ctx) => {
    while (!ctx.signal?.aborted) await sleep(20);
    throw ctx.signal.reason;
  }),
];
