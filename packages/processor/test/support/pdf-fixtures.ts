/**
 * PDFs made for tests: born-digital text pages (pdf-lib), scanned pages with an embedded
 * image, a hand-written PDF whose Japanese font is not embedded (only the CMaps can
 * decode it), and an encrypted PDF (qpdf, from the Debian packages set-up installs).
 */
import { requireDebianPackage } from '@cis/corpus';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import sharp from 'sharp';

const run = promisify(execFile);

export const A4 = { width: 595.28, height: 841.89 };

/** One A4 page per entry, each line in 12 pt Helvetica. */
export async function textPdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([A4.width, A4.height]);
    lines.forEach((line, i) => page.drawText(line, { x: 72, y: A4.height - 96 - i * 18, size: 12, font }));
  }
  return doc.save();
}

export type FixturePage =
  | { text: string[] }
  | { blank: true }
  | {
      /** PNG or JPEG bytes drawn over the whole page (or `share` of its width, top-left). */
      scan: Uint8Array;
      share?: number;
      /** Real text drawn over the scan, like a Bates number. */
      stamp?: string;
      /** A second, small image (a logo). */
      logo?: Uint8Array;
      rotate?: 90 | 180 | 270;
    };

/** Mixed documents: text pages, scanned pages, blank pages, in order. */
export async function mixedPdf(pages: FixturePage[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    const page = doc.addPage([A4.width, A4.height]);
    if ('text' in spec) {
      spec.text.forEach((line, i) => page.drawText(line, { x: 72, y: A4.height - 96 - i * 18, size: 12, font }));
    } else if ('scan' in spec) {
      const image = await embed(doc, spec.scan);
      const share = spec.share ?? 1;
      const width = A4.width * share;
      const height = A4.height * share;
      page.drawImage(image, { x: 0, y: A4.height - height, width, height });
      if (spec.logo) page.drawImage(await embed(doc, spec.logo), { x: A4.width - 100, y: 20, width: 60, height: 30 });
      if (spec.stamp) page.drawText(spec.stamp, { x: 40, y: 20, size: 9, font });
      if (spec.rotate) page.setRotation(degrees(spec.rotate));
    }
  }
  return doc.save();
}

function embed(doc: PDFDocument, bytes: Uint8Array) {
  return bytes[0] === 0xff && bytes[1] === 0xd8 ? doc.embedJpg(bytes) : doc.embedPng(bytes);
}

/** A grey PNG whose pixel (x, y) is `greyAt(x, y)`: lets tests compare OCR input with the source exactly. */
export async function patternPng(width: number, height: number): Promise<Uint8Array> {
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = greyAt(x, y);
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

export function greyAt(x: number, y: number): number {
  return (x * 7 + y * 13) % 256;
}

/** Serialises numbered objects (object 1 is the catalog) with a correct xref table. */
export function rawPdf(objects: string[]): Uint8Array {
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

function stream(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

/**
 * Japanese lines in a Type0 font that is not embedded: /UniJIS-UCS2-H maps the UTF-16
 * codes to Adobe-Japan1 CIDs, and pdf.js maps those back to Unicode through its CMap
 * files. Without `cMapUrl` this page extracts as empty text.
 */
export function japaneseNonEmbeddedPdf(lines: string[]): Uint8Array {
  const shows = lines.map((line, i) => `${i === 0 ? '' : '0 -36 Td '}<${Buffer.from(line, 'utf16le').swap16().toString('hex')}> Tj`);
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPr6N-Regular /Encoding /UniJIS-UCS2-H /DescendantFonts [5 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPr6N-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /FontDescriptor 6 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /KozMinPr6N-Regular /Flags 6 /FontBBox [-437 -340 1147 1317] /ItalicAngle 0 /Ascent 1317 /Descent -349 /CapHeight 742 /StemV 80 >>',
    stream(`BT /F1 24 Tf 72 760 Td ${shows.join(' ')} ET`),
  ]);
}

/**
 * One A4 page showing a 1-bit DeviceGray image (how CCITT and JBIG2 office scans decode):
 * pixel (x, y) is white where `white(x, y)`. Uncompressed, so the bits are exactly these.
 */
export function bilevelScanPdf(
  width: number,
  height: number,
  white: (x: number, y: number) => boolean,
  opts: { inForm?: boolean } = {},
): Uint8Array {
  const stride = (width + 7) >> 3;
  const bits = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (white(x, y)) bits[y * stride + (x >> 3)] |= 0x80 >> (x & 7);
  }
  const pixels = bits.toString('latin1');
  const image = `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Length ${bits.length} >>\nstream\n${pixels}\nendstream`;
  const page = (xobject: string) =>
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << ${xobject} >> >> /Contents 5 0 R >>`;
  const catalog = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'];
  if (!opts.inForm) return rawPdf([...catalog, page('/Im1 4 0 R'), image, stream('q 595 0 0 842 0 0 cm /Im1 Do Q')]);
  // Some scanners wrap the image in a form XObject whose /Matrix places it.
  const form = `<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Matrix [595 0 0 842 0 0] /Resources << /XObject << /Im1 4 0 R >> >> /Length 9 >>\nstream\n/Im1 Do\n\nendstream`;
  return rawPdf([...catalog, page('/Fm1 6 0 R'), image, stream('q /Fm1 Do Q'), form]);
}

/** Encrypts with qpdf (AES-256). An empty user password opens without one; permissions then only bind viewers. */
export async function encryptPdf(pdf: Uint8Array, userPassword: string): Promise<Uint8Array> {
  requireDebianPackage('qpdf', { command: 'qpdf' });
  const dir = await mkdtemp(path.join(tmpdir(), 'cis-pdf-'));
  try {
    const plain = path.join(dir, 'plain.pdf');
    const locked = path.join(dir, 'locked.pdf');
    await writeFile(plain, pdf);
    await run('qpdf', ['--encrypt', userPassword, 'owner-secret', '256', '--', plain, locked]);
    return await readFile(locked);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
