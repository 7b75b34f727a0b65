import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ExtractContext, FileKind } from '../../core/types';
import { createOcrPool, type OcrPool } from '../ocr/pool';
import { renderLines } from '../../../test/support/ocr-pages';
import { extractImage } from './image';
import { PAGE_SEPARATOR } from './page-text';
import { extractPdf } from './pdf';
import { mixedPdf } from '../../../test/support/pdf-fixtures';

// The PDF and image extractors over the real OCR pool (tesseract.js in worker threads).
jest.setTimeout(120_000);

/** Text lines on an A4-shaped white sheet, as a scanner would deliver them (grey PNG). */
async function scannedSheet(lines: Parameters<typeof renderLines>[0]): Promise<Buffer> {
  const strip = renderLines(lines);
  const { width = 0, height = 0 } = await sharp(strip).metadata();
  const sheetHeight = Math.round(width * Math.SQRT2);
  return sharp(strip)
    .extend({ bottom: Math.max(0, sheetHeight - height), background: '#ffffff' })
    .greyscale()
    .png()
    .toBuffer();
}

describe('PDF and image extractors with the real OCR pool', () => {
  let pool: OcrPool;
  let dir: string;
  beforeAll(async () => {
    pool = createOcrPool({ threads: 1 });
    dir = await mkdtemp(path.join(tmpdir(), 'cis-real-ocr-'));
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string, bytes: Uint8Array, kind: FileKind, mime: string) {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    const ctx: ExtractContext = { ocr: pool, limits: { maxPixels: 100_000_000, maxFileBytes: 1 << 30, maxPages: 100 } };
    const input = { path: file, name, size: bytes.byteLength, type: { mime, kind } };
    return kind === 'pdf' ? extractPdf(input, ctx) : extractImage(input, ctx);
  }

  it('OCRs the scanned pages of a hybrid PDF (English and Japanese) and a PNG scan', async () => {
    const english = await scannedSheet([
      { text: 'Invoice number 4711', font: 'sans', px: 40 },
      { text: 'Payable within thirty days', font: 'sans', px: 40 },
    ]);
    const japanese = await scannedSheet([
      { text: '御見積書 株式会社サンプル商事', font: 'gothic', px: 44 },
      { text: '合計金額 12,345 円', font: 'gothic', px: 44 },
    ]);
    const pdf = await mixedPdf([{ text: ['Cover letter from the sales office'] }, { scan: english }, { scan: japanese }]);

    const result = await run('hybrid.pdf', pdf, 'pdf', 'application/pdf');
    expect(result.pages).toBe(3);
    expect(result.ocrPages).toEqual([2, 3]);
    expect(result.ocrMs).toBeGreaterThan(0);
    const [cover, scanEn, scanJa] = result.text.split(PAGE_SEPARATOR);
    expect(cover).toBe('Cover letter from the sales office');
    expect(scanEn).toMatch(/Invoice number 4711/);
    expect(scanEn).toMatch(/thirty days/);
    // normalizeText leaves no spaces between Japanese characters.
    expect(scanJa).toMatch(/御見積書/);
    expect(scanJa).toMatch(/株式会社サンプル/);
    expect(scanJa).toMatch(/合計金額/);

    const image = await run('scan.png', english, 'image', 'image/png');
    expect(image.ocrPages).toEqual([1]);
    expect(image.text).toMatch(/Invoice number 4711/);
    expect(image.image?.byteLength).toBeGreaterThan(0);
  });

  it('reads a phone photo upright by its EXIF orientation (6): its text OCRs only when rotated', async () => {
    const upright = await scannedSheet([
      { text: 'Delivery note 8841', font: 'sans', px: 40 },
      { text: 'Received in good order', font: 'sans', px: 40 },
    ]);
    // Orientation 6: the stored pixels are the scene turned 90° counter-clockwise; viewers turn them back.
    const stored = sharp(upright).rotate(270);
    const photo = await stored.clone().jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
    const sideways = await stored.clone().jpeg({ quality: 90 }).toBuffer();

    const read = await run('photo.jpg', photo, 'image', 'image/jpeg');
    expect(read.fields).toMatchObject({ orientation: 6 });
    expect(read.text).toMatch(/Delivery note 8841/);
    // The embedded picture is upright too: portrait, as the sheet is.
    const embedded = await sharp(read.image!).metadata();
    expect(embedded.height!).toBeGreaterThan(embedded.width!);

    const unrotated = await run('sideways.jpg', sideways, 'image', 'image/jpeg');
    expect(unrotated.text).not.toMatch(/Delivery note 8841/);
  });
});
