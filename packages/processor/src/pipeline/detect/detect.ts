import { open, stat } from 'node:fs/promises';
import { UnreadableFileError } from '../../core/errors';
import type { DetectedType } from '../../core/types';
import { ZipArchive, type ZipLimits } from '../formats/zip';
import { decodeText, looksLikeText } from './encoding';
import { DOCUWORKS_MIMES, MIME, MIME_BY_EXTENSION, extensionOf, kindOf } from './mime';
import { MAX_OLE2_PARSE_BYTES, isEncryptedOoxml, readOle2, topLevelNames } from '../formats/ole2';
import { matchSignature } from './signatures';

/** Leading bytes read for signatures and the text sniff. */
const HEAD_BYTES = 64 * 1024;

/** Detection only lists a zip and reads its small manifest parts. */
const DETECT_ZIP_LIMITS: ZipLimits = { maxEntries: 100_000, maxEntryBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 };

/** The main part's content type names the OOXML variant exactly (macro-enabled, template …). */
const OOXML_MAIN_CONTENT_TYPES: ReadonlyMap<string, string> = new Map(
  [
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', MIME.docx],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml', MIME.dotx],
    ['application/vnd.ms-word.document.macroEnabled.main+xml', MIME.docm],
    ['application/vnd.ms-word.template.macroEnabledTemplate.main+xml', MIME.dotm],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', MIME.xlsx],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml', MIME.xltx],
    ['application/vnd.ms-excel.sheet.macroEnabled.main+xml', MIME.xlsm],
    ['application/vnd.ms-excel.template.macroEnabled.main+xml', MIME.xltm],
    ['application/vnd.ms-excel.sheet.binary.macroEnabled.main', MIME.xlsb],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml', MIME.pptx],
    ['application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml', MIME.ppsx],
    ['application/vnd.openxmlformats-officedocument.presentationml.template.main+xml', MIME.potx],
    ['application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml', MIME.pptm],
    ['application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml', MIME.ppsm],
    ['application/vnd.ms-powerpoint.template.macroEnabled.main+xml', MIME.potm],
  ].map(([ct, mime]) => [ct.toLowerCase(), mime]),
);

/** Packages without a usable [Content_Types].xml still name their main part conventionally. */
const OOXML_MAIN_PARTS: ReadonlyArray<[string, string]> = [
  ['word/document.xml', MIME.docx],
  ['xl/workbook.xml', MIME.xlsx],
  ['xl/workbook.bin', MIME.xlsb],
  ['ppt/presentation.xml', MIME.pptx],
];

const ZIP_BASED = new Set<string>([...OOXML_MAIN_CONTENT_TYPES.values(), MIME.zip, MIME.odt, MIME.ods, MIME.odp]);
const OLE2_BASED = new Set<string>([MIME.doc, MIME.xls, MIME.ppt, MIME.msg]);
const ENCRYPTABLE_OOXML = new Set<string>([...OOXML_MAIN_CONTENT_TYPES.values()]);

/**
 * What a file is, by its content: signatures first, then the inside of zip and OLE2
 * containers, then a text/binary sniff. The extension only breaks ties the content cannot
 * (CSV vs plain text, which Office format an encrypted package held, DocuWorks) and is
 * flagged with `extensionMismatch` when the content contradicts it.
 *
 * Empty files are `application/x-empty`, kind 'other': there is nothing to extract, and the
 * pipeline stores them by metadata with a reason.
 */
export async function detectType(path: string, name: string): Promise<DetectedType> {
  const ext = extensionOf(name);
  const head = await readHead(path);
  if (head.length === 0) return { mime: MIME.empty, kind: kindOf(MIME.empty) };
  const mime = await classify(path, head, ext);
  const claimed = MIME_BY_EXTENSION.get(ext);
  const type: DetectedType = { mime, kind: kindOf(mime) };
  if (claimed !== undefined && claimed !== mime) type.extensionMismatch = true;
  return type;
}

async function classify(path: string, head: Buffer, ext: string): Promise<string> {
  const hinted = MIME_BY_EXTENSION.get(ext);
  const signed = matchSignature(head);
  if (signed === MIME.zip) return classifyZip(path, hinted);
  if (signed === MIME.cfb) return classifyOle2(path, hinted);
  if (signed) return signed;
  if (looksLikeText(head)) return classifyText(head, hinted);
  if (hinted && (DOCUWORKS_MIMES as readonly string[]).includes(hinted)) return hinted;
  return MIME.binary;
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function classifyZip(path: string, hinted: string | undefined): Promise<string> {
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(path, DETECT_ZIP_LIMITS);
  } catch (err) {
    // A damaged package is still what its name says, so the right extractor reports the damage.
    if (err instanceof UnreadableFileError) return hinted && ZIP_BASED.has(hinted) ? hinted : MIME.zip;
    throw err;
  }
  try {
    if (zip.has('[Content_Types].xml')) {
      const types = await zip.readText('[Content_Types].xml').catch(() => '');
      for (const [, contentType] of types.matchAll(/ContentType\s*=\s*"([^"]+)"/gi)) {
        const mime = OOXML_MAIN_CONTENT_TYPES.get(contentType.toLowerCase());
        if (mime) return mime;
      }
    }
    const byPart = OOXML_MAIN_PARTS.find(([part]) => zip.has(part));
    if (byPart) return byPart[1];
    // OpenDocument and EPUB store their mime type, uncompressed, as the first entry.
    if (zip.has('mimetype')) {
      const declared = (await zip.readText('mimetype').catch(() => '')).trim();
      if (/^application\/[\w.+-]{1,100}$/.test(declared)) return declared;
    }
    return MIME.zip;
  } finally {
    zip.close();
  }
}

async function classifyOle2(path: string, hinted: string | undefined): Promise<string> {
  const { size } = await stat(path);
  if (size > MAX_OLE2_PARSE_BYTES) return hinted && OLE2_BASED.has(hinted) ? hinted : MIME.cfb;
  let names: Set<string>;
  try {
    names = topLevelNames(await readOle2(path));
  } catch (err) {
    if (err instanceof UnreadableFileError) return hinted && OLE2_BASED.has(hinted) ? hinted : MIME.cfb;
    throw err;
  }
  // A password-protected .docx/.xlsx/.pptx: the package inside is encrypted, so only the
  // extension tells which; its extractor reports the encryption.
  if (isEncryptedOoxml(names)) return hinted && ENCRYPTABLE_OOXML.has(hinted) ? hinted : MIME.cfb;
  return ole2Mime(names) ?? MIME.cfb;
}

const HTML_START = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])/i;
const SVG_START = /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype\s+svg[^>]*>\s*)?<svg[\s>]/i;

/** A mail saved as a file: header lines from the first byte (the match must start at 0), among them From and one of Subject, Date, MIME-Version. */
const MAIL_HEADERS = /^(?=[\s\S]*^From:)(?=[\s\S]*^(?:Subject|Date|MIME-Version):)(?:[A-Za-z][\w-]*:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){3}/m;

function classifyText(head: Buffer, hinted: string | undefined): string {
  // Text subtypes cannot be told apart reliably by content (CSV, Markdown): the extension decides.
  if (hinted && kindOf(hinted) === 'text') return hinted;
  const start = decodeText(head, { truncated: true }).text.slice(0, 4096);
  if (hinted === MIME.eml || MAIL_HEADERS.exec(start)?.index === 0) return MIME.eml;
  if (SVG_START.test(start)) return MIME.svg;
  if (HTML_START.test(start)) return MIME.html;
  return MIME.text;
}

/**
 * The format an OLE2 container holds, told by its streams. Encrypted OOXML returns undefined:
 * only the extension can say whether it was a document, a workbook or a presentation.
 */
function ole2Mime(names: Set<string>): string | undefined {
  if (isEncryptedOoxml(names)) return undefined;
  if (names.has('WordDocument')) return MIME.doc;
  if (names.has('Workbook') || names.has('Book')) return MIME.xls;
  if (names.has('PowerPoint Document')) return MIME.ppt;
  if (names.has('__properties_version1.0')) return MIME.msg;
  return MIME.cfb;
}
