import sharp from 'sharp';
import type { Rng } from '../random';
import type { GreyImage } from './page';

export interface ScanLook {
  /** Paper brightness 0–255 (a scanner rarely gives pure white). */
  paper: number;
  /** Darkest ink value. */
  ink: number;
  /** Standard deviation of per-pixel sensor noise. */
  noise: number;
  /** Relative brightness fall-off from one side of the glass to the other. */
  falloff: number;
  /** Dust specks per page. */
  specks: number;
}

export function randomLook(rng: Rng): ScanLook {
  return {
    paper: rng.int(226, 244),
    ink: rng.int(18, 45),
    noise: rng.range(3, 6),
    falloff: rng.range(0.01, 0.05),
    specks: rng.int(40, 160),
  };
}

/** A skew a scanner's feeder plausibly gives, in degrees. */
export function randomSkew(rng: Rng): number {
  return rng.range(0.25, 0.9) * (rng.chance(0.5) ? -1 : 1);
}

/**
 * Turns a clean render into what a scanner delivers: grey paper with uneven lighting, ink that
 * is not black, sensor noise and dust. Pure function of the image and the generator.
 */
export function applyScanLook(img: GreyImage, look: ScanLook, rng: Rng): GreyImage {
  const { width, height } = img;
  const out = new Uint8Array(width * height);
  // A table of normal deviates indexed by xorshift keeps 9 M pixels fast and deterministic. The
  // loop avoids Math.* on purpose: jest's vm context makes every global lookup slow (30×).
  const table = new Float32Array(65536);
  for (let i = 0; i < table.length; i++) table[i] = rng.normal() * look.noise;
  let state = rng.int(1, 0x7ffffffe);
  for (let y = 0; y < height; y++) {
    const rowPaper = look.paper - 4 * (y / height);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const paper = rowPaper - look.paper * look.falloff * (x / width);
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const v = look.ink + ((paper - look.ink) * img.data[i]!) / 255 + table[(state >>> 0) & 0xffff]! + 0.5;
      out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
    }
  }
  for (let s = 0; s < look.specks; s++) {
    const cx = rng.int(0, width - 1);
    const cy = rng.int(0, height - 1);
    const r = rng.range(0.8, 2.6);
    const shade = rng.int(40, 140);
    for (let y = Math.floor(cy - r); y <= cy + r; y++) {
      for (let x = Math.floor(cx - r); x <= cx + r; x++) {
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) out[y * width + x] = Math.min(out[y * width + x]!, shade);
      }
    }
  }
  return { width, height, data: out };
}

function pipeline(img: GreyImage, dpi: number): ReturnType<typeof sharp> {
  // A slight blur stands in for the optics of a flatbed scanner.
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).blur(0.55).toColourspace('b-w').withDensity(dpi);
}

export function encodeJpeg(img: GreyImage, dpi: number, quality: number): Promise<Buffer> {
  return pipeline(img, dpi).jpeg({ quality }).toBuffer();
}

export function encodePng(img: GreyImage, dpi: number): Promise<Buffer> {
  return pipeline(img, dpi).png({ compressionLevel: 9 }).toBuffer();
}

/** Several pages as one TIFF, one page per directory (how document scanners write batches). */
export async function encodeMultiPageTiff(pages: GreyImage[], dpi: number): Promise<Buffer> {
  const { width, height } = pages[0]!;
  if (pages.some((p) => p.width !== width || p.height !== height)) throw new Error('TIFF pages must share one size');
  const blurred = await Promise.all(pages.map((p) => pipeline(p, dpi).raw().toBuffer()));
  if (blurred.some((b) => b.length !== width * height)) throw new Error('expected one grey channel per scanned page');
  const stacked = Buffer.concat(blurred);
  const pxPerMm = dpi / 25.4;
  return sharp(stacked, { raw: { width, height: height * pages.length, channels: 1, pageHeight: height } })
    .toColourspace('b-w')
    .tiff({ compression: 'jpeg', quality: 75, xres: pxPerMm, yres: pxPerMm })
    .toBuffer();
}

/** Black-and-white scanner mode: one bit per pixel, as office multifunction printers often store scans. */
export function encodeBilevelPng(img: GreyImage, dpi: number, threshold = 150): Promise<Buffer> {
  return pipeline(img, dpi).threshold(threshold).png({ palette: true, colours: 2, dither: 0, compressionLevel: 9 }).toBuffer();
}
