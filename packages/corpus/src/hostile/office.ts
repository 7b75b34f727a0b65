import JSZip from 'jszip';
import { writeZip, repeatedBytes, repeatedText, type ZipPart } from './zip-writer';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const CONTENT_TYPES_DOCX = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const ROOT_RELS_DOCX = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/></Relationships>`;

/** A Word package whose document.xml is `body` (chunks), with the parts a reader needs. */
function docx(body: ZipPart['content'], more: Partial<ZipPart> = {}): Promise<Buffer> {
  return writeZip([
    { name: '[Content_Types].xml', content: [CONTENT_TYPES_DOCX] },
    { name: '_rels/.rels', content: [ROOT_RELS_DOCX] },
    { name: 'word/document.xml', content: body, ...more },
  ]);
}

function* documentXml(paragraphs: Iterable<string | Buffer>, prolog = ''): Generator<string | Buffer> {
  yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${prolog}<w:document xmlns:w="${W}"><w:body>`;
  yield* paragraphs;
  yield '</w:body></w:document>';
}

/**
 * The issue's DOCX: `paragraphs` tiny paragraphs (3.5 million make a 120 MB document.xml of
 * 10.5 million elements in a 350 KB file). A DOM reader allocates per element: mammoth took a
 * whole process to 4.7 GB and down with it.
 */
export function docxManyParagraphs(paragraphs: number, word = 'a'): Promise<Buffer> {
  return docx(documentXml(repeatedText(`<w:p><w:r><w:t>${word}</w:t></w:r></w:p>`, paragraphs)));
}

/** A Word body that ends with a sentence to find, for controls. */
export function docxWith(text: string): Promise<Buffer> {
  return docx(documentXml([`<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`]));
}

/** document.xml declares `declared` bytes and inflates to `actual` (a zip bomb that lies about its size). */
export function docxLyingSize(actual: number, declared: number): Promise<Buffer> {
  const filler = actual - 200;
  return docx(documentXml([`<w:p><w:r><w:t>`, ...repeatedBytes(filler, 0x20), `</w:t></w:r></w:p>`]), { declaredSize: declared });
}

/** "Billion laughs": entities defined in the DTD that expand tenfold per level. */
export function docxBillionLaughs(levels = 9): Promise<Buffer> {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= levels; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  const prolog = `<!DOCTYPE w:document [${entities.join('')}]>`;
  return docx(documentXml([`<w:p><w:r><w:t>&lol${levels};</w:t></w:r></w:p>`], prolog));
}

/** Elements nested `depth` deep (recursive readers run out of stack). */
export function docxDeepNesting(depth: number): Promise<Buffer> {
  return docx(documentXml([...repeatedText('<w:sdt><w:sdtContent>', depth), '<w:p><w:r><w:t>deep</w:t></w:r></w:p>', ...repeatedText('</w:sdtContent></w:sdt>', depth)]));
}

/** The issue's PPTX: a presentation.xml that lists the same slide `count` times (77 KB for a million). */
export function pptxSameSlideListed(count: number): Promise<Buffer> {
  const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';
  const A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
  return writeZip([
    {
      name: '[Content_Types].xml',
      content: [
        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/></Types>`,
      ],
    },
    { name: '_rels/.rels', content: [`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`] },
    { name: 'ppt/_rels/presentation.xml.rels', content: [`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="${REL}/slide" Target="slides/slide1.xml"/></Relationships>`] },
    {
      name: 'ppt/slides/slide1.xml',
      content: [`<?xml version="1.0"?><p:sld xmlns:p="${P}" xmlns:a="${A}"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>the only slide</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`],
    },
    {
      name: 'ppt/presentation.xml',
      content: (function* () {
        yield `<?xml version="1.0"?><p:presentation xmlns:p="${P}" xmlns:r="${REL}"><p:sldIdLst>`;
        yield* repeatedText('<p:sldId id="256" r:id="rId2"/>', count);
        yield '</p:sldIdLst></p:presentation>';
      })(),
    },
  ]);
}

/** A real workbook (every part of `workbook`) plus a hidden part of `hiddenBytes` zeros (1.5 GB in the issue: 1.5 MB on disk). */
export async function xlsxWithHiddenPart(workbook: Uint8Array, hiddenName: string, hiddenBytes: number): Promise<Buffer> {
  const src = await JSZip.loadAsync(workbook);
  const parts: ZipPart[] = [];
  for (const [name, entry] of Object.entries(src.files)) {
    if (!entry.dir) parts.push({ name, content: [await entry.async('nodebuffer')] });
  }
  parts.push({ name: hiddenName, content: repeatedBytes(hiddenBytes) });
  return writeZip(parts);
}

/** A plain .zip of `bytes` zeros: a zip bomb whose member the container limits refuse. */
export function zipOfZeros(bytes: number): Promise<Buffer> {
  return writeZip([{ name: 'zeros.bin', content: repeatedBytes(bytes) }]);
}
