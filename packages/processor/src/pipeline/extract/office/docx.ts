import mammoth from 'mammoth';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import type { Extraction, Extractor, ExtractInput } from '../../../core/types';
import { WORDPROCESSING_MIMES } from '../../detect/mime';
import { normalizeText } from '../../../core/normalize-text';
import { readRelationships, relationKind } from './ooxml-parts';
import { WORDPROCESSINGML, partText, streamedPartText } from './ooxml-text';
import { capText, isXmlPart, recordedCount, withOfficePackage } from './package';
import type { ZipArchive } from '../../formats/zip';
import { officeFields } from '../fields/office-fields';

/** Where the main document part lives unless the package's root relationships say otherwise. */
const DEFAULT_MAIN_PART = 'word/document.xml';

/**
 * mammoth builds a DOM of the whole body at about 2 KB per XML element: beyond this many it
 * would not fit the extraction's memory budget (1.25 GiB by default). Larger documents are read
 * by the streaming reader instead (a 300-page contract has ~150 000 elements).
 */
export const DOCX_DOM_ELEMENTS = 400_000;

/**
 * Word (.docx, .docm, .dotx, .dotm). mammoth reads the body (paragraphs, tables, lists, text
 * boxes once, tracked deletions left out); a body with more XML elements than mammoth can hold
 * within the memory budget is read by the streaming reader instead, which keeps only the text
 * (a line per paragraph or table cell), and says so in a note. Headers and footers, which
 * mammoth ignores, are read from their parts. Pages: the count Word recorded in
 * docProps/app.xml, else 1 — Word paginates at display time, so there is nothing else to count.
 */
export const docxExtractor: Extractor = {
  name: 'office-docx',
  mimeTypes: WORDPROCESSING_MIMES,
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    return withOfficePackage(input.path, async (zip) => {
      const { elements } = await zip.verify({ parts: isXmlPart });
      const mainPart = await mainDocumentPart(zip);
      const notes: string[] = [];
      let body: string;
      if (elements > DOCX_DOM_ELEMENTS && zip.has(mainPart)) {
        body = await streamedPartText(zip.streamText(mainPart), WORDPROCESSINGML);
        notes.push(
          `${elements.toLocaleString('en-US')} XML elements, over the ${DOCX_DOM_ELEMENTS.toLocaleString('en-US')} the Word reader holds within the memory budget: the body's text was read by the streaming reader`,
        );
      } else {
        body = await readBody(input.path);
      }
      const { headers, footers } = await headersAndFooters(zip, mainPart);
      const text = normalizeText([...headers, body, ...footers].join('\n\n'));
      return {
        text: capText(text, input.path),
        pages: (await recordedCount(zip, 'Pages')) ?? 1,
        ocrPages: [],
        fields: await officeFields(zip, input.path),
        ...(notes.length > 0 ? { notes } : {}),
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
