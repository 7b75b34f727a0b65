import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { StandardFonts, type PDFDocument, type PDFFont } from 'pdf-lib';
import { PAGE } from '../content/layout';
import { STYLE_PT, type Line } from '../content/types';
import { FONT_FILES, ensureFonts } from '../render/fonts';
import { baselines, segmentX } from '../render/page';
import { addNonEmbeddedCjkFont, cjkTextWidth, drawCjkText, type NonEmbeddedCjkFont } from './cjk-font';

/** How the text layer of a born-digital page gets its font. */
export type TextFont =
  | { kind: 'cjk-not-embedded'; serif: boolean }
  | { kind: 'cjk-embedded-subset'; serif: boolean }
  | { kind: 'standard'; serif: boolean };

interface Measurer {
  /** Selects the font on a new page (pdf-lib adds a font resource per selection, so once per page). */
  prepare(page: ReturnType<PDFDocument['addPage']>): void;
  width(text: string, size: number): number;
  draw(page: ReturnType<PDFDocument['addPage']>, text: string, x: number, y: number, size: number): void;
}

const cache = new WeakMap<PDFDocument, Map<string, Measurer>>();

async function measurer(doc: PDFDocument, font: TextFont): Promise<Measurer> {
  const key = `${font.kind}:${font.serif}`;
  const perDoc = cache.get(doc) ?? new Map<string, Measurer>();
  cache.set(doc, perDoc);
  const known = perDoc.get(key);
  if (known) return known;
  let m: Measurer;
  if (font.kind === 'cjk-not-embedded') {
    const f: NonEmbeddedCjkFont = addNonEmbeddedCjkFont(doc, font.serif);
    m = { prepare: () => undefined, width: cjkTextWidth, draw: (page, text, x, y, size) => drawCjkText(page, f, text, x, y, size) };
  } else {
    let f: PDFFont;
    if (font.kind === 'cjk-embedded-subset') {
      ensureFonts();
      doc.registerFontkit(fontkit);
      f = await doc.embedFont(readFileSync(font.serif ? FONT_FILES.mincho : FONT_FILES.gothic), { subset: true });
    } else {
      f = await doc.embedFont(font.serif ? StandardFonts.TimesRoman : StandardFonts.Helvetica);
    }
    m = {
      prepare: (page) => page.setFont(f),
      width: (t, s) => f.widthOfTextAtSize(t, s),
      draw: (page, text, x, y, size) => page.drawText(text, { x, y, size }),
    };
  }
  perDoc.set(key, m);
  return m;
}

/** Adds a page whose text is a real text layer. */
export async function addTextPage(doc: PDFDocument, lines: Line[], font: TextFont): Promise<void> {
  const m = await measurer(doc, font);
  const page = doc.addPage([PAGE.width, PAGE.height]);
  m.prepare(page);
  const ys = baselines(lines);
  lines.forEach((line, i) => {
    const size = STYLE_PT[line.style];
    for (const seg of line.segments) {
      const x = segmentX(seg.x, seg.align, m.width(seg.text, size));
      m.draw(page, seg.text, x, PAGE.height - ys[i]!, size);
    }
  });
}

/** Adds a page that is only a scanned image (a JPEG XObject covering the sheet). */
export async function addScannedPage(doc: PDFDocument, jpeg: Uint8Array): Promise<void> {
  const image = await doc.embedJpg(jpeg);
  const page = doc.addPage([PAGE.width, PAGE.height]);
  page.drawImage(image, { x: 0, y: 0, width: PAGE.width, height: PAGE.height });
}
