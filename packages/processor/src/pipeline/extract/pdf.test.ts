import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { UnreadableFileError } from '../../core/errors';
import type { ExtractLimits, OcrImage, OcrService } from '../../core/types';
import { PAGE_SEPARATOR } from './page-text';
import { extractPdf, pdfExtractor } from './pdf';
import { A4, bilevelScanPdf, encryptPdf, greyAt, japaneseNonEmbeddedPdf, mixedPdf, patternPng, textPdf } from '../../../test/support/pdf-fixtures';
import { loadPdfjs } from './pdf/pdfjs';

const limits: ExtractLimits = { maxPixels: 100_000_000, maxFileBytes: 1 << 30, maxPages: 2000 };

interface OcrCall {
  image: OcrImage;
  dpi?: number;
}

function stubOcr() {
  const calls: OcrCall[] = [];
  const service: OcrService = {
    async recognize(image, opts) {
      calls.push({ image, dpi: opts?.dpi });
      return { text: `recognised ${calls.length}`, confidence: 90, lang: 'eng', ms: 7 };
    },
    async close() {},
  };
  return { service, calls };
}

let dir: string;
let fileNo = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cis-pdf-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function extract(bytes: Uint8Array, overrides: Partial<ExtractLimits> = {}, signal?: AbortSignal) {
  const file = path.join(dir, `f${++fileNo}.pdf`);
  await writeFile(file, bytes);
  const ocr = stubOcr();
  const result = await extractPdf(
    { path: file, name: path.basename(file), size: bytes.byteLength, type: { mime: 'application/pdf', kind: 'pdf' } },
    { ocr: ocr.service, limits: { ...limits, ...overrides }, signal },
  );
  return { result, calls: ocr.calls };
}

function rawOf(call: OcrCall) {
  if (call.image.kind !== 'raw') throw new Error('expected raw pixels');
  return call.image;
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UnreadableFileError)) throw new Error(`expected UnreadableFileError, got ${String(err)}`);
  return err.reason;
}

describe('pdfExtractor', () => {
  let scan: Uint8Array;
  beforeAll(async () => {
    scan = await patternPng(1000, 1414);
  });

  it('claims application/pdf', () => {
    expect(pdfExtractor.mimeTypes).toEqual(['application/pdf']);
  });

  it('reads the text layer page by page and never calls OCR for text pages', async () => {
    const { result, calls } = await extract(await textPdf([['Quotation No. 42', 'Total 12,345 JPY'], ['Second page']]));
    expect(calls).toHaveLength(0);
    expect(result.pages).toBe(2);
    expect(result.ocrPages).toEqual([]);
    expect(result.text.split(PAGE_SEPARATOR)).toEqual(['Quotation No. 42\nTotal 12,345 JPY', 'Second page']);
  });

  it('OCRs only the image-only page of a hybrid PDF, from the embedded pixels with a dpi from the placement', async () => {
    const pdf = await mixedPdf([{ text: ['Cover letter'] }, { scan }, { blank: true }, { text: ['Appendix'] }]);
    const { result, calls } = await extract(pdf);
    expect(result.pages).toBe(4);
    expect(result.ocrPages).toEqual([2]);
    expect(result.ocrMs).toBe(7);
    expect(result.text.split(PAGE_SEPARATOR)).toEqual(['Cover letter', 'recognised 1', '', 'Appendix']);
    expect(calls).toHaveLength(1);
    const image = rawOf(calls[0]);
    // The embedded image's own size, not a 300 dpi render (2480 × 3508).
    expect([image.width, image.height, image.channels]).toEqual([1000, 1414, 1]);
    let worst = 0;
    for (let y = 0; y < image.height; y += 7) {
      for (let x = 0; x < image.width; x += 5) worst = Math.max(worst, Math.abs(image.data[y * image.width + x] - greyAt(x, y)));
    }
    expect(worst).toBeLessThanOrEqual(1);
    // 1000 px across 595.28 pt (8.27 in) ≈ 121 dpi.
    expect(calls[0].dpi).toBe(Math.round((1000 / A4.width + 1414 / A4.height) * 36));
    expect(calls[0].dpi).toBe(121);
  });

  it('takes a JPEG scan as decoded pixels, converted to grey', async () => {
    const jpeg = await sharp(scan).resize(800, 1131).jpeg({ quality: 90 }).toBuffer();
    const { result, calls } = await extract(await mixedPdf([{ scan: jpeg }]));
    expect(result.ocrPages).toEqual([1]);
    const image = rawOf(calls[0]);
    expect([image.width, image.height, image.channels]).toEqual([800, 1131, 1]);
    expect(calls[0].dpi).toBe(97);
  });

  it('unpacks a 1-bit scan to grey bytes', async () => {
    const white = (x: number, y: number) => (x >> 2) % 2 === (y >> 3) % 2;
    const { calls } = await extract(bilevelScanPdf(1003, 1417, white));
    const image = rawOf(calls[0]);
    expect([image.width, image.height, image.channels]).toEqual([1003, 1417, 1]);
    let mismatches = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) if (image.data[y * image.width + x] !== (white(x, y) ? 255 : 0)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(calls[0].dpi).toBe(121);
  });

  it('finds the scan inside a form XObject and places it by the form matrix', async () => {
    const { result, calls } = await extract(bilevelScanPdf(1003, 1417, (x) => x % 3 === 0, { inForm: true }));
    expect(result.ocrPages).toEqual([1]);
    expect(rawOf(calls[0])).toMatchObject({ width: 1003, height: 1417 });
    expect(calls[0].dpi).toBe(121);
  });

  it('turns the scan of a /Rotate 90 page upright before OCR', async () => {
    const { calls } = await extract(await mixedPdf([{ scan, rotate: 90 }]));
    const image = rawOf(calls[0]);
    expect([image.width, image.height]).toEqual([1414, 1000]);
    // Clockwise quarter turn: output (x, y) comes from source (y, H - 1 - x).
    for (const [x, y] of [[0, 0], [10, 3], [1413, 999], [700, 500]]) {
      expect(Math.abs(image.data[y * image.width + x] - greyAt(y, 1413 - x))).toBeLessThanOrEqual(1);
    }
  });

  it('OCRs a scan stamped with a little real text and keeps the stamp', async () => {
    const { result, calls } = await extract(await mixedPdf([{ scan, stamp: 'BATES-000123' }]));
    expect(calls).toHaveLength(1);
    expect(result.ocrPages).toEqual([1]);
    expect(result.text).toBe('BATES-000123\nrecognised 1');
  });

  it('does not OCR a text page that also shows a picture', async () => {
    const lines = ['This page has real text on it, long enough to be a text page.', 'And a picture below.'];
    const { result, calls } = await extract(await mixedPdf([{ scan, share: 0.5, stamp: lines.join(' ') }]));
    expect(calls).toHaveLength(0);
    expect(result.text).toBe(lines.join(' '));
  });

  it('renders the page grey at 300 dpi when no single image holds the scan', async () => {
    const { result, calls } = await extract(await mixedPdf([{ scan, share: 0.6, logo: scan }]));
    expect(result.ocrPages).toEqual([1]);
    const image = rawOf(calls[0]);
    expect(image.channels).toBe(1);
    expect([image.width, image.height]).toEqual([Math.floor((A4.width * 300) / 72), Math.floor((A4.height * 300) / 72)]);
    expect(calls[0].dpi).toBe(300);
    // Top-left is the scan (dark-and-light pattern), bottom-right is blank paper.
    expect(image.data[image.data.length - 1]).toBe(255);
  });

  it('renders below 300 dpi when the page would exceed the pixel cap', async () => {
    const { calls } = await extract(await mixedPdf([{ scan, share: 0.6, logo: scan }]), { maxPixels: 2_000_000 });
    const image = rawOf(calls[0]);
    expect(image.width * image.height).toBeLessThanOrEqual(2_000_000);
    expect(calls[0].dpi).toBeLessThan(300);
    expect(calls[0].dpi).toBeGreaterThan(100);
  });

  it('leaves an embedded image over the pixel cap out, with a note, without decoding it', async () => {
    const { result, calls } = await extract(await mixedPdf([{ scan }, { text: ['After the big scan'] }]), { maxPixels: 500_000 });
    expect(calls).toHaveLength(0);
    expect(result.text).toBe(`${PAGE_SEPARATOR}After the big scan`);
    expect(result.notes).toEqual([expect.stringMatching(/^page 1: image \/\S+ is 1000×1414: not decoded, over the limit of 0\.5 megapixels$/)]);
  });

  it('leaves blank pages blank', async () => {
    const { result, calls } = await extract(await mixedPdf([{ blank: true }, { text: ['After a blank page'] }]));
    expect(calls).toHaveLength(0);
    expect(result).toMatchObject({ pages: 2, ocrPages: [], text: `${PAGE_SEPARATOR}After a blank page` });
  });

  it('extracts up to maxPages and notes the rest', async () => {
    const { result } = await extract(await textPdf([['one'], ['two'], ['three']]), { maxPages: 2 });
    expect(result.pages).toBe(3);
    expect(result.text.split(PAGE_SEPARATOR)).toEqual(['one', 'two']);
    expect(result.notes).toEqual(['page 3 not extracted: over the limit of 2 pages']);
  });

  describe('Japanese font that is not embedded', () => {
    const lines = ['御見積書', '株式会社サンプル 御中', '合計金額 12,345 円'];

    it('extracts through the CMaps', async () => {
      const { result, calls } = await extract(japaneseNonEmbeddedPdf(lines));
      expect(calls).toHaveLength(0);
      expect(result.text).toBe('御見積書\n株式会社サンプル御中\n合計金額12,345円');
    });

    it('is a fixture that needs the CMaps (pdf.js without them reads nothing)', async () => {
      const pdfjs = await loadPdfjs();
      const doc = await pdfjs.getDocument({ data: new Uint8Array(japaneseNonEmbeddedPdf(lines)), verbosity: 0 }).promise;
      const content = await (await doc.getPage(1)).getTextContent();
      await doc.destroy();
      const text = content.items.map((i) => ('str' in i ? i.str : '')).join('');
      expect(text.replace(/\s/g, '')).toBe('');
    });
  });

  describe('unreadable PDFs', () => {
    it('refuses a password-protected PDF', async () => {
      const locked = await encryptPdf(await textPdf([['secret']]), 'open-sesame');
      expect(await reasonOf(extract(locked))).toBe('PDF is password-protected');
    });

    it('reads a PDF encrypted with an owner password only', async () => {
      const restricted = await encryptPdf(await textPdf([['restricted but readable']]), '');
      expect((await extract(restricted)).result.text).toBe('restricted but readable');
    });

    it('reports truncated, garbage and empty files as damaged or empty', async () => {
      const whole = await textPdf([['one'], ['two']]);
      expect(await reasonOf(extract(whole.subarray(0, Math.floor(whole.byteLength / 3))))).toMatch(/^PDF is damaged: /);
      expect(await reasonOf(extract(Buffer.from('this is not a PDF at all, just some words')))).toMatch(/^PDF is damaged: /);
      expect(await reasonOf(extract(new Uint8Array(0)))).toBe('PDF is empty (0 bytes)');
    });
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(extract(await textPdf([['x']]), {}, controller.signal)).rejects.toThrow(/abort/i);
  });
});
