import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { PAGE, TEXT_WIDTH } from '../content/layout';
import { LINE_SPACING, STYLE_PT, type Line } from '../content/types';
import { canvasFamily, ensureFonts, type FontFace } from './fonts';

/** Greyscale pixels, one byte per pixel, row by row. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface PagePlacement {
  dpi: number;
  /** Skew of the sheet on the scanner glass, degrees (positive is clockwise). */
  rotationDeg?: number;
  /** Offset of the sheet on the glass, points. */
  shiftPt?: [number, number];
}

/** Baseline of each line, in points from the top of the page; shared with the PDF writers. */
export function baselines(lines: Line[]): number[] {
  const out: number[] = [];
  let top = PAGE.margin;
  for (const line of lines) {
    const size = STYLE_PT[line.style];
    out.push(top + size * 1.2);
    top += size * LINE_SPACING;
  }
  return out;
}

/** Left x of a segment in points, given its rendered width. */
export function segmentX(x: number, align: 'left' | 'center' | 'right', width: number): number {
  const anchor = PAGE.margin + x * TEXT_WIDTH;
  if (align === 'right') return anchor - width;
  if (align === 'center') return anchor - width / 2;
  return anchor;
}

function drawLines(ctx: SKRSContext2D, lines: Line[], face: FontFace, scale: number): void {
  const ys = baselines(lines);
  ctx.fillStyle = '#000';
  ctx.textBaseline = 'alphabetic';
  lines.forEach((line, i) => {
    ctx.font = `${STYLE_PT[line.style] * scale}px ${canvasFamily(face)}`;
    for (const seg of line.segments) {
      const w = ctx.measureText(seg.text).width / scale;
      ctx.fillText(seg.text, segmentX(seg.x, seg.align, w) * scale, ys[i]! * scale);
    }
  });
}

/**
 * A view of native pixel memory made by this realm's Uint8Array: element access to typed arrays
 * created by another realm (jest runs tests in a vm context) is over 20 times slower.
 */
export function realmView(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Prints one page of lines on a white A4 sheet at `dpi`, optionally skewed and shifted. */
export function renderPage(lines: Line[], face: FontFace, placement: PagePlacement): GreyImage {
  ensureFonts();
  const scale = placement.dpi / 72;
  const width = Math.round(PAGE.width * scale);
  const height = Math.round(PAGE.height * scale);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const [dx, dy] = placement.shiftPt ?? [0, 0];
  ctx.translate(width / 2 + dx * scale, height / 2 + dy * scale);
  ctx.rotate(((placement.rotationDeg ?? 0) * Math.PI) / 180);
  ctx.translate(-width / 2, -height / 2);
  drawLines(ctx, lines, face, scale);
  const rgba = realmView(ctx.getImageData(0, 0, width, height).data);
  const data = new Uint8Array(width * height);
  for (let i = 0, j = 0; j < data.length; i += 4, j++) data[j] = rgba[i + 1]!;
  return { width, height, data };
}
