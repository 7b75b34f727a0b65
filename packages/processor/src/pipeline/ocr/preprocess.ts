import sharp from 'sharp';
import type { OcrImage } from '../../core/types';

/** The image cannot be decoded or breaks a limit; the reason goes to the caller as UnreadableFileError. */
export class BadImageError extends Error {
  override readonly name = 'BadImageError';
}

export interface PreprocessLimits {
  targetDpi: number;
  maxInputPixels: number;
  maxOcrPixels: number;
}

/** A greyscale page ready for tesseract. */
export interface GreyPage {
  /** One byte per pixel, row after row. */
  grey: Uint8Array;
  width: number;
  height: number;
  /** Resolution after scaling, when the source resolution was known. */
  dpi?: number;
}

// Leave pages that are only a little denser than the target alone: resampling costs more than it saves.
const DOWNSCALE_SLACK = 1.15;

/**
 * Greyscale, auto-orient, and shrink to the target resolution (and under the pixel cap):
 * leptonica then decodes a trivial PGM and tesseract works on fewer pixels, which is faster
 * at the same accuracy. The resolution comes from the caller's hint, else from the file.
 */
export async function toGreyPage(image: OcrImage, dpiHint: number | undefined, limits: PreprocessLimits): Promise<GreyPage> {
  const { pipeline, width, height, declaredDpi } =
    image.kind === 'raw' ? rawInput(image, limits) : await encodedInput(image.data, limits);
  const sourceDpi = dpiHint ?? declaredDpi;
  let scale = sourceDpi !== undefined && sourceDpi > limits.targetDpi * DOWNSCALE_SLACK ? limits.targetDpi / sourceDpi : 1;
  if (width * height * scale * scale > limits.maxOcrPixels) scale = Math.sqrt(limits.maxOcrPixels / (width * height));
  const outWidth = Math.max(1, Math.round(width * scale));
  if (image.kind === 'raw' && image.channels === 1 && outWidth === width) {
    return { grey: image.data, width, height, dpi: sourceDpi };
  }
  if (outWidth !== width) pipeline.resize({ width: outWidth });
  try {
    const { data, info } = await pipeline.greyscale().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel after greyscale, got ${info.channels}`);
    return {
      grey: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      dpi: sourceDpi === undefined ? undefined : Math.round(sourceDpi * (info.width / width)),
    };
  } catch (err) {
    throw new BadImageError(`cannot decode image: ${firstLine(err)}`, { cause: err });
  }
}

function rawInput(image: Extract<OcrImage, { kind: 'raw' }>, limits: PreprocessLimits) {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new BadImageError(`raw image has invalid size ${width}x${height}`);
  }
  if (![1, 3, 4].includes(channels)) throw new BadImageError(`raw image has ${channels} channels; 1, 3 or 4 are supported`);
  checkPixels(width, height, limits);
  const expected = width * height * channels;
  if (data.byteLength !== expected) {
    throw new BadImageError(`raw image is ${data.byteLength} bytes, expected ${width}x${height}x${channels} = ${expected}`);
  }
  const pipeline = sharp(data, { raw: { width, height, channels } });
  if (channels === 4) pipeline.flatten({ background: '#ffffff' });
  return { pipeline, width, height, declaredDpi: undefined };
}

async function encodedInput(data: Uint8Array, limits: PreprocessLimits) {
  if (data.byteLength === 0) throw new BadImageError('image is empty (0 bytes)');
  const meta = await sharp(data)
    .metadata()
    .catch((err: unknown) => {
      throw new BadImageError(`cannot decode image: ${firstLine(err)}`, { cause: err });
    });
  if (!meta.width || !meta.height) throw new BadImageError(`cannot decode image: no size in ${meta.format ?? 'unknown'} header`);
  checkPixels(meta.width, meta.height, limits);
  // EXIF orientations 5-8 swap width and height once applied.
  const swap = (meta.orientation ?? 1) >= 5;
  const pipeline = sharp(data, { limitInputPixels: limits.maxInputPixels, failOn: 'error' })
    .rotate()
    .flatten({ background: '#ffffff' });
  return {
    pipeline,
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    // 72 is what most software writes when it knows nothing; only a higher figure is information.
    declaredDpi: meta.density !== undefined && meta.density > 72 ? meta.density : undefined,
  };
}

function checkPixels(width: number, height: number, limits: PreprocessLimits): void {
  if (width * height > limits.maxInputPixels) {
    throw new BadImageError(`image has ${width}x${height} = ${width * height} pixels, over the limit of ${limits.maxInputPixels}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** Portable greymap: a header and the bytes, which leptonica reads without any decoding work. */
export function toPgm(page: { grey: Uint8Array; width: number; height: number }): Uint8Array {
  const header = Buffer.from(`P5\n${page.width} ${page.height}\n255\n`, 'ascii');
  const pgm = new Uint8Array(header.byteLength + page.grey.byteLength);
  pgm.set(header, 0);
  pgm.set(page.grey, header.byteLength);
  return pgm;
}
