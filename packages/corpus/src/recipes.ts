import { businessDocument, englishOrders, japaneseDirectory, paginate, pageText, type DocContent, type DocKind, type Lang, type Line } from './content';
import { docuworksLike } from './bad/docuworks';
import { encryptPdf, garbage, hugePng, truncated } from './bad/inputs';
import type { ManifestEntry, OcrPageTruth } from './manifest';
import { toDocx } from './office/docx';
import { toPptx } from './office/pptx';
import { toXlsx } from './office/xlsx';
import { newPdf, savePdf } from './pdf/document';
import { addScannedPage, addTextPage, type TextFont } from './pdf/writers';
import { editPhoto, photo, type PhotoEdit, type Scene } from './photo/scene';
import { Rng } from './random';
import { faceFor } from './render/fonts';
import { renderPage, type GreyImage } from './render/page';
import { applyScanLook, encodeBilevelPng, encodeJpeg, encodeMultiPageTiff, encodePng, randomLook, randomSkew } from './render/scan';
import { csvFile, htmlFile, markdownFile, plainTextFile, type TextEncoding } from './text/files';
import { containsWord } from './text/match';

export type EntryBody = Omit<ManifestEntry, 'path' | 'size' | 'sha256'>;
export interface Made {
  data: Buffer;
  entry: EntryBody;
}

export const MIME = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  tiff: 'image/tiff',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  html: 'text/html',
  xdw: 'application/vnd.fujixerox.docuworks',
  octet: 'application/octet-stream',
} as const;

const OCR_LANG = { ja: 'jpn', en: 'eng' } as const;
const DPI = 300;

function serifFor(doc: DocContent): boolean {
  return doc.kind === 'contract' || doc.kind === 'letter';
}

function wordsIn(words: string[], text: string): string[] {
  return words.filter((w) => containsWord(text, w));
}

function scan(lines: Line[], doc: DocContent, rng: Rng, dpi = DPI): GreyImage {
  const clean = renderPage(lines, faceFor(doc.lang, serifFor(doc)), { dpi, rotationDeg: randomSkew(rng), shiftPt: [rng.range(-4, 4), rng.range(-4, 4)] });
  return applyScanLook(clean, randomLook(rng), rng);
}

function base(partial: Partial<EntryBody> & Pick<EntryBody, 'kind' | 'mime' | 'language' | 'description'>): EntryBody {
  return { expectedOutcome: 'indexed', expectedWords: [], pages: 1, textLayerPages: [], ocrPages: [], ...partial };
}

/** Pages of one or more documents, scanned to JPEG and wrapped in a PDF (image-only pages). */
export async function scannedPdf(seed: string, lang: Lang, kinds: DocKind[], quality = 72): Promise<Made> {
  const rng = new Rng(seed);
  const pdf = await newPdf('Scan');
  const ocrPages: OcrPageTruth[] = [];
  const words: string[] = [];
  for (const [i, kind] of kinds.entries()) {
    const doc = businessDocument(`${seed}/doc${i}`, lang, kind);
    for (const lines of paginate(doc.lines)) {
      await addScannedPage(pdf, await encodeJpeg(scan(lines, doc, rng), DPI, quality));
      ocrPages.push({ page: ocrPages.length + 1, lang: OCR_LANG[lang], dpi: DPI, text: pageText(lines) });
    }
    words.push(...doc.expectedWords);
  }
  const all = ocrPages.map((p) => p.text).join('\n');
  return {
    data: await savePdf(pdf),
    entry: base({
      kind: 'scanned-pdf',
      mime: MIME.pdf,
      language: lang,
      description: `scanned ${kinds.join(' + ')} (${lang}), ${ocrPages.length} image-only page(s), JPEG ${DPI} dpi`,
      expectedWords: wordsIn(words, all),
      pages: ocrPages.length,
      ocrPages,
    }),
  };
}

const FONT_LABEL: Record<TextFont['kind'], string> = {
  'cjk-not-embedded': 'Japanese Type0/UniJIS-UCS2-H font, not embedded',
  'cjk-embedded-subset': 'Japanese TrueType subset embedded',
  standard: 'standard 14 font',
};

/** A PDF with a real text layer. */
export async function bornDigitalPdf(seed: string, lang: Lang, kind: DocKind, fontKind: TextFont['kind']): Promise<Made> {
  const doc = businessDocument(seed, lang, kind);
  const pdf = await newPdf(doc.title);
  const pages = paginate(doc.lines);
  for (const lines of pages) await addTextPage(pdf, lines, { kind: fontKind, serif: serifFor(doc) });
  return {
    data: await savePdf(pdf),
    entry: base({
      kind: 'born-digital-pdf',
      mime: MIME.pdf,
      language: lang,
      description: `born-digital ${kind} (${lang}), ${FONT_LABEL[fontKind]}`,
      expectedWords: wordsIn(doc.expectedWords, pageText(doc.lines)),
      pages: pages.length,
      textLayerPages: pages.map((_, i) => i + 1),
    }),
  };
}

/** Text pages of one document followed by a scanned page of another (e.g. a signed form). */
export async function hybridPdf(seed: string, lang: Lang, textKind: DocKind, scanKind: DocKind): Promise<Made> {
  const rng = new Rng(seed);
  const textDoc = businessDocument(`${seed}/text`, lang, textKind);
  const scanDoc = businessDocument(`${seed}/scan`, lang, scanKind);
  const pdf = await newPdf(textDoc.title);
  const textPages = paginate(textDoc.lines);
  const font: TextFont = { kind: lang === 'ja' ? 'cjk-embedded-subset' : 'standard', serif: serifFor(textDoc) };
  for (const lines of textPages) await addTextPage(pdf, lines, font);
  const scanLines = paginate(scanDoc.lines)[0]!;
  await addScannedPage(pdf, await encodeJpeg(scan(scanLines, scanDoc, rng), DPI, 72));
  const scanPage = textPages.length + 1;
  const scanText = pageText(scanLines);
  return {
    data: await savePdf(pdf),
    entry: base({
      kind: 'hybrid-pdf',
      mime: MIME.pdf,
      language: lang,
      description: `hybrid (${lang}): ${textPages.length} text page(s) of a ${textKind}, then a scanned ${scanKind}`,
      expectedWords: [...wordsIn(textDoc.expectedWords, pageText(textDoc.lines)), ...wordsIn(scanDoc.expectedWords, scanText)],
      pages: scanPage,
      textLayerPages: textPages.map((_, i) => i + 1),
      ocrPages: [{ page: scanPage, lang: OCR_LANG[lang], dpi: DPI, text: scanText }],
    }),
  };
}

export type ScanFormat = 'jpeg' | 'png' | 'png-bilevel' | 'tiff';

/** A scan saved as an image file; a TIFF holds every page of every document given (a batch). */
export async function scanImage(seed: string, lang: Lang, kinds: DocKind[], format: ScanFormat, dpi = DPI): Promise<Made> {
  const rng = new Rng(seed);
  const docs = kinds.map((kind, i) => businessDocument(`${seed}/doc${i}`, lang, kind));
  const pages = docs.flatMap((doc) => (format === 'tiff' ? paginate(doc.lines) : paginate(doc.lines).slice(0, 1)).map((lines) => ({ doc, lines })));
  if (format !== 'tiff') pages.splice(1);
  const images = pages.map(({ doc, lines }) => scan(lines, doc, rng, dpi));
  let data: Buffer;
  if (format === 'jpeg') data = await encodeJpeg(images[0]!, dpi, 80);
  else if (format === 'png') data = await encodePng(images[0]!, dpi);
  else if (format === 'png-bilevel') data = await encodeBilevelPng(images[0]!, dpi);
  else data = await encodeMultiPageTiff(images, dpi);
  const ocrPages = pages.map(({ lines }, i) => ({ page: i + 1, lang: OCR_LANG[lang], dpi, text: pageText(lines) }));
  const mime = format === 'jpeg' ? MIME.jpeg : format === 'tiff' ? MIME.tiff : MIME.png;
  const truth = ocrPages.map((p) => p.text).join('\n');
  return {
    data,
    entry: base({
      kind: 'scan-image',
      mime,
      language: lang,
      description: `scanned ${[...new Set(pages.map((p) => p.doc.kind))].join(' + ')} (${lang}) as ${format}${format === 'tiff' ? `, ${pages.length} page(s)` : ''}, ${dpi} dpi`,
      expectedWords: wordsIn(docs.flatMap((d) => d.expectedWords), truth),
      pages: pages.length,
      ocrPages,
    }),
  };
}

export async function photoFile(seed: string, scene: Scene, width: number, height: number): Promise<Made> {
  return {
    data: await photo(new Rng(seed), scene, width, height),
    entry: base({ kind: 'photo', mime: MIME.jpeg, language: 'none', description: `generated photo: ${scene}, ${width}×${height}` }),
  };
}

export async function photoEditFile(original: Made, originalPath: string, edit: PhotoEdit): Promise<Made> {
  return {
    data: await editPhoto(original.data, edit),
    entry: base({ kind: 'photo', mime: MIME.jpeg, language: 'none', description: `edited copy (${edit}) of ${originalPath}`, similarTo: originalPath, edit }),
  };
}

export async function officeFile(seed: string, lang: Lang, kind: DocKind, format: 'docx' | 'xlsx' | 'pptx'): Promise<Made> {
  const doc = businessDocument(seed, lang, kind);
  const { data, text } = await { docx: toDocx, xlsx: toXlsx, pptx: toPptx }[format](doc);
  return {
    data,
    entry: base({ kind: format, mime: MIME[format], language: lang, description: `${kind} (${lang}) as ${format}`, expectedWords: wordsIn(doc.expectedWords, text) }),
  };
}

export function textFile(seed: string, lang: Lang, kind: DocKind, encoding: TextEncoding): Made {
  const doc = businessDocument(seed, lang, kind);
  const { data, text } = plainTextFile(doc, encoding);
  return {
    data,
    entry: base({ kind: 'text', mime: MIME.txt, language: lang, description: `${kind} (${lang}) as plain text, ${encoding}`, expectedWords: wordsIn(doc.expectedWords, text) }),
  };
}

export function csvTable(seed: string, lang: Lang, encoding: TextEncoding): Made {
  const rng = new Rng(seed);
  const table = lang === 'ja' ? japaneseDirectory(rng, 12) : englishOrders(rng, 20);
  const { data } = csvFile(table, encoding);
  const words = lang === 'ja' ? ['取引先コード', table.rows[0]![1]!, table.rows[3]![3]!] : [table.rows[0]![0]!, table.rows[2]![2]!];
  return {
    data,
    entry: base({ kind: 'csv', mime: MIME.csv, language: lang, description: `${lang === 'ja' ? 'supplier list' : 'order list'} CSV, ${encoding}`, expectedWords: words }),
  };
}

export function markdown(seed: string, lang: Lang, kind: DocKind): Made {
  const doc = businessDocument(seed, lang, kind);
  const { data, text } = markdownFile(doc);
  return { data, entry: base({ kind: 'markdown', mime: MIME.md, language: lang, description: `${kind} (${lang}) as Markdown`, expectedWords: wordsIn(doc.expectedWords, text) }) };
}

export function html(seed: string, lang: Lang, kind: DocKind, encoding: TextEncoding): Made {
  const doc = businessDocument(seed, lang, kind);
  const { data, text } = htmlFile(doc, encoding);
  return { data, entry: base({ kind: 'html', mime: MIME.html, language: lang, description: `${kind} (${lang}) as HTML, ${encoding}`, expectedWords: wordsIn(doc.expectedWords, text) }) };
}

export function docuworks(seed: string, pages: number): Made {
  return {
    data: docuworksLike(new Rng(seed), pages),
    entry: base({
      kind: 'docuworks',
      mime: MIME.xdw,
      language: 'none',
      description: `DocuWorks-like container, ${pages} page(s): recognisable by its header, not readable without the vendor's software`,
      expectedOutcome: 'metadata_only',
      pages,
    }),
  };
}

// ---- bad input ----

function bad(mime: string, description: string, defect: string, expectedOutcome: EntryBody['expectedOutcome'] = 'failed'): EntryBody {
  return base({ kind: 'bad', mime, language: 'none', description, defect, expectedOutcome, pages: 0 });
}

export function zeroByte(): Made {
  return { data: Buffer.alloc(0), entry: bad(MIME.octet, 'zero-byte file named .pdf', 'empty') };
}

export async function truncatedPdf(seed: string): Promise<Made> {
  const full = await bornDigitalPdf(seed, 'en', 'letter', 'standard');
  // Cut inside the first page's content stream: no page tree, no cross-reference table.
  return { data: truncated(full.data, 0.3), entry: bad(MIME.pdf, 'born-digital PDF cut to its first 30% (interrupted copy)', 'truncated') };
}

export function garbagePdf(seed: string): Made {
  // Content wins over the name: unknown bytes have no reader, so they are kept by metadata.
  return { data: garbage(new Rng(seed), 48 * 1024), entry: bad(MIME.octet, 'random bytes named .pdf', 'not a PDF (random bytes)', 'metadata_only') };
}

export async function encryptedPdf(seed: string): Promise<Made> {
  const plain = await bornDigitalPdf(seed, 'ja', 'invoice', 'cjk-embedded-subset');
  return { data: encryptPdf(plain.data, 'cis-secret'), entry: bad(MIME.pdf, 'PDF encrypted with a user password (AES-128, qpdf)', 'encrypted') };
}

export async function truncatedJpeg(seed: string): Promise<Made> {
  const full = await photo(new Rng(seed), 'landscape', 1024, 768);
  return { data: truncated(full, 0.55), entry: bad(MIME.jpeg, 'photo JPEG cut to 55% (no end-of-image marker)', 'truncated') };
}

export function hugeImage(): Made {
  return { data: hugePng(40000, 40000), entry: bad(MIME.png, 'valid 1-bit PNG claiming 40000×40000 pixels (decompression bomb)', 'too many pixels') };
}

/** A PNG scan saved with a .pdf name: content must win over the extension. */
export async function pngNamedPdf(seed: string): Promise<Made> {
  const made = await scanImage(seed, 'en', ['invoice'], 'png-bilevel');
  return { data: made.data, entry: { ...made.entry, description: `${made.entry.description}; named .pdf (extension lies)`, defect: 'extension says PDF, content is PNG' } };
}
