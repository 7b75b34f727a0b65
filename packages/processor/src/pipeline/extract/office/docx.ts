import mammoth from 'mammoth';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import type { Extraction, Extractor, ExtractInput } from '../../../core/types';
import { WORDPROCESSING_MIMES } from '../../detect/mime';
import { normalizeText } from '../../../core/normalize-text';
import { readRelationships, relationKind } from './ooxml-parts';
import { WORDPROCESSINGML, partText } from './ooxml-text';
import { capText, isXmlPart, recordedCount, withOfficePackage } from './package';
import type { ZipArchive } from '../../formats/zip';

/** Where the main document part lives unless the package's root relationships say otherwise. */
const DEFAULT_MAIN_PART = 'word/document.xml';

/**
 * Word (.docx, .docm, .dotx, .dotm). mammoth reads the body (paragraphs, tables, lists, text
 * boxes once, tracked deletions left out); headers and footers, which mammoth ignores, are
 * read from their parts. Pages: the count Word recorded in docProps/app.xml, else 1 — Word
 * paginates at display time, so there is nothing else to count.
 */
export const docxExtractor: Extractor = {
  name: 'office-docx',
  mimeTypes: WORDPROCESSING_MIMES,
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    return withOfficePackage(input.path, async (zip) => {
      await zip.verify(isXmlPart);
      const mainPart = await mainDocumentPart(zip);
      const body = await readBody(input.path);
      const { headers, footers } = await headersAndFooters(zip, mainPart);
      const text = normalizeText([...headers, body, ...footers].join('\n\n'));
      return {
        text: capText(text, input.path),
        pages: (await recordedCount(zip, 'Pages')) ?? 1,
        ocrPages: [],
      };
    });
  },
};

async function readBody(path: string): Promise<string> {
  try {
    return (await mammoth.extractRawText({ path })).value;
  } catch (err) {
    throw new UnreadableFileError(`unreadable Word document: ${errorMessage(err)}`, { cause: err });
  }
}

async function mainDocumentPart(zip: ZipArchive): Promise<string> {
  const root = await readRelationships(zip, '');
  return root.find((r) => relationKind(r) === 'officeDocument')?.target ?? DEFAULT_MAIN_PART;
}

/** Distinct header and footer texts (first-page, even and default variants often repeat). */
async function headersAndFooters(zip: ZipArchive, mainPart: string): Promise<{ headers: string[]; footers: string[] }> {
  const rels = await readRelationships(zip, mainPart);
  const textsOf = async (kind: string): Promise<string[]> => {
    const texts = new Set<string>();
    for (const rel of rels.filter((r) => relationKind(r) === kind && zip.has(r.target))) {
      const text = partText(await zip.readText(rel.target), WORDPROCESSINGML).trim();
      if (text) texts.add(text);
    }
    return [...texts];
  };
  return { headers: await textsOf('header'), footers: await textsOf('footer') };
}
