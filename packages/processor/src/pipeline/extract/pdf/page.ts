import { errorMessage } from '../../../core/errors';
import { megapixels } from '../../../core/format';
import type { ExtractContext } from '../../../core/types';
import { type PaintedImage, paintedImages, placement } from './painted-images';
import type { PDFDocumentProxy, PDFPageProxy, Pdfjs } from './pdfjs';
import { renderPageGrey } from './render';
import type { RawJpegPages } from './raw-jpeg-scan';
import { MIN_SCAN_SHARE, type PageImage, decodedImage, jpegToOcrImage, pickScanImage, toOcrImage } from './scan-image';
import { textLayer, visibleCharCount } from './text-layer';

/**
 * A page with fewer visible characters than this may be a scan carrying a stamp (Bates
 * number, fax header, "received" date) in real text: it is OCR'd when an image covers
 * most of it, and the stamp's text is kept alongside.
 */
export const SPARSE_TEXT_CHARS = 32;

export type PageKind = 'text' | 'scan' | 'blank';

/** Text and images decide: no visible text and no image is blank; an image with no or sparse text over it is a scan. */
export function classifyPage(textChars: number, images: readonly PaintedImage[], size: { width: number; height: number }): PageKind {
  if (images.length === 0) return textChars === 0 ? 'blank' : 'text';
  if (textChars === 0) return 'scan';
  const largestShare = Math.max(...images.map((i) => placement(i.matrix, size).pageShare));
  return textChars < SPARSE_TEXT_CHARS && largestShare >= MIN_SCAN_SHARE ? 'scan' : 'text';
}

/** pdf.js could not parse one page (a broken content stream or resource); the other pages still count. */
export class PageReadError extends Error {
  override readonly name = 'PageReadError';
}

async function parsing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new PageReadError(errorMessage(err), { cause: err });
  }
}

export interface PageResult {
  kind: PageKind;
  text: string;
  /** How the OCR'd pixels were obtained. */
  scanFrom?: 'embedded' | 'render';
  ocrMs: number;
  /** What was left out of the page and why (an image over the pixel limit). */
  note?: string;
}

/**
 * One page: its text layer, and for a scan the OCR of its embedded image (rendering the
 * page only when no single image holds the scan). Text pages never reach the operator
 * list, which is where pdf.js decodes images; a page that only draws one JPEG does not
 * either: `rawPages` hands its bytes to sharp.
 */
export async function extractPage(
  pdfjs: Pdfjs,
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  ctx: ExtractContext,
  rawPages?: () => Promise<RawJpegPages | undefined>,
): Promise<PageResult> {
  const layer = await parsing(textLayer(page));
  const chars = visibleCharCount(layer);
  if (chars >= SPARSE_TEXT_CHARS) return { kind: 'text', text: layer, ocrMs: 0 };

  // Decoding the page's images (operator list, render, the stored JPEG) must stay within the pixel limit.
  const oversized = (await rawPages?.())?.oversizedImages(page.pageNumber - 1, ctx.limits.maxPixels) ?? [];
  if (oversized.length > 0) {
    const note = `page ${page.pageNumber}: ${oversized.join('; ')}: not decoded, over the limit of ${megapixels(ctx.limits.maxPixels)}`;
    return { kind: chars === 0 ? 'blank' : 'text', text: layer, ocrMs: 0, note };
  }

  const viewport = page.getViewport({ scale: 1 });
  const fromJpeg = await storedJpeg(page, viewport, ctx, rawPages);
  if (fromJpeg) return readScan(layer, chars, { source: fromJpeg, scanFrom: 'embedded' }, ctx);

  const ops = await parsing(page.getOperatorList());
  const images = paintedImages(ops, pdfjs.OPS, viewport.transform);
  const kind = classifyPage(chars, images, viewport);
  if (kind !== 'scan') return { kind, text: layer, ocrMs: 0 };
  return readScan(layer, chars, await scanPixels(doc, page, images, viewport, ctx), ctx);
}

/** OCR of a scanned page; a sparse text layer (a stamp) is kept before it. */
async function readScan(
  layer: string,
  chars: number,
  { source, scanFrom }: { source: PageImage; scanFrom: 'embedded' | 'render' },
  ctx: ExtractContext,
): Promise<PageResult> {
  const ocr = await ctx.ocr.recognize(source.image, { dpi: source.dpi, signal: ctx.signal });
  return { kind: 'scan', text: chars > 0 ? `${layer}\n${ocr.text}` : ocr.text, scanFrom, ocrMs: ocr.ms };
}

/** The page's pixels from its JPEG as stored, when the page only draws that (see raw-jpeg-scan.ts). */
async function storedJpeg(
  page: PDFPageProxy,
  viewport: { width: number; height: number; transform: number[] },
  ctx: ExtractContext,
  rawPages: (() => Promise<RawJpegPages | undefined>) | undefined,
): Promise<PageImage | undefined> {
  const raw = (await rawPages?.())?.scan(page.pageNumber - 1, viewport.transform);
  // A JPEG sharp cannot read goes the pdf.js way, which reports what is wrong with it.
  return raw && jpegToOcrImage(raw.jpeg, raw, placement(raw.matrix, viewport), ctx.limits.maxPixels).catch(() => undefined);
}

async function scanPixels(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  images: readonly PaintedImage[],
  size: { width: number; height: number },
  ctx: ExtractContext,
): Promise<{ source: PageImage; scanFrom: 'embedded' | 'render' }> {
  const candidate = pickScanImage(images, size);
  const decoded = candidate && (await decodedImage(page, candidate.image));
  if (candidate && decoded) {
    return { source: await toOcrImage(decoded, candidate.placement, ctx.limits.maxPixels), scanFrom: 'embedded' };
  }
  return { source: await renderPageGrey(doc, page, ctx.limits.maxPixels, ctx.signal), scanFrom: 'render' };
}
