import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as CFB from 'cfb';
import Encoding from 'encoding-japanese';
import sharp from 'sharp';
import { writeDocx, writeOle2, writePptx, writeXlsx, wordDocumentStream, workbookStream, currentUserStream } from '../../../test/support/office-fixtures';
import { detectType } from './detect';
import { MIME } from './mime';

let dir: string;
const put = async (name: string, bytes: Buffer | string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};
const detect = (path: string, name = path.slice(path.lastIndexOf('/') + 1)) => detectType(path, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cis-detect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detectType: images and PDF by signature', () => {
  const pixel = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366cc' } });

  it.each([
    ['png', MIME.png, () => pixel().png().toBuffer()],
    ['jpg', MIME.jpeg, () => pixel().jpeg().toBuffer()],
    ['tif', MIME.tiff, () => pixel().tiff().toBuffer()],
    ['gif', MIME.gif, () => pixel().gif().toBuffer()],
    ['webp', MIME.webp, () => pixel().webp().toBuffer()],
    ['avif', MIME.avif, () => pixel().avif().toBuffer()],
  ])('.%s written by libvips is %s, kind image', async (ext, mime, make) => {
    expect(await detect(await put(`pic.${ext}`, await make()))).toEqual({ mime, kind: 'image' });
  });

  it('reads a BMP header (BM plus a DIB header size), not just "BM"', async () => {
    const bmp = Buffer.alloc(70);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(70, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    expect(await detect(await put('scan.bmp', bmp))).toEqual({ mime: MIME.bmp, kind: 'image' });
    expect((await detect(await put('bm.txt', 'BMW service report\n'))).mime).toBe(MIME.text);
  });

  it('finds a PDF header preceded by junk, as the PDF spec allows', async () => {
    const pdf = Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')]);
    expect(await detect(await put('scan.pdf', pdf))).toEqual({ mime: MIME.pdf, kind: 'pdf' });
  });

  it('detects an SVG as an image', async () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>';
    expect(await detect(await put('logo.svg', svg))).toEqual({ mime: MIME.svg, kind: 'image' });
  });
});

describe('detectType: extensions that lie', () => {
  it('a PNG named .pdf is a PNG, flagged', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).png().toBuffer();
    expect(await detect(await put('invoice.pdf', png))).toEqual({ mime: MIME.png, kind: 'image', extensionMismatch: true });
  });

  it('a .docx renamed .zip is a docx, flagged; an HTML "Excel export" named .xls is HTML, flagged', async () => {
    const docx = await readFile(await writeDocx(dir, 'real.docx'));
    expect(await detect(await put('archive.zip', docx))).toEqual({ mime: MIME.docx, kind: 'office', extensionMismatch: true });
    const html = '<html><head><meta charset="utf-8"></head><body><table><tr><td>売上</td></tr></table></body></html>';
    expect(await detect(await put('report.xls', html))).toEqual({ mime: MIME.html, kind: 'text', extensionMismatch: true });
  });

  it('a file without extension is detected by content and never flagged', async () => {
    expect(await detect(await put('README', 'just some notes\n'))).toEqual({ mime: MIME.text, kind: 'text' });
    expect(await detect(await put('page', '<!DOCTYPE html><html><body>x</body></html>'))).toEqual({ mime: MIME.html, kind: 'text' });
  });
});

describe('detectType: mails', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cis-detect-mail-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes a saved mail for message/rfc822 by its headers, whatever its name, and not a text with a colon', async () => {
    const mail = 'Received: from mx.example.com\r\nFrom: a@example.com\r\nSubject: hello\r\nDate: Mon, 5 Jan 2026 09:30:00 +0000\r\n\r\nbody';
    await writeFile(join(dir, 'saved.txt.bak'), mail);
    expect(await detectType(join(dir, 'saved.txt.bak'), 'saved.txt.bak')).toEqual({ mime: MIME.eml, kind: 'container' });
    await writeFile(join(dir, 'notes'), 'Note: a line\nAnother: line\nFrom: nobody\n');
    expect((await detectType(join(dir, 'notes'), 'notes')).mime).toBe(MIME.text);
  });
});

describe('detectType: zip containers by their entries', () => {
  it('tells docx, xlsx and pptx apart by [Content_Types].xml', async () => {
    expect(await detect(await writeDocx(dir))).toEqual({ mime: MIME.docx, kind: 'office' });
    expect(await detect(await writeXlsx(dir))).toEqual({ mime: MIME.xlsx, kind: 'office' });
    expect(await detect(await writePptx(dir))).toEqual({ mime: MIME.pptx, kind: 'office' });
  });

  it('a plain zip is application/zip, kind container', async () => {
    const zip = CFB.utils.cfb_new();
    CFB.utils.cfb_add(zip, '/notes.txt', Buffer.from('hello'));
    const bytes = CFB.write(zip, { type: 'buffer', fileType: 'zip', compression: true }) as Buffer;
    expect(await detect(await put('bundle.zip', bytes))).toEqual({ mime: MIME.zip, kind: 'container' });
  });

  it('a damaged zip keeps the Office type its name gives, so the extractor can report the damage', async () => {
    const broken = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 7)]);
    expect(await detect(await put('broken.docx', broken))).toEqual({ mime: MIME.docx, kind: 'office' });
    expect(await detect(await put('broken.zip', broken))).toEqual({ mime: MIME.zip, kind: 'container' });
  });
});

describe('detectType: OLE2 (97–2003 Office, encrypted OOXML)', () => {
  it('tells .doc, .xls and .ppt apart by their streams, whatever the name says', async () => {
    const doc = await writeOle2(dir, 'letter.doc', { WordDocument: wordDocumentStream(false) });
    const xls = await writeOle2(dir, 'sheet.xls', { Workbook: workbookStream(false) });
    const ppt = await writeOle2(dir, 'deck.ppt', { 'PowerPoint Document': Buffer.alloc(64), 'Current User': currentUserStream(false) });
    expect(await detect(doc)).toEqual({ mime: MIME.doc, kind: 'office' });
    expect(await detect(xls)).toEqual({ mime: MIME.xls, kind: 'office' });
    expect(await detect(ppt)).toEqual({ mime: MIME.ppt, kind: 'office' });
    expect(await detect(doc, 'letter.xls')).toEqual({ mime: MIME.doc, kind: 'office', extensionMismatch: true });
  });

  it('a password-protected .xlsx (OLE2 with EncryptedPackage) is still an xlsx', async () => {
    const path = await writeOle2(dir, 'secret.xlsx', { EncryptionInfo: Buffer.alloc(200, 1), EncryptedPackage: Buffer.alloc(5000, 2) });
    expect(await detect(path)).toEqual({ mime: MIME.xlsx, kind: 'office' });
  });

  it('other compound files are application/x-cfb', async () => {
    expect(await detect(await writeOle2(dir, 'Thumbs.db', { Catalog: Buffer.alloc(100) }))).toEqual({ mime: MIME.cfb, kind: 'other' });
  });
});

describe('detectType: DocuWorks, text, empty and unknown', () => {
  it('DocuWorks by signature or by extension is kind other (no reader)', async () => {
    const xdw = Buffer.concat([Buffer.from('XDWF'), Buffer.from([0, 1, 0, 0, 9, 9, 0, 0])]);
    expect(await detect(await put('scan.xdw', xdw))).toEqual({ mime: MIME.xdw, kind: 'other' });
    expect(await detect(await put('binder.xbd', Buffer.from([0x00, 0x91, 0x02, 0x00, 0xff])))).toEqual({ mime: MIME.xbd, kind: 'other' });
  });

  it('text subtypes follow the extension when the content is text, whatever the encoding', async () => {
    const sjis = Buffer.from(Encoding.convert(Encoding.stringToCode('品名,数量\r\nりんご,3\r\n'), { to: 'SJIS', from: 'UNICODE' }));
    expect(await detect(await put('orders.csv', sjis))).toEqual({ mime: MIME.csv, kind: 'text' });
    expect(await detect(await put('notes.md', '# 議事録\n- 決定事項\n'))).toEqual({ mime: MIME.markdown, kind: 'text' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ログ出力 line\r\n', 'utf16le')]);
    expect(await detect(await put('export.txt', utf16))).toEqual({ mime: MIME.text, kind: 'text' });
  });

  it('a zero-byte file is application/x-empty, kind other, whatever its name', async () => {
    expect(await detect(await put('empty.pdf', ''))).toEqual({ mime: MIME.empty, kind: 'other' });
  });

  it('unknown binary is application/octet-stream; a binary .txt is flagged', async () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    expect(await detect(await put('blob.dat', binary))).toEqual({ mime: MIME.binary, kind: 'other' });
    expect(await detect(await put('blob.txt', binary))).toEqual({ mime: MIME.binary, kind: 'other', extensionMismatch: true });
  });
});
