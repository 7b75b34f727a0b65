import sharp, { type Metadata } from 'sharp';
import { errorMessage } from '../../core/errors';

/** Titan Multimodal Embeddings G1 accepts PNG or JPEG up to 2048×2048 px and 25 MB. */
export const TITAN_IMAGE_LIMITS = { maxSide: 2048, maxBytes: 25 * 1024 * 1024 } as const;

/** Refuse decoding pictures above this many pixels (decompression bombs). */
const MAX_INPUT_PIXELS = 268_402_689;

/**
 * The image as the model will accept it: PNG or JPEG within the side and size limits. Images
 * already inside the limits go as they are (no second lossy encode); others are scaled to fit
 * and sent as JPEG. Throws a plain Error for bytes that are not a decodable image: a
 * permanent refusal, so the pipeline keeps the text and records the reason.
 */
export async function fitImageForTitan(image: Uint8Array, limits: { maxSide: number; maxBytes: number } = TITAN_IMAGE_LIMITS): Promise<Buffer> {
  let meta: Metadata;
  try {
    meta = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (err) {
    throw new Error(`image cannot be decoded for embedding: ${errorMessage(err)}`);
  }
  const { width = 0, height = 0 } = meta;
  const accepted = meta.format === 'png' || meta.format === 'jpeg';
  if (accepted && width <= limits.maxSide && height <= limits.maxSide && image.byteLength <= limits.maxBytes) {
    return Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  }
  for (const quality of [90, 75, 60, 40]) {
    const out = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer();
    if (out.byteLength <= limits.maxBytes) return out;
  }
  throw new Error(`image stays over ${limits.maxBytes} bytes even at low JPEG quality`);
}
