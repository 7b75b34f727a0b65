import sharp from 'sharp';
import type { ExtractContext, OcrImage } from '../../../core/types';
import { encryptPdf, mixedPdf, patternPng, type FixturePage } from '../../../../test/support/pdf-fixtures';
import { extractPage } from './page';
import { paintedImages } from './painted-images';
import { loadPdfjs, openPdf } from './pdfjs';
import { RawJpegPages } from './raw-jpeg-scan';

const limits = { maxPixels: 100_000_000, maxFileBytes: 1 << 30, maxPages: 2000 };

let jpeg: Buffer;
let png: Uint8Array;
beforeAll(async () => {
  png = await patternPng(600, 848);
  jpeg = await sharp(png).greyscale().jpeg({ quality: 92 }).toBuffer();
});

/** What pdf.js's operator list says about page 1: its viewport and the matrix of each painted image. */
async function pdfjsView(pdf: Uint8Array) {
  const pdfjs = await loadPdfjs();
  const doc = await openPdf(pdf.slice());
  try {
    const page = await doc.getPage(1);
    const viewport = page.getViewport({ scale: 1 });
    const images = paintedImages(await page.getOperatorList(), pdfjs.OPS, viewport.transform);
    return { transform: Array.from(viewport.transform), matrices: images.map((i) => i.matrix) };
  } finally {
    await doc.destroy();
  }
}

async function rawScan(spec: FixturePage) {
  const pdf = await mixedPdf([spec]);
  const view = await pdfjsView(pdf);
  const pages = await RawJpegPages.open(pdf);
  return { view, scan: pages?.scan(0, view.transform) };
}

describe('RawJpegPages', () => {
  it.each([0, 90, 180, 270] as const)('takes the JPEG bytes as stored, placed as pdf.js places them (page rotated %s)', async (rotate) => {
    const { view, scan } = await rawScan({ scan: jpeg, ...(rotate ? { rotate } : {}) });
    expect(scan).toBeDefined();
    expect(Buffer.from(scan!.jpeg).equals(jpeg)).toBe(true);
    expect([scan!.width, scan!.height]).toEqual([600, 848]);
    expect(view.matrices).toHaveLength(1);
    scan!.matrix.forEach((v, i) => expect(v).toBeCloseTo(view.matrices[0][i], 3));
  });

  it('places an image that covers part of the page as pdf.js does', async () => {
    const { view, scan } = await rawScan({ scan: jpeg, share: 0.5 });
    scan!.matrix.forEach((v, i) => expect(v).toBeCloseTo(view.matrices[0][i], 3));
  });

  it.each<[string, () => FixturePage]>([
    ['a text stamp over the scan', () => ({ scan: jpeg, stamp: 'Bates 000123' })],
    ['a second image (a logo)', () => ({ scan: jpeg, logo: jpeg })],
    ['a PNG scan (not DCTDecode)', () => ({ scan: png })],
    ['a text page', () => ({ text: ['Only text here'] })],
    ['a blank page', () => ({ blank: true })],
  ])('leaves the page to pdf.js when it has %s', async (_what, spec) => {
    const pages = await RawJpegPages.open(await mixedPdf([spec()]));
    expect(pages).toBeDefined();
    expect(pages!.scan(0, [1, 0, 0, -1, 0, 841.89])).toBeUndefined();
  });

  it('refuses encrypted files and bytes that are no PDF', async () => {
    expect(await RawJpegPages.open(await encryptPdf(await mixedPdf([{ scan: jpeg }]), 'secret'))).toBeUndefined();
    expect(await RawJpegPages.open(new TextEncoder().encode('not a pdf at all'))).toBeUndefined();
  });
});

describe('extractPage with the raw JPEG path', () => {
  async function ocrInput(pdf: Uint8Array, raw: boolean): Promise<OcrImage & { kind: 'raw' }> {
    const pdfjs = await loadPdfjs();
    const doc = await openPdf(pdf.slice());
    const seen: OcrImage[] = [];
    const ctx: ExtractContext = {
      limits,
      ocr: {
        recognize: async (image) => {
          seen.push(image);
          return { text: 'read', confidence: 90, lang: 'eng', ms: 1 };
        },
        close: async () => undefined,
      },
    };
    try {
      const opened = raw ? await RawJpegPages.open(pdf) : undefined;
      const scan = opened && jest.spyOn(opened, 'scan');
      const result = await extractPage(pdfjs, doc, await doc.getPage(1), ctx, opened && (async () => opened));
      expect(result).toMatchObject({ kind: 'scan', scanFrom: 'embedded', text: 'read' });
      // The page really went the sharp way.
      if (raw) expect(scan?.mock.results[0]?.value).toBeDefined();
    } finally {
      await doc.destroy();
    }
    expect(seen).toHaveLength(1);
    return seen[0] as OcrImage & { kind: 'raw' };
  }

  it.each([0, 90] as const)('gives OCR the same upright grey pixels as pdf.js decoding (page rotated %s)', async (rotate) => {
    const pdf = await mixedPdf([{ scan: jpeg, ...(rotate ? { rotate } : {}) }]);
    const viaSharp = await ocrInput(pdf, true);
    const viaPdfjs = await ocrInput(pdf, false);
    expect([viaSharp.width, viaSharp.height, viaSharp.channels]).toEqual([viaPdfjs.width, viaPdfjs.height, 1]);
    let diff = 0;
    for (let i = 0; i < viaSharp.data.length; i++) diff += Math.abs(viaSharp.data[i] - viaPdfjs.data[i]);
    // Two JPEG decoders: the same picture, a grey level apart here and there.
    expect(diff / viaSharp.data.length).toBeLessThan(1.5);
  });
});
