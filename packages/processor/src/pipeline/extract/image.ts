import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { UnreadableFileError, errorMessage } from '../../core/errors';
import { formatBytes, megapixels } from '../../core/format';
import type { ExtractContext, ExtractInput, Extraction, Extractor } from '../../core/types';
import { log } from '../../core/log';
import { joinPages, pageLimitNote } from './page-text';
import { type GreyPixels, greyPixels } from './grey-pixels';
import { exifFields } from './fields/exif-fields';

/**
 * Photos and scans: each page OCR'd in grey (every page of a multi-page TIFF), and a
 * downscaled JPEG of the first page for image-similarity search. sharp's prebuilt libvips
 * reads these formats; BMP is not among them.
 */
export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/tiff', 'image/webp', 'image/gif'] as const;

export const imageExtractor: Extractor = {
  name: 'image',
  mimeTypes: IMAGE_MIME_TYPES,
  extract: extractImage,
};

/** Long side of the picture handed to the embedder; Titan scales further to its own limit (2048 px). */
export const EMBED_MAX_SIDE = 1024;

/** Formats whose extra pages are pages of a document; GIF and WebP frames are animation. */
const PAGED_FORMATS = new Set(['tiff']);

export async function extractImage(input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
  if (input.size === 0) throw new UnreadableFileError('image is empty (0 bytes)');
  if (input.size > ctx.limits.maxFileBytes) {
    throw new UnreadableFileError(`image is ${formatBytes(input.size)}, over the ${formatBytes(ctx.limits.maxFileBytes)} size cap`);
  }
  const first = await headerOf(input.path, 0, ctx.limits.maxPixels);
  const pageCount = PAGED_FORMATS.has(first.format ?? '') ? (first.pages ?? 1) : 1;
  const toRead = Math.min(pageCount, ctx.limits.maxPages);
  ctx.declarePages?.(toRead);

  const texts: string[] = [];
  const ocrPages: number[] = [];
  let ocrMs = 0;
  for await (const page of pagesOf(input.path, first, toRead, ctx.limits.maxPixels)) {
    ctx.signal?.throwIfAborted();
    if (!mayHoldText(page)) {
      texts.push('');
      continue;
    }
    const result = await ctx.ocr.recognize(
      { kind: 'raw', data: page.data, width: page.width, height: page.height, channels: 1 },
      { dpi: assumedDpi(page.header, page), signal: ctx.signal },
    );
    texts.push(result.text);
    ocrPages.push(page.index + 1);
    ocrMs += result.ms;
  }

  const notes: string[] = [];
  const limitNote = pageLimitNote(pageCount, ctx.limits.maxPages);
  if (limitNote) {
    notes.push(limitNote);
    log.warn({ path: input.path, notes }, 'image partly extracted');
  }
  return {
    text: joinPages(texts),
    pages: pageCount,
    ocrPages,
    ocrMs,
    image: await pictureToEmbed(input.path, ctx.limits.maxPixels),
    fields: await exifFields(input.path, ctx.limits.exifGps ?? false),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** Pages of a multi-page image read in one go, at most this many pixels together. */
const BATCH_PIXELS = 16_000_000;

interface PagePixels extends GreyPixels {
  /** 0-based. */
  index: number;
  header: Metadata;
}

/**
 * The pages as upright grey pixels. A multi-page TIFF is read in batches (libvips reads
 * several same-size pages as one tall strip): every open walks the file's chain of page
 * directories from the start, so opening each of 10 000 pages on its own is quadratic (about
 * 145 ms an open at that length). Pages are read one at a time where batches cannot be used:
 * large pages, an orientation to apply, pages of different sizes.
 */
async function* pagesOf(path: string, first: Metadata, count: number, maxPixels: number): AsyncGenerator<PagePixels> {
  const perBatch = Math.max(1, Math.floor(BATCH_PIXELS / ((first.width ?? 1) * (first.height ?? 1))));
  const upright = (first.orientation ?? 1) === 1;
  for (let start = 0; start < count; ) {
    const n = Math.min(perBatch, count - start);
    const batch = n > 1 && upright ? await readBatch(path, start, n, first, maxPixels).catch(() => undefined) : undefined;
    if (batch) yield* batch;
    else {
      for (let index = start; index < start + n; index++) {
        const header = index === 0 ? first : await headerOf(path, index, maxPixels);
        const grey = await decode(greyPixels(open(path, index, maxPixels).rotate().flatten({ background: '#ffffff' })), index);
        yield { ...grey, index, header };
      }
    }
    start += n;
  }
}

/** `n` pages from `start` as one strip, cut into pages; fails when they differ in size (the caller then reads them one by one). */
async function readBatch(path: string, start: number, n: number, first: Metadata, maxPixels: number): Promise<PagePixels[]> {
  const { data, info } = await sharp(path, { page: start, pages: n, limitInputPixels: maxPixels, failOn: 'error' })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pageHeight = info.pageHeight ?? info.height;
  if (info.channels !== 1 || pageHeight * n !== info.height || info.width !== first.width) throw new Error('pages differ in size');
  const size = info.width * pageHeight;
  return Array.from({ length: n }, (_, i) => ({
    data: data.subarray(i * size, (i + 1) * size),
    width: info.width,
    height: pageHeight,
    index: start + i,
    header: first,
  }));
}

/** Under this many pixels high or wide, an image cannot show a readable character. */
const MIN_TEXT_SIDE = 10;
/** A page whose darkest and lightest grey differ by less than this is blank. */
const BLANK_RANGE = 8;

/** False for pages with nothing to read (blank, or too small for a character): OCR is skipped, the page counts as empty. */
export function mayHoldText(page: GreyPixels): boolean {
  if (page.width < MIN_TEXT_SIDE || page.height < MIN_TEXT_SIDE) return false;
  let min = 255;
  let max = 0;
  for (const v of page.data) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (max - min >= BLANK_RANGE) return true;
  }
  return false;
}

function open(path: string, page: number, maxPixels: number) {
  // failOn 'error': truncated and corrupt data fail; libjpeg's warnings about stray bytes,
  // common in camera files that display fine, do not.
  const options: SharpOptions = { page, limitInputPixels: maxPixels, failOn: 'error' };
  return sharp(path, options);
}

/** Reads only the header: the pixel cap is enforced before any pixel is decoded. */
async function headerOf(path: string, page: number, maxPixels: number): Promise<Metadata> {
  let meta: Metadata;
  try {
    // sharp's own pixel limit would refuse with a vaguer message; the check below names the sizes.
    meta = await sharp(path, { page, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new UnreadableFileError(`image is damaged or not an image: ${firstLine(err)}`, { cause: err });
  }
  const { width, height } = meta;
  if (!width || !height) throw new UnreadableFileError(`image is damaged: no size in its ${meta.format ?? 'unknown'} header`);
  if (width * height > maxPixels) {
    const where = page > 0 ? `page ${page + 1} is` : 'image is';
    throw new UnreadableFileError(
      `${where} ${width}×${height} = ${megapixels(width * height)}, over the limit of ${megapixels(maxPixels)}`,
    );
  }
  return meta;
}

async function decode<T>(work: Promise<T>, page: number): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const where = page > 0 ? ` (page ${page + 1})` : '';
    throw new UnreadableFileError(`image is damaged or truncated${where}: ${firstLine(err)}`, { cause: err });
  }
}

/** Letter (1.29) to A-series (1.41) page shapes, with some tolerance for scanner margins. */
const PAGE_ASPECT = { min: 1.25, max: 1.5 };
const A4_LONG_SIDE_INCHES = 297 / 25.4;
/** 72 and 96 are what software writes when it knows nothing (cameras, screenshots, editors). */
const PLACEHOLDER_DPI = 96;

/**
 * The resolution OCR may use to downscale: the file's own density when it is real; for a
 * page-shaped image without one, the density it would have if it were an A4 page, as most
 * such images are scanned or photographed documents; otherwise none, so OCR keeps every
 * pixel (screenshots and photos carry text at sizes no paper format predicts).
 */
export function assumedDpi(header: Pick<Metadata, 'density'>, page: { width: number; height: number }): number | undefined {
  if (header.density !== undefined && header.density > PLACEHOLDER_DPI) return Math.round(header.density);
  const long = Math.max(page.width, page.height);
  const aspect = long / Math.min(page.width, page.height);
  if (aspect < PAGE_ASPECT.min || aspect > PAGE_ASPECT.max) return undefined;
  return Math.round(long / A4_LONG_SIDE_INCHES);
}

/**
 * What an image's vector is computed from, for indexed files and query images alike: the same
 * picture must give the same vector whichever side it is on.
 */
export async function pictureToEmbed(path: string, maxPixels: number): Promise<Uint8Array> {
  const jpeg = await decode(
    open(path, 0, maxPixels)
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(EMBED_MAX_SIDE, EMBED_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer(),
    0,
  );
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}

function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0] ?? '';
}
