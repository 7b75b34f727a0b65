/**
 * PDF extraction costs, printed (never asserted): text-layer ms/page, and for a 300 dpi A4
 * scan page the cost of taking its embedded image versus rendering the page at 300 dpi grey.
 *
 *   pnpm bench:pdf [runs]
 */
import sharp from 'sharp';
import { PDFDocument } from 'pdf-lib';
import { paintedImages } from '../src/pipeline/extract/pdf/painted-images';
import { A4, textPdf } from '../test/support/pdf-fixtures';
import { type PDFDocumentProxy, loadPdfjs, openPdf } from '../src/pipeline/extract/pdf/pdfjs';
import { renderPageGrey } from '../src/pipeline/extract/pdf/render';
import { decodedImage, pickScanImage, toOcrImage } from '../src/pipeline/extract/pdf/scan-image';
import { textLayer } from '../src/pipeline/extract/pdf/text-layer';

const MAX_PIXELS = 100_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

function words(seed: number, count: number): string {
  const vocabulary = ['invoice', 'total', 'quantity', 'delivery', 'contract', 'payment', 'office', 'supplier', 'amount', 'date'];
  return Array.from({ length: count }, (_, i) => vocabulary[(seed * 31 + i * 7) % vocabulary.length]).join(' ');
}

/** A born-digital page rasterised at 300 dpi and stored as a grey JPEG: what a scanner writes. */
async function scanPdf(): Promise<Uint8Array> {
  const source = await openPdf(await textPdf([Array.from({ length: 40 }, (_, i) => words(i, 9))]));
  const page = await source.getPage(1);
  const { image } = await renderPageGrey(source, page, MAX_PIXELS);
  await source.destroy();
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } }).jpeg({ quality: 75 }).toBuffer();
  const doc = await PDFDocument.create();
  const embedded = await doc.embedJpg(jpeg);
  doc.addPage([A4.width, A4.height]).drawImage(embedded, { x: 0, y: 0, width: A4.width, height: A4.height });
  return doc.save();
}

async function withPage<T>(pdf: Uint8Array, work: (doc: PDFDocumentProxy, page: Awaited<ReturnType<PDFDocumentProxy['getPage']>>) => Promise<T>) {
  const doc = await openPdf(pdf.slice());
  try {
    return await work(doc, await doc.getPage(1));
  } finally {
    await doc.destroy();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const [pdfjs, loadMs] = await time(loadPdfjs);
  console.log(`pdf.js load: ${loadMs.toFixed(0)} ms (once per process)`);

  const pageCount = 40;
  const text = await textPdf(Array.from({ length: pageCount }, (_, p) => Array.from({ length: 40 }, (_, i) => words(p + i, 10))));
  const perPage: number[] = [];
  for (let r = 0; r < runs; r++) {
    const [, ms] = await time(async () => {
      const doc = await openPdf(text.slice());
      for (let n = 1; n <= pageCount; n++) {
        const page = await doc.getPage(n);
        await textLayer(page);
        page.cleanup();
      }
      await doc.destroy();
    });
    perPage.push(ms / pageCount);
  }
  console.log(`text layer: ${median(perPage).toFixed(1)} ms/page (median of ${runs} runs over ${pageCount} pages, 40 lines each, open included)`);

  const scan = await scanPdf();
  const embedded: number[] = [];
  const decodeOnly: number[] = [];
  const rendered: number[] = [];
  for (let r = 0; r < runs; r++) {
    await withPage(scan, async (_doc, page) => {
      const started = performance.now();
      const viewport = page.getViewport({ scale: 1 });
      const ops = await page.getOperatorList();
      const candidate = pickScanImage(paintedImages(ops, pdfjs.OPS, viewport.transform), viewport);
      const decoded = candidate && (await decodedImage(page, candidate.image));
      if (!candidate || !decoded) throw new Error('bench fixture has no embedded scan');
      decodeOnly.push(performance.now() - started);
      await toOcrImage(decoded, candidate.placement, MAX_PIXELS);
      embedded.push(performance.now() - started);
    });
    await withPage(scan, async (doc, page) => {
      const [, ms] = await time(() => renderPageGrey(doc, page, MAX_PIXELS));
      rendered.push(ms);
    });
  }
  console.log(
    `scan page 2480x3508 grey JPEG: embedded image ${median(embedded).toFixed(0)} ms ` +
      `(of which pdf.js JPEG decode ${median(decodeOnly).toFixed(0)} ms, grey conversion the rest); ` +
      `render 300 dpi grey ${median(rendered).toFixed(0)} ms (medians of ${runs})`,
  );
}

void main();
