const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const PIECES = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{N}])+|[^\s\p{L}\p{N}]`, 'gu');
const IS_CJK = new RegExp(`[${CJK}]`, 'u');

/**
 * A rough stand-in for Titan's tokenizer, good enough to enforce the documented input limit:
 * each CJK character counts as a token, other words one token per 4 characters (at least one),
 * each punctuation mark one.
 */
export function estimateTokens(text: string): number {
  let count = 0;
  for (const [piece] of text.matchAll(PIECES)) {
    count += IS_CJK.test(piece) ? 1 : Math.max(1, Math.ceil(piece.length / 4));
  }
  return count;
}
