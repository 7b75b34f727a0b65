import type { Cell, CellValue, Workbook, Worksheet } from 'exceljs';
import { UnreadableFileError, errorMessage } from '../../../core/errors';
import type { Extraction, Extractor, ExtractInput } from '../../../core/types';
import { SPREADSHEET_MIMES } from '../../detect/mime';
import { normalizeText } from '../../../core/normalize-text';
import { CELL_SEPARATOR } from '../text';
import { DRAWINGML, partText } from './ooxml-text';
import { capText, withOfficePackage } from './package';
import { officeFields } from '../fields/office-fields';

/**
 * exceljs holds the whole workbook at about 0.3 KB per XML element, and every part of the
 * package in memory, media too: beyond this many elements, or the zip limits on all parts,
 * a workbook would not fit the extraction's memory budget (1.25 GiB by default).
 */
export const XLSX_ELEMENTS = 3_000_000;

/**
 * Excel (.xlsx, .xlsm, .xltx, .xltm) with exceljs: every sheet, hidden ones too, under its
 * name, a line per row; formulas give their cached result, dates an ISO date. Text in shapes
 * and text boxes (drawing parts) follows the sheets. Pages = number of sheets.
 */
export const xlsxExtractor: Extractor = {
  name: 'office-xlsx',
  mimeTypes: SPREADSHEET_MIMES,
  weight: 10,
  async extract(input: ExtractInput): Promise<Extraction> {
    return withOfficePackage(input.path, async (zip) => {
      // exceljs unzips every part (a hidden 1.5 GB part would be read in full): all are checked.
      await zip.verify({ parts: () => true, maxElements: XLSX_ELEMENTS });
      const workbook = await readWorkbook(input.path);
      const sheets = workbook.worksheets.map(sheetText);
      const drawings: string[] = [];
      for (const part of zip.names.filter((n) => /^xl\/drawings\/drawing\d+\.xml$/.test(n))) {
        drawings.push(partText(await zip.readText(part), DRAWINGML));
      }
      const text = normalizeText([...sheets, ...drawings].join('\n\n'));
      return { text: capText(text, input.path), pages: Math.max(1, workbook.worksheets.length), ocrPages: [], fields: await officeFields(zip, input.path) };
    });
  },
};

async function readWorkbook(path: string): Promise<Workbook> {
  // Loaded on first use: exceljs alone takes ~200 ms to load, paid by every process that starts.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (err) {
    throw new UnreadableFileError(`unreadable Excel workbook: ${errorMessage(err)}`, { cause: err });
  }
  return workbook;
}

function sheetText(sheet: Worksheet): string {
  const lines = [sheet.name];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell) => {
      // A merged range repeats its value in every cell; keep the top-left one.
      if (cell.isMerged && cell.master !== cell) return;
      const text = cellText(cell);
      if (text) cells.push(text);
    });
    if (cells.length > 0) lines.push(cells.join(CELL_SEPARATOR));
  });
  return lines.join('\n');
}

function cellText(cell: Cell): string {
  return valueText(cell.value).trim();
}

function valueText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDate(value);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return valueText(value.text as CellValue); // text may itself be rich text
  if ('formula' in value || 'sharedFormula' in value) return valueText((value.result ?? null) as CellValue);
  return ''; // error values (#N/A …) carry nothing to search for
}

/** Excel dates have no zone; exceljs reads them as UTC. Midnight means a date without a time. */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}
