import type { Extraction } from '../../core/types';
import { normalizeText } from '../../core/normalize-text';

/**
 * Pages of paged formats (PDF, multi-page TIFF) are joined with a form feed, as pdftotext
 * does: unlike a blank line, it cannot occur inside a page's normalised text, so a reader
 * can map a hit back to its page by counting separators. Run `normalizeText` per page,
 * never over the joined text: it turns form feeds into line breaks.
 */
export const PAGE_SEPARATOR = '\f';

export function joinPages(pages: readonly string[]): string {
  return pages.map(normalizeText).join(PAGE_SEPARATOR);
}

/** Extraction notes for pages beyond the page limit, e.g. "pages 201–350 not extracted: …". */
export function pageLimitNote(pageCount: number, maxPages: number): string | undefined {
  if (pageCount <= maxPages) return undefined;
  const first = maxPages + 1;
  const range = first === pageCount ? `page ${first}` : `pages ${first}–${pageCount}`;
  return `${range} not extracted: over the limit of ${maxPages} pages`;
}
