import Encoding from 'encoding-japanese';

/** WHATWG encoding labels, as TextDecoder (Node 20 with full ICU) accepts them. */
export type TextEncodingLabel =
  | 'utf-8'
  | 'utf-16le'
  | 'utf-16be'
  | 'shift_jis'
  | 'euc-jp'
  | 'iso-2022-jp'
  | 'windows-1252';

/** Bytes looked at to guess an encoding; enough for any real text, cheap on huge files. */
const DETECT_SAMPLE_BYTES = 1024 * 1024;

const ENCODING_JAPANESE_LABELS: Readonly<Record<string, TextEncodingLabel>> = {
  ASCII: 'utf-8',
  UTF8: 'utf-8',
  SJIS: 'shift_jis',
  EUCJP: 'euc-jp',
  JIS: 'iso-2022-jp',
};

/** The encoding a byte-order mark announces, and the mark's length. */
export function byteOrderMark(bytes: Uint8Array): { label: TextEncodingLabel; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { label: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { label: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { label: 'utf-16be', length: 2 };
  return undefined;
}

/**
 * UTF-16 without a BOM (some Windows exports): mostly-ASCII text leaves every other byte zero.
 * The byte order whose zeros fall into one lane, if the code units it gives are then printable
 * (arrays of small 16-bit numbers have the same zeros).
 */
function bomlessUtf16(bytes: Uint8Array): TextEncodingLabel | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 16) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  const label =
    oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05
      ? 'utf-16le'
      : evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05
        ? 'utf-16be'
        : undefined;
  if (!label) return undefined;
  const units = new TextDecoder(label).decode(bytes.subarray(0, n));
  return controlRatio(units) <= 0.01 ? label : undefined;
}

/** Share of C0 controls other than tab, line breaks, form feed and ESC (ISO-2022-JP), and of U+FFFD. */
function controlRatio(text: string): number {
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) || c === 0xfffd) control++;
  }
  return text.length === 0 ? 0 : control / text.length;
}

/**
 * Text or binary, from the leading bytes: text has no NUL bytes (unless it is UTF-16) and
 * almost no C0 control characters other than tab, line breaks, form feed and the ESC of
 * ISO-2022-JP.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  if (byteOrderMark(head) || bomlessUtf16(head)) return true;
  if (head.includes(0)) return false;
  return controlRatio(Buffer.from(head).toString('latin1')) <= 0.01;
}

/**
 * The encoding of a text file. BOMs first; then UTF-16 by its zero bytes; then
 * encoding-japanese's detector, which tells UTF-8, Shift_JIS (CP932), EUC-JP and ISO-2022-JP
 * apart by their byte patterns. Anything else is read as Windows-1252, which never fails.
 * `cut` says the bytes are a prefix of the file, which may end inside a character.
 */
export function detectEncoding(bytes: Uint8Array, cut = false): TextEncodingLabel {
  const bom = byteOrderMark(bytes);
  if (bom) return bom.label;
  const utf16 = bomlessUtf16(bytes);
  if (utf16) return utf16;
  const found = Encoding.detect(completeCharacters(bytes, cut), ['ASCII', 'JIS', 'UTF8', 'EUCJP', 'SJIS']);
  return (found && ENCODING_JAPANESE_LABELS[found]) || 'windows-1252';
}

/**
 * A sample of at most DETECT_SAMPLE_BYTES that ends on a character boundary: a half
 * character at the end would make valid UTF-8 look invalid. In UTF-8, Shift_JIS and EUC-JP a
 * byte below 0x80 always ends a character, so the sample ends at the last such byte.
 */
function completeCharacters(bytes: Uint8Array, cut: boolean): Uint8Array {
  const sample = bytes.subarray(0, DETECT_SAMPLE_BYTES);
  if (!cut && sample.length === bytes.length) return sample;
  for (let end = sample.length - 1; end >= 0; end--) if (sample[end] < 0x80) return sample.subarray(0, end + 1);
  return sample;
}

export interface DecodedText {
  text: string;
  encoding: TextEncodingLabel;
}

/**
 * Decodes with the detected (or a declared) encoding. `truncated` says the bytes were cut at a
 * cap, so a character split at the end is dropped rather than shown as U+FFFD.
 */
export function decodeText(
  bytes: Uint8Array,
  opts: { encoding?: TextEncodingLabel; truncated?: boolean } = {},
): DecodedText {
  const encoding = opts.encoding ?? detectEncoding(bytes, opts.truncated);
  const bom = byteOrderMark(bytes);
  const body = bom && bom.label === encoding ? bytes.subarray(bom.length) : bytes;
  let text = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  if (opts.truncated) text = text.replace(/\uFFFD+$/, '');
  return { text, encoding };
}

/** Maps a charset name declared in a document (HTML meta) to a label we decode, if we know it. */
export function encodingFromLabel(label: string): TextEncodingLabel | undefined {
  const l = label.trim().toLowerCase().replace(/_/g, '-');
  if (l === 'utf-8' || l === 'utf8') return 'utf-8';
  if (['shift-jis', 'sjis', 'x-sjis', 'windows-31j', 'cp932', 'ms932', 'ms-kanji'].includes(l)) return 'shift_jis';
  if (l === 'euc-jp' || l === 'x-euc-jp') return 'euc-jp';
  if (l === 'iso-2022-jp') return 'iso-2022-jp';
  if (l === 'utf-16le' || l === 'utf-16') return 'utf-16le';
  if (l === 'utf-16be') return 'utf-16be';
  if (['iso-8859-1', 'latin1', 'us-ascii', 'windows-1252', 'ascii'].includes(l)) return 'windows-1252';
  return undefined;
}
