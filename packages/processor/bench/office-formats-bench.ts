/**
 * Benchmark of detection and extraction per file type (Office and text formats).
 *
 *   pnpm bench:office
 *
 * Writes small and larger documents of each type into a temp folder, then times detectType and
 * the extractor the registry picks (median of 5 runs each). Prints figures; asserts nothing.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import Encoding from 'encoding-japanese';
import ExcelJS from 'exceljs';
import PptxGenJS from 'pptxgenjs';
import type { ExtractContext } from '../src/core/types';
import { detectType } from '../src/pipeline/detect/detect';
import { ExtractorRegistry } from '../src/pipeline/extract/registry';
import { textExtractors } from '../src/pipeline/extract/text';
import { writeDocx, writePptx, writeXlsx } from '../test/support/office-fixtures';
import { officeExtractors } from '../src/pipeline/extract/office/index';

const RUNS = 5;
const SENTENCE = '本契約は甲と乙の間で締結される業務委託契約である。This agreement covers the services listed below. ';

const ctx = {
  ocr: { recognize: () => Promise.reject(new Error('no OCR here')), close: () => Promise.resolve() },
  limits: { maxPixels: 50_000_000, maxFileBytes: 1 << 30, maxPages: 1000 },
} satisfies ExtractContext;

async function bigDocx(dir: string): Promise<string> {
  const cell = (t: string) => new TableCell({ children: [new Paragraph(t)] });
  const rows = Array.from({ length: 100 }, (_, i) => new TableRow({ children: [cell(`品目${i}`), cell(String(i * 3)), cell(`${i * 1000}円`)] }));
  const paragraphs = Array.from({ length: 400 }, (_, i) => new Paragraph(`${i + 1}. ${SENTENCE.repeat(3)}`));
  const doc = new Document({ sections: [{ children: [...paragraphs, new Table({ rows })] }] });
  const path = join(dir, 'contract-long.docx');
  await writeFile(path, await Packer.toBuffer(doc));
  return path;
}

async function bigXlsx(dir: string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const name of ['売上2023', '売上2024']) {
    const ws = wb.addWorksheet(name);
    ws.addRow(['伝票番号', '日付', '顧客', '品名', '数量', '単価', '金額', '備考']);
    for (let i = 0; i < 5000; i++) {
      ws.addRow([`D-${i}`, new Date(Date.UTC(2024, i % 12, 1 + (i % 28))), `株式会社顧客${i % 97}`, `商品${i % 311}`, i % 17, 1200, { formula: `E${i + 2}*F${i + 2}`, result: (i % 17) * 1200 }, i % 5 === 0 ? '至急' : '']);
    }
  }
  const path = join(dir, 'sales-10k-rows.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

async function bigPptx(dir: string): Promise<string> {
  const pptx = new PptxGenJS();
  for (let i = 0; i < 40; i++) {
    const slide = pptx.addSlide();
    slide.addText(`第${i + 1}章 Chapter ${i + 1}`, { x: 0.5, y: 0.3, w: 9, h: 0.8 });
    slide.addText(SENTENCE.repeat(2), { x: 0.5, y: 1.2, w: 9, h: 3 });
    slide.addNotes(`ノート ${i + 1}: ${SENTENCE}`);
  }
  const path = join(dir, 'deck-40-slides.pptx');
  await writeFile(path, (await pptx.write({ outputType: 'nodebuffer' })) as Buffer);
  return path;
}

async function textFiles(dir: string): Promise<string[]> {
  const sjis = (s: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(s), { to: 'SJIS', from: 'UNICODE' }));
  const files: Array<[string, Buffer]> = [
    ['memo-sjis.txt', sjis(`${SENTENCE}\r\n`.repeat(20))],
    ['log-1mb-utf8.txt', Buffer.from(`${SENTENCE}\n`.repeat(Math.ceil(1_000_000 / Buffer.byteLength(SENTENCE))))],
    ['orders-10k-sjis.csv', sjis(Array.from({ length: 10_000 }, (_, i) => `${i},株式会社顧客${i % 97},"品名, ${i}",${i * 10}`).join('\r\n'))],
    ['page.html', Buffer.from(`<html><head><title>案内</title><script>var x=1</script></head><body>${`<p>${SENTENCE}</p><table><tr><td>東京</td><td>大阪</td></tr></table>`.repeat(500)}</body></html>`)],
  ];
  return Promise.all(
    files.map(async ([name, bytes]) => {
      await writeFile(join(dir, name), bytes);
      return join(dir, name);
    }),
  );
}

async function medianMs(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cis-formats-bench-'));
  const registry = new ExtractorRegistry([...officeExtractors, ...textExtractors]);
  try {
    const files = [
      await writeDocx(dir),
      await bigDocx(dir),
      await writeXlsx(dir),
      await bigXlsx(dir),
      await writePptx(dir),
      await bigPptx(dir),
      ...(await textFiles(dir)),
    ];
    console.log('file                       bytes      detect ms  extract ms  pages  chars');
    for (const path of files) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const size = (await stat(path)).size;
      const type = await detectType(path, name);
      const extractor = registry.pick(type);
      if (!extractor) throw new Error(`no extractor for ${type.mime}`);
      const input = { path, name, size, type };
      const detectMs = await medianMs(() => detectType(path, name));
      const extractMs = await medianMs(() => extractor.extract(input, ctx));
      const result = await extractor.extract(input, ctx);
      console.log(
        `${name.padEnd(26)} ${String(size).padStart(9)}  ${detectMs.toFixed(1).padStart(9)}  ${extractMs.toFixed(1).padStart(10)}  ${String(result.pages).padStart(5)}  ${result.text.length}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
