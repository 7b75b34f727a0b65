import { open } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { convert as htmlToText, type HtmlToTextOptions } from 'html-to-text';
import type { Extraction, Extractor, ExtractInput } from '../../core/types';
import { byteOrderMark, decodeText, encodingFromLabel, type TextEncodingLabel } from '../detect/encoding';
import { MIME } from '../detect/mime';
import { log } from '../../core/log';
import { normalizeText } from '../../core/normalize-text';

/** Bytes read from a text file; the rest of a larger file is left out (and the cut logged). */
export const MAX_TEXT_BYTES = 10 * 1024 * 1024;

/**
 * Separates the cells of a table row (CSV, spreadsheets). normalizeText turns tabs into
 * spaces and drops spaces between Japanese characters, which would glue neighbouring cells
 * (東京, 大阪 → 東京大阪) into words never written; a visible separator survives it.
 */
export const CELL_SEPARATOR = ' | ';

interface RawText {
  bytes: Buffer;
  truncated: boolean;
}

async function readCapped(input: ExtractInput): Promise<RawText> {
  const handle = await open(input.path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_TEXT_BYTES);
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, 0);
    const truncated = size > MAX_TEXT_BYTES;
    if (truncated) log.warn({ path: input.path, size, kept: MAX_TEXT_BYTES }, 'text file truncated');
    return { bytes: bytes.subarray(0, bytesRead), truncated };
  } finally {
    await handle.close();
  }
}

const extraction = (text: string): Extraction => ({ text: normalizeText(text), pages: 1, ocrPages: [] });

/**
 * Plain text and Markdown, kept as written. The encoding is detected: UTF-8, UTF-16 (with or
 * without BOM), Shift_JIS (CP932), EUC-JP, ISO-2022-JP, else Windows-1252.
 */
export const plainTextExtractor: Extractor = {
  name: 'text-plain',
  mimeTypes: [MIME.text, MIME.markdown],
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    const raw = await readCapped(input);
    return extraction(decodeText(raw.bytes, { truncated: raw.truncated }).text);
  },
};

/**
 * CSV and TSV: parsed with csv-parse (quoted fields may hold commas and line breaks), a line
 * per record with its cells separated. The delimiter of a .csv is sniffed from its first line
 * (Japanese exports are often tab-separated). Input that does not parse is kept as plain text.
 */
export const csvExtractor: Extractor = {
  name: 'text-csv',
  mimeTypes: [MIME.csv, MIME.tsv],
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    const raw = await readCapped(input);
    const { text } = decodeText(raw.bytes, { truncated: raw.truncated });
    const delimiter = input.type.mime === MIME.tsv ? '\t' : sniffDelimiter(text);
    try {
      const records: string[][] = parseCsv(text, {
        delimiter,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        // A file cut at the byte cap may end inside a quoted field.
        skip_records_with_error: raw.truncated,
      });
      const lines = records.map((cells) => cells.map((c) => c.trim()).filter(Boolean).join(CELL_SEPARATOR));
      return extraction(lines.join('\n'));
    } catch (err) {
      log.debug({ path: input.path, err }, 'CSV did not parse; kept as plain text');
      return extraction(text);
    }
  },
};

function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates: Array<[string, number]> = [
    [',', count(',')],
    ['\t', count('\t')],
    [';', count(';')],
  ];
  const [best, n] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return n > 0 ? best : ',';
}

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // The title names the page in search results; html-to-text leaves <head> out by default.
  baseElements: { selectors: ['title', 'body'], returnDomByDefault: true },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    // A cell per line: without a break, adjacent cells would run together (see CELL_SEPARATOR).
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
  ],
};

/** Declared charset of an HTML document (meta charset or http-equiv), from its first bytes. */
function declaredCharset(bytes: Buffer): TextEncodingLabel | undefined {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const match = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return match ? encodingFromLabel(match[1]) : undefined;
}

/**
 * HTML: visible text only (html-to-text skips script, style and the rest of <head>), the
 * title first. A charset declared in a meta tag wins over detection, as in a browser; a BOM
 * wins over both.
 */
export const htmlExtractor: Extractor = {
  name: 'text-html',
  mimeTypes: [MIME.html],
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    const raw = await readCapped(input);
    const encoding = byteOrderMark(raw.bytes) ? undefined : declaredCharset(raw.bytes);
    const { text } = decodeText(raw.bytes, { encoding, truncated: raw.truncated });
    const title = htmlTitle(text);
    return { ...extraction(htmlToText(text, HTML_OPTIONS)), ...(title ? { fields: { title } } : {}) };
  },
};

/** The document's <title>, entities decoded and whitespace collapsed (html-to-text reads the element). */
function htmlTitle(html: string): string | undefined {
  const head = /<title\b[^>]*>([\s\S]{0,4000}?)<\/title\s*>/i.exec(html.slice(0, 200_000));
  if (!head) return undefined;
  const title = htmlToText(head[1], { wordwrap: false }).replace(/\s+/g, ' ').trim();
  return title || undefined;
}

/** Every text extractor, for the registry. */
export const textExtractors: readonly Extractor[] = [plainTextExtractor, csvExtractor, htmlExtractor];
