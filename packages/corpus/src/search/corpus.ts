import type { FileSpec } from '../build';
import { businessDocument, paginate, pageText, type DocContent, type DocKind, type Lang, type Line } from '../content';
import { left } from '../content/layout';
import { MIME, type EntryBody, type Made } from '../recipes';
import { toDocx } from '../office/docx';
import { newPdf, savePdf } from '../pdf/document';
import { addScannedPage, addTextPage } from '../pdf/writers';
import { Rng } from '../random';
import { faceFor } from '../render/fonts';
import { renderPage } from '../render/page';
import { applyScanLook, encodeJpeg, encodePng, randomLook, randomSkew } from '../render/scan';
import { htmlFile, markdownFile, plainTextFile } from '../text/files';
import { FIXED_QUERIES, type SearchQuery } from './queries';
import { CODE_LINES, EN_SENTENCES, JA_SENTENCES, MIXED_SENTENCES, TITLES } from './sentences';

export type SearchDocFormat = 'txt' | 'txt-sjis' | 'md' | 'html' | 'docx' | 'pdf' | 'scan-pdf' | 'scan-png';

/** One document of the search corpus: where it goes, what it says as written, how it is stored. */
export interface SearchDoc {
  path: string;
  lang: Lang | 'mixed';
  format: SearchDocFormat;
  /** The text as written (every printed line; for a scan, the one scanned page). */
  text: string;
  /** True when only OCR can read it. */
  scanned: boolean;
}

export interface SearchCorpus {
  docs: SearchDoc[];
  queries: SearchQuery[];
  /** How to write each file, for buildSet. */
  specs: FileSpec[];
}

const DPI = 300;
const EXT: Record<SearchDocFormat, string> = { txt: 'txt', 'txt-sjis': 'txt', md: 'md', html: 'html', docx: 'docx', pdf: 'pdf', 'scan-pdf': 'pdf', 'scan-png': 'png' };
/** Formats of the short documents, by share: mostly text files, some Office and PDF, a few scans. */
const FORMATS: Array<[SearchDocFormat, number]> = [
  ['txt', 30],
  ['txt-sjis', 10],
  ['md', 10],
  ['html', 10],
  ['docx', 14],
  ['pdf', 16],
  ['scan-pdf', 5],
  ['scan-png', 5],
];

/**
 * The corpus `pnpm bench:search` measures precision and recall on: short documents made of
 * sentences that hold the query words, their parts apart and their prefixes (see sentences.ts),
 * in Japanese, English and both, stored as text, Markdown, HTML, Word, PDF and scans (OCR);
 * plus business documents (quotations, invoices, contracts … from the bench generator) as text,
 * PDF and scans. The queries are fixed (queries.ts) plus document numbers drawn from the
 * business documents; which documents answer them is computed from the text (searchTruth).
 */
export function searchCorpus(opts: { documents?: number; seed?: string } = {}): SearchCorpus {
  const seed = opts.seed ?? 'search';
  const rng = new Rng(seed);
  const total = opts.documents ?? 400;
  const docs: Array<SearchDoc & { content: DocContent }> = [];
  const business = Math.round(total / 12);

  for (let i = 0; i < total - business; i++) {
    const lang = rng.chance(0.55) ? 'ja' : rng.chance(0.55) ? 'en' : 'mixed';
    const format = weighted(rng, FORMATS);
    const content = sentenceDocument(rng, lang);
    const scanned = format.startsWith('scan');
    docs.push({ path: `docs/${String(i + 1).padStart(4, '0')}.${EXT[format]}`, lang, format, scanned, content, text: [content.title, ...content.paragraphs].join('\n') });
  }

  const kinds: Array<[Lang, DocKind]> = [['ja', 'quotation'], ['ja', 'invoice'], ['ja', 'contract'], ['ja', 'delivery'], ['ja', 'minutes'], ['en', 'invoice'], ['en', 'quotation'], ['en', 'letter']];
  const numbers: string[] = [];
  for (let i = 0; i < business; i++) {
    const [lang, kind] = kinds[i % kinds.length]!;
    const content = businessDocument(`${seed}/business/${i}`, lang, kind);
    const format: SearchDocFormat = i % 4 === 3 ? 'scan-pdf' : i % 4 === 1 ? 'pdf' : 'txt';
    const scanned = format === 'scan-pdf';
    // A scan holds the first page; the other formats every line.
    const text = pageText(scanned ? paginate(content.lines)[0]! : content.lines);
    const number = /\b(?:Q|INV|D|QT)-\d{4}-\d{4}\b/.exec(text)?.[0];
    if (number && !scanned) numbers.push(number);
    docs.push({ path: `business/${String(i + 1).padStart(3, '0')}.${EXT[format]}`, lang, format, scanned, content, text });
  }

  const queries = [...FIXED_QUERIES, ...new Rng(`${seed}/numbers`).sample(numbers, 2).map((n): SearchQuery => ({ category: 'code', query: n, terms: [n] }))];
  const specs: FileSpec[] = docs.map((d) => ({ path: d.path, make: () => writeDoc(d, d.content, `${seed}/${d.path}`) }));
  return { docs: docs.map(({ content: _content, ...d }) => d), queries, specs };
}

/**
 * The documents that answer a query: every term occurs in the text or the path, as written.
 * Compared as both indexes compare (NFKC, case folded, any run of whitespace as one space).
 */
export function searchTruth(query: SearchQuery, docs: readonly SearchDoc[]): Set<string> {
  const terms = query.terms.map(fold);
  return new Set(docs.filter((d) => terms.every((t) => fold(`${d.path}\n${d.text}`).includes(t))).map((d) => d.path));
}

function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

function weighted<T>(rng: Rng, items: Array<[T, number]>): T {
  let r = rng.next() * items.reduce((n, [, w]) => n + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1]![0];
}

function sentenceDocument(rng: Rng, lang: Lang | 'mixed'): DocContent {
  const pool = lang === 'ja' ? JA_SENTENCES : lang === 'en' ? EN_SENTENCES : [...MIXED_SENTENCES, ...rng.sample(JA_SENTENCES, 8), ...rng.sample(EN_SENTENCES, 4)];
  const sentences = rng.sample(pool, rng.int(3, 6));
  if (rng.chance(0.4)) sentences.splice(rng.int(0, sentences.length), 0, rng.pick(CODE_LINES[lang === 'en' ? 'en' : 'ja']));
  const title = rng.pick(TITLES[lang === 'en' ? 'en' : 'ja']);
  const docLang: Lang = lang === 'en' ? 'en' : 'ja';
  return { lang: docLang, kind: 'letter', title, lines: [left(title, 'heading'), ...sentences.map((s) => left(s))], expectedWords: [], paragraphs: sentences };
}

function entry(d: SearchDoc, body: Pick<EntryBody, 'kind' | 'mime'> & Partial<EntryBody>): EntryBody {
  return {
    language: d.lang === 'en' ? 'en' : 'ja',
    description: `search corpus: ${d.lang} ${d.format}`,
    expectedOutcome: 'indexed',
    expectedWords: [],
    pages: 1,
    textLayerPages: [],
    ocrPages: [],
    ...body,
  };
}

async function writeDoc(d: SearchDoc, content: DocContent, seed: string): Promise<Made> {
  switch (d.format) {
    case 'txt':
    case 'txt-sjis':
      return { data: plainTextFile(content, d.format === 'txt' ? 'utf-8' : 'shift_jis').data, entry: entry(d, { kind: 'text', mime: MIME.txt }) };
    case 'md':
      return { data: markdownFile(content).data, entry: entry(d, { kind: 'markdown', mime: MIME.md }) };
    case 'html':
      return { data: htmlFile(content, 'utf-8').data, entry: entry(d, { kind: 'html', mime: MIME.html }) };
    case 'docx':
      return { data: (await toDocx(content)).data, entry: entry(d, { kind: 'docx', mime: MIME.docx }) };
    case 'pdf': {
      const pdf = await newPdf(content.title);
      const pages = paginate(content.lines);
      // The standard fonts hold Latin only; Japanese and mixed text take the embedded IPA subset.
      const font = d.lang === 'en' ? ({ kind: 'standard', serif: false } as const) : ({ kind: 'cjk-embedded-subset', serif: false } as const);
      for (const lines of pages) await addTextPage(pdf, lines, font);
      return { data: await savePdf(pdf), entry: entry(d, { kind: 'born-digital-pdf', mime: MIME.pdf, pages: pages.length, textLayerPages: pages.map((_, i) => i + 1) }) };
    }
    case 'scan-pdf':
    case 'scan-png': {
      const rng = new Rng(seed);
      const lines: Line[] = paginate(content.lines)[0]!;
      const image = applyScanLook(renderPage(lines, faceFor(content.lang, false), { dpi: DPI, rotationDeg: randomSkew(rng), shiftPt: [rng.range(-4, 4), rng.range(-4, 4)] }), randomLook(rng), rng);
      const ocrPages = [{ page: 1, lang: content.lang === 'ja' ? ('jpn' as const) : ('eng' as const), dpi: DPI, text: pageText(lines) }];
      if (d.format === 'scan-png') return { data: await encodePng(image, DPI), entry: entry(d, { kind: 'scan-image', mime: MIME.png, ocrPages }) };
      const pdf = await newPdf('Scan');
      await addScannedPage(pdf, await encodeJpeg(image, DPI, 80));
      return { data: await savePdf(pdf), entry: entry(d, { kind: 'scanned-pdf', mime: MIME.pdf, ocrPages }) };
    }
  }
}
