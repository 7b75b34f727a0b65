import sharp, { type Sharp } from 'sharp';
import type { OcrImage } from '../../../core/types';
import { greyPixels } from '../grey-pixels';
import { type PaintedImage, type PdfImageData, type Placement, placement } from './painted-images';
import type { PDFPageProxy } from './pdfjs';

/** Below this share of the page, an image among others is a logo or stamp, not the scan. */
export const MIN_SCAN_SHARE = 0.5;

const IMAGE_KIND_CHANNELS: Record<number, 1 | 3 | 4> = { 1: 1, 2: 3, 3: 4 };

export interface ScanCandidate {
  image: PaintedImage;
  placement: Placement;
}

/**
 * The image that holds a scanned page: the only image the page paints, or the largest
 * one when it covers at least half the page (strip-scanned pages and image mosaics are
 * rendered instead). Stencil masks and grouped images are never taken.
 */
export function pickScanImage(images: readonly PaintedImage[], page: { width: number; height: number }): ScanCandidate | undefined {
  let best: ScanCandidate | undefined;
  for (const image of images) {
    if (image.source === 'other') continue;
    const p = placement(image.matrix, page);
    if (!best || p.pageShare > best.placement.pageShare) best = { image, placement: p };
  }
  if (!best) return undefined;
  return images.length === 1 || best.placement.pageShare >= MIN_SCAN_SHARE ? best : undefined;
}

/** How long to wait for pdf.js to hand over a decoded image before rendering the page instead. */
const IMAGE_WAIT_MS = 30_000;

/**
 * The decoded pixels of the image, or undefined when pdf.js has none usable. The operator
 * list arrives before pdf.js has finished decoding the images it names, so this waits for
 * the object (pdf.js resolves it with null when decoding fails).
 */
export async function decodedImage(page: PDFPageProxy, image: PaintedImage): Promise<PdfImageData | undefined> {
  const data = image.source === 'inline' ? image.inline : await lookUp(page, image.objId);
  if (!data || !data.data || !data.kind || !(data.kind in IMAGE_KIND_CHANNELS)) return undefined;
  return data;
}

function lookUp(page: PDFPageProxy, objId: string | undefined): Promise<PdfImageData | undefined> {
  if (!objId) return Promise.resolve(undefined);
  // pdf.js keeps images shared between pages ("g_" ids) in the document-wide store.
  const store = objId.startsWith('g_') ? page.commonObjs : page.objs;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), IMAGE_WAIT_MS);
    store.get(objId, (data: PdfImageData | null) => {
      clearTimeout(timer);
      resolve(data ?? undefined);
    });
  });
}

export interface PageImage {
  image: OcrImage & { kind: 'raw' };
  /** Resolution of `image` on the page, when it can be told. */
  dpi?: number;
}

/**
 * Turns pdf.js's decoded image into upright greyscale pixels for OCR (grey is cheaper to
 * recognise than colour and loses nothing for text), scaled down only to fit `maxPixels`.
 * The dpi follows from the pixel size and the size the page displays the image at.
 */
export async function toOcrImage(data: PdfImageData, where: Placement, maxPixels: number): Promise<PageImage> {
  const { width, height } = data;
  const channels = IMAGE_KIND_CHANNELS[data.kind ?? 0];
  if (!channels || !data.data) throw new TypeError(`unsupported pdf.js image kind ${data.kind}`);
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  const dpi = imageDpi(width * scale, height * scale, where);

  const pixels = data.kind === 1 ? unpackBits(data.data, width, height) : new Uint8Array(data.data.buffer, data.data.byteOffset, data.data.byteLength);
  if (channels === 1 && where.quarterTurns === 0 && scale === 1) {
    return { image: { kind: 'raw', data: pixels, width, height, channels: 1 }, dpi };
  }
  let pipeline = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width, height, channels },
    limitInputPixels: false,
  });
  if (channels === 4) pipeline = pipeline.flatten({ background: '#ffffff' });
  return { image: await uprightGrey(pipeline, { width, height }, scale, where), dpi };
}

/**
 * A scanned page's JPEG (see raw-jpeg-scan.ts) decoded by sharp, as upright grey pixels scaled
 * like toOcrImage's. Orientation comes from the placement only, as pdf.js ignores EXIF too.
 */
export async function jpegToOcrImage(jpeg: Uint8Array, size: { width: number; height: number }, where: Placement, maxPixels: number): Promise<PageImage> {
  const scale = Math.min(1, Math.sqrt(maxPixels / (size.width * size.height)));
  const dpi = imageDpi(size.width * scale, size.height * scale, where);
  // The frame's real size was checked against maxPixels (RawJpegPages.oversizedImages); sharp checks again.
  const pipeline = sharp(jpeg, { limitInputPixels: maxPixels });
  return { image: await uprightGrey(pipeline, size, scale, where), dpi };
}

async function uprightGrey(pipeline: Sharp, size: { width: number; height: number }, scale: number, where: Placement): Promise<PageImage['image']> {
  if (scale < 1) pipeline = pipeline.resize(Math.max(1, Math.floor(size.width * scale)), Math.max(1, Math.floor(size.height * scale)), { fit: 'fill' });
  let grey = await greyPixels(pipeline);
  // The resize above is in unrotated terms; rotating in a second pass keeps it unambiguous
  // (sharp orders rotate and resize by its own rules, not by call order). Rotated scans are rare.
  if (where.quarterTurns !== 0) {
    grey = await greyPixels(sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } }).rotate(where.quarterTurns * 90));
  }
  return { kind: 'raw', ...grey, channels: 1 };
}

/** pdf.js packs 1-bit images by rows padded to whole bytes, a set bit being white. */
export function unpackBits(packed: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const stride = (width + 7) >> 3;
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      grey[out + x] = packed[row + (x >> 3)] & (0x80 >> (x & 7)) ? 255 : 0;
    }
  }
  return grey;
}

/** Plausible scan resolutions; outside them the placement is odd (a stretched thumbnail, a sliver) and no hint is better than a wrong one. */
const DPI_RANGE = { min: 30, max: 2400 };

function imageDpi(widthPx: number, heightPx: number, where: Placement): number | undefined {
  if (where.widthPt <= 0 || where.heightPt <= 0) return undefined;
  const dpi = Math.round((widthPx / where.widthPt + heightPx / where.heightPt) * 36);
  return dpi >= DPI_RANGE.min && dpi <= DPI_RANGE.max ? dpi : undefined;
}
