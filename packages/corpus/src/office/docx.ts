import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { DocContent } from '../content/types';
import { normalizeOfficeZip } from './zip';

/** A Word document with the content's title, paragraphs and (when it has one) its table. */
export async function toDocx(doc: DocContent): Promise<{ data: Buffer; text: string }> {
  const font = doc.lang === 'ja' ? 'Yu Mincho' : 'Calibri';
  const children: Array<Paragraph | Table> = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: doc.title, font })] }),
    ...doc.paragraphs.map((p) => new Paragraph({ children: [new TextRun({ text: p, font })] })),
  ];
  if (doc.table) {
    const rows = [doc.table.header, ...doc.table.rows].map(
      (cells, i) =>
        new TableRow({
          children: cells.map(
            (c) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: c, font, bold: i === 0 })] })] }),
          ),
        }),
    );
    children.push(new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }));
  }
  const document = new Document({
    creator: '@cis/corpus',
    title: doc.title,
    sections: [{ children }],
  });
  const text = [doc.title, ...doc.paragraphs, ...(doc.table ? [doc.table.header, ...doc.table.rows].flat() : [])].join('\n');
  return { data: await normalizeOfficeZip(await Packer.toBuffer(document)), text };
}
