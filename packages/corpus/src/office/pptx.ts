import PptxGenJS from 'pptxgenjs';
import type { DocContent } from '../content/types';
import { normalizeOfficeZip } from './zip';

/** A short deck: a title slide, a slide of key points and, when there is one, a table slide. */
export async function toPptx(doc: DocContent): Promise<{ data: Buffer; text: string }> {
  const written: string[] = [];
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_16x9';
  pptx.author = '@cis/corpus';
  pptx.title = doc.title;
  const fontFace = doc.lang === 'ja' ? 'Yu Gothic' : 'Calibri';
  const title = pptx.addSlide();
  written.push(doc.title, doc.paragraphs[0] ?? '');
  title.addText(doc.title, { x: 0.5, y: 1.8, w: 9, h: 1.2, fontSize: 36, bold: true, align: 'center', fontFace });
  title.addText(doc.paragraphs[0] ?? '', { x: 0.5, y: 3.2, w: 9, h: 0.8, fontSize: 18, align: 'center', fontFace });
  const points = pptx.addSlide();
  points.addText(doc.lang === 'ja' ? '概要' : 'Summary', { x: 0.5, y: 0.3, w: 9, h: 0.8, fontSize: 28, bold: true, fontFace });
  const bullets = doc.paragraphs.slice(1, 6).map((p) => (p.length > 90 ? `${p.slice(0, 90)}…` : p));
  written.push(...bullets);
  points.addText(
    bullets.map((text) => ({ text, options: { bullet: true } })),
    { x: 0.5, y: 1.2, w: 9, h: 4, fontSize: 16, fontFace, valign: 'top' },
  );
  if (doc.table) {
    const slide = pptx.addSlide();
    written.push(...doc.table.header, ...doc.table.rows.flat());
    const rows = [doc.table.header, ...doc.table.rows].map((r, i) => r.map((text) => ({ text, options: { bold: i === 0, fontFace, fontSize: 12 } })));
    slide.addTable(rows, { x: 0.5, y: 0.6, w: 9, colW: [4.2, 1.4, 1.7, 1.7] });
  }
  const out = (await pptx.write({ outputType: 'nodebuffer' })) as Buffer;
  return { data: await normalizeOfficeZip(out), text: written.join('\n') };
}
