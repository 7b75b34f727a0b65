import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { UnreadableFileError } from '../../core/errors';
import type { ExtractLimits, OcrImage, OcrService } from '../../core/types';
import { EMBED_MAX_SIDE, IMAGE_MIME_TYPES, assumedDpi, extractImage, imageExtractor } from './image';
import { PAGE_SEPARATOR } from './page-text';

const limits: ExtractLimits = { maxPixels: 100_000_000, maxFileBytes: 1 << 30, maxPages: 2000 };

interface OcrCall {
  image: Extract<OcrImage, { kind: 'raw' }>;
  dpi?: number;
}

/** Answers with the page's mean grey, so tests can tell which page was read. */
function stubOcr(answer?: string) {
  const calls: OcrCall[] = [];
  const service: OcrService = {
    async recognize(image, opts) {
      if (image.kind !== 'raw') throw new Error('expected raw pixels');
      calls.push({ image, dpi: opts?.dpi });
      const mean = image.data.reduce((a, b) => a + b, 0) / image.data.length;
      return { text: answer ?? `mean ${Math.round(mean)}`, confidence: 90, lang: 'eng', ms: 3 };
    },
    async close() {},
  };
  return { service, calls };
}

let dir: string;
let fileNo = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cis-image-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function extract(bytes: Uint8Array, mime: string, overrides: Partial<ExtractLimits> = {}, ocrAnswer?: string) {
  const file = path.join(dir, `f${++fileNo}`);
  await writeFile(file, bytes);
  const ocr = stubOcr(ocrAnswer);
  const result = await extractImage(
    { path: file, name: path.basename(file), size: bytes.byteLength, type: { mime, kind: 'image' } },
    { ocr: ocr.service, limits: { ...limits, ...overrides } },
  );
  return { result, calls: ocr.calls };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UnreadableFileError)) throw new Error(`expected UnreadableFileError, got ${String(err)}`);
  return err.reason;
}

/** A page of one grey with a 2×2 mark of the opposite shade in a corner: not blank, and its mean is still about `grey`. */
function solid(width: number, height: number, grey: number) {
  const mark = grey < 128 ? 255 : 0;
  return sharp({ create: { width, height, channels: 3, background: { r: grey, g: grey, b: grey } } }).composite([
    { input: { create: { width: 2, height: 2, channels: 3, background: { r: mark, g: mark, b: mark } } }, left: 0, top: 0 },
  ]);
}

/** A TIFF of `count` grey pages of width × height, written as one strip (fast to make). */
async function manyPageTiff(count: number, width: number, height: number, mark: (page: number) => boolean): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * count, 128);
  for (let p = 0; p < count; p++) if (mark(p)) raw.fill(0, p * width * height, p * width * height + width * 3);
  return sharp(raw, { raw: { width, height: height * count, channels: 1, pageHeight: height } }).tiff({ compression: 'lzw' }).toBuffer();
}

/** A PNG that is only a header claiming width × height (and an empty image stream). */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(0)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('imageExtractor', () => {
  it('claims the formats sharp reads', () => {
    expect(imageExtractor.mimeTypes).toEqual(IMAGE_MIME_TYPES);
    expect(IMAGE_MIME_TYPES).toEqual(expect.arrayContaining(['image/png', 'image/jpeg', 'image/tiff']));
  });

  it('OCRs a PNG in grey with the dpi its header declares, and keeps a small JPEG to embed', async () => {
    const png = await solid(2480, 3508, 200).png().withMetadata({ density: 300 }).toBuffer();
    const { result, calls } = await extract(png, 'image/png');
    expect(result).toMatchObject({ text: 'mean 200', pages: 1, ocrPages: [1], ocrMs: 3 });
    expect(calls).toHaveLength(1);
    expect(calls[0].image).toMatchObject({ width: 2480, height: 3508, channels: 1 });
    expect(calls[0].dpi).toBe(300);
    const embed = await sharp(result.image!).metadata();
    expect(embed).toMatchObject({ format: 'jpeg', height: EMBED_MAX_SIDE, width: Math.round((2480 / 3508) * EMBED_MAX_SIDE) });
  });

  it('applies the EXIF orientation of a camera JPEG before OCR and in the embedded picture', async () => {
    const jpeg = await solid(1200, 900, 90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const { result, calls } = await extract(jpeg, 'image/jpeg');
    expect(calls[0].image).toMatchObject({ width: 900, height: 1200 });
    expect(await sharp(result.image!).metadata()).toMatchObject({ width: 768, height: 1024 });
  });

  it('reads every page of a multi-page TIFF in order, up to maxPages', async () => {
    const pages = await Promise.all([30, 120, 230].map((g) => solid(850, 1100, g).png().toBuffer()));
    const tiff = await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).withMetadata({ density: 200 }).toBuffer();

    const all = await extract(tiff, 'image/tiff');
    expect(all.result.pages).toBe(3);
    expect(all.result.ocrPages).toEqual([1, 2, 3]);
    expect(all.result.text.split(PAGE_SEPARATOR)).toEqual(['mean 30', 'mean 120', 'mean 230']);
    expect(all.calls.map((c) => c.dpi)).toEqual([200, 200, 200]);

    const capped = await extract(tiff, 'image/tiff', { maxPages: 2 });
    expect(capped.result.pages).toBe(3);
    expect(capped.result.text.split(PAGE_SEPARATOR)).toEqual(['mean 30', 'mean 120']);
    expect(capped.result.notes).toEqual(['page 3 not extracted: over the limit of 2 pages']);
  });

  it('reads a TIFF of thousands of small pages in batches, not one open per page (quadratic)', async () => {
    const tiff = await manyPageTiff(3000, 16, 16, (p) => p % 2 === 0);
    const started = performance.now();
    const { result, calls } = await extract(tiff, 'image/tiff');
    // A bound, not a speed figure: one open per page walks the page chain each time (minutes at this length).
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(result.pages).toBe(3000);
    expect(result.notes).toEqual(['pages 2001–3000 not extracted: over the limit of 2000 pages']);
    // Every other page is blank: only the marked ones are OCR'd, in order.
    expect(calls).toHaveLength(1000);
    expect(result.ocrPages.slice(0, 3)).toEqual([1, 3, 5]);
    expect(result.ocrPages.at(-1)).toBe(1999);
    expect(calls.every((c) => c.image.width === 16 && c.image.height === 16)).toBe(true);
  }, 60_000);

  it('skips OCR for a blank page and for a page too small to hold a character', async () => {
    const blank = await extract(await sharp({ create: { width: 800, height: 600, channels: 3, background: '#ffffff' } }).png().toBuffer(), 'image/png');
    expect(blank.calls).toHaveLength(0);
    expect(blank.result).toMatchObject({ text: '', pages: 1, ocrPages: [] });
    expect(blank.result.image!.byteLength).toBeGreaterThan(100);
    const tiny = await extract(await solid(8, 8, 30).png().toBuffer(), 'image/png');
    expect(tiny.calls).toHaveLength(0);
  });

  it('reads WebP and the first frame of a GIF as one page', async () => {
    const webp = await extract(await solid(400, 300, 60).webp({ lossless: true }).toBuffer(), 'image/webp');
    expect(webp.result).toMatchObject({ text: 'mean 60', pages: 1 });
    const frames = await Promise.all([10, 250].map((g) => solid(64, 48, g).png().toBuffer()));
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    const first = await extract(gif, 'image/gif');
    expect(first.result.pages).toBe(1);
    expect(first.calls).toHaveLength(1);
    expect(first.result.text).toMatch(/^mean (9|10|11)$/);
  });

  it('accepts a photo without text (OCR finds nothing) and still gives a picture to embed', async () => {
    const { result } = await extract(await solid(640, 480, 128).jpeg().toBuffer(), 'image/jpeg', {}, '  \n ');
    expect(result).toMatchObject({ text: '', pages: 1, ocrPages: [1] });
    expect(result.image!.byteLength).toBeGreaterThan(100);
  });

  it('refuses an image over the pixel cap from its header, before decoding', async () => {
    const header = pngHeaderOnly(50_000, 50_000);
    const started = performance.now();
    const reason = await reasonOf(extract(header, 'image/png'));
    expect(reason).toBe('image is 50000×50000 = 2500 megapixels, over the limit of 100 megapixels');
    // A decode of 2.5 gigapixels would take minutes and gigabytes; the header takes milliseconds.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports truncated, garbage and empty files', async () => {
    const jpeg = await solid(800, 600, 100).jpeg().toBuffer();
    expect(await reasonOf(extract(jpeg.subarray(0, jpeg.length >> 1), 'image/jpeg'))).toMatch(
      /^image is damaged or truncated: .*premature end of JPEG/i,
    );
    const png = await solid(800, 600, 100).png().toBuffer();
    expect(await reasonOf(extract(png.subarray(0, png.length >> 1), 'image/png'))).toMatch(/^image is damaged or truncated: /);
    expect(await reasonOf(extract(Buffer.from('not an image, only words'), 'image/png'))).toMatch(/^image is damaged or not an image: /);
    expect(await reasonOf(extract(new Uint8Array(0), 'image/png'))).toBe('image is empty (0 bytes)');
  });
});

describe('assumedDpi', () => {
  it('trusts a real density and ignores the 72/96 placeholders', () => {
    expect(assumedDpi({ density: 300 }, { width: 100, height: 100 })).toBe(300);
    expect(assumedDpi({ density: 72 }, { width: 1920, height: 1080 })).toBeUndefined();
    expect(assumedDpi({ density: 96 }, { width: 1000, height: 1000 })).toBeUndefined();
  });

  it('takes a page-shaped image without density for an A4 page', () => {
    expect(assumedDpi({}, { width: 2480, height: 3508 })).toBe(300);
    expect(assumedDpi({ density: 72 }, { width: 3508, height: 2480 })).toBe(300);
    expect(assumedDpi({}, { width: 1275, height: 1650 })).toBe(141);
  });
});
