import { readFile } from 'node:fs/promises';
import { UnreadableFileError, errorMessage } from '../../core/errors';
import { formatBytes } from '../../core/format';
import type { ExtractContext, ExtractInput, Extraction, Extractor } from '../../core/types';
import { log } from '../../core/log';
import { joinPages, pageLimitNote } from './page-text';
import { PageReadError, type PageResult, extractPage } from './pdf/page';
import { type PDFDocumentProxy, loadPdfjs, openPdf } from './pdf/pdfjs';
import { RawJpegPages } from './pdf/raw-jpeg-scan';
import { pdfFields } from './fields/pdf-fields';

/**
 * PDFs through pdf.js (legacy build, Node 20): the text layer page by page; pages without
 * one that paint an image are OCR'd from the embedded scan image, or from a grey render
 * when no single image holds the scan. Pages are joined with form feeds (see page-text.ts).
 */
export const pdfExtractor: Extractor = {
  name: 'pdf',
  mimeTypes: ['application/pdf'],
  extract: extractPdf,
};

export async function extractPdf(input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
  if (input.size === 0) throw new UnreadableFileError('PDF is empty (0 bytes)');
  if (input.size > ctx.limits.maxFileBytes) {
    throw new UnreadableFileError(`PDF is ${formatBytes(input.size)}, over the ${formatBytes(ctx.limits.maxFileBytes)} size cap`);
  }
  const bytes = await readFile(input.path);
  ctx.signal?.throwIfAborted();
  const pdfjs = await loadPdfjs();
  const doc = await openPdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { maxImagePixels: ctx.limits.maxPixels });
  const stop = () => void doc.destroy();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  // Opened on the first page that needs OCR, so born-digital files never pay for it; from a
  // second read of the file, as pdf.js takes ownership of (detaches) the bytes it was given.
  let raw: Promise<RawJpegPages | undefined> | undefined;
  const rawPages = () => (raw ??= readFile(input.path).then((again) => RawJpegPages.open(again), () => undefined));
  try {
    const fields = await pdfFields(doc, input.path);
    return { ...(await extractPages(pdfjs, doc, input, ctx, rawPages)), fields };
  } finally {
    ctx.signal?.removeEventListener('abort', stop);
    await doc.destroy();
  }
}

async function extractPages(
  pdfjs: Awaited<ReturnType<typeof loadPdfjs>>,
  doc: PDFDocumentProxy,
  input: ExtractInput,
  ctx: ExtractContext,
  rawPages: () => Promise<RawJpegPages | undefined>,
): Promise<Extraction> {
  const started = performance.now();
  const pageCount = doc.numPages;
  const toRead = Math.min(pageCount, ctx.limits.maxPages);
  ctx.declarePages?.(toRead);
  const texts: string[] = [];
  const ocrPages: number[] = [];
  const notes: string[] = [];
  const unreadable: string[] = [];
  const leftOut: string[] = [];
  const scanFrom = { embedded: 0, render: 0 };
  let ocrMs = 0;

  for (let n = 1; n <= toRead; n++) {
    ctx.signal?.throwIfAborted();
    let result: PageResult;
    try {
      result = await readPage(pdfjs, doc, n, ctx, rawPages);
    } catch (err) {
      if (!(err instanceof PageReadError)) throw err;
      unreadable.push(`page ${n}: ${err.message}`);
      texts.push('');
      continue;
    }
    texts.push(result.text);
    if (result.note) leftOut.push(result.note);
    if (result.scanFrom) {
      ocrPages.push(n);
      ocrMs += result.ocrMs;
      scanFrom[result.scanFrom]++;
    }
  }

  // Destroying the document on abort makes pending page reads fail; that is not damage.
  ctx.signal?.throwIfAborted();
  if (toRead > 0 && unreadable.length === toRead) {
    throw new UnreadableFileError(`PDF is damaged: no page could be read (${unreadable[0]})`);
  }
  if (unreadable.length > 0) notes.push(`unreadable pages: ${unreadable.join('; ')}`);
  notes.push(...leftOut);
  const limitNote = pageLimitNote(pageCount, ctx.limits.maxPages);
  if (limitNote) notes.push(limitNote);
  if (notes.length > 0) log.warn({ path: input.path, notes }, 'PDF partly extracted');
  log.debug(
    { path: input.path, pages: pageCount, ocrPages: ocrPages.length, scanFrom, ocrMs, ms: Math.round(performance.now() - started) },
    'PDF extracted',
  );
  return {
    text: joinPages(texts),
    pages: pageCount,
    ocrPages,
    ocrMs,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

async function readPage(
  pdfjs: Awaited<ReturnType<typeof loadPdfjs>>,
  doc: PDFDocumentProxy,
  n: number,
  ctx: ExtractContext,
  rawPages: () => Promise<RawJpegPages | undefined>,
): Promise<PageResult> {
  const page = await doc.getPage(n).catch((err: unknown) => {
    throw new PageReadError(errorMessage(err), { cause: err });
  });
  try {
    return await extractPage(pdfjs, doc, page, ctx, rawPages);
  } finally {
    // Frees the page's decoded images and fonts before the next page is read.
    page.cleanup();
  }
}
