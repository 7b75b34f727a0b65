import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { writeZip, type ZipPart } from '@cis/corpus';
import Encoding from 'encoding-japanese';
import { fileId } from '../src/core/ids';
import { runCis } from './support/cli';
import { eml, msg, type MailSpec } from './support/mail-fixtures';
import { renderLines } from './support/ocr-pages';
import { mixedPdf, textPdf } from './support/pdf-fixtures';

/**
 * Issue 15 part B in local mode, on files this test makes: document fields through `cis index`
 * into SQLite and out through `cis show`; members of containers searchable by their own paths.
 */

let dir: string;
let root: string;
let db: string;

/** CP932 bytes of a name, as Windows in Japan writes zip member names (no UTF-8 flag). */
const cp932 = (name: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(name), { to: 'SJIS', from: 'UNICODE' }));
const SCANNED_MEMBER = '見積/御見積書_スキャン.pdf';

async function archive(extra: ZipPart[] = []): Promise<Buffer> {
  const scan = renderLines([
    { text: 'Quotation 5521 for the scanned copy', font: 'sans', px: 40 },
    { text: 'Delivery within two weeks of the order', font: 'sans', px: 40 },
  ]);
  return writeZip([
    { name: SCANNED_MEMBER, nameBytes: cp932(SCANNED_MEMBER), content: [Buffer.from(await mixedPdf([{ scan }]))] },
    { name: 'secret.txt', content: ['not really encrypted, but flagged so'], encrypted: true },
    // 20 MB of zeros in a few KB: a ratio of about 1000.
    { name: 'zeros.bin', content: (function* () { for (let i = 0; i < 20; i++) yield Buffer.alloc(1 << 20); })() },
    ...extra,
  ]);
}

const MAIL: MailSpec = {
  from: { name: '山田太郎', address: 'yamada@example.co.jp' },
  to: [{ name: 'Suzuki Ichiro', address: 'suzuki@example.com' }],
  cc: [{ name: '佐藤花子', address: 'sato@example.com' }],
  subject: '御見積書の送付について',
  body: 'お世話になっております。御見積書を添付いたします。ご査収ください。',
  date: new Date('2026-01-05T09:30:00Z'),
  attachments: [],
};

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
  root = join(dir, 'share');
  for (const sub of ['docs', 'archives', 'mail', 'bad']) mkdirSync(join(root, sub), { recursive: true });
  writeFileSync(join(root, 'archives', '請求書類.zip'), await archive([{ name: 'readme.txt', content: ['Readme of the archive, version one'] }]));
  const attachment = async (text: string) => ({ name: '見積書.pdf', mime: 'application/pdf', data: await textPdf([[text]]) });
  writeFileSync(join(root, 'mail', '見積.eml'), eml({ ...MAIL, attachments: [await attachment('Attached quotation 9931 by mail')] }));
  writeFileSync(join(root, 'mail', 'quote.msg'), msg({ ...MAIL, subject: 'Outlook quotation', attachments: [await attachment('Outlook attachment 7723')] }));
  const whole = await writeZip([{ name: 'a.txt', content: ['some text that fills the archive a little '.repeat(50)] }]);
  writeFileSync(join(root, 'bad', 'truncated.zip'), whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(join(root, 'bad', 'malformed.eml'), 'this is no mail at all, only text saved as .eml\n\nbody');
  writeFileSync(join(root, 'bad', 'headless.eml'), 'X-Mailer: broken\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n');
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
}, 300_000);
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

async function json(path: string): Promise<Record<string, any>> {
  const r = await show(path, '--json');
  expect({ path, code: r.code, err: r.err }).toEqual({ path, code: 0, err: '' });
  return JSON.parse(r.out) as Record<string, any>;
}

async function search(query: string): Promise<string[]> {
  const r = await runCis(['search', query, '--db', db, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { hits: Array<{ path: string }> }).hits.map((h) => h.path);
}

describe('containers in local mode', () => {
  const zip = 'archives/請求書類.zip';

  it('stores a CP932-named member of a zip as its own document, OCR\'d, searchable by its member path', async () => {
    const member = `${zip}/${SCANNED_MEMBER}`;
    expect(await search('Quotation 5521')).toEqual([member]);
    expect(await json(member)).toMatchObject({ status: 'indexed', kind: 'pdf', ocrPages: [1], container: fileId(zip), language: 'en' });
    expect(await json(zip)).toMatchObject({ kind: 'container', status: 'indexed' });
    const shown = await show(member);
    expect(shown.out).toMatch(new RegExp(`^container\\s+${fileId(zip)}$`, 'm'));
  });

  it('refuses an encrypted member and a zip bomb member, each with its reason, the rest of the archive kept', async () => {
    expect(await json(`${zip}/secret.txt`)).toMatchObject({ status: 'failed', reason: 'encrypted zip member (password protected)', container: fileId(zip) });
    expect((await json(`${zip}/zeros.bin`)).reason).toMatch(/^compression ratio \d+:1 \(.*\), over CIS_CONTAINER_MAX_RATIO \(100\): refused as a zip bomb$/);
    expect((await json(zip)).reason).toBe('2 of 4 members refused (each stored with its reason)');
  });

  it('stores an .eml as a document with its headers, its PDF attachment as a member', async () => {
    const mail = await json('mail/見積.eml');
    expect(mail).toMatchObject({
      kind: 'container',
      language: 'ja',
      fields: { from: '山田太郎 <yamada@example.co.jp>', to: ['Suzuki Ichiro <suzuki@example.com>'], cc: ['佐藤花子 <sato@example.com>'], subject: '御見積書の送付について', sentAt: '2026-01-05T09:30:00.000Z' },
    });
    expect(mail.text).toContain('御見積書を添付いたします');
    expect(await search('Attached quotation 9931')).toEqual(['mail/見積.eml/見積書.pdf']);
    expect(await json('mail/見積.eml/見積書.pdf')).toMatchObject({ container: fileId('mail/見積.eml'), kind: 'pdf', status: 'indexed' });
  });

  it('stores an Outlook .msg with its headers, its PDF attachment as a member', async () => {
    expect(await json('mail/quote.msg')).toMatchObject({
      kind: 'container',
      fields: { from: '山田太郎 <yamada@example.co.jp>', to: ['Suzuki Ichiro <suzuki@example.com>'], cc: ['佐藤花子 <sato@example.com>'], subject: 'Outlook quotation' },
    });
    expect(await search('Outlook attachment 7723')).toEqual(['mail/quote.msg/見積書.pdf']);
  });

  it('ends a truncated zip and a malformed mail with their reasons', async () => {
    expect((await json('bad/truncated.zip')).reason).toMatch(/^corrupt zip archive: /);
    expect(await json('bad/malformed.eml')).toMatchObject({ status: 'failed', reason: 'malformed mail: no header lines at the start' });
    expect(await json('bad/headless.eml')).toMatchObject({ status: 'failed', reason: 'malformed mail: no From, Subject or Date header' });
  });

  it('replaces the members of a changed container and removes those of a removed one', async () => {
    writeFileSync(join(root, 'archives', '請求書類.zip'), await archive([{ name: 'added.txt', content: ['Added in version two of the archive'] }]));
    expect((await runCis(['index', root, '--db', db, '--json'])).code).toBe(0);
    expect(await search('Added in version two')).toEqual([`${zip}/added.txt`]);
    expect(await search('Readme of the archive')).toEqual([]);
    expect((await show(`${zip}/readme.txt`)).code).toBe(2);

    rmSync(join(root, 'mail', '見積.eml'));
    const r = await runCis(['index', root, '--db', db, '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ removed: 2 });
    expect(await search('Attached quotation 9931')).toEqual([]);
  }, 120_000);
});
