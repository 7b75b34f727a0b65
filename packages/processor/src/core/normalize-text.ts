/**
 * One canonical form for every extractor's text, so that the index and the queries agree:
 *
 * - NFKC: full-width Latin and digits become ASCII, half-width katakana become full-width,
 *   the ideographic space becomes a plain space (見積書 typed any way matches).
 * - Japanese is written without spaces; OCR (and some authors) put spaces between characters
 *   ("見 積 書", "2024 年 4 月"). A space is dropped where a CJK character meets another CJK
 *   character, a digit, punctuation or a currency sign; spaces between Latin words stay.
 * - Line breaks stay (they separate table cells, fields and paragraphs); trailing and leading
 *   blanks go; runs of blank lines collapse to one blank line.
 * - Control and zero-width characters (NUL, BOM, soft hyphen, ZWSP …) go: they break matching
 *   and never carry meaning in search text.
 */

// Han (incl. 々 〆), kana, CJK punctuation (、。「」〒〜), ・ and ー, half-width CJK punctuation.
const CJK = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u3000-\u303F\u30FB\u30FC\uFF61-\uFF65`;
const CJK_NEIGHBOUR = String.raw`${CJK}\p{Nd}\p{P}\p{Sc}`;
const SPACE = String.raw`[^\S\n]+`;

const SPACE_AFTER_CJK = new RegExp(String.raw`(?<=[${CJK}])${SPACE}(?=[${CJK_NEIGHBOUR}])`, 'gu');
const SPACE_BEFORE_CJK = new RegExp(String.raw`(?<=[${CJK_NEIGHBOUR}])${SPACE}(?=[${CJK}])`, 'gu');
// Cc except \t and \n (\r and other line separators are turned into \n first), Cf (format
// characters: ZWSP, ZWJ, BOM, soft hyphen, bidi marks).
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}]/gu;
const LINE_BREAKS = /\r\n?|[\u000B\u000C\u0085\u2028\u2029]/g;

export function normalizeText(input: string): string {
  const text = input.normalize('NFKC').replace(LINE_BREAKS, '\n').replace(INVISIBLE, '');
  const lines = text.split('\n').map((line) =>
    line
      .replace(/[^\S\n]+/g, ' ')
      .replace(SPACE_AFTER_CJK, '')
      .replace(SPACE_BEFORE_CJK, '')
      .trim(),
  );
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
