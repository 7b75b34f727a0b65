/**
 * How the corpus compares text: NFKC, lower case, all whitespace removed. OCR puts spaces between
 * Japanese characters and moves line breaks; neither changes whether a word was read.
 */
export function squash(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

export function containsWord(text: string, word: string): boolean {
  return squash(text).includes(squash(word));
}

/**
 * Character error rate that ignores reading order: layout analysis may emit table columns or
 * blocks in another order than they were printed, which a plain edit distance counts as errors.
 * Errors = max(|truth|, |ocr|) − matched characters (multiset intersection), over |truth|; a
 * substitution, an insertion and a deletion each cost one, as in edit distance.
 */
export function orderFreeCer(truth: string, ocr: string): { errors: number; chars: number; cer: number } {
  const t = [...squash(truth)];
  const o = [...squash(ocr)];
  const counts = new Map<string, number>();
  for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let matched = 0;
  for (const ch of o) {
    const n = counts.get(ch) ?? 0;
    if (n > 0) {
      matched++;
      counts.set(ch, n - 1);
    }
  }
  const errors = Math.max(t.length, o.length) - matched;
  return { errors, chars: t.length, cer: t.length === 0 ? (o.length === 0 ? 0 : 1) : errors / t.length };
}
