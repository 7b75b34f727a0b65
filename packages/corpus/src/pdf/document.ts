import { PDFDocument } from 'pdf-lib';

/** Every generated file carries this date, so rebuilding gives the same bytes. */
export const FIXED_DATE = new Date('2025-01-15T09:00:00Z');

export async function newPdf(title: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setProducer('@cis/corpus');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  return doc;
}

/** Classic cross-reference table (no object streams): what most office software writes. */
export async function savePdf(doc: PDFDocument): Promise<Buffer> {
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
