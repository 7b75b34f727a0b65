import type { DocumentLanguage } from './types';

/** Characters looked at: the start of a long document says what it is written in. */
const SAMPLE_CHARS = 20_000;
/** Fewer letters than this say nothing reliable about a language. */
const MIN_LETTERS = 20;
/**
 * Japanese prose is mostly kana and kanji even when it quotes English terms; English text in a
 * Japanese company's files often carries a few Japanese names. A fifth of the letters decides.
 */
const JAPANESE_SHARE = 0.2;
const ENGLISH_SHARE = 0.6;

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
/** Common English words: Latin-script text without them is some other language (German, Vietnamese …). */
const ENGLISH_WORDS = /\b(the|and|of|to|in|is|for|that|with|on|this|are|be|by|from|or|as|at|not|it|we|you|your|our|will|has|have)\b/gi;

/**
 * The language of a document's text, by script: ja where kana and kanji make a fifth of the
 * letters (kanji alone count too, as a Japanese file may be all kanji, e.g. a table of names);
 * en where Latin letters dominate and common English words occur; other for everything else,
 * including documents with too little text to tell.
 */
export function detectLanguage(text: string): DocumentLanguage {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  let letters = 0;
  let japanese = 0;
  let kana = 0;
  let latin = 0;
  for (const ch of sample) {
    if (!LETTER.test(ch)) continue;
    letters++;
    if (KANA.test(ch)) {
      kana++;
      japanese++;
    } else if (HAN.test(ch)) japanese++;
    else if (LATIN.test(ch)) latin++;
  }
  if (letters < MIN_LETTERS) return 'other';
  // Han without any kana could be Chinese; a little kana is enough to tell Japanese apart.
  if (japanese / letters >= JAPANESE_SHARE && (kana > 0 || japanese === letters)) return 'ja';
  if (latin / letters >= ENGLISH_SHARE) {
    const words = sample.match(ENGLISH_WORDS)?.length ?? 0;
    const latinWords = sample.match(/\p{Script=Latin}+/gu)?.length ?? 1;
    // Common words make a quarter to a half of English prose; other languages share only a few (in, an).
    if (words / latinWords >= 0.15) return 'en';
  }
  return 'other';
}
