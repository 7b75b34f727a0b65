import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as CFB from 'cfb';
import { OverBudgetError, UnreadableFileError } from '../../../core/errors';
import type { ExtractContext, ExtractInput, Extractor } from '../../../core/types';
import { detectType } from '../../detect/detect';
import { MIME } from '../../detect/mime';
import { ExtractorRegistry } from '../registry';
import {
  currentUserStream,
  LEGACY_OFFICE_DIR,
  wordDocumentStream,
  workbookStream,
  writeDocx,
  writeOle2,
  writePptx,
  writeXlsx,
} from '../../../../test/support/office-fixtures';
import { docuworksExtractor, legacyOfficeExtractor, officeExtractors } from './index';
import { DOCX_DOM_ELEMENTS } from './docx';
import { isXmlPart } from './package';
import { ZipArchive } from '../../formats/zip';

const ctx = {
  ocr: {
    recognize: () => Promise.reject(new Error('Office extractors never OCR')),
    close: () => Promise.resolve(),
  },
  limits: { maxPixels: 50_000_000, maxFileBytes: 1 << 30, maxPages: 1000 },
} satisfies ExtractContext;

const registry = new ExtractorRegistry(officeExtractors);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cis-office-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Detects the file as the pipeline does and runs the extractor the registry picks for it. */
async function extract(path: string, name = path.slice(path.lastIndexOf('/') + 1)) {
  const type = await detectType(path, name);
  const extractor: Extractor | undefined = registry.pick(type);
  if (!extractor) throw new Error(`no extractor for ${type.mime}`);
  const input: ExtractInput = { path, name, size: (await stat(path)).size, type };
  return extractor.extract(input, ctx);
}

describe('docx', () => {
  it('extracts body, table cells, header and footer, Japanese and English', async () => {
    const result = await extract(await writeDocx(dir));
    for (const words of ['御見積書', 'Quotation for the file search project', '見積番号 Q-2024-001', '品名', 'ノートPC', '150000', '月末締め翌月末払い', '株式会社テスト商事', 'Confidential', '社外秘']) {
      expect(result.text).toContain(words);
    }
    expect(result.text.indexOf('株式会社テスト商事')).toBeLessThan(result.text.indexOf('御見積書'));
    expect(result).toMatchObject({ pages: 1, ocrPages: [] });
  });

  it('has its text normalised (NFKC: full-width Latin becomes ASCII)', async () => {
    const { text } = await extract(await writeDocx(dir));
    expect(text).not.toMatch(/[Ａ-Ｚａ-ｚ０-９]/);
    expect(text).not.toMatch(/\n{3,}/);
  });
});

describe('xlsx', () => {
  it('extracts every sheet under its name, cells separated, formula results, dates, rich text and links', async () => {
    const result = await extract(await writeXlsx(dir));
    const lines = result.text.split('\n');
    expect(lines).toContain('請求明細');
    expect(lines).toContain('品名 | 数量 | 単価 | 金額');
    expect(lines).toContain('コピー用紙 A4 | 20 | 450 | 9000');
    expect(lines).toContain('Toner cartridge | 2 | 12000 | 24000');
    expect(lines).toContain('備考:お支払期限厳守'); // normalizeText drops the space after ':' before Japanese
    expect(lines).toContain('Summary');
    expect(lines).toContain('Invoice date | 2024-04-30');
    expect(lines).toContain('Customer portal');
    expect(result.pages).toBe(2);
  });
});

describe('pptx', () => {
  it('extracts every slide in order with its speaker notes, and table cells', async () => {
    const result = await extract(await writePptx(dir));
    const order = ['新製品発表会 Product launch', 'Agenda:概要と価格', '発表者ノート: remember the demo', 'Pricing 価格表', 'Standard', '9800円'];
    const positions = order.map((w) => result.text.indexOf(w));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(result.pages).toBe(2);
  });

  it('follows the presentation slide list, not the file names', async () => {
    const path = await writePptx(dir, 'reordered.pptx');
    const zip = await ZipArchive.open(path);
    const presentation = await zip.readText('ppt/presentation.xml');
    zip.close();
    const ids = [...presentation.matchAll(/<p:sldId [^>]*\/>/g)].map((m) => m[0]);
    expect(ids).toHaveLength(2);
    // Swap the two slides in the list by rewriting the package with cfb's zip writer.
    const swapped = presentation.replace(ids[0], '\u0000').replace(ids[1], ids[0]).replace('\u0000', ids[1]);
    const rewritten = await rewriteZip(path, { 'ppt/presentation.xml': swapped });
    const { text } = await extract(rewritten, 'reordered.pptx');
    expect(text.indexOf('Pricing 価格表')).toBeLessThan(text.indexOf('新製品発表会'));
  });
});

describe('unreadable Office files get reasons', () => {
  it('a password-protected package (OLE2 EncryptedPackage) is reported as encrypted', async () => {
    const streams = { EncryptionInfo: Buffer.alloc(256, 4), EncryptedPackage: Buffer.alloc(8192, 9) };
    for (const name of ['secret.docx', 'secret.xlsx', 'secret.pptx']) {
      const path = await writeOle2(dir, name, streams);
      await expect(extract(path)).rejects.toThrow(new UnreadableFileError('encrypted Office document (password protected)'));
    }
  });

  it('a damaged package is reported as corrupt', async () => {
    const docx = await readFile(await writeDocx(dir));
    const truncated = join(dir, 'truncated.docx');
    await writeFile(truncated, docx.subarray(0, docx.length - 200));
    const err = await extract(truncated).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as UnreadableFileError).reason).toMatch(/^corrupt zip container/);
  });

  it('a zip part that inflates beyond its declared size (zip bomb) is refused, not inflated', async () => {
    const path = await rewriteZip(await writeDocx(dir), { 'word/document.xml': `<w:document>${' '.repeat(200_000)}</w:document>` });
    await lieAboutSize(path, 'word/document.xml', 1000);
    const err = await extract(path, 'bomb.docx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as UnreadableFileError).reason).toMatch(/corrupt zip part word\/document\.xml/);
  });

  it('a zip part over the size limit is refused before inflating', async () => {
    const zip = await ZipArchive.open(await writeDocx(dir), { maxEntries: 100, maxEntryBytes: 100, maxTotalBytes: 1000 });
    try {
      await expect(zip.read('word/document.xml')).rejects.toThrow(/inflates to \d+ bytes \(limit 100\)/);
    } finally {
      zip.close();
    }
  });
});

describe('hostile packages end with a reason, cheaply, before a library parses them', () => {
  it('a workbook hiding a huge part is refused by its declared size, before exceljs reads every part', async () => {
    const path = await rewriteZip(await writeXlsx(dir), { 'customXml/item9.bin': 'x'.repeat(1000) });
    await lieAboutSize(path, 'customXml/item9.bin', 1_500_000_000);
    const started = performance.now();
    const err = await extract(path, 'hidden.xlsx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OverBudgetError);
    expect((err as OverBudgetError).reason).toBe('zip part customXml/item9.bin declares 1.4 GiB inflated, over the budget of 128 MiB per part');
    // A bound, not a speed claim: nothing was inflated.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('counts XML elements while inflating and stops at the budget', async () => {
    const zip = await ZipArchive.open(await writeDocx(dir));
    try {
      const { elements, bytes } = await zip.verify({ parts: isXmlPart });
      expect(elements).toBeGreaterThan(50);
      expect(bytes).toBeGreaterThan(1000);
      const err = await zip.verify({ parts: isXmlPart, maxElements: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OverBudgetError);
      expect((err as OverBudgetError).budget).toBe('xml');
      expect((err as OverBudgetError).reason).toMatch(/^more than 10 XML elements \(counted up to .+\), over the budget for this format$/);
    } finally {
      zip.close();
    }
  });

  it('a Word body with more elements than mammoth can hold is read by the streaming reader, with a note', async () => {
    const paragraphs = Math.ceil(DOCX_DOM_ELEMENTS / 3) + 10;
    const w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const body = `<w:document ${w}><w:body>${'<w:p><w:r><w:t>tiny</w:t></w:r></w:p>'.repeat(paragraphs)}<w:p><w:r><w:t>最後の段落 last paragraph</w:t></w:r></w:p></w:body></w:document>`;
    const path = await rewriteZip(await writeDocx(dir), { 'word/document.xml': body });
    const result = await extract(path, 'huge.docx');
    expect(result.text).toContain('最後の段落 last paragraph');
    expect(result.text.split('tiny')).toHaveLength(paragraphs + 1);
    expect(result.notes).toEqual([expect.stringMatching(/^[\d,]+ XML elements, over the 400,000 the Word reader holds within the memory budget: the body's text was read by the streaming reader$/)]);
    expect(result.text).toContain('株式会社テスト商事'); // the header, still read
  }, 30_000);

  it('a presentation that lists one slide a million times reads it once, and slides over the page limit are left out', async () => {
    const path = await writePptx(dir, 'listed.pptx');
    const zip = await ZipArchive.open(path);
    const presentation = await zip.readText('ppt/presentation.xml');
    zip.close();
    const first = /<p:sldId [^>]*\/>/.exec(presentation)![0];
    const repeated = presentation.replace(/<p:sldIdLst>[\s\S]*<\/p:sldIdLst>/, `<p:sldIdLst>${first.repeat(1_000_000)}</p:sldIdLst>`);
    const result = await extract(await rewriteZip(path, { 'ppt/presentation.xml': repeated }), 'million.pptx');
    expect(result.pages).toBe(1);
    expect(result.text).toContain('新製品発表会 Product launch');
    expect(result.notes).toEqual(['the slide list names 1,000,000 slides, 1 of them distinct: each is read once']);

    const type = await detectType(path, 'listed.pptx');
    const capped = await registry.pick(type)!.extract({ path, name: 'listed.pptx', size: (await stat(path)).size, type }, { ...ctx, limits: { ...ctx.limits, maxPages: 1 } });
    expect(capped.text).toContain('新製品発表会 Product launch');
    expect(capped.text).not.toContain('Pricing 価格表');
    expect(capped.notes).toEqual(['slide 2 not extracted: over the limit of 1 pages']);
  }, 60_000);
});

describe('97–2003 Office and DocuWorks: metadata only, with reasons', () => {
  it('stores unencrypted .doc/.xls/.ppt by metadata and says why', async () => {
    const files = [
      await writeOle2(dir, 'plain.doc', { WordDocument: wordDocumentStream(false) }),
      await writeOle2(dir, 'plain.xls', { Workbook: workbookStream(false) }),
      await writeOle2(dir, 'plain.ppt', { 'PowerPoint Document': Buffer.alloc(64), 'Current User': currentUserStream(false) }),
    ];
    for (const path of files) {
      const result = await extract(path);
      expect(result.text).toBe('');
      expect(result.metadataOnlyReason).toMatch(/97–2003 .*: no text reader/);
    }
  });

  it.each([
    ['locked.doc', { WordDocument: wordDocumentStream(true) }, 'encrypted Word 97–2003 document (password protected)'],
    ['locked.xls', { Workbook: workbookStream(true) }, 'encrypted Excel 97–2003 workbook (password protected)'],
    ['locked.ppt', { 'PowerPoint Document': Buffer.alloc(64), 'Current User': currentUserStream(true) }, 'encrypted PowerPoint 97–2003 presentation (password protected)'],
  ])('reports %s as encrypted', async (name, streams, reason) => {
    await expect(extract(await writeOle2(dir, name, streams))).rejects.toThrow(new UnreadableFileError(reason));
  });

  it('reports a .doc without a valid FIB as corrupt', async () => {
    const path = await writeOle2(dir, 'bad.doc', { WordDocument: Buffer.alloc(64) });
    await expect(extract(path)).rejects.toThrow(/corrupt Word 97–2003 document/);
  });

  it('claims exactly the legacy and DocuWorks mime types the detector emits', () => {
    expect([...legacyOfficeExtractor.mimeTypes]).toEqual([MIME.doc, MIME.xls, MIME.ppt]);
    expect([...docuworksExtractor.mimeTypes]).toEqual([MIME.xdw, MIME.xbd]);
  });

  it('stores DocuWorks by metadata with the reason', async () => {
    const path = join(dir, 'scan.xdw');
    await writeFile(path, Buffer.concat([Buffer.from('XDWF'), Buffer.alloc(64, 1)]));
    const result = await extract(path);
    expect(result).toMatchObject({ text: '', metadataOnlyReason: expect.stringMatching(/^DocuWorks: no reader outside Windows/) });
  });
});

describe('real 97–2003 files (written by LibreOffice, see test/fixtures/legacy-office/make-legacy.sh)', () => {
  const sample = (name: string) => join(LEGACY_OFFICE_DIR, name);

  it.each([
    ['quote.doc', MIME.doc, 'Word 97–2003 document'],
    ['invoice.xls', MIME.xls, 'Excel 97–2003 workbook'],
    ['deck.ppt', MIME.ppt, 'PowerPoint 97–2003 presentation'],
  ])('%s is detected as %s and stored by metadata with a reason', async (name, mime, label) => {
    expect(await detectType(sample(name), name)).toEqual({ mime, kind: 'office' });
    const result = await extract(sample(name));
    expect(result.metadataOnlyReason).toBe(`${label}: no text reader for this binary format on Node 20`);
  });

  it.each([
    ['locked.doc', 'encrypted Word 97–2003 document (password protected)'],
    ['locked.xls', 'encrypted Excel 97–2003 workbook (password protected)'],
  ])('password-protected %s is reported as encrypted', async (name, reason) => {
    await expect(extract(sample(name))).rejects.toThrow(new UnreadableFileError(reason));
  });

  it('a .doc renamed .xls is still a Word document, flagged', async () => {
    expect(await detectType(sample('quote.doc'), 'quote.xls')).toEqual({ mime: MIME.doc, kind: 'office', extensionMismatch: true });
  });
});

/** A copy of the zip at `path` with some parts replaced or added, written by cfb's zip writer. */
async function rewriteZip(path: string, replace: Record<string, string>): Promise<string> {
  const zip = await ZipArchive.open(path);
  const out = CFB.utils.cfb_new();
  try {
    for (const name of zip.names.filter((n) => !n.endsWith('/'))) {
      const content = name in replace ? Buffer.from(replace[name]) : await zip.read(name);
      CFB.utils.cfb_add(out, `/${name}`, content);
    }
    for (const name of Object.keys(replace).filter((n) => !zip.has(n))) CFB.utils.cfb_add(out, `/${name}`, Buffer.from(replace[name]));
  } finally {
    zip.close();
  }
  CFB.utils.cfb_del(out, '/\u0001Sh33tJ5');
  const target = join(dir, `rewritten-${Math.random().toString(36).slice(2)}.zip`);
  await writeFile(target, CFB.write(out, { type: 'buffer', fileType: 'zip', compression: true }) as Buffer);
  return target;
}

/** Rewrites the uncompressed size a zip declares for `part` (local header and central directory). */
async function lieAboutSize(path: string, part: string, size: number): Promise<void> {
  const bytes = await readFile(path);
  const name = Buffer.from(part);
  for (let at = 0; at < bytes.length - 46; at++) {
    const sig = bytes.readUInt32LE(at);
    if (sig === 0x04034b50 && bytes.subarray(at + 30, at + 30 + name.length).equals(name)) bytes.writeUInt32LE(size, at + 22);
    if (sig === 0x02014b50 && bytes.subarray(at + 46, at + 46 + name.length).equals(name)) bytes.writeUInt32LE(size, at + 24);
  }
  await writeFile(path, bytes);
}
