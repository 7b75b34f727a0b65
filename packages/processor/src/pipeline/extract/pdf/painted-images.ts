import type { Pdfjs } from './pdfjs';

/** A PDF transformation matrix [a b c d e f]. */
export type Matrix = readonly [number, number, number, number, number, number];

/** Decoded image object as pdf.js hands it to its canvas code (with OffscreenCanvas disabled). */
export interface PdfImageData {
  width: number;
  height: number;
  /** pdf.js ImageKind: 1 = 1 bit grey (set bit = white), 2 = RGB, 3 = RGBA. */
  kind?: number;
  data?: Uint8Array | Uint8ClampedArray;
}

export interface PaintedImage {
  /**
   * - xobject: an image XObject, its pixels in the page's object store under `objId`;
   * - inline: an inline image, its pixels in `inline`;
   * - other: stencil masks, grouped or repeated images: painted, but not taken whole.
   */
  source: 'xobject' | 'inline' | 'other';
  objId?: string;
  inline?: PdfImageData;
  /** Maps the image's unit square to the page as displayed at scale 1 (points, y down, /Rotate applied). */
  matrix: Matrix;
}

export interface OperatorList {
  fnArray: number[];
  argsArray: unknown[];
}

export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** pdf.js hands matrices over as plain arrays (cm) or Float32Arrays (form XObjects). */
function asMatrix(value: unknown): Matrix | undefined {
  // isView, not instanceof: under jest, pdf.js's typed arrays may come from another realm.
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && 'length' in value)) return undefined;
  const list = Array.from(value as ArrayLike<unknown>);
  if (list.length !== 6 || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return list as unknown as Matrix;
}

/**
 * Walks an operator list the way pdf.js's canvas does (save/restore, cm, form XObjects)
 * to find every image the page paints and where it lands. Transparency groups do not
 * change the transform: pdf.js applies a form's matrix in paintFormXObjectBegin.
 */
export function paintedImages(ops: OperatorList, OPS: Pdfjs['OPS'], viewportTransform: readonly number[]): PaintedImage[] {
  const viewport = asMatrix(viewportTransform);
  if (!viewport) throw new TypeError('viewport transform is not a 6-number matrix');
  const found: PaintedImage[] = [];
  const stack: Matrix[] = [];
  let ctm = viewport;
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = (ops.argsArray[i] ?? []) as unknown[];
    switch (fn) {
      case OPS.save:
      case OPS.beginGroup:
        stack.push(ctm);
        break;
      case OPS.restore:
      case OPS.endGroup:
      case OPS.paintFormXObjectEnd:
        ctm = stack.pop() ?? ctm;
        break;
      case OPS.transform: {
        const m = asMatrix(args);
        if (m) ctm = multiply(ctm, m);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        stack.push(ctm);
        const m = asMatrix(args[0]);
        if (m) ctm = multiply(ctm, m);
        break;
      }
      case OPS.paintImageXObject:
        if (typeof args[0] === 'string') found.push({ source: 'xobject', objId: args[0], matrix: ctm });
        break;
      case OPS.paintInlineImageXObject:
        found.push({ source: 'inline', inline: args[0] as PdfImageData, matrix: ctm });
        break;
      case OPS.paintImageMaskXObject:
      case OPS.paintImageMaskXObjectGroup:
      case OPS.paintImageMaskXObjectRepeat:
      case OPS.paintImageXObjectRepeat:
      case OPS.paintInlineImageXObjectGroup:
      case OPS.paintSolidColorImageMask:
        found.push({ source: 'other', matrix: ctm });
        break;
      default:
        break;
    }
  }
  return found;
}

export interface Placement {
  /** Displayed size of the image's width and height, in points. */
  widthPt: number;
  heightPt: number;
  /** Share of the page area the image covers, 0–1. */
  pageShare: number;
  /** Clockwise quarter turns that make the image's pixels upright as the page is displayed. */
  quarterTurns: 0 | 1 | 2 | 3;
}

export function placement(matrix: Matrix, page: { width: number; height: number }): Placement {
  const [a, b, c, d] = matrix;
  // Pixel columns run along (a, b) on the y-down page; its angle is the clockwise turn the
  // image shows with.
  const turns = Math.round(Math.atan2(b, a) / (Math.PI / 2));
  return {
    widthPt: Math.hypot(a, b),
    heightPt: Math.hypot(c, d),
    pageShare: Math.min(1, Math.abs(a * d - b * c) / (page.width * page.height)),
    quarterTurns: (((turns % 4) + 4) % 4) as Placement['quarterTurns'],
  };
}
