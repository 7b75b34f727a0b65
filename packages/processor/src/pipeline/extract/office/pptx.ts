import type { ExtractContext, Extraction, Extractor, ExtractInput } from '../../../core/types';
import { PRESENTATION_MIMES } from '../../detect/mime';
import { normalizeText } from '../../../core/normalize-text';
import { attributeValues, readRelationships, relationKind, type Relationship } from './ooxml-parts';
import { DRAWINGML, partText } from './ooxml-text';
import { capText, withOfficePackage } from './package';
import { officeFields } from '../fields/office-fields';
import { pageLimitNote } from '../page-text';
import type { ZipArchive } from '../../formats/zip';

const DEFAULT_MAIN_PART = 'ppt/presentation.xml';

/**
 * PowerPoint (.pptx, .pptm, .ppsx, .potx …): every slide in presentation order, then its
 * speaker notes. Shapes, tables and grouped text are all DrawingML paragraphs; slide-number
 * and date fields are skipped. No library does this on Node 20 as CommonJS (officeparser ≥ 8
 * needs Node 22), and it is a few parts read with the same zip and XML readers as the rest.
 * Pages = number of slides. A slide the list names twice is read once; slides beyond the page
 * limit are left out, with a note.
 */
export const pptxExtractor: Extractor = {
  name: 'office-pptx',
  mimeTypes: PRESENTATION_MIMES,
  weight: 10,
  async extract(input: ExtractInput, ctx: ExtractContext): Promise<Extraction> {
    return withOfficePackage(input.path, async (zip) => {
      const { slides, listed } = await slidesInOrder(zip);
      const notes: string[] = [];
      if (listed > slides.length) {
        notes.push(`the slide list names ${listed.toLocaleString('en-US')} slides, ${slides.length.toLocaleString('en-US')} of them distinct: each is read once`);
      }
      const limitNote = pageLimitNote(slides.length, ctx.limits.maxPages);
      if (limitNote) notes.push(limitNote.replace(/^pages?/, (w) => (w === 'page' ? 'slide' : 'slides')));
      const texts: string[] = [];
      for (const slide of slides.slice(0, ctx.limits.maxPages)) {
        ctx.signal?.throwIfAborted();
        texts.push(partText(await zip.readText(slide), DRAWINGML));
        const speakerNotes = (await readRelationships(zip, slide)).find((r) => relationKind(r) === 'notesSlide');
        if (speakerNotes && zip.has(speakerNotes.target)) texts.push(partText(await zip.readText(speakerNotes.target), DRAWINGML));
      }
      const text = normalizeText(texts.join('\n\n'));
      return { text: capText(text, input.path), pages: Math.max(1, slides.length), ocrPages: [], fields: await officeFields(zip, input.path), ...(notes.length > 0 ? { notes } : {}) };
    });
  },
};

/**
 * Distinct slide parts in the order of the presentation's slide list (file names need not
 * follow it), and how many entries the list had.
 */
async function slidesInOrder(zip: ZipArchive): Promise<{ slides: string[]; listed: number }> {
  const root = await readRelationships(zip, '');
  const main = root.find((r) => relationKind(r) === 'officeDocument')?.target ?? DEFAULT_MAIN_PART;
  const rels = await readRelationships(zip, main);
  const slideRels = new Map(rels.filter((r) => relationKind(r) === 'slide').map((r): [string, Relationship] => [r.id, r]));
  const ordered = zip.has(main) ? attributeValues(await zip.readText(main), 'sldId', 'r:id') : [];
  const slides = ordered.map((id) => slideRels.get(id)?.target).filter((t): t is string => t !== undefined);
  const fromList = (slides.length > 0 ? slides : [...slideRels.values()].map((r) => r.target)).filter((part) => zip.has(part));
  return { slides: [...new Set(fromList)], listed: fromList.length };
}
