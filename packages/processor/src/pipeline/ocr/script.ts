import type { GreyPage } from './preprocess';

const CJK_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30FC]/u;

/** Share of Han and kana among the non-space characters of `text` (0 when there are none). */
export function cjkRatio(text: string): number {
  let cjk = 0;
  let total = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) continue;
    total += 1;
    if (CJK_CHAR.test(ch)) cjk += 1;
  }
  return total === 0 ? 0 : cjk / total;
}

export function nonSpaceLength(text: string): number {
  return text.replace(/\s+/gu, '').length;
}

export interface ProbeOptions {
  /** How many text lines to take. */
  lines: number;
  /** Rows with at least this share of dark pixels belong to a text line. */
  minInkShare: number;
  /** Keep this many inches of each line from where its text starts (a pixel width when the resolution is unknown: × 200). */
  maxInches: number;
}

const DARK = 128;
const PADDING = 4;

/**
 * A few text lines from across the page, stacked into a small image: enough for the jpn model to
 * tell Japanese from English at a fraction of a page's cost. Lines are found by the dark-pixel
 * count of each row (a projection profile); too thin (rules, specks) or too tall (pictures, merged
 * lines) bands are skipped. Undefined when the page shows no text line at all.
 */
export function probeStrip(page: GreyPage, opts: ProbeOptions): GreyPage | undefined {
  const { grey, width, height } = page;
  const minInk = Math.max(2, Math.round(width * opts.minInkShare));
  const inked: boolean[] = new Array(height);
  for (let y = 0; y < height; y += 1) {
    let ink = 0;
    const row = y * width;
    for (let x = 0; x < width; x += 1) if (grey[row + x]! < DARK) ink += 1;
    inked[y] = ink >= minInk;
  }
  const minLine = Math.max(6, Math.round(height * 0.004));
  // Half an inch (36 pt type) when the resolution is known; else a share of the page, never under 60 px.
  const maxLine = page.dpi ? Math.round(page.dpi / 2) : Math.max(60, Math.round(height * 0.06));
  const bands: Array<[number, number]> = [];
  for (let y = 0; y < height; ) {
    if (!inked[y]) {
      y += 1;
      continue;
    }
    const start = y;
    while (y < height && inked[y]) y += 1;
    if (y - start >= minLine && y - start <= maxLine) bands.push([start, y]);
  }
  if (bands.length === 0) return undefined;
  const picked =
    bands.length <= opts.lines
      ? bands
      : Array.from({ length: opts.lines }, (_, i) => bands[Math.floor(((i + 0.5) * bands.length) / opts.lines)]!);
  const rows = picked.map(([a, b]) => [Math.max(0, a - PADDING), Math.min(height, b + PADDING)] as const);
  // Only the start of each line: the script shows in a few words, and OCR cost grows with the width.
  const left = Math.max(0, Math.min(...rows.map(([a, b]) => firstInkColumn(grey, width, a, b))) - PADDING);
  const outWidth = Math.min(width - left, Math.round(opts.maxInches * (page.dpi ?? 200)));
  const gap = PADDING * 4;
  const outHeight = rows.reduce((sum, [a, b]) => sum + (b - a) + gap, gap);
  const out = new Uint8Array(outWidth * outHeight).fill(255);
  let y = gap;
  for (const [a, b] of rows) {
    for (let r = a; r < b; r += 1, y += 1) out.set(grey.subarray(r * width + left, r * width + left + outWidth), y * outWidth);
    y += gap;
  }
  return { grey: out, width: outWidth, height: outHeight, dpi: page.dpi };
}

function firstInkColumn(grey: Uint8Array, width: number, top: number, bottom: number): number {
  for (let x = 0; x < width; x += 1) {
    for (let y = top; y < bottom; y += 1) if (grey[y * width + x]! < DARK) return x;
  }
  return width;
}
