import type { PDFPageProxy } from './pdfjs';

/** The page's text layer as lines, in content-stream order (pdf.js marks line ends with `hasEOL`). */
export async function textLayer(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let text = '';
  for (const item of content.items) {
    if (!('str' in item)) continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
  }
  return text;
}

export function visibleCharCount(text: string): number {
  return text.replace(/\s+/gu, '').length;
}
