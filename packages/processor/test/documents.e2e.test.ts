import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { runCis } from './support/cli';

/**
 * Issue 15 part B in local mode, on files this test makes: document fields through `cis index`
 * into SQLite and out through `cis show`; members of containers searchable by their own paths.
 */

let dir: string;
let db: string;

async function jpTitlePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Quotation for the file search project', { x: 72, y: 700, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  doc.setTitle('御見積書 ファイル検索システム');
  doc.setAuthor('山田太郎');
  doc.setCreationDate(new Date('2026-01-05T09:30:00Z'));
  return doc.save();
}

async function jpDocx(): Promise<Buffer> {
  const doc = new Document({
    title: '業務委託契約書',
    creator: '鈴木一郎',
    sections: [{ children: [new Paragraph('本契約は、甲と乙の間における業務委託の条件を定めるものである。')] }],
  });
  return Packer.toBuffer(doc);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cis-documents-'));
  const root = join(dir, 'share');
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', '見積.pdf'), await jpTitlePdf());
  writeFileSync(join(root, 'docs', '契約.docx'), await jpDocx());
  writeFileSync(join(root, 'docs', 'page.html'), '<html><head><title>Travel policy</title></head><body><p>The travel policy of the company applies to all staff.</p></body></html>');
  writeFileSync(
    join(root, 'photo.jpg'),
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Make: 'Canon', Model: 'EOS R6' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '35/1 40/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '139/1 45/1 0/1' } })
      .toBuffer(),
  );
  db = join(dir, 'index.db');
  const r = await runCis(['index', root, '--db', db, '--json']);
  expect(r.code).toBe(0);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function show(path: string, ...flags: string[]) {
  return runCis(['show', path, '--db', db, ...flags]);
}

describe('document fields in local mode', () => {
  it('shows a PDF with its Japanese title, author, date and language', async () => {
    const r = await show('docs/見積.pdf');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^title\s+御見積書 ファイル検索システム$/m);
    expect(r.out).toMatch(/^author\s+山田太郎$/m);
    expect(r.out).toMatch(/^created\s+2026-01-05T09:30:00.000Z$/m);
    expect(r.out).toMatch(/^language\s+en$/m);
    expect(r.out).toContain('Quotation for the file search project');
  });

  it('shows a DOCX with its Japanese title as JSON, language ja', async () => {
    const r = await show('docs/契約.docx', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ path: 'docs/契約.docx', language: 'ja', fields: { title: '業務委託契約書', author: '鈴木一郎' }, status: 'indexed' });
  });

  it('shows an HTML title and EXIF of a photo, without GPS by default', async () => {
    expect(JSON.parse((await show('docs/page.html', '--json')).out)).toMatchObject({ fields: { title: 'Travel policy' }, language: 'en' });
    const photo = JSON.parse((await show('photo.jpg', '--json')).out) as { fields: Record<string, unknown> };
    expect(photo.fields).toMatchObject({ cameraMake: 'Canon', cameraModel: 'EOS R6', orientation: 6 });
    expect(photo.fields.gps).toBeUndefined();
  });

  it('truncates text unless --full, and says so', async () => {
    const short = await show('docs/契約.docx', '--chars', '5');
    expect(short.out).toContain('the first 5 (--full for all)');
    expect(short.out).not.toContain('業務委託の条件');
    expect((await show('docs/契約.docx', '--full')).out).toContain('業務委託の条件を定める');
  });

  it('names a path it does not know', async () => {
    const r = await show('docs/missing.pdf');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no document stored for docs/missing.pdf');
  });
});
