import { toXlsx } from '../office/xlsx';
import { businessDocument } from '../content';
import { encryptPdf, hugePng } from '../bad/inputs';
import { bornDigitalPdf, scanImage, textFile, truncatedPdf } from '../recipes';
import { lyingJpeg } from './jpeg';
import { docxBillionLaughs, docxDeepNesting, docxLyingSize, docxManyParagraphs, pptxSameSlideListed, xlsxWithHiddenPart, zipOfZeros } from './office';
import { pdfHugeImage, pdfHugeMask, pdfLyingJpeg, pdfPageTreeLoop, pdfXrefLoop } from './pdf';
import { multiPageTiff } from './tiff';

/**
 * Hostile input, as an attacker (or an unlucky file share) would put it next to ordinary files:
 * each case small on disk, built to make a reader allocate gigabytes, loop, or take a slot for
 * minutes. `full` is the size reported in issue 16; `test` keeps each case over the same limits
 * and budgets (100 megapixels, the zip and XML budgets, a 512 MiB process) at a fraction of the
 * generation time. What the pipeline must make of each case is the test's business, not this list's.
 */
export interface HostileCase {
  /** Relative path in the folder. */
  path: string;
  /** What the case is and what it does to a naive reader. */
  what: string;
  make(): Promise<Buffer>;
}

/** Ordinary files that must come out indexed and searchable whatever sits next to them. */
export interface ControlFile {
  path: string;
  /** The file, and words that must be found once it is indexed. */
  make(): Promise<{ data: Buffer; words: string[] }>;
}

export type HostileScale = 'full' | 'test';

export function hostileCases(scale: HostileScale = 'full'): HostileCase[] {
  const full = scale === 'full';
  const side = full ? 25_000 : 12_000;
  return [
    // The cases of issue 16.
    { path: 'office/many-paragraphs.docx', what: `${full ? '3,500,000' : '1,000,000'} tiny paragraphs (a DOM reader allocates per element)`, make: () => docxManyParagraphs(full ? 3_500_000 : 1_000_000) },
    { path: 'office/slide-listed-a-million-times.pptx', what: 'presentation.xml lists one slide 1,000,000 times', make: () => pptxSameSlideListed(1_000_000) },
    { path: 'images/ten-thousand-pages.tif', what: '10,000 grey 8×8 pages (a reader opening each page walks the whole chain)', make: async () => multiPageTiff(10_000, 8, 8) },
    { path: 'pdf/huge-image.pdf', what: `one ${side}×${side} RGB image of zeros (pdf.js decodes whatever its size)`, make: () => pdfHugeImage(side, side, 'caption of the huge image') },
    { path: 'pdf/huge-mask.pdf', what: `a 100×100 image whose SMask is ${side}×${side} (pdf.js checks the image, decodes the mask)`, make: () => pdfHugeMask(side, side, 'caption of the huge mask') },
    { path: 'pdf/lying-jpeg.pdf', what: 'a scanned page whose JPEG is 20000×20000, declared 100×100', make: async () => pdfLyingJpeg(await lyingJpeg(20_000, 20_000), { width: 100, height: 100 }) },
    {
      path: 'office/hidden-part.xlsx',
      what: `a real workbook hiding a ${full ? '1.5 GB' : '300 MB'} part of zeros (exceljs reads every part)`,
      make: async () => xlsxWithHiddenPart((await toXlsx(businessDocument('hostile-xlsx', 'en', 'invoice'))).data, 'customXml/item9.bin', full ? 1_500_000_000 : 300_000_000),
    },
    {
      path: 'pdf/encrypted-huge-mask.pdf',
      what: `the huge-mask PDF encrypted with an empty user password: it opens without one, but its objects cannot be inspected before pdf.js decodes them (only the process's memory cap stops it)`,
      make: async () => encryptPdf(await pdfHugeMask(side, side, 'caption of the encrypted mask'), '', 'hostile-owner'),
    },
    // Cases handled before issue 16, kept as the regression set.
    { path: 'office/lying-size.docx', what: 'document.xml declares 1 KB and inflates to 100 MB (zip bomb)', make: () => docxLyingSize(100_000_000, 1000) },
    { path: 'office/billion-laughs.docx', what: 'nested entity definitions expanding to 10⁹ "lol"s', make: () => docxBillionLaughs(9) },
    { path: 'office/deep-nesting.docx', what: 'content controls nested 100,000 deep', make: () => docxDeepNesting(100_000) },
    { path: 'archives/zeros.zip', what: `a zip of ${full ? '1 GB' : '200 MB'} of zeros (its one member is refused by its compression ratio)`, make: () => zipOfZeros(full ? 1_000_000_000 : 200_000_000) },
    { path: 'pdf/truncated.pdf', what: 'a PDF cut to its first 30%', make: async () => (await truncatedPdf('hostile-truncated')).data },
    { path: 'pdf/encrypted.pdf', what: 'a PDF with a user password', make: async () => encryptPdf((await bornDigitalPdf('hostile-encrypted', 'en', 'letter', 'standard')).data, 'secret') },
    { path: 'pdf/xref-loop.pdf', what: 'a trailer whose /Prev points at its own xref table', make: async () => pdfXrefLoop('xref loop caption') },
    { path: 'pdf/page-tree-loop.pdf', what: 'a page tree whose node lists its parent as a kid', make: async () => pdfPageTreeLoop() },
    { path: 'images/pixel-bomb.png', what: 'a valid 1-bit PNG of 40000×40000 (1.6 gigapixels in 200 KB)', make: async () => hugePng(40_000, 40_000) },
    { path: 'images/lying-header.jpg', what: 'a 100×100 JPEG whose header claims 20000×20000', make: () => lyingJpeg(20_000, 20_000) },
    { path: 'images/ifd-loop.tif', what: 'a TIFF whose last page directory points back at the first', make: async () => multiPageTiff(3, 64, 64, { loopTo: 0 }) },
  ];
}

/** Two names that differ only in Unicode normal form, and a backslash in a name beside a folder: four files, four documents. */
export function collidingNames(): Array<{ path: string; text: string }> {
  const guide = 'ガイド.txt';
  return [
    { path: guide.normalize('NFC'), text: 'guide written in NFC form' },
    { path: guide.normalize('NFD'), text: 'guide written in NFD form' },
    { path: 'x/y.txt', text: 'a file in folder x' },
    { path: 'x\\y.txt', text: 'a name holding a backslash' },
  ];
}

/** A text file, a small PDF and a PNG scan, with words they must be found by. */
export function controlFiles(): ControlFile[] {
  const control = (path: string, made: () => Promise<{ data: Buffer; entry: { expectedWords: string[] } }> | { data: Buffer; entry: { expectedWords: string[] } }): ControlFile => ({
    path,
    make: async () => {
      const { data, entry } = await made();
      return { data, words: entry.expectedWords.slice(0, 3) };
    },
  });
  return [
    control('control/minutes.txt', () => textFile('control-text', 'ja', 'minutes', 'utf-8')),
    control('control/invoice.pdf', () => bornDigitalPdf('control-pdf', 'en', 'invoice', 'standard')),
    control('control/letter.png', () => scanImage('control-png', 'en', ['letter'], 'png')),
  ];
}
