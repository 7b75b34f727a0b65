import { normalizeText } from './normalize-text';

/**
 * The terms of a search query, as both indexes read it: every term must be found, as written,
 * somewhere in the document's text or path.
 *
 * - Terms are separated by spaces ("見積書 請求書" means both words, not one string), so the
 *   query is split before normalising: normalizeText joins CJK words separated by spaces.
 * - A run in double quotes is one term, spaces included: `"cloud backup service"` finds those
 *   words in that order, not three words anywhere. An unpaired quote is read as a space.
 * - Each term is normalised as the indexed text was (NFKC, no spaces inside CJK runs), so
 *   見積書 typed in full width or as "見 積 書" inside quotes finds the same documents.
 */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  const parts = query.normalize('NFKC').split('"');
  // Odd-numbered parts were inside a pair of quotes; an unpaired last quote opens nothing.
  const quotedUpTo = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < quotedUpTo) {
      const phrase = normalizeText(part).replace(/\s+/g, ' ');
      if (phrase) terms.push(phrase);
      return;
    }
    for (const word of part.split(/\s+/)) terms.push(...normalizeText(word).split(/\s+/));
  });
  return terms.filter(Boolean);
}
