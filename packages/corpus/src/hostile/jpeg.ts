import sharp from 'sharp';

/**
 * A small real JPEG whose frame header is rewritten to claim `width` × `height` (the issue: a
 * 342-byte file claiming 20000×20000). A decoder that trusts the header allocates for the claim.
 */
export async function lyingJpeg(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 100, height: 100, channels: 3, background: { r: 200, g: 200, b: 200 } } }).jpeg({ quality: 50 }).toBuffer();
  let at = 2;
  while (at + 9 <= jpeg.length) {
    const marker = jpeg[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no frame header in the JPEG sharp wrote');
}
