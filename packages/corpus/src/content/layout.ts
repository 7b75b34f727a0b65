import { LINE_SPACING, STYLE_PT, type Line, type LineStyle, type Segment } from './types';

/** A4 in PDF points, with the margins every renderer uses. */
export const PAGE = { width: 595.28, height: 841.89, margin: 62 } as const;
export const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;

export function left(text: string, style: LineStyle = 'body'): Line {
  return { style, segments: [{ text, x: 0, align: 'left' }] };
}

export function center(text: string, style: LineStyle = 'body'): Line {
  return { style, segments: [{ text, x: 0.5, align: 'center' }] };
}

export function right(text: string, style: LineStyle = 'body'): Line {
  return { style, segments: [{ text, x: 1, align: 'right' }] };
}

export function row(cells: Array<[string, number, Segment['align']]>, style: LineStyle = 'body'): Line {
  return { style, segments: cells.map(([text, x, align]) => ({ text, x, align })) };
}

export function blank(style: LineStyle = 'body'): Line {
  return { style, segments: [] };
}

export function lineHeight(line: Line): number {
  return STYLE_PT[line.style] * LINE_SPACING;
}

/** Splits lines into pages by the vertical space they take. */
export function paginate(lines: Line[]): Line[][] {
  const usable = PAGE.height - 2 * PAGE.margin;
  const pages: Line[][] = [[]];
  let used = 0;
  for (const line of lines) {
    const h = lineHeight(line);
    if (used + h > usable && pages[pages.length - 1]!.length > 0) {
      pages.push([]);
      used = 0;
    }
    if (used === 0 && line.segments.length === 0) continue; // no blank line at the top of a page
    pages[pages.length - 1]!.push(line);
    used += h;
  }
  return pages;
}

/**
 * Wraps Japanese text by character count (the renderers use full-width glyphs of the font size,
 * so a count is a width), never starting a line with closing punctuation (kinsoku).
 */
export function wrapJa(text: string, perLine: number): string[] {
  const noStart = new Set([...'、。）」』，．・ー']);
  const chars = [...text];
  const out: string[] = [];
  let cur: string[] = [];
  for (const ch of chars) {
    if (cur.length >= perLine && !noStart.has(ch)) {
      out.push(cur.join(''));
      cur = [];
    }
    cur.push(ch);
  }
  if (cur.length) out.push(cur.join(''));
  return out;
}

/** Wraps English text at word boundaries to at most `perLine` characters. */
export function wrapEn(text: string, perLine: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > perLine) {
      out.push(cur);
      cur = word;
    } else {
      cur = cur ? `${cur} ${word}` : word;
    }
  }
  if (cur) out.push(cur);
  return out;
}
