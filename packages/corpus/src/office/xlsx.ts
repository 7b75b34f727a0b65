import ExcelJS from 'exceljs';
import type { DocContent } from '../content/types';
import { FIXED_DATE } from '../pdf/document';
import { normalizeOfficeZip } from './zip';

/** A workbook: one sheet with the document's header lines and its table, a second with notes. */
export async function toXlsx(doc: DocContent): Promise<{ data: Buffer; text: string }> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '@cis/corpus';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  const sheet = wb.addWorksheet(doc.lang === 'ja' ? '明細' : 'Items');
  sheet.addRow([doc.title]);
  sheet.getRow(1).font = { bold: true, size: 16 };
  sheet.addRow([]);
  const table = doc.table ?? { header: [doc.lang === 'ja' ? '内容' : 'Content'], rows: doc.paragraphs.map((p) => [p]) };
  sheet.addRow(table.header).font = { bold: true };
  for (const r of table.rows) sheet.addRow(r);
  sheet.columns.forEach((c, i) => {
    c.width = i === 0 ? 36 : 16;
  });
  const notes = wb.addWorksheet(doc.lang === 'ja' ? '備考' : 'Notes');
  for (const p of doc.paragraphs) notes.addRow([p]);
  const text = [doc.title, ...table.header, ...table.rows.flat(), ...doc.paragraphs].join('\n');
  return { data: await normalizeOfficeZip(Buffer.from(await wb.xlsx.writeBuffer())), text };
}
