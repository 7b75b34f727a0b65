export type Lang = 'ja' | 'en';
export type DocKind = 'quotation' | 'invoice' | 'contract' | 'delivery' | 'letter' | 'minutes';
export type LineStyle = 'title' | 'heading' | 'body' | 'small';

/** A run of text placed on a line: `x` is a fraction of the text width, measured from the left margin. */
export interface Segment {
  text: string;
  x: number;
  align: 'left' | 'center' | 'right';
}

/** One printed line. A line without segments is vertical space. */
export interface Line {
  style: LineStyle;
  segments: Segment[];
}

/**
 * A business document as a list of pre-wrapped lines, so that every renderer (scan image,
 * PDF text layer, Office file) prints the same words and the ground truth is exact.
 */
export interface DocContent {
  lang: Lang;
  kind: DocKind;
  title: string;
  lines: Line[];
  /** A few distinctive words (≥ 3 characters) that must be findable after indexing. */
  expectedWords: string[];
  /** Table rows as cells, for spreadsheets and slides. */
  table?: { header: string[]; rows: string[][] };
  /** Paragraph text (unwrapped), for word processors. */
  paragraphs: string[];
}

/** Font size in points for each style. */
export const STYLE_PT: Record<LineStyle, number> = { title: 20, heading: 12, body: 10.5, small: 9 };
/** Line advance as a multiple of the font size. */
export const LINE_SPACING = 1.75;

/** The text a line prints, as OCR ground truth: segments joined by single spaces. */
export function lineText(line: Line): string {
  return line.segments.map((s) => s.text).join(' ');
}

/** The text a page prints, one line per printed line, blank lines dropped. */
export function pageText(lines: Line[]): string {
  return lines
    .map(lineText)
    .filter((t) => t.length > 0)
    .join('\n');
}
