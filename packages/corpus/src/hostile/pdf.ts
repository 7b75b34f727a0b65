import { constants, createDeflate } from 'node:zlib';
import { repeatedBytes } from './zip-writer';

/**
 * Hand-written PDFs (objects, xref table, trailer) for inputs no PDF library would write:
 * images that decode to gigabytes, masks larger than their image, a JPEG larger than the PDF
 * says, xref and page-tree loops. Large streams are deflated as they are generated.
 */

type Body = string | Buffer;

export function pdfFile(objects: Body[], trailer = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n')]);
    offsets.push(at);
    at += obj.length;
    parts.push(obj);
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const tail = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>\nstartxref\n${at}\n%%EOF\n`.replace('{XREF}', String(at));
  return Buffer.concat([...parts, Buffer.from(xref + tail, 'latin1')]);
}

export function stream(dict: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

/** `bytes` zeros, Flate-encoded without ever holding them. */
async function deflatedZeros(bytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (const chunk of repeatedBytes(bytes)) if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const PAGES = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
const page = (xobjects: string) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << ${xobjects} >> /Font << /F1 6 0 R >> >> /Contents 5 0 R >>`;
const caption = (text: string, drawn = '/Im0') => Buffer.from(`q 400 0 0 400 100 300 cm ${drawn} Do Q BT /F1 12 Tf 100 750 Td (${text}) Tj ET`, 'latin1');

/** One page drawing a width × height RGB image of zeros, and a caption (the issue: 25000², 1.8 MB, 4.4 GB decoded). */
export async function pdfHugeImage(width: number, height: number, text: string): Promise<Buffer> {
  const pixels = await deflatedZeros(width * height * 3);
  return pdfFile([
    CATALOG,
    PAGES,
    page('/Im0 4 0 R'),
    stream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, pixels),
    stream('', caption(text)),
    FONT,
  ]);
}

/** A 100×100 image whose /SMask is width × height: pdf.js checks only the image's own size, then decodes the mask. */
export async function pdfHugeMask(width: number, height: number, text: string): Promise<Buffer> {
  const mask = await deflatedZeros(width * height);
  const small = await deflatedZeros(100 * 100 * 3);
  return pdfFile([
    CATALOG,
    PAGES,
    page('/Im0 4 0 R'),
    stream('/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /SMask 7 0 R', small),
    stream('', caption(text)),
    FONT,
    stream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, mask),
  ]);
}

/** A scanned page (one JPEG drawn over the page) whose JPEG's frame is larger than the /Width and /Height the PDF declares. */
export function pdfLyingJpeg(jpeg: Buffer, declared: { width: number; height: number }): Buffer {
  return pdfFile([
    CATALOG,
    PAGES,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    stream(`/Type /XObject /Subtype /Image /Width ${declared.width} /Height ${declared.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode`, jpeg),
    stream('', Buffer.from('q 595 0 0 842 0 0 cm /Im0 Do Q', 'latin1')),
  ]);
}

/** A trailer whose /Prev points at its own cross-reference table: a reader following /Prev never ends. */
export function pdfXrefLoop(text: string): Buffer {
  return pdfFile([CATALOG, PAGES, page(''), '<< >>', stream('', Buffer.from(`BT /F1 12 Tf 100 750 Td (${text}) Tj ET`, 'latin1')), FONT], '/Prev {XREF}');
}

/** A page tree whose node lists its own parent as a kid. */
export function pdfPageTreeLoop(): Buffer {
  return pdfFile(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>']);
}
