/**
 * Office files for tests, written by independent writers (docx, exceljs, pptxgenjs) so the
 * extractors are tried on packages they did not produce themselves.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as CFB from 'cfb';
import { Document, Footer, Header, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import ExcelJS from 'exceljs';
import PptxGenJS from 'pptxgenjs';

/** 97–2003 files written by LibreOffice from the documents below (make-legacy.sh there regenerates them). */
export const LEGACY_OFFICE_DIR = join(__dirname, '..', 'fixtures', 'legacy-office');

export async function writeDocx(dir: string, name = 'quote.docx'): Promise<string> {
  const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
  const doc = new Document({
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph('株式会社テスト商事 Letterhead')] }) },
        footers: { default: new Footer({ children: [new Paragraph('Confidential 社外秘')] }) },
        children: [
          new Paragraph({ children: [new TextRun({ text: '御見積書', bold: true })] }),
          new Paragraph('Quotation for the file search project. 見積番号 Q-2024-001'),
          new Table({
            rows: [
              new TableRow({ children: [cell('品名'), cell('数量'), cell('単価')] }),
              new TableRow({ children: [cell('ノートPC'), cell('10'), cell('150000')] }),
            ],
          }),
          new Paragraph('Payment terms: 月末締め翌月末払い'),
        ],
      },
    ],
  });
  const path = join(dir, name);
  await writeFile(path, await Packer.toBuffer(doc));
  return path;
}

export async function writeXlsx(dir: string, name = 'invoice.xlsx'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const quote = wb.addWorksheet('請求明細');
  quote.addRow(['品名', '数量', '単価', '金額']);
  quote.addRow(['コピー用紙 A4', 20, 450, { formula: 'B2*C2', result: 9000 }]);
  quote.addRow(['Toner cartridge', 2, 12000, { formula: 'B3*C3', result: 24000 }]);
  quote.getCell('A5').value = { richText: [{ text: '備考: ' }, { text: 'お支払期限厳守', font: { bold: true } }] };
  const summary = wb.addWorksheet('Summary');
  summary.getCell('A1').value = 'Invoice date';
  summary.getCell('B1').value = new Date(Date.UTC(2024, 3, 30));
  summary.getCell('A2').value = { text: 'Customer portal', hyperlink: 'https://example.invalid/portal' };
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

export async function writePptx(dir: string, name = 'deck.pptx'): Promise<string> {
  const pptx = new PptxGenJS();
  const first = pptx.addSlide();
  first.addText('新製品発表会 Product launch', { x: 0.5, y: 0.5, w: 9, h: 1 });
  first.addText('Agenda: 概要と価格', { x: 0.5, y: 1.5, w: 9, h: 1 });
  first.addNotes('発表者ノート: remember the demo');
  const second = pptx.addSlide();
  second.addText('Pricing 価格表', { x: 0.5, y: 0.5, w: 9, h: 1 });
  second.addTable(
    [
      [{ text: 'Plan' }, { text: '月額' }],
      [{ text: 'Standard' }, { text: '9800円' }],
    ],
    { x: 0.5, y: 1.5, w: 6 },
  );
  const path = join(dir, name);
  await writeFile(path, (await pptx.write({ outputType: 'nodebuffer' })) as Buffer);
  return path;
}

/** An OLE2 file with the given streams, as Office and others write them. */
export async function writeOle2(dir: string, name: string, streams: Record<string, Buffer>): Promise<string> {
  const container = CFB.utils.cfb_new();
  for (const [stream, content] of Object.entries(streams)) CFB.utils.cfb_add(container, `/${stream}`, content);
  const path = join(dir, name);
  await writeFile(path, CFB.write(container, { type: 'buffer' }) as Buffer);
  return path;
}

/**
 * A Word 97–2003 FIB start: wIdent 0xA5EC, then at offset 0x0A the flags word whose bit
 * 0x0100 is fEncrypted.
 */
export function wordDocumentStream(encrypted: boolean): Buffer {
  const fib = Buffer.alloc(1024);
  fib.writeUInt16LE(0xa5ec, 0);
  fib.writeUInt16LE(0x00c1, 2);
  fib.writeUInt16LE(encrypted ? 0x0100 : 0, 0x0a);
  return fib;
}

/** A BIFF8 workbook stream: BOF, optionally FILEPASS (record 0x002F), EOF. */
export function workbookStream(encrypted: boolean): Buffer {
  const record = (type: number, data: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt16LE(type, 0);
    header.writeUInt16LE(data.length, 2);
    return Buffer.concat([header, data]);
  };
  const bof = Buffer.alloc(16);
  bof.writeUInt16LE(0x0600, 0);
  bof.writeUInt16LE(0x0005, 2);
  return Buffer.concat([
    record(0x0809, bof),
    ...(encrypted ? [record(0x002f, Buffer.alloc(54))] : []),
    record(0x000a, Buffer.alloc(0)),
  ]);
}

/** PowerPoint's "Current User" stream: its headerToken says whether the file is encrypted. */
export function currentUserStream(encrypted: boolean): Buffer {
  const stream = Buffer.alloc(64);
  stream.writeUInt16LE(0x0000, 0);
  stream.writeUInt16LE(0x0ff6, 2);
  stream.writeUInt32LE(0x20, 4);
  stream.writeUInt32LE(0x14, 8);
  stream.writeUInt32LE(encrypted ? 0xf3d1c4df : 0xe391c05f, 12);
  return stream;
}
