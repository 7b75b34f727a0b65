import type { Sharp } from 'sharp';

export interface GreyPixels {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Runs a sharp pipeline to one byte of grey per pixel: what OCR reads fastest, losing
 * nothing for text. sharp turns even one-channel raw input into sRGB on the way, so the
 * b-w colourspace is asked for explicitly.
 */
export async function greyPixels(pipeline: Sharp): Promise<GreyPixels> {
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 grey channel from sharp, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}
