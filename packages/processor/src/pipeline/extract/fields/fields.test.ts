import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { type PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { ExtractContext, Extraction, FileKind } from '../../../core/types';
import { ExtractorRegistry } from '../registry';
import { allExtractors } from '..';
import { pdfDate } from './pdf-fields';
import { xmlValues } from './xml-values';

const registry = new ExtractorRegistry(allExtractors);
const noOcr = { recognize: async () => ({ text: '', confidence: 0, lang: 'eng' as const, ms: 0 }), close: async () => undefined };

describe('document fields of the files themselves', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cis-fields-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function extract(name: string, bytes: Uint8Array | Buffer, mime: string, kind: FileKind, exifGps = false): Promise<Extraction> {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    const type = { mime, kind };
    const ctx: ExtractContext = { ocr: noOcr, limits: { maxPixels: 1e8, maxFileBytes: 1 << 30, maxPages: 100, exifGps } };
    return registry.pick(type)!.extract({ path: file, name, size: bytes.byteLength, type }, ctx);
  }

  async function pdfWith(edit: (doc: PDFDocument) => void): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    page.drawText('Quotation body', { x: 72, y: 700, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
    edit(doc);
    return doc.save();
  }

  it('reads a PDF Info dictionary written in UTF-16BE (a Japanese title) with its dates', async () => {
    const pdf = await pdfWith((doc) => {
      doc.setTitle('御見積書 2026年度 ファイル検索');
      doc.setAuthor('山田太郎');
      doc.setSubject('見積');
      doc.setKeywords(['見積', 'ファイル']);
      doc.setCreator('Word 2019');
      doc.setCreationDate(new Date('2026-01-05T09:30:00Z'));
      doc.setModificationDate(new Date('2026-02-01T00:00:00Z'));
    });
    const { fields } = await extract('jp-title.pdf', pdf, 'application/pdf', 'pdf');
    expect(fields).toMatchObject({
      title: '御見積書 2026年度 ファイル検索',
      author: '山田太郎',
      subject: '見積',
      keywords: '見積 ファイル',
      creatorTool: 'Word 2019',
      created: '2026-01-05T09:30:00.000Z',
      modified: '2026-02-01T00:00:00.000Z',
    });
  });

  it('decodes a PDFDocEncoding title, and prefers XMP (parsed as XML) where the PDF has it', async () => {
    const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmp:CreatorTool="Acrobat &amp; Co" xmp:CreateDate="2025-12-24T10:00:00+09:00">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">請求書 &lt;第3期&gt;</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>佐藤花子</rdf:li><rdf:li>Suzuki</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
    const latin = await pdfWith((doc) => {
      // Bytes 0xE9, 0x8D and 0x8E are é, “ and ” in PDFDocEncoding (0x8D and 0x8E are controls in Latin-1).
      // pdf-lib writes non-ASCII titles as UTF-16BE; a literal string in PDFDocEncoding is set by hand.
      (doc as unknown as { getInfoDict(): PDFDict }).getInfoDict().set(PDFName.of('Title'), PDFString.of('R\u00e9sum\u00e9 \u008ddraft\u008e'));
    });
    expect((await extract('latin.pdf', latin, 'application/pdf', 'pdf')).fields).toMatchObject({ title: 'Résumé “draft”' });

    const withXmp = await pdfWith((doc) => {
      doc.setTitle('Info title');
      const stream = doc.context.stream(Buffer.from(xmp, 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
      doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
    });
    expect((await extract('xmp.pdf', withXmp, 'application/pdf', 'pdf')).fields).toMatchObject({
      title: '請求書 <第3期>',
      author: '佐藤花子, Suzuki',
      creatorTool: 'Acrobat & Co',
      created: '2025-12-24T01:00:00.000Z',
    });
  });

  it('reads docProps of a DOCX with a Japanese title', async () => {
    const doc = new Document({
      title: '業務委託契約書',
      creator: '山田太郎',
      lastModifiedBy: '鈴木一郎',
      subject: '契約',
      keywords: '契約 委託',
      sections: [{ children: [new Paragraph('本契約は業務委託の条件を定める。')] }],
    });
    const result = await extract('契約.docx', await Packer.toBuffer(doc), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'office');
    expect(result.fields).toMatchObject({ title: '業務委託契約書', author: '山田太郎', lastModifiedBy: '鈴木一郎', subject: '契約', keywords: '契約 委託' });
    expect(result.fields?.created).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('reads an HTML title, entities decoded', async () => {
    const html = '<html><head><title>社内規程 &amp; 手順\n 2026</title></head><body><p>本文</p></body></html>';
    expect((await extract('page.html', Buffer.from(html), 'text/html', 'text')).fields).toEqual({ title: '社内規程 & 手順 2026' });
  });

  it('reads EXIF of a photo: date taken, camera, orientation; GPS only when allowed', async () => {
    const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'Canon', Model: 'EOS R6' },
        IFD2: { DateTimeOriginal: '2026:01:05 09:30:00' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 40/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '139/1 45/1 0/1' },
      })
      .toBuffer();
    const without = await extract('photo.jpg', jpeg, 'image/jpeg', 'image');
    expect(without.fields).toMatchObject({ cameraMake: 'Canon', cameraModel: 'EOS R6', orientation: 6 });
    expect(without.fields?.takenAt).toMatch(/^2026-01-0[45]T/);
    expect(without.fields?.gps).toBeUndefined();
    const withGps = await extract('photo-gps.jpg', jpeg, 'image/jpeg', 'image', true);
    expect(withGps.fields?.gps).toEqual({ lat: 35.675, lon: 139.75 });
  });
});

describe('xmlValues and pdfDate', () => {
  it('throws on malformed XML rather than guessing', () => {
    expect(() => xmlValues('<a><b>unclosed</a>')).toThrow();
  });

  it.each([
    ["D:20260105093000+09'00'", '2026-01-05T00:30:00.000Z'],
    ['D:20260105', '2026-01-05T00:00:00.000Z'],
    ['D:20260105093000Z', '2026-01-05T09:30:00.000Z'],
    ['garbage', undefined],
    ['D:00000101', undefined],
  ])('pdfDate(%j) is %j', (input, expected) => {
    expect(pdfDate(input)).toBe(expected);
  });
});
