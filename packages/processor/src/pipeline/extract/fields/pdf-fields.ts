import type { DocumentFields } from '../../../core/types';
import { log } from '../../../core/log';
import type { PDFDocumentProxy } from '../pdf/pdfjs';
import { compact, isoDate, xmlValues } from './xml-values';

/**
 * Title, author, subject, keywords, creator tool and dates of a PDF, from its Info dictionary
 * and its XMP packet. pdf.js decodes Info strings (UTF-16BE with a BOM, else PDFDocEncoding,
 * which is what Japanese titles are written in); XMP is Unicode XML, parsed here, and wins
 * where both say something, as PDF 2.0 prefers it. Metadata that cannot be read costs the
 * fields, never the document.
 */
export async function pdfFields(doc: PDFDocumentProxy, path: string): Promise<DocumentFields> {
  let info: Record<string, unknown> = {};
  let xmp: Map<string, string[]> = new Map();
  try {
    const meta = await doc.getMetadata();
    info = (meta.info ?? {}) as Record<string, unknown>;
    const raw = (meta.metadata as { getRaw?(): unknown } | null)?.getRaw?.();
    if (typeof raw === 'string') xmp = xmlValues(raw);
  } catch (err) {
    log.debug({ path, err }, 'PDF metadata unreadable');
  }
  const text = (key: string) => {
    const v = info[key];
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const first = (name: string) => xmp.get(name)?.[0];
  return compact({
    title: first('title') ?? text('Title'),
    author: xmp.get('creator')?.join(', ') ?? text('Author'),
    subject: first('description') ?? text('Subject'),
    keywords: first('Keywords') ?? text('Keywords'),
    creatorTool: first('CreatorTool') ?? text('Creator') ?? first('Producer') ?? text('Producer'),
    created: isoDate(first('CreateDate')) ?? pdfDate(text('CreationDate')),
    modified: isoDate(first('ModifyDate')) ?? pdfDate(text('ModDate')),
  });
}

/** A PDF date string (D:YYYYMMDDHHmmSSOHH'mm') as ISO 8601; fields it leaves out default as the standard says. */
export function pdfDate(value: string | undefined): string | undefined {
  const m = value && /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+-])?\s*(\d{2})?'?(\d{2})?'?/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const zone = !sign || sign.toUpperCase() === 'Z' ? 'Z' : `${sign}${oh}:${om}`;
  return isoDate(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`);
}
