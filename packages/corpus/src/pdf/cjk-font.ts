import { PDFDocument, PDFHexString, PDFName, PDFRef, PDFString, beginText, endText, moveText, setFontAndSize, showText, type PDFPage } from 'pdf-lib';

/**
 * A Japanese font the way many Japanese PDFs reference one: a Type0 font with the predefined
 * CMap UniJIS-UCS2-H over a CIDFontType0 descendant in the Adobe-Japan1 collection, with no
 * FontFile. The reader must supply the glyphs (and the CMaps to map codes to Unicode).
 */
export interface NonEmbeddedCjkFont {
  ref: PDFRef;
  baseFont: string;
}

export function addNonEmbeddedCjkFont(doc: PDFDocument, serif: boolean): NonEmbeddedCjkFont {
  const ctx = doc.context;
  const baseFont = serif ? 'KozMinPr6N-Regular' : 'KozGoPr6N-Medium';
  const descriptor = ctx.register(
    ctx.obj({
      Type: 'FontDescriptor',
      FontName: baseFont,
      Flags: serif ? 6 : 4,
      FontBBox: [-437, -340, 1147, 1317],
      ItalicAngle: 0,
      Ascent: 880,
      Descent: -120,
      CapHeight: 742,
      StemV: 80,
    }),
  );
  const descendant = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'CIDFontType0',
      BaseFont: baseFont,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Japan1'), Supplement: 6 },
      FontDescriptor: descriptor,
      DW: 1000,
      // UniJIS-UCS2-H puts ASCII on the proportional Roman CIDs 1–95; give them half width.
      W: [1, 95, 500],
    }),
  );
  const ref = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: `${baseFont}-UniJIS-UCS2-H`,
      Encoding: 'UniJIS-UCS2-H',
      DescendantFonts: [descendant],
    }),
  );
  return { ref, baseFont };
}

/** Advance width in text space units per point of font size, matching the /W and /DW above. */
export function cjkTextWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += ch.charCodeAt(0) < 0x80 ? 0.5 : 1;
  return em * size;
}

function ucs2Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex.toUpperCase();
}

/** Shows `text` at (x, y) in PDF user space with the non-embedded font. */
export function drawCjkText(page: PDFPage, font: NonEmbeddedCjkFont, text: string, x: number, y: number, size: number): void {
  const key = PDFName.of('FJ1');
  page.node.setFontDictionary(key, font.ref);
  page.pushOperators(beginText(), setFontAndSize('FJ1', size), moveText(x, y), showText(PDFHexString.of(ucs2Hex(text))), endText());
}
